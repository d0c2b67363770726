//! [`Filter`]: conditions on an event's attributes and on JSON fields of its
//! `data`, as a route selects events; [`Field`] also names a route's
//! partition key.
//!
//! A filter is a conjunction: every [`Condition`] must hold. Conditions on
//! `data` parse the event's JSON `data` once per event, and only when some
//! condition needs it; an event whose `data` is absent or not JSON has no data
//! fields, so an `eq` on one fails and `exists = false` holds.

use std::fmt;

use serde_json::Value;

use crate::CloudEvent;

/// Where a value is read from in an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    /// A context attribute (`id`, `source`, `type`, `subject`, `time`,
    /// `datacontenttype`, `dataschema`) or an extension (`partitionkey`).
    Attribute(String),
    /// A field of the JSON `data`, by path: `data.location.district` is
    /// `["location", "district"]`.
    Data(Vec<String>),
}

impl Field {
    /// Parses `data.a.b` or an attribute name; the error says what is wrong.
    pub fn parse(s: &str) -> Result<Self, String> {
        if let Some(path) = s.strip_prefix("data.") {
            let parts: Vec<String> = path.split('.').map(str::to_owned).collect();
            if parts.iter().any(String::is_empty) {
                return Err(format!(
                    "`{s}` has an empty step: write a data field as `data.name` or `data.outer.inner`"
                ));
            }
            return Ok(Self::Data(parts));
        }
        if s == "data" {
            return Err(
                "`data` itself cannot be compared: name a field inside it, e.g. `data.segment`"
                    .to_owned(),
            );
        }
        const CONTEXT: [&str; 8] = [
            "id",
            "source",
            "type",
            "specversion",
            "subject",
            "time",
            "datacontenttype",
            "dataschema",
        ];
        if CONTEXT.contains(&s) {
            return Ok(Self::Attribute(s.to_owned()));
        }
        crate::check_extension_name(s)
            .map(|()| Self::Attribute(s.to_owned()))
            .map_err(|why| format!("`{s}` is neither an attribute nor `data.FIELD`: {why}"))
    }

    /// The field's value in `event`, as text (numbers and booleans as JSON
    /// writes them; objects and arrays as compact JSON), or `None` if absent.
    /// Used for partition keys.
    pub fn text(&self, event: &CloudEvent) -> Option<String> {
        match self {
            Self::Attribute(name) => attribute(event, name).map(str::to_owned),
            Self::Data(path) => {
                let data = data_json(event)?;
                match lookup(&data, path)? {
                    Value::String(s) => Some(s.clone()),
                    v => Some(v.to_string()),
                }
            }
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Attribute(a) => f.write_str(a),
            Self::Data(path) => write!(f, "data.{}", path.join(".")),
        }
    }
}

/// What a condition asks of a field's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// Equal to this value (a string attribute equals a JSON string).
    Eq(Value),
    /// Not equal (an absent field is not equal).
    Ne(Value),
    /// Equal to one of these.
    In(Vec<Value>),
    /// A number greater than this.
    Gt(f64),
    /// A number at least this.
    Gte(f64),
    /// A number less than this.
    Lt(f64),
    /// A number at most this.
    Lte(f64),
    /// Present (`true`) or absent (`false`).
    Exists(bool),
    /// A string starting with this.
    Prefix(String),
}

/// One condition: a field and a test on its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// What is tested.
    pub field: Field,
    /// The test.
    pub test: Test,
}

/// Conditions that must all hold. The empty filter keeps every event.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Filter {
    /// The conditions, all required.
    pub conditions: Vec<Condition>,
}

impl Filter {
    /// Whether the filter keeps every event.
    pub fn is_empty(&self) -> bool {
        self.conditions.is_empty()
    }

    /// Whether `event` passes every condition.
    pub fn matches(&self, event: &CloudEvent) -> bool {
        let mut data: Option<Option<Value>> = None;
        self.conditions.iter().all(|c| {
            let value: Option<Value> = match &c.field {
                Field::Attribute(name) => attribute(event, name).map(|s| Value::String(s.into())),
                Field::Data(path) => data
                    .get_or_insert_with(|| data_json(event))
                    .as_ref()
                    .and_then(|d| lookup(d, path))
                    .cloned(),
            };
            c.test.holds(value.as_ref())
        })
    }
}

