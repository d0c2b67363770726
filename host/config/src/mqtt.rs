//! `[mqtt]`: sensors that publish to an MQTT broker, each topic filter
//! mapped to a CloudEvents type and source.
//!
//! ```toml
//! [mqtt]
//! url = "mqtt://127.0.0.1:1883"        # mqtt://host[:port], port 1883 by default
//! client-id = "cityhub-langson"        # default "cityhub"; the persistent session's name
//! keep-alive = "30s"                   # optional; 1s..65535s (the client's default, 60s, otherwise)
//! [[mqtt.topics]]
//! filter = "langson/traffic/+/reading" # an MQTT topic filter (`+` one level, `#` the rest)
//! type = "city.traffic.reading"        # must be in `[ingest] accepts` when that is set
//! source = "/sensors/traffic"
//! ```
//!
//! The session is persistent (clean session off), so QoS 1 messages sent
//! while the host is down wait at the broker under `client-id`: give every
//! city its own.

use std::{fmt, time::Duration};

use cityhub_cloudevents::{EventType, TypePattern};
use serde::Deserialize;
use toml::Spanned;

use crate::checker::Checker;

/// `[mqtt]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawMqtt {
    pub url: Option<Spanned<String>>,
    pub client_id: Option<Spanned<String>>,
    pub keep_alive: Option<Spanned<String>>,
    #[serde(default)]
    pub topics: Vec<Spanned<RawTopic>>,
}

/// One `[[mqtt.topics]]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawTopic {
    pub filter: Spanned<String>,
    #[serde(rename = "type")]
    pub ty: Spanned<String>,
    pub source: Spanned<String>,
}

/// `[mqtt]`: the broker to subscribe to and what each topic carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MqttConfig {
    /// The broker's host name or IP address (from `url`).
    pub host: String,
    /// The broker's port (from `url`, default 1883).
    pub port: u16,
    /// The client id: the persistent session's name at the broker
    /// (default `cityhub`).
    pub client_id: String,
    /// The keep-alive interval; `None` leaves the client's default (60 s).
    pub keep_alive: Option<Duration>,
    /// The topic filters and the events their messages become, in the
    /// file's order; a message goes to the first filter that matches it.
    pub topics: Vec<MqttTopic>,
}

impl MqttConfig {
    /// The default client id.
    pub const DEFAULT_CLIENT_ID: &'static str = "cityhub";
    /// The default port.
    pub const DEFAULT_PORT: u16 = 1883;

    /// `host:port`, for logs.
    pub fn address(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    /// The mapping of the first filter matching `topic`.
    pub fn mapping(&self, topic: &str) -> Option<&MqttTopic> {
        self.topics.iter().find(|t| t.filter.matches(topic))
    }
}

/// One `[[mqtt.topics]]`: a topic filter and the event its messages become.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MqttTopic {
    /// The MQTT topic filter subscribed to.
    pub filter: TopicFilter,
    /// The CloudEvents `type` of its messages.
    pub event_type: EventType,
    /// The CloudEvents `source` of its messages.
    pub source: String,
}

/// A valid MQTT topic filter: levels split by `/`; `+` is a whole level
/// matching any one level, `#` is the whole last level matching the rest.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct TopicFilter(String);

impl TopicFilter {
    /// Parses and checks `s`; the error says why not.
    pub fn new(s: &str) -> Result<Self, String> {
        let why = if s.is_empty() {
            Some("it is empty")
        } else if s.len() > 65_535 {
            Some("it is longer than 65535 bytes")
        } else if s.contains('\0') {
            Some("it holds a NUL character")
        } else {
            let levels: Vec<&str> = s.split('/').collect();
            levels.iter().enumerate().find_map(|(i, l)| {
                if l.contains('#') && (*l != "#" || i + 1 != levels.len()) {
                    Some("`#` must be a whole level and the last one, as in `a/b/#`")
                } else if l.contains('+') && *l != "+" {
                    Some("`+` must be a whole level, as in `a/+/c`")
                } else {
                    None
                }
            })
        };
        match why {
            Some(why) => Err(format!("`{s}` is not an MQTT topic filter: {why}")),
            None => Ok(Self(s.to_owned())),
        }
    }

