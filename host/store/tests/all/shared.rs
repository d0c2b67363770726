//! What nodes sharing a store rely on (the JetStream bus): done marks make
//! a repeated commit of an input refuse whole, a moved state version
//! refuses a commit made on older state, positions only move forward, and
//! a named lock is held by one store handle at a time. And what keeps two
//! hosts off one store when they would not share the work: the host claim.

use cityhub_store::{BatchCommit, Error, Shared, Store};

use crate::harness::events;

crate::suite!(
    a_repeated_input_refuses_the_whole_commit,
    a_commit_on_older_state_is_refused,
    one_holder_of_a_lock_at_a_time,
    one_host_claims_a_store_at_a_time,
);

fn commit<'a>(
    outputs: &'a [cityhub_cloudevents::CloudEvent],
    state: &'a [(String, Option<Vec<u8>>)],
    position: i64,
    shared: Shared<'a>,
) -> BatchCommit<'a> {
    BatchCommit {
        consumer: "route:r",
        position,
        origin: "p",
        outputs,
        plugin: "p",
        state,
        dead_letters: &[],
        replayed: &[],
        shared: Some(shared),
    }
}

async fn a_repeated_input_refuses_the_whole_commit(store: Store) {
    let input = store.append(&events("in", 3, "city.a")).await.unwrap();
    let seqs: Vec<i64> = input.iter().map(|a| a.seq()).collect();
    let (v, _) = store.load_state_versioned("p").await.unwrap();
    let first = events("out-a", 1, "city.b");
    store
        .commit_batch(&commit(
            &first,
            &[],
            seqs[1],
            Shared {
                done: &seqs[..2],
                state_version: v,
            },
        ))
        .await
        .unwrap();
    assert_eq!(
        store.done_among("route:r", &seqs).await.unwrap(),
        seqs[..2].iter().copied().collect()
    );
    // Another node redelivered seq 2 with seq 3: refused, nothing stored.
    let (v, _) = store.load_state_versioned("p").await.unwrap();
    let second = events("out-b", 1, "city.b");
    let err = store
        .commit_batch(&commit(
            &second,
            &[],
            seqs[2],
            Shared {
                done: &seqs[1..],
                state_version: v,
            },
        ))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Conflict { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("1 of the window's 2 events were already done"),
        "{err}"
    );
    assert_eq!(
        store.done_among("route:r", &seqs[2..]).await.unwrap().len(),
        0
    );
    assert_eq!(
        store.read_after(seqs[2], 10).await.unwrap().len(),
        1,
        "only the first output"
    );
    // Commits out of order: the position stays at the larger.
    store
        .commit_batch(&commit(
            &[],
            &[],
            seqs[0],
            Shared {
                done: &seqs[2..],
                state_version: v,
            },
        ))
        .await
        .unwrap();
    assert_eq!(store.position("route:r").await.unwrap(), seqs[1]);
    // A replay from seq 1 removes the marks after it.
    store.undo_done("route:r", seqs[0]).await.unwrap();
    assert_eq!(
        store.done_among("route:r", &seqs).await.unwrap(),
        [seqs[0]].into_iter().collect()
    );
}

async fn a_commit_on_older_state_is_refused(store: Store) {
    let input = store.append(&events("in", 2, "city.a")).await.unwrap();
    let (a, b) = (input[0].seq(), input[1].seq());
    let (v, state) = store.load_state_versioned("p").await.unwrap();
    assert!(state.is_empty());
    let write = [("k".to_owned(), Some(b"1".to_vec()))];
    store
        .commit_batch(&commit(
            &[],
            &write,
            a,
            Shared {
                done: &[a],
                state_version: v,
            },
        ))
        .await
        .unwrap();
    // A second node read version `v` too, before that commit.
    let other = [("k".to_owned(), Some(b"2".to_vec()))];
    let err = store
        .commit_batch(&commit(
            &[],
            &other,
            b,
            Shared {
                done: &[b],
                state_version: v,
            },
        ))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Conflict { .. }), "{err}");
    assert!(
        err.to_string().contains("state changed since version"),
        "{err}"
    );
    // Nothing of it applied: neither its write nor its mark.
    let (v2, state) = store.load_state_versioned("p").await.unwrap();
    assert_eq!(state, [("k".to_owned(), b"1".to_vec())]);
    assert_eq!(v2, v + 1);
    assert!(store.done_among("route:r", &[b]).await.unwrap().is_empty());
    // Run again on the new version: accepted.
    store
        .commit_batch(&commit(
            &[],
            &other,
            b,
            Shared {
                done: &[b],
                state_version: v2,
            },
        ))
        .await
        .unwrap();
    assert_eq!(
        store.load_state("p").await.unwrap(),
        [("k".to_owned(), b"2".to_vec())]
    );
}

async fn one_holder_of_a_lock_at_a_time(store: Store) {
    let mut held = store
        .try_lock("projection:ops")
        .await
        .unwrap()
        .expect("free");
    held.check().await.unwrap();
    assert_eq!(held.name(), "projection:ops");
    if store.backend() == cityhub_store::Backend::Postgres {
        // Another session (another node) cannot take it until it is dropped.
        assert!(store.try_lock("projection:ops").await.unwrap().is_none());
        assert!(store.try_lock("clock").await.unwrap().is_some());
        drop(held);
        let mut again = None;
        for _ in 0..50 {
            again = store.try_lock("projection:ops").await.unwrap();
            if again.is_some() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert!(
            again.is_some(),
            "the lock is free once its holder is dropped"
        );
    }
}

async fn one_host_claims_a_store_at_a_time(store: Store) {
    let claim = store.claim_host().await.expect("the store is free");
    // A second host (here: a second claim, on SQLite a second file handle
    // as another process would hold) is refused, and told who and why.
    let Err(Error::InUse {
        store: name,
        holder,
        fix,
    }) = store.claim_host().await
    else {
        panic!("a second claim was not refused");
    };
    let message = Error::InUse {
        store: name.clone(),
        holder: holder.clone(),
        fix,
    }
    .to_string();
    assert!(
        message.contains("two hosts would each deliver every event"),
        "{message}"
    );
    assert!(
        message.contains("`[bus] backend = \"jetstream\"`"),
        "{message}"
    );
    if store.backend() == cityhub_store::Backend::Sqlite {
        assert!(name.ends_with(".db`"), "names the database file: {name}");
        assert_eq!(
            holder,
            format!("the cityhub process {}", std::process::id())
        );
    }
    // Given up, the store can be claimed again (a restart).
    drop(claim);
    let mut again = None;
    for _ in 0..50 {
        if let Ok(c) = store.claim_host().await {
            again = Some(c);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(
        again.is_some(),
        "the store is free once its claim is dropped"
    );
}
