//! `commit_batch` and plugin state: all or nothing.

use cityhub_store::{Appended, BatchCommit, Error, Store};

use crate::harness::{event, events};

crate::suite!(
    commit_batch_applies_outputs_state_and_position,
    backwards_commit_changes_nothing,
    state_is_set_deleted_and_loaded_per_plugin,
);

fn set(key: &str, value: &[u8]) -> (String, Option<Vec<u8>>) {
    (key.to_owned(), Some(value.to_vec()))
}

fn delete(key: &str) -> (String, Option<Vec<u8>>) {
    (key.to_owned(), None)
}

async fn commit_batch_applies_outputs_state_and_position(store: Store) {
    let input = store
        .append(&events("in", 3, "city.traffic.reading"))
        .await
        .unwrap();
    let outputs = [
        event("urn:plugin/traffic", "out-1", "city.traffic.congestion"),
        event("urn:plugin/traffic", "out-1", "city.traffic.congestion"),
    ];
    let state = [set("count", b"3")];
    let commit = BatchCommit {
        dead_letters: &[],
        replayed: &[],
        shared: None,
        consumer: "traffic/readings",
        position: input[2].seq(),
        origin: "traffic",
        outputs: &outputs,
        plugin: "traffic",
        state: &state,
    };
    let got = store.commit_batch(&commit).await.unwrap();
    let Appended::New(seq) = got[0] else {
        panic!("{got:?}")
    };
    assert_eq!(got[1], Appended::Duplicate(seq));
    assert_eq!(
        store.position("traffic/readings").await.unwrap(),
        input[2].seq()
    );
    assert_eq!(
        store.load_state("traffic").await.unwrap(),
        [("count".to_owned(), b"3".to_vec())]
    );
    let stored = store.read_after(input[2].seq(), 10).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].origin.as_deref(), Some("traffic"));
    assert_eq!(stored[0].event, outputs[0]);

    // Redelivery after a crash: same outputs again, same position: idempotent.
    let again = store.commit_batch(&commit).await.unwrap();
    assert_eq!(again, [Appended::Duplicate(seq), Appended::Duplicate(seq)]);

    // An empty batch (no outputs, no state) just moves the position.
    let empty = BatchCommit {
        position: input[2].seq() + 1,
        outputs: &[],
        state: &[],
        ..commit
    };
    assert!(store.commit_batch(&empty).await.unwrap().is_empty());
    assert_eq!(
        store.position("traffic/readings").await.unwrap(),
        input[2].seq() + 1
    );
}

async fn backwards_commit_changes_nothing(store: Store) {
    store
        .append(&events("in", 5, "city.traffic.reading"))
        .await
        .unwrap();
    let before_state = [set("count", b"5"), set("keep", b"yes")];
    let first = BatchCommit {
        dead_letters: &[],
        replayed: &[],
        shared: None,
        consumer: "traffic/readings",
        position: 5,
        origin: "traffic",
        outputs: &[],
        plugin: "traffic",
        state: &before_state,
    };
    store.commit_batch(&first).await.unwrap();
    let last = store.last_seq().await.unwrap();

    let outputs = [event(
        "urn:plugin/traffic",
        "late",
        "city.traffic.congestion",
    )];
    let state = [set("count", b"999"), delete("keep"), set("new", b"x")];
    let backwards = BatchCommit {
        position: 4,
        outputs: &outputs,
        state: &state,
        ..first
    };
    let err = store.commit_batch(&backwards).await.unwrap_err();
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

    assert_eq!(store.last_seq().await.unwrap(), last);
    assert_eq!(store.position("traffic/readings").await.unwrap(), 5);
    assert_eq!(
        store.load_state("traffic").await.unwrap(),
        [
            ("count".to_owned(), b"5".to_vec()),
            ("keep".to_owned(), b"yes".to_vec())
        ]
    );
    // The event refused can still be committed properly later.
    let forward = BatchCommit {
        position: 6,
        ..backwards
    };
    assert!(store.commit_batch(&forward).await.unwrap()[0].is_new());
}

fn traffic(position: i64, state: &[(String, Option<Vec<u8>>)]) -> BatchCommit<'_> {
    BatchCommit {
        dead_letters: &[],
        replayed: &[],
        shared: None,
        consumer: "traffic/readings",
        position,
        origin: "traffic",
        outputs: &[],
        plugin: "traffic",
        state,
    }
}

async fn state_is_set_deleted_and_loaded_per_plugin(store: Store) {
    assert!(store.load_state("traffic").await.unwrap().is_empty());
    let raw = [0xffu8, 0x00, 0xfe];
    let first = [
        set("b", b"1"),
        set("a", &raw),
        set("gone", b"x"),
        set("b", b"2"),
    ];
    store.commit_batch(&traffic(1, &first)).await.unwrap();
    let air = [set("a", b"air")];
    // Same consumer cannot go back: nothing applied, not even to another plugin.
    store
        .commit_batch(&BatchCommit {
            plugin: "air",
            ..traffic(0, &air)
        })
        .await
        .unwrap_err();
    assert!(store.load_state("air").await.unwrap().is_empty());
    store
        .commit_batch(&BatchCommit {
            plugin: "air",
            consumer: "air/x",
            ..traffic(0, &air)
        })
        .await
        .unwrap();
    let second = [delete("gone"), delete("never-set"), set("đèn", b"xanh")];
    store.commit_batch(&traffic(2, &second)).await.unwrap();
    store
        .commit_batch(&traffic(3, &[set("c", b"tmp"), delete("c")]))
        .await
        .unwrap();

    assert_eq!(
        store.load_state("traffic").await.unwrap(),
        [
            ("a".to_owned(), raw.to_vec()),
            ("b".to_owned(), b"2".to_vec()),
            ("đèn".to_owned(), b"xanh".to_vec()),
        ]
    );
    assert_eq!(
        store.load_state("air").await.unwrap(),
        [("a".to_owned(), b"air".to_vec())]
    );
}
