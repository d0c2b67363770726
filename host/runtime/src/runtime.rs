//! [`Runtime`]: the one engine and linker, the epoch ticker, the cache.

use std::{
    path::{Path, PathBuf},
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    thread,
    time::Duration,
};

use cityhub_manifest::{Limits, Manifest};
use cityhub_package::Digest;
use wasmtime::{
    Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig,
    component::{Component, Linker},
};

use crate::{Error, Plugin, bindings, cache::Cache, host_state::HostState};

/// The version of the `cityhub:plugin` WIT package this host runs.
pub const SUPPORTED_WORLD: &str = "0.1.0";

/// How the runtime is set up. Fixed for the life of the [`Runtime`].
#[derive(Debug, Clone)]
pub struct RuntimeConfig {
    /// Where compiled components are cached (`None`: no disk cache).
    pub cache_dir: Option<PathBuf>,
    /// How many plugin instances may exist at once, all plugins together.
    /// Each pooled slot reserves address space (not memory) up front.
    pub max_instances: u32,
    /// The epoch tick: deadlines are enforced to within one tick.
    pub epoch_tick: Duration,
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        Self {
            cache_dir: None,
            max_instances: 1000,
            epoch_tick: Duration::from_millis(1),
        }
    }
}

/// The plugin runtime. Build one at start-up and share it (`Arc`); loading a
/// plugin and running instances only read it.
pub struct Runtime {
    pub(crate) engine: Engine,
    pub(crate) linker: Linker<HostState>,
    pub(crate) cache: Option<Cache>,
    pub(crate) tick: Duration,
    ticker: Ticker,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("tick", &self.tick)
            .finish_non_exhaustive()
    }
}

impl Runtime {
    /// Configures the engine (pooling allocator sized for `max_instances`,
    /// epoch interruption, wasm stack limit), links WASI p2 with nothing
    /// granted plus the `cityhub:plugin` imports, and starts the epoch ticker.
    pub fn new(config: RuntimeConfig) -> Result<Self, Error> {
        let mut pool = PoolingAllocationConfig::new();
        let n = config.max_instances.max(1);
        pool.total_component_instances(n)
            .total_core_instances(n.saturating_mul(8))
            .total_memories(n.saturating_mul(2))
            .total_tables(n.saturating_mul(4))
            .total_stacks(n)
            .max_memory_size(Limits::MAX_MEMORY.bytes() as usize)
            // A freed slot zeroes its first pages instead of handing them back
            // to the kernel, so the next instance (a replacement after a
            // failure, say) starts without page faults: ~30% faster
            // instantiation, for at most this much memory per used slot.
            .linear_memory_keep_resident(64 << 10)
            .table_keep_resident(4 << 10);
        let mut cfg = Config::new();
        cfg.wasm_component_model(true)
            .epoch_interruption(true)
            .max_wasm_stack(1 << 20)
            .allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
        let engine = Engine::new(&cfg).map_err(|e| Error::Engine(e.to_string()))?;

        let mut linker = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker)
            .map_err(|e| Error::Engine(e.to_string()))?;
        bindings::Plugin::add_to_linker::<_, wasmtime::component::HasSelf<_>>(&mut linker, |s| s)
            .map_err(|e| Error::Engine(e.to_string()))?;

        let cache = config.cache_dir.map(|dir| Cache::new(dir, &engine));
        let ticker = Ticker::start(engine.clone(), config.epoch_tick);
        Ok(Self {
            engine,
            linker,
            cache,
            tick: config.epoch_tick,
            ticker,
        })
    }

    /// Loads a plugin: reads the component, compiles it (or loads it from the
    /// cache), checks its world version against the host's and the manifest's,
    /// checks `config` against the manifest's schema, and pre-instantiates it.
    /// Does not run any plugin code; [`crate::Instance::start`] does.
    pub fn load(
        &self,
        manifest: Manifest,
        component: &Path,
        config: serde_json::Value,
    ) -> Result<Arc<Plugin>, Error> {
        let bytes = std::fs::read(component).map_err(|source| Error::ReadComponent {
            path: component.to_owned(),
            source,
        })?;
        self.load_bytes(manifest, component, &bytes, config)
    }

    /// Like [`Runtime::load`], from bytes already read; `path` names them in errors.
    pub fn load_bytes(
        &self,
        manifest: Manifest,
        path: &Path,
        bytes: &[u8],
        config: serde_json::Value,
    ) -> Result<Arc<Plugin>, Error> {
        let approval = crate::Approval::declared(&manifest);
        self.load_approved(manifest, path, bytes, config, approval)
    }

    /// Like [`Runtime::load_bytes`], with what the city approves for the
    /// plugin (`[plugins.NAME] publishes` and `data-classes`, `[ingest]
    /// classes`); [`Runtime::load_bytes`] approves what the manifest
    /// declares and no data class.
    pub fn load_approved(
        &self,
        manifest: Manifest,
        path: &Path,
        bytes: &[u8],
        config: serde_json::Value,
        approval: crate::Approval,
    ) -> Result<Arc<Plugin>, Error> {
        Plugin::new(self, manifest, path, bytes, config, approval).map(Arc::new)
    }

    /// Compiles a component into the compile cache without loading it, so
    /// that a later load of the same bytes — by this process or by a host
    /// sharing the cache folder and settings — skips compiling. `plugin
    /// install` calls it before it activates a version, so a running host
    /// swaps the version in without compiling it. Returns whether it
    /// compiled (`false`: it was cached already). Blocks for as long as a
    /// compile takes (tens of milliseconds to seconds).
    pub fn precompile(&self, plugin: &str, path: &Path, bytes: &[u8]) -> Result<bool, Error> {
        self.compile(plugin, path, bytes, &Digest::of(bytes))
            .map(|(_, compiled)| compiled)
    }

    /// The compiled component of `bytes` (whose digest is `digest`): from
    /// the cache, or compiled and cached. `true` when it was compiled.
    pub(crate) fn compile(
        &self,
        plugin: &str,
        path: &Path,
        bytes: &[u8],
        digest: &Digest,
    ) -> Result<(Component, bool), Error> {
        if let Some(c) = self
            .cache
            .as_ref()
            .and_then(|c| c.get(&self.engine, digest))
        {
            return Ok((c, false));
        }
        let c = Component::new(&self.engine, bytes).map_err(|e| Error::Compile {
            plugin: plugin.to_owned(),
            path: path.to_owned(),
            reason: format!("{e:#}"),
        })?;
        if let Some(Err(e)) = self.cache.as_ref().map(|cache| cache.put(digest, &c)) {
            tracing::warn!(
                plugin,
                "{e}; the plugin still runs, but will be compiled again next start"
            );
        }
        Ok((c, true))
    }

    /// The engine, for callers that measure or precompile.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Whether the epoch ticker thread is running (it stops when the runtime is dropped).
    pub fn is_ticking(&self) -> bool {
        !self.ticker.stop.load(Ordering::Relaxed)
    }
}

/// Increments the engine's epoch every tick, so that deadlines fire.
struct Ticker {
    stop: Arc<AtomicBool>,
}

impl Ticker {
    fn start(engine: Engine, tick: Duration) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let spawned = thread::Builder::new()
            .name("cityhub-epoch".into())
            .spawn(move || {
                while !flag.load(Ordering::Relaxed) {
                    thread::sleep(tick);
                    engine.increment_epoch();
                }
            });
        if let Err(e) = spawned {
            tracing::error!(
                "cannot start the epoch ticker thread ({e}); plugin deadlines will not fire"
            );
            stop.store(true, Ordering::Relaxed);
        }
        Self { stop }
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}
