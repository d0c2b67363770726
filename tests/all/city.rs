//! Every city plugin end to end: its sample events (`events/*.json` in its
//! folder) posted to a real host running its real component give the same
//! outputs, in the same order, as the same samples run natively through the
//! SDK's harness. The harness tests in each plugin's folder check what those
//! outputs mean; these check that the host delivers, batches, commits state
//! and encodes exactly as the SDK promises, and that Vietnamese text comes
//! back byte for byte through the API.

use std::path::Path;

use cityhub_sdk::Plugin;
use cityhub_sdk::testing::{Harness, TestEvent};
use serde_json::{Value, json};

use crate::support::{Host, PluginSpec, plugins};

/// (type, subject, data) of an output, as the harness or the host gives it.
type Out = (String, Option<String>, Value);

/// The plugin's sample events, every file of its `events/` in name order.
fn samples(dir: &str) -> (Vec<Value>, Vec<TestEvent>) {
    let mut files: Vec<_> = std::fs::read_dir(Path::new(dir).join("events"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{dir}/events has no samples");
    let (mut json, mut events) = (Vec::new(), Vec::new());
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let list: Vec<Value> = serde_json::from_str(&text).unwrap();
        json.extend(list);
        events.extend(TestEvent::from_json_file(&file).unwrap());
    }
    (json, events)
}

/// The manifest's `subscribes`, as a TOML array for the route's `from`.
fn subscribes(dir: &str) -> (String, Vec<String>) {
    let text = std::fs::read_to_string(Path::new(dir).join("plugin.toml")).unwrap();
    let manifest: toml::Table = toml::from_str(&text).unwrap();
    let list = |key: &str| -> Vec<String> {
        manifest[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().to_owned())
            .collect()
    };
    let from = list("subscribes");
    (serde_json::to_string(&from).unwrap(), list("publishes"))
}

/// Runs plugin `name` (a city plugin of type `P`) on its samples natively
/// and in a host, and checks that both give the same outputs.
async fn matches_the_harness<P: Plugin>(name: &'static str) {
    let (_, wasm, dir) = plugins::CITY_PLUGINS
        .iter()
        .copied()
        .find(|(n, ..)| *n == name)
        .unwrap();
    let (json, events) = samples(dir);
    let mut harness = Harness::<P>::new(json!({})).unwrap();
    let want: Vec<Out> = harness
        .handle(&events)
        .unwrap()
        .into_iter()
        .map(|o| {
            let data = o.json::<Value>().unwrap();
            (o.ty, o.subject, data)
        })
        .collect();
    assert!(!want.is_empty(), "{name}'s samples give no outputs");

    let (from, publishes) = subscribes(dir);
    let from: &'static str = Box::leak(from.into_boxed_str());
    let spec = PluginSpec {
        name,
        dir,
        wasm,
        batch_size: 100,
        config: "{}",
        retry: "{}",
        from,
        route_extra: String::new(),
        plugin_extra: String::new(),
    };
    let (host, _dir) = Host::start(&[spec]);
    let response = host.post_batch(&json).await;
    assert_eq!(response.status(), 202, "{:?}", response.text().await);

    let mut got: Vec<(u64, Out)> = Vec::new();
    for pattern in &publishes {
        let query = format!("type={pattern}&limit=1000");
        let events = host
            .wait_until(&query, "the plugin's outputs", |e| {
                e.iter().filter(|e| e["origin"] == name).count()
                    >= want.iter().filter(|w| matches(pattern, &w.0)).count()
            })
            .await;
        for e in events.into_iter().filter(|e| e["origin"] == name) {
            let ev = &e["event"];
            let subject = ev["subject"].as_str().map(str::to_owned);
            let out = (
                ev["type"].as_str().unwrap().to_owned(),
                subject,
                ev["data"].clone(),
            );
            got.push((e["seq"].as_u64().unwrap(), out));
        }
    }
    got.sort_by_key(|(seq, _)| *seq);
    let got: Vec<Out> = got.into_iter().map(|(_, o)| o).collect();
    assert_eq!(got.len(), want.len(), "{name}: host gave {got:#?}");
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        assert_eq!(
            g, w,
            "{name}: output {i} differs between the host and the harness"
        );
    }
}

/// Whether NATS-style `pattern` matches `ty` (`*` one token, `>` the rest).
fn matches(pattern: &str, ty: &str) -> bool {
    let (mut p, mut t) = (pattern.split('.'), ty.split('.'));
    loop {
        match (p.next(), t.next()) {
            (Some(">"), Some(_)) => return true,
            (Some("*"), Some(_)) => {}
            (Some(a), Some(b)) if a == b => {}
            (None, None) => return true,
            _ => return false,
        }
    }
}

#[tokio::test]
async fn traffic_in_the_host_matches_the_harness() {
    matches_the_harness::<cityhub_plugin_traffic::Traffic>("traffic").await;
}

#[tokio::test]
async fn alerts_in_the_host_matches_the_harness() {
    matches_the_harness::<cityhub_plugin_alerts::Alerts>("alerts").await;
}

#[tokio::test]
async fn ecommerce_in_the_host_matches_the_harness() {
    matches_the_harness::<cityhub_plugin_ecommerce::Ecommerce>("ecommerce").await;
}

#[tokio::test]
async fn tourism_in_the_host_matches_the_harness() {
    matches_the_harness::<cityhub_plugin_tourism::Tourism>("tourism").await;
}

#[tokio::test]
async fn health_in_the_host_matches_the_harness() {
    matches_the_harness::<cityhub_plugin_health::Health>("health").await;
}

#[tokio::test]
async fn education_in_the_host_matches_the_harness() {
    matches_the_harness::<cityhub_plugin_education::Education>("education").await;
}

#[tokio::test]
async fn field_reports_in_the_host_matches_the_harness() {
    matches_the_harness::<cityhub_plugin_field_reports::FieldReports>("field-reports").await;
}

#[tokio::test]
async fn public_admin_in_the_host_matches_the_harness() {
    matches_the_harness::<cityhub_plugin_public_admin::PublicAdmin>("public-admin").await;
}

#[tokio::test]
async fn reporting_in_the_host_matches_the_harness() {
    matches_the_harness::<cityhub_plugin_reporting::Reporting>("reporting").await;
}

#[tokio::test]
async fn ioc_in_the_host_matches_the_harness() {
    matches_the_harness::<cityhub_plugin_ioc::Ioc>("ioc").await;
}
