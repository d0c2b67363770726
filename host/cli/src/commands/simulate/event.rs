//! What the generators produce ([`Draft`]s, one simulated minute at a time)
//! and what the sender posts ([`Outgoing`]): CloudEvents for `/v1/events`,
//! and, with `--reports open311`, citizens' field reports for the host's
//! Open311 endpoint ([`ReportsVia`]).
//!
//! [`Emitter`] turns a minute's drafts, sorted by time, into outgoing events
//! with ids `<run>-<n>` numbered in order, so one seed gives the same ids.
//! A field report's `service_request_id` is the id of its
//! `city.fieldreport.submitted` event (with `--reports open311`, until the
//! host answers with its own).

use std::collections::HashMap;

use serde_json::{Value, json};

use super::clock::SimTime;

/// The `source` of every simulated event: `/simulator/lang-son/<sector>`.
const SOURCE: &str = "/simulator/lang-son";

/// How citizens' field reports reach the host (`--reports`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReportsVia {
    /// As `city.fieldreport.submitted` CloudEvents in the batches to
    /// `/v1/events`, `requested_datetime` = simulated time (the host's
    /// `[ingest] accepts` must admit the type).
    #[default]
    Events,
    /// Form-encoded to the host's Open311 endpoint, as a citizen's app
    /// would. Caveat: GeoReport v2 has no field for the time of a report,
    /// so the host stamps `requested_datetime` with its wall clock, not
    /// simulated time: SLA, overdue and the IOC's 24-hour window drift
    /// from the rest of the scenario.
    Open311,
}

impl ReportsVia {
    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Self::Events => "events",
            Self::Open311 => "open311",
        }
    }
}

/// A citizen's field report (Open311 GeoReport v2 names).
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub service_code: &'static str,
    pub description: String,
    pub lon: f64,
    pub lat: f64,
    pub address: String,
    pub media_url: Option<String>,
}

/// What happens, before it has an id.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// A CloudEvent of `ty` from `sector`.
    Event {
        ty: &'static str,
        sector: &'static str,
        subject: Option<String>,
        data: Value,
    },
    /// A citizen's report; `key` is the generator's own number for it.
    Report { key: u64, report: Report },
    /// An agency's update of report `key` (`city.fieldreport.progress`).
    Progress {
        key: u64,
        status: &'static str,
        notes: String,
    },
}

/// One thing that happens at a simulated instant.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub at: SimTime,
    pub body: Body,
}

impl Draft {
    /// A CloudEvent draft.
    pub fn event(
        at: SimTime,
        ty: &'static str,
        sector: &'static str,
        subject: Option<String>,
        data: Value,
    ) -> Self {
        Self {
            at,
            body: Body::Event {
                ty,
                sector,
                subject,
                data,
            },
        }
    }
}

/// One thing to send, in the order of simulated time.
#[derive(Debug, Clone, PartialEq)]
pub enum Outgoing {
    /// Posted in a batch to `/v1/events`. With `--reports open311`,
    /// `updates` is the simulator id of the report a
    /// `city.fieldreport.progress` is about: the sender puts the host's
    /// `service_request_id` in its place. Otherwise `None`.
    Event {
        json: Value,
        updates: Option<String>,
    },
    /// Posted to `/open311/v2/requests.json` (`--reports open311` only).
    /// `json` is how it is recorded:
    /// the `city.fieldreport.submitted` event it stands for, with
    /// extension `via: "open311"` and `service_request_id` null until the
    /// host answers. GeoReport v2 has no field for the time of a report:
    /// the host stamps its own clock, so `requested_datetime` here (the
    /// simulated time) is what the simulator meant, not what the host kept.
    Report {
        json: Value,
        form: Vec<(&'static str, String)>,
    },
}

impl Outgoing {
    /// The recorded form: a CloudEvent.
    pub fn json(&self) -> &Value {
        match self {
            Self::Event { json, .. } | Self::Report { json, .. } => json,
        }
    }
}

/// Numbers drafts into outgoing events.
#[derive(Debug)]
pub struct Emitter {
    run: String,
    next: u64,
    via: ReportsVia,
    /// Report key → the simulator id of its report.
    reports: HashMap<u64, String>,
}

impl Emitter {
    /// Ids will be `<run>-000001`, …; field reports go `via`.
    pub fn new(run: String, via: ReportsVia) -> Self {
        Self {
            run,
            next: 1,
            via,
            reports: HashMap::new(),
        }
    }

