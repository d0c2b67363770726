//! Dead letters: written with their batch, listed, replayed, failed again,
//! counted; and rewinding a consumer for a replay.

use cityhub_store::{
    BatchCommit, DeadLetterQuery, DeadLetterStatus, NewDeadLetter, Store, StoredEvent,
};

use crate::harness::events;

crate::suite!(
    dead_letters_commit_with_their_batch_and_replay,
    replay_requests_touch_only_dead_letters_of_the_route,
    rewind_moves_a_consumer_back_to_a_time,
);

fn letter<'a>(route: &'a str, e: &'a StoredEvent, replay_of: Option<i64>) -> NewDeadLetter<'a> {
    NewDeadLetter {
        replay_of,
        route,
        plugin: "hostile",
        plugin_version: "0.1.0",
        seq: e.seq,
        event: &e.event,
        failure: "trap",
        reason: "plugin trapped: unreachable",
        attempts: 3,
    }
}

fn commit<'a>(
    consumer: &'a str,
    position: i64,
    letters: &'a [NewDeadLetter<'a>],
    replayed: &'a [i64],
) -> BatchCommit<'a> {
    BatchCommit {
        consumer,
        position,
        origin: "hostile",
        outputs: &[],
        plugin: "hostile",
        state: &[],
        dead_letters: letters,
        replayed,
        shared: None,
    }
}

async fn read_all(store: &Store) -> Vec<StoredEvent> {
    store.read_after(0, 1000).await.unwrap()
}

async fn dead_letters_commit_with_their_batch_and_replay(store: Store) {
    store
        .append(&events("in", 3, "test.hostile.panic"))
        .await
        .unwrap();
    let log = read_all(&store).await;
    let letters = [letter("r", &log[0], None), letter("r", &log[2], None)];
    store
        .commit_batch(&commit("route:r", log[2].seq, &letters, &[]))
        .await
        .unwrap();
    assert_eq!(store.position("route:r").await.unwrap(), log[2].seq);

    let all = store
        .dead_letters(&DeadLetterQuery {
            limit: 10,
            ..DeadLetterQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
    let first = &all[0];
    assert_eq!(
        (
            first.route.as_str(),
            first.seq,
            first.attempts,
            first.status
        ),
        ("r", log[0].seq, 3, DeadLetterStatus::Dead)
    );
    assert_eq!(first.event, log[0].event, "the event is kept whole");
    assert_eq!(first.reason, "plugin trapped: unreachable");
    assert!(first.replayed_at.is_none());

    // Ask for a replay; it shows up as pending for the route.
    let ids = store
        .request_replay(Some("r"), Some(&[first.id]))
        .await
        .unwrap();
    assert_eq!(ids, vec![first.id]);
    let pending = store.pending_replays("r", 10).await.unwrap();
    assert_eq!(pending.iter().map(|d| d.id).collect::<Vec<_>>(), ids);

    // It fails again: back to dead, attempts added up, new reason.
    let mut again = letter("r", &log[0], Some(first.id));
    again.reason = "still broken";
    again.attempts = 1;
    store
        .commit_batch(&commit("route:r", log[2].seq, &[again], &[]))
        .await
        .unwrap();
    let d = store.dead_letter(first.id).await.unwrap().unwrap();
    assert_eq!(
        (d.status, d.attempts, d.reason.as_str()),
        (DeadLetterStatus::Dead, 4, "still broken")
    );
    assert_eq!(all.len(), 2, "no new letter for a replay that failed");

    // Replayed successfully.
    store.request_replay(None, Some(&[d.id])).await.unwrap();
    store
        .commit_batch(&commit("route:r", log[2].seq, &[], &[d.id]))
        .await
        .unwrap();
    let d = store.dead_letter(d.id).await.unwrap().unwrap();
    assert_eq!(d.status, DeadLetterStatus::Replayed);
    assert!(d.replayed_at.is_some());

    let counts = store.dead_letter_counts().await.unwrap();
    assert_eq!(
        counts,
        vec![
            ("r".to_owned(), DeadLetterStatus::Dead, 1),
            ("r".to_owned(), DeadLetterStatus::Replayed, 1),
        ]
    );
}

async fn replay_requests_touch_only_dead_letters_of_the_route(store: Store) {
    store
        .append(&events("x", 4, "test.hostile.panic"))
        .await
        .unwrap();
    let log = read_all(&store).await;
    let letters = [
        letter("a", &log[0], None),
        letter("a", &log[1], None),
        letter("b", &log[2], None),
    ];
    store
        .commit_batch(&commit("route:a", log[3].seq, &letters, &[]))
        .await
        .unwrap();
    let a = store.request_replay(Some("a"), None).await.unwrap();
    assert_eq!(a.len(), 2);
    // Asking again changes nothing: they are already replaying.
    assert!(
        store
            .request_replay(Some("a"), None)
            .await
            .unwrap()
            .is_empty()
    );
    // An id of another route is not touched when a route is given.
    let b_id = store
        .dead_letters(&DeadLetterQuery {
            route: Some("b".into()),
            limit: 10,
            ..DeadLetterQuery::default()
        })
        .await
        .unwrap()[0]
        .id;
    assert!(
        store
            .request_replay(Some("a"), Some(&[b_id]))
            .await
            .unwrap()
            .is_empty()
    );
    let replaying = store
        .dead_letters(&DeadLetterQuery {
            status: Some(DeadLetterStatus::Replaying),
            limit: 10,
            ..DeadLetterQuery::default()
        })
        .await
        .unwrap();
    assert!(replaying.iter().all(|d| d.route == "a") && replaying.len() == 2);
    // Paging by id.
    let page = store
        .dead_letters(&DeadLetterQuery {
            after: Some(replaying[0].id),
            limit: 1,
            ..DeadLetterQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(page[0].id, replaying[1].id);
}

async fn rewind_moves_a_consumer_back_to_a_time(store: Store) {
    store
        .append(&events("early", 3, "city.traffic.reading"))
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let later = cityhub_cloudevents::Timestamp::now();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    store
        .append(&events("late", 2, "city.traffic.reading"))
        .await
        .unwrap();
    let log = read_all(&store).await;
    let last = log.last().unwrap().seq;
    store.set_position("route:r", last).await.unwrap();
    let before = store.position_before(&later).await.unwrap();
    assert_eq!(before, log[2].seq, "just before the first late event");
    store.rewind("route:r", before).await.unwrap();
    assert_eq!(store.position("route:r").await.unwrap(), before);
    // Nothing recorded after a time: the end of the log.
    let future = cityhub_cloudevents::Timestamp::parse("2999-01-01T00:00:00Z").unwrap();
    assert_eq!(store.position_before(&future).await.unwrap(), last);
    assert!(store.rewind("route:r", -1).await.is_err());
}
