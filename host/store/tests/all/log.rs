//! The event log: append, read, duplicates, queries, round trips.

use std::{
    collections::BTreeMap,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
};

use bytes::Bytes;
use cityhub_cloudevents::{Timestamp, TypePattern};
use cityhub_store::{Appended, EventQuery, Store};

use crate::harness::{event, events};

crate::suite!(
    append_then_read_after_in_log_order,
    duplicates_are_reported_and_not_stored_again,
    large_slices_are_chunked_under_bind_limits,
    query_by_exact_type,
    query_by_pattern,
    query_since_after_and_limit,
    vietnamese_text_and_raw_bytes_round_trip,
    concurrent_appends_become_visible_in_order,
);

async fn append_then_read_after_in_log_order(store: Store) {
    assert_eq!(store.last_seq().await.unwrap(), 0);
    assert!(store.append(&[]).await.unwrap().is_empty());
    let first = events("a", 3, "city.traffic.reading");
    let second = events("b", 2, "city.air.reading");
    let a = store.append(&first).await.unwrap();
    let b = store.append(&second).await.unwrap();
    let seqs: Vec<i64> = a.iter().chain(&b).map(|x| x.seq()).collect();
    assert!(a.iter().chain(&b).all(|x| x.is_new()));
    assert!(
        seqs[0] >= 1 && seqs.windows(2).all(|w| w[0] < w[1]),
        "{seqs:?}"
    );
    assert_eq!(store.last_seq().await.unwrap(), seqs[4]);

    let all = store.read_after(0, 100).await.unwrap();
    let ids: Vec<&str> = all.iter().map(|e| e.event.id.as_str()).collect();
    assert_eq!(ids, ["a-0", "a-1", "a-2", "b-0", "b-1"]);
    assert_eq!(all.iter().map(|e| e.seq).collect::<Vec<_>>(), seqs);
    assert!(all.iter().all(|e| e.origin.is_none()));
    assert_eq!(all[0].event, first[0]);

    let page = store.read_after(seqs[1], 2).await.unwrap();
    assert_eq!(page.iter().map(|e| e.seq).collect::<Vec<_>>(), &seqs[2..4]);
    assert!(store.read_after(seqs[4], 10).await.unwrap().is_empty());
}

async fn duplicates_are_reported_and_not_stored_again(store: Store) {
    let a = event("urn:cam/1", "x", "city.traffic.reading");
    let b = event("urn:cam/1", "y", "city.traffic.reading");
    let first = store.append(std::slice::from_ref(&a)).await.unwrap();
    let Appended::New(seq_a) = first[0] else {
        panic!("{first:?}")
    };

    // Same id from another source is a different event.
    let other_source = event("urn:cam/2", "x", "city.traffic.reading");
    let mut changed = a.clone();
    changed.subject = Some("changed".into());
    let got = store
        .append(&[changed, b.clone(), b.clone(), other_source])
        .await
        .unwrap();
    assert_eq!(got[0], Appended::Duplicate(seq_a));
    let Appended::New(seq_b) = got[1] else {
        panic!("{got:?}")
    };
    assert_eq!(got[2], Appended::Duplicate(seq_b));
    assert!(got[3].is_new());

    let stored = store.read_after(0, 100).await.unwrap();
    assert_eq!(stored.len(), 3);
    assert_eq!(
        stored[0].event.subject, None,
        "a duplicate must not overwrite"
    );
}

