//! The crate's one error type.

/// What can go wrong parsing a role or a token name, or making a token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A role name that is not one of the five.
    #[error("unknown role `{0}`: use one of admin, integrator, operator, source, vendor")]
    UnknownRole(String),
    /// A token name outside `[a-z0-9][a-z0-9._-]{{0,63}}`.
    #[error(
        "token name `{name}` is invalid: {why}; use 1 to 64 of a-z, 0-9, `.`, `_`, `-`, \
         starting with a letter or digit (e.g. `ops-desk-1`)"
    )]
    InvalidName {
        /// The name refused.
        name: String,
        /// What is wrong with it.
        why: &'static str,
    },
    /// The operating system gave no randomness.
    #[error("cannot make a token: the operating system's randomness failed: {0}")]
    NoRandomness(String),
}
