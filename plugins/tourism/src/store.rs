//! State helpers. Keys: `site/<id>` ([`crate::site::Site`]),
//! `event/<id>` ([`crate::calendar::Stored`]), `events/<site>` (the ids of a
//! site's events), `events/ends` (every event by its end, for pruning),
//! `stay/<accommodation>` and `district/<name>` ([`crate::occupancy`]), and
//! the clock `clock/now`.

use cityhub_sdk::city::load_record;
use cityhub_sdk::{Context, Error};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The state key `prefix` + `id`.
pub fn key(prefix: &str, id: &str) -> String {
    format!("{prefix}{id}")
}

/// The JSON value under `key`; an unreadable one is logged as an error and
/// counts as absent ([`load_record`]).
pub fn load<T: DeserializeOwned>(ctx: &mut Context<'_>, key: &str) -> Option<T> {
    load_record(ctx, key, None)
}

/// Writes `value` under `key` as JSON.
pub fn save<T: Serialize>(ctx: &mut Context<'_>, key: &str, value: &T) -> Result<(), Error> {
    ctx.state().set_json(key, value)
}
