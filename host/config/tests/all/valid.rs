//! Valid city.toml files and what they parse to.

use std::{path::Path, time::Duration};

use cityhub_cloudevents::{
    ClassPolicy, DataClass, EventType, TypePattern,
    filter::{Condition, Field, Filter, Test},
};
use cityhub_config::{Circuit, CityConfig, Code, IngestConfig, Retry, RouteEntry};
use cityhub_manifest::PluginName;
use serde_json::json;

fn parse(text: &str) -> CityConfig {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui");
    CityConfig::parse(&root.join("city.toml"), text).unwrap_or_else(|e| panic!("{e}"))
}

fn name(s: &str) -> PluginName {
    PluginName::new(s).unwrap()
}

fn pattern(s: &str) -> TypePattern {
    TypePattern::new(s).unwrap()
}

fn cond(field: &str, test: Test) -> Condition {
    Condition {
        field: Field::parse(field).unwrap(),
        test,
    }
}

#[test]
fn parses_plugins_paths_and_defaults() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui");
    let c = parse(
        r#"
[server]
listen = "0.0.0.0:9090"

[plugins.counter]
path = "fixture/counter"
config = { threshold = 2.5 }
"#,
    );
    assert_eq!(c.server.listen.to_string(), "0.0.0.0:9090");
    assert_eq!(c.server.max_body.bytes(), 4 << 20);
    assert_eq!(
        c.store_url,
        format!("sqlite://{}", root.join(".cityhub/city.db").display())
    );
    assert_eq!(c.max_instances, 1000);
    assert_eq!(c.retention, None, "events are kept for ever unless told");
    assert_eq!(c.ingest, IngestConfig::default());
    assert_eq!(c.ingest.accepts, None, "any type is accepted unless told");
    assert_eq!(c.plugins.len(), 1);
    let p = &c.plugins[0];
    assert_eq!(p.name.as_str(), "counter");
    assert!(
        matches!(&p.code, Code::Folder { component, .. } if *component == root.join("fixture/counter/plugin.wasm")),
        "{:?}",
        p.code
    );
    assert_eq!(
        p.grants, None,
        "a folder plugin without `grants` gets what it asks for"
    );
    assert_eq!(c.plugins_dir, root.join(".cityhub/plugins"));
    assert!(c.trust.is_empty());
    assert_eq!(p.config["threshold"], 2.5);
    assert_eq!(
        p.circuit,
        Circuit {
            failures: 5,
            cool_down: Duration::from_secs(30)
        }
    );
    assert!(p.manifest.may_publish("city.test.count"));
    assert!(
        c.routes.is_empty(),
        "plugins without routes are not an error"
    );
    assert_eq!(c.unrouted_plugins(), vec![&name("counter")]);
}

#[test]
fn postgres_urls_are_kept_as_written() {
    let c = parse(
        "[store]\nurl = \"postgres://postgres@127.0.0.1/test\"\nretention = \"30d\"\n[plugins.counter]\npath = \"fixture/counter\"\n",
    );
    assert_eq!(c.store_url, "postgres://postgres@127.0.0.1/test");
    assert_eq!(c.retention, Some(Duration::from_secs(30 * 86_400)));
}

