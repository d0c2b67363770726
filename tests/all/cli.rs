//! `cityhub check` and `cityhub serve` on good and bad configurations.

use crate::support::{PluginSpec, cityhub, write_city};

#[test]
fn check_accepts_a_good_city_and_lists_its_plugins() {
    let tmp = tempfile::tempdir().unwrap();
    let config = write_city(tmp.path(), &[PluginSpec::traffic(), PluginSpec::hostile()]);
    let out = cityhub()
        .arg("check")
        .arg("--config")
        .arg(&config)
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("ok (2 plugins, 2 routes)") && text.contains("traffic 0.1.0"),
        "{text}"
    );
}

#[test]
fn check_and_serve_refuse_a_bad_city_with_every_error() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("city.toml");
    std::fs::write(
        &config,
        "[server]\nlisten = \"nowhere\"\n\n[plugins.traffic]\npath = \"no/such/folder\"\n",
    )
    .unwrap();
    for args in [vec!["check"], vec!["serve"]] {
        let out = cityhub()
            .args(&args)
            .arg("--config")
            .arg(&config)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("city.toml:2:10"), "{err}");
        assert!(
            err.contains("`listen` must be an address and port"),
            "{err}"
        );
        assert!(err.contains("no plugin.toml in"), "{err}");
        assert!(err.contains("2 errors"), "{err}");
    }
}

#[test]
fn serve_says_how_to_build_a_missing_component() {
    let tmp = tempfile::tempdir().unwrap();
    let mut spec = PluginSpec::traffic();
    spec.wasm = "/nonexistent/traffic.wasm";
    let config = write_city(tmp.path(), &[spec]);
    let out = cityhub()
        .args(["serve", "--listen", "127.0.0.1:0", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cityhub plugin build"), "{err}");
}

#[test]
fn the_demo_city_checks_clean() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = cityhub()
        .arg("check")
        .arg("--config")
        .arg(root.join("city.toml"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("ok (10 plugins, 11 routes)"), "{text}");
    assert!(
        out.stderr.is_empty(),
        "no warnings: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
