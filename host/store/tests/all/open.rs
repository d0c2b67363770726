//! Opening stores: SQLite files, reopening, URL errors, secrets kept out of messages.

use std::sync::{
    Arc,
    atomic::{AtomicBool, Ordering},
};

use cityhub_store::{Appended, Backend, BatchCommit, Error, Store};
use sqlx::{Connection, Row, SqliteConnection};

use crate::harness::{event, events};

#[tokio::test]
async fn reopening_a_sqlite_file_shows_everything() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/folder/events.db");
    let url = format!("sqlite://{}", path.display());
    let store = Store::open(&url).await.unwrap();
    assert_eq!(store.backend(), Backend::Sqlite);
    let mut vietnamese = event("urn:phường", "một", "city.traffic.reading");
    vietnamese.subject = Some("Hồ Con Rùa".into());
    let appended = store.append(&[vietnamese.clone()]).await.unwrap();
    store
        .append(&events("more", 3, "city.air.reading"))
        .await
        .unwrap();
    let state = [("k".to_owned(), Some(vec![0xff, 0x01]))];
    let commit = BatchCommit {
        dead_letters: &[],
        replayed: &[],
        shared: None,
        consumer: "c",
        position: 4,
        origin: "p",
        outputs: &[event("urn:p", "o", "city.out")],
        plugin: "p",
        state: &state,
    };
    store.commit_batch(&commit).await.unwrap();
    let before = store.read_after(0, 100).await.unwrap();
    store.close().await;

    let store = Store::open(&url).await.unwrap();
    assert_eq!(store.read_after(0, 100).await.unwrap(), before);
    assert_eq!(before.len(), 5);
    assert_eq!(before[0].event, vietnamese);
    assert_eq!(store.position("c").await.unwrap(), 4);
    assert_eq!(
        store.load_state("p").await.unwrap(),
        [("k".to_owned(), vec![0xff, 0x01])]
    );
    assert_eq!(
        store.append(&[vietnamese]).await.unwrap()[0],
        Appended::Duplicate(appended[0].seq())
    );
    let next = store.append(&events("after", 1, "city.x")).await.unwrap();
    assert!(next[0].seq() > before[4].seq);
    store.close().await;

    // WAL mode is a property of the file; synchronous is per connection.
    let mut conn = SqliteConnection::connect(&url).await.unwrap();
    let mode: String = sqlx::query("PRAGMA journal_mode")
        .fetch_one(&mut conn)
        .await
        .unwrap()
        .get(0);
    assert_eq!(mode, "wal");
}

#[tokio::test]
async fn durable_full_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}?durable=full",
        dir.path().join("e.db").display()
    );
    let store = Store::open(&url).await.unwrap();
    assert!(
        store
            .append(&events("d", 2, "city.x"))
            .await
            .unwrap()
            .iter()
            .all(|a| a.is_new())
    );
    store.close().await;
}

#[tokio::test]
async fn bad_urls_are_refused_saying_what_to_do() {
    for (url, want) in [
        (
            "sqlite::memory:",
            "the host needs a file: use e.g. `sqlite://.cityhub/events.db`",
        ),
        ("sqlite://:memory:", "in-memory SQLite database"),
        (
            "sqlite://e.db?durable=sometimes",
            "invalid option `durable=sometimes`",
        ),
        (
            "mysql://root:hunter2@db/x",
            "store URL `mysql://root:***@db/x` is not supported",
        ),
        ("/var/lib/events.db", "use `sqlite://path/to/file.db`"),
    ] {
        let err = Store::open(url).await.unwrap_err().to_string();
        assert!(err.contains(want), "{url}: {err}");
        assert!(!err.contains("hunter2"), "{err}");
    }
}

#[tokio::test]
async fn postgres_errors_never_show_the_password() {
    // A database error, not a refused connection (which the pool retries for 30 s).
    let url = "postgres://postgres:hunter2@127.0.0.1:5432/cityhub_no_such_database";
    let err = Store::open(url).await.unwrap_err();
    assert!(matches!(err, Error::Open { .. }), "{err:?}");
    let shown = format!("{err} {err:?}");
    assert!(
        shown.contains("`postgres://postgres:***@127.0.0.1:5432/cityhub_no_such_database`"),
        "{shown}"
    );
    assert!(shown.contains("does not exist"), "{shown}");
    assert!(!shown.contains("hunter2"), "{shown}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_hosts_sharing_a_database_append_in_visible_order() {
    // Two stores are two hosts: only the database lock orders their appends.
    crate::harness::with_postgres_database(|url| async move {
        let hosts = [
            Store::open(&url).await.unwrap(),
            Store::open(&url).await.unwrap(),
        ];
        assert_eq!(hosts[0].backend(), Backend::Postgres);
        let done = Arc::new(AtomicBool::new(false));
        let reader = {
            let (store, done) = (hosts[0].clone(), done.clone());
            tokio::spawn(async move {
                let (mut after, mut seen) = (0, 0);
                loop {
                    let finished = done.load(Ordering::SeqCst);
                    let page = store.read_after(after, 100).await.unwrap();
                    if page.is_empty() && finished {
                        return seen;
                    }
                    seen += page.len();
                    after = page.last().map_or(after, |e| e.seq);
                }
            })
        };
        let mut writers = Vec::new();
        for (h, host) in hosts.iter().enumerate() {
            for w in 0..3 {
                let store = host.clone();
                writers.push(tokio::spawn(async move {
                    for round in 0..20 {
                        let prefix = format!("h{h}-w{w}-{round}");
                        store
                            .append(&events(&prefix, 10, "city.load"))
                            .await
                            .unwrap();
                    }
                }));
            }
        }
        for w in writers {
            w.await.unwrap();
        }
        done.store(true, Ordering::SeqCst);
        assert_eq!(reader.await.unwrap(), 1_200, "the reader skipped events");
        for host in hosts {
            host.close().await;
        }
    })
    .await;
}

/// Processes that open one new file at once (the host starting while
/// `cityhub token create` runs) each get a migrated store: the openers take
/// turns, none fails on "database is locked" or "table already exists".
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_openers_of_a_new_sqlite_file_all_succeed() {
    for round in 0..5 {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("city.db").display());
        let opens: Vec<_> = (0..6)
            .map(|_| {
                let url = url.clone();
                tokio::spawn(async move { Store::open(&url).await })
            })
            .collect();
        for (i, open) in opens.into_iter().enumerate() {
            let store = open
                .await
                .unwrap()
                .unwrap_or_else(|e| panic!("round {round}, opener {i}: {e}"));
            let appended = store
                .append(&events(&format!("opener-{i}"), 1, "city.test.opened"))
                .await
                .unwrap();
            assert_eq!(appended.len(), 1);
            store.close().await;
        }
    }
}