#[test]
fn a_route_using_every_option_parses_to_what_it_says() {
    let c = parse(
        r#"
[ingest]
accepts = ["city.traffic.reading", "city.health.>"]
max-pending = 5000

[plugins.roads]
path = "fixture/roads"
circuit = { failures = 3, cool-down = "2m" }

[plugins.alerts]
path = "fixture/alerts"

[routes.readings]
from = "city.traffic.reading"
to = "roads"
filter = { "data.speed_kmh" = { lt = 200, gte = 0 }, subject = { prefix = "QL" }, source = "/sensors/a", partitionkey = ["a", "b"], "data.road.lanes" = { ne = 2, exists = true, in = [1, 3.5, "x", { n = 1 }] }, "data.ok" = true }
batch-size = 500
linger = "5ms"
concurrency = 4
partition-key = "data.segment"
retry = { attempts = 7, backoff = "1s" }
dead-letter = false
max-lag = 2000000
lag-alert = 50000

[routes.congestion]
from = ["city.traffic.congestion"]
to = "alerts"
partition-key = "partitionkey"
retry = { attempts = 1 }
"#,
    );
    assert_eq!(
        c.ingest,
        IngestConfig {
            accepts: Some(vec![
                pattern("city.traffic.reading"),
                pattern("city.health.>")
            ]),
            max_pending: 5000,
            classes: ClassPolicy::default(),
        }
    );
    let roads = c.plugins.iter().find(|p| p.name == name("roads")).unwrap();
    assert_eq!(
        roads.circuit,
        Circuit {
            failures: 3,
            cool_down: Duration::from_secs(120)
        }
    );
    // Routes come in name order; conditions in the order written.
    assert_eq!(
        c.routes,
        vec![
            RouteEntry {
                name: name("congestion"),
                from: vec![pattern("city.traffic.congestion")],
                to: name("alerts"),
                filter: Filter::default(),
                batch_size: 100,
                linger: Duration::ZERO,
                concurrency: 1,
                partition_key: Some(Field::Attribute("partitionkey".into())),
                retry: Retry {
                    attempts: 1,
                    backoff: Duration::from_millis(200)
                },
                dead_letter: true,
                max_lag: 100_000,
                lag_alert: 10_000,
            },
            RouteEntry {
                name: name("readings"),
                from: vec![pattern("city.traffic.reading")],
                to: name("roads"),
                filter: Filter {
                    conditions: vec![
                        cond("data.speed_kmh", Test::Lt(200.0)),
                        cond("data.speed_kmh", Test::Gte(0.0)),
                        cond("subject", Test::Prefix("QL".into())),
                        cond("source", Test::Eq(json!("/sensors/a"))),
                        cond("partitionkey", Test::In(vec![json!("a"), json!("b")])),
                        cond("data.road.lanes", Test::Ne(json!(2))),
                        cond("data.road.lanes", Test::Exists(true)),
                        cond(
                            "data.road.lanes",
                            Test::In(vec![json!(1), json!(3.5), json!("x"), json!({"n": 1})])
                        ),
                        cond("data.ok", Test::Eq(json!(true))),
                    ]
                },
                batch_size: 500,
                linger: Duration::from_millis(5),
                concurrency: 4,
                partition_key: Some(Field::Data(vec!["segment".into()])),
                retry: Retry {
                    attempts: 7,
                    backoff: Duration::from_secs(1)
                },
                dead_letter: false,
                max_lag: 2_000_000,
                lag_alert: 50_000,
            },
        ]
    );
    assert!(c.unrouted_plugins().is_empty());
}

#[test]
fn route_defaults_apply_and_lag_alert_follows_a_small_max_lag() {
    let c = parse(
        r#"
[plugins.roads]
path = "fixture/roads"

[plugins.counter]
path = "fixture/counter"

[routes.readings]
from = "city.traffic.reading"
to = "roads"
max-lag = 500
linger = "0ms"
"#,
    );
    assert_eq!(
        c.routes,
        vec![RouteEntry {
            name: name("readings"),
            from: vec![pattern("city.traffic.reading")],
            to: name("roads"),
            filter: Filter::default(),
            batch_size: 100,
            linger: Duration::ZERO,
            concurrency: 1,
            partition_key: None,
            retry: Retry::default(),
            dead_letter: true,
            max_lag: 500,
            lag_alert: 500,
        }]
    );
    assert_eq!(c.unrouted_plugins(), vec![&name("counter")]);
}

#[test]
fn filters_may_be_written_as_tables_and_dotted_keys() {
    let c = parse(
        r#"
[plugins.roads]
path = "fixture/roads"

[routes.readings]
from = "city.traffic.reading"
to = "roads"
filter.subject = "QL1A"

[routes.readings.filter."data.speed_kmh"]
lte = 80.5
"#,
    );
    assert_eq!(
        c.routes[0].filter,
        Filter {
            conditions: vec![
                cond("subject", Test::Eq(json!("QL1A"))),
                cond("data.speed_kmh", Test::Lte(80.5)),
            ]
        }
    );
}

#[test]
fn platform_events_and_plugin_outputs_count_as_published() {
    // With `accepts` set, `from` must be something the city publishes: here
    // a plugin's output and a platform event, neither of them accepted.
    let c = parse(
        r#"
[ingest]
accepts = ["city.traffic.reading"]

[plugins.roads]
path = "fixture/roads"

[plugins.counter]
path = "fixture/counter"

[plugins.alerts]
path = "fixture/alerts"

[routes.readings]
from = "city.traffic.reading"
to = "roads"

[routes.congestion]
from = "city.traffic.congestion"
to = "alerts"

[plugins.watchdog]
path = "fixture/watchdog"

[routes.everything]
from = "city.>"
to = "counter"

[routes.suspensions]
from = "cityhub.plugin.suspended"
to = "watchdog"
"#,
    );
    assert_eq!(c.routes.len(), 4);
    assert!(c.unrouted_plugins().is_empty());
}

