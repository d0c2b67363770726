//! The operations centre's dashboard in real headless Chromium, served by the
//! real `cityhub` binary running the demo city (all ten plugins):
//!
//! - without a session `/` shows only the sign-in screen and fetches no
//!   data; a wrong token is refused with the screen's message; a
//!   `#token=` link signs in (an operator token: name and role shown) and
//!   leaves the address bar; signing out, or the token revoked under the
//!   page, returns to the sign-in screen (every other test signs in with an
//!   operator's `#token=` link first);
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
    browser::{Browser, Page, SIGNED_IN, attr, js_string},
    support::{Host, client_with, get_json_with, write_demo_city},
};

/// The demo city in a fresh folder, served by the real binary.
fn start_city() -> (Host, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let config = write_demo_city(tmp.path(), |_| {});
    (Host::start_with(&config), tmp)
}

/// A new page of `browser` on the dashboard at `/` + `fragment`, signed in
/// with a new operator token, loaded and with its live stream open.
async fn open(host: &Host, browser: &Browser, fragment: &str) -> Page {
    let token = host.token_for("operator").await;
    let page = browser.new_page().await;
    page.sign_in(&host.url(""), &token, fragment).await;
    page
}

/// The name of `token` (`GET /v1/session` with it).
async fn name_of(host: &Host, token: &str) -> String {
    let who = get_json_with(&client_with(token), &host.url("/v1/session")).await;
    who["name"].as_str().unwrap().to_owned()
}

/// Whether the page shows the operations centre: its navigation and screens.
const APP_SHOWN: &str = "getComputedStyle(document.querySelector('main')).display !== 'none' \
     && getComputedStyle(document.querySelector('nav.screens')).display !== 'none'";

/// The API requests the page made (`/v1/…`, `/metrics`, `/open311/…`).
const API_REQUESTS: &str = "performance.getEntriesByType('resource').map(e => new URL(e.name).pathname) \
     .filter(p => !p.startsWith('/assets/') && p !== '/')";

/// A new page on `/` with no session: its sign-in screen shown.
async fn signed_out_page(host: &Host, browser: &Browser) -> Page {
    let page = browser.new_page().await;
    page.goto(&host.url("/")).await;
    page.wait_for(
        "the sign-in screen",
        "document.body.dataset.auth === 'signed-out' && !document.querySelector('#sign-in').hidden",
    )
    .await;
    page
}