async fn large_slices_are_chunked_under_bind_limits(store: Store) {
    // More rows than one statement may bind on either backend (9 per row).
    let mut batch = events("big", 8_000, "city.traffic.reading");
    let head = store.append(&batch[..50]).await.unwrap();
    batch.extend(events("big", 20, "city.traffic.reading")); // repeats within the slice
    let got = store.append(&batch).await.unwrap();
    assert_eq!(got.len(), 8_020);
    assert_eq!(
        &got[..50],
        &head
            .iter()
            .map(|a| Appended::Duplicate(a.seq()))
            .collect::<Vec<_>>()[..]
    );
    assert!(got[50..8_000].iter().all(|a| a.is_new()));
    assert_eq!(got[8_000..], got[..20]);
    let new: Vec<i64> = got[50..8_000].iter().map(|a| a.seq()).collect();
    assert!(new.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(store.read_after(0, 10_000).await.unwrap().len(), 8_000);
}

fn query(ty: Option<&str>, limit: u32) -> EventQuery {
    EventQuery {
        ty: ty.map(|t| TypePattern::new(t).unwrap()),
        since: None,
        after: None,
        limit,
    }
}

async fn append_mixed_types(store: &Store) {
    let types = [
        "city.traffic.reading",
        "city.traffic.gate.queue",
        "city.air.reading",
        "city_traffic.reading", // `_` must not act as a wildcard
        "city.traffic.reading",
        "cityhub.plugin.suspended",
        "city",
    ];
    let batch: Vec<_> = types
        .iter()
        .enumerate()
        .map(|(i, ty)| event("urn:mixed", &i.to_string(), ty))
        .collect();
    store.append(&batch).await.unwrap();
}

fn ids(found: &[cityhub_store::StoredEvent]) -> Vec<&str> {
    found.iter().map(|e| e.event.id.as_str()).collect()
}

async fn query_by_exact_type(store: Store) {
    append_mixed_types(&store).await;
    let found = store
        .query(&query(Some("city.traffic.reading"), 10))
        .await
        .unwrap();
    assert_eq!(ids(&found), ["0", "4"]);
    assert!(
        store
            .query(&query(Some("city.traffic"), 10))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.query(&query(None, 10)).await.unwrap().len(), 7);
    assert!(store.query(&query(None, 0)).await.unwrap().is_empty());
}

async fn query_by_pattern(store: Store) {
    append_mixed_types(&store).await;
    let found = store
        .query(&query(Some("city.traffic.*"), 10))
        .await
        .unwrap();
    assert_eq!(ids(&found), ["0", "4"]);
    let found = store.query(&query(Some("city.>"), 10)).await.unwrap();
    assert_eq!(ids(&found), ["0", "1", "2", "4"]);
    let found = store.query(&query(Some("*.*.reading"), 10)).await.unwrap();
    assert_eq!(ids(&found), ["0", "2", "4"]);
    let found = store.query(&query(Some(">"), 10)).await.unwrap();
    assert_eq!(found.len(), 7);
    let found = store.query(&query(Some("city.>"), 3)).await.unwrap();
    assert_eq!(ids(&found), ["0", "1", "2"]);
}

async fn query_since_after_and_limit(store: Store) {
    // Matches far apart: the pattern query must page until `limit` matches.
    let mut batch = events("noise", 1_200, "city.air.reading");
    batch[3] = event("urn:test", "hit-0", "city.traffic.reading");
    batch[700] = event("urn:test", "hit-1", "city.traffic.gate.queue");
    batch[1_199] = event("urn:test", "hit-2", "city.traffic.reading");
    let seqs: Vec<i64> = store
        .append(&batch)
        .await
        .unwrap()
        .iter()
        .map(|a| a.seq())
        .collect();
    let mut q = query(Some("city.traffic.>"), 2);
    assert_eq!(ids(&store.query(&q).await.unwrap()), ["hit-0", "hit-1"]);
    q.limit = 10;
    q.after = Some(seqs[3]);
    assert_eq!(ids(&store.query(&q).await.unwrap()), ["hit-1", "hit-2"]);

    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let between = Timestamp::now();
    store
        .append(&[event("urn:test", "late", "city.traffic.reading")])
        .await
        .unwrap();
    q.after = None;
    q.since = Some(between.clone());
    assert_eq!(ids(&store.query(&q).await.unwrap()), ["late"]);
    let all_since = EventQuery {
        ty: None,
        since: Some(between),
        after: None,
        limit: 10,
    };
    let found = store.query(&all_since).await.unwrap();
    assert_eq!(ids(&found), ["late"]);
    assert!(found[0].recorded_at.datetime() >= all_since.since.unwrap().datetime());
    let q = EventQuery {
        ty: None,
        since: None,
        after: Some(seqs[1_197]),
        limit: 2,
    };
    assert_eq!(
        ids(&store.query(&q).await.unwrap()),
        ["noise-1198", "hit-2"]
    );
}

async fn vietnamese_text_and_raw_bytes_round_trip(store: Store) {
    let mut text = event("urn:phường/Bến-Nghé", "sự-kiện-1", "city.traffic.reading");
    text.subject = Some("Đường Lê Lợi, Quận 1".into());
    text.time = Some(Timestamp::parse("2026-11-27T08:00:00.5+07:00").unwrap());
    text.datacontenttype = Some("application/json; charset=utf-8".into());
    text.dataschema = Some("https://example.invalid/schemas/giao-thông.json".into());
    text.extensions = BTreeMap::from([("ghichu".into(), "kẹt xe nghiêm trọng".into())]);
    text.data = Some(Bytes::from(r#"{"đường":"Nguyễn Huệ","mật_độ":0.93}"#));

    let mut binary = event("urn:sensor", "raw-1", "city.air.sample");
    binary.datacontenttype = Some("application/octet-stream".into());
    binary.data = Some(Bytes::from_static(&[
        0xff, 0xfe, 0x00, 0xc3, 0x28, 0x80, 0x00,
    ]));
    let mut empty = event("urn:sensor", "raw-2", "city.air.sample");
    empty.data = Some(Bytes::new());
    let mut none = event("urn:sensor", "raw-3", "city.air.sample");
    none.data = None;

    store
        .append(&[text.clone(), binary.clone(), empty.clone(), none.clone()])
        .await
        .unwrap();
    let back: Vec<_> = store
        .read_after(0, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.event)
        .collect();
    assert_eq!(back, [text, binary, empty, none]);
    assert_eq!(
        back[0].time.as_ref().unwrap().as_str(),
        "2026-11-27T08:00:00.5+07:00"
    );
}

async fn concurrent_appends_become_visible_in_order(store: Store) {
    let done = Arc::new(AtomicBool::new(false));
    // A reader following the log while writers race must see every event:
    // a seq becoming visible below one it has passed would be skipped.
    let reader = {
        let (store, done) = (store.clone(), done.clone());
        tokio::spawn(async move {
            let (mut after, mut seen) = (0, 0);
            loop {
                let finished = done.load(Ordering::SeqCst);
                let page = store.read_after(after, 50).await.unwrap();
                if page.is_empty() && finished {
                    return seen;
                }
                seen += page.len();
                after = page.last().map_or(after, |e| e.seq);
                tokio::task::yield_now().await;
            }
        })
    };
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let store = store.clone();
            tokio::spawn(async move {
                for round in 0..10 {
                    store
                        .append(&events(&format!("w{w}-{round}"), 20, "city.load"))
                        .await
                        .unwrap();
                }
            })
        })
        .collect();
    for w in writers {
        w.await.unwrap();
    }
    done.store(true, Ordering::SeqCst);
    assert_eq!(reader.await.unwrap(), 800);
}
