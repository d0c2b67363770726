//! [`Tail`]: the newest events of the log, kept in memory so that routes
//! that keep up read them without a round trip to the store.
//!
//! The bus remembers every event it appends (ingest, plugin outputs,
//! platform events) in commit order, under the same turn as the append. The
//! tail's one invariant: it holds *every* event with a seq above `base`, in
//! order, with consecutive seqs. Anything that would break it (an append
//! whose remembering was cut short, a seq that is not the next one) resets
//! the tail to start after the newest event; a route behind `base` reads
//! from the store instead. Only used on SQLite, where one process owns the
//! file and seqs have no gaps; on PostgreSQL other hosts may append, and
//! seqs can skip.

use std::{collections::VecDeque, sync::Arc};

use cityhub_cloudevents::{CloudEvent, Timestamp};
use cityhub_store::{Appended, Seq, StoredEvent};

/// The most events kept.
const MAX_EVENTS: usize = 50_000;
/// The most bytes of events kept (roughly: attributes and data).
const MAX_BYTES: usize = 64 << 20;

#[derive(Debug)]
pub(crate) struct Tail {
    /// Every event with a seq above this is in `events`.
    base: Seq,
    events: VecDeque<Arc<StoredEvent>>,
    bytes: usize,
}

impl Tail {
    /// An empty tail that covers what comes after `last`.
    pub fn new(last: Seq) -> Self {
        Self {
            base: last,
            events: VecDeque::new(),
            bytes: 0,
        }
    }

    fn next(&self) -> Seq {
        self.base + self.events.len() as Seq + 1
    }

    /// Remembers what one append stored: `events[i]` became `appended[i]`.
    pub fn remember(
        &mut self,
        events: &[CloudEvent],
        origin: Option<&str>,
        appended: &[Appended],
        at: &Timestamp,
    ) {
        for (event, a) in events.iter().zip(appended) {
            let Appended::New(seq) = *a else { continue };
            if seq != self.next() {
                // A gap: start again after this event's predecessor.
                self.events.clear();
                self.bytes = 0;
                self.base = seq - 1;
            }
            self.bytes += event.size();
            self.events.push_back(Arc::new(StoredEvent {
                seq,
                recorded_at: at.clone(),
                origin: origin.map(str::to_owned),
                event: event.clone(),
            }));
        }
        while self.events.len() > MAX_EVENTS || self.bytes > MAX_BYTES {
            let Some(old) = self.events.pop_front() else {
                break;
            };
            self.bytes = self.bytes.saturating_sub(old.event.size());
            self.base += 1;
        }
    }

    /// Up to `limit` events after `after`, or `None` when the tail does not
    /// reach back that far.
    pub fn read_after(&self, after: Seq, limit: usize) -> Option<Vec<Arc<StoredEvent>>> {
        if after < self.base {
            return None;
        }
        let start = usize::try_from(after - self.base).ok()?;
        Some(
            self.events
                .iter()
                .skip(start)
                .take(limit)
                .cloned()
                .collect(),
        )
    }

    /// Forgets everything: the next append starts it again.
    pub fn reset(&mut self) {
        let next = self.next();
        self.events.clear();
        self.bytes = 0;
        self.base = next - 1;
    }
}

#[cfg(test)]
mod tests {
    use cityhub_cloudevents::EventType;

    use super::*;

    fn events(n: usize) -> Vec<CloudEvent> {
        (0..n)
            .map(|i| CloudEvent::new(i.to_string(), "/t", EventType::new("city.a.b").unwrap()))
            .collect()
    }

    fn seqs(v: &[Arc<StoredEvent>]) -> Vec<Seq> {
        v.iter().map(|e| e.seq).collect()
    }

    #[test]
    fn keeps_consecutive_events_and_serves_reads_it_covers() {
        let at = Timestamp::now();
        let mut t = Tail::new(10);
        let ev = events(3);
        t.remember(
            &ev,
            None,
            &[Appended::New(11), Appended::Duplicate(4), Appended::New(12)],
            &at,
        );
        assert_eq!(seqs(&t.read_after(10, 10).unwrap()), vec![11, 12]);
        assert_eq!(seqs(&t.read_after(11, 10).unwrap()), vec![12]);
        assert_eq!(t.read_after(12, 10).unwrap().len(), 0);
        assert!(t.read_after(9, 10).is_none(), "before the tail: the store");
        assert_eq!(t.read_after(10, 10).unwrap()[1].event.id, "2");
    }

    #[test]
    fn a_gap_restarts_the_tail_after_it() {
        let at = Timestamp::now();
        let mut t = Tail::new(0);
        t.remember(&events(2), None, &[Appended::New(1), Appended::New(2)], &at);
        // Seq 3 was stored but never remembered (a cancelled append).
        t.remember(&events(1), Some("p"), &[Appended::New(4)], &at);
        assert!(t.read_after(2, 10).is_none(), "3 must come from the store");
        assert_eq!(seqs(&t.read_after(3, 10).unwrap()), vec![4]);
        assert_eq!(t.read_after(3, 10).unwrap()[0].origin.as_deref(), Some("p"));
        t.reset();
        assert!(t.read_after(3, 10).is_none());
        assert_eq!(t.read_after(4, 10).unwrap().len(), 0);
    }

    #[test]
    fn old_events_are_dropped_past_the_bound() {
        let at = Timestamp::now();
        let mut t = Tail::new(0);
        let ev = events(1);
        for seq in 1..=(MAX_EVENTS as Seq + 5) {
            t.remember(&ev, None, &[Appended::New(seq)], &at);
        }
        assert!(t.read_after(4, 1).is_none());
        assert_eq!(seqs(&t.read_after(5, 1).unwrap()), vec![6]);
    }
}
