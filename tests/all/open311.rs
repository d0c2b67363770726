//! Open311 GeoReport v2 through the real host and the field-reports plugin:
//! a report posted (form-encoded or JSON) is stored as
//! `city.fieldreport.submitted`, routed to the plugin, and read back from the
//! plugin's `city.fieldreport.request` outputs with status, agency and
//! expected time; invalid requests get the GeoReport error format with every
//! error; Vietnamese text comes back byte for byte; clock ticks reach routes.

use serde_json::{Value, json};

use crate::support::{Host, PluginSpec, plugins, write_city};

const SERVICES: &str = r#"{ services = [
  { service_code = "o-ga", service_name = "Ổ gà, hư hỏng mặt đường", description = "Mặt đường hư hỏng", group = "Giao thông", agency = "Sở Giao thông Vận tải", sla = "48h", keywords = ["ổ gà", "hư hỏng", "pothole"] },
  { service_code = "ngap-ung", service_name = "Ngập úng", description = "Nước ngập đường", group = "Hạ tầng", agency = "Ban Quản lý thoát nước", sla = "4h", keywords = ["ngập", "flood"] },
], fallback = "o-ga" }"#;

pub(crate) fn field_reports() -> PluginSpec {
    PluginSpec {
        name: "field-reports",
        dir: plugins::FIELD_REPORTS_DIR,
        wasm: plugins::FIELD_REPORTS_WASM,
        batch_size: 100,
        config: SERVICES,
        retry: "{}",
        from: r#"["city.fieldreport.submitted", "cityhub.clock.tick"]"#,
        route_extra: String::new(),
        plugin_extra: String::new(),
    }
}

/// A host with field-reports, `[open311]` and ticks every `tick`.
fn start(tick: &str) -> (Host, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let file = write_city(tmp.path(), &[field_reports()]);
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str(&format!(
        "\n[clock]\ntick = \"{tick}\"\n\n[open311]\nplugin = \"field-reports\"\njurisdiction-id = \"langson.gov.vn\"\n"
    ));
    std::fs::write(&file, text).unwrap();
    (Host::start_with(&file), tmp)
}

