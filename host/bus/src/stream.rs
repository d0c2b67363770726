//! Reading the log as it grows, for readers outside the bus: the API's live
//! stream (`GET /v1/stream`) follows the log exactly as a route does.
//!
//! A reader keeps its own position and loops: [`Bus::next_append`] (armed
//! before reading, so an append that lands while it reads still wakes it),
//! then [`Bus::events_after`] until a window comes back empty, then waits on
//! the wake-up. It holds no position in the store, so retention does not wait
//! for it: a reader far enough behind may find that old events are gone (its
//! next window simply starts at the oldest event kept).

use std::{future::Future, sync::Arc};

use cityhub_store::{Seq, StoredEvent};

use crate::{Bus, Error};

/// The most events [`Bus::events_after`] returns at once.
pub const MAX_WINDOW: u32 = 500;

impl Bus {
    /// Up to `limit` events (at most [`MAX_WINDOW`]) after log position
    /// `after`, in log order: from the in-memory tail when it reaches back
    /// that far (a reader that keeps up never touches the store), else from
    /// the store. Empty when nothing is after `after` yet.
    pub async fn events_after(
        &self,
        after: Seq,
        limit: u32,
    ) -> Result<Vec<Arc<StoredEvent>>, Error> {
        self.core
            .read_after(after, limit.clamp(1, MAX_WINDOW))
            .await
            .map_err(Error::store("reading the log for a stream"))
    }

    /// Completes at the next append to the log (ingest, plugin outputs,
    /// platform events) after this call: the wake-up is armed here, not when
    /// the future is first polled, so call it *before* reading and await it
    /// after finding nothing new. A wake-up can also come with nothing new
    /// for the reader (a dead-letter replay request, a duplicate-only
    /// append): read again and wait again.
    pub fn next_append(&self) -> impl Future<Output = ()> + Send + '_ {
        let mut notified = Box::pin(self.core.appended.notified());
        notified.as_mut().enable();
        notified
    }
}

#[cfg(test)]
mod tests {
    use cityhub_cloudevents::{CloudEvent, EventType};
    use cityhub_store::Store;

    use super::*;
    use crate::BusOptions;

    fn event(id: usize) -> CloudEvent {
        CloudEvent::new(
            id.to_string(),
            "/test/stream",
            EventType::new("city.test.tick").unwrap(),
        )
    }

    #[tokio::test]
    async fn an_armed_wake_up_sees_an_append_made_before_it_is_awaited() {
        let path = std::env::temp_dir().join(format!("cityhub-stream-{}.db", uuid::Uuid::now_v7()));
        let store = Store::open(&format!("sqlite://{}", path.display()))
            .await
            .unwrap();
        let bus = Bus::start(store, vec![], vec![], BusOptions::default())
            .await
            .unwrap();
        let start = bus.last_seq();
        let woken = bus.next_append();
        assert!(bus.events_after(start, 10).await.unwrap().is_empty());
        bus.ingest(vec![event(1), event(2)]).await.unwrap();
        // Armed before the append, so it completes though awaited after.
        woken.await;
        let read = bus.events_after(start, 10).await.unwrap();
        let ids: Vec<&str> = read.iter().map(|e| e.event.id.as_str()).collect();
        assert_eq!(ids, ["1", "2"]);
        assert_eq!(read[1].seq, read[0].seq + 1);
        let rest = bus.events_after(read[0].seq, 10).await.unwrap();
        assert_eq!(rest.len(), 1, "the window starts after the position");
        assert_eq!(bus.events_after(start, 1).await.unwrap().len(), 1);
        bus.shutdown().await;
        drop(bus);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
}
