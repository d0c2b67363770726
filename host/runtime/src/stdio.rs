//! [`Tail`]: where a plugin's stdout and stderr go — taken whole, kept bounded.
//!
//! A plugin has no terminal. Every write to its stdout or stderr succeeds,
//! however much it writes (a chatty plugin must not fail, nor trap, on a full
//! pipe); only the last `capacity` bytes since the batch began are kept (on
//! stderr, that is where a Rust panic message lands, which a failure's reason
//! quotes), and every byte is counted, for `cityhub_plugin_stdio_bytes_total`.
//! Nothing a plugin prints reaches the host's own stdout, stderr or log.

use std::{
    collections::VecDeque,
    future::Future,
    pin::Pin,
    sync::{Arc, Mutex, MutexGuard, PoisonError},
};

use bytes::Bytes;
use wasmtime_wasi::{
    cli::{IsTerminal, StdoutStream},
    p2::{OutputStream, Pollable, StreamResult},
};

/// How much one write may carry (WASI's blocking writes carry at most 4 KiB).
const PERMIT: usize = 64 << 10;

/// One of a plugin instance's output streams. Clones share the buffer: the
/// instance's WASI context holds one, its [`crate::host_state::HostState`]
/// another, to read and reset it between batches.
#[derive(Debug, Clone)]
pub(crate) struct Tail {
    inner: Arc<Mutex<Kept>>,
}

#[derive(Debug)]
struct Kept {
    capacity: usize,
    bytes: VecDeque<u8>,
    written: u64,
}

impl Tail {
    /// A stream keeping the last `capacity` bytes (0: keeps nothing, counts).
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            inner: Arc::new(Mutex::new(Kept {
                capacity,
                bytes: VecDeque::with_capacity(capacity),
                written: 0,
            })),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Kept> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The bytes kept, lossily as text, trimmed.
    pub(crate) fn text(&self) -> String {
        let kept = self.lock();
        let (a, b) = kept.bytes.as_slices();
        let mut bytes = Vec::with_capacity(a.len() + b.len());
        bytes.extend_from_slice(a);
        bytes.extend_from_slice(b);
        String::from_utf8_lossy(&bytes).trim().to_owned()
    }

    /// Forgets what was kept. Called before each batch.
    pub(crate) fn clear(&self) {
        self.lock().bytes.clear();
    }

    /// How many bytes were written since the last call.
    pub(crate) fn take_written(&self) -> u64 {
        std::mem::take(&mut self.lock().written)
    }

    fn push(&self, bytes: &[u8]) {
        let mut kept = self.lock();
        kept.written += bytes.len() as u64;
        let cap = kept.capacity;
        let tail = &bytes[bytes.len().saturating_sub(cap)..];
        let over = (kept.bytes.len() + tail.len()).saturating_sub(cap);
        kept.bytes.drain(..over);
        kept.bytes.extend(tail);
    }
}

impl OutputStream for Tail {
    fn write(&mut self, bytes: Bytes) -> StreamResult<()> {
        self.push(&bytes);
        Ok(())
    }

    fn flush(&mut self) -> StreamResult<()> {
        Ok(())
    }

    fn check_write(&mut self) -> StreamResult<usize> {
        Ok(PERMIT)
    }
}

impl Pollable for Tail {
    // Always ready: a write never waits. (The signature is `async_trait`'s.)
    fn ready<'life0, 'async_trait>(
        &'life0 mut self,
    ) -> Pin<Box<dyn Future<Output = ()> + Send + 'async_trait>>
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        Box::pin(std::future::ready(()))
    }
}

impl IsTerminal for Tail {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for Tail {
    fn p2_stream(&self) -> Box<dyn OutputStream> {
        Box::new(self.clone())
    }

    /// WASI p3's streams, which the runtime does not link: they discard.
    fn async_stream(&self) -> Box<dyn tokio::io::AsyncWrite + Send + Sync> {
        StdoutStream::async_stream(&std::io::empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_last_bytes_and_counts_them_all() {
        let mut tail = Tail::new(8);
        for _ in 0..1000 {
            tail.write(Bytes::from_static(b"0123456789")).unwrap();
        }
        tail.write(Bytes::from_static(b"panicked!")).unwrap();
        assert_eq!(tail.check_write().unwrap(), PERMIT, "never full");
        assert_eq!(tail.text(), "anicked!");
        assert_eq!(tail.take_written(), 10_009);
        assert_eq!(tail.take_written(), 0);
        tail.clear();
        assert_eq!(tail.text(), "");
    }

    #[test]
    fn a_zero_capacity_tail_keeps_nothing_and_counts() {
        let mut tail = Tail::new(0);
        tail.write(Bytes::from(vec![b'x'; 100_000])).unwrap();
        assert_eq!(tail.text(), "");
        assert_eq!(tail.take_written(), 100_000);
    }
}
