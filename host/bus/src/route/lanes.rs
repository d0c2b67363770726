//! Splitting a window's events into lanes that may run concurrently.
//!
//! With a partition key, an event's lane is a hash of the key's value, so
//! events with the same key always share a lane and keep their log order.
//! Without one, events are dealt round-robin: faster, unordered. An event
//! missing its key goes to the lane of the empty key.

use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};

use cityhub_cloudevents::filter::Field;

use super::Item;

/// Splits `items` into at most `n` non-empty lanes, keeping log order within
/// each lane.
pub(crate) fn split(items: Vec<Item>, key: Option<&Field>, n: usize) -> Vec<Vec<Item>> {
    if n <= 1 || items.len() <= 1 {
        return vec![items];
    }
    let mut lanes: Vec<Vec<Item>> = (0..n).map(|_| Vec::new()).collect();
    // A fixed hasher: the same key picks the same lane in every window.
    let hasher = BuildHasherDefault::<DefaultHasher>::default();
    for (i, item) in items.into_iter().enumerate() {
        let lane = match key {
            Some(field) => {
                let k = field.text(&item.stored.event).unwrap_or_default();
                (hasher.hash_one(k) % n as u64) as usize
            }
            None => i % n,
        };
        lanes[lane].push(item);
    }
    lanes.retain(|l| !l.is_empty());
    lanes
}

#[cfg(test)]
mod tests {
    use cityhub_cloudevents::{CloudEvent, EventType, Timestamp};
    use cityhub_store::StoredEvent;

    use super::*;

    fn item(seq: i64, key: &str) -> Item {
        let mut e = CloudEvent::new(
            seq.to_string(),
            "/t",
            EventType::new("city.traffic.reading").unwrap(),
        );
        e.extensions.insert("partitionkey".into(), key.into());
        Item {
            stored: std::sync::Arc::new(StoredEvent {
                seq,
                recorded_at: Timestamp::now(),
                origin: None,
                event: e,
            }),
            replay_of: None,
        }
    }

    #[test]
    fn same_key_same_lane_in_order() {
        let items: Vec<Item> = (1..=200).map(|i| item(i, &format!("k{}", i % 7))).collect();
        let key = Field::parse("partitionkey").unwrap();
        let lanes = split(items, Some(&key), 4);
        assert!(lanes.len() > 1 && lanes.len() <= 4);
        let mut seen = std::collections::HashMap::new();
        for (l, lane) in lanes.iter().enumerate() {
            let seqs: Vec<i64> = lane.iter().map(|i| i.stored.seq).collect();
            assert!(
                seqs.windows(2).all(|w| w[0] < w[1]),
                "lane {l} out of order"
            );
            for i in lane {
                let k = i.stored.event.extensions["partitionkey"].clone();
                assert_eq!(*seen.entry(k).or_insert(l), l, "a key in two lanes");
            }
        }
        assert_eq!(lanes.iter().map(Vec::len).sum::<usize>(), 200);
    }

    #[test]
    fn without_a_key_events_are_dealt_round_robin() {
        let items: Vec<Item> = (1..=10).map(|i| item(i, "")).collect();
        let lanes = split(items, None, 3);
        let sizes: Vec<usize> = lanes.iter().map(Vec::len).collect();
        assert_eq!(sizes, vec![4, 3, 3]);
        assert_eq!(split(vec![item(1, "")], None, 3).len(), 1);
    }
}
