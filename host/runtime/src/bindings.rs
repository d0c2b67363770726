//! Host-side bindings of the `cityhub:plugin` world: the only `bindgen!` in cityhub.

wasmtime::component::bindgen!({
    path: "../../sdk/wit",
    world: "plugin",
});

pub(crate) use cityhub::plugin::{log, state, types};
