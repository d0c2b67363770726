//! The crate's one error type, for loading plugins and starting instances.

use std::path::PathBuf;

/// Why a plugin could not be loaded or an instance could not start.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The wasmtime engine could not be configured (e.g. the pool is too large
    /// for this machine's address space).
    #[error(
        "the wasm engine could not start: {0}; lower `max-instances` or check the machine's virtual memory limits"
    )]
    Engine(String),
    /// The component file cannot be read.
    #[error(
        "cannot read plugin component `{path}`: {source}; build it with `cityhub plugin build DIR`"
    )]
    ReadComponent {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The bytes are not a valid component, or compiling them failed.
    #[error(
        "plugin `{plugin}`: `{path}` is not a valid WebAssembly component: {reason}; build it for `wasm32-wasip2` with cityhub-sdk"
    )]
    Compile {
        /// The plugin.
        plugin: String,
        /// The file.
        path: PathBuf,
        /// wasmtime's words.
        reason: String,
    },
    /// The component was built for a world version this host does not run.
    #[error(
        "plugin `{plugin}` was built for `cityhub:plugin@{found}`, but this host supports `cityhub:plugin@{supported}`; rebuild it with a cityhub-sdk for {supported}"
    )]
    WorldVersion {
        /// The plugin.
        plugin: String,
        /// What the component targets.
        found: String,
        /// What the host supports.
        supported: String,
    },
    /// The manifest's `world` does not match the component.
    #[error(
        "plugin `{plugin}`: its manifest says `world = \"{manifest}\"` but its component targets `cityhub:plugin@{component}`; fix `world` in plugin.toml"
    )]
    WorldMismatch {
        /// The plugin.
        plugin: String,
        /// The manifest's `world`.
        manifest: String,
        /// What the component targets.
        component: String,
    },
    /// The component imports a host interface its manifest does not ask for.
    #[error(
        "plugin `{plugin}`: its component imports `cityhub:plugin/{capability}`, but its manifest does not declare the capability `{capability}`; add it to `capabilities` in plugin.toml (the city must then grant it)"
    )]
    Undeclared {
        /// The plugin.
        plugin: String,
        /// The capability imported but not declared.
        capability: String,
    },
    /// The component imports something the host does not provide.
    #[error(
        "plugin `{plugin}` cannot be linked: {reason}; a plugin may import only `cityhub:plugin/*` and WASI p2"
    )]
    Link {
        /// The plugin.
        plugin: String,
        /// wasmtime's words.
        reason: String,
    },
    /// The configuration does not satisfy the manifest's JSON Schema.
    #[error("plugin `{plugin}`: configuration is invalid: {reason}")]
    Config {
        /// The plugin.
        plugin: String,
        /// Every problem, with its JSON pointer.
        reason: String,
    },
    /// A manifest limit is over what this host allows.
    #[error(
        "plugin `{plugin}` asks for {what}, more than this host allows ({max}); lower it in plugin.toml"
    )]
    LimitTooHigh {
        /// The plugin.
        plugin: String,
        /// The limit and the value asked for.
        what: String,
        /// The host's ceiling.
        max: String,
    },
    /// Instantiation or `init` failed.
    #[error("plugin `{plugin}` failed to start: {reason}")]
    Start {
        /// The plugin.
        plugin: String,
        /// What went wrong.
        reason: String,
    },
    /// The compile cache could not be written (loading still works without it).
    #[error("compile cache `{path}`: {reason}")]
    Cache {
        /// The cache file or directory.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
}
