//! Dossiers fall overdue on the event-time clock, once, and leave the
//! count when they are completed, returned or given more time.

use cityhub_plugin_public_admin::Record;
use cityhub_sdk::testing::TestEvent;
use serde_json::{Value, json};

use crate::support::{
    at, data, dossier, expect, harness, indicators, outputs_of, overdue_ids, simple,
};

#[test]
fn a_dossier_past_due_is_announced_once_when_the_clock_passes_it() {
    let mut h = harness();
    let out = h
        .handle(&[simple("LS-0042", "received", &at(20, 8))])
        .unwrap();
    // A new agency's overdue count is announced, as zero.
    assert_eq!(
        indicators(&out),
        expect(&[("overdue-dossiers", "so-tu-phap", 0.0)])
    );
    assert_eq!(out[0].subject.as_deref(), Some("so-tu-phap"));

    let out = h
        .handle(&[simple("LS-0042", "processing", &at(21, 9))])
        .unwrap();
    assert!(out.is_empty(), "{out:?}");
    // Due at 17:00 sharp: not yet overdue then.
    assert!(
        h.handle(&[TestEvent::tick(&at(27, 17))])
            .unwrap()
            .is_empty()
    );

    let out = h.handle(&[TestEvent::tick(&at(27, 19))]).unwrap();
    assert_eq!(out.len(), 2);
    assert_eq!(out[0].ty, "city.admin.dossier-overdue");
    assert_eq!(out[0].subject.as_deref(), Some("LS-0042"));
    assert_eq!(out[0].time.as_deref(), Some(at(27, 19).as_str()));
    let data: Value = out[0].json().unwrap();
    assert_eq!(
        data,
        json!({
            "dossierId": "LS-0042",
            "procedure": "2.000488",
            "procedureName": "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
            "agency": "so-tu-phap",
            "receivedAt": "2026-11-20T08:00:00+07:00",
            "dueAt": "2026-11-27T17:00:00+07:00",
            "overdueBy": "PT2H",
            "observedAt": "2026-11-27T19:00:00+07:00",
        })
    );
    let indicator: Value = out[1].json().unwrap();
    assert_eq!(
        indicator,
        json!({
            "indicator": "overdue-dossiers", "scope": "so-tu-phap", "scopeName": "Sở Tư pháp",
            "name": {"vi": "Hồ sơ quá hạn", "en": "Overdue dossiers"},
            "value": 1.0, "unit": "count", "observedAt": "2026-11-27T19:00:00+07:00",
        })
    );

    // Later ticks, and the same tick again, announce nothing more.
    assert!(
        h.handle(&[TestEvent::tick(&at(27, 19))])
            .unwrap()
            .is_empty()
    );
    assert!(
        h.handle(&[TestEvent::tick(&at(28, 8)), TestEvent::tick(&at(29, 8))])
            .unwrap()
            .is_empty()
    );
    let record: Record = h.state().get_json("dossier/LS-0042").unwrap().unwrap();
    assert!(record.open.unwrap().overdue);
    assert!(
        !h.state().keys().any(|k| k.starts_with("due/")),
        "an overdue dossier leaves the deadline index"
    );
}

#[test]
fn open_dossiers_wait_in_the_deadline_index_by_hour() {
    let mut h = harness();
    h.handle(&[simple("LS-0042", "received", &at(20, 8))])
        .unwrap();
    assert_eq!(
        h.state()
            .keys()
            .filter(|k| k.starts_with("due/"))
            .collect::<Vec<_>>(),
        ["due/00000498826", "due/index"]
    );
    assert_eq!(
        h.state().get_json::<Value>("due/00000498826").unwrap(),
        Some(json!([[1_795_773_600, "LS-0042"]])) // 2026-11-27T10:00:00Z
    );
}

#[test]
fn any_event_moves_the_clock_not_only_ticks() {
    let mut h = harness();
    h.handle(&[simple("LS-0042", "received", &at(20, 8))])
        .unwrap();
    // Another dossier's event, observed after LS-0042's due time.
    let mut other = data("LS-0077", "received", &at(28, 8));
    other["dueAt"] = json!(at(30, 17));
    let out = h.handle(&[dossier(other)]).unwrap();
    assert_eq!(overdue_ids(&out), ["LS-0042"]);
    let overdue = &outputs_of(&out, "city.admin.dossier-overdue")[0];
    assert_eq!(overdue["overdueBy"], "PT15H");
}

#[test]
fn a_dossier_arriving_past_due_is_announced_at_once() {
    let mut h = harness();
    h.handle(&[TestEvent::tick(&at(28, 10))]).unwrap();
    let out = h
        .handle(&[simple("LS-0042", "processing", &at(28, 9))])
        .unwrap();
    assert_eq!(overdue_ids(&out), ["LS-0042"]);
    let overdue = &outputs_of(&out, "city.admin.dossier-overdue")[0];
    // Seen at the plugin's "now", later than the event itself.
    assert_eq!(overdue["observedAt"], at(28, 10));
    assert_eq!(overdue["overdueBy"], "PT17H");
    assert_eq!(
        indicators(&out),
        expect(&[("overdue-dossiers", "so-tu-phap", 1.0)])
    );
}