impl Test {
    fn holds(&self, v: Option<&Value>) -> bool {
        match self {
            Self::Exists(want) => v.is_some() == *want,
            Self::Eq(want) => v.is_some_and(|v| loose_eq(v, want)),
            Self::Ne(want) => v.is_some_and(|v| !loose_eq(v, want)),
            Self::In(set) => v.is_some_and(|v| set.iter().any(|w| loose_eq(v, w))),
            Self::Prefix(p) => v.and_then(Value::as_str).is_some_and(|s| s.starts_with(p)),
            Self::Gt(n) => number(v).is_some_and(|x| x > *n),
            Self::Gte(n) => number(v).is_some_and(|x| x >= *n),
            Self::Lt(n) => number(v).is_some_and(|x| x < *n),
            Self::Lte(n) => number(v).is_some_and(|x| x <= *n),
        }
    }
}

/// Equality where numbers compare by value (`1` equals `1.0`).
fn loose_eq(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// A number, or a string attribute holding one (extensions are strings).
fn number(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn attribute<'e>(event: &'e CloudEvent, name: &str) -> Option<&'e str> {
    match name {
        "id" => Some(&event.id),
        "source" => Some(&event.source),
        "type" => Some(event.ty.as_str()),
        "specversion" => Some(crate::SPEC_VERSION),
        "subject" => event.subject.as_deref(),
        "time" => event.time.as_ref().map(|t| t.as_str()),
        "datacontenttype" => event.datacontenttype.as_deref(),
        "dataschema" => event.dataschema.as_deref(),
        ext => event.extensions.get(ext).map(String::as_str),
    }
}

fn data_json(event: &CloudEvent) -> Option<Value> {
    if !event.is_json() {
        return None;
    }
    serde_json::from_slice(event.data.as_deref()?).ok()
}

fn lookup<'v>(mut v: &'v Value, path: &[String]) -> Option<&'v Value> {
    for step in path {
        v = v.as_object()?.get(step)?;
    }
    (!v.is_null()).then_some(v)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::EventType;

    fn event(data: Value) -> CloudEvent {
        let mut e = CloudEvent::new(
            "1",
            "/sensors/ql1a",
            EventType::new("city.traffic.reading").unwrap(),
        );
        e.subject = Some("QL1A-km12".into());
        e.extensions.insert("partitionkey".into(), "seg-7".into());
        e.data = Some(bytes::Bytes::from(data.to_string()));
        e
    }

    fn cond(field: &str, test: Test) -> Condition {
        Condition {
            field: Field::parse(field).unwrap(),
            test,
        }
    }

    #[test]
    fn every_condition_must_hold() {
        let e = event(json!({"speed_kmh": 14.5, "road": {"name": "QL1A"}, "lane": 2}));
        let f = |cs: Vec<Condition>| Filter { conditions: cs }.matches(&e);
        assert!(f(vec![]));
        assert!(f(vec![cond("data.speed_kmh", Test::Lt(20.0))]));
        assert!(!f(vec![cond("data.speed_kmh", Test::Gte(20.0))]));
        assert!(f(vec![
            cond("data.road.name", Test::Eq(json!("QL1A"))),
            cond("subject", Test::Prefix("QL1A".into())),
            cond(
                "partitionkey",
                Test::In(vec![json!("seg-1"), json!("seg-7")])
            ),
            cond("data.lane", Test::Eq(json!(2.0))),
        ]));
        assert!(!f(vec![
            cond("data.road.name", Test::Eq(json!("QL1A"))),
            cond("source", Test::Ne(json!("/sensors/ql1a"))),
        ]));
        assert!(f(vec![cond("data.missing", Test::Exists(false))]));
        assert!(!f(vec![cond("data.missing", Test::Ne(json!(1)))]));
    }

    #[test]
    fn non_json_data_has_no_fields() {
        let mut e = event(json!({"a": 1}));
        e.datacontenttype = Some("application/octet-stream".into());
        let f = Filter {
            conditions: vec![cond("data.a", Test::Exists(true))],
        };
        assert!(!f.matches(&e));
    }

    #[test]
    fn partition_keys_read_attributes_and_data() {
        let e = event(json!({"segment": "QL4B-3", "n": 7}));
        assert_eq!(
            Field::parse("partitionkey").unwrap().text(&e).as_deref(),
            Some("seg-7")
        );
        assert_eq!(
            Field::parse("data.segment").unwrap().text(&e).as_deref(),
            Some("QL4B-3")
        );
        assert_eq!(
            Field::parse("data.n").unwrap().text(&e).as_deref(),
            Some("7")
        );
        assert_eq!(Field::parse("data.none").unwrap().text(&e), None);
    }

    #[test]
    fn bad_fields_say_how_to_write_them() {
        assert!(Field::parse("data").unwrap_err().contains("data.segment"));
        assert!(Field::parse("data..x").unwrap_err().contains("empty step"));
        assert!(Field::parse("Bad-Name").is_err());
    }
}
