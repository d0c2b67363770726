//! Education for Lạng Sơn (Sở Giáo dục và Đào tạo): school attendance and
//! school incidents, as indicators and alerts for the operations centre.
//!
//! # In
//!
//! - `city.education.attendance`: a school's figures for one school day,
//!   `{"school": "thcs-hoang-van-thu", "schoolName": "Trường THCS Hoàng Văn
//!   Thụ", "district": "TP Lạng Sơn", "enrolled": 640, "present": 602,
//!   "date": "2026-11-27", "observedAt"}`, sent again when corrected. News
//!   is a later `date`, or for the same date other figures taken no earlier
//!   (a correction); the same figures again, an earlier date or an older copy
//!   emit nothing.
//! - `city.education.incident`: an incident at a school, sent again when it
//!   changes, `{"incidentId", "school", "schoolName", "category",
//!   "severity", "description", "status"?, "observedAt"}`. `category` is
//!   `food-poisoning` | `injury` | `violence` | `fire` | `natural-disaster`
//!   | `infrastructure` | `other`; `severity` is the school's scale, mapped
//!   onto the alert's: `minor` → `low`, `moderate` → `medium`, `serious` →
//!   `high`, `critical` → `critical` (anything else is invalid input naming
//!   the allowed values); `status` is `open` (default) or `resolved`.
//!
//! Every input's time advances the plugin's event-time clock ([`Clock`]).
//!
//! # Out
//!
//! `city.education.indicator` (data: [`Indicator`]; subject = the school;
//! time = `observedAt`): `attendance`, scope = school, `scopeName` =
//! `schoolName`, `present / enrolled` rounded to 0.001, unit `ratio`,
//! emitted when the value changes.
//!
//! `city.education.alert` (data: [`Alert`], category `education`; subject
//! = the `alertId`; time = `observedAt`):
//! - `low-attendance`, alertId `education/low-attendance/<school>`: opens
//!   when attendance is below `low_attendance_ratio` (default 0.85, severity
//!   `medium`; `high` below `severe_attendance_ratio`, default 0.7), is
//!   announced `open` again when its severity changes, and resolves when
//!   attendance is back at or above `low_attendance_ratio`. Figures
//!   `present`, `enrolled`, `ratio`, `date`; title e.g. "Tỷ lệ đi học thấp
//!   tại Trường THCS Hoàng Văn Thụ: 512/640 học sinh (80%) ngày 27/11/2026".
//! - `incident`, alertId `education/incident/<incidentId>`: opens when an
//!   incident is first reported open (or reopened), is announced `open`
//!   again when its severity changes, and resolves when it is reported
//!   `resolved`. An incident first heard of already resolved announces
//!   nothing. Figures `category`, `incidentSeverity` (the school's word),
//!   `school`; `description` = the school's text in both languages
//!   (untranslated); title e.g. "Ngộ độc thực phẩm tại Trường TH Đồng Đăng".
//!
//! Alerts carry the school's `location` when `school_locations` has it.
//! Names and descriptions come back byte for byte.
//!
//! # State
//!
//! `clock/now`; `school/<id>` per school ([`School`]); `incidents`, the
//! incidents by id ([`Incidents`]): open ones until resolved, resolved ones
//! for `incident_retention` (default 30d, event time), after which they are
//! forgotten; incident events older than that are ignored, so a forgotten
//! incident cannot be reopened by a redelivery.
//!
//! A malformed input fails the batch with an invalid-input error that names
//! the event and the field.

mod attendance;
mod config;
mod incident;
mod input;
mod text;

use std::collections::BTreeMap;

use cityhub_sdk::city::{
    Alert, AlertStatus, Clock, Indicator, Location, Text, Unit, load_record, local_rfc3339,
};
use cityhub_sdk::{Batch, Context, Error, Event, Plugin};
use serde_json::{Value, json};

pub use attendance::{Attendance, Change, KEY_PREFIX, School, assess, is_news};
pub use config::{Config, Ratio};
pub use incident::{Category, Incident, IncidentSeverity, Incidents, Known, Status};
pub use input::MAX_NAME;

/// Attendance figures (in).
pub const ATTENDANCE: &str = "city.education.attendance";
/// School incidents (in).
pub const INCIDENT: &str = "city.education.incident";
/// Indicators (out).
pub const INDICATOR: &str = "city.education.indicator";
/// Alerts (out).
pub const ALERT: &str = "city.education.alert";

/// The plugin: its configuration. Everything else lives in state.
#[derive(Debug)]
pub struct Education {
    config: Config,
}

impl Plugin for Education {
    type Config = Config;

    fn init(config: Config) -> Result<Self, Error> {
        config.check()?;
        Ok(Education { config })
    }

    fn handle(&mut self, batch: &Batch<'_>, ctx: &mut Context<'_>) -> Result<(), Error> {
        for event in batch {
            match event.ty() {
                ATTENDANCE => self.attendance(&event, ctx)?,
                INCIDENT => self.incident(&event, ctx)?,
                _ => ctx.log().warn(
                    "event skipped: not an education input",
                    &[("event", event.id()), ("type", event.ty())],
                ),
            }
        }
        Ok(())
    }
}

