//! The Open311 read model: created, replaced, searched, with its position.

use cityhub_cloudevents::Timestamp;
use cityhub_store::{ProjectionMode, ServiceRequestQuery, ServiceRequestRow, Store};

crate::suite!(
    reports_are_created_replaced_and_found_with_the_position,
    searches_filter_by_id_code_status_and_time_newest_first,
);

fn row(id: &str, code: &str, status: &str, at: &str, seq: i64) -> ServiceRequestRow {
    ServiceRequestRow {
        id: id.to_owned(),
        service_code: code.to_owned(),
        status: status.to_owned(),
        requested_at: Timestamp::parse(at).unwrap(),
        seq,
        view: format!(
            r#"{{"service_request_id":"{id}","status":"{status}","description":"Ổ gà sâu trên Quốc lộ 1A"}}"#
        ),
    }
}

async fn reports_are_created_replaced_and_found_with_the_position(store: Store) {
    let c = "projection:open311";
    let submitted = row("r1", "o-ga", "open", "2026-11-27T08:00:00+07:00", 3);
    store
        .project_service_requests(c, 3, vec![(ProjectionMode::Create, submitted.clone())])
        .await
        .unwrap();
    assert_eq!(store.position(c).await.unwrap(), 3);
    let got = store.service_request("r1").await.unwrap().unwrap();
    assert_eq!(got.view, submitted.view, "text comes back byte for byte");
    assert_eq!(
        got.requested_at.datetime(),
        submitted.requested_at.datetime()
    );

    let mut closed = row("r1", "o-ga", "closed", "2026-11-27T08:00:00+07:00", 7);
    closed.view = r#"{"status":"closed","agency_responsible":"Sở GTVT"}"#.to_owned();
    store
        .project_service_requests(c, 7, vec![(ProjectionMode::Replace, closed.clone())])
        .await
        .unwrap();
    // A redelivered submission does not undo a later view.
    store
        .project_service_requests(c, 8, vec![(ProjectionMode::Create, submitted)])
        .await
        .unwrap();
    let got = store.service_request("r1").await.unwrap().unwrap();
    assert_eq!((got.status.as_str(), got.seq), ("closed", 7));
    assert_eq!(got.view, closed.view);
    assert_eq!(store.position(c).await.unwrap(), 8);
    assert_eq!(store.service_request("nope").await.unwrap(), None);
    // The position never goes back, and then nothing of the window applies.
    let err = store
        .project_service_requests(
            c,
            5,
            vec![(
                ProjectionMode::Replace,
                row("r2", "x", "open", "2026-11-27T08:00:00+07:00", 5),
            )],
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("cannot move back"), "{err}");
    assert_eq!(store.service_request("r2").await.unwrap(), None);
}

async fn searches_filter_by_id_code_status_and_time_newest_first(store: Store) {
    let rows = vec![
        row("a", "o-ga", "open", "2026-11-01T08:00:00+07:00", 1),
        row("b", "rac-thai", "closed", "2026-11-02T08:00:00+07:00", 2),
        row("c", "o-ga", "closed", "2026-11-03T08:00:00+07:00", 3),
        row("d", "ngap", "open", "2026-11-04T08:00:00+07:00", 4),
    ];
    store
        .project_service_requests(
            "projection:open311",
            4,
            rows.into_iter()
                .map(|r| (ProjectionMode::Create, r))
                .collect(),
        )
        .await
        .unwrap();
    let ids = |q: ServiceRequestQuery| {
        let store = store.clone();
        async move {
            let q = ServiceRequestQuery { limit: 100, ..q };
            store
                .service_requests(&q)
                .await
                .unwrap()
                .into_iter()
                .map(|r| r.id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        ids(ServiceRequestQuery::default()).await,
        ["d", "c", "b", "a"]
    );
    let q = ServiceRequestQuery {
        service_codes: vec!["o-ga".into(), "ngap".into()],
        ..Default::default()
    };
    assert_eq!(ids(q).await, ["d", "c", "a"]);
    let q = ServiceRequestQuery {
        statuses: vec!["closed".into()],
        ..Default::default()
    };
    assert_eq!(ids(q).await, ["c", "b"]);
    let q = ServiceRequestQuery {
        ids: vec!["a".into(), "d".into(), "zz".into()],
        statuses: vec!["open".into()],
        ..Default::default()
    };
    assert_eq!(ids(q).await, ["d", "a"]);
    let q = ServiceRequestQuery {
        start: Some(Timestamp::parse("2026-11-02T01:00:00Z").unwrap()),
        end: Some(Timestamp::parse("2026-11-03T08:00:00+07:00").unwrap()),
        ..Default::default()
    };
    assert_eq!(ids(q).await, ["c", "b"], "both ends are inclusive");
    let q = ServiceRequestQuery {
        limit: 2,
        ..Default::default()
    };
    assert_eq!(
        store.service_requests(&q).await.unwrap().len(),
        2,
        "at most `limit`"
    );
}
