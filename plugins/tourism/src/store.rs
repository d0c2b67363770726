//! State helpers. Keys: `site/<id>` ([`crate::site::Site`]),
//! `event/<id>` ([`crate::calendar::Stored`]), `events/<site>` (the ids of a
//! site's events), `events/ends` (every event by its end, for pruning),
//! `stay/<accommodation>` and `district/<name>` ([`crate::occupancy`]), and
//! the clock `clock/now`.

use cityhub_sdk::{Context, Error};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The state key `prefix` + `id`.
pub fn key(prefix: &str, id: &str) -> String {
    let mut key = String::with_capacity(prefix.len() + id.len());
    key.push_str(prefix);
    key.push_str(id);
    key
}

/// The JSON value under `key`; an unreadable one is logged as an error and
/// counts as absent, so one bad record cannot block the plugin.
pub fn load<T: DeserializeOwned>(ctx: &mut Context<'_>, key: &str) -> Option<T> {
    let error = match ctx.state().get_json::<T>(key) {
        Ok(value) => return value,
        Err(err) => err.message().to_owned(),
    };
    ctx.log().error(
        "state unreadable, carrying on without it",
        &[("key", key), ("error", &error)],
    );
    None
}

/// Writes `value` under `key` as JSON.
pub fn save<T: Serialize>(ctx: &mut Context<'_>, key: &str, value: &T) -> Result<(), Error> {
    ctx.state().set_json(key, value)
}
