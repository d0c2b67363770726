//! The ops read model on both backends: every write rule (KPI trend and
//! history, alert episodes and operator actions, places, the now) and every
//! read the ops API makes.

use cityhub_cloudevents::Timestamp;
use cityhub_store::{
    AlertAction, AlertQuery, AlertUpdate, KpiUpdate, OpsWindow, Place, PlaceChange, Store,
};

crate::suite!(
    kpis_keep_the_previous_value_a_trend_and_48_hours_of_history,
    alerts_follow_the_plugin_and_the_operators_episode_by_episode,
    an_operators_resolution_stands_and_unknown_alerts_take_no_action,
    alerts_are_ranked_filtered_and_counted,
    places_are_upserted_inserted_if_absent_and_deleted,
    the_now_never_moves_back_and_commits_with_the_position,
);

const C: &str = "projection:ops";

fn t(text: &str) -> Timestamp {
    Timestamp::parse(text).unwrap()
}

/// 27 November 2026 at `hm` in the province.
fn at(hm: &str) -> Timestamp {
    t(&format!("2026-11-27T{hm}:00+07:00"))
}

fn ms(ts: &Timestamp) -> i64 {
    i64::try_from(ts.datetime().unix_timestamp_nanos() / 1_000_000).unwrap()
}

fn kpi(id: &str, sector: &str, value: f64, when: Timestamp, seq: i64) -> KpiUpdate {
    KpiUpdate {
        id: id.into(),
        sector: sector.into(),
        data: format!(r#"{{"id":"{id}","kpiValue":{value},"scopeName":"Bệnh viện Đa khoa tỉnh"}}"#),
        value,
        standing: Some("good".into()),
        updated_at: when,
        seq,
    }
}

fn alert(id: &str, status: &str, severity: &str, when: Timestamp, seq: i64) -> AlertUpdate {
    AlertUpdate {
        alert_id: id.into(),
        sector: "ioc".into(),
        severity: severity.into(),
        status: status.into(),
        data: format!(
            r#"{{"alertId":"{id}","status":"{status}","title":{{"vi":"Ùn ứ","en":"Queue"}}}}"#
        ),
        at: when,
        seq,
    }
}

fn action(id: &str, what: &str, when: Timestamp, seq: i64) -> AlertAction {
    AlertAction {
        seq,
        alert_id: id.into(),
        action: what.into(),
        by: "Nguyễn Văn An".into(),
        at: when,
        agency: (what == "assign").then(|| "Sở Công Thương".into()),
        deadline: (what == "assign").then(|| at("12:00")),
        note: Some(format!("{what} ghi chú")),
    }
}

/// Commits `window` at `position`.
async fn commit(store: &Store, position: i64, window: OpsWindow) {
    store.project_ops(C, position, window).await.unwrap();
}

async fn kpis_keep_the_previous_value_a_trend_and_48_hours_of_history(store: Store) {
    let id = "kpi/health/bed-occupancy/bvdk-tinh";
    let mut w = OpsWindow::default();
    w.saw(&at("07:00"));
    w.kpi(kpi(id, "health", 0.85, at("07:00"), 1));
    w.kpi(kpi(
        "kpi/traffic/border-queue/huu-nghi",
        "traffic",
        2400.0,
        at("07:00"),
        2,
    ));
    commit(&store, 2, w).await;
    let health = store.ops_kpis(Some("health")).await.unwrap();
    assert_eq!(health.len(), 1, "{health:?}");
    let k = &health[0];
    assert_eq!((k.trend.as_str(), k.previous, k.value), ("new", None, 0.85));
    assert_eq!(k.updated_at.as_str(), "2026-11-27T07:00:00+07:00");
    assert!(
        k.data.contains("Bệnh viện Đa khoa tỉnh"),
        "JSON text comes back as written"
    );
    assert_eq!(k.standing.as_deref(), Some("good"));

    // Two values in one window: the second sees the first as previous.
    let mut w = OpsWindow::default();
    w.kpi(kpi(id, "health", 0.87, at("08:00"), 3));
    let mut bad = kpi(id, "health", 0.87, at("09:00"), 4);
    bad.standing = Some("bad".into());
    w.kpi(bad);
    commit(&store, 4, w).await;
    let k = &store.ops_kpis(Some("health")).await.unwrap()[0];
    assert_eq!(
        (k.trend.as_str(), k.previous, k.seq),
        ("steady", Some(0.87), 4)
    );
    assert_eq!(k.standing.as_deref(), Some("bad"));
    let mut w = OpsWindow::default();
    w.kpi(kpi(id, "health", 0.80, at("10:00"), 5));
    commit(&store, 5, w).await;
    let k = &store.ops_kpis(Some("health")).await.unwrap()[0];
    assert_eq!((k.trend.as_str(), k.previous), ("down", Some(0.87)));
    let all = store.ops_kpis(None).await.unwrap();
    let ids: Vec<_> = all.iter().map(|k| k.id.as_str()).collect();
    assert_eq!(
        ids,
        [id, "kpi/traffic/border-queue/huu-nghi"],
        "by sector then id"
    );
    let mut w = OpsWindow::default();
    w.kpi(kpi(id, "health", 0.9, at("11:00"), 6));
    commit(&store, 6, w).await;
    assert_eq!(store.ops_kpis(Some("health")).await.unwrap()[0].trend, "up");

    // History: every value, by id then time; `since` is inclusive.
    let ids = vec![
        id.to_owned(),
        "kpi/traffic/border-queue/huu-nghi".to_owned(),
    ];
    let points = store.ops_kpi_points(&ids, ms(&at("08:00"))).await.unwrap();
    let got: Vec<_> = points
        .iter()
        .map(|(k, p)| (k.as_str(), p.at_ms, p.value))
        .collect();
    assert_eq!(
        got,
        [
            (id, ms(&at("08:00")), 0.87),
            (id, ms(&at("09:00")), 0.87),
            (id, ms(&at("10:00")), 0.80),
            (id, ms(&at("11:00")), 0.9),
        ]
    );
    assert_eq!(store.ops_kpi_points(&[], 0).await.unwrap(), []);

    // The now moves 48 h past 08:30: points before 08:30 go.
    let mut w = OpsWindow::default();
    w.saw(&t("2026-11-29T08:30:00+07:00"));
    commit(&store, 7, w).await;
    let points = store.ops_kpi_points(&ids, 0).await.unwrap();
    let kept: Vec<_> = points.iter().map(|(_, p)| p.at_ms).collect();
    assert_eq!(kept, [ms(&at("09:00")), ms(&at("10:00")), ms(&at("11:00"))]);
}

async fn alerts_follow_the_plugin_and_the_operators_episode_by_episode(store: Store) {
    let id = "ioc/border/huu-nghi";
    let mut w = OpsWindow::default();
    w.alert(alert(id, "open", "high", at("07:00"), 1));
    w.action(action(id, "ack", at("07:01"), 2));
    commit(&store, 2, w).await;
    let a = store.ops_alert(id).await.unwrap().unwrap();
    assert_eq!(
        (a.state.as_str(), a.status.as_str()),
        ("acknowledged", "open")
    );
    let ack = a.acknowledged.unwrap();
    assert_eq!(
        (ack.by.as_str(), ack.at.clone()),
        ("Nguyễn Văn An", at("07:01"))
    );
    assert_eq!(ack.note.as_deref(), Some("ack ghi chú"));
    assert!(a.data.contains("Ùn ứ"));

    // Assigned, then re-announced critical: the operators' state stays.
    let mut w = OpsWindow::default();
    w.action(action(id, "assign", at("07:05"), 3));
    w.alert(alert(id, "open", "critical", at("07:10"), 4));
    commit(&store, 4, w).await;
    let a = store.ops_alert(id).await.unwrap().unwrap();
    assert_eq!(
        (a.state.as_str(), a.severity.as_str(), a.seq),
        ("assigned", "critical", 4)
    );
    let assigned = a.assigned.unwrap();
    assert_eq!(
        (assigned.agency.as_str(), assigned.deadline.clone()),
        ("Sở Công Thương", at("12:00"))
    );
    assert_eq!(assigned.mark.at, at("07:05"));
    assert_eq!(
        (a.opened_at.clone(), a.updated_at.clone()),
        (at("07:00"), at("07:10"))
    );
    assert!(a.acknowledged.is_some());

    // The plugin resolves it: resolved by `system` at the event time.
    let mut w = OpsWindow::default();
    w.alert(alert(id, "resolved", "critical", at("08:00"), 5));
    commit(&store, 5, w).await;
    let a = store.ops_alert(id).await.unwrap().unwrap();
    assert_eq!(
        (a.state.as_str(), a.status.as_str()),
        ("resolved", "resolved")
    );
    let r = a.resolved.unwrap();
    assert_eq!(
        (r.by.as_str(), r.at.clone(), r.note),
        ("system", at("08:00"), None)
    );

    // Open again: a new episode.
    let mut w = OpsWindow::default();
    w.alert(alert(id, "open", "high", at("09:00"), 6));
    commit(&store, 6, w).await;
    let a = store.ops_alert(id).await.unwrap().unwrap();
    assert_eq!(
        (a.state.as_str(), a.opened_at.clone()),
        ("open", at("09:00"))
    );
    assert_eq!((a.acknowledged, a.assigned, a.resolved), (None, None, None));

    // Every action, oldest first, across episodes.
    let actions = store.ops_alert_actions(id).await.unwrap();
    assert_eq!(
        actions,
        [
            action(id, "ack", at("07:01"), 2),
            action(id, "assign", at("07:05"), 3)
        ]
    );
    assert_eq!(store.ops_alert_actions("nope").await.unwrap(), []);
    assert_eq!(store.ops_alert("nope").await.unwrap(), None);

    // An alert first seen resolved is stored resolved.
    let mut w = OpsWindow::default();
    w.alert(alert(
        "health/capacity/bvdk-tinh",
        "resolved",
        "high",
        at("09:30"),
        7,
    ));
    commit(&store, 7, w).await;
    let a = store
        .ops_alert("health/capacity/bvdk-tinh")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (a.state.as_str(), a.resolved.map(|m| m.by)),
        ("resolved", Some("system".into()))
    );
}

