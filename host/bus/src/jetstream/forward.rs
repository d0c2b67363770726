//! Forwarding the log to the stream: the outbox of the JetStream bus.
//!
//! The node holding the lock `jetstream:<stream>` reads the log after the
//! position of the same name, publishes each event (see [`super::message`])
//! and waits for every acknowledgement of the window before it stores the
//! new position. A node dying in between makes the next holder publish the
//! window again; JetStream drops the repeats by `Nats-Msg-Id` (the seq).

use std::{sync::Arc, time::Duration};

use cityhub_store::Seq;
use tokio::sync::watch;
use tracing::{debug, warn};

use super::{JetStream, message};
use crate::core::Core;

/// Events published per window.
const WINDOW: u32 = 1_000;

/// The pause after a failure (store or NATS).
const BACKOFF: Duration = Duration::from_millis(500);

/// The position key of the forwarder.
pub(crate) fn consumer(js: &JetStream) -> String {
    format!("jetstream:{}", js.config.stream)
}

/// Forwards until `stop`. A first start begins after `init` (the end of
/// the log when the bus started), like a new route.
pub(crate) async fn run(
    core: Arc<Core>,
    js: Arc<JetStream>,
    init: Seq,
    mut stop: watch::Receiver<bool>,
) {
    let key = consumer(&js);
    let mut at = loop {
        match core.store.position_or_init(&key, init).await {
            Ok(at) => break at,
            Err(e) => warn!("the forwarder cannot read its position, will try again: {e}"),
        }
        tokio::select! {
            _ = tokio::time::sleep(BACKOFF) => {}
            _ = stop.changed() => return,
        }
    };
    loop {
        let notified = core.appended.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        if *stop.borrow() {
            return;
        }
        match step(&core, &js, &key, at).await {
            Ok(Some(next)) => {
                at = next;
                continue;
            }
            Ok(None) => {}
            Err(e) => {
                warn!(stream = %js.config.stream, "forwarding the log to JetStream failed, will try again: {e}");
                tokio::select! {
                    _ = tokio::time::sleep(BACKOFF) => {}
                    _ = stop.changed() => return,
                }
                continue;
            }
        }
        tokio::select! {
            _ = &mut notified => {}
            _ = stop.changed() => return,
        }
    }
}

/// Publishes one window after `at`; the new position, or `None` at the end
/// of the log.
async fn step(core: &Core, js: &JetStream, key: &str, at: Seq) -> Result<Option<Seq>, String> {
    let window = core
        .read_after(at, WINDOW)
        .await
        .map_err(|e| e.to_string())?;
    let Some(last) = window.last().map(|e| e.seq) else {
        return Ok(None);
    };
    let mut acks = Vec::with_capacity(window.len());
    for e in &window {
        let (headers, body) = message::encode(e, None);
        let ack = js
            .js
            .publish_with_headers(js.subject(e.event.ty.as_str()), headers, body)
            .await
            .map_err(|e| format!("publishing: {e}"))?;
        acks.push(ack);
    }
    for ack in acks {
        ack.await
            .map_err(|e| format!("waiting for JetStream's ack: {e}"))?;
    }
    core.store
        .set_position(key, last)
        .await
        .map_err(|e| e.to_string())?;
    debug!(events = window.len(), upto = last, "forwarded to JetStream");
    Ok(Some(last))
}
