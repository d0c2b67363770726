//! Retention deletes old events that consumers have passed, oldest first, in
//! chunks, and never the newest event.

use std::time::Duration;

use cityhub_cloudevents::{CloudEvent, EventType, Timestamp};
use cityhub_store::Store;

crate::suite!(retention_respects_cutoff_positions_and_the_newest_event);

fn event(id: &str) -> CloudEvent {
    CloudEvent::new(
        id,
        "/tests/retention",
        EventType::new("city.test.tick").unwrap(),
    )
}

async fn retention_respects_cutoff_positions_and_the_newest_event(store: Store) {
    let old: Vec<CloudEvent> = (0..5).map(|i| event(&format!("old-{i}"))).collect();
    store.append(&old).await.unwrap();
    tokio::time::sleep(Duration::from_millis(20)).await;
    let cutoff = Timestamp::now();
    tokio::time::sleep(Duration::from_millis(20)).await;
    store
        .append(&[event("new-0"), event("new-1")])
        .await
        .unwrap();
    let last = store.last_seq().await.unwrap();
    let first = last - 6;

    // A consumer has passed only the first three: only those may go.
    assert_eq!(
        store.delete_before(&cutoff, first + 2, 2).await.unwrap(),
        2,
        "one chunk of two"
    );
    assert_eq!(store.delete_before(&cutoff, first + 2, 2).await.unwrap(), 1);
    assert_eq!(store.delete_before(&cutoff, first + 2, 2).await.unwrap(), 0);
    let ids = |events: Vec<cityhub_store::StoredEvent>| {
        events.into_iter().map(|e| e.event.id).collect::<Vec<_>>()
    };
    assert_eq!(
        ids(store.read_after(0, 100).await.unwrap()),
        ["old-3", "old-4", "new-0", "new-1"]
    );

    // Everything passed and old: the newer events stay for being newer, and
    // with a cutoff in the future all but the newest go.
    assert_eq!(store.delete_before(&cutoff, last, 100).await.unwrap(), 2);
    let future = Timestamp::from_datetime(Timestamp::now().datetime() + Duration::from_secs(60));
    assert_eq!(store.delete_before(&future, last, 100).await.unwrap(), 1);
    assert_eq!(ids(store.read_after(0, 100).await.unwrap()), ["new-1"]);
    assert_eq!(
        store.last_seq().await.unwrap(),
        last,
        "the newest event is never deleted"
    );
}
