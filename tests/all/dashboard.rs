//! The operations centre's dashboard in real headless Chromium, served by the
//! real `cityhub` binary running the demo city (all ten plugins):
//!
//! - `/` loads in Vietnamese with no console error or warning, no uncaught
//!   exception and no failed request;
//! - an event posted to `/v1/events` appears in the live events list;
//! - the language switch turns every translatable text into English from the
//!   page's own dictionaries (`window.cityhubI18n`), keeps the choice across
//!   a reload, and turns it back;
//! - acknowledging an alert on `#/alerts` changes its state in the ops API
//!   and on the page;
//! - every screen, with the border-queue scenario's data in it, is saved as
//!   a screenshot in `target/test-artifacts/dashboard/<screen>.png`.
//!
//! The page hooks used are those of the dashboard's contract (`data-screen`,
//! `data-kpi-sector`, `data-alert-id`, `data-action`, ...). No test asserts a
//! time: each wait is generous ([`TIMEOUT`](crate::browser::TIMEOUT)).

use std::{
    path::{Path, PathBuf},
    time::{SystemTime, UNIX_EPOCH},
};

use serde_json::{Value, json};

use crate::{
    browser::{Browser, Page, attr, js_string},
    support::{Host, cityhub, write_demo_city},
};

/// The demo city in a fresh folder, served by the real binary.
fn start_city() -> (Host, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let config = write_demo_city(tmp.path(), |_| {});
    (Host::start_with(&config), tmp)
}

/// A new page of `browser` on the dashboard at `/` + `fragment`, loaded
/// and with its live stream open.
async fn open(host: &Host, browser: &Browser, fragment: &str) -> Page {
    let page = browser.new_page().await;
    page.goto(&host.url(&format!("/{fragment}"))).await;
    page.wait_for(
        "the live stream to open (`document.body.dataset.live == \"connected\"`)",
        "document.body.dataset.live === 'connected'",
    )
    .await;
    page
}

/// An event id no other run uses.
fn unique(prefix: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{prefix}-{}-{nanos}", std::process::id())
}

