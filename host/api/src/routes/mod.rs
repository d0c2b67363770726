//! One router per resource.

pub mod events;
pub mod health;
pub mod metrics;
