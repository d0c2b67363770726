//! The host's HTTP/1.1 server: accepts connections, serves `app` on each
//! with the limits of `[server]`, and shuts down gracefully.
//!
//! Each connection is served by hyper's HTTP/1 connection with
//!
//! - `header-timeout`: a client that has not sent a whole request line and
//!   headers within it (a slowloris, or a keep-alive connection left idle
//!   that long) is disconnected without an answer, and nothing else waits
//!   for it;
//! - a hard ceiling of twice `max-headers` header lines and twice
//!   `max-header-bytes` bytes: past it hyper itself answers a bare `431`
//!   and closes, so no request's head can hold more memory than that.
//!   Below the ceiling, [`cityhub_api::guard`] answers a request over the
//!   limits themselves with a JSON `431` naming them (and reads bodies
//!   within `max-body` and `request-timeout`).
//!
//! Every request carries the peer's address as axum's
//! `ConnectInfo<SocketAddr>` (what `into_make_service_with_connect_info`
//! would give), so handlers can name it (the audit log's origin).
//!
//! When `shutdown` completes the listener is dropped (new connections are
//! refused), idle connections are closed, and [`serve`] returns once the
//! requests in flight are answered; open `/v1/stream` responses must be ended
//! by the caller's `shutdown` future, or they would be waited for forever.

use std::time::Duration;

use axum::{Router, extract::ConnectInfo};
use cityhub_config::ServerConfig;
use hyper::{body::Incoming, server::conn::http1, service::service_fn};
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    server::graceful::GracefulShutdown,
};
use tokio::net::TcpListener;
use tower::ServiceExt;
use tracing::{debug, warn};

/// hyper's own read buffer ceiling (8 KiB + 100 × 4 KiB): kept unless the
/// header ceiling needs more.
const HYPER_MAX_BUF: usize = 8192 + 4096 * 100;

/// Serves `app` on `listener` until `shutdown` completes, then waits for the
/// requests in flight.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: &ServerConfig,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    let http = builder(limits);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    accept_failed(e).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Events and SSE frames are small: send them at once.
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let service = service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            app.clone().oneshot(request)
        });
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                if e.is_timeout() {
                    debug!(%peer, "closed a connection: its request line and headers did not arrive within `[server] header-timeout`");
                } else {
                    debug!(%peer, "connection ended: {e}");
                }
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// The HTTP/1 connection settings from `[server]`.
fn builder(limits: &ServerConfig) -> http1::Builder {
    let ceiling_headers = limits.max_headers.get() as usize * 2;
    let ceiling_bytes = limits.max_header_bytes.bytes() as usize * 2;
    let mut b = http1::Builder::new();
    b.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_headers(ceiling_headers)
        .max_header_size(ceiling_bytes)
        .max_buf_size(ceiling_bytes.max(HYPER_MAX_BUF));
    b
}

/// After a failed `accept`: a connection that failed before it was accepted
/// is the client's problem; anything else (out of file descriptors) is
/// logged and waited out, as axum's own server does.
async fn accept_failed(e: std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        e.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        return;
    }
    warn!("cannot accept connections: {e}; retrying in a second");
    tokio::time::sleep(Duration::from_secs(1)).await;
}
