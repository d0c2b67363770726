//! One router per resource.

pub mod audit;
pub mod deadletters;
pub mod delivery;
pub mod events;
pub mod health;
pub mod metrics;
pub mod open311;
pub mod ops;
pub mod session;
pub mod stream;
pub mod tokens;
