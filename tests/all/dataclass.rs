//! Data classes through the real host: a citizen's Open311 report is stored
//! as a `city.fieldreport.submitted` without contact and a
//! `city.fieldreport.contact` of class `personal`; a route to a plugin not
//! approved for `personal` withholds the contact (counted in metrics), one
//! approved with `data-classes = ["personal"]` delivers it. What reached the
//! plugin is read from inside it: the hostile test plugin echoes every field
//! report it receives (subject = the event's id, data = the event's data).

use serde_json::{Value, json};

use crate::support::{Host, PluginSpec, write_city};

/// The citizen's details, each of which must stay out of an unapproved
/// plugin.
const SECRETS: [&str; 6] = [
    "lan.hoang@example.vn",
    "0988765432",
    "Hoàng Thị",
    "Lan",
    "android-7f3a",
    "vneid-001234",
];

/// field-reports behind `[open311]`, and the hostile plugin tapping every
/// field report (`plugin_extra` goes in its `[plugins.hostile]` table).
fn start(plugin_extra: &str) -> (Host, tempfile::TempDir) {
    let tap = PluginSpec::hostile()
        .from(r#"["city.fieldreport.>", "test.hostile.ok"]"#)
        .plugin(plugin_extra);
    let tmp = tempfile::tempdir().unwrap();
    let file = write_city(tmp.path(), &[crate::open311::field_reports(), tap]);
    let mut text = std::fs::read_to_string(&file).unwrap();
    text = text.replacen(
        "[runtime]",
        "[ingest]\nclasses = { \"city.fieldreport.contact\" = \"personal\" }\n\n[runtime]",
        1,
    );
    text.push_str("\n[open311]\nplugin = \"field-reports\"\n");
    std::fs::write(&file, text).unwrap();
    (Host::start_with(&file), tmp)
}

/// Posts a report with every contact field; returns its request id.
async fn report(host: &Host) -> String {
    let (status, created) = host
        .post_json(
            "/open311/v2/requests.json",
            json!({"service_code": "o-ga", "lat": 21.85, "long": 106.76,
                   "description": "Ổ gà sâu trên Quốc lộ 4A", "email": SECRETS[0],
                   "phone": SECRETS[1], "last_name": SECRETS[2], "first_name": SECRETS[3],
                   "device_id": SECRETS[4], "account_id": SECRETS[5]}),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    created[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A `city.fieldreport.contact` sent by a hotline system, without a class
/// (the city's `[ingest] classes` stamps `personal`).
fn hotline_contact(id: &str) -> Value {
    json!({"specversion": "1.0", "id": id, "source": "/hotline", "type": "city.fieldreport.contact",
           "subject": "HL-1", "datacontenttype": "application/json",
           "data": {"service_request_id": "HL-1", "phone": SECRETS[1]}})
}

/// Posts a `test.hostile.ok` marker and waits for its echo: the route
/// delivers in log order, so every event before it has been delivered or
/// withheld. Returns every echo so far.
async fn echoes_up_to_marker(host: &Host) -> Vec<Value> {
    let marker = json!({"specversion": "1.0", "id": "marker", "source": "/test",
                        "type": "test.hostile.ok", "data": {}});
    assert_eq!(host.post_batch(&[marker]).await.status(), 202);
    let all = host
        .wait_until("type=test.hostile.ok", "the marker's echo", |e| {
            e.iter().any(|x| x["event"]["subject"] == "marker")
        })
        .await;
    // The plugin's outputs, not the marker itself.
    all.into_iter()
        .filter(|e| e["origin"] == "hostile")
        .collect()
}

async fn metrics(host: &Host) -> String {
    let r = host.http.get(host.url("/metrics")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    r.text().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_personal_data_event_never_reaches_an_unapproved_plugin() {
    let (host, _tmp) = start("");
    let id = report(&host).await;
    assert_eq!(
        host.post_batch(&[hotline_contact("hl-contact-1")])
            .await
            .status(),
        202
    );
    let echoes = echoes_up_to_marker(&host).await;

    // Inside the plugin: it got the report, never a contact.
    let subjects: Vec<&str> = echoes
        .iter()
        .map(|e| e["event"]["subject"].as_str().unwrap())
        .collect();
    assert!(subjects.contains(&id.as_str()), "the report: {subjects:?}");
    assert!(
        !subjects
            .iter()
            .any(|s| s.ends_with(".contact") || *s == "hl-contact-1"),
        "no contact event reached the plugin: {subjects:?}"
    );
    for e in &echoes {
        let data = e["event"]["data"].to_string();
        assert!(e["event"]["data"].get("contact").is_none(), "{data}");
        for secret in SECRETS {
            assert!(
                !data.contains(secret),
                "`{secret}` reached the plugin: {data}"
            );
        }
    }

    // The contacts are in the log, classed, and were withheld: counted.
    let contacts = host.wait_for_events("city.fieldreport.contact", 2).await;
    for c in &contacts {
        assert_eq!(c["event"]["dataclass"], "personal", "{c}");
    }
    assert_eq!(contacts[0]["event"]["subject"], id.as_str());
    assert_eq!(contacts[0]["event"]["data"]["email"], SECRETS[0]);
    let m = metrics(&host).await;
    assert!(
        m.contains(
            "cityhub_route_withheld_total{route=\"hostile\",plugin=\"hostile\",class=\"personal\"} 2"
        ),
        "{}",
        m.lines()
            .filter(|l| l.contains("withheld"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    // field-reports' route never takes contacts, so withholds nothing.
    assert!(!m.contains("cityhub_route_withheld_total{route=\"field-reports\""));

    // A sender cannot smuggle a contact in a report, nor declassify one.
    let mut smuggled = hotline_contact("hl-report-1");
    smuggled["type"] = "city.fieldreport.submitted".into();
    smuggled["data"] = json!({"service_request_id": "HL-2", "lat": 21.8, "long": 106.7,
                              "contact": {"phone": SECRETS[1]}});
    let r = host.post_batch(&[smuggled]).await;
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "contact_in_report", "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("`city.fieldreport.contact`"),
        "{body}"
    );
    let mut declassified = hotline_contact("hl-contact-2");
    declassified["dataclass"] = "public".into();
    let r = host.post_batch(&[declassified]).await;
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "dataclass_refused", "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("`public`") && message.contains("`personal`"),
        "{message}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plugin_approved_for_personal_data_receives_the_contact() {
    let (host, _tmp) = start("data-classes = [\"personal\"]");
    let id = report(&host).await;
    let echoes = echoes_up_to_marker(&host).await;
    let contact = echoes
        .iter()
        .map(|e| &e["event"])
        .find(|e| e["subject"] == format!("{id}.contact").as_str())
        .unwrap_or_else(|| panic!("no contact echoed: {echoes:?}"));
    assert_eq!(contact["data"]["email"], SECRETS[0]);
    assert_eq!(contact["data"]["service_request_id"], id.as_str());
    // The report itself still holds no contact.
    let report = echoes
        .iter()
        .find(|e| e["event"]["subject"] == id.as_str())
        .unwrap();
    assert!(report["event"]["data"].get("email").is_none());
    assert!(
        !metrics(&host)
            .await
            .contains("cityhub_route_withheld_total{")
    );
}
