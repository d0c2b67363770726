//! `[server]`: the listen address and the input limits, parsed into types
//! that cannot be invalid (their bad values are the ui cases
//! `bad-server-limits` and `server-event-over-body`).

use std::{path::Path, time::Duration};

use cityhub_config::{CityConfig, ServerConfig};

fn parse(text: &str) -> Result<CityConfig, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui");
    CityConfig::parse(&root.join("city.toml"), text).map_err(|e| e.to_string())
}

const PLUGIN: &str = "\n[plugins.counter]\npath = \"fixture/counter\"\n";

#[test]
fn every_limit_has_a_default() {
    let c = parse(PLUGIN).unwrap();
    assert_eq!(c.server, ServerConfig::default());
    let d = ServerConfig::DEFAULT;
    assert_eq!(d.listen.to_string(), "127.0.0.1:8080");
    assert_eq!(d.max_body.bytes(), 4 << 20);
    assert_eq!(d.max_event.bytes(), 1 << 20);
    assert_eq!(d.max_batch.get(), 10_000);
    assert_eq!(d.max_headers.get(), 100);
    assert_eq!(d.max_header_bytes.bytes(), 32 << 10);
    assert_eq!(d.header_timeout, Duration::from_secs(10));
    assert_eq!(d.request_timeout, Duration::from_secs(30));
    assert_eq!(d.max_query_limit.get(), 1_000);
}

#[test]
fn every_limit_is_read() {
    let c = parse(&format!(
        r#"
[server]
listen = "0.0.0.0:9090"
max-body = 65536
max-event = "16 KiB"
max-batch = 50
max-headers = 20
max-header-bytes = "2 KiB"
header-timeout = "500ms"
request-timeout = "2s"
max-query-limit = 25
{PLUGIN}"#
    ))
    .unwrap();
    let s = c.server;
    assert_eq!(s.listen.to_string(), "0.0.0.0:9090");
    assert_eq!(s.max_body.bytes(), 65_536);
    assert_eq!(s.max_event.bytes(), 16 << 10);
    assert_eq!(s.max_batch.get(), 50);
    assert_eq!(s.max_headers.get(), 20);
    assert_eq!(s.max_header_bytes.bytes(), 2 << 10);
    assert_eq!(s.header_timeout, Duration::from_millis(500));
    assert_eq!(s.request_timeout, Duration::from_secs(2));
    assert_eq!(s.max_query_limit.get(), 25);
}

#[test]
fn a_bad_limit_is_located_and_names_its_bounds() {
    let err = parse(&format!("[server]\nmax-batch = 0\n{PLUGIN}")).unwrap_err();
    assert!(
        err.contains("`max-batch` must be between 1 and 100000: got 0")
            && err.contains("city.toml:2:13"),
        "{err}"
    );
    let err = parse(&format!("[server]\nheader-timeout = \"1ms\"\n{PLUGIN}")).unwrap_err();
    assert!(
        err.contains("`header-timeout` must be between 100ms and 10m: got `1ms`")
            && err.contains("city.toml:2:18"),
        "{err}"
    );
    let err = parse(&format!("[server]\nmax-headers = \"many\"\n{PLUGIN}")).unwrap_err();
    assert!(err.contains("city.toml:2:15"), "{err}");
    let err = parse(&format!("[server]\nmax-connections = 5\n{PLUGIN}")).unwrap_err();
    assert!(
        err.contains("unknown field `max-connections`") && err.contains("check the spelling"),
        "{err}"
    );
}