async fn an_operators_resolution_stands_and_unknown_alerts_take_no_action(store: Store) {
    let id = "tourism/crowding/mau-son";
    let mut w = OpsWindow::default();
    w.alert(alert(id, "open", "high", at("07:00"), 1));
    w.action(action(id, "resolve", at("07:30"), 2));
    w.action(action(id, "ack", at("07:31"), 3));
    w.action(action("ghost", "ack", at("07:32"), 4));
    w.alert(alert(id, "resolved", "high", at("08:00"), 5));
    commit(&store, 5, w).await;
    let a = store.ops_alert(id).await.unwrap().unwrap();
    assert_eq!(
        (a.state.as_str(), a.status.as_str(), a.seq),
        ("resolved", "resolved", 5)
    );
    let r = a.resolved.unwrap();
    assert_eq!(
        (r.by.as_str(), r.at.clone()),
        ("Nguyễn Văn An", at("07:30"))
    );
    assert_eq!(
        a.acknowledged, None,
        "an ack after the resolution changes nothing"
    );
    let kinds: Vec<_> = store
        .ops_alert_actions(id)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.action)
        .collect();
    assert_eq!(kinds, ["resolve", "ack"], "both are kept as history");
    assert_eq!(store.ops_alert("ghost").await.unwrap(), None);
    assert_eq!(store.ops_alert_actions("ghost").await.unwrap(), []);
    assert_eq!(store.position(C).await.unwrap(), 5);
}

