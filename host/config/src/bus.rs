//! `[bus]`: where routes read the log from — the store alone (`embedded`,
//! the default) or NATS JetStream, so several nodes share the work.
//!
//! ```toml
//! [bus]
//! backend = "jetstream"            # "embedded" (default) | "jetstream"
//! url = "nats://127.0.0.1:4222"    # required with jetstream (nats:// or tls://)
//! stream = "CITYHUB"               # default; [A-Za-z0-9_-]{1,32}
//! ack-wait = "30s"                 # default; 1s..10m
//! max-age = "7d"                   # default; 1m..365d
//! replicas = 1                     # default; 1..5
//! ```
//!
//! With `embedded`, any key but `backend` is an error: it would be ignored.

use std::time::Duration;

use cityhub_manifest::Millis;
use serde::Deserialize;
use toml::Spanned;

use crate::checker::Checker;

/// `[bus]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawBus {
    pub backend: Option<Spanned<String>>,
    pub url: Option<Spanned<String>>,
    pub stream: Option<Spanned<String>>,
    pub ack_wait: Option<Spanned<String>>,
    pub max_age: Option<Spanned<String>>,
    pub replicas: Option<Spanned<i64>>,
}

/// Which bus carries the log to the routes (`[bus] backend`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum BusBackend {
    /// The store's log, read by this node's routes alone (the default).
    #[default]
    Embedded,
    /// The store's log forwarded to a NATS JetStream stream; every node's
    /// routes pull from shared durable consumers.
    JetStream(JetStreamConfig),
}

/// `[bus] backend = "jetstream"`: the NATS JetStream settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JetStreamConfig {
    /// The NATS server (`nats://host:port` or `tls://host:port`).
    pub url: String,
    /// The stream's name (default `CITYHUB`); its subjects are
    /// `<stream>.<event type>`.
    pub stream: String,
    /// How long a delivered message may stay unacked before it goes to
    /// another node (default 30 s, 1 s to 10 min).
    pub ack_wait: Duration,
    /// How long the stream keeps messages (default 7 days, 1 min to 365 days).
    pub max_age: Duration,
    /// The stream's replicas (default 1, 1 to 5).
    pub replicas: usize,
}

impl JetStreamConfig {
    /// The default stream name.
    pub const DEFAULT_STREAM: &'static str = "CITYHUB";
    /// The default ack wait: 30 seconds.
    pub const DEFAULT_ACK_WAIT: Duration = Duration::from_secs(30);
    /// The default max age: 7 days.
    pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(7 * DAY);
    /// The default replicas: 1.
    pub const DEFAULT_REPLICAS: usize = 1;
}

const DAY: u64 = 86_400;

impl Checker<'_> {
    /// `[bus]`, recording every error in it (`Embedded` in their place).
    pub fn bus(&mut self, raw: Option<&Spanned<RawBus>>) -> BusBackend {
        let Some(spanned) = raw else {
            return BusBackend::Embedded;
        };
        let raw = spanned.get_ref();
        let jetstream = match &raw.backend {
            None => false,
            Some(v) => match v.get_ref().as_str() {
                "embedded" => false,
                "jetstream" => true,
                other => {
                    self.error(
                        v.span(),
                        format!("`backend` must be `embedded` or `jetstream`: got `{other}`"),
                    );
                    return BusBackend::Embedded;
                }
            },
        };
        if !jetstream {
            self.embedded_extras(raw);
            return BusBackend::Embedded;
        }
        let url = match &raw.url {
            None => {
                self.error(
                    spanned.span(),
                    "`backend = \"jetstream\"` needs the NATS server: add `url = \"nats://127.0.0.1:4222\"`",
                );
                None
            }
            Some(v) => self.check(v, |s| nats_url(s)),
        };
        let stream = match &raw.stream {
            None => Some(JetStreamConfig::DEFAULT_STREAM.to_owned()),
            Some(v) => self.check(v, |s| stream_name(s)),
        };
        let ack_wait = self.duration(
            raw.ack_wait.as_ref(),
            "ack-wait",
            (Duration::from_secs(1), Duration::from_secs(600)),
            JetStreamConfig::DEFAULT_ACK_WAIT,
        );
        let max_age = match &raw.max_age {
            None => Some(JetStreamConfig::DEFAULT_MAX_AGE),
            Some(v) => self.check(v, |s| max_age(s)),
        };
        let replicas = self.int(
            raw.replicas.as_ref(),
            "replicas",
            (1, 5),
            JetStreamConfig::DEFAULT_REPLICAS,
        );
        match (url, stream, ack_wait, max_age, replicas) {
            (Some(url), Some(stream), Some(ack_wait), Some(max_age), Some(replicas)) => {
                BusBackend::JetStream(JetStreamConfig {
                    url,
                    stream,
                    ack_wait,
                    max_age,
                    replicas,
                })
            }
            _ => BusBackend::Embedded,
        }
    }

    /// One error for each JetStream key written beside `backend = "embedded"`.
    fn embedded_extras(&mut self, raw: &RawBus) {
        let strings = [
            ("url", &raw.url),
            ("stream", &raw.stream),
            ("ack-wait", &raw.ack_wait),
            ("max-age", &raw.max_age),
        ];
        let mut spans: Vec<(&str, std::ops::Range<usize>)> = strings
            .iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| (*k, v.span())))
            .collect();
        if let Some(v) = &raw.replicas {
            spans.push(("replicas", v.span()));
        }
        spans.sort_by_key(|(_, s)| s.start);
        for (key, span) in spans {
            self.error(
                span,
                format!(
                    "`{key}` applies only to `backend = \"jetstream\"`, and the bus is `embedded`: remove `{key}`, or set `backend = \"jetstream\"`"
                ),
            );
        }
    }
}