    /// The minute's drafts, in time order (stable: same-time drafts keep
    /// the order the generators gave them).
    pub fn emit(&mut self, mut drafts: Vec<Draft>) -> Vec<Outgoing> {
        drafts.sort_by_key(|d| d.at);
        drafts.into_iter().filter_map(|d| self.one(d)).collect()
    }

    fn id(&mut self) -> String {
        let id = format!("{}-{:06}", self.run, self.next);
        self.next += 1;
        id
    }

    fn one(&mut self, d: Draft) -> Option<Outgoing> {
        let time = d.at.rfc3339();
        Some(match d.body {
            Body::Event {
                ty,
                sector,
                subject,
                data,
            } => Outgoing::Event {
                json: envelope(self.id(), sector, ty, subject, &time, data),
                updates: None,
            },
            Body::Report { key, report } => {
                let id = self.id();
                self.reports.insert(key, id.clone());
                match self.via {
                    ReportsVia::Events => Outgoing::Event {
                        json: submitted(id, &time, report),
                        updates: None,
                    },
                    ReportsVia::Open311 => open311(id, &time, report),
                }
            }
            Body::Progress { key, status, notes } => {
                // A report cut off by `--events` has no id: nothing to update.
                let report = self.reports.get(&key)?.clone();
                let data = json!({
                    "service_request_id": report,
                    "status": status,
                    "status_notes": notes,
                    "updated_datetime": time,
                });
                Outgoing::Event {
                    json: envelope(
                        self.id(),
                        "field-reports",
                        "city.fieldreport.progress",
                        Some(report.clone()),
                        &time,
                        data,
                    ),
                    updates: (self.via == ReportsVia::Open311).then_some(report),
                }
            }
        })
    }
}

/// A report as the `city.fieldreport.submitted` event a citizen's app
/// posts to `/v1/events`: subject and `service_request_id` = `id`,
/// `requested_datetime` = `time` (simulated); absent fields left out.
fn submitted(id: String, time: &str, report: Report) -> Value {
    let mut data = json!({
        "service_request_id": id,
        "service_code": report.service_code,
        "description": report.description,
        "lat": report.lat,
        "long": report.lon,
        "address_string": report.address,
        "requested_datetime": time,
    });
    if let Some(url) = report.media_url {
        data["media_url"] = json!(url);
    }
    envelope(
        id.clone(),
        "field-reports",
        "city.fieldreport.submitted",
        Some(id),
        time,
        data,
    )
}

/// A report for the Open311 endpoint: the form, and the event it is
/// recorded as (extension `via: "open311"`, no id until the host answers).
fn open311(id: String, time: &str, report: Report) -> Outgoing {
    let data = json!({
        "service_request_id": null,
        "service_code": report.service_code,
        "description": report.description,
        "lat": report.lat,
        "long": report.lon,
        "address_string": report.address,
        "media_url": report.media_url,
        "requested_datetime": time,
    });
    let mut json = envelope(
        id,
        "open311",
        "city.fieldreport.submitted",
        None,
        time,
        data,
    );
    json["via"] = json!("open311");
    let mut form = vec![
        ("service_code", report.service_code.to_owned()),
        ("lat", report.lat.to_string()),
        ("long", report.lon.to_string()),
        ("address_string", report.address),
        ("description", report.description),
    ];
    if let Some(url) = report.media_url {
        form.push(("media_url", url));
    }
    Outgoing::Report { json, form }
}

fn envelope(
    id: String,
    sector: &str,
    ty: &str,
    subject: Option<String>,
    time: &str,
    data: Value,
) -> Value {
    let mut e = json!({
        "specversion": "1.0",
        "id": id,
        "source": format!("{SOURCE}/{sector}"),
        "type": ty,
        "time": time,
        "datacontenttype": "application/json",
        "data": data,
    });
    if let Some(s) = subject {
        e["subject"] = json!(s);
    }
    e
}

/// Rounds to `places` decimals, for figures people read.
pub fn round(x: f64, places: i32) -> f64 {
    let k = 10f64.powi(places);
    (x * k).round() / k
}

/// A GeoJSON point.
pub fn point(lon: f64, lat: f64) -> Value {
    json!({"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]})
}

/// Bilingual text for the operations centre.
pub fn text(vi: &str, en: &str) -> Value {
    json!({"vi": vi, "en": en})
}
