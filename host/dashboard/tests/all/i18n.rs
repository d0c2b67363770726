//! The vi and en dictionaries: the same keys, no empty text, and every key
//! the page and the modules ask for present in both.

use std::collections::BTreeMap;

use cityhub_dashboard::assets;

use crate::scan::{Key, html_keys, js_keys, texts};

type Dictionary = BTreeMap<String, String>;

fn dictionary(lang: &str) -> Dictionary {
    let path = format!("i18n/{lang}.json");
    let asset = assets().iter().find(|a| a.path == path).unwrap();
    serde_json::from_slice(asset.body)
        .unwrap_or_else(|e| panic!("`{path}` is not a flat JSON object of strings: {e}"))
}

/// Families of keys built from values of the ops contract and the events
/// (`badge(kind, value)`, `t(`live.${state}`)`…): each value needs its key.
const FAMILIES: &[(&str, &[&str])] = &[
    (
        "severity.",
        &["critical", "high", "medium", "low", "informational"],
    ),
    ("state.", &["open", "acknowledged", "assigned", "resolved"]),
    ("standing.", &["good", "warning", "bad", "none"]),
    ("trend.", &["up", "down", "steady", "new"]),
    (
        "sla.",
        &["on-time", "due-soon", "overdue", "closed", "none"],
    ),
    ("level.", &["free", "heavy", "severe", "cleared"]),
    ("plugin.", &["running", "suspended"]),
    (
        "live.",
        &["connecting", "connected", "reconnecting", "offline"],
    ),
    (
        "layer.",
        &["gate", "segment", "incident", "report", "site", "hospital"],
    ),
    (
        "unitName.",
        &["ratio", "count", "per-hour", "tonnes", "days", "vnd"],
    ),
    ("reportStatus.", &["open", "closed"]),
    // field-reports' standard services (city.toml); others show their own name
    (
        "service.",
        &[
            "pothole",
            "flooding",
            "litter",
            "streetlight",
            "traffic-obstruction",
            "illegal-parking",
            "other",
        ],
    ),
    ("gateTrend.", &["growing", "steady", "shrinking"]),
    (
        "incidentCategory.",
        &[
            "accident",
            "breakdown",
            "roadworks",
            "landslide",
            "flooding",
            "other",
        ],
    ),
    ("alerts.done.", &["ack", "assign", "resolve"]),
    ("sector.", &["ioc"]),
    // the roles that may sign in to the dashboard (session.js)
    ("role.", &["operator", "integrator", "admin"]),
    (
        "field.",
        &[
            "queueLength",
            "growthPerHour",
            "trend",
            "road",
            "level",
            "speed",
            "category",
            "description",
            "service_name",
            "status",
            "overdue",
            "agency",
            "present",
            "capacity",
            "bedsOccupied",
            "bedsTotal",
            "occupancy",
        ],
    ),
];

/// Every key the page and the modules ask for, with where.
fn asked() -> Vec<(Key, &'static str)> {
    let mut keys = Vec::new();
    for (path, source) in texts(".html") {
        keys.extend(html_keys(source).into_iter().map(|k| (Key::Whole(k), path)));
    }
    for (path, source) in texts(".js") {
        keys.extend(js_keys(source).into_iter().map(|k| (k, path)));
    }
    for (prefix, values) in FAMILIES {
        keys.extend(
            values
                .iter()
                .map(|v| (Key::Whole(format!("{prefix}{v}")), "the contract")),
        );
    }
    keys
}

#[test]
fn both_languages_have_the_same_keys_and_no_empty_text() {
    let (vi, en) = (dictionary("vi"), dictionary("en"));
    let only_vi: Vec<_> = vi.keys().filter(|k| !en.contains_key(*k)).collect();
    let only_en: Vec<_> = en.keys().filter(|k| !vi.contains_key(*k)).collect();
    assert!(
        only_vi.is_empty(),
        "keys in vi.json but not en.json: {only_vi:?}"
    );
    assert!(
        only_en.is_empty(),
        "keys in en.json but not vi.json: {only_en:?}"
    );
    for (lang, dict) in [("vi", &vi), ("en", &en)] {
        let empty: Vec<_> = dict
            .iter()
            .filter(|(_, v)| v.trim().is_empty())
            .map(|(k, _)| k)
            .collect();
        assert!(empty.is_empty(), "empty text in {lang}.json: {empty:?}");
    }
    assert!(vi.len() > 100, "the dictionaries hold every visible string");
}

#[test]
fn every_key_asked_for_exists_in_both_languages() {
    let (vi, en) = (dictionary("vi"), dictionary("en"));
    let asked = asked();
    assert!(
        asked.len() > 200,
        "the scan found the keys: {}",
        asked.len()
    );
    let mut missing = Vec::new();
    for (key, place) in &asked {
        for (lang, dict) in [("vi", &vi), ("en", &en)] {
            let ok = match key {
                Key::Whole(k) => dict.contains_key(k),
                Key::Prefix(p) => p.is_empty() || dict.keys().any(|k| k.starts_with(p.as_str())),
            };
            if !ok {
                missing.push(format!("{key:?} ({place}) in {lang}.json"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "missing translations:\n{}",
        missing.join("\n")
    );
}

#[test]
fn every_key_in_the_dictionaries_is_asked_for() {
    let asked = asked();
    let used = |k: &str| {
        asked.iter().any(|(key, _)| match key {
            Key::Whole(w) => w == k,
            Key::Prefix(p) => !p.is_empty() && k.starts_with(p.as_str()),
        })
    };
    let unused: Vec<_> = dictionary("vi").into_keys().filter(|k| !used(k)).collect();
    assert!(
        unused.is_empty(),
        "keys nothing asks for (remove them, or use them): {unused:?}"
    );
}

#[test]
fn vietnamese_is_the_default_with_full_diacritics() {
    let (vi, en) = (dictionary("vi"), dictionary("en"));
    assert_eq!(
        vi["app.title"],
        "Trung tâm Giám sát, điều hành thông minh tỉnh Lạng Sơn"
    );
    assert_eq!(en["app.title"], "Lạng Sơn Intelligent Operations Centre");
    let (_, index) = texts("index.html")[0];
    assert!(index.contains("<html lang=\"vi\">"));
    // before the scripts run (and after, in Vietnamese) an element shows vi.json's text
    let mut checked = 0;
    for (at, _) in index.match_indices("data-i18n=\"") {
        let rest = &index[at + "data-i18n=\"".len()..];
        let key = &rest[..rest.find('"').unwrap()];
        let after_tag = &rest[rest.find('>').unwrap() + 1..];
        let shown = &after_tag[..after_tag.find('<').unwrap()];
        assert_eq!(shown, vi[key], "index.html's text for `{key}`");
        checked += 1;
    }
    assert!(checked > 80, "checked {checked} elements");
}
