//! Smart traffic for Lạng Sơn's roads (Sở Giao thông Vận tải): congestion
//! per road segment, incidents, and the truck queues at the border gates.
//!
//! # Congestion
//!
//! Reads `city.traffic.reading` events, whose data follows FIWARE's
//! TrafficFlowObserved (`refRoadSegment`, `location`, `intensity`,
//! `averageVehicleSpeed`, `dateObservedFrom`, `dateObservedTo`, optional
//! `laneId`). For every road segment it keeps, in state under
//! `segment/<id>`, exponentially weighted moving averages of speed and
//! intensity, the number of readings and the congestion level.
//!
//! A segment with at least `min_samples` readings is *heavy* while its
//! smoothed speed is below `speed_threshold_kmh` and *severe* below
//! `severe_speed_kmh`. Whenever a segment's level changes (congestion begins,
//! worsens, eases or clears) the plugin emits one `city.traffic.congestion`
//! event about it: subject = the segment, time = the end of the reading's
//! window, data =
//!
//! ```json
//! {"refRoadSegment": "QL1A-km2", "location": {"type": "Point", "coordinates": [106.708, 21.968]},
//!  "averageVehicleSpeed": 19.57, "intensity": 41.3, "congested": true, "level": "heavy",
//!  "samples": 3, "observedAt": "2026-11-27T07:15:00+07:00"}
//! ```
//!
//! with `level` one of `heavy`, `severe` or `cleared` (`congested: false`),
//! after TrafficFlowObserved's `congested` attribute. The averages smooth
//! single slow readings away; there is no further hysteresis. A reading
//! whose window does not end after the segment's newest one is a
//! redelivery or arrives out of order: it is skipped (logged at debug).
//! Readings keep their own per-segment time and do not move the plugin's
//! event-time clock (congestion has no deadlines, and the clock's state
//! write would cost every reading).
//!
//! # Incidents
//!
//! Reads `city.traffic.incident-report` events: `{"incidentId", "category":
//! "accident" | "breakdown" | "roadworks" | "landslide" | "flooding", "road":
//! "QL1A", "refRoadSegment"?, "location", "description", "status":
//! "active" | "cleared", "observedAt"}`, sent again whenever the incident
//! changes. When an incident becomes active (first report, or reported
//! again after it cleared) or clears, the plugin emits a
//! `city.traffic.incident` event: subject = the incident id, time =
//! `observedAt` at +07:00, data =
//!
//! ```json
//! {"incidentId": "csgt-2026-1127-014", "category": "accident", "road": "QL1A",
//!  "refRoadSegment": "QL1A-km2",
//!  "location": {"type": "Point", "coordinates": [106.712, 21.962]},
//!  "description": "Va chạm giữa hai xe đầu kéo chở thanh long, chiếm một làn đường",
//!  "status": "active", "observedAt": "2026-11-27T07:40:00+07:00"}
//! ```
//!
//! (`refRoadSegment` only when the report has it; `description` and the
//! other text byte for byte) and a `city.traffic.indicator`
//! `active-incidents` for the road (scope = road, `scopeName` `Quốc lộ 1A`
//! for `QL…` roads, unit `count`): the road's active incidents, which only
//! change then. An update of an active incident, a repeated clearance, or a
//! clearance of an incident never reported active emits nothing (the last
//! is remembered, so a late report of its opening is recognised).
//!
//! An incident whose category is in `incident_alert_categories` (default
//! accident and landslide) on a national road (`QL…`) or expressway
//! (`CT…`) also raises a `city.traffic.alert` in the city's shared shape
//! ([`cityhub_sdk::city::Alert`]) when it becomes active, resolved when it
//! clears: `alertId` `traffic/incident/<incidentId>`, `subCategory`
//! `incident`, `severity` `high` (such an incident blocks a main route to
//! the border or to Hà Nội), a bilingual title ("Tai nạn giao thông trên
//! QL1A" / "Traffic accident on QL1A"; "Đã giải tỏa tai nạn giao thông trên
//! QL1A" / "Cleared: traffic accident on QL1A"), `location`, `figures`
//! `{incidentId, category, road, activeIncidents}`.
//!
//! # Border queues
//!
//! Reads `city.traffic.gate-count` events: `{"gate": "huu-nghi",
//! "trucksWaiting": 2400, "trucksCleared": 85, "observedAt"}`, where
//! `trucksCleared` counts the trucks that crossed since the gate's previous
//! count and `gate` is one of the configured `gates` (an unknown gate is
//! invalid input naming the known ones). On every count it emits a
//! `city.traffic.border-queue` event: subject = the gate, time =
//! `observedAt` at +07:00, data =
//!
//! ```json
//! {"gate": "huu-nghi",
//!  "gateName": {"vi": "Cửa khẩu Quốc tế Hữu Nghị", "en": "Hữu Nghị International Border Gate"},
//!  "road": "QL1A", "location": {"type": "Point", "coordinates": [106.7, 21.98]},
//!  "queueLength": 2400, "growthPerHour": 120.0, "clearancePerHour": 85.0,
//!  "trend": "growing", "observedAt": "2026-11-27T08:00:00+07:00"}
//! ```
//!
//! Rates are trucks per hour over the gate's counts within `rate_window`
//! (default `1h`) of this one, rounded to 0.1: growth from the oldest such
//! count's `trucksWaiting` to this one's, clearance the `trucksCleared` of
//! the counts after the oldest; both 0 for a gate's first count. `trend` is
//! `growing` above `steady_band_per_hour` (default 10), `shrinking` below
//! its negative, `steady` between (inclusive). When the trucks waiting
//! differ from the gate's previous count (or it is the first) a
//! `city.traffic.indicator` `border-queue` follows (scope = the gate,
//! `scopeName` its Vietnamese name, unit `count`, value = trucks waiting).
//!
//! # Time, redelivery, errors
//!
//! Incident reports and gate counts move the plugin's event-time clock
//! ([`cityhub_sdk::city::Clock`], `clock/now`); cleared incidents are
//! forgotten `incident_retention` (default 7 days) after they cleared, by
//! that clock. A report or count not newer than what state holds for its
//! incident or gate (to the second for gates) is a redelivery or arrives
//! out of order: it changes nothing and emits nothing (logged at debug).
//! A malformed event fails the batch with an invalid-input error that
//! names the event and the field. Other event types are skipped with a
//! warning.

