//! Who may call the API: the auth layer ([`guard`]) on every resource
//! router but `/healthz`, the [`Principal`] it hands to handlers, the
//! [`Caller`] extractor for audit records, making and revoking tokens
//! ([`issue_token`], [`revoke_token`], also used by `cityhub token`), and the
//! failure counters with the audit rate cap ([`failures`]).
//!
//! Roles and permissions are cityhub-auth's; tokens and the audit log live
//! in the store.

pub mod failures;
mod guard;
mod issue;
mod principal;

pub use failures::AuthStats;
pub use guard::{COOKIE, Format, Need, Refusal, guard, lookup, same_origin, session_cookie};
pub use issue::{Issued, TokenError, issue_token, revoke_token};
pub use principal::{Caller, Principal, origin};

use crate::ApiError;

/// A store failure as an API error (`503 store_unavailable`, logged).
pub(crate) fn store_failed(operation: &str, source: cityhub_store::Error) -> ApiError {
    ApiError::from(cityhub_bus::Error::Store {
        operation: operation.to_owned(),
        source,
    })
}
