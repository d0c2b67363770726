//! The ops API against the real host and the demo city's plugins: city
//! events go in over HTTP, the plugins turn them into KPIs and alerts, the
//! host's ops read model keeps them, and `/v1/ops/*` serves them — with
//! every endpoint's bad input and unknown ids.

use serde_json::{Value, json};

use crate::support::{Host, write_demo_city};

fn event(id: &str, ty: &str, time: &str, data: Value) -> Value {
    json!({"specversion": "1.0", "id": id, "source": "/test/ops", "type": ty,
           "time": time, "datacontenttype": "application/json", "data": data})
}

fn beds(id: &str, time: &str, occupied: u32) -> Value {
    event(
        id,
        "city.health.beds",
        time,
        json!({"hospital": "bvdk-tinh", "hospitalName": "Bệnh viện Đa khoa tỉnh Lạng Sơn",
               "bedsTotal": 560, "bedsOccupied": occupied,
               "location": {"type": "Point", "coordinates": [106.752, 21.845]},
               "observedAt": time}),
    )
}

/// The demo city on a fresh store, and a province morning posted to it.
async fn city() -> (Host, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let file = write_demo_city(tmp.path(), |_| {});
    let host = Host::start_with(&file);
    let t = "2026-11-27T08:00:00+07:00";
    let events = vec![
        beds("beds-1", t, 545),
        event(
            "gate-1",
            "city.traffic.gate-count",
            t,
            json!({"gate": "huu-nghi", "trucksWaiting": 1800, "trucksCleared": 40, "observedAt": t}),
        ),
        event(
            "visitors-1",
            "city.tourism.visitors",
            t,
            json!({"site": "mau-son", "siteName": "Khu du lịch Mẫu Sơn", "present": 1200,
                   "location": {"type": "Point", "coordinates": [106.96, 21.86]}, "observedAt": t}),
        ),
        event(
            "reading-1",
            "city.traffic.reading",
            t,
            json!({"refRoadSegment": "QL1A-km8", "location": {"type": "Point", "coordinates": [106.716, 21.95]},
                   "intensity": 30.0, "averageVehicleSpeed": 52.0,
                   "dateObservedFrom": "2026-11-27T07:55:00+07:00", "dateObservedTo": t}),
        ),
        event(
            "report-1",
            "city.fieldreport.submitted",
            t,
            json!({"service_request_id": "LS-OPS-1", "service_code": "pothole",
                   "description": "Ổ gà sâu trên QL4A", "lat": 21.8712, "long": 106.7355,
                   "address_string": "Km 5, QL4A", "requested_datetime": t}),
        ),
    ];
    let r = host.post_batch(&events).await;
    assert_eq!(r.status(), 202, "{}", r.text().await.unwrap());
    (host, tmp)
}

const ALERT: &str = "health/capacity/bvdk-tinh";
const ALERT_PATH: &str = "/v1/ops/alerts/health%2Fcapacity%2Fbvdk-tinh";