    /// The filter as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the topic name `topic` matches (a filter starting with a
    /// wildcard does not match topics starting with `$`, as in MQTT).
    pub fn matches(&self, topic: &str) -> bool {
        if topic.starts_with('$') && self.0.starts_with(['+', '#']) {
            return false;
        }
        let mut t = topic.split('/');
        for f in self.0.split('/') {
            match (f, t.next()) {
                ("#", _) => return true,
                ("+", Some(_)) => {}
                (f, Some(l)) if f == l => {}
                _ => return false,
            }
        }
        t.next().is_none()
    }
}

impl fmt::Display for TopicFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for TopicFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

impl Checker<'_> {
    /// `[mqtt]`, recording every error in it; `accepts` is `[ingest]
    /// accepts` when it is set and valid (each type must be accepted).
    pub fn mqtt(
        &mut self,
        raw: &Spanned<RawMqtt>,
        accepts: Option<&[TypePattern]>,
    ) -> Option<MqttConfig> {
        let m = raw.get_ref();
        let addr = match &m.url {
            None => {
                self.error(
                    raw.span(),
                    "`[mqtt]` needs the broker: add `url = \"mqtt://127.0.0.1:1883\"`",
                );
                None
            }
            Some(v) => self.check(v, |s| mqtt_url(s)),
        };
        let client_id = match &m.client_id {
            None => Some(MqttConfig::DEFAULT_CLIENT_ID.to_owned()),
            Some(v) => self.check(v, |s| client_id(s)),
        };
        let keep_alive = match &m.keep_alive {
            None => Some(None),
            Some(v) => self
                .duration(
                    Some(v),
                    "keep-alive",
                    (Duration::from_secs(1), Duration::from_secs(65_535)),
                    Duration::ZERO,
                )
                .map(|d| Some(Duration::from_secs(d.as_secs()))),
        };
        if m.topics.is_empty() {
            self.error(
                raw.span(),
                "`[mqtt]` has no topics: add `[[mqtt.topics]]` with `filter`, `type` and `source`",
            );
        }
        let mut topics: Vec<MqttTopic> = Vec::new();
        let mut all = true;
        for t in &m.topics {
            match self.topic(t.get_ref(), accepts, &topics) {
                Some(t) => topics.push(t),
                None => all = false,
            }
        }
        let ((host, port), client_id, keep_alive) = (addr?, client_id?, keep_alive?);
        all.then_some(MqttConfig {
            host,
            port,
            client_id,
            keep_alive,
            topics,
        })
    }

    fn topic(
        &mut self,
        t: &RawTopic,
        accepts: Option<&[TypePattern]>,
        earlier: &[MqttTopic],
    ) -> Option<MqttTopic> {
        let filter = self.check(&t.filter, |s| {
            let f = TopicFilter::new(s)?;
            if earlier.iter().any(|e| e.filter == f) {
                return Err(format!(
                    "`{s}` is mapped twice: keep one `[[mqtt.topics]]` for each filter"
                ));
            }
            Ok(f)
        });
        let event_type = self.check(&t.ty, |s| {
            let ty = EventType::new(s).map_err(|e| format!("`type`: {e}"))?;
            match accepts {
                Some(a) if !a.iter().any(|p| p.matches(&ty)) => {
                    let list: Vec<String> = a.iter().map(|p| format!("`{p}`")).collect();
                    Err(format!(
                        "`type` `{s}` is not in `[ingest] accepts` ({}): MQTT messages are admitted like sent events, so add `{s}` to `accepts` or map `{}` to an accepted type",
                        list.join(", "),
                        t.filter.get_ref()
                    ))
                }
                _ => Ok(ty),
            }
        });
        let source = self.check(&t.source, |s| {
            if s.trim().is_empty() || s.contains(char::is_whitespace) {
                Err(format!(
                    "`source` must be a URI reference naming the sensors, e.g. `/sensors/traffic`: got `{s}`"
                ))
            } else {
                Ok(s.clone())
            }
        });
        Some(MqttTopic {
            filter: filter?,
            event_type: event_type?,
            source: source?,
        })
    }
}

