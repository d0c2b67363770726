//! `cityhub bench`, small and against the debug binary: every scenario runs
//! end to end on SQLite (a host per run, started by the bench itself) and
//! reports a figure and a baseline for each. The figures themselves mean
//! nothing here; the release build's are in README's Benchmarks.

use std::path::Path;

use serde_json::Value;

use crate::support::{cityhub, plugins};

#[test]
fn bench_reports_every_scenario_with_a_figure_and_a_baseline() {
    let tmp = tempfile::tempdir().unwrap();
    let json = tmp.path().join("bench.json");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = cityhub()
        .args([
            "bench",
            "--backend",
            "sqlite",
            "--events",
            "2000",
            "--seconds",
            "1",
            "--rate",
            "2000",
            "--single-events",
            "200",
            "--clients",
            "8",
        ])
        .arg("--plugins")
        .arg(&root)
        .arg("--component")
        .arg(format!("traffic={}", plugins::TRAFFIC_WASM))
        .arg("--component")
        .arg(format!("alerts={}", plugins::ALERTS_WASM))
        .arg("--component")
        .arg(format!("hostile={}", plugins::HOSTILE_WASM))
        .arg("--json")
        .arg(&json)
        .env_remove("CITYHUB_DATABASE_URL")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("DEBUG build"),
        "a debug build is flagged: {stderr}"
    );

    let report: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let results = report["results"].as_array().unwrap();
    for scenario in ["batch-100", "single", "latency", "chain"] {
        let r = results
            .iter()
            .find(|r| r["scenario"] == scenario && r["backend"] == "sqlite")
            .unwrap_or_else(|| panic!("no `{scenario}` in {report:#}"));
        for key in ["value", "baseline", "ratio"] {
            assert!(r[key].as_f64().unwrap() > 0.0, "`{scenario}` {key}: {r:#}");
        }
        assert!(stdout.contains(scenario), "{stdout}");
    }
    let chain = results.iter().find(|r| r["scenario"] == "chain").unwrap();
    let routes = chain["details"]["routes"].as_array().unwrap();
    assert_eq!(routes.len(), 3, "{chain:#}");
    assert!(
        routes.iter().all(|r| r["events_out"].as_u64().unwrap() > 0),
        "every plugin of the chain produced outputs: {chain:#}"
    );
    assert_eq!(report["load"]["build"], "debug");
    assert!(stdout.contains("x baseline"), "{stdout}");
}