async fn error_of(host: &Host, path: &str) -> (u16, Value) {
    let r = host.http.get(host.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kpis_and_their_history_come_from_the_ioc_plugin() {
    let (host, _tmp) = city().await;
    let kpis = host
        .wait_json("/v1/ops/kpis?sector=health", "the bed-occupancy KPI", |v| {
            v["sectors"][0]["kpis"].as_array().is_some_and(|k| {
                k.iter()
                    .any(|k| k["id"] == "kpi/health/bed-occupancy/bvdk-tinh")
            })
        })
        .await;
    let sector = &kpis["sectors"][0];
    assert_eq!(sector["sector"], "health");
    assert_eq!(sector["name"], json!({"vi": "Y tế", "en": "Health"}));
    let kpi = sector["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == "kpi/health/bed-occupancy/bvdk-tinh")
        .unwrap();
    assert_eq!(kpi["value"], 0.973);
    assert_eq!(kpi["unit"], "ratio");
    assert_eq!(kpi["trend"], "new");
    assert_eq!(kpi["standing"], "bad", "{kpi}");
    assert_eq!(sector["standing"], "bad");
    assert!(kpis["position"].as_i64().unwrap() > 0);
    assert_eq!(kpis["now"], "2026-11-27T08:00:00+07:00");

    // A second count an hour later: the trend turns down, the history has both.
    let r = host
        .post_batch(&[beds("beds-2", "2026-11-27T09:00:00+07:00", 480)])
        .await;
    assert_eq!(r.status(), 202);
    let kpis = host
        .wait_json(
            "/v1/ops/kpis?sector=health",
            "the KPI's second value",
            |v| {
                v["sectors"][0]["kpis"]
                    .as_array()
                    .is_some_and(|k| k.iter().any(|k| k["trend"] == "down"))
            },
        )
        .await;
    let kpi = &kpis["sectors"][0]["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == "kpi/health/bed-occupancy/bvdk-tinh")
        .unwrap()
        .clone();
    assert_eq!(
        (kpi["value"].clone(), kpi["previous"].clone()),
        (json!(0.857), json!(0.973))
    );
    let history = host
        .get_json("/v1/ops/history?sector=health&hours=6&kpi=kpi/health/bed-occupancy/bvdk-tinh")
        .await;
    let points = history["series"][0]["points"].as_array().unwrap();
    assert_eq!(points.len(), 2, "{history}");
    assert_eq!(points[0], json!(["2026-11-27T08:00:00+07:00", 0.973]));
    assert_eq!(points[1][1], 0.857);

    // Bad input names the parameter.
    for (path, field) in [
        ("/v1/ops/history?hours=6", "sector"),
        ("/v1/ops/history?sector=health&hours=0", "hours"),
        ("/v1/ops/history?sector=health&hours=49", "hours"),
        ("/v1/ops/kpis?seen=-1", "seen"),
    ] {
        let (status, body) = error_of(&host, path).await;
        assert_eq!(status, 400, "{path}: {body}");
        assert_eq!(body["error"]["code"], "invalid_query", "{path}: {body}");
        assert_eq!(body["error"]["field"], field, "{path}: {body}");
    }
    let (status, body) = error_of(&host, "/v1/ops/kpis?seen=abc").await;
    assert_eq!(
        (status, &body["error"]["field"]),
        (400, &json!("seen")),
        "{body}"
    );
    // An unknown sector is simply empty.
    let none = host.get_json("/v1/ops/kpis?sector=space").await;
    assert_eq!(none["sectors"], json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operators_acknowledge_assign_and_resolve_alerts() {
    let (host, _tmp) = city().await;
    let list = host
        .wait_json("/v1/ops/alerts", "the bed-capacity alert", |v| {
            v["alerts"]
                .as_array()
                .is_some_and(|a| a.iter().any(|a| a["alertId"] == ALERT))
        })
        .await;
    let alert = list["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["alertId"] == ALERT)
        .unwrap();
    assert_eq!(
        (&alert["sector"], &alert["status"], &alert["state"]),
        (&json!("health"), &json!("open"), &json!("open"))
    );
    assert_eq!(alert["severity"], "high");
    assert!(
        alert["title"]["vi"].as_str().unwrap().contains("giường"),
        "{alert}"
    );
    assert_eq!(list["counts"]["high"], 1);
    // Filters.
    let other = host.get_json("/v1/ops/alerts?sector=traffic").await;
    assert!(
        other["alerts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["sector"] == "traffic"),
        "{other}"
    );
    let resolved = host.get_json("/v1/ops/alerts?state=resolved").await;
    assert_eq!(resolved["alerts"], json!([]));
    let high = host.get_json("/v1/ops/alerts?severity=high,critical").await;
    assert!(
        high["alerts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["alertId"] == ALERT)
    );
    for (path, field) in [
        ("/v1/ops/alerts?state=closed", "state"),
        ("/v1/ops/alerts?severity=urgent", "severity"),
        ("/v1/ops/alerts?limit=0", "limit"),
    ] {
        let (status, body) = error_of(&host, path).await;
        assert_eq!(status, 400, "{path}: {body}");
        assert_eq!(body["error"]["field"], field, "{path}: {body}");
    }

    // Acknowledge: recorded with who; twice is a conflict.
    let (status, body) = host
        .post_json(&format!("{ALERT_PATH}/ack"), json!({"by": "Nguyễn Văn An"}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["state"], "acknowledged");
    assert_eq!(body["acknowledged"]["by"], "Nguyễn Văn An");
    assert!(body["acknowledged"]["at"].as_str().is_some());
    let (status, body) = host
        .post_json(&format!("{ALERT_PATH}/ack"), json!({"by": "Trần Thị Bình"}))
        .await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (409, &json!("alert_acknowledged")),
        "{body}"
    );

    // Assign: the agency and deadline are required and checked.
    for (body, field) in [
        (
            json!({"agency": "Sở Y tế", "deadline": "2026-11-27T17:00:00+07:00"}),
            "by",
        ),
        (
            json!({"by": "An", "deadline": "2026-11-27T17:00:00+07:00"}),
            "agency",
        ),
        (
            json!({"by": "An", "agency": "Sở Y tế", "deadline": "chiều nay"}),
            "deadline",
        ),
        (json!({"by": "An", "agency": "Sở Y tế"}), "deadline"),
        (
            json!({"by": "x".repeat(201), "agency": "Sở Y tế", "deadline": "2026-11-27T17:00:00+07:00"}),
            "by",
        ),
    ] {
        let (status, err) = host
            .post_json(&format!("{ALERT_PATH}/assign"), body.clone())
            .await;
        assert_eq!(status, 400, "{body}: {err}");
        assert_eq!(err["error"]["code"], "invalid_action");
        assert_eq!(err["error"]["field"], field, "{body}: {err}");
    }
    let r = host
        .http
        .post(host.url(&format!("{ALERT_PATH}/assign")))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let (status, body) = host
        .post_json(
            &format!("{ALERT_PATH}/assign"),
            json!({"by": "Nguyễn Văn An", "agency": "Sở Y tế tỉnh Lạng Sơn",
                   "deadline": "2026-11-27T17:00:00+07:00", "note": "Điều chuyển bệnh nhân sang TTYT Cao Lộc"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["state"], "assigned");
    assert_eq!(body["assigned"]["agency"], "Sở Y tế tỉnh Lạng Sơn");
    assert_eq!(body["assigned"]["deadline"], "2026-11-27T17:00:00+07:00");
    assert_eq!(
        body["assigned"]["note"],
        "Điều chuyển bệnh nhân sang TTYT Cao Lộc"
    );

    // Resolve; afterwards every action is a conflict, and the history has all three.
    let (status, body) = host
        .post_json(
            &format!("{ALERT_PATH}/resolve"),
            json!({"by": "Lê Văn Cường"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (&body["state"], &body["resolved"]["by"]),
        (&json!("resolved"), &json!("Lê Văn Cường"))
    );
    for action in ["ack", "resolve"] {
        let (status, body) = host
            .post_json(&format!("{ALERT_PATH}/{action}"), json!({"by": "An"}))
            .await;
        assert_eq!(
            (status, &body["error"]["code"]),
            (409, &json!("alert_resolved")),
            "{body}"
        );
    }
    let one = host.get_json(ALERT_PATH).await;
    let actions: Vec<&str> = one["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["ack", "assign", "resolve"], "{one}");
    assert_eq!(one["actions"][1]["agency"], "Sở Y tế tỉnh Lạng Sơn");
    // The feed no longer lists it by default, and the counts drop.
    let list = host.get_json("/v1/ops/alerts").await;
    assert!(
        !list["alerts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["alertId"] == ALERT)
    );
    assert_eq!(list["counts"]["high"], 0);
    // The actions are in the log for anyone listening.
    let logged = host.events("type=cityhub.ops.alert-action").await;
    assert_eq!(logged.len(), 3);
    assert_eq!(logged[0]["event"]["subject"], ALERT);
    assert_eq!(logged[0]["event"]["data"]["by"], "Nguyễn Văn An");

    let (status, body) = host
        .post_json(&format!("{ALERT_PATH}/close"), json!({"by": "An"}))
        .await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (404, &json!("unknown_action")),
        "{body}"
    );

    // Unknown ids: 404 everywhere.
    for path in ["/v1/ops/alerts/no%2Fsuch", "/v1/ops/alerts/nope"] {
        let (status, body) = error_of(&host, path).await;
        assert_eq!(
            (status, &body["error"]["code"]),
            (404, &json!("unknown_alert")),
            "{body}"
        );
        for action in ["ack", "assign", "resolve"] {
            let (status, body) = host
                .post_json(
                    &format!("{path}/{action}"),
                    json!({"by": "An", "agency": "Sở Y tế", "deadline": "2026-11-27T17:00:00+07:00"}),
                )
                .await;
            let code = if action == "assign" { 404 } else { 400 };
            // ack/resolve refuse the assign-only fields first: the body is checked before the id.
            assert_eq!(status, code, "{path}/{action}: {body}");
        }
        let (status, body) = host
            .post_json(&format!("{path}/ack"), json!({"by": "An"}))
            .await;
        assert_eq!(
            (status, &body["error"]["code"]),
            (404, &json!("unknown_alert")),
            "{body}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn incidents_map_and_health_show_the_province() {
    let (host, _tmp) = city().await;
    let incidents = host
        .wait_json("/v1/ops/incidents", "the routed field report", |v| {
            v["incidents"].as_array().is_some_and(|i| {
                i.iter()
                    .any(|i| i["id"] == "LS-OPS-1" && !i["agency"].is_null())
            })
        })
        .await;
    let report = &incidents["incidents"][0];
    assert_eq!(report["id"], "LS-OPS-1");
    assert_eq!(report["status"], "open");
    assert_eq!(report["road"], "QL4A");
    assert_eq!(report["sla"]["state"], "on-time", "{report}");
    assert!(report["sla"]["remainingSeconds"].as_i64().unwrap() > 0);
    let agency = report["agency"].as_str().unwrap();
    assert_eq!(
        incidents["agencies"][0],
        json!({"agency": agency, "open": 1, "overdue": 0})
    );
    let by_agency = host
        .get_json(&format!("/v1/ops/incidents?agency={}", urlencode(agency)))
        .await;
    assert_eq!(by_agency["incidents"].as_array().unwrap().len(), 1);
    let closed = host.get_json("/v1/ops/incidents?status=closed").await;
    assert_eq!(closed["incidents"], json!([]));
    for (path, field) in [
        ("/v1/ops/incidents?status=pending", "status"),
        ("/v1/ops/incidents?limit=5000", "limit"),
    ] {
        let (status, body) = error_of(&host, path).await;
        assert_eq!(status, 400, "{path}: {body}");
        assert_eq!(body["error"]["field"], field);
    }

    let map = host
        .wait_json("/v1/ops/map", "every layer the morning filled", |v| {
            let layers: Vec<&str> = v["features"]
                .as_array()
                .map(|f| {
                    f.iter()
                        .filter_map(|f| f["properties"]["layer"].as_str())
                        .collect()
                })
                .unwrap_or_default();
            ["gate", "segment", "site", "hospital", "report"]
                .iter()
                .all(|l| layers.contains(l))
        })
        .await;
    assert_eq!(map["type"], "FeatureCollection");
    let feature = |id: &str| {
        map["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("no feature {id} in {map}"))
    };
    let gate = feature("gate/huu-nghi");
    assert_eq!(gate["properties"]["queueLength"], 1800);
    assert_eq!(gate["geometry"]["type"], "Point");
    assert_eq!(feature("segment/QL1A-km8")["properties"]["level"], "free");
    assert_eq!(feature("site/mau-son")["properties"]["present"], 1200);
    assert_eq!(
        feature("hospital/bvdk-tinh")["properties"]["bedsOccupied"],
        545
    );
    assert_eq!(
        feature("report/LS-OPS-1")["properties"]["service_code"],
        "pothole"
    );
    assert_eq!(
        feature("report/LS-OPS-1")["geometry"]["coordinates"],
        json!([106.7355, 21.8712])
    );
    let bbox = map["bbox"].as_array().unwrap();
    assert!(bbox[0].as_f64().unwrap() <= 106.716 && bbox[2].as_f64().unwrap() >= 106.96);
    let gates = host.get_json("/v1/ops/map?layers=gate").await;
    assert!(
        gates["features"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["properties"]["layer"] == "gate")
    );
    let (status, body) = error_of(&host, "/v1/ops/map?layers=gate,tiles").await;
    assert_eq!(
        (status, &body["error"]["field"]),
        (400, &json!("layers")),
        "{body}"
    );

    let health = host.get_json("/v1/ops/health").await;
    let plugins = health["plugins"].as_array().unwrap();
    assert_eq!(plugins.len(), 10, "{health}");
    let health_plugin = plugins.iter().find(|p| p["name"] == "health").unwrap();
    assert_eq!(health_plugin["state"], "running");
    assert!(
        health_plugin["events_in"].as_u64().unwrap() >= 1,
        "{health_plugin}"
    );
    assert!(health_plugin["version"].as_str().is_some());
    assert_eq!(health_plugin["dead_letters"], 0);
    assert_eq!(health["routes"].as_array().unwrap().len(), 11);
    assert!(health["last_seq"].as_i64().unwrap() > 0);
    assert!(health["ingest"]["max"].as_u64().unwrap() > 0);
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
