//! `cityhub simulate`: the same seed gives the same events (dry run); every
//! event is a valid CloudEvent of a type in plugins/README.md, in Vietnamese
//! with diacritics; the border-queue figures it prints are those the
//! recorded events give; against a real host every event sent is stored,
//! and a host refusing with `429` (a route past its `max-lag`) loses none;
//! field reports sent as events (`--reports events`, the default) reach
//! the real field-reports plugin on simulated time.

use std::{collections::HashSet, path::Path, process::Output};

use cityhub_cloudevents::CloudEvent;
use serde_json::Value;

use crate::support::{Host, PluginSpec, cityhub, plugins};

/// Every input type of plugins/README.md the simulator sends.
const CONTRACT: [&str; 17] = [
    "city.traffic.reading",
    "city.traffic.incident-report",
    "city.traffic.gate-count",
    "city.ecommerce.order",
    "city.ecommerce.declaration",
    "city.tourism.visitors",
    "city.tourism.occupancy",
    "city.tourism.event",
    "city.health.beds",
    "city.health.emergency-call",
    "city.health.case-report",
    "city.education.attendance",
    "city.education.incident",
    "city.fieldreport.submitted",
    "city.fieldreport.progress",
    "city.admin.dossier",
    "city.reporting.directive",
];

/// A Thursday morning: 30 simulated hours cover two school days.
const START: &str = "2026-11-26T06:00:00+07:00";

