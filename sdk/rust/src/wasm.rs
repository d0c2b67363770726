//! The wasm side: guest bindings generated from `sdk/wit`, the [`Host`]
//! backed by the component's imports, and the functions that
//! [`export_plugin!`](crate::export_plugin) wires to the `handler` export.
//! Compiled only for `target_arch = "wasm32"`.

use std::cell::RefCell;
use std::thread::LocalKey;

use crate::runtime::Instance;
use crate::{Error, ErrorKind, Host, Level, Plugin, StateError, Timestamp};

/// The bindings of the `plugin` world. Its export macros are public so that
/// [`export_plugin!`](crate::export_plugin) can expand them in the plugin's
/// own crate, which is where the component's exports must be defined.
#[allow(missing_docs, missing_debug_implementations)]
pub mod bindings {
    wit_bindgen::generate!({
        world: "plugin",
        path: "../wit",
        // imports take `&str` / `&[(&str, &str)]`: no copies to call them
        ownership: Borrowing { duplicate_if_necessary: false },
        pub_export_macro: true,
    });
}

use bindings::cityhub::plugin::types::ErrorKind as WitErrorKind;
use bindings::cityhub::plugin::{clock, log, state};
use bindings::exports::cityhub::plugin::handler::PluginError;

/// Where a plugin's instance lives between calls: one per component instance,
/// declared by [`export_plugin!`](crate::export_plugin) in a `thread_local!`
/// (a wasm instance has one thread).
#[derive(Debug)]
pub struct Slot<P>(RefCell<Option<Instance<P>>>);

impl<P> Slot<P> {
    /// An empty slot, filled by `init`.
    pub const fn new() -> Self {
        Self(RefCell::new(None))
    }
}

impl<P> Default for Slot<P> {
    fn default() -> Self {
        Self::new()
    }
}

/// The `handler.init` export.
pub fn init<P: Plugin + 'static>(
    slot: &'static LocalKey<Slot<P>>,
    config: String,
) -> Result<(), PluginError> {
    let instance = Instance::<P>::init(&config).map_err(to_wit)?;
    slot.with(|slot| match slot.0.try_borrow_mut() {
        Ok(mut cell) => {
            *cell = Some(instance);
            Ok(())
        }
        Err(_) => Err(to_wit(Error::internal(
            "`init` was called while the plugin was running",
        ))),
    })
}

/// The `handler.handle` export.
pub fn handle<P: Plugin + 'static>(
    slot: &'static LocalKey<Slot<P>>,
    batch: Vec<u8>,
) -> Result<Vec<u8>, PluginError> {
    slot.with(|slot| {
        let mut cell = slot
            .0
            .try_borrow_mut()
            .map_err(|_| Error::internal("`handle` was called while the plugin was running"))
            .map_err(to_wit)?;
        let instance = cell
            .as_mut()
            .ok_or_else(|| Error::internal("`handle` was called before `init` succeeded"))
            .map_err(to_wit)?;
        instance.handle(&batch, &mut WasmHost).map_err(to_wit)
    })
}

fn to_wit(err: Error) -> PluginError {
    let (kind, message, event_id) = err.into_parts();
    let kind = match kind {
        ErrorKind::Config => WitErrorKind::Config,
        ErrorKind::InvalidInput => WitErrorKind::InvalidInput,
        ErrorKind::Transient => WitErrorKind::Transient,
        ErrorKind::Internal => WitErrorKind::Internal,
    };
    PluginError {
        kind,
        message,
        event_id,
    }
}

/// The real host, reached through the component's imports.
struct WasmHost;

impl Host for WasmHost {
    fn state_get(&mut self, key: &str) -> Option<Vec<u8>> {
        state::get(key)
    }

    fn state_set(&mut self, key: &str, value: &[u8]) -> Result<(), StateError> {
        state::set(key, value).map_err(from_wit)
    }

    fn state_delete(&mut self, key: &str) -> Result<(), StateError> {
        state::delete(key).map_err(from_wit)
    }

    fn log(&mut self, level: Level, message: &str, fields: &[(&str, &str)]) {
        let level = match level {
            Level::Trace => log::Level::Trace,
            Level::Debug => log::Level::Debug,
            Level::Info => log::Level::Info,
            Level::Warn => log::Level::Warn,
            Level::Error => log::Level::Error,
        };
        log::write(level, message, fields);
    }

    fn now(&mut self) -> Timestamp {
        let now = clock::now();
        Timestamp::new(now.seconds, now.nanoseconds)
    }
}

fn from_wit(err: state::StateError) -> StateError {
    match err {
        state::StateError::QuotaExceeded(quota) => StateError::QuotaExceeded(quota),
        state::StateError::InvalidKey(why) => StateError::InvalidKey(why),
        state::StateError::NotWritable => StateError::NotWritable,
    }
}