async fn post_form(host: &Host, body: &str) -> (u16, Value) {
    let r = host
        .http
        .post(host.url("/open311/v2/requests.json"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

async fn get(host: &Host, path: &str) -> (u16, Value) {
    let r = host.http.get(host.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn services_are_listed_from_the_plugins_configuration() {
    let (host, _tmp) = start("1m");
    let (status, services) = get(&host, "/open311/v2/services.json").await;
    assert_eq!(status, 200, "{services}");
    assert_eq!(services[0]["service_code"], "o-ga");
    assert_eq!(services[0]["service_name"], "Ổ gà, hư hỏng mặt đường");
    assert_eq!(services[0]["metadata"], false);
    assert_eq!(services[0]["type"], "realtime");
    assert_eq!(services[0]["keywords"], "ổ gà,hư hỏng,pothole");
    assert_eq!(services[0]["group"], "Giao thông");
    let (status, body) = get(&host, "/open311/v2/services/nope.json").await;
    assert_eq!(status, 404);
    assert_eq!(body[0]["code"], 404);
    let (status, body) = get(&host, "/open311/v2/services.xml").await;
    assert_eq!(status, 400);
    assert!(body[0]["description"].as_str().unwrap().contains("JSON"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_posted_report_is_routed_to_its_agency_with_an_expected_time() {
    let (host, _tmp) = start("1m");
    let description = "Ổ gà sâu giữa làn xe tải trên Quốc lộ 1A, gần cửa khẩu Hữu Nghị";
    let (status, created) = host
        .post_json(
            "/open311/v2/requests.json",
            json!({"service_code": "o-ga", "lat": 21.98, "long": 106.70,
                   "description": description, "email": "nguoidan@example.vn",
                   "first_name": "Lan", "jurisdiction_id": "langson.gov.vn"}),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(created[0]["account_id"], Value::Null);

    // Read-your-writes: the report is there at once.
    let (status, one) = get(&host, &format!("/open311/v2/requests/{id}.json")).await;
    assert_eq!(status, 200, "{one}");
    assert_eq!(one.as_array().unwrap().len(), 1);
    assert_eq!(one[0]["status"], "open");
    assert_eq!(
        one[0]["description"], description,
        "Vietnamese text unchanged"
    );

    // Then the plugin's view: routed, with a deadline.
    let path = format!("/open311/v2/requests/{id}.json");
    let routed = host
        .wait_json(&path, "the plugin's view of the report", |v| {
            !v[0]["agency_responsible"].is_null()
        })
        .await;
    let r = &routed[0];
    assert_eq!(r["agency_responsible"], "Sở Giao thông Vận tải");
    assert_eq!(r["status"], "open");
    assert_eq!(r["service_name"], "Ổ gà, hư hỏng mặt đường");
    assert!(
        r["expected_datetime"].as_str().unwrap().ends_with("+07:00"),
        "{r}"
    );
    assert!(
        r["requested_datetime"]
            .as_str()
            .unwrap()
            .ends_with("+07:00"),
        "{r}"
    );
    assert_eq!(r["lat"], 21.98);
    assert_eq!(r["description"], description);
    let text = r.to_string();
    assert!(
        !text.contains("nguoidan@example.vn") && !text.contains("Lan"),
        "contact is never shown: {text}"
    );

    // The report holds no contact: that is stored apart, as personal data,
    // for plugins approved for it (tests/all/dataclass.rs).
    let events = host.wait_for_events("city.fieldreport.submitted", 1).await;
    assert!(events[0]["event"]["data"].get("contact").is_none());
    assert_eq!(events[0]["event"]["subject"], id.as_str());
    let contact = host.wait_for_events("city.fieldreport.contact", 1).await;
    let c = &contact[0]["event"];
    assert_eq!(c["data"]["email"], "nguoidan@example.vn");
    assert_eq!(c["data"]["first_name"], "Lan");
    assert_eq!(c["dataclass"], "personal");
    assert_eq!(c["subject"], id.as_str());
    // Both in the log at once: the contact right after its report.
    assert_eq!(
        contact[0]["seq"].as_i64(),
        events[0]["seq"].as_i64().map(|s| s + 1)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn form_encoded_reports_and_list_filters() {
    let (host, _tmp) = start("1m");
    let (status, a) = post_form(
        &host,
        "service_code=o-ga&address_string=Km+12+QL4A%2C+Cao+L%E1%BB%99c&description=%E1%BB%94+g%C3%A0",
    )
    .await;
    assert_eq!(status, 201, "{a}");
    let (status, b) = post_form(
        &host,
        "service_code=ngap-ung&lat=21.853&long=106.761&description=Ng%E1%BA%ADp",
    )
    .await;
    assert_eq!(status, 201, "{b}");
    let a = a[0]["service_request_id"].as_str().unwrap().to_owned();
    let b = b[0]["service_request_id"].as_str().unwrap().to_owned();

    let (_, all) = get(&host, "/open311/v2/requests.json").await;
    let ids: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["service_request_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [b.as_str(), a.as_str()], "newest first");
    assert_eq!(all[1]["address"], "Km 12 QL4A, Cao Lộc");
    assert_eq!(all[1]["description"], "Ổ gà");

    let (_, some) = get(&host, "/open311/v2/requests.json?service_code=ngap-ung").await;
    assert_eq!(some.as_array().unwrap().len(), 1);
    assert_eq!(some[0]["service_request_id"], b.as_str());
    let (_, some) = get(
        &host,
        &format!("/open311/v2/requests.json?service_request_id={a},nope"),
    )
    .await;
    assert_eq!(some.as_array().unwrap().len(), 1);
    let (_, none) = get(&host, "/open311/v2/requests.json?status=closed").await;
    assert_eq!(none, json!([]));
    let (_, none) = get(
        &host,
        "/open311/v2/requests.json?end_date=2020-01-01T00:00:00%2B07:00",
    )
    .await;
    assert_eq!(none, json!([]));
    let (status, bad) = get(
        &host,
        "/open311/v2/requests.json?start_date=yesterday&status=pending",
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(bad.as_array().unwrap().len(), 2, "{bad}");
    let (status, missing) = get(&host, "/open311/v2/requests/nope.json").await;
    assert_eq!((status, missing[0]["code"].clone()), (404, json!(404)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_reports_get_every_error_in_the_georeport_format() {
    let (host, _tmp) = start("1m");
    let (status, errors) =
        post_form(&host, "service_code=pothole&lat=95&media_url=ftp%3A%2F%2Fx").await;
    assert_eq!(status, 400, "{errors}");
    let list = errors.as_array().unwrap();
    assert!(list.iter().all(|e| e["code"] == 400), "{errors}");
    let text = errors.to_string();
    for needle in [
        "`service_code` `pothole`",
        "`lat` was given without `long`",
        "`media_url`",
    ] {
        assert!(text.contains(needle), "{needle} missing: {text}");
    }
    let (status, errors) = host
        .post_json("/open311/v2/requests.json", json!({"description": "x"}))
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        errors.as_array().unwrap().len(),
        2,
        "service_code and a location: {errors}"
    );
    // Nothing was stored.
    let (_, events) = get(&host, "/v1/events?type=city.fieldreport.submitted").await;
    assert_eq!(events["events"], json!([]));
    let metrics = host
        .http
        .get(host.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics
            .contains("cityhub_open311_requests_total{endpoint=\"submit\",outcome=\"invalid\"} 2"),
        "{metrics}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clock_ticks_are_stored_and_reach_a_route() {
    let (host, _tmp) = start("200ms");
    let ticks = host.wait_for_events("cityhub.clock.tick", 3).await;
    let e = &ticks[0]["event"];
    assert_eq!(e["source"], "/cityhub");
    assert!(
        e["data"]["now"].as_str().unwrap().ends_with("+07:00"),
        "{e}"
    );
    let last = ticks[2]["seq"].as_i64().unwrap();
    host.wait_json(
        "/v1/routes/field-reports",
        "the route past the ticks",
        |r| r["position"].as_i64().unwrap_or(0) >= last,
    )
    .await;
}
