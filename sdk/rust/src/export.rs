//! [`export_plugin!`]: the one line that turns a [`Plugin`](crate::Plugin)
//! type into a component for the `cityhub:plugin@0.1.0` world.

/// Exports a [`Plugin`](crate::Plugin) type as the component's `handler`.
///
/// Put it once in the plugin crate's `lib.rs` (built as a `cdylib` for
/// `wasm32-wasip2`). In a wasm build it defines the component's `init` and
/// `handle` exports and keeps the plugin value in a per-instance slot; in a
/// native build it only checks that the type implements `Plugin`, so the
/// crate still compiles and tests natively.
///
/// ```
/// use cityhub_sdk::{Batch, Context, Error, Plugin};
///
/// struct Echo;
///
/// impl Plugin for Echo {
///     type Config = serde_json::Value;
///     fn init(_: serde_json::Value) -> Result<Self, Error> { Ok(Echo) }
///     fn handle(&mut self, _: &Batch<'_>, _: &mut Context<'_>) -> Result<(), Error> { Ok(()) }
/// }
///
/// cityhub_sdk::export_plugin!(Echo);
/// ```
#[macro_export]
macro_rules! export_plugin {
    ($plugin:ty) => {
        const _: () = {
            fn __cityhub_is_a_plugin<P: $crate::Plugin + 'static>() {}
            let _ = __cityhub_is_a_plugin::<$plugin>;
        };

        #[cfg(target_arch = "wasm32")]
        const _: () = {
            ::std::thread_local! {
                static CITYHUB_INSTANCE: $crate::__private::Slot<$plugin> =
                    const { $crate::__private::Slot::new() };
            }

            struct CityhubHandler;

            impl $crate::__private::bindings::exports::cityhub::plugin::handler::Guest for CityhubHandler {
                fn init(
                    config: ::std::string::String,
                ) -> ::core::result::Result<(), $crate::__private::bindings::exports::cityhub::plugin::handler::PluginError>
                {
                    $crate::__private::init(&CITYHUB_INSTANCE, config)
                }

                fn handle(
                    batch: ::std::vec::Vec<u8>,
                ) -> ::core::result::Result<
                    ::std::vec::Vec<u8>,
                    $crate::__private::bindings::exports::cityhub::plugin::handler::PluginError,
                > {
                    $crate::__private::handle(&CITYHUB_INSTANCE, batch)
                }
            }

            $crate::__private::bindings::export!(CityhubHandler with_types_in $crate::__private::bindings);
        };
    };
}
