//! State keys (records are read with
//! [`load_record`](cityhub_sdk::city::load_record) and written with
//! `set_json`): `site/<id>` ([`crate::site::Site`]),
//! `event/<id>` ([`crate::calendar::Stored`]), `events/<site>` (the ids of a
//! site's events), `events/ends` (every event by its end, for pruning),
//! `stay/<accommodation>` and `district/<name>` ([`crate::occupancy`]), and
//! the clock `clock/now`.

/// The state key `prefix` + `id`.
pub fn key(prefix: &str, id: &str) -> String {
    format!("{prefix}{id}")
}
