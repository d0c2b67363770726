//! Consumer positions: start at 0, move forward only.

use cityhub_store::{Error, Store};

crate::suite!(
    positions_start_at_zero_and_move_forward_only,
    a_new_consumer_starts_where_it_is_told_once,
);

async fn positions_start_at_zero_and_move_forward_only(store: Store) {
    assert_eq!(store.position("traffic/readings").await.unwrap(), 0);
    store.set_position("traffic/readings", 5).await.unwrap();
    store.set_position("traffic/readings", 5).await.unwrap();
    store.set_position("air/readings", 2).await.unwrap();
    assert_eq!(store.position("traffic/readings").await.unwrap(), 5);

    let err = store.set_position("traffic/readings", 4).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::PositionBackwards {
                current: 5,
                requested: 4,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("consumer `traffic/readings` is at position 5 and cannot move back to 4")
    );
    assert_eq!(store.position("traffic/readings").await.unwrap(), 5);

    store.set_position("traffic/readings", 9).await.unwrap();
    assert_eq!(store.position("traffic/readings").await.unwrap(), 9);
    assert_eq!(store.position("air/readings").await.unwrap(), 2);
    let err = store.set_position("new", -1).await.unwrap_err();
    assert!(
        err.to_string()
            .contains("position -1 for consumer `new` is negative"),
        "{err}"
    );
    assert_eq!(store.position("new").await.unwrap(), 0);
}

async fn a_new_consumer_starts_where_it_is_told_once(store: Store) {
    assert_eq!(store.position_or_init("route:new", 42).await.unwrap(), 42);
    // Stored: a later start (after a crash) keeps the first starting point.
    assert_eq!(store.position_or_init("route:new", 99).await.unwrap(), 42);
    assert_eq!(store.position("route:new").await.unwrap(), 42);
    store.set_position("route:old", 7).await.unwrap();
    assert_eq!(store.position_or_init("route:old", 99).await.unwrap(), 7);
}