#[test]
fn completing_late_leaves_the_count_and_counts_as_late() {
    let mut h = harness();
    h.handle(&[
        simple("LS-0042", "processing", &at(21, 9)),
        TestEvent::tick(&at(28, 8)),
    ])
    .unwrap();
    let out = h
        .handle(&[simple("LS-0042", "completed", &at(28, 15))])
        .unwrap();
    assert!(overdue_ids(&out).is_empty());
    assert_eq!(
        indicators(&out),
        expect(&[
            ("overdue-dossiers", "so-tu-phap", 0.0),
            ("processing-days", "so-tu-phap", 8.29), // 20th 08:00 → 28th 15:00
            ("on-time", "so-tu-phap", 0.0),
        ])
    );
}

#[test]
fn completing_late_before_any_tick_is_late_but_never_announced_overdue() {
    let mut h = harness();
    h.handle(&[simple("LS-0042", "processing", &at(21, 9))])
        .unwrap();
    let out = h
        .handle(&[simple("LS-0042", "completed", &at(28, 15))])
        .unwrap();
    assert!(overdue_ids(&out).is_empty(), "{out:?}");
    let on_time = indicators(&out).into_iter().find(|i| i.0 == "on-time");
    assert_eq!(on_time.unwrap().2, 0.0);
}

#[test]
fn a_returned_dossier_leaves_the_count_without_being_completed() {
    let mut h = harness();
    h.handle(&[
        simple("LS-0042", "processing", &at(21, 9)),
        TestEvent::tick(&at(28, 8)),
    ])
    .unwrap();
    let out = h
        .handle(&[simple("LS-0042", "returned", &at(28, 9))])
        .unwrap();
    assert_eq!(
        indicators(&out),
        expect(&[("overdue-dossiers", "so-tu-phap", 0.0)]),
        "no processing time or on-time rate from a returned dossier"
    );
    let record: Record = h.state().get_json("dossier/LS-0042").unwrap().unwrap();
    assert_eq!(record.open, None);
    assert_eq!(
        h.state()
            .get_json::<Value>("agency/so-tu-phap")
            .unwrap()
            .unwrap()["completed"],
        0
    );
}

#[test]
fn a_later_due_date_takes_a_dossier_out_of_the_count_until_it_passes() {
    let mut h = harness();
    h.handle(&[
        simple("LS-0042", "processing", &at(21, 9)),
        TestEvent::tick(&at(28, 8)),
    ])
    .unwrap();
    // The agency extends the deadline to Monday the 30th (gia hạn).
    let mut extended = data("LS-0042", "processing", &at(28, 9));
    extended["dueAt"] = json!(at(30, 17));
    let out = h.handle(&[dossier(extended)]).unwrap();
    assert_eq!(
        indicators(&out),
        expect(&[("overdue-dossiers", "so-tu-phap", 0.0)])
    );
    assert!(overdue_ids(&out).is_empty());

    let out = h.handle(&[TestEvent::tick(&at(30, 18))]).unwrap();
    assert_eq!(overdue_ids(&out), ["LS-0042"]);
    assert_eq!(
        outputs_of(&out, "city.admin.dossier-overdue")[0]["overdueBy"],
        "PT1H"
    );
}

#[test]
fn a_dossier_moved_to_another_agency_moves_its_overdue_count() {
    let mut h = harness();
    h.handle(&[
        simple("LS-0042", "processing", &at(21, 9)),
        TestEvent::tick(&at(28, 8)),
    ])
    .unwrap();
    let mut moved = data("LS-0042", "processing", &at(28, 9));
    moved["agency"] = json!("ubnd-tp-lang-son");
    let out = h.handle(&[dossier(moved)]).unwrap();
    assert!(
        overdue_ids(&out).is_empty(),
        "announced once, not per agency"
    );
    assert_eq!(
        indicators(&out),
        expect(&[
            ("overdue-dossiers", "ubnd-tp-lang-son", 1.0),
            ("overdue-dossiers", "so-tu-phap", 0.0),
        ])
    );
}

