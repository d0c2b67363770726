//! [`HostState`]: what each instance's `Store` holds.

use std::sync::Arc;

use wasmtime::component::ResourceTable;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use crate::{
    bindings::types::Timestamp,
    state::{StateMap, StateTxn},
    stdio::Tail,
};

/// How much of a guest's stderr is kept (for panic messages in failure reasons).
const STDERR_CAPTURE: usize = 4096;

/// The data of one instance's `Store`: the empty WASI context, the resource
/// table, the memory limiter, and the per-batch state, log budget and clock.
pub(crate) struct HostState {
    wasi: WasiCtx,
    table: ResourceTable,
    pub(crate) plugin: Arc<str>,
    pub(crate) limiter: MemoryLimiter,
    pub(crate) state: StateTxn,
    pub(crate) log: LogBudget,
    pub(crate) now: Timestamp,
    pub(crate) stdout: Tail,
    pub(crate) stderr: Tail,
}

impl HostState {
    /// A fresh state: WASI with nothing granted — no preopened folders,
    /// environment variables, arguments or stdin; no TCP, UDP or name
    /// lookup, and no address allowed (`socket_addr_check` denies all);
    /// stdout and stderr taken whole and discarded, the last 4 KiB of
    /// stderr kept for failure reasons ([`Tail`]). The clocks are the host's
    /// (a plugin may time itself; the `clock` capability is the batch's time).
    pub(crate) fn new(plugin: Arc<str>, memory_limit: usize, base: Arc<StateMap>) -> Self {
        let stdout = Tail::new(0);
        let stderr = Tail::new(STDERR_CAPTURE);
        let wasi = WasiCtx::builder()
            .stdout(stdout.clone())
            .stderr(stderr.clone())
            .allow_tcp(false)
            .allow_udp(false)
            .allow_ip_name_lookup(false)
            .socket_addr_check(|_, _| Box::pin(async { false }))
            .build();
        Self {
            wasi,
            table: ResourceTable::new(),
            plugin,
            limiter: MemoryLimiter {
                limit: memory_limit,
                hit: None,
            },
            state: StateTxn::read_only(base),
            log: LogBudget::default(),
            now: Timestamp {
                seconds: 0,
                nanoseconds: 0,
            },
            stdout,
            stderr,
        }
    }

    /// The last 4 KiB the guest wrote to stderr in this batch (e.g. a Rust
    /// panic message), lossily as text.
    pub(crate) fn stderr_text(&self) -> String {
        self.stderr.text()
    }

    /// Bytes written to stdout and stderr since the last call.
    pub(crate) fn take_stdio_bytes(&self) -> u64 {
        self.stdout.take_written() + self.stderr.take_written()
    }
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

/// Refuses memory growth past the plugin's limit, and remembers that it did so
/// that the failure can say "memory limit" rather than just "trap".
#[derive(Debug)]
pub(crate) struct MemoryLimiter {
    pub(crate) limit: usize,
    pub(crate) hit: Option<usize>,
}

/// The error a refused memory growth traps with.
#[derive(Debug, thiserror::Error)]
#[error("memory limit of {limit} bytes reached (wanted {desired} bytes)")]
pub(crate) struct MemoryLimitHit {
    pub(crate) limit: usize,
    pub(crate) desired: usize,
}

impl wasmtime::ResourceLimiter for MemoryLimiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.limit {
            self.hit = Some(desired);
            return Err(wasmtime::Error::new(MemoryLimitHit {
                limit: self.limit,
                desired,
            }));
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= 100_000)
    }
}

/// Log records a plugin may still write in this call.
#[derive(Debug)]
pub(crate) struct LogBudget {
    pub(crate) left: u32,
    pub(crate) dropped: u32,
}

impl LogBudget {
    /// Records allowed per call.
    pub(crate) const PER_CALL: u32 = 100;
}

impl Default for LogBudget {
    fn default() -> Self {
        Self {
            left: Self::PER_CALL,
            dropped: 0,
        }
    }
}