/// The page's problems, but for the `401` answers `expected` names (paths):
/// a refused sign-in or a request after the session ended is the point of
/// the test that makes it.
fn unexpected(page: &Page, expected: &[&str]) -> Vec<String> {
    page.problems()
        .iter()
        .filter(|p| {
            let refused = p.text.contains("401") && expected.iter().any(|e| p.at.contains(e));
            // Chromium's console line for the same answer
            let logged = p.kind.starts_with("log.error")
                && p.text.contains("401")
                && expected.iter().any(|e| p.at.contains(e));
            !(refused || logged)
        })
        .map(ToString::to_string)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_session_the_page_shows_only_the_sign_in_screen_and_fetches_no_data() {
    let (host, _tmp) = start_city();
    let browser = Browser::launch().await;
    let page = signed_out_page(&host, &browser).await;
    page.wait_idle().await;
    assert_eq!(
        page.eval(APP_SHOWN).await,
        false,
        "{}",
        page.describe().await
    );
    assert_eq!(page.eval(API_REQUESTS).await, json!([]));
    assert_eq!(
        page.eval("document.querySelectorAll('#live-events [data-event-id], [data-kpi-sector], [data-alert-id]').length")
            .await,
        0
    );
    // Vietnamese first, with the command that makes a token.
    assert_eq!(
        page.eval("document.querySelector('#sign-in-heading').textContent")
            .await,
        page.eval("window.cityhubI18n.vi['auth.heading']").await
    );
    let hint = page
        .eval("document.querySelector('#sign-in').textContent")
        .await;
    assert!(
        hint.as_str()
            .unwrap()
            .contains("cityhub token create --role operator"),
        "{hint}"
    );
    // Nothing of the API answers without a session, the page's files do.
    let api = reqwest::get(host.url("/v1/ops/kpis")).await.unwrap();
    assert_eq!(api.status(), 401);
    let asset = reqwest::get(host.url("/assets/js/session.js"))
        .await
        .unwrap();
    assert_eq!(asset.status(), 200);
    assert_clean(&page, "on the sign-in screen").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_token_is_refused_on_the_sign_in_screen_and_a_right_one_signs_in() {
    let (host, _tmp) = start_city();
    let browser = Browser::launch().await;
    let page = signed_out_page(&host, &browser).await;

    page.type_into("#sign-in-token", &format!("chub_{}", "x".repeat(43)))
        .await;
    page.click("#sign-in-submit").await;
    let refused = page.sign_in_message("refused").await;
    assert_eq!(
        refused,
        page.eval("window.cityhubI18n.vi['auth.refused']").await
    );
    assert_eq!(page.eval(APP_SHOWN).await, false);

    // A source's token signs in at the host but cannot read the centre.
    let source = host.token_for("source").await;
    page.type_into("#sign-in-token", &source).await;
    page.click("#sign-in-submit").await;
    let role = page.sign_in_message("role").await;
    assert!(role.contains("source"), "{role}");
    assert_eq!(page.eval(APP_SHOWN).await, false);

    let operator = host.token_for("operator").await;
    page.type_into("#sign-in-token", &operator).await;
    page.click("#sign-in-submit").await;
    page.wait_for("the page to sign in", SIGNED_IN).await;
    page.wait_for(
        "the live stream to open",
        "document.body.dataset.live === 'connected'",
    )
    .await;
    assert_eq!(page.eval(APP_SHOWN).await, true);
    let name = name_of(&host, &operator).await;
    assert_eq!(
        page.eval("document.querySelector('#signed-in-name').textContent")
            .await,
        name.as_str()
    );
    assert_eq!(
        page.eval("document.querySelector('#signed-in-role').textContent")
            .await,
        "Cán bộ điều hành"
    );
    // The cookie is the host's (HttpOnly): the page cannot read the token.
    assert_eq!(page.eval("document.cookie.includes('chub_')").await, false);
    page.wait_idle().await;
    let problems = unexpected(&page, &["/v1/session"]);
    assert!(
        problems.is_empty(),
        "{problems:#?}
{}",
        page.describe().await
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_link_signs_in_and_the_token_leaves_the_address_bar() {
    let (host, _tmp) = start_city();
    let token = host.token_for("operator").await;
    let browser = Browser::launch().await;
    let page = browser.new_page().await;
    page.goto(&host.url(&format!("/#token={token}"))).await;
    page.wait_for("the page to sign in", SIGNED_IN).await;
    page.wait_for(
        "the overview to show",
        "document.querySelector('section[data-screen=\"overview\"]:not([hidden])')",
    )
    .await;
    let href = page.eval("location.href").await;
    assert_eq!(href, host.url("/#/overview").as_str());
    // No entry of the history holds it either: the link was replaced.
    let history = page.history().await;
    assert!(
        history.iter().all(|url| !url.contains(&token)) && history.len() >= 2,
        "{history:#?}"
    );
    // The session outlives a reload (the cookie), with no token in sight.
    page.reload().await;
    page.wait_for("the page to be signed in after a reload", SIGNED_IN)
        .await;
    page.wait_for(
        "the live stream to open",
        "document.body.dataset.live === 'connected'",
    )
    .await;
    let name = name_of(&host, &token).await;
    assert_eq!(
        page.eval("document.querySelector('#signed-in-name').textContent")
            .await,
        name.as_str()
    );
    assert_clean(&page, "signing in from a link").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_or_a_revoked_token_returns_to_the_sign_in_screen() {
    let (host, _tmp) = start_city();
    let browser = Browser::launch().await;
    let page = open(&host, &browser, "").await;

    page.click("#sign-out").await;
    let said = page.sign_in_message("signed-out").await;
    assert_eq!(
        said,
        page.eval("window.cityhubI18n.vi['auth.signedOut']").await
    );
    assert_eq!(page.eval(APP_SHOWN).await, false);
    // The host forgot the session: the cookie no longer opens the API.
    let status = page.eval("fetch('/v1/ops/kpis').then(r => r.status)").await;
    assert_eq!(status, 401);
    // A reload stays signed out, asking the host nothing.
    page.reload().await;
    page.wait_for(
        "the sign-in screen after a reload",
        "document.body.dataset.auth === 'signed-out'",
    )
    .await;

    // Signed in again; the admin revokes the token; the next request the
    // page makes (another screen) is refused and the screen says why.
    let token = host.token_for("operator").await;
    page.sign_in(&host.url(""), &token, "").await;
    let name = name_of(&host, &token).await;
    let revoked = host
        .http
        .delete(host.url(&format!("/v1/tokens/{name}")))
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 200, "{:?}", revoked.text().await);
    page.click("a[data-screen=\"health\"]").await;
    let expired = page.sign_in_message("expired").await;
    assert_eq!(
        expired,
        page.eval("window.cityhubI18n.vi['auth.expired']").await
    );
    assert_eq!(page.eval(APP_SHOWN).await, false);
    let problems = unexpected(&page, &["/v1/ops/", "/v1/session", "/v1/stream"]);
    assert!(
        problems.is_empty(),
        "{problems:#?}\n{}",
        page.describe().await
    );
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

    // The choice outlives a reload (and the session does: once the page
    // knows, the header shows who is signed in, moving the button).
    page.reload().await;
    page.wait_for("the page to be signed in after a reload", SIGNED_IN)
        .await;
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
    let mut simulate = host.cli();
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
