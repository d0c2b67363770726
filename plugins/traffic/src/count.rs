//! The input `city.traffic.gate-count`: a border gate's truck count from
//! the cameras at its yard and on its approach road, read in place and
//! checked field by field (the gate against the configured `gates`).

use std::borrow::Cow;

use cityhub_sdk::{Error, Event, Timestamp};
use serde::Deserialize;

use crate::config::Config;
use crate::gate::Gate;

/// The most trucks a count may report, waiting or cleared; more is a
/// camera fault (the longest queues at Hữu Nghị run to a few thousand).
pub const MAX_TRUCKS: u32 = 100_000;

/// The data of a `city.traffic.gate-count` event. Other attributes are
/// accepted and ignored.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GateCount<'a> {
    /// The gate's id in the configured `gates`: `huu-nghi`.
    #[serde(borrow)]
    pub gate: Cow<'a, str>,
    /// Trucks waiting in the yard and on the approach road.
    pub trucks_waiting: u32,
    /// Trucks that crossed since the gate's previous count.
    pub trucks_cleared: u32,
    /// When the count was made, RFC 3339.
    #[serde(borrow)]
    pub observed_at: Cow<'a, str>,
}

impl GateCount<'_> {
    /// Checks the values serde cannot, and returns the gate and when the
    /// count was made. Errors are invalid-input errors naming `event` and
    /// the field; an unknown gate's names the gates the plugin knows.
    pub fn check<'c>(
        &self,
        event: &Event<'_>,
        config: &'c Config,
    ) -> Result<(&'c Gate, Timestamp), Error> {
        let bad =
            |field: &str, why: String| Error::invalid_input(event, format!("`data.{field}` {why}"));
        let gate = config.gate(&self.gate).ok_or_else(|| {
            bad(
                "gate",
                format!(
                    "names no configured border gate: {:?}; known gates: {}",
                    self.gate,
                    config.gate_ids()
                ),
            )
        })?;
        for (field, n) in [
            ("trucksWaiting", self.trucks_waiting),
            ("trucksCleared", self.trucks_cleared),
        ] {
            if n > MAX_TRUCKS {
                return Err(bad(
                    field,
                    format!("must be 0 to {MAX_TRUCKS} trucks, got {n}"),
                ));
            }
        }
        let at = Timestamp::parse_rfc3339(&self.observed_at).ok_or_else(|| {
            bad(
                "observedAt",
                format!(
                    "must be an RFC 3339 date-time such as 2026-11-27T08:00:00+07:00, got {:?}",
                    self.observed_at
                ),
            )
        })?;
        Ok((gate, at))
    }
}