/// `mqtt://host[:port]` → host and port (1883 by default).
fn mqtt_url(s: &str) -> Result<(String, u16), String> {
    let bad = |why: &str| format!("`url` {why}, e.g. `mqtt://127.0.0.1:1883`: got `{s}`");
    let rest = s.strip_prefix("mqtt://").ok_or_else(|| {
        if s.starts_with("mqtts://") || s.starts_with("ssl://") {
            bad("over TLS is not supported yet; use `mqtt://`")
        } else {
            bad("must start with `mqtt://`")
        }
    })?;
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if rest.contains(['/', '@', '?', '#', ' ']) {
        return Err(bad(
            "must be `mqtt://host[:port]` alone (no path, user or query)",
        ));
    }
    let (host, port) = if let Some(v6) = rest.strip_prefix('[') {
        let (host, after) = v6
            .split_once(']')
            .ok_or_else(|| bad("has an unclosed `[`"))?;
        (host, after.strip_prefix(':'))
    } else {
        match rest.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (rest, None),
        }
    };
    if host.is_empty() {
        return Err(bad("must name the broker's host"));
    }
    let port = match port {
        None => MqttConfig::DEFAULT_PORT,
        Some(p) => p
            .parse::<u16>()
            .ok()
            .filter(|p| *p > 0)
            .ok_or_else(|| bad("has a port that is not 1 to 65535"))?,
    };
    Ok((host.to_owned(), port))
}