/// A NATS server URL: `nats://` or `tls://`, then a host and optional port.
fn nats_url(s: &str) -> Result<String, String> {
    let rest = s
        .strip_prefix("nats://")
        .or_else(|| s.strip_prefix("tls://"))
        .ok_or_else(|| {
            format!("`url` must start with `nats://` or `tls://`, e.g. `nats://127.0.0.1:4222`: got `{s}`")
        })?;
    let hostport = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
    if hostport.is_empty() || hostport.starts_with(':') || hostport.contains(['/', ' ']) {
        return Err(format!(
            "`url` must name the NATS server's host and port, e.g. `nats://127.0.0.1:4222`: got `{s}`"
        ));
    }
    Ok(s.to_owned())
}

/// A stream name: 1 to 32 ASCII letters, digits, `-` and `_`.
fn stream_name(s: &str) -> Result<String, String> {
    if (1..=32).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        Ok(s.to_owned())
    } else {
        Err(format!(
            "`stream` must be 1 to 32 ASCII letters, digits, `-` and `_`, e.g. `CITYHUB`: got `{s}`"
        ))
    }
}

/// `max-age`: `"7d"`, `"12h"`, `"30m"`…, between a minute and 365 days.
fn max_age(s: &str) -> Result<Duration, String> {
    let d = match s.trim().strip_suffix('d') {
        Some(days) => days
            .parse::<u64>()
            .map(|n| Duration::from_secs(n.saturating_mul(DAY)))
            .map_err(|_| format!("`max-age`: `{s}` is not a duration: write e.g. `7d` or `12h`"))?,
        None => Millis::parse(s)
            .map(Millis::duration)
            .map_err(|e| format!("`max-age`: {e}, or `d` for days"))?,
    };
    if (Duration::from_secs(60)..=Duration::from_secs(365 * DAY)).contains(&d) {
        Ok(d)
    } else {
        Err(format!("`max-age` must be between 1m and 365d: got `{s}`"))
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::CityConfig;

    fn parse(bus: &str) -> Result<BusBackend, String> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui");
        let text = format!("{bus}\n[plugins.counter]\npath = \"fixture/counter\"\n");
        CityConfig::parse(&root.join("city.toml"), &text)
            .map(|c| c.bus)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn embedded_by_default() {
        assert_eq!(parse("").unwrap(), BusBackend::Embedded);
        assert_eq!(
            parse("[bus]\nbackend = \"embedded\"").unwrap(),
            BusBackend::Embedded
        );
    }

    #[test]
    fn jetstream_defaults() {
        let b = parse("[bus]\nbackend = \"jetstream\"\nurl = \"nats://127.0.0.1:4222\"").unwrap();
        assert_eq!(
            b,
            BusBackend::JetStream(JetStreamConfig {
                url: "nats://127.0.0.1:4222".into(),
                stream: "CITYHUB".into(),
                ack_wait: Duration::from_secs(30),
                max_age: Duration::from_secs(7 * DAY),
                replicas: 1,
            })
        );
    }

    #[test]
    fn jetstream_every_key() {
        let b = parse(
            "[bus]\nbackend = \"jetstream\"\nurl = \"tls://nats.example:4222\"\nstream = \"city_1\"\nack-wait = \"2m\"\nmax-age = \"12h\"\nreplicas = 3",
        )
        .unwrap();
        let BusBackend::JetStream(j) = b else {
            panic!("not jetstream")
        };
        assert_eq!(j.url, "tls://nats.example:4222");
        assert_eq!(j.stream, "city_1");
        assert_eq!(j.ack_wait, Duration::from_secs(120));
        assert_eq!(j.max_age, Duration::from_secs(12 * 3600));
        assert_eq!(j.replicas, 3);
    }

    #[test]
    fn every_bad_value_at_once() {
        let e = parse(
            "[bus]\nbackend = \"jetstream\"\nurl = \"http://x\"\nstream = \"a.b\"\nack-wait = \"11m\"\nmax-age = \"400d\"\nreplicas = 6",
        )
        .unwrap_err();
        for want in [
            "`url` must start with `nats://` or `tls://`",
            "city.toml:3:7",
            "`stream` must be 1 to 32",
            "city.toml:4:10",
            "`ack-wait` must be between 1s and 10m: got `11m`",
            "`max-age` must be between 1m and 365d: got `400d`",
            "`replicas` must be between 1 and 5: got 6",
            "5 errors",
        ] {
            assert!(e.contains(want), "{want} not in:\n{e}");
        }
    }

    #[test]
    fn jetstream_needs_a_url() {
        let e = parse("[bus]\nbackend = \"jetstream\"").unwrap_err();
        assert!(e.contains("needs the NATS server"), "{e}");
        assert!(e.contains("city.toml:1:1"), "{e}");
    }

    #[test]
    fn embedded_refuses_jetstream_keys() {
        let e = parse("[bus]\nurl = \"nats://x:4222\"\nreplicas = 2").unwrap_err();
        assert!(
            e.contains("`url` applies only to `backend = \"jetstream\"`"),
            "{e}"
        );
        assert!(e.contains("city.toml:2:7"), "{e}");
        assert!(e.contains("`replicas` applies only"), "{e}");
        assert!(e.contains("2 errors"), "{e}");
    }

    #[test]
    fn unknown_backend_and_key() {
        let e = parse("[bus]\nbackend = \"kafka\"").unwrap_err();
        assert!(
            e.contains("`backend` must be `embedded` or `jetstream`: got `kafka`"),
            "{e}"
        );
        let e = parse("[bus]\nbackend = \"jetstream\"\nurll = \"x\"").unwrap_err();
        assert!(e.contains("unknown field `urll`"), "{e}");
    }
}
