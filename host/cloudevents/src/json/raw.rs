//! The shape of one JSON event as read, before any check: attribute values
//! as the sender typed them, `data` as a borrowed slice of the body, the names
//! of repeated members. Reading never fails on content (only on JSON syntax),
//! so that [`super::de`] can say exactly what is wrong and where.

use std::{borrow::Cow, fmt};

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

/// One attribute value as sent. Strings borrow from the body when they hold
/// no escapes; objects and arrays are skipped, only their kind is kept.
#[derive(Debug)]
pub(crate) enum Attr<'de> {
    Str(Cow<'de, str>),
    Int(i64),
    UInt(u64),
    Float(f64),
    Bool(bool),
    Null,
    Object,
    Array,
}

impl Attr<'_> {
    /// The value in words, for messages: "the number `5`", "an object".
    pub(crate) fn describe(&self) -> String {
        match self {
            Self::Str(s) => format!("the string `{s}`"),
            Self::Int(i) => format!("the number `{i}`"),
            Self::UInt(u) => format!("the number `{u}`"),
            Self::Float(f) => format!("the number `{f:?}`"),
            Self::Bool(b) => format!("the boolean `{b}`"),
            Self::Null => "`null`".to_owned(),
            Self::Object => "an object".to_owned(),
            Self::Array => "an array".to_owned(),
        }
    }
}

/// One event as read. `not_object` is set (and nothing else) when the JSON
/// value is not an object.
#[derive(Debug, Default)]
pub(crate) struct RawEvent<'de> {
    pub not_object: Option<&'static str>,
    pub specversion: Option<Attr<'de>>,
    pub id: Option<Attr<'de>>,
    pub source: Option<Attr<'de>>,
    pub ty: Option<Attr<'de>>,
    pub subject: Option<Attr<'de>>,
    pub time: Option<Attr<'de>>,
    pub datacontenttype: Option<Attr<'de>>,
    pub dataschema: Option<Attr<'de>>,
    pub data: Option<&'de RawValue>,
    pub data_base64: Option<Attr<'de>>,
    pub extensions: Vec<(Cow<'de, str>, Attr<'de>)>,
    /// The first context attribute, `data` or `data_base64` seen twice.
    pub duplicate: Option<Cow<'de, str>>,
}

/// A member name, borrowed when it has no escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

impl<'de> Deserialize<'de> for Attr<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(AttrVisitor)
    }
}

struct AttrVisitor;

impl<'de> Visitor<'de> for AttrVisitor {
    type Value = Attr<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Attr<'de>, E> {
        Ok(Attr::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Attr<'de>, E> {
        Ok(Attr::Str(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Attr<'de>, E> {
        Ok(Attr::Str(Cow::Owned(v)))
    }
    fn visit_bool<E>(self, v: bool) -> Result<Attr<'de>, E> {
        Ok(Attr::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Attr<'de>, E> {
        Ok(Attr::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Attr<'de>, E> {
        Ok(Attr::UInt(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Attr<'de>, E> {
        Ok(Attr::Float(v))
    }
    fn visit_unit<E>(self) -> Result<Attr<'de>, E> {
        Ok(Attr::Null)
    }
    fn visit_none<E>(self) -> Result<Attr<'de>, E> {
        Ok(Attr::Null)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Attr<'de>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Attr::Object)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Attr<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Attr::Array)
    }
}

impl<'de> Deserialize<'de> for RawEvent<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(EventVisitor)
    }
}

struct EventVisitor;

impl EventVisitor {
    fn not_object<'de, E>(kind: &'static str) -> Result<RawEvent<'de>, E> {
        Ok(RawEvent {
            not_object: Some(kind),
            ..RawEvent::default()
        })
    }
}

/// Stores `value` in `slot`, noting `key` if the slot was already taken.
fn put<'de, T>(
    slot: &mut Option<T>,
    value: T,
    key: Key<'de>,
    duplicate: &mut Option<Cow<'de, str>>,
) {
    if slot.is_some() {
        duplicate.get_or_insert(key.0);
    }
    *slot = Some(value);
}

impl<'de> Visitor<'de> for EventVisitor {
    type Value = RawEvent<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a CloudEvent")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawEvent<'de>, A::Error> {
        let mut ev = RawEvent::default();
        let dup = &mut ev.duplicate;
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let slot = match &*key.0 {
                "specversion" => &mut ev.specversion,
                "id" => &mut ev.id,
                "source" => &mut ev.source,
                "type" => &mut ev.ty,
                "subject" => &mut ev.subject,
                "time" => &mut ev.time,
                "datacontenttype" => &mut ev.datacontenttype,
                "dataschema" => &mut ev.dataschema,
                "data_base64" => &mut ev.data_base64,
                "data" => {
                    let raw = map.next_value::<&'de RawValue>()?;
                    put(&mut ev.data, raw, key, dup);
                    continue;
                }
                _ => {
                    let value = map.next_value::<Attr<'de>>()?;
                    ev.extensions.push((key.0, value));
                    continue;
                }
            };
            let value = map.next_value::<Attr<'de>>()?;
            put(slot, value, key, dup);
        }
        Ok(ev)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawEvent<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Self::not_object("an array")
    }
    fn visit_str<E>(self, _: &str) -> Result<RawEvent<'de>, E> {
        Self::not_object("a string")
    }
    fn visit_bool<E>(self, _: bool) -> Result<RawEvent<'de>, E> {
        Self::not_object("a boolean")
    }
    fn visit_i64<E>(self, _: i64) -> Result<RawEvent<'de>, E> {
        Self::not_object("a number")
    }
    fn visit_u64<E>(self, _: u64) -> Result<RawEvent<'de>, E> {
        Self::not_object("a number")
    }
    fn visit_f64<E>(self, _: f64) -> Result<RawEvent<'de>, E> {
        Self::not_object("a number")
    }
    fn visit_unit<E>(self) -> Result<RawEvent<'de>, E> {
        Self::not_object("`null`")
    }
}
