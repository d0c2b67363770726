//! Reading test events from CloudEvents JSON (structured mode, one event or
//! a batch array), as a plugin's `events/*.json` samples are written.

use std::path::Path;

use serde_json::{Map, Value};

use super::TestEvent;
use crate::{Error, ErrorKind};

/// The context attributes that are not extensions.
const KNOWN: [&str; 10] = [
    "specversion",
    "id",
    "source",
    "type",
    "subject",
    "time",
    "datacontenttype",
    "dataschema",
    "data",
    "data_base64",
];

impl TestEvent {
    /// Reads a file of structured-mode CloudEvents JSON: one event object or
    /// an array of them (the batch format). Errors name the file, the event's
    /// position and the attribute at fault.
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("cityhub-sdk-doc-{}", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// # let path = dir.join("readings.json");
    /// std::fs::write(&path, r#"[{"specversion": "1.0", "id": "r-1", "source": "/sensors/ql1a-km12",
    ///     "type": "city.traffic.reading", "data": {"intensity": 12}}]"#).unwrap();
    /// let events = cityhub_sdk::testing::TestEvent::from_json_file(&path)?;
    /// assert_eq!(events[0].id, "r-1");
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn from_json_file(path: impl AsRef<Path>) -> Result<Vec<TestEvent>, Error> {
        let path = path.as_ref();
        let fail = |msg: String| {
            Error::new(
                ErrorKind::InvalidInput,
                format!("`{}`: {msg}", path.display()),
            )
        };
        let text = std::fs::read(path).map_err(|err| fail(format!("cannot read: {err}")))?;
        let value: Value =
            serde_json::from_slice(&text).map_err(|err| fail(format!("not JSON: {err}")))?;
        Self::from_json(&value).map_err(|err| fail(err.message().to_owned()))
    }

    /// Reads structured-mode CloudEvents JSON: one event object or an array
    /// of them.
    ///
    /// `specversion` must be `1.0`, and `id`, `source` and `type` are
    /// required. `data` is kept as JSON text when `datacontenttype` is absent
    /// or a JSON type, and as the string's bytes otherwise; `data_base64` is
    /// decoded. Every other member is an extension attribute (strings,
    /// numbers and booleans, as their text).
    ///
    /// ```
    /// use cityhub_sdk::testing::TestEvent;
    /// let events = TestEvent::from_json(&serde_json::json!({
    ///     "specversion": "1.0", "id": "r-1", "source": "/s", "type": "city.traffic.reading",
    ///     "partitionkey": "QL1A", "data": {"intensity": 12}
    /// }))?;
    /// assert_eq!(events[0].extensions, [("partitionkey".to_owned(), "QL1A".to_owned())]);
    /// assert_eq!(events[0].data.as_deref(), Some(&br#"{"intensity":12}"#[..]));
    ///
    /// let err = TestEvent::from_json(&serde_json::json!([{"specversion": "1.0", "id": "x", "source": "/s"}])).unwrap_err();
    /// assert_eq!(err.message(), "event 0: `type` is missing");
    /// # Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn from_json(value: &Value) -> Result<Vec<TestEvent>, Error> {
        match value {
            Value::Array(events) => events.iter().enumerate().map(|(i, v)| one(i, v)).collect(),
            Value::Object(_) => Ok(vec![one(0, value)?]),
            _ => Err(invalid(
                "expected a CloudEvent object or an array of them".to_owned(),
            )),
        }
    }
}

fn invalid(message: String) -> Error {
    Error::new(ErrorKind::InvalidInput, message)
}

fn one(index: usize, value: &Value) -> Result<TestEvent, Error> {
    let fail = |msg: String| invalid(format!("event {index}: {msg}"));
    let Value::Object(obj) = value else {
        return Err(fail("expected a JSON object".to_owned()));
    };
    match obj.get("specversion") {
        Some(Value::String(v)) if v == "1.0" => {}
        Some(other) => {
            return Err(fail(format!(
                "`specversion` is {other}; only \"1.0\" is supported"
            )));
        }
        None => return Err(fail("`specversion` is missing".to_owned())),
    }
    let required = |name: &str| match obj.get(name) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        Some(_) => Err(fail(format!("`{name}` must be a non-empty string"))),
        None => Err(fail(format!("`{name}` is missing"))),
    };
    let (id, source, ty) = (required("id")?, required("source")?, required("type")?);
    let mut event = TestEvent::new(ty).id(id).source(source);
    event.subject = optional(obj, "subject").map_err(&fail)?;
    event.time = optional(obj, "time").map_err(&fail)?;
    event.datacontenttype = optional(obj, "datacontenttype").map_err(&fail)?;
    event.dataschema = optional(obj, "dataschema").map_err(&fail)?;
    event.data = data(obj, event.datacontenttype.as_deref()).map_err(&fail)?;
    for (name, value) in obj
        .iter()
        .filter(|(name, _)| !KNOWN.contains(&name.as_str()))
    {
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => {
                return Err(fail(format!(
                    "extension `{name}` must be a string, number or boolean"
                )));
            }
        };
        event.extensions.push((name.clone(), text));
    }
    Ok(event)
}

