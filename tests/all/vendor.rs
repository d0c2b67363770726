//! The vendor's loop, as the README tells it: `cityhub plugin new` scaffolds a
//! plugin that passes its own tests natively, `cityhub plugin build` makes the
//! component, and `cityhub plugin test` runs it on the sample events with no
//! host running.

use std::{path::Path, process::Command};

use serde_json::Value;

use crate::support::cityhub;

/// Shares compiled dependencies between runs of this test.
fn scaffold_target() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/scaffold")
}

fn run(cmd: &mut Command) -> std::process::Output {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n--- stdout\n{}\n--- stderr\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn new_build_test_a_scaffolded_plugin() {
    let tmp = tempfile::tempdir().unwrap();
    run(cityhub()
        .args(["plugin", "new", "border-queue"])
        .current_dir(tmp.path()));
    let dir = tmp.path().join("border-queue");
    for f in [
        "Cargo.toml",
        "plugin.toml",
        "src/lib.rs",
        "tests/plugin.rs",
        "events/sample.json",
        "rust-toolchain.toml",
    ] {
        assert!(dir.join(f).is_file(), "scaffold lacks {f}");
    }
    // Its own tests pass natively.
    // `cargo` through rustup, as a vendor would run it: the scaffold's
    // rust-toolchain.toml picks the toolchain.
    let out = run(Command::new("cargo")
        .args(["test", "--quiet"])
        .current_dir(&dir)
        .env_remove("RUSTUP_TOOLCHAIN")
        .env_remove("CARGO")
        .env_remove("RUSTC")
        .env("CARGO_TARGET_DIR", scaffold_target()));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("3 passed"), "{text}");

    // It builds into a component...
    run(cityhub()
        .args(["plugin", "build"])
        .arg(&dir)
        .env("CARGO_TARGET_DIR", scaffold_target()));
    assert!(dir.join("plugin.wasm").is_file());

    // ...which runs on the sample events with no host.
    let out = run(cityhub()
        .args(["plugin", "test"])
        .arg(&dir)
        .arg("--events")
        .arg(dir.join("events/sample.json")));
    let outputs: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(outputs.len(), 3, "{outputs:#?}");
    assert_eq!(outputs[2]["type"], "city.border-queue.count");
    assert_eq!(
        outputs[2]["data"],
        serde_json::json!({"subject": "cổng-a", "count": 2})
    );
    let summary = String::from_utf8_lossy(&out.stderr);
    assert!(
        summary.contains("3 events in, 3 out, 0 failed"),
        "{summary}"
    );
}

#[test]
fn plugin_test_reports_a_failing_batch_with_its_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let events = tmp.path().join("events.json");
    std::fs::write(
        &events,
        r#"[{"specversion":"1.0","id":"x","source":"/t","type":"test.hostile.panic"}]"#,
    )
    .unwrap();
    let out = cityhub()
        .args([
            "plugin",
            "test",
            crate::support::plugins::HOSTILE_DIR,
            "--component",
            crate::support::plugins::HOSTILE_WASM,
            "--events",
        ])
        .arg(&events)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("failed") && stderr.contains("trap"),
        "{stderr}"
    );
}
