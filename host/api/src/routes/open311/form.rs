//! A request's fields, from an `application/x-www-form-urlencoded` or a
//! JSON object body, as name → text.
//!
//! `tests/fuzz` (target `open311_form`) compiles this file and `submit.rs`
//! on their own: keep their imports to each other, `cityhub_config` and
//! `serde_json`.

use std::collections::BTreeMap;

/// Field name → value, as sent (JSON numbers as their text; `null` absent).
pub type Fields = BTreeMap<String, String>;

/// Parses `body` by its content type: JSON when it says `json`, form
/// encoding otherwise (the spec's default).
pub fn parse(content_type: Option<&str>, body: &[u8]) -> Result<Fields, String> {
    let is_json = content_type.is_some_and(|c| c.to_ascii_lowercase().contains("json"));
    if is_json {
        json(body)
    } else {
        urlencoded(body)
    }
}

fn json(body: &[u8]) -> Result<Fields, String> {
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
        format!("the body is not valid JSON ({e}): send an object such as `{{\"service_code\": \"o-ga\", \"lat\": 21.853, \"long\": 106.761}}`, or form fields")
    })?;
    let serde_json::Value::Object(map) = value else {
        return Err("the JSON body must be an object of request fields, e.g. `{\"service_code\": \"o-ga\", \"address_string\": \"…\"}`".to_owned());
    };
    let mut fields = Fields::new();
    let mut bad = Vec::new();
    for (k, v) in map {
        match v {
            serde_json::Value::Null => {}
            serde_json::Value::String(s) => {
                fields.insert(k, s);
            }
            serde_json::Value::Number(n) => {
                fields.insert(k, n.to_string());
            }
            serde_json::Value::Bool(b) => {
                fields.insert(k, b.to_string());
            }
            _ => bad.push(format!(
                "`{k}` must be a string or a number, not an array or object"
            )),
        }
    }
    if bad.is_empty() {
        Ok(fields)
    } else {
        Err(bad.join("; "))
    }
}

/// `a=1&b=x+y%C3%A0`; a repeated name keeps its last value.
pub fn urlencoded(body: &[u8]) -> Result<Fields, String> {
    let mut fields = Fields::new();
    for pair in body.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
        let mut it = pair.splitn(2, |b| *b == b'=');
        let name = decode(it.next().unwrap_or_default())?;
        let value = decode(it.next().unwrap_or_default())?;
        fields.insert(name, value);
    }
    Ok(fields)
}

fn decode(raw: &[u8]) -> Result<String, String> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = raw
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or("the form body has a `%` not followed by two hex digits: percent-encode it as `%25`")?;
                out.push(hex);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out)
        .map_err(|_| "the form body is not UTF-8 once decoded: encode text as UTF-8 before percent-encoding it".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_fields_decode_utf8_plus_and_percent() {
        let f = urlencoded(
            b"service_code=o-ga&description=%E1%BB%94+g%C3%A0+s%C3%A2u&lat=21.85&empty=",
        )
        .unwrap();
        assert_eq!(f["description"], "Ổ gà sâu");
        assert_eq!(f["lat"], "21.85");
        assert_eq!(f["empty"], "");
        assert!(urlencoded(b"a=%zz").is_err());
        assert!(urlencoded(b"a=%C3").is_err());
    }

    #[test]
    fn json_fields_keep_text_and_numbers() {
        let f = parse(
            Some("application/json; charset=utf-8"),
            r#"{"service_code": "o-ga", "lat": 21.853, "description": "Ngập úng", "email": null}"#
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(f["lat"], "21.853");
        assert_eq!(f["description"], "Ngập úng");
        assert!(!f.contains_key("email"));
        assert!(parse(Some("application/json"), b"[1]").is_err());
        assert!(
            parse(Some("application/json"), br#"{"a": [1]}"#)
                .unwrap_err()
                .contains("`a`")
        );
    }
}
