//! Health for Lạng Sơn (Sở Y tế): hospital bed occupancy, emergency calls
//! per district, and outbreak signals from case reports.
//!
//! # In
//!
//! - `city.health.beds`: a hospital's bed count, `{"hospital": "bvdk-tinh",
//!   "hospitalName": "Bệnh viện Đa khoa tỉnh Lạng Sơn", "bedsTotal": 560,
//!   "bedsOccupied": 522, "observedAt"}`. The latest per hospital counts: a
//!   count not newer than the hospital's newest (`observedAt`) is a
//!   redelivery or late, and skipped.
//! - `city.health.emergency-call`: a call to 115, `{"callId", "district":
//!   "Cao Lộc", "category": "trauma", "location": {"type": "Point",
//!   "coordinates": [lon, lat]}, "receivedAt"}`. Counted once per `callId`.
//! - `city.health.case-report`: a notifiable-disease case, `{"caseId",
//!   "disease": "Sốt xuất huyết", "district": "Cao Lộc", "reportedAt"}`.
//!   Counted once per `caseId`.
//! - `cityhub.clock.tick` (`{"now"}`), so windows slide when nothing else
//!   arrives.
//!
//! Every input's time (`observedAt`, `receivedAt`, `reportedAt`, the tick's
//! `now`) advances the plugin's event-time clock ([`Clock`]); it never moves
//! back. Whenever it moves, calls an hour old and cases older than
//! `outbreak_window` drop out of their counts, and what that changes is
//! announced at once (time = "now").
//!
//! # Out
//!
//! `city.health.indicator` (data: [`Indicator`]; subject = the scope; time
//! = `observedAt`), emitted when the value changes:
//! - `bed-occupancy`: scope = hospital, `scopeName` = its `hospitalName`,
//!   `bedsOccupied / bedsTotal` rounded to 0.001, unit `ratio`.
//! - `emergency-calls`: scope and `scopeName` = district, the calls received
//!   in the hour up to "now", unit `per-hour` (0 when the last one expires).
//!
//! `city.health.alert` (data: [`Alert`], category `health`; subject = the
//! `alertId`; time = `observedAt`):
//! - `capacity`, alertId `health/capacity/<hospital>`: opens when occupancy
//!   reaches `capacity_ratio` (default 0.9, severity `high`; `critical` from
//!   `critical_ratio`, default 1.0, i.e. more patients than beds), is
//!   announced `open` again when its severity changes, and resolves below
//!   `capacity_resolve_ratio` (default 0.85). Figures `bedsOccupied`,
//!   `bedsTotal`, `ratio`; `location` from `hospital_locations`; title e.g.
//!   "Bệnh viện Đa khoa tỉnh Lạng Sơn gần hết giường: 522/560 giường (93%)".
//! - `outbreak`, alertId `health/outbreak/<disease>/<district>`, severity
//!   `high`: opens when the cases of one disease in one district within
//!   `outbreak_window` (default 7d) reach `outbreak_cases` (default 5;
//!   `outbreak_cases_by_disease` per disease), resolves when the count falls
//!   below. Figures `cases`, `window` (e.g. `"7d"`), `disease`, `district`;
//!   title e.g. "Tín hiệu dịch sốt xuất huyết tại huyện Cao Lộc: 6 ca trong
//!   7 ngày".
//!
//! Names (hospitals, districts, diseases) come back byte for byte.
//!
//! # State
//!
//! `clock/now`; `hospital/<id>` per hospital ([`Hospital`]); `calls`, the
//! calls of the last hour per district ([`Calls`]); `cases`, the cases
//! within the window per disease and district and whether their alert is
//! open ([`Cases`]). Calls and cases are pruned as the clock moves, so state
//! holds one hour of calls and one window of cases; a call or case older
//! than that is not counted (and cannot be counted twice).
//!
//! A malformed input fails the batch with an invalid-input error that names
//! the event and the field.

mod beds;
mod calls;
mod config;
mod input;
mod outbreak;
mod record;
mod text;

