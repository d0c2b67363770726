//! Who may do what on a host: [`Role`]s, the [`Permission`] each API route
//! needs and which roles hold it, and API [`token`]s (made, hashed, named).
//!
//! No I/O and no SQL: the store keeps tokens (only their SHA-256,
//! [`token::hash`]), the API's middleware looks a presented token up by its
//! hash and checks [`Role::holds`] against the route's permission.
//!
//! | Permission | roles |
//! |---|---|
//! | [`Permission::IngestEvents`] | source, integrator, admin |
//! | [`Permission::ReadEvents`] | operator, integrator, admin |
//! | [`Permission::ReadOps`] | operator, integrator, admin |
//! | [`Permission::ActOnAlerts`] | operator, admin |
//! | [`Permission::ManageDelivery`] | integrator, admin |
//! | [`Permission::ReadMetrics`] | integrator, admin |
//! | [`Permission::ReadApiDoc`] | every role but vendor |
//! | [`Permission::Administer`] | admin |
//!
//! `vendor` holds nothing on a host: vendors publish to the registry, whose
//! own vendor tokens are that role.

mod error;
mod role;
pub mod token;

pub use error::Error;
pub use role::{Permission, Role};