async fn alerts_are_ranked_filtered_and_counted(store: Store) {
    let mut w = OpsWindow::default();
    w.alert(alert("a-medium", "open", "medium", at("07:00"), 1));
    w.alert(alert("b-critical-old", "open", "critical", at("07:00"), 2));
    w.alert(alert("c-critical-new", "open", "critical", at("08:00"), 3));
    w.alert(alert("d-high-resolved", "resolved", "high", at("09:00"), 4));
    let mut health = alert("e-informational", "open", "informational", at("09:00"), 5);
    health.sector = "health".into();
    w.alert(health);
    w.alert(alert("f-low", "open", "low", at("06:00"), 6));
    w.action(action("f-low", "assign", at("06:30"), 7));
    commit(&store, 7, w).await;
    let ids = |q: AlertQuery| {
        let store = store.clone();
        async move {
            let rows = store.ops_alerts(&q).await.unwrap();
            rows.into_iter().map(|a| a.alert_id).collect::<Vec<_>>()
        }
    };
    assert_eq!(
        ids(AlertQuery::default()).await,
        [
            "c-critical-new",
            "b-critical-old",
            "d-high-resolved",
            "a-medium",
            "f-low",
            "e-informational"
        ]
    );
    let open = |states: &[&str]| AlertQuery {
        states: states.iter().map(|s| s.to_string()).collect(),
        ..AlertQuery::default()
    };
    assert_eq!(ids(open(&["assigned"])).await, ["f-low"]);
    assert_eq!(ids(open(&["resolved"])).await, ["d-high-resolved"]);
    let q = AlertQuery {
        sector: Some("ioc".into()),
        states: vec!["open".into(), "acknowledged".into(), "assigned".into()],
        severities: vec!["critical".into(), "low".into(), "informational".into()],
        limit: 2,
    };
    assert_eq!(ids(q).await, ["c-critical-new", "b-critical-old"]);
    let q = AlertQuery {
        sector: Some("health".into()),
        ..AlertQuery::default()
    };
    assert_eq!(ids(q).await, ["e-informational"]);

    let counts = store.ops_alert_counts(None).await.unwrap();
    let expected = [
        ("critical", 2),
        ("informational", 1),
        ("low", 1),
        ("medium", 1),
    ];
    let expected: Vec<_> = expected.iter().map(|(s, n)| (s.to_string(), *n)).collect();
    assert_eq!(counts, expected, "resolved alerts are not counted");
    let ioc = store.ops_alert_counts(Some("health")).await.unwrap();
    assert_eq!(ioc, [("informational".to_string(), 1)]);
}