#[test]
fn clock_defaults_to_a_minute_and_open311_reads_the_plugins_services() {
    let c = parse(
        r#"
[plugins.counter]
path = "fixture/counter"
"#,
    );
    assert_eq!(c.clock.tick, Duration::from_secs(60));
    assert_eq!(c.open311, None);
    assert!(cityhub_config::PLATFORM_EVENTS.contains(&"cityhub.clock.tick"));

    let c = parse(
        r#"
[clock]
tick = "250ms"

[open311]
plugin = "reports"
jurisdiction-id = "langson.gov.vn"

[plugins.reports]
path = "fixture/reports"
config = { services = [{ service_code = "o-ga", service_name = "Ổ gà trên đường", group = "Giao thông", agency = "so-gtvt", sla = "48h", keywords = ["ổ gà", "pothole"] }] }

[routes.ticks]
from = ["cityhub.clock.tick", "city.fieldreport.submitted"]
to = "reports"
"#,
    );
    assert_eq!(c.clock.tick, Duration::from_millis(250));
    let o = c.open311.unwrap();
    assert_eq!(o.plugin.as_str(), "reports");
    assert_eq!(o.jurisdiction_id.as_deref(), Some("langson.gov.vn"));
    assert_eq!(o.services.len(), 1);
    let s = &o.services[0];
    assert_eq!(s.service_code, "o-ga");
    assert_eq!(s.service_name, "Ổ gà trên đường");
    assert_eq!(s.group, "Giao thông");
    assert_eq!(s.agency.as_deref(), Some("so-gtvt"));
    assert_eq!(s.keywords, ["ổ gà", "pothole"]);
}

#[test]
fn a_route_from_clock_ticks_is_published_when_ingest_is_restricted() {
    let c = parse(
        r#"
[ingest]
accepts = ["city.fieldreport.submitted"]

[plugins.reports]
path = "fixture/reports"

[routes.ticks]
from = "cityhub.clock.tick"
to = "reports"
"#,
    );
    assert_eq!(c.routes[0].from, [pattern("cityhub.clock.tick")]);
}

#[test]
fn open311_publishes_submitted_reports_when_ingest_is_restricted() {
    let c = parse(
        r#"
[ingest]
accepts = ["city.traffic.reading"]

[open311]
plugin = "reports"

[plugins.reports]
path = "fixture/reports"
config = { services = [{ service_code = "o-ga", service_name = "Ổ gà", agency = "so-gtvt", sla = "48h" }] }

[routes.reports]
from = ["city.fieldreport.submitted", "cityhub.clock.tick"]
to = "reports"
"#,
    );
    assert_eq!(
        c.routes[0].from,
        [
            pattern("city.fieldreport.submitted"),
            pattern("cityhub.clock.tick")
        ]
    );
}

#[test]
fn approvals_and_classes_parse_and_default_to_the_manifest() {
    let c = parse(
        r#"
[ingest]
classes = { "city.fieldreport.contact" = "personal", "city.health.case-report" = "health" }

[plugins.roads]
path = "fixture/roads"

[plugins.reports]
path = "fixture/reports"
publishes = ["city.fieldreport.request"]
data-classes = ["personal"]
"#,
    );
    let class = |t: &str| {
        c.ingest
            .classes
            .class_for(&EventType::new(t).unwrap())
            .map(DataClass::to_string)
    };
    assert_eq!(
        class("city.fieldreport.contact").as_deref(),
        Some("personal")
    );
    assert_eq!(class("city.health.case-report").as_deref(), Some("health"));
    assert_eq!(class("city.fieldreport.submitted"), None);
    let roads = c.plugins.iter().find(|p| p.name == name("roads")).unwrap();
    // A folder plugin without `publishes` may publish what it declares,
    // and receives no class unless approved.
    assert_eq!(roads.publishes, roads.manifest.publishes);
    assert!(roads.data_classes.is_empty());
    let reports = c
        .plugins
        .iter()
        .find(|p| p.name == name("reports"))
        .unwrap();
    assert_eq!(reports.publishes, [pattern("city.fieldreport.request")]);
    assert_eq!(reports.data_classes, [DataClass::new("personal").unwrap()]);
}