/// `s` percent-encoded as one path segment.
fn encode_segment(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Asserts that the page reported no problem, showing it if it did.
async fn assert_clean(page: &Page, when: &str) {
    if !page.problems().is_empty() {
        panic!(
            "the dashboard reported problems {when}\n{}",
            page.describe().await
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_loads_in_vietnamese_with_no_console_error_or_failed_request() {
    let (host, _tmp) = start_city();
    let browser = Browser::launch().await;
    let page = open(&host, &browser, "").await;
    page.wait_for(
        "the overview screen to be shown",
        "document.querySelector('section[data-screen=\"overview\"]:not([hidden])')",
    )
    .await;
    page.wait_idle().await;
    assert_eq!(page.eval("document.documentElement.lang").await, "vi");
    assert_eq!(
        page.eval("document.querySelectorAll('html[lang=\"vi\"]').length")
            .await,
        1
    );
    assert_clean(&page, "on loading `/`").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_posted_event_appears_in_the_live_events_list() {
    let (host, _tmp) = start_city();
    let browser = Browser::launch().await;
    let page = open(&host, &browser, "#/overview").await;

    let id = unique("e2e-live");
    let event = json!({
        "specversion": "1.0",
        "id": id,
        "source": "/cong-an-tinh/csgt",
        "type": "city.traffic.incident-report",
        "subject": id,
        "time": "2026-11-27T08:10:00+07:00",
        "datacontenttype": "application/json",
        "data": {
            "incidentId": id,
            "category": "breakdown",
            "road": "QL1B",
            "location": {"type": "Point", "coordinates": [106.548, 21.872]},
            "description": "Xe khách hỏng máy, dừng sát lề đường đoạn qua thị trấn Văn Quan.",
            "status": "active",
            "observedAt": "2026-11-27T08:10:00+07:00"
        }
    });
    let response = host.post_batch(&[event]).await;
    assert_eq!(response.status(), 202, "{:?}", response.text().await);

    let item = format!("#live-events {}", attr("data-event-id", &id));
    let shown = page
        .wait_for(
            &format!("the posted event to appear as `{item}`"),
            &format!(
                "(() => {{ const el = document.querySelector({}); return el && el.textContent; }})()",
                js_string(&item)
            ),
        )
        .await;
    assert!(
        shown
            .as_str()
            .is_some_and(|t| t.contains("city.traffic.incident-report")),
        "the live item of `{id}` does not show its type: {shown}"
    );
    assert_clean(&page, "while showing a live event").await;
}

/// How many translatable texts the page has (`checked`), and those (`bad`)
/// that are not their key's text in the
/// dictionary of the page's current language (`{name}` placeholders match
/// anything): `data-i18n` elements' text, and the `aria-label`,
/// `placeholder` and `title` of `data-i18n-aria`, `-placeholder`, `-title`.
const MISTRANSLATED: &str = r"(() => {
    const lang = document.documentElement.lang;
    const dict = (window.cityhubI18n || {})[lang];
    if (!dict) return {checked: 0, bad: ['window.cityhubI18n has no ' + lang]};
    const norm = s => (s || '').replace(/\s+/g, ' ').trim();
    const pattern = s => new RegExp('^' + norm(s).split(/\{[^}]*\}/)
        .map(p => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$', 's');
    const bad = [];
    let checked = 0;
    const marks = [['i18n', el => el.textContent], ['i18nAria', el => el.getAttribute('aria-label')],
        ['i18nPlaceholder', el => el.placeholder], ['i18nTitle', el => el.title]];
    for (const [mark, shown] of marks) {
        const selector = '[data-' + mark.replace(/[A-Z]/g, c => '-' + c.toLowerCase()) + ']';
        for (const el of document.querySelectorAll(selector)) {
            const key = el.dataset[mark], expected = dict[key], text = norm(shown(el));
            checked += 1;
            if (typeof expected !== 'string' || !pattern(expected).test(text)) {
                bad.push({mark: selector, key, text, expected: expected === undefined ? null : expected});
            }
        }
    }
    return {checked, bad};
})()";

/// Waits until every `[data-i18n]` text is in the page's language.
async fn wait_translated(page: &Page, lang: &str) {
    page.wait_until(
        &format!("`html[lang]` to be `{lang}` and every `[data-i18n]` text in its dictionary"),
        &format!(
            "document.documentElement.lang === {} && {MISTRANSLATED}",
            js_string(lang)
        ),
        // The page has dozens of texts: a handful means the check saw little.
        |v| v["checked"].as_u64() > Some(20) && v["bad"].as_array().is_some_and(Vec::is_empty),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_language_switch_turns_every_text_into_english_and_back() {
    let (host, _tmp) = start_city();
    let browser = Browser::launch().await;
    let page = open(&host, &browser, "").await;
    wait_translated(&page, "vi").await;

    // A known text: the alerts screen's link in the navigation.
    let label = "a[data-screen=\"alerts\"][data-i18n], a[data-screen=\"alerts\"] [data-i18n]";
    let key = page
        .wait_for(
            &format!("a translatable label `{label}`"),
            &format!(
                "(() => {{ const el = document.querySelector({}); return el && el.dataset.i18n; }})()",
                js_string(label)
            ),
        )
        .await;
    let key = js_string(key.as_str().unwrap());
    let vi = page.eval(&format!("window.cityhubI18n.vi[{key}]")).await;
    let en = page.eval(&format!("window.cityhubI18n.en[{key}]")).await;
    assert_ne!(vi, en, "the label {key} reads the same in both languages");
    let label_text = format!(
        "document.querySelector({}).textContent.trim()",
        js_string(label)
    );
    assert_eq!(page.eval(&label_text).await, vi);

    page.click("#lang-switch").await;
    wait_translated(&page, "en").await;
    assert_eq!(page.eval(&label_text).await, en);
    assert_eq!(
        page.eval("document.querySelectorAll('html[lang=\"en\"]').length")
            .await,
        1
    );

    // The choice outlives a reload.
    page.reload().await;
    wait_translated(&page, "en").await;

    page.click("#lang-switch").await;
    wait_translated(&page, "vi").await;
    assert_eq!(page.eval(&label_text).await, vi);
    assert_clean(&page, "while switching languages").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledging_assigning_and_resolving_an_alert_change_its_state_through_the_ops_api() {
    let (host, _tmp) = start_city();
    // 522 of 560 beds (93 %) opens `health` capacity alert, which `ioc`
    // relays as `city.ioc.alert`.
    let beds = json!({
        "specversion": "1.0",
        "id": unique("e2e-beds"),
        "source": "/syt-lang-son/his",
        "type": "city.health.beds",
        "subject": "bvdk-tinh",
        "time": "2026-11-27T13:00:00+07:00",
        "datacontenttype": "application/json",
        "data": {
            "hospital": "bvdk-tinh",
            "hospitalName": "Bệnh viện Đa khoa tỉnh Lạng Sơn",
            "bedsTotal": 560,
            "bedsOccupied": 522,
            "location": {"type": "Point", "coordinates": [106.7615, 21.8537]},
            "observedAt": "2026-11-27T13:00:00+07:00"
        }
    });
    let response = host.post_batch(&[beds]).await;
    assert_eq!(response.status(), 202, "{:?}", response.text().await);
    let alert_id = "health/capacity/bvdk-tinh";
    let api = format!("/v1/ops/alerts/{}", encode_segment(alert_id));
    host.wait_json(&api, "the bed-capacity alert, open, in the ops API", |v| {
        v["state"] == "open"
    })
    .await;

    let browser = Browser::launch().await;
    let page = open(&host, &browser, "#/alerts").await;
    let operator = "Nguyễn Văn An";
    page.type_into("#operator-name", operator).await;
    let row = attr("data-alert-id", alert_id);
    page.wait_for(
        &format!("the alert `{row}` to be shown open"),
        &format!(
            "document.querySelector({})",
            js_string(&format!(
                "section[data-screen=\"alerts\"]:not([hidden]) {row}[data-state=\"open\"]"
            ))
        ),
    )
    .await;
    page.click(&format!(
        "section[data-screen=\"alerts\"]:not([hidden]) {row} button[data-action=\"ack\"]"
    ))
    .await;

    let alert = host
        .wait_json(&api, "the alert acknowledged in the ops API", |v| {
            v["state"] == "acknowledged"
        })
        .await;
    assert_eq!(alert["acknowledged"]["by"], operator, "{alert:#}");
    let actions = alert["actions"].as_array().cloned().unwrap_or_default();
    assert!(
        actions
            .iter()
            .any(|a| a["action"] == "ack" && a["by"] == operator),
        "no ack by {operator} among the actions: {alert:#}"
    );
    let acknowledged = format!("{row}[data-state=\"acknowledged\"]");
    page.wait_for(
        &format!("the page to show `{acknowledged}`"),
        &format!("document.querySelector({})", js_string(&acknowledged)),
    )
    .await;

    // Assign it: the form names the agency (its deadline defaults to four
    // hours on); the API records both, by the same operator.
    let card = format!("section[data-screen=\"alerts\"]:not([hidden]) {row}");
    page.click(&format!("{card} button[data-action=\"assign\"]"))
        .await;
    let agency = "Sở Y tế tỉnh Lạng Sơn";
    page.type_into(&format!("{card} input[name=\"agency\"]"), agency)
        .await;
    page.click(&format!("{card} button[data-action=\"assign-submit\"]"))
        .await;
    let alert = host
        .wait_json(&api, "the alert assigned in the ops API", |v| {
            v["state"] == "assigned"
        })
        .await;
    assert_eq!(alert["assigned"]["agency"], agency, "{alert:#}");
    assert_eq!(alert["assigned"]["by"], operator, "{alert:#}");
    let deadline = alert["assigned"]["deadline"].as_str().unwrap_or_default();
    assert!(
        deadline.ends_with("+07:00"),
        "the deadline is the province's local time: {alert:#}"
    );
    let assigned = format!("{row}[data-state=\"assigned\"]");
    page.wait_for(
        &format!("the page to show `{assigned}`"),
        &format!("document.querySelector({})", js_string(&assigned)),
    )
    .await;

    // Resolve it: resolved by the operator; the default feed (all but
    // resolved) no longer lists it.
    page.click(&format!("{card} button[data-action=\"resolve\"]"))
        .await;
    let alert = host
        .wait_json(&api, "the alert resolved in the ops API", |v| {
            v["state"] == "resolved"
        })
        .await;
    assert_eq!(alert["resolved"]["by"], operator, "{alert:#}");
    let kinds: Vec<&str> = alert["actions"]
        .as_array()
        .map(|a| a.iter().filter_map(|a| a["action"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(kinds, ["ack", "assign", "resolve"], "{alert:#}");
    page.wait_for(
        "the resolved alert to leave the default feed",
        &format!("!document.querySelector({})", js_string(&row)),
    )
    .await;

    // The operator's name is kept for the next visit.
    page.reload().await;
    page.wait_until(
        "`#operator-name` to keep the operator's name after a reload",
        "(document.querySelector('#operator-name') || {}).value",
        |v| v == operator,
    )
    .await;
    assert_clean(&page, "while acknowledging an alert").await;
}

/// Each screen and what shows that its data is in it (CSS selectors, all
/// required inside the visible `section[data-screen]`).
const SCREENS: [(&str, &[&str]); 6] = [
    (
        "overview",
        &[
            "[data-kpi-sector=\"health\"][data-standing]",
            "#live-events [data-event-id]",
        ],
    ),
    (
        "map",
        &[
            "svg#map [data-layer=\"gate\"]",
            "svg#map [data-layer=\"segment\"]",
        ],
    ),
    ("alerts", &["[data-alert-id=\"border/huu-nghi\"]"]),
    (
        "incidents",
        &["[data-incident-id]", "#agency-overdue tbody tr"],
    ),
    (
        "health",
        &[
            "[data-plugin=\"traffic\"]",
            "[data-route=\"traffic-readings\"]",
        ],
    ),
    (
        "charts",
        &["svg[data-chart-sector=\"health\"] :is(path, polyline)"],
    ),
];

/// `target/test-artifacts/dashboard`, beside the tests' `target/tmp`.
fn artifacts() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent()
        .unwrap_or(tmp)
        .join("test-artifacts")
        .join("dashboard")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_screen_shows_the_border_queue_scenario_and_is_saved_as_a_screenshot() {
    let (host, tmp) = start_city();
    let browser = Browser::launch().await;
    let blank = browser
        .new_page()
        .await
        .screenshot(&tmp.path().join("blank.png"))
        .await;
    // Opened first, so that the overview's live list fills as the events come.
    let page = open(&host, &browser, "").await;
    let mut simulate = cityhub();
    simulate
        .args(["simulate", "--url", &host.url(""), "--seed", "7"])
        .args(["--scenario", "border-queue", "--duration", "6h"])
        .args(["--speed", "100000", "--rate", "20000", "--json"]);
    let out = tokio::task::spawn_blocking(move || simulate.output().unwrap())
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "simulate failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    host.wait_json("/v1/routes", "every route to catch up", |v| {
        v["routes"]
            .as_array()
            .is_some_and(|r| r.iter().all(|r| r["lag"] == 0))
    })
    .await;
    host.wait_json(
        "/v1/ops/alerts",
        "the combined border alert in the ops API",
        |v: &Value| {
            v["alerts"]
                .as_array()
                .is_some_and(|a| a.iter().any(|a| a["alertId"] == "border/huu-nghi"))
        },
    )
    .await;

    let dir = artifacts();
    for (screen, hooks) in SCREENS {
        page.click(&format!("a[data-screen=\"{screen}\"]")).await;
        let visible = format!("section[data-screen=\"{screen}\"]:not([hidden])");
        let all = hooks
            .iter()
            .map(|h| {
                format!(
                    "document.querySelector({})",
                    js_string(&format!("{visible} {h}"))
                )
            })
            .collect::<Vec<_>>()
            .join(" && ");
        page.wait_for(
            &format!("`#/{screen}` to show {hooks:?}"),
            &format!("location.hash === '#/{screen}' && {all}"),
        )
        .await;
        page.wait_idle().await;
        let file = dir.join(format!("{screen}.png"));
        let png = page.screenshot(&file).await;
        println!("screenshot of #/{screen}: {}", file.display());
        assert!(
            png.len() > 4 * blank.len(),
            "`{}` ({} bytes) is hardly more than a blank page ({} bytes)",
            file.display(),
            png.len(),
            blank.len()
        );
    }
    assert_clean(&page, "on any screen").await;
}