/// A client id: 1 to 64 ASCII letters, digits, `-`, `_`, `.` and `:`.
fn client_id(s: &str) -> Result<String, String> {
    if (1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
    {
        Ok(s.to_owned())
    } else {
        Err(format!(
            "`client-id` must be 1 to 64 ASCII letters, digits, `-`, `_`, `.` and `:`, e.g. `cityhub-langson`: got `{s}`"
        ))
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::CityConfig;

    fn parse(extra: &str) -> Result<Option<MqttConfig>, String> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui");
        let text = format!("{extra}\n[plugins.counter]\npath = \"fixture/counter\"\n");
        CityConfig::parse(&root.join("city.toml"), &text)
            .map(|c| c.mqtt)
            .map_err(|e| e.to_string())
    }

    const TOPIC: &str = "[[mqtt.topics]]\nfilter = \"langson/traffic/+/reading\"\ntype = \"city.traffic.reading\"\nsource = \"/sensors/traffic\"\n";

    #[test]
    fn absent_is_none() {
        assert_eq!(parse("").unwrap(), None);
    }

    #[test]
    fn defaults() {
        let m = parse(&format!("[mqtt]\nurl = \"mqtt://127.0.0.1\"\n{TOPIC}"))
            .unwrap()
            .unwrap();
        assert_eq!(m.host, "127.0.0.1");
        assert_eq!(m.port, 1883);
        assert_eq!(m.client_id, "cityhub");
        assert_eq!(m.keep_alive, None);
        assert_eq!(m.address(), "127.0.0.1:1883");
        assert_eq!(m.topics.len(), 1);
        let t = &m.topics[0];
        assert_eq!(t.filter.as_str(), "langson/traffic/+/reading");
        assert_eq!(t.event_type.as_str(), "city.traffic.reading");
        assert_eq!(t.source, "/sensors/traffic");
    }

    #[test]
    fn every_key() {
        let m = parse(&format!(
            "[ingest]\naccepts = [\"city.traffic.*\"]\n[mqtt]\nurl = \"mqtt://[::1]:1884/\"\nclient-id = \"cityhub-langson\"\nkeep-alive = \"30s\"\n{TOPIC}[[mqtt.topics]]\nfilter = \"langson/#\"\ntype = \"city.traffic.other\"\nsource = \"/sensors/all\"\n"
        ))
        .unwrap()
        .unwrap();
        assert_eq!((m.host.as_str(), m.port), ("::1", 1884));
        assert_eq!(m.address(), "[::1]:1884");
        assert_eq!(m.client_id, "cityhub-langson");
        assert_eq!(m.keep_alive, Some(Duration::from_secs(30)));
        assert_eq!(
            m.mapping("langson/traffic/QL1A/reading")
                .map(|t| t.event_type.as_str()),
            Some("city.traffic.reading")
        );
        assert_eq!(
            m.mapping("langson/air/1").map(|t| t.source.as_str()),
            Some("/sensors/all")
        );
        assert_eq!(m.mapping("hanoi/air/1"), None);
    }

    #[test]
    fn filters() {
        for good in ["a", "a/b", "+", "#", "a/+/c", "a/#", "+/+/#", "/a", "a//b"] {
            assert!(TopicFilter::new(good).is_ok(), "{good}");
        }
        for bad in ["", "a#", "a/#/b", "#/a", "a+/b", "a/b+", "a\0b"] {
            assert!(TopicFilter::new(bad).is_err(), "{bad}");
        }
        let m = |f: &str, t: &str| TopicFilter::new(f).unwrap().matches(t);
        assert!(m("a/+/c", "a/b/c"));
        assert!(!m("a/+/c", "a/b/d"));
        assert!(!m("a/+", "a/b/c"));
        assert!(m("a/#", "a"));
        assert!(m("a/#", "a/b/c"));
        assert!(m("#", "x/y"));
        assert!(!m("#", "$SYS/x"));
        assert!(!m("a/b", "a"));
        assert!(m("+/b", "/b"));
    }

    #[test]
    fn every_bad_value_at_once() {
        let e = parse(
            "[mqtt]\nurl = \"tcp://x\"\nclient-id = \"has space\"\nkeep-alive = \"0s\"\n[[mqtt.topics]]\nfilter = \"a/b#\"\ntype = \"city..x\"\nsource = \"\"\n",
        )
        .unwrap_err();
        for want in [
            "`url` must start with `mqtt://`, e.g. `mqtt://127.0.0.1:1883`: got `tcp://x`",
            "city.toml:2:7",
            "`client-id` must be 1 to 64",
            "`keep-alive` must be between 1s and",
            "`a/b#` is not an MQTT topic filter: `#` must be a whole level",
            "city.toml:6:10",
            "`type`: ",
            "`source` must be a URI reference",
            "6 errors",
        ] {
            assert!(e.contains(want), "{want} not in:\n{e}");
        }
    }

    #[test]
    fn type_must_be_accepted() {
        let e = parse(&format!(
            "[ingest]\naccepts = [\"city.air.*\", \"city.noise.level\"]\n[mqtt]\nurl = \"mqtt://localhost:1883\"\n{TOPIC}"
        ))
        .unwrap_err();
        assert!(
            e.contains("`type` `city.traffic.reading` is not in `[ingest] accepts` (`city.air.*`, `city.noise.level`)"),
            "{e}"
        );
        assert!(e.contains("city.toml:7:8"), "{e}");
    }

    #[test]
    fn needs_url_and_topics_and_no_duplicates() {
        let e = parse("[mqtt]\nclient-id = \"x\"").unwrap_err();
        assert!(e.contains("`[mqtt]` needs the broker"), "{e}");
        assert!(e.contains("`[mqtt]` has no topics"), "{e}");
        let e = parse(&format!("[mqtt]\nurl = \"mqtt://h\"\n{TOPIC}{TOPIC}")).unwrap_err();
        assert!(e.contains("is mapped twice"), "{e}");
        let e = parse("[mqtt]\nurl = \"mqtt://h:0\"\n").unwrap_err();
        assert!(e.contains("port that is not 1 to 65535"), "{e}");
        let e = parse("[mqtt]\nurl = \"mqtts://h\"\n").unwrap_err();
        assert!(e.contains("over TLS is not supported"), "{e}");
        let e = parse(&format!("[mqtt]\nurl = \"mqtt://h\"\nqos = 2\n{TOPIC}")).unwrap_err();
        assert!(e.contains("unknown field `qos`"), "{e}");
    }
}
