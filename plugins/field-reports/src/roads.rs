//! Which road a report is about: the first configured road code that its
//! address or description names, however it is written (`QL4A`, `QL 4A`,
//! `QL.4A`, `Quốc lộ 4A`, `quốc lộ 4a`; `CT13`, `cao tốc 13`; `ĐT226`,
//! `đường tỉnh 226`), normalised to the code (`QL4A`).

/// The ways a road's kind is written, lowercase, and the code prefix each
/// stands for. Longer spellings first.
const KINDS: [(&str, &str); 6] = [
    ("quốc lộ", "QL"),
    ("cao tốc", "CT"),
    ("đường tỉnh", "ĐT"),
    ("ql", "QL"),
    ("ct", "CT"),
    ("đt", "ĐT"),
];

/// What may stand between the kind and the number: `QL 4A`, `QL.4A`, `QL-4A`.
const SEPARATORS: [char; 5] = [' ', '.', '-', '_', '\u{a0}'];

/// The configured roads, as codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Roads {
    codes: Vec<String>,
}

impl Roads {
    /// The roads of `codes` (`roads` in the configuration); codes that are
    /// not road codes are left out (`Config::check` refuses them).
    pub fn new(codes: &[String]) -> Self {
        Roads {
            codes: codes.iter().filter_map(|c| parse_code(c)).collect(),
        }
    }

    /// The first configured road that `texts` name, tried in order.
    pub fn find(&self, texts: &[Option<&str>]) -> Option<&str> {
        texts.iter().flatten().find_map(|text| self.find_in(text))
    }

    fn find_in(&self, text: &str) -> Option<&str> {
        let lower = text.to_lowercase();
        let mut from = 0;
        while from < lower.len() {
            let rest = &lower[from..];
            let boundary = lower[..from]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric());
            if boundary {
                for (spelling, prefix) in KINDS {
                    let number = rest
                        .strip_prefix(spelling)
                        .and_then(number_after)
                        .map(|(number, _)| number);
                    let code = number.and_then(|number| {
                        self.codes.iter().find(|c| {
                            c.strip_prefix(prefix)
                                .is_some_and(|n| n.eq_ignore_ascii_case(number))
                        })
                    });
                    if let Some(code) = code {
                        return Some(code);
                    }
                }
            }
            from += rest.chars().next().map_or(1, char::len_utf8);
        }
        None
    }
}

/// The road number at the start of `text` after at most three separators:
/// ASCII letters and digits starting with a digit, not followed by another
/// letter or digit. Returns it and what follows.
fn number_after(text: &str) -> Option<(&str, &str)> {
    let mut rest = text;
    for _ in 0..3 {
        match rest.strip_prefix(SEPARATORS) {
            Some(r) => rest = r,
            None => break,
        }
    }
    let len = rest.bytes().take_while(u8::is_ascii_alphanumeric).count();
    let (number, after) = rest.split_at(len);
    let starts_with_digit = number.bytes().next().is_some_and(|b| b.is_ascii_digit());
    let ends = after.chars().next().is_none_or(|c| !c.is_alphanumeric());
    (starts_with_digit && ends).then_some((number, after))
}

/// The code a configured road is written as, normalised: `QL4A`, `ql 4a`
/// and `Quốc lộ 4A` are all `QL4A`. `None` if it is not a road code.
pub fn parse_code(text: &str) -> Option<String> {
    let lower = text.trim().to_lowercase();
    KINDS.iter().find_map(|(spelling, prefix)| {
        let (number, after) = number_after(lower.strip_prefix(spelling)?)?;
        after
            .is_empty()
            .then(|| format!("{prefix}{}", number.to_ascii_uppercase()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roads() -> Roads {
        let codes = ["QL1A", "QL1B", "QL4A", "QL279", "CT13", "ĐT226"].map(str::to_owned);
        Roads::new(&codes)
    }

    fn find(text: &str) -> Option<String> {
        roads().find(&[Some(text)]).map(str::to_owned)
    }

    #[test]
    fn every_spelling_of_a_road_is_its_code() {
        for text in [
            "Km 12 QL4A, xã Hoàng Đồng",
            "ổ gà trên QL 4A gần cầu Kỳ Cùng",
            "QL.4A đoạn qua Văn Lãng",
            "Quốc lộ 4A, thôn Nà Pàn",
            "quốc lộ 4a bị ngập",
            "QUỐC LỘ 4A",
            "(Quốc Lộ 4A)",
        ] {
            assert_eq!(find(text).as_deref(), Some("QL4A"), "{text}");
        }
        assert_eq!(find("cao tốc 13 đoạn Chi Lăng").as_deref(), Some("CT13"));
        assert_eq!(find("Đường tỉnh 226, Cao Lộc").as_deref(), Some("ĐT226"));
        assert_eq!(find("ĐT226").as_deref(), Some("ĐT226"));
    }

    #[test]
    fn a_road_must_be_configured_and_a_whole_word() {
        assert_eq!(find("Quốc lộ 3B"), None, "not configured here");
        assert_eq!(find("QL1AB"), None);
        assert_eq!(find("QL1"), None, "QL1 is not QL1A");
        assert_eq!(find("SQL4A"), None);
        assert_eq!(find("QL4Ax"), None);
        assert_eq!(find("quốc lộ"), None);
        assert_eq!(find("đường Trần Đăng Ninh"), None);
        assert_eq!(
            find("QL1B rồi QL1A").as_deref(),
            Some("QL1B"),
            "the first named"
        );
    }

    #[test]
    fn the_address_is_tried_before_the_description() {
        let r = roads();
        assert_eq!(r.find(&[None, Some("trên QL1A")]), Some("QL1A"));
        assert_eq!(
            r.find(&[Some("QL279, Bình Gia"), Some("QL1A")]),
            Some("QL279")
        );
        assert_eq!(r.find(&[Some("phố Kỳ Lừa"), None]), None);
    }

    #[test]
    fn codes_are_normalised_or_refused() {
        assert_eq!(parse_code("QL4A").as_deref(), Some("QL4A"));
        assert_eq!(parse_code("ql 4a").as_deref(), Some("QL4A"));
        assert_eq!(parse_code("Quốc lộ 1A").as_deref(), Some("QL1A"));
        assert_eq!(parse_code("đt.226").as_deref(), Some("ĐT226"));
        assert_eq!(parse_code("X12"), None);
        assert_eq!(parse_code("QL"), None);
        assert_eq!(parse_code("QLA1"), None);
        assert_eq!(parse_code("QL1A đoạn 2"), None);
    }
}