impl Education {
    fn attendance(&self, event: &Event<'_>, ctx: &mut Context<'_>) -> Result<(), Error> {
        let day: Attendance<'_> = event.data_json()?;
        let at = day.check(event)?;
        Clock::advance(ctx, at)?;
        let key = format!("{KEY_PREFIX}{}", day.school);
        let previous: Option<School> = load_record(ctx, &key, Some(event));
        let news = previous
            .as_ref()
            .is_none_or(|s| is_news(s, &day.date, at.seconds(), day.enrolled, day.present));
        if !news {
            ctx.log().debug(
                "attendance skipped: not news for the school",
                &[("event", event.id()), ("school", &day.school)],
            );
            return Ok(());
        }
        let ratio = day.ratio();
        let observed_at = local_rfc3339(at);
        if previous.as_ref().map(|s| s.ratio) != Some(ratio) {
            let indicator = Indicator {
                indicator: "attendance".to_owned(),
                scope: day.school.clone().into_owned(),
                scope_name: Some(day.school_name.clone().into_owned()),
                name: Text::new("Tỷ lệ học sinh đi học", "Attendance"),
                value: ratio,
                unit: Unit::Ratio,
                observed_at: observed_at.clone(),
            };
            ctx.emit(indicator.output(INDICATOR))?;
        }
        let was = previous.and_then(|s| s.alert);
        let (alert, change) = assess(was, ratio, &self.config);
        let school = School {
            date: day.date.clone().into_owned(),
            observed_at: at.seconds(),
            enrolled: day.enrolled,
            present: day.present,
            ratio,
            alert,
        };
        ctx.state().set_json(&key, &school)?;
        let Some(change) = change else {
            return Ok(());
        };
        let (status, severity) = match change {
            Change::Open(severity) => (AlertStatus::Open, severity),
            Change::Resolved => (
                AlertStatus::Resolved,
                was.unwrap_or(cityhub_sdk::city::Severity::Medium),
            ),
        };
        let alert = Alert {
            alert_id: format!("education/low-attendance/{}", day.school),
            status,
            category: "education".to_owned(),
            sub_category: "low-attendance".to_owned(),
            severity,
            title: text::attendance(
                status == AlertStatus::Open,
                &day.school_name,
                day.present,
                day.enrolled,
                ratio,
                &day.date,
            ),
            description: None,
            location: self.location(&day.school),
            figures: figures([
                ("present", json!(day.present)),
                ("enrolled", json!(day.enrolled)),
                ("ratio", json!(ratio)),
                ("date", json!(day.date)),
            ]),
            observed_at,
        };
        ctx.emit(alert.output(ALERT))
    }

    fn incident(&self, event: &Event<'_>, ctx: &mut Context<'_>) -> Result<(), Error> {
        let incident: Incident<'_> = event.data_json()?;
        let observed = incident.check(event)?;
        let at = observed.seconds();
        let now = Clock::advance(ctx, observed)?.seconds();
        let retention = i64::try_from(self.config.incident_retention.as_duration().as_secs())
            .unwrap_or(i64::MAX);
        let mut known: Incidents = load_record(ctx, incident::KEY, Some(event)).unwrap_or_default();
        let pruned = known.prune(now, retention);
        let id = &*incident.incident_id;
        let stale = at <= now.saturating_sub(retention)
            || known.0.get(id).is_some_and(|k| at <= k.observed_at);
        if stale {
            ctx.log().debug(
                "incident skipped: not newer than what the plugin knows",
                &[("event", event.id()), ("incident", id)],
            );
            if pruned {
                save_incidents(ctx, &known)?;
            }
            return Ok(());
        }
        let severity = incident.severity.severity();
        let change = incident::change(known.0.get(id), incident.status, severity);
        known.0.insert(
            id.to_owned(),
            Known {
                observed_at: at,
                severity,
                status: incident.status,
            },
        );
        save_incidents(ctx, &known)?;
        let Some(status) = change else {
            return Ok(());
        };
        let open = status == Status::Open;
        let description = &*incident.description;
        let alert = Alert {
            alert_id: format!("education/incident/{id}"),
            status: if open {
                AlertStatus::Open
            } else {
                AlertStatus::Resolved
            },
            category: "education".to_owned(),
            sub_category: "incident".to_owned(),
            severity,
            title: text::incident(open, incident.category, &incident.school_name),
            description: (!description.is_empty()).then(|| Text::new(description, description)),
            location: self.location(&incident.school),
            figures: figures([
                ("category", json!(incident.category)),
                ("incidentSeverity", json!(incident.severity)),
                ("school", json!(incident.school)),
            ]),
            observed_at: local_rfc3339(observed),
        };
        ctx.emit(alert.output(ALERT))
    }

    fn location(&self, school: &str) -> Option<Location> {
        self.config
            .school_locations
            .get(school)
            .map(|&[lon, lat]| Location::point(lon, lat))
    }
}

fn figures<const N: usize>(pairs: [(&str, Value); N]) -> BTreeMap<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

fn save_incidents(ctx: &mut Context<'_>, known: &Incidents) -> Result<(), Error> {
    if known.0.is_empty() {
        ctx.state().delete(incident::KEY)
    } else {
        ctx.state().set_json(incident::KEY, known)
    }
}

cityhub_sdk::export_plugin!(Education);