#[test]
fn a_redelivered_or_older_event_changes_nothing() {
    let mut h = harness();
    let events = [
        simple("LS-0042", "received", &at(20, 8)),
        simple("LS-0042", "processing", &at(21, 9)),
        TestEvent::tick(&at(28, 8)),
        simple("LS-0042", "completed", &at(28, 15)),
    ];
    let first = h.handle(&events).unwrap();
    assert_eq!(overdue_ids(&first), ["LS-0042"]);
    let state: Vec<(String, Vec<u8>)> = h
        .state()
        .keys()
        .map(|k| (k.to_owned(), h.state().get(k).unwrap().to_vec()))
        .collect();

    // The bus delivers the batch again, then the producer resends the
    // processing status with a new id.
    assert!(h.handle(&events).unwrap().is_empty());
    let resent = simple("LS-0042", "processing", &at(21, 9)).id("");
    assert!(h.handle(&[resent]).unwrap().is_empty());
    let after: Vec<(String, Vec<u8>)> = h
        .state()
        .keys()
        .map(|k| (k.to_owned(), h.state().get(k).unwrap().to_vec()))
        .collect();
    assert_eq!(after, state, "state is unchanged");
    assert_eq!(
        h.logs()
            .iter()
            .filter(|l| l.message.starts_with("dossier skipped"))
            .count(),
        4
    );
}

#[test]
fn state_carries_across_instances() {
    let mut h = harness();
    h.handle(&[simple("LS-0042", "processing", &at(21, 9))])
        .unwrap();
    h.restart().unwrap();
    let out = h.handle(&[TestEvent::tick(&at(28, 8))]).unwrap();
    assert_eq!(overdue_ids(&out), ["LS-0042"]);
}

#[test]
fn closed_dossiers_are_forgotten_after_retention_and_stay_forgotten() {
    let mut h = harness();
    let events = [
        simple("LS-0042", "received", &at(20, 8)),
        simple("LS-0042", "completed", &at(24, 10)),
    ];
    h.handle(&events).unwrap();
    assert!(h.state().get("dossier/LS-0042").is_some());
    assert!(h.state().keys().any(|k| k.starts_with("prune/")));
    // Seven days (the default retention) after it closed.
    h.handle(&[TestEvent::tick("2026-12-01T10:00:00+07:00")])
        .unwrap();
    assert!(
        h.state().get("dossier/LS-0042").is_some(),
        "not a second early"
    );
    h.handle(&[TestEvent::tick("2026-12-01T10:00:01+07:00")])
        .unwrap();
    assert_eq!(h.state().get("dossier/LS-0042"), None);
    assert!(
        !h.state()
            .keys()
            .any(|k| k.starts_with("prune/") || k.starts_with("due/"))
    );

    // A late redelivery cannot bring it back, nor count it twice.
    let out = h.handle(&events).unwrap();
    assert!(out.is_empty(), "{out:?}");
    assert_eq!(h.state().get("dossier/LS-0042"), None);
    assert_eq!(
        h.state()
            .get_json::<Value>("agency/so-tu-phap")
            .unwrap()
            .unwrap()["completed"],
        1
    );
}

#[test]
fn a_reopened_dossier_is_tracked_again_but_counted_complete_once() {
    let mut h = harness();
    h.handle(&[
        simple("LS-0042", "received", &at(20, 8)),
        simple("LS-0042", "completed", &at(24, 10)),
    ])
    .unwrap();
    // Corrected and sent back into processing, then completed again.
    let out = h
        .handle(&[
            simple("LS-0042", "processing", &at(25, 10)),
            TestEvent::tick(&at(28, 8)),
            simple("LS-0042", "completed", &at(28, 10)),
        ])
        .unwrap();
    assert_eq!(overdue_ids(&out), ["LS-0042"]);
    let stats: Value = h.state().get_json("agency/so-tu-phap").unwrap().unwrap();
    assert_eq!(
        (stats["completed"].as_u64(), stats["overdue"].as_u64()),
        (Some(1), Some(0))
    );
    assert!(!h.state().keys().any(|k| k.starts_with("due/")));
}

#[test]
fn unreadable_dossier_state_is_logged_and_started_afresh() {
    let mut h = harness();
    h.state_mut()
        .insert("dossier/LS-0042", b"{\"status\":\"lost\"}".to_vec());
    h.handle(&[simple("LS-0042", "processing", &at(21, 9))])
        .unwrap();
    let record: Record = h.state().get_json("dossier/LS-0042").unwrap().unwrap();
    assert_eq!(record.observed_at, 1_795_226_400);
    let log = &h.logs()[0];
    assert_eq!(log.message, cityhub_sdk::city::UNREADABLE);
    assert_eq!(log.field("key"), Some("dossier/LS-0042"));
}

#[test]
fn other_event_types_are_skipped_with_a_warning() {
    let mut h = harness();
    let out = h
        .handle(&[TestEvent::new("city.admin.survey").id("x-1")])
        .unwrap();
    assert!(out.is_empty());
    let log = &h.logs()[0];
    assert_eq!(log.message, "event skipped: not a dossier or a clock tick");
    assert_eq!(log.field("type"), Some("city.admin.survey"));
    assert!(h.state().is_empty());
}
