//! The DevTools WebSocket: numbered commands answered by their `id`, and the
//! events of each attached page session handed to that page's [`PageEvents`].
//!
//! One task owns the socket; it ends when the browser closes the connection
//! (or dies), after which every call fails with the reason instead of
//! hanging. A command gets [`CALL_TIMEOUT`] for its answer.

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use anyhow::{Context, anyhow, bail};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::Message;

use super::events::PageEvents;

/// How long one command may wait for its answer.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// A connection to the browser; cheap to clone.
#[derive(Clone)]
pub struct Cdp {
    out: mpsc::UnboundedSender<String>,
    shared: Arc<Shared>,
}

#[derive(Default)]
struct Shared {
    next_id: AtomicU64,
    pending: Mutex<HashMap<u64, oneshot::Sender<Value>>>,
    sessions: Mutex<HashMap<String, Arc<PageEvents>>>,
    /// Why the connection ended, once it has.
    closed: Mutex<Option<String>>,
}

impl Cdp {
    /// Connects to `url` (`ws://127.0.0.1:PORT/devtools/browser/ID`) and
    /// starts the task reading it; the task is returned for the owner to
    /// abort.
    pub async fn connect(url: &str) -> anyhow::Result<(Self, tokio::task::JoinHandle<()>)> {
        let (ws, _) = tokio_tungstenite::connect_async(url)
            .await
            .with_context(|| format!("connecting to Chromium's DevTools at `{url}`"))?;
        let (out, rx) = mpsc::unbounded_channel();
        let shared = Arc::new(Shared::default());
        let task = tokio::spawn(run(ws, rx, shared.clone()));
        Ok((Self { out, shared }, task))
    }

    /// Sends `method` with `params` to the browser (`session` None) or to a
    /// page session, and returns its `result`; a protocol error, a closed
    /// connection or no answer within [`CALL_TIMEOUT`] is an error naming
    /// the method.
    pub async fn call(
        &self,
        session: Option<&str>,
        method: &str,
        params: Value,
    ) -> anyhow::Result<Value> {
        let id = self.shared.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        let mut message = json!({"id": id, "method": method, "params": params});
        if let Some(session) = session {
            message["sessionId"] = session.into();
        }
        let (tx, rx) = oneshot::channel();
        self.shared.pending.lock().unwrap().insert(id, tx);
        if let Some(why) = self.shared.closed.lock().unwrap().clone() {
            bail!("cannot send `{method}`: the DevTools connection is closed: {why}");
        }
        self.out
            .send(message.to_string())
            .map_err(|_| anyhow!("cannot send `{method}`: the DevTools connection is closed"))?;
        let answer = match tokio::time::timeout(CALL_TIMEOUT, rx).await {
            Ok(Ok(answer)) => answer,
            Ok(Err(_)) => bail!(
                "`{method}` got no answer: the DevTools connection closed: {}",
                self.shared
                    .closed
                    .lock()
                    .unwrap()
                    .clone()
                    .unwrap_or_default()
            ),
            Err(_) => {
                self.shared.pending.lock().unwrap().remove(&id);
                bail!("`{method}` got no answer in {CALL_TIMEOUT:?}")
            }
        };
        if let Some(error) = answer.get("error") {
            bail!("`{method}` failed: {error}");
        }
        Ok(answer.get("result").cloned().unwrap_or(Value::Null))
    }

    /// Sends `method` without parameters and without waiting for an answer
    /// (for `Browser.close` while dropping, where nothing can be awaited).
    pub fn send(&self, method: &str) {
        let id = self.shared.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        let _ = self
            .out
            .send(json!({"id": id, "method": method}).to_string());
    }

    /// Hands the events of page session `session` to `events` from now on.
    pub fn route_events(&self, session: &str, events: Arc<PageEvents>) {
        self.shared
            .sessions
            .lock()
            .unwrap()
            .insert(session.to_owned(), events);
    }
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// The connection's task: writes what `out` sends, dispatches what arrives.
async fn run(mut ws: Socket, mut out: mpsc::UnboundedReceiver<String>, shared: Arc<Shared>) {
    let why = loop {
        tokio::select! {
            message = out.recv() => match message {
                Some(text) => {
                    if let Err(e) = ws.send(Message::text(text)).await {
                        break format!("sending failed: {e}");
                    }
                }
                None => break "the client went away".to_owned(),
            },
            message = ws.next() => match message {
                Some(Ok(Message::Text(text))) => shared.dispatch(text.as_str()),
                Some(Ok(Message::Close(frame))) => {
                    break format!("the browser closed it ({frame:?})");
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => break format!("reading failed: {e}"),
                None => break "the browser went away".to_owned(),
            },
        }
    };
    *shared.closed.lock().unwrap() = Some(why);
    // Dropping the senders fails every waiting call at once.
    shared.pending.lock().unwrap().clear();
}

impl Shared {
    fn dispatch(&self, text: &str) {
        let Ok(message) = serde_json::from_str::<Value>(text) else {
            return;
        };
        if let Some(id) = message["id"].as_u64() {
            if let Some(tx) = self.pending.lock().unwrap().remove(&id) {
                let _ = tx.send(message);
            }
            return;
        }
        let (Some(method), Some(session)) =
            (message["method"].as_str(), message["sessionId"].as_str())
        else {
            return;
        };
        let events = self.sessions.lock().unwrap().get(session).cloned();
        if let Some(events) = events {
            events.record(method, &message["params"]);
        }
    }
}