fn simulate(args: &[&str]) -> Output {
    let out = cityhub()
        .arg("simulate")
        .args(["--start", START])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.code().is_some(),
        "simulate was killed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn lines(file: &Path) -> Vec<Value> {
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn summary(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "summary is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn the_same_seed_records_the_same_events_and_each_is_a_valid_cloudevent() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("c"),
    );
    for (file, seed) in [(&a, "42"), (&b, "42"), (&c, "43")] {
        let out = simulate(&[
            "--dry-run",
            "--seed",
            seed,
            "--duration",
            "30h",
            "--record",
            file.to_str().unwrap(),
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let (a, b, c) = (
        std::fs::read(&a).unwrap(),
        std::fs::read(&b).unwrap(),
        std::fs::read(&c).unwrap(),
    );
    assert!(a == b, "same seed, different bytes");
    assert!(a != c, "another seed, the same bytes");

    let events = lines(&tmp.path().join("a"));
    let mut types = HashSet::new();
    let mut ids = HashSet::new();
    for e in &events {
        let ce = CloudEvent::from_json_value(e).unwrap_or_else(|err| panic!("{err}: {e}"));
        assert!(CONTRACT.contains(&ce.ty.as_str()), "{}", ce.ty.as_str());
        assert!(ids.insert(ce.id.clone()), "id `{}` twice", ce.id);
        assert!(e["time"].as_str().unwrap().ends_with("+07:00"), "{e}");
        types.insert(ce.ty.as_str().to_owned());
    }
    for ty in CONTRACT {
        assert!(types.contains(ty), "30 simulated hours without `{ty}`");
    }
    let text = String::from_utf8(a).unwrap();
    for words in [
        "Chợ Kỳ Lừa",
        "Thanh long",
        "Hồi Lạng Sơn",
        "Bệnh viện Đa khoa tỉnh Lạng Sơn",
        "Khu du lịch Mẫu Sơn",
        "huyện Văn Lãng",
    ] {
        assert!(text.contains(words), "no `{words}`");
    }
}

#[test]
fn reports_via_open311_are_recorded_deterministically_with_the_via_extension() {
    let tmp = tempfile::tempdir().unwrap();
    let record = |name: &str, via: &str| {
        let file = tmp.path().join(name);
        let out = simulate(&[
            "--dry-run",
            "--scenario",
            "border-queue",
            "--seed",
            "42",
            "--duration",
            "6h",
            "--reports",
            via,
            "--record",
            file.to_str().unwrap(),
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        file
    };
    let (a, b) = (record("a", "open311"), record("b", "open311"));
    assert!(std::fs::read(&a).unwrap() == std::fs::read(&b).unwrap());
    let via_open311 = lines(&a);
    let via_events = lines(&record("c", "events"));
    assert_eq!(via_open311.len(), via_events.len());
    let reports: Vec<&Value> = via_open311
        .iter()
        .filter(|e| e["type"] == "city.fieldreport.submitted")
        .collect();
    assert!(!reports.is_empty());
    for e in reports {
        assert_eq!(e["via"], "open311", "{e}");
        assert_eq!(e["data"]["requested_datetime"], e["time"], "{e}");
    }
    // The same figures (tonnes summed in another order may differ in the last bit).
    let (a, b) = (figures_from(&via_open311), figures_from(&via_events));
    assert_eq!((a.0, a.1, a.3), (b.0, b.1, b.3));
    assert!((a.2 - b.2).abs() < 0.05, "{a:?} vs {b:?}");
}

/// The figures as a reader of the record computes them: the last count,
/// the change over the hour before it, the perishable declarations whose
/// last status is waiting, the reports naming QL1A.
pub(crate) fn figures_from(events: &[Value]) -> (i64, f64, f64, usize) {
    let counts: Vec<&Value> = events
        .iter()
        .filter(|e| e["type"] == "city.traffic.gate-count" && e["data"]["gate"] == "huu-nghi")
        .collect();
    let last = counts.last().unwrap();
    let hour_before = counts[counts.len() - 7];
    let growth = last["data"]["trucksWaiting"].as_i64().unwrap()
        - hour_before["data"]["trucksWaiting"].as_i64().unwrap();
    let mut latest = std::collections::HashMap::new();
    for e in events
        .iter()
        .filter(|e| e["type"] == "city.ecommerce.declaration")
    {
        latest.insert(e["data"]["declarationId"].as_str().unwrap(), &e["data"]);
    }
    let tonnes: f64 = latest
        .values()
        .filter(|d| d["gate"] == "huu-nghi" && d["perishable"] == true && d["status"] == "waiting")
        .map(|d| d["tonnes"].as_f64().unwrap())
        .sum();
    let reports = events
        .iter()
        .filter(|e| e["type"] == "city.fieldreport.submitted")
        .filter(|e| {
            e["data"]["address_string"]
                .as_str()
                .unwrap()
                .contains("QL1A")
        })
        .count();
    (
        last["data"]["trucksWaiting"].as_i64().unwrap(),
        growth as f64,
        tonnes,
        reports,
    )
}

#[test]
fn the_border_queue_figures_printed_are_those_of_the_recorded_events() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("jam.jsonl");
    let out = simulate(&[
        "--dry-run",
        "--scenario",
        "border-queue",
        "--seed",
        "7",
        "--duration",
        "6h",
        "--json",
        "--record",
        file.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let f = &summary(&out)["figures"];
    let (queue, growth, tonnes, reports) = figures_from(&lines(&file));
    assert_eq!((queue, growth), (2400, 120.0));
    assert_eq!(f["queueLength"], queue);
    assert_eq!(f["growthPerHour"], growth);
    assert_eq!(f["clearancePerHour"], 85.0);
    assert!(
        (f["perishableTonnes"].as_f64().unwrap() - tonnes).abs() < 0.05,
        "{f} vs {tonnes}"
    );
    assert!(tonnes > 2500.0, "{tonnes}");
    assert_eq!(f["reports"], reports);
    assert!(reports >= 5, "{reports}");
}

/// Ids of the simulator's events the host has stored.
async fn stored_ids(host: &Host) -> HashSet<String> {
    let mut ids = HashSet::new();
    let mut after = String::new();
    loop {
        let page = host
            .get_json(&format!("/v1/events?type=city.>&limit=1000{after}"))
            .await;
        let events = page["events"].as_array().unwrap();
        if events.is_empty() {
            return ids;
        }
        for e in events {
            let id = e["event"]["id"].as_str().unwrap();
            if id.starts_with("sim-") {
                ids.insert(id.to_owned());
            }
        }
        after = format!("&after={}", page["next"]);
    }
}

/// Runs the simulator against `host` (fast), returns the summary and the record.
fn against(host: &Host, dir: &Path, extra: &[&str]) -> (Value, Vec<Value>) {
    let file = dir.join("sent.jsonl");
    let url = format!("http://{}", host.addr);
    let mut args = vec![
        "--url",
        &url,
        "--token",
        &host.token,
        "--speed",
        "1000000",
        "--json",
        "--record",
        file.to_str().unwrap(),
    ];
    args.extend(extra);
    let out = simulate(&args);
    let s = summary(&out);
    assert!(
        s["counts"]["rejected"].as_object().unwrap().is_empty(),
        "events rejected: {s:#}"
    );
    (s, lines(&file))
}

#[tokio::test]
async fn every_event_sent_to_a_real_host_is_stored() {
    let (host, dir) = Host::start(&[PluginSpec::traffic()]);
    let (s, sent) = against(&host, dir.path(), &["--events", "800", "--seed", "5"]);
    assert_eq!(
        s["counts"]["accepted"]
            .as_object()
            .unwrap()
            .values()
            .map(|n| n.as_u64().unwrap())
            .sum::<u64>(),
        sent.len() as u64
    );
    assert!(sent.len() > 700, "{s:#}");
    let stored = stored_ids(&host).await;
    for e in &sent {
        let id = e["id"].as_str().unwrap();
        assert!(stored.contains(id), "`{id}` was sent but is not stored");
    }
    // Vietnamese comes back byte for byte.
    let beds = host.events("type=city.health.beds&limit=1").await;
    assert!(
        beds[0]["event"]["data"]["hospitalName"]
            .as_str()
            .unwrap()
            .contains("Lạng Sơn"),
        "{beds:#?}"
    );

    // Without a token, or with one that cannot post events, nothing is
    // sent and the error says which role is needed and how to get a token.
    let url = format!("http://{}", host.addr);
    let operator = host.token_for("operator").await;
    for (token, says) in [
        ("", "needs an API token"),
        (
            operator.as_str(),
            "has role `operator`, which cannot post events",
        ),
    ] {
        let out = simulate(&["--url", &url, "--events", "10", "--token", token]);
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(says) && err.contains("cityhub token create --role source --name NAME"),
            "{err}"
        );
    }
    assert_eq!(stored_ids(&host).await.len(), sent.len());
}

#[tokio::test]
async fn a_host_refusing_with_429_loses_nothing() {
    // One reading per plugin call and a route allowed 20 behind: every
    // batch of 100 puts it past its max-lag, so ingest answers 429 until
    // it catches up.
    let spec = PluginSpec::traffic().batch_size(1).route("max-lag = 20");
    let (host, dir) = Host::start(&[spec]);
    let (s, sent) = against(&host, dir.path(), &["--events", "500", "--seed", "9"]);
    assert!(
        s["counts"]["retries"].as_u64().unwrap() > 0,
        "no 429 provoked: {s:#}"
    );
    let stored = stored_ids(&host).await;
    let lost: Vec<&str> = sent
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .filter(|id| !stored.contains(*id))
        .collect();
    assert!(lost.is_empty(), "lost after 429s: {lost:?}");
    assert!(sent.len() > 400, "{s:#}");
}

/// The field-reports plugin with its default services, taking reports and
/// their progress as the simulator sends them.
fn field_reports() -> PluginSpec {
    PluginSpec {
        name: "field-reports",
        dir: plugins::FIELD_REPORTS_DIR,
        wasm: plugins::FIELD_REPORTS_WASM,
        batch_size: 100,
        config: "{}",
        retry: "{}",
        from: r#"["city.fieldreport.submitted", "city.fieldreport.progress"]"#,
        route_extra: String::new(),
        plugin_extra: String::new(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_sent_as_events_are_requested_at_their_simulated_time() {
    let (host, dir) = Host::start(&[field_reports()]);
    let (s, sent) = against(
        &host,
        dir.path(),
        &[
            "--scenario",
            "border-queue",
            "--duration",
            "8h",
            "--seed",
            "7",
        ],
    );
    assert_eq!(s["reports"], "events", "{s:#}");
    let submitted: Vec<&Value> = sent
        .iter()
        .filter(|e| e["type"] == "city.fieldreport.submitted")
        .collect();
    assert!(submitted.len() >= 10, "{s:#}");
    let progress: Vec<&Value> = sent
        .iter()
        .filter(|e| e["type"] == "city.fieldreport.progress")
        .collect();
    assert!(!progress.is_empty(), "{s:#}");
    for e in &submitted {
        assert!(e.get("via").is_none(), "{e}");
        assert_eq!(e["subject"], e["data"]["service_request_id"], "{e}");
        assert_eq!(e["data"]["requested_datetime"], e["time"], "{e}");
        assert!(e["id"].as_str().unwrap().starts_with("sim-"), "{e}");
    }
    // The plugin's latest view of every request, once it has seen every
    // report and every update.
    let updated = |r: &Value| r["data"]["updated_datetime"].as_str().map(str::to_owned);
    let want_updated: std::collections::HashMap<&str, &str> = submitted
        .iter()
        .map(|e| {
            let id = e["id"].as_str().unwrap();
            let last = progress
                .iter()
                .rfind(|p| p["data"]["service_request_id"] == id)
                .unwrap_or(e);
            (id, last["time"].as_str().unwrap())
        })
        .collect();
    let outputs = host
        .wait_until(
            "type=city.fieldreport.request&limit=1000",
            "a request for every report, as of its last update",
            |got| {
                let latest = latest_requests(got);
                want_updated.iter().all(|(id, t)| {
                    latest
                        .get(*id)
                        .is_some_and(|r| updated(r).as_deref() == Some(*t))
                })
            },
        )
        .await;
    let latest = latest_requests(&outputs);
    for e in &submitted {
        let id = e["id"].as_str().unwrap();
        let r = &latest[id];
        assert_eq!(r["data"]["requested_datetime"], e["time"], "{r:#}");
        assert_eq!(
            r["data"]["service_code"], e["data"]["service_code"],
            "{r:#}"
        );
        assert_eq!(r["data"]["address"], e["data"]["address_string"], "{r:#}");
    }
    let closed = progress
        .iter()
        .filter(|p| p["data"]["status"] == "closed")
        .count();
    let closed_seen = latest
        .values()
        .filter(|r| r["data"]["status"] == "closed")
        .count();
    assert_eq!(closed, closed_seen);
    assert!(
        latest.values().any(|r| r["data"]["road"] == "QL1A"),
        "{latest:#?}"
    );
}

/// The newest `city.fieldreport.request` output (as stored events, in
/// store order) per request id.
fn latest_requests(stored: &[Value]) -> std::collections::HashMap<String, Value> {
    stored
        .iter()
        .map(|e| {
            (
                e["event"]["subject"].as_str().unwrap().to_owned(),
                e["event"].clone(),
            )
        })
        .collect()
}

#[test]
fn simulate_without_a_host_says_how_to_start_one() {
    let out = simulate(&["--url", "http://127.0.0.1:9", "--events", "10"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cityhub serve") && err.contains("cityhub demo"),
        "{err}"
    );
}