fn place(layer: &str, id: &str, props: &str, seq: i64) -> Place {
    Place {
        layer: layer.into(),
        id: id.into(),
        lon: 106.7,
        lat: 21.98,
        name: r#"{"vi":"Cửa khẩu Quốc tế Hữu Nghị","en":"Hữu Nghị International Border Gate"}"#
            .into(),
        props: props.into(),
        updated_at: at("07:00"),
        seq,
    }
}

async fn places_are_upserted_inserted_if_absent_and_deleted(store: Store) {
    let mut w = OpsWindow::default();
    w.place(PlaceChange::Upsert(place(
        "gate",
        "huu-nghi",
        r#"{"queueLength":2400}"#,
        1,
    )));
    w.place(PlaceChange::Upsert(place(
        "segment",
        "QL1A-km2",
        r#"{"level":"heavy"}"#,
        2,
    )));
    w.place(PlaceChange::Upsert(place(
        "incident",
        "inc-1",
        r#"{"category":"accident"}"#,
        3,
    )));
    commit(&store, 3, w).await;

    let mut w = OpsWindow::default();
    // A reading neither overwrites a stored segment nor is lost for a new one.
    w.place(PlaceChange::InsertIfAbsent(place(
        "segment",
        "QL1A-km2",
        r#"{"level":"free"}"#,
        4,
    )));
    w.place(PlaceChange::InsertIfAbsent(place(
        "segment",
        "QL4A-km8",
        r#"{"level":"free"}"#,
        5,
    )));
    w.place(PlaceChange::Upsert(place(
        "gate",
        "huu-nghi",
        r#"{"queueLength":2500}"#,
        6,
    )));
    w.place(PlaceChange::Delete {
        layer: "incident".into(),
        id: "inc-1".into(),
    });
    commit(&store, 6, w).await;

    let all = store.ops_places(&[]).await.unwrap();
    let got: Vec<_> = all
        .iter()
        .map(|p| (p.layer.as_str(), p.id.as_str(), p.props.as_str(), p.seq))
        .collect();
    assert_eq!(
        got,
        [
            ("gate", "huu-nghi", r#"{"queueLength":2500}"#, 6),
            ("segment", "QL1A-km2", r#"{"level":"heavy"}"#, 2),
            ("segment", "QL4A-km8", r#"{"level":"free"}"#, 5),
        ]
    );
    assert_eq!(
        all[0],
        place("gate", "huu-nghi", r#"{"queueLength":2500}"#, 6),
        "every column round-trips"
    );
    let gates = store
        .ops_places(&["gate".into(), "site".into()])
        .await
        .unwrap();
    assert_eq!(gates.len(), 1);
}

async fn the_now_never_moves_back_and_commits_with_the_position(store: Store) {
    assert_eq!(store.ops_now().await.unwrap(), None);
    let mut w = OpsWindow::default();
    w.saw(&at("08:00"));
    commit(&store, 1, w).await;
    assert_eq!(store.ops_now().await.unwrap(), Some(at("08:00")));
    let mut w = OpsWindow::default();
    w.saw(&t("2026-11-27T00:30:00Z"));
    commit(&store, 2, w).await;
    assert_eq!(
        store.ops_now().await.unwrap(),
        Some(at("08:00")),
        "older times do not move it"
    );
    commit(&store, 3, OpsWindow::default()).await;
    assert_eq!(store.position(C).await.unwrap(), 3);

    // A window whose position would move back applies nothing.
    let mut w = OpsWindow::default();
    w.saw(&at("10:00"));
    w.kpi(kpi("kpi/health", "health", 1.0, at("10:00"), 2));
    let err = store.project_ops(C, 2, w).await.unwrap_err();
    assert!(err.to_string().contains("cannot move back"), "{err}");
    assert_eq!(store.ops_now().await.unwrap(), Some(at("08:00")));
    assert_eq!(store.ops_kpis(None).await.unwrap(), []);
}
