//! Replaying a route on the JetStream bus: its done marks after the chosen
//! point are removed, and the log's events after it are published again,
//! addressed to that route alone (subject `<stream>.cityhub-replay.<route>`,
//! header `Cityhub-Replay-Route`). Every node's task of the route takes
//! them from the shared consumer like any other message; the other routes
//! ack and skip them. The route keeps running meanwhile.

use cityhub_config::RouteEntry;
use cityhub_store::Seq;

use super::{JetStream, message};
use crate::{Error, core::Core};

/// Events read from the log and published per round.
const ROUND: u32 = 1_000;

/// Replays `route` from after `after` up to `to`; returns how many events
/// were published for it.
pub(crate) async fn replay(
    core: &Core,
    js: &JetStream,
    route: &RouteEntry,
    consumer: &str,
    after: Seq,
    to: Seq,
) -> Result<u64, Error> {
    core.store
        .undo_done(consumer, after)
        .await
        .map_err(Error::store("removing the route's done marks"))?;
    let nonce = uuid::Uuid::now_v7().to_string();
    let subject = js.replay_subject(route.name.as_str());
    let mut at = after;
    let mut published = 0;
    while at < to {
        let window = core
            .store
            .read_after(at, ROUND)
            .await
            .map_err(Error::store("reading the log to replay"))?;
        let Some(last) = window.last().map(|e| e.seq) else {
            break;
        };
        let mut acks = Vec::new();
        for e in window.iter().filter(|e| e.seq <= to) {
            if !route.from.iter().any(|p| p.matches(&e.event.ty)) {
                continue;
            }
            let (headers, body) = message::encode(e, Some((route.name.as_str(), &nonce)));
            let ack = js
                .js
                .publish_with_headers(subject.clone(), headers, body)
                .await
                .map_err(|e| Error::jetstream("publishing a replay")(e.to_string()))?;
            acks.push(ack);
        }
        for ack in acks {
            ack.await
                .map_err(|e| Error::jetstream("publishing a replay")(e.to_string()))?;
            published += 1;
        }
        at = last;
    }
    Ok(published)
}
