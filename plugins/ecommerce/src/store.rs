//! State keys, the small lists that index them (the host's state cannot be
//! listed), and the hourly expiry buckets that keep state bounded.
//!
//! Keys: `decl/<id>` ([`crate::declaration::Record`]), `gate/<id>`
//! ([`crate::gate::Gate`]), `queue/<gate>` ([`crate::risk::Queue`]),
//! `risk/<gate>` (open alerts), `order/<id>` (orders seen today),
//! `district/<name>` ([`crate::orders::District`]), the indexes
//! `index/gates` and `index/districts`, `orders/pending`, the expiry
//! buckets `expiry/<hour>` and their index `expiry/hours`, and the clock
//! `clock/now`.

use cityhub_sdk::city::load_record;
use cityhub_sdk::{Context, Error, Timestamp};
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

/// The ids listed under index `key`.
pub fn index(ctx: &mut Context<'_>, key: &str) -> Vec<String> {
    load(ctx, key).unwrap_or_default()
}

/// Adds `id` to index `key` if it is not listed yet.
pub fn enlist(ctx: &mut Context<'_>, key: &str, id: &str) -> Result<(), Error> {
    let mut ids = index(ctx, key);
    if let Err(at) = ids.binary_search_by(|i| i.as_str().cmp(id)) {
        ids.insert(at, id.to_owned());
        save(ctx, key, &ids)?;
    }
    Ok(())
}

/// The index of the hours that have an expiry bucket.
const HOURS: &str = "expiry/hours";
const BUCKET: &str = "expiry/";

/// The first whole hour (seconds since the epoch / 3600) at or after `t`.
pub fn hour_after(t: Timestamp) -> i64 {
    let secs = t.seconds() + i64::from(t.nanoseconds() > 0);
    secs.div_euclid(3600) + i64::from(secs.rem_euclid(3600) > 0)
}

/// Schedules `key` to be looked at once hour `hour` has begun (see
/// [`due`]); the record under `key` must remember `hour` so a record
/// rescheduled since can tell an old bucket from its own.
pub fn schedule(ctx: &mut Context<'_>, key: &str, hour: i64) -> Result<(), Error> {
    let bucket = self::key(BUCKET, &hour.to_string());
    let mut keys: Vec<String> = load(ctx, &bucket).unwrap_or_default();
    if keys.iter().any(|k| k == key) {
        return Ok(());
    }
    if keys.is_empty() {
        let mut hours: Vec<i64> = load(ctx, HOURS).unwrap_or_default();
        if let Err(at) = hours.binary_search(&hour) {
            hours.insert(at, hour);
            save(ctx, HOURS, &hours)?;
        }
    }
    keys.push(key.to_owned());
    save(ctx, &bucket, &keys)
}

/// Removes and returns every bucket whose hour has begun by `now`, oldest
/// first, as `(hour, keys)`.
pub fn due(ctx: &mut Context<'_>, now: Timestamp) -> Result<Vec<(i64, Vec<String>)>, Error> {
    let mut hours: Vec<i64> = load(ctx, HOURS).unwrap_or_default();
    let current = now.seconds().div_euclid(3600);
    let ripe = hours.partition_point(|&h| h <= current);
    if ripe == 0 {
        return Ok(Vec::new());
    }
    let mut out = Vec::with_capacity(ripe);
    for hour in hours.drain(..ripe) {
        let bucket = key(BUCKET, &hour.to_string());
        let keys: Vec<String> = load(ctx, &bucket).unwrap_or_default();
        ctx.state().delete(&bucket)?;
        out.push((hour, keys));
    }
    if hours.is_empty() {
        ctx.state().delete(HOURS)?;
    } else {
        save(ctx, HOURS, &hours)?;
    }
    Ok(out)
}
