//! Delivering again: a route's events from a point of the log
//! ([`Bus::replay`]), and dead letters ([`Bus::replay_dead_letters`]).

use std::sync::atomic::Ordering;

use cityhub_cloudevents::Timestamp;
use cityhub_store::Seq;
use tracing::info;

use super::{Bus, stop};
use crate::{Error, route};

/// Where [`Bus::replay`] starts a route again.
#[derive(Debug, Clone)]
pub enum ReplayFrom {
    /// From the first event recorded at or after this instant.
    Since(Timestamp),
    /// From the event after this seq.
    After(Seq),
}

impl Bus {
    /// Asks for dead letters to be replayed — `ids`, or all of `route`'s
    /// with `ids = None` — and wakes the routes, which deliver them before
    /// their next batch. Returns the ids now `replaying`.
    pub async fn replay_dead_letters(
        &self,
        route: Option<&str>,
        ids: Option<&[i64]>,
    ) -> Result<Vec<i64>, Error> {
        let ids = self
            .core
            .store
            .request_replay(route, ids)
            .await
            .map_err(Error::store("asking for a dead-letter replay"))?;
        self.core.appended.notify_waiters();
        Ok(ids)
    }

    /// Runs `route` again from `from`: stops it after its current call,
    /// moves its position back, and starts it again. Returns the position it
    /// restarts after and the end of the log now (the replay's goal); until
    /// it gets there the route does not hold ingest back (`max-lag`).
    /// Replay only goes back: a position past the route's is refused
    /// ([`Error::ReplayForward`]), as it would skip events.
    ///
    /// Not cancel-safe: run it to completion (the API runs it on a task).
    pub async fn replay(&self, route: &str, from: ReplayFrom) -> Result<(Seq, Seq), Error> {
        let store = &self.core.store;
        let consumer = route::consumer_id(route);
        let mut routes = self.routes.lock().await;
        if !routes.contains_key(route) {
            return Err(Error::UnknownRoute(route.to_owned()));
        }
        let position = match &from {
            ReplayFrom::After(seq) => *seq,
            ReplayFrom::Since(t) => store
                .position_before(t)
                .await
                .map_err(Error::store("finding where to replay from"))?,
        };
        let current = store
            .position(&consumer)
            .await
            .map_err(Error::store("reading the route's position"))?;
        if position > current || position < 0 {
            return Err(Error::ReplayForward {
                route: route.to_owned(),
                position,
                current,
            });
        }
        if let Some(js) = self.core.jetstream.clone() {
            // Several nodes run the route: it keeps running, and the events
            // are published again for it alone.
            let to = self.core.last_seq();
            let Some(running) = routes.get(route) else {
                return Err(Error::UnknownRoute(route.to_owned()));
            };
            running
                .route
                .stats
                .replaying_until
                .store(to, Ordering::Relaxed);
            let n = crate::jetstream::replay::replay(
                &self.core,
                &js,
                &running.route.entry,
                &consumer,
                position,
                to,
            )
            .await?;
            info!(
                route,
                from = position,
                to,
                events = n,
                "replaying a route on JetStream"
            );
            return Ok((position, to));
        }
        let Some(running) = routes.remove(route) else {
            return Err(Error::UnknownRoute(route.to_owned()));
        };
        let entry = running.route.entry.clone();
        let slot = running.route.slot.clone();
        stop(running).await;
        let rewound = store
            .rewind(&consumer, position)
            .await
            .map_err(Error::store("moving the route back"));
        // Whatever happened, the route runs again, from its committed position.
        let to = self.core.last_seq();
        let running = self.start_route(entry, slot).await;
        if rewound.is_ok() {
            running
                .route
                .stats
                .replaying_until
                .store(to, Ordering::Relaxed);
        }
        routes.insert(route.to_owned(), running);
        self.refresh_view(&routes);
        rewound?;
        info!(route, from = position, to, "replaying a route");
        Ok((position, to))
    }
}