mod border;
mod config;
mod congestion;
mod count;
mod gate;
mod incident;
mod queue;
mod reading;
mod report;
mod segment;

use cityhub_sdk::{Batch, Context, Error, Plugin};

pub use cityhub_sdk::geo::Point;
pub use config::{Alpha, Config, Kmh, Rate};
pub use count::{GateCount, MAX_TRUCKS};
pub use gate::{Gate, MAX_GATE_ID, MAX_ROAD, default_gates};
pub use incident::{CLEARED_KEY, MAX_CLEARED, ROAD_PREFIX, Record, alerting, road_name};
pub use queue::{Count, MAX_COUNTS, Queue, Rates, Trend};
pub use reading::{MAX_SEGMENT_ID, Reading};
pub use report::{Category, IncidentReport, IncidentStatus, MAX_INCIDENT_ID};
pub use segment::{ENCODED_LEN, KEY_PREFIX, Level, Segment};

/// A sensor's reading (in).
pub const READING: &str = "city.traffic.reading";
/// An incident report (in).
pub const INCIDENT_REPORT: &str = "city.traffic.incident-report";
/// A border gate's truck count (in).
pub const GATE_COUNT: &str = "city.traffic.gate-count";
/// A segment's congestion changed (out).
pub const CONGESTION: &str = "city.traffic.congestion";
/// An incident opened or cleared (out).
pub const INCIDENT: &str = "city.traffic.incident";
/// A gate's queue after a count (out).
pub const BORDER_QUEUE: &str = "city.traffic.border-queue";
/// `active-incidents` and `border-queue` figures (out).
pub const INDICATOR: &str = "city.traffic.indicator";
/// A severe incident's alert (out).
pub const ALERT: &str = "city.traffic.alert";

/// The plugin: its configuration and a reusable state-key buffer. Everything
/// else lives in state.
#[derive(Debug)]
pub struct Traffic {
    config: Config,
    key: String,
}

impl Plugin for Traffic {
    type Config = Config;

    fn init(config: Config) -> Result<Self, Error> {
        config.check()?;
        Ok(Traffic {
            config,
            key: String::with_capacity(64),
        })
    }

    fn handle(&mut self, batch: &Batch<'_>, ctx: &mut Context<'_>) -> Result<(), Error> {
        for event in batch {
            match event.ty() {
                READING => congestion::handle(&self.config, &mut self.key, &event, ctx)?,
                INCIDENT_REPORT => incident::handle(&self.config, &event, ctx)?,
                GATE_COUNT => border::handle(&self.config, &event, ctx)?,
                other => ctx.log().warn(
                    "event skipped: not a traffic reading, incident report or gate count",
                    &[("event", event.id()), ("type", other)],
                ),
            }
        }
        Ok(())
    }
}

cityhub_sdk::export_plugin!(Traffic);
