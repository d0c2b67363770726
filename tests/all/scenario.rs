//! The demo city end to end: the repository's `city.toml` (all ten plugins,
//! every route) in a real host, fed by the real simulator.
//!
//! - The fruit-season border queue: the simulator's `border-queue` scenario
//!   makes `ioc` raise one critical `border/huu-nghi` alert whose figures
//!   (trucks, growth per hour, perishable tonnes, citizens' reports on QL1A)
//!   are those of the events the simulator sent.
//! - A citizen's report through Open311 is routed to its agency and turns
//!   overdue once its SLA has passed.
//! - `cityhub demo` reaches a steady state in which every plugin produces
//!   outputs.

use std::{
    collections::HashSet,
    net::TcpListener,
    path::Path,
    time::{Duration, Instant},
};

use serde_json::Value;

use crate::support::{Host, cityhub, client_with, create_token, unique_name, write_demo_city};

/// Waits until every route has delivered everything in the log.
async fn drained(host: &Host) {
    host.wait_json("/v1/routes", "every route to catch up", |v| {
        v["routes"]
            .as_array()
            .is_some_and(|r| r.iter().all(|r| r["lag"] == 0))
    })
    .await;
}

fn lines(file: &Path) -> Vec<Value> {
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Every stored event of type pattern `ty`, in log order.
async fn all_events(host: &Host, ty: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut after = 0u64;
    loop {
        let page = host
            .events(&format!("type={ty}&after={after}&limit=1000"))
            .await;
        let Some(last) = page.last() else { break };
        after = last["seq"].as_u64().unwrap();
        out.extend(page);
    }
    out
}

#[tokio::test]
async fn the_border_queue_makes_the_ioc_raise_one_critical_alert_with_the_senders_figures() {
    let tmp = tempfile::tempdir().unwrap();
    // Every change of the figures re-announces the open alert, so its last
    // announcement carries the final figures.
    let config = write_demo_city(tmp.path(), |city| {
        let ioc = city["plugins"]["ioc"]["config"].as_table_mut().unwrap();
        ioc.insert("material_change".into(), 0.0001.into());
    });
    let host = Host::start_with(&config);
    let record = tmp.path().join("jam.jsonl");
    let out = host
        .cli()
        .args(["simulate", "--url", &host.url(""), "--seed", "7"])
        .args(["--scenario", "border-queue", "--duration", "6h"])
        .args(["--speed", "100000", "--rate", "20000", "--json", "--record"])
        .arg(&record)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "simulate failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    let sent = crate::simulate::figures_from(&lines(&record));
    let (queue, growth, tonnes, reports) = sent;
    assert_eq!(summary["figures"]["queueLength"], queue);
    assert!(
        reports >= 5,
        "the scenario has too few reports on QL1A: {reports}"
    );
    drained(&host).await;

    // Upstream, each plugin's last word agrees with what was sent.
    let border = all_events(&host, "city.traffic.border-queue").await;
    let last_queue = &border
        .iter()
        .rfind(|e| e["event"]["data"]["gate"] == "huu-nghi")
        .unwrap()["event"]["data"];
    assert_eq!(last_queue["queueLength"], queue);
    assert_eq!(last_queue["growthPerHour"].as_f64(), Some(growth));
    let volumes = all_events(&host, "city.ecommerce.gate-volume").await;
    let last_volume = &volumes
        .iter()
        .rfind(|e| e["event"]["data"]["gate"] == "huu-nghi")
        .unwrap()["event"]["data"];
    let perishable = last_volume["perishableWaitingTonnes"].as_f64().unwrap();
    assert!(
        (perishable - tonnes).abs() < 0.01,
        "{perishable} t, sent {tonnes} t"
    );
    let requests = all_events(&host, "city.fieldreport.request").await;
    let on_ql1a: HashSet<&str> = requests
        .iter()
        .map(|e| &e["event"]["data"])
        .filter(|d| d["road"] == "QL1A")
        .map(|d| d["service_request_id"].as_str().unwrap())
        .collect();
    assert_eq!(on_ql1a.len(), reports, "reports routed with road QL1A");

    // The IOC joined the three into one critical alert, still open, whose
    // last announcement names all three with their final figures.
    let alerts: Vec<Value> = all_events(&host, "city.ioc.alert")
        .await
        .into_iter()
        .map(|e| e["event"]["data"].clone())
        .filter(|d| d["alertId"] == "border/huu-nghi")
        .collect();
    assert!(!alerts.is_empty(), "no combined border alert");
    assert!(alerts.iter().all(|a| a["severity"] == "critical"));
    let opened = alerts.iter().filter(|a| a["status"] == "open").count();
    assert_eq!(
        opened,
        alerts.len(),
        "the alert never resolved: {alerts:#?}"
    );
    let last = alerts.last().unwrap();
    let f = &last["figures"];
    assert_eq!(f["queueLength"], queue);
    assert_eq!(f["growthPerHour"].as_f64(), Some(growth));
    assert!(
        (f["perishableTonnes"].as_f64().unwrap() - tonnes).abs() < 0.01,
        "{f}"
    );
    assert_eq!(f["reports"], reports);
    assert_eq!(f["road"], "QL1A");
    let title = last["title"]["vi"].as_str().unwrap();
    for part in [
        format!("{}.{:03} xe", queue / 1000, queue % 1000),
        format!("tăng {} xe/giờ", growth.round() as i64),
        format!("{reports} phản ánh trên QL1A"),
    ] {
        assert!(title.contains(&part), "`{title}` lacks `{part}`");
    }
    assert!(title.contains("tấn nông sản dễ hỏng"), "{title}");
}

#[tokio::test]
async fn an_open311_report_is_routed_to_its_agency_and_turns_overdue_after_its_sla() {
    let tmp = tempfile::tempdir().unwrap();
    let config = write_demo_city(tmp.path(), |city| {
        city.insert(
            "clock".into(),
            toml::Table::from_iter([("tick".into(), "200ms".into())]).into(),
        );
        let services = city["plugins"]["field-reports"]["config"]["services"]
            .as_array_mut()
            .unwrap();
        let pothole = services
            .iter_mut()
            .find(|s| s["service_code"].as_str() == Some("pothole"))
            .unwrap();
        pothole
            .as_table_mut()
            .unwrap()
            .insert("sla".into(), "2s".into());
    });
    let host = Host::start_with(&config);
    let description = "Ổ gà sâu khoảng 20 cm giữa làn xe tải, rất nguy hiểm về đêm";
    let form = [
        ("service_code", "pothole"),
        ("lat", "22.0012"),
        ("long", "106.6046"),
        ("address_string", "QL4A km 8, xã Tân Thanh, huyện Văn Lãng"),
        ("description", description),
    ];
    let response = host
        .http
        .post(host.url("/open311/v2/requests.json"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let created: Value = response.json().await.unwrap();
    let id = created[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_owned();

    let path = format!("/open311/v2/requests/{id}.json");
    let request = host
        .wait_json(&path, "the report routed to its agency", |v| {
            v[0]["agency_responsible"].is_string()
        })
        .await;
    let r = &request[0];
    assert_eq!(r["agency_responsible"], "Sở Giao thông Vận tải");
    assert_eq!(r["service_name"], "Hư hỏng mặt đường, ổ gà");
    assert_eq!(r["status"], "open");
    assert_eq!(r["description"], description);
    let requested = r["requested_datetime"].as_str().unwrap();
    let expected = r["expected_datetime"].as_str().unwrap();
    assert!(requested.ends_with("+07:00") && expected.ends_with("+07:00"));
    let seconds = |t: &str| cityhub_sdk::Timestamp::parse_rfc3339(t).unwrap().seconds();
    assert_eq!(seconds(expected) - seconds(requested), 2, "the SLA is 2 s");

    // Nothing else arrives: the host's clock ticks carry the report past
    // its SLA, once.
    let overdue = host
        .wait_until(
            "type=city.fieldreport.overdue",
            "the report to turn overdue",
            |e| !e.is_empty(),
        )
        .await;
    let data = &overdue[0]["event"]["data"];
    assert_eq!(data["service_request_id"], id.as_str());
    assert_eq!(data["agency_responsible"], "Sở Giao thông Vận tải");
    assert_eq!(data["road"], "QL4A");
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(host.events("type=city.fieldreport.overdue").await.len(), 1);
    let views = host.events("type=city.fieldreport.request").await;
    assert_eq!(views.last().unwrap()["event"]["data"]["overdue"], true);
}

#[tokio::test]
async fn the_demo_reaches_a_steady_state_with_every_plugin_producing_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    // Wall-clock ticks would run ahead of a simulation started in the past.
    let config = write_demo_city(tmp.path(), |city| {
        city.insert(
            "clock".into(),
            toml::Table::from_iter([("tick".into(), "24h".into())]).into(),
        );
    });
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    // The demo's output goes to files, read only when the test fails: an
    // unread pipe would fill and stall it. `--for` is a backstop far past the
    // test's deadline; the test always stops the demo itself.
    let out = tmp.path().join("demo.out");
    let err = tmp.path().join("demo.err");
    let mut demo = cityhub()
        .args(["demo", "--no-build", "--for", "10m", "--speed", "2000"])
        .args(["--start", "2026-11-26T06:00:00+07:00", "--listen"])
        .arg(port.to_string())
        .arg("--config")
        .arg(&config)
        .current_dir(tmp.path())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .unwrap();
    let started = Instant::now();
    // What the demo and its host said, for a failure's message.
    let said = || {
        let read = |p: &Path| std::fs::read_to_string(p).unwrap_or_default();
        let log = read(&tmp.path().join(".cityhub/demo-host.log"));
        let tail: Vec<&str> = log.lines().rev().take(40).collect();
        format!(
            "--- demo stdout\n{}\n--- demo stderr\n{}\n--- the end of the host's log\n{}",
            read(&out),
            read(&err),
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        )
    };
    // The demo makes its own tokens (source, operator); the test reads the
    // routes with an admin token of its own in the same store.
    let http = client_with(&create_token(&config, "admin", &unique_name("e2e-admin")));
    let url = format!("http://{port}/v1/routes");
    // Generous: CI runs this beside the other end-to-end tests on two cores.
    let deadline = started + Duration::from_secs(240);
    let mut silent: Vec<String> = Vec::new();
    let mut last = Value::Null;
    while Instant::now() < deadline {
        if let Some(status) = demo.try_wait().unwrap() {
            panic!(
                "the demo stopped by itself ({status}) after {:?}, before every plugin produced (silent: {silent:?})\n{}",
                started.elapsed(),
                said()
            );
        }
        if let Ok(r) = http.get(&url).send().await
            && let Ok(v) = r.json::<Value>().await
        {
            last = v;
            let routes = last["routes"].as_array().cloned().unwrap_or_default();
            let name = |r: &Value| r["to"].as_str().unwrap_or_default().to_owned();
            // A plugin produces once any of its routes has had outputs.
            let producing: HashSet<String> = routes
                .iter()
                .filter(|r| r["stats"]["events_out"].as_u64().unwrap_or(0) > 0)
                .map(name)
                .collect();
            silent = routes
                .iter()
                .map(name)
                .filter(|p| !producing.contains(p))
                .collect();
            if routes.len() == 11 && silent.is_empty() {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    // Ctrl-C: the demo stops its host and prints its summary.
    let interrupted = std::process::Command::new("kill")
        .args(["-INT", &demo.id().to_string()])
        .status()
        .unwrap();
    assert!(
        interrupted.success(),
        "could not interrupt the demo\n{}",
        said()
    );
    let status = demo.wait().unwrap();
    assert!(
        last["routes"].as_array().is_some_and(|r| r.len() == 11) && silent.is_empty(),
        "after {:?}, plugins that produced nothing: {silent:?}; routes: {last:#}\n{}",
        started.elapsed(),
        said()
    );
    assert!(
        status.success(),
        "the demo, interrupted, exited with {status}\n{}",
        said()
    );
    let summary = std::fs::read_to_string(&out).unwrap();
    // Its banner first, then, after Ctrl-C, the simulator's summary.
    let banner = summary.find("cityhub demo: Lạng Sơn simulated from 2026-11-26T06:00:00+07:00");
    let totals = summary.find("simulated `border-queue` (seed 1");
    assert!(
        banner.is_some()
            && totals.is_some()
            && banner < totals
            && summary.contains("events accepted"),
        "the demo's banner or its summary is missing\n{}",
        said()
    );
}
