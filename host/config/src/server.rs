//! `[server]`: where the host listens, and the limits on every input it
//! reads from the network.
//!
//! ```toml
//! [server]
//! listen = "127.0.0.1:8080"
//! max-body = "4 MiB"          # a request body; larger gets 413
//! max-event = "1 MiB"         # one CloudEvent (attributes and data); larger gets 413
//! max-batch = 10000           # events in one batch request; more gets 413
//! max-headers = 100           # header lines in a request; more gets 431
//! max-header-bytes = "32 KiB" # the request line and headers together; more gets 431
//! header-timeout = "10s"      # to send the request line and headers; then the connection is closed
//! request-timeout = "30s"     # to send the body, once the headers are in; then 408
//! max-query-limit = 1000      # the largest `limit` query parameter; larger gets 400
//! ```
//!
//! Every value is checked where it is written (a located error names the
//! key and its bounds), and every refusal the host answers names the limit,
//! its value and this key.

use std::{net::SocketAddr, num::NonZeroU32, time::Duration};

use cityhub_manifest::ByteSize;
use toml::Spanned;

use crate::{checker::Checker, raw::RawServer};

/// HTTP server settings and input limits (`[server]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerConfig {
    /// Where to listen (default `127.0.0.1:8080`).
    pub listen: SocketAddr,
    /// The largest request body accepted (`max-body`, default 4 MiB);
    /// larger gets `413`.
    pub max_body: ByteSize,
    /// The largest CloudEvent, attributes and data (`max-event`, default
    /// 1 MiB, at most `max-body`); larger gets `413`.
    pub max_event: ByteSize,
    /// The most events in one batch request (`max-batch`, default 10,000);
    /// more gets `413`.
    pub max_batch: NonZeroU32,
    /// The most header lines in one request (`max-headers`, default 100);
    /// more gets `431`.
    pub max_headers: NonZeroU32,
    /// The largest request line and headers together (`max-header-bytes`,
    /// default 32 KiB); larger gets `431`.
    pub max_header_bytes: ByteSize,
    /// How long a client may take to send a request's line and headers
    /// (`header-timeout`, default 10 s), counted from the connection's
    /// first byte or the end of its previous request; then the connection
    /// is closed without an answer. An idle keep-alive connection is closed
    /// after it too.
    pub header_timeout: Duration,
    /// How long a client may take to send a request's body once its headers
    /// are in (`request-timeout`, default 30 s); then `408`.
    pub request_timeout: Duration,
    /// The largest `limit` query parameter of any list endpoint
    /// (`max-query-limit`, default 1,000); larger gets `400`.
    pub max_query_limit: NonZeroU32,
}

impl ServerConfig {
    /// The defaults, listening on `127.0.0.1:8080`.
    pub const DEFAULT: Self = Self {
        listen: SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 8080),
        max_body: ByteSize::mib(4),
        max_event: ByteSize::mib(1),
        max_batch: nonzero(10_000),
        max_headers: nonzero(100),
        max_header_bytes: ByteSize::kib(32),
        header_timeout: Duration::from_secs(10),
        request_timeout: Duration::from_secs(30),
        max_query_limit: nonzero(1_000),
    };
}

/// `n`, or 1 for 0 (a `const` stand-in for `NonZeroU32::new(n).unwrap()`).
const fn nonzero(n: u32) -> NonZeroU32 {
    match NonZeroU32::new(n) {
        Some(n) => n,
        None => NonZeroU32::MIN,
    }
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl Checker<'_> {
    /// `[server]`, or `None` after recording every error in it.
    pub fn server(&mut self, raw: &RawServer) -> Option<ServerConfig> {
        let d = ServerConfig::DEFAULT;
        let listen = match &raw.listen {
            None => Some(d.listen),
            Some(v) => self.check(v, |s| {
                s.parse::<SocketAddr>().map_err(|_| {
                    format!(
                        "`listen` must be an address and port such as `127.0.0.1:8080`: got `{s}`"
                    )
                })
            }),
        };
        let max_body = self.size(raw.max_body.as_ref(), "max-body", (1, 1 << 30), d.max_body);
        let max_event = self.size(
            raw.max_event.as_ref(),
            "max-event",
            (1, 1 << 30),
            d.max_event,
        );
        let max_header_bytes = self.size(
            raw.max_header_bytes.as_ref(),
            "max-header-bytes",
            (1 << 10, 1 << 20),
            d.max_header_bytes,
        );
        let max_batch = self.count(raw.max_batch.as_ref(), "max-batch", 100_000, d.max_batch);
        let max_headers = self.count(
            raw.max_headers.as_ref(),
            "max-headers",
            1_000,
            d.max_headers,
        );
        let max_query_limit = self.count(
            raw.max_query_limit.as_ref(),
            "max-query-limit",
            10_000,
            d.max_query_limit,
        );
        let header_timeout = self.duration(
            raw.header_timeout.as_ref(),
            "header-timeout",
            (Duration::from_millis(100), Duration::from_secs(600)),
            d.header_timeout,
        );
        let request_timeout = self.duration(
            raw.request_timeout.as_ref(),
            "request-timeout",
            (Duration::from_millis(100), Duration::from_secs(3_600)),
            d.request_timeout,
        );
        if let (Some(event), Some(body), Some(v)) = (max_event, max_body, &raw.max_event)
            && event > body
        {
            self.error(
                v.span(),
                format!(
                    "`max-event` ({event}) is larger than `max-body` ({body}): an event arrives in a body, so lower `max-event` or raise `max-body`"
                ),
            );
            return None;
        }
        Some(ServerConfig {
            listen: listen?,
            max_body: max_body?,
            max_event: max_event?,
            max_batch: max_batch?,
            max_headers: max_headers?,
            max_header_bytes: max_header_bytes?,
            header_timeout: header_timeout?,
            request_timeout: request_timeout?,
            max_query_limit: max_query_limit?,
        })
    }

    /// The size `key` (`"10 MiB"` or a number of bytes) in `min..=max`
    /// bytes, `default` when absent, `None` after an error.
    fn size(
        &mut self,
        v: Option<&Spanned<toml::Value>>,
        key: &str,
        (min, max): (u64, u64),
        default: ByteSize,
    ) -> Option<ByteSize> {
        let Some(v) = v else { return Some(default) };
        self.check(v, |v| {
            let size = match v {
                toml::Value::String(s) => {
                    ByteSize::parse(s).map_err(|e| format!("`{key}`: {e}"))?
                }
                toml::Value::Integer(n) if *n >= 0 => ByteSize::bytes_const(n.unsigned_abs()),
                _ => return Err(format!("`{key}` must be a size such as \"10 MiB\"")),
            };
            if (min..=max).contains(&size.bytes()) {
                Ok(size)
            } else {
                Err(format!(
                    "`{key}` must be between {} and {}: got {size}",
                    ByteSize::bytes_const(min),
                    ByteSize::bytes_const(max)
                ))
            }
        })
    }

    /// The count `key` in `1..=max`, `default` when absent, `None` after an error.
    fn count(
        &mut self,
        v: Option<&Spanned<i64>>,
        key: &str,
        max: i64,
        default: NonZeroU32,
    ) -> Option<NonZeroU32> {
        self.int::<u32>(v, key, (1, max), default.get())
            .and_then(NonZeroU32::new)
    }
}