use cityhub_sdk::city::{
    Alert, AlertStatus, Clock, Indicator, Location, Severity, TICK, Text, Unit, load_record,
    local_rfc3339, tick_time,
};
use cityhub_sdk::{Batch, Context, Error, Event, Plugin, Timestamp};
use serde_json::json;

pub use beds::{Beds, Change, Hospital, KEY_PREFIX, assess};
pub use calls::{Added, Calls, District, EmergencyCall, WINDOW_SECS};
pub use config::{Config, MAX_OUTBREAK_WINDOW_DAYS, Ratio};
pub use input::MAX_NAME;
pub use outbreak::{Area, CaseReport, Cases, Signal};

/// Hospitals' bed counts (in).
pub const BEDS: &str = "city.health.beds";
/// Calls to the emergency number (in).
pub const EMERGENCY_CALL: &str = "city.health.emergency-call";
/// Notifiable-disease case reports (in).
pub const CASE_REPORT: &str = "city.health.case-report";
/// Indicators (out).
pub const INDICATOR: &str = "city.health.indicator";
/// Alerts (out).
pub const ALERT: &str = "city.health.alert";

/// The plugin: its configuration. Everything else lives in state.
#[derive(Debug)]
pub struct Health {
    config: Config,
}

impl Plugin for Health {
    type Config = Config;

    fn init(config: Config) -> Result<Self, Error> {
        config.check()?;
        Ok(Health { config })
    }

    fn handle(&mut self, batch: &Batch<'_>, ctx: &mut Context<'_>) -> Result<(), Error> {
        let mut windows = record::Windows::load(ctx);
        for event in batch {
            let now = match event.ty() {
                BEDS => self.beds(&event, ctx)?,
                EMERGENCY_CALL => call(&event, ctx, &mut windows)?,
                CASE_REPORT => self.case(&event, ctx, &mut windows)?,
                TICK => Clock::advance(ctx, tick_time(&event)?)?,
                _ => {
                    ctx.log().warn(
                        "event skipped: not a health input",
                        &[("event", event.id()), ("type", event.ty())],
                    );
                    continue;
                }
            };
            self.slide(ctx, &mut windows, now)?;
        }
        windows.save(ctx)
    }
}

