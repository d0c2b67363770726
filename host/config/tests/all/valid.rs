//! A valid city.toml and what it parses to.

use std::path::Path;

use cityhub_config::CityConfig;

#[test]
fn parses_plugins_paths_and_defaults() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui");
    let text = r#"
[server]
listen = "0.0.0.0:9090"

[plugins.counter]
path = "fixture/counter"
config = { threshold = 2.5 }
batch-size = 50
retry = { attempts = 5, backoff = "50ms" }
"#;
    let c = CityConfig::parse(&root.join("city.toml"), text).unwrap();
    assert_eq!(c.server.listen.to_string(), "0.0.0.0:9090");
    assert_eq!(c.server.max_body.bytes(), 4 << 20);
    assert_eq!(
        c.store_url,
        format!("sqlite://{}", root.join(".cityhub/city.db").display())
    );
    assert_eq!(c.max_instances, 1000);
    assert_eq!(c.retention, None, "events are kept for ever unless told");
    assert_eq!(c.plugins.len(), 1);
    let p = &c.plugins[0];
    assert_eq!(p.name.as_str(), "counter");
    assert_eq!(p.component, root.join("fixture/counter/plugin.wasm"));
    assert_eq!(p.config["threshold"], 2.5);
    assert_eq!(p.batch_size, 50);
    assert_eq!(
        (p.retry.attempts, p.retry.backoff),
        (5, std::time::Duration::from_millis(50))
    );
    assert!(p.manifest.may_publish("city.test.count"));
}

#[test]
fn postgres_urls_are_kept_as_written() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui");
    let text = "[store]\nurl = \"postgres://postgres@127.0.0.1/test\"\nretention = \"30d\"\n[plugins.counter]\npath = \"fixture/counter\"\n";
    let c = CityConfig::parse(&root.join("city.toml"), text).unwrap();
    assert_eq!(c.store_url, "postgres://postgres@127.0.0.1/test");
    assert_eq!(
        c.retention,
        Some(std::time::Duration::from_secs(30 * 86_400))
    );
}