fn optional(obj: &Map<String, Value>, name: &str) -> Result<Option<String>, String> {
    match obj.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("`{name}` must be a string")),
    }
}

fn is_json(content_type: Option<&str>) -> bool {
    let Some(ct) = content_type else { return true };
    let essence = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence == "text/json" || essence.ends_with("+json")
}

fn data(obj: &Map<String, Value>, content_type: Option<&str>) -> Result<Option<Vec<u8>>, String> {
    match (obj.get("data"), obj.get("data_base64")) {
        (Some(_), Some(_)) => Err("has both `data` and `data_base64`".to_owned()),
        (Some(data), None) if is_json(content_type) => Ok(Some(data.to_string().into_bytes())),
        (Some(Value::String(text)), None) => Ok(Some(text.clone().into_bytes())),
        (Some(_), None) => {
            Err("`data` must be a string when `datacontenttype` is not JSON".to_owned())
        }
        (None, Some(Value::String(b64))) => base64(b64)
            .map(Some)
            .ok_or_else(|| "`data_base64` is not base64".to_owned()),
        (None, Some(_)) => Err("`data_base64` must be a string".to_owned()),
        (None, None) => Ok(None),
    }
}

/// Decodes standard base64 (RFC 4648, padding optional, no whitespace).
fn base64(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    (bits < 6).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decodes_base64_and_text_data() {
        assert_eq!(base64("eGluIGNow6Bv").unwrap(), "xin chào".as_bytes());
        assert_eq!(base64("YQ==").unwrap(), b"a");
        assert_eq!(base64("YWI=").unwrap(), b"ab");
        assert!(base64("Y").is_none());
        assert!(base64("a b").is_none());
        let events = TestEvent::from_json(&json!([
            {"specversion": "1.0", "id": "1", "source": "/s", "type": "t", "data_base64": "YQ=="},
            {"specversion": "1.0", "id": "2", "source": "/s", "type": "t", "datacontenttype": "text/plain", "data": "42 cars"},
            {"specversion": "1.0", "id": "3", "source": "/s", "type": "t", "datacontenttype": "application/geo+json; charset=utf-8", "data": {"a": 1}},
        ]))
        .unwrap();
        assert_eq!(events[0].data.as_deref(), Some(&b"a"[..]));
        assert_eq!(events[1].data.as_deref(), Some(&b"42 cars"[..]));
        assert_eq!(events[2].data.as_deref(), Some(&br#"{"a":1}"#[..]));
    }

    #[test]
    fn names_the_attribute_at_fault() {
        let base = json!({"specversion": "1.0", "id": "1", "source": "/s", "type": "t"});
        let with = |k: &str, v: Value| {
            let mut e = base.clone();
            e[k] = v;
            TestEvent::from_json(&e).unwrap_err().message().to_owned()
        };
        assert_eq!(
            with("specversion", json!("0.3")),
            "event 0: `specversion` is \"0.3\"; only \"1.0\" is supported"
        );
        assert_eq!(
            with("id", json!("")),
            "event 0: `id` must be a non-empty string"
        );
        assert_eq!(
            with("subject", json!(3)),
            "event 0: `subject` must be a string"
        );
        assert_eq!(
            with("ext", json!({})),
            "event 0: extension `ext` must be a string, number or boolean"
        );
        assert_eq!(
            with("data_base64", json!("!")),
            "event 0: `data_base64` is not base64"
        );
        let err = TestEvent::from_json(&json!(7)).unwrap_err();
        assert_eq!(
            err.message(),
            "expected a CloudEvent object or an array of them"
        );
    }

    #[test]
    fn file_errors_name_the_file() {
        let err = TestEvent::from_json_file("/nonexistent/readings.json").unwrap_err();
        assert!(
            err.message()
                .starts_with("`/nonexistent/readings.json`: cannot read"),
            "{err}"
        );
    }
}