impl Health {
    fn beds(&self, event: &Event<'_>, ctx: &mut Context<'_>) -> Result<Timestamp, Error> {
        let beds: Beds<'_> = event.data_json()?;
        let at = beds.check(event)?;
        let now = Clock::advance(ctx, at)?;
        let key = format!("{KEY_PREFIX}{}", beds.hospital);
        let previous: Option<Hospital> = load_record(ctx, &key, Some(event));
        if previous
            .as_ref()
            .is_some_and(|h| at.seconds() <= h.observed_at)
        {
            ctx.log().debug(
                "bed count skipped: not newer than the hospital's last",
                &[("event", event.id()), ("hospital", &beds.hospital)],
            );
            return Ok(now);
        }
        let ratio = beds.ratio();
        let observed_at = local_rfc3339(at);
        if previous.as_ref().map(|h| h.ratio) != Some(ratio) {
            let indicator = Indicator {
                indicator: "bed-occupancy".to_owned(),
                scope: beds.hospital.clone().into_owned(),
                scope_name: Some(beds.hospital_name.clone().into_owned()),
                name: Text::new("Tỷ lệ sử dụng giường bệnh", "Bed occupancy"),
                value: ratio,
                unit: Unit::Ratio,
                observed_at: observed_at.clone(),
            };
            ctx.emit(indicator.output(INDICATOR))?;
        }
        let was = previous.and_then(|h| h.alert);
        let (alert, change) = assess(was, ratio, &self.config);
        let hospital = Hospital {
            observed_at: at.seconds(),
            ratio,
            alert,
        };
        ctx.state().set_json(&key, &hospital)?;
        let Some(change) = change else {
            return Ok(now);
        };
        let (status, severity) = match change {
            Change::Open(severity) => (AlertStatus::Open, severity),
            // A resolution keeps the severity the alert had.
            Change::Resolved => (AlertStatus::Resolved, was.unwrap_or(Severity::High)),
        };
        let alert = Alert {
            alert_id: format!("health/capacity/{}", beds.hospital),
            status,
            category: "health".to_owned(),
            sub_category: "capacity".to_owned(),
            severity,
            title: text::capacity(
                change,
                &beds.hospital_name,
                beds.beds_occupied,
                beds.beds_total,
                ratio,
            ),
            description: None,
            location: self
                .config
                .hospital_locations
                .get(&*beds.hospital)
                .map(|&[lon, lat]| Location::point(lon, lat)),
            figures: [
                ("bedsOccupied", json!(beds.beds_occupied)),
                ("bedsTotal", json!(beds.beds_total)),
                ("ratio", json!(ratio)),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
            observed_at,
        };
        ctx.emit(alert.output(ALERT))?;
        Ok(now)
    }

    fn case(
        &self,
        event: &Event<'_>,
        ctx: &mut Context<'_>,
        windows: &mut record::Windows,
    ) -> Result<Timestamp, Error> {
        let report: CaseReport<'_> = event.data_json()?;
        let at = report.check(event)?;
        let now = Clock::advance(ctx, at)?;
        let window =
            i64::try_from(self.config.outbreak_window.as_duration().as_secs()).unwrap_or(i64::MAX);
        let added = windows
            .cases
            .add(&report, at.seconds(), now.seconds(), window);
        skipped(ctx, event, added, "case report");
        Ok(now)
    }

    /// Expires calls and cases up to `now` and announces what changed.
    fn slide(
        &self,
        ctx: &mut Context<'_>,
        windows: &mut record::Windows,
        now: Timestamp,
    ) -> Result<(), Error> {
        let observed_at = local_rfc3339(now);
        for (district, count) in windows.calls.slide(now.seconds()) {
            let indicator = Indicator {
                indicator: "emergency-calls".to_owned(),
                scope: district.clone(),
                scope_name: Some(district),
                name: Text::new("Cuộc gọi cấp cứu 115", "Emergency calls (115)"),
                value: f64::from(count),
                unit: Unit::PerHour,
                observed_at: observed_at.clone(),
            };
            ctx.emit(indicator.output(INDICATOR))?;
        }
        let window = self.config.outbreak_window;
        for signal in windows.cases.slide(now.seconds(), &self.config) {
            let alert = Alert {
                alert_id: format!("health/outbreak/{}/{}", signal.disease, signal.district),
                status: if signal.open {
                    AlertStatus::Open
                } else {
                    AlertStatus::Resolved
                },
                category: "health".to_owned(),
                sub_category: "outbreak".to_owned(),
                severity: Severity::High,
                title: text::outbreak(
                    signal.open,
                    &signal.disease,
                    &signal.district,
                    signal.cases,
                    window,
                ),
                description: None,
                location: None,
                figures: [
                    ("cases", json!(signal.cases)),
                    ("window", json!(window)),
                    ("disease", json!(signal.disease)),
                    ("district", json!(signal.district)),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
                observed_at: observed_at.clone(),
            };
            ctx.emit(alert.output(ALERT))?;
        }
        Ok(())
    }
}

fn call(
    event: &Event<'_>,
    ctx: &mut Context<'_>,
    windows: &mut record::Windows,
) -> Result<Timestamp, Error> {
    let call: EmergencyCall<'_> = event.data_json()?;
    let at = call.check(event)?;
    let now = Clock::advance(ctx, at)?;
    let added = windows
        .calls
        .add(&call.district, &call.call_id, at.seconds(), now.seconds());
    skipped(ctx, event, added, "emergency call");
    Ok(now)
}

/// Logs (at debug) why an input was not counted.
fn skipped(ctx: &mut Context<'_>, event: &Event<'_>, added: Added, what: &str) {
    let why = match added {
        Added::Counted => return,
        Added::Duplicate => "already counted",
        Added::TooOld => "older than its window",
    };
    ctx.log()
        .debug(&format!("{what} skipped: {why}"), &[("event", event.id())]);
}

cityhub_sdk::export_plugin!(Health);
