//! Tokens (made, found by hash, names unique while live, revoked) and the
//! audit log (appended, filtered, and refused `UPDATE`/`DELETE` by the
//! database itself, on both backends).

use cityhub_cloudevents::Timestamp;
use cityhub_store::{AuditEntry, AuditQuery, Error, NewToken, Store};
use serde_json::json;
use sqlx::{Connection, Executor, PgConnection, SqliteConnection};

crate::suite!(
    tokens_are_made_found_by_hash_listed_and_revoked,
    a_live_name_is_refused_until_revoked,
    audit_records_append_in_order_and_filter,
);

fn new_token(id: &str, name: &str, hash: &str) -> NewToken {
    NewToken {
        id: id.into(),
        name: name.into(),
        role: "operator".into(),
        hash: hash.into(),
        created_by: "cli:test".into(),
    }
}

async fn tokens_are_made_found_by_hash_listed_and_revoked(store: Store) {
    let made = store
        .create_token(new_token("id-1", "desk", "h1"))
        .await
        .unwrap();
    assert_eq!(
        (made.name.as_str(), made.role.as_str()),
        ("desk", "operator")
    );
    assert_eq!(made.created_by, "cli:test");
    assert!(made.revoked_at.is_none());
    store
        .create_token(new_token("id-2", "feed", "h2"))
        .await
        .unwrap();

    assert_eq!(store.token_by_hash("h1").await.unwrap(), Some(made.clone()));
    assert_eq!(store.token_by_hash("nope").await.unwrap(), None);
    let names: Vec<String> = store
        .tokens()
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(names, ["desk", "feed"]);

    // By name, then by id; a second revoke finds nothing live.
    let r = store
        .revoke_token("desk", "token:root")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (r.id.as_str(), r.revoked_by.as_deref()),
        ("id-1", Some("token:root"))
    );
    assert!(r.revoked_at.is_some());
    assert_eq!(store.revoke_token("desk", "x").await.unwrap(), None);
    let r = store
        .revoke_token("id-2", "cli:test")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(r.name, "feed");
    assert_eq!(store.revoke_token("unknown", "x").await.unwrap(), None);

    // A revoked token is still found by hash, marked revoked.
    let found = store.token_by_hash("h1").await.unwrap().unwrap();
    assert!(found.revoked_at.is_some());
    assert_eq!(store.tokens().await.unwrap().len(), 2);
}

async fn a_live_name_is_refused_until_revoked(store: Store) {
    store
        .create_token(new_token("a", "desk", "h1"))
        .await
        .unwrap();
    let err = store
        .create_token(new_token("b", "desk", "h2"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::TokenNameTaken { ref name } if name == "desk"),
        "{err}"
    );
    assert!(err.to_string().contains("`desk`"), "{err}");
    store
        .revoke_token("desk", "cli:test")
        .await
        .unwrap()
        .unwrap();
    let again = store
        .create_token(new_token("b", "desk", "h2"))
        .await
        .unwrap();
    assert_eq!(again.id, "b");
    assert_eq!(store.tokens().await.unwrap().len(), 2);
}

fn entry(actor: &str, action: &str, target: &str) -> AuditEntry {
    AuditEntry {
        actor: actor.into(),
        action: action.into(),
        target: target.into(),
        detail: json!({"role": "operator", "n": 1}),
        origin: "127.0.0.1:5000".into(),
    }
}

async fn audit_records_append_in_order_and_filter(store: Store) {
    let before = Timestamp::now();
    let a = store
        .audit(entry("cli:alice", "token.created", "desk"))
        .await
        .unwrap();
    let b = store
        .audit(entry("token:desk", "alert.acked", "A-1"))
        .await
        .unwrap();
    let c = store
        .audit(entry("cli:alice", "token.revoked", "desk"))
        .await
        .unwrap();
    assert!(a.seq >= 1 && a.seq < b.seq && b.seq < c.seq);
    assert_eq!(b.detail, json!({"role": "operator", "n": 1}));
    assert_eq!(b.origin, "127.0.0.1:5000");

    let all = store.audit_log(&AuditQuery::default()).await.unwrap();
    assert_eq!(all, [a.clone(), b.clone(), c.clone()]);
    let by_actor = AuditQuery {
        actor: Some("cli:alice".into()),
        ..AuditQuery::default()
    };
    assert_eq!(
        store.audit_log(&by_actor).await.unwrap(),
        [a.clone(), c.clone()]
    );
    let by_action = AuditQuery {
        action: Some("alert.acked".into()),
        ..AuditQuery::default()
    };
    assert_eq!(
        store.audit_log(&by_action).await.unwrap(),
        std::slice::from_ref(&b)
    );
    let after = AuditQuery {
        after: a.seq,
        limit: 1,
        ..AuditQuery::default()
    };
    assert_eq!(store.audit_log(&after).await.unwrap(), [b]);
    let since_before = AuditQuery {
        since: Some(before),
        ..AuditQuery::default()
    };
    assert_eq!(store.audit_log(&since_before).await.unwrap().len(), 3);
    let since_later = AuditQuery {
        since: Some(Timestamp::parse("2999-01-01T00:00:00Z").unwrap()),
        ..AuditQuery::default()
    };
    assert!(store.audit_log(&since_later).await.unwrap().is_empty());
}

/// Tries `UPDATE` and `DELETE` on `audit_log` through the connection
/// `$conn`; both must fail with the triggers' message. (A macro: sqlx's
/// `Executor` bounds do not hold across an `async fn` generic over it.)
macro_rules! changes_are_refused {
    ($conn:expr) => {
        for sql in [
            "UPDATE audit_log SET actor = 'someone-else'",
            "DELETE FROM audit_log",
        ] {
            let Err(err) = $conn.execute(sql).await else {
                panic!("`{sql}` on the audit log was allowed");
            };
            let err = err.to_string();
            assert!(err.contains("the audit log is append-only"), "{sql}: {err}");
        }
    };
}

#[tokio::test]
async fn sqlite_refuses_update_and_delete_on_the_audit_log() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.db");
    let store = Store::open(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let kept = store
        .audit(entry("host", "config.changed", "city.toml"))
        .await
        .unwrap();
    let mut conn = SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    changes_are_refused!(conn);
    conn.close().await.unwrap();
    assert_eq!(
        store.audit_log(&AuditQuery::default()).await.unwrap(),
        [kept]
    );
    store.close().await;
}

#[tokio::test]
async fn postgres_refuses_update_delete_and_truncate_on_the_audit_log() {
    crate::harness::with_postgres_database(|url| async move {
        let store = Store::open(&url).await.unwrap();
        let kept = store
            .audit(entry("host", "config.changed", "city.toml"))
            .await
            .unwrap();
        let mut conn = PgConnection::connect(&url).await.unwrap();
        changes_are_refused!(conn);
        let err = conn
            .execute("TRUNCATE audit_log")
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("the audit log is append-only"), "{err}");
        conn.close().await.unwrap();
        assert_eq!(
            store.audit_log(&AuditQuery::default()).await.unwrap(),
            [kept]
        );
        store.close().await;
    })
    .await;
}
