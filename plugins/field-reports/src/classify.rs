//! Which service a report is filed under: the service its `service_code`
//! names; else the first service (in configuration order) one of whose
//! `keywords` its description contains as whole words, compared lowercase
//! with diacritics kept (Vietnamese words differ only by them: `đúng` is not
//! `úng`); else the `fallback` service.

use crate::config::{Config, Service};

/// How a report was filed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// Its `service_code` is a configured service's.
    Code,
    /// A keyword of the service is in its description.
    Keyword,
    /// Neither: the fallback service.
    Fallback,
}

impl Basis {
    /// How the plugin logs it.
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Code => "service_code",
            Basis::Keyword => "keyword",
            Basis::Fallback => "fallback",
        }
    }
}

/// The services with their keywords lowercased once, for [`classify`](Catalogue::classify).
#[derive(Debug, Clone)]
pub struct Catalogue {
    keywords: Vec<Vec<String>>,
}

impl Catalogue {
    /// Prepares `config`'s services.
    pub fn new(config: &Config) -> Self {
        Catalogue {
            keywords: config
                .services
                .iter()
                .map(|s| s.keywords.iter().map(|k| k.trim().to_lowercase()).collect())
                .collect(),
        }
    }

    /// The service a report with `code` and `description` is filed under.
    /// `config` is the one the catalogue was made from, checked (so its
    /// fallback exists).
    pub fn classify<'c>(
        &self,
        config: &'c Config,
        code: Option<&str>,
        description: Option<&str>,
    ) -> Option<(&'c Service, Basis)> {
        if let Some(service) = code.and_then(|c| config.service(c)) {
            return Some((service, Basis::Code));
        }
        if let Some(text) = description.map(str::to_lowercase) {
            let by_keyword = config
                .services
                .iter()
                .zip(&self.keywords)
                .find(|(_, words)| words.iter().any(|w| contains_word(&text, w)));
            if let Some((service, _)) = by_keyword {
                return Some((service, Basis::Keyword));
            }
        }
        config
            .service(&config.fallback)
            .map(|s| (s, Basis::Fallback))
    }
}

/// Whether `text` contains `word` with no letter or digit right before or
/// after it.
fn contains_word(text: &str, word: &str) -> bool {
    if word.is_empty() {
        return false;
    }
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        before.is_none_or(|c| !c.is_alphanumeric()) && after.is_none_or(|c| !c.is_alphanumeric())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_match_whole_words_only() {
        assert!(contains_word("đường bị ngập úng", "úng"));
        assert!(!contains_word("báo đúng giờ", "úng"));
        assert!(!contains_word("huyện hữu lũng", "lũ"));
        assert!(contains_word("lũ về, nước tràn", "lũ"));
        assert!(contains_word("ổ gà.", "ổ gà"));
        assert!(!contains_word("abc", ""));
    }
}
