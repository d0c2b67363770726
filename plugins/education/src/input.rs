//! The bound on what the inputs carry. Their fields are checked through
//! the SDK's [`cityhub_sdk::city::Input`], whose errors name the event and
//! the field.

/// The longest id or name an input may carry (school and incident ids,
/// names, categories), in bytes: they are kept in state.
pub const MAX_NAME: usize = 200;
