//! Reading the dashboard's sources as text: the embedded files by kind, and
//! the translation keys a piece of HTML or JavaScript asks for.

use cityhub_dashboard::{Asset, assets};

/// The embedded files whose path ends with `ext`, as text.
pub fn texts(ext: &str) -> Vec<(&'static str, &'static str)> {
    assets()
        .iter()
        .filter(|a| a.path.ends_with(ext))
        .map(|a: &Asset| (a.path, std::str::from_utf8(a.body).unwrap()))
        .collect()
}

/// A key as the source names it: whole, or the fixed start of a template
/// literal (`` `severity.${s}` `` → `Prefix("severity.")`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Key {
    Whole(String),
    Prefix(String),
}

/// Whether `c` may continue an identifier (so `at(` is not `t(`).
fn ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$' || c == '.'
}

/// The string literal or template start at the beginning of `rest`
/// (after spaces), if there is one.
fn literal(rest: &str) -> Option<Key> {
    let rest = rest.trim_start();
    let quote = rest.chars().next()?;
    let body = &rest[1..];
    match quote {
        '"' | '\'' => body
            .find(quote)
            .map(|end| Key::Whole(body[..end].to_owned())),
        '`' => {
            let end = body.find('`')?;
            let text = &body[..end];
            Some(match text.find("${") {
                Some(at) => Key::Prefix(text[..at].to_owned()),
                None => Key::Whole(text.to_owned()),
            })
        }
        _ => None,
    }
}

/// What follows the first top-level comma of a call's arguments (`rest`
/// starts right after the opening parenthesis).
fn second_argument(rest: &str) -> Option<&str> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (i, c) in rest.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'' | '`') => quote = Some(c),
            (None, '(' | '[' | '{') => depth += 1,
            (None, ')' | ']' | '}') if depth == 0 => return None,
            (None, ')' | ']' | '}') => depth -= 1,
            (None, ',') if depth == 0 => return Some(&rest[i + 1..]),
            _ => {}
        }
    }
    None
}

/// Every key a JavaScript module asks for: the first argument of `t(` and
/// `has(`, the second of `setKey(`, and the value of `key:`, `i18n:`,
/// `i18nAria:`, `i18nTitle:`, `i18nPlaceholder:`.
pub fn js_keys(source: &str) -> Vec<Key> {
    let mut keys = Vec::new();
    for (at, _) in source.char_indices() {
        let before_ok = source[..at].chars().next_back().is_none_or(|c| !ident(c));
        if !before_ok {
            continue;
        }
        let rest = &source[at..];
        let found = if let Some(args) = rest
            .strip_prefix("t(")
            .or_else(|| rest.strip_prefix("has("))
        {
            literal(args)
        } else if let Some(args) = rest.strip_prefix("setKey(") {
            second_argument(args).and_then(literal)
        } else {
            [
                "key:",
                "i18n:",
                "i18nAria:",
                "i18nTitle:",
                "i18nPlaceholder:",
            ]
            .iter()
            .find_map(|m| rest.strip_prefix(m))
            .and_then(literal)
        };
        keys.extend(found);
    }
    keys
}

/// Every key an HTML page names in `data-i18n`, `data-i18n-aria`,
/// `data-i18n-placeholder` or `data-i18n-title`.
pub fn html_keys(source: &str) -> Vec<String> {
    let mut keys = Vec::new();
    for attr in [
        "data-i18n=\"",
        "data-i18n-aria=\"",
        "data-i18n-placeholder=\"",
        "data-i18n-title=\"",
    ] {
        for (at, _) in source.match_indices(attr) {
            let rest = &source[at + attr.len()..];
            if let Some(end) = rest.find('"') {
                keys.push(rest[..end].to_owned());
            }
        }
    }
    keys
}

#[test]
fn the_scanner_finds_keys_in_calls_and_attributes() {
    let js = r#"t("a.b"); at("no.no"); x.t("no.no"); setKey(el.querySelector(".x, y"), `live.${s}`, {n}); h("i", { i18n: "c.d", i18nAria: 'e.f' }); notify({ key: `done.${a}` }); t(`${kind}.${v}`); has(`sector.${s}`)"#;
    assert_eq!(
        js_keys(js),
        vec![
            Key::Whole("a.b".into()),
            Key::Prefix("live.".into()),
            Key::Whole("c.d".into()),
            Key::Whole("e.f".into()),
            Key::Prefix("done.".into()),
            Key::Prefix("".into()),
            Key::Prefix("sector.".into()),
        ]
    );
    let html =
        r#"<p data-i18n="a.b">x</p><input data-i18n-placeholder="c.d" data-i18n-aria="e.f">"#;
    assert_eq!(html_keys(html), vec!["a.b", "e.f", "c.d"]);
}
