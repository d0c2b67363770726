//! The readings the bench sends, encoded once before a run starts: FIWARE
//! TrafficFlowObserved `city.traffic.reading` events over [`SEGMENTS`] road
//! segments, each segment's windows one minute apart and in order, its
//! speed alternating runs of [`RUN`] slow and fast readings so that
//! congestion begins, worsens and clears often (real work for the traffic
//! plugin's state, and outputs for the chain).
//!
//! Per-segment order survives concurrent senders: in the throughput runs
//! each client owns its own segments and sends them in order; in the
//! fixed-rate run consecutive requests cover different segments, and a
//! segment comes back only [`SEGMENTS`] events later.

use std::{
    fmt::Write as _,
    time::{Duration, SystemTime},
};

use bytes::Bytes;

/// Road segments in play.
pub const SEGMENTS: usize = 500;

/// Readings per slow (or fast) run of a segment.
const RUN: u64 = 8;

/// The first window: 2026-11-27T00:00:00Z, in seconds since the epoch.
const FIRST_WINDOW: u64 = 1_795_737_600;

/// One request's body, encoded.
#[derive(Debug, Clone)]
pub struct Body {
    pub bytes: Bytes,
    /// Events in it.
    pub events: u64,
}

/// How events travel: one per request (structured mode) or in batches.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// Events per request.
    pub per_request: u64,
    /// The request's content type.
    pub content_type: &'static str,
}

impl Shape {
    /// 100 events per request, batch mode.
    pub fn batch() -> Self {
        Self {
            per_request: 100,
            content_type: "application/cloudevents-batch+json",
        }
    }

    /// One event per request, structured mode.
    pub fn single() -> Self {
        Self {
            per_request: 1,
            content_type: "application/cloudevents+json",
        }
    }

    /// `batch of 100` or `1 per request`.
    pub fn label(&self) -> String {
        if self.per_request == 1 {
            "1 per request".to_owned()
        } else {
            format!("batches of {}", self.per_request)
        }
    }
}

/// The bodies of a throughput run: `events` over `clients` senders, each
/// sender's segments its own (segment `s` belongs to client `s % clients`).
pub fn closed_loop(run: &str, events: u64, clients: usize, shape: &Shape) -> Vec<Vec<Body>> {
    let clients = clients.clamp(1, SEGMENTS);
    let prefix = id_prefix(run);
    (0..clients)
        .map(|c| {
            let owned: Vec<usize> = (c..SEGMENTS).step_by(clients).collect();
            let n = events / clients as u64 + u64::from((c as u64) < events % clients as u64);
            let readings = (0..n).map(|i| {
                let k = owned.len() as u64;
                (format!("{prefix}-{c}-{i}"), owned[(i % k) as usize], i / k)
            });
            bodies(readings, shape)
        })
        .collect()
}

/// The bodies of a fixed-rate run: `events` in requests of `per_request`,
/// segments in turn.
pub fn paced(run: &str, events: u64, per_request: u64) -> Vec<Body> {
    let prefix = id_prefix(run);
    let shape = if per_request == 1 {
        Shape::single()
    } else {
        Shape {
            per_request,
            ..Shape::batch()
        }
    };
    let readings = (0..events).map(|j| {
        (
            format!("{prefix}-{j}"),
            (j % SEGMENTS as u64) as usize,
            j / SEGMENTS as u64,
        )
    });
    bodies(readings, &shape)
}

/// A run's label as an id prefix: `sqlite traffic @20,000/s` → `sqlite-traffic-20000-s`.
fn id_prefix(run: &str) -> String {
    let mut out = String::new();
    for c in run.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_owned()
}

fn bodies(readings: impl Iterator<Item = (String, usize, u64)>, shape: &Shape) -> Vec<Body> {
    let mut out = Vec::new();
    let mut body = String::new();
    let mut in_body = 0;
    let flush = |body: &mut String, out: &mut Vec<Body>, in_body: &mut u64| {
        if *in_body > 0 {
            if shape.per_request > 1 {
                body.push(']');
            }
            out.push(Body {
                bytes: Bytes::from(std::mem::take(body)),
                events: *in_body,
            });
            *in_body = 0;
        }
    };
    for (id, segment, window) in readings {
        if shape.per_request > 1 {
            body.push(if in_body == 0 { '[' } else { ',' });
        }
        reading(&mut body, &id, segment, window);
        in_body += 1;
        if in_body == shape.per_request {
            flush(&mut body, &mut out, &mut in_body);
        }
    }
    flush(&mut body, &mut out, &mut in_body);
    out
}

/// Appends the reading of `segment` for minute `window` as CloudEvent JSON.
fn reading(out: &mut String, id: &str, segment: usize, window: u64) {
    let s = segment as u64;
    let slow = ((window + s * 3) / RUN) % 2 == 1;
    let speed = if slow {
        3.0 + (s % 4) as f64
    } else {
        50.0 + (s % 20) as f64
    };
    let intensity = if slow {
        60 + window % 17
    } else {
        20 + window % 11
    };
    let at = |secs: u64| {
        humantime::format_rfc3339_seconds(SystemTime::UNIX_EPOCH + Duration::from_secs(secs))
    };
    let from = FIRST_WINDOW + window * 60;
    let (from, to) = (at(from), at(from + 59));
    let (lon, lat) = (
        106.6 + (s % 100) as f64 * 0.002,
        21.8 + (s / 100) as f64 * 0.05,
    );
    let _ = write!(
        out,
        r#"{{"specversion":"1.0","id":"{id}","source":"/sensors/bench","type":"city.traffic.reading","subject":"QL1A-km{s}","time":"{to}","datacontenttype":"application/json","data":{{"refRoadSegment":"QL1A-km{s}","location":{{"type":"Point","coordinates":[{lon:.4},{lat:.4}]}},"intensity":{intensity},"averageVehicleSpeed":{speed:.1},"dateObservedFrom":"{from}","dateObservedTo":"{to}"}}}}"#
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_window_is_the_27th_of_november_2026() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(FIRST_WINDOW);
        assert_eq!(
            humantime::format_rfc3339_seconds(t).to_string(),
            "2026-11-27T00:00:00Z"
        );
    }

    #[test]
    fn bodies_are_cloudevents_and_each_segment_moves_forward() {
        let bodies = closed_loop("sqlite traffic", 1000, 3, &Shape::batch());
        assert_eq!(bodies.len(), 3);
        let mut last: std::collections::HashMap<String, String> = Default::default();
        let mut n = 0;
        for client in &bodies {
            for body in client {
                let v: serde_json::Value = serde_json::from_slice(&body.bytes).unwrap();
                for e in v.as_array().unwrap() {
                    n += 1;
                    let seg = e["data"]["refRoadSegment"].as_str().unwrap().to_owned();
                    let to = e["data"]["dateObservedTo"].as_str().unwrap().to_owned();
                    if let Some(prev) = last.insert(seg, to.clone()) {
                        assert!(prev < to, "{prev} then {to}");
                    }
                }
            }
        }
        assert_eq!(n, 1000);
        let single = paced("x", 5, 1);
        assert_eq!(single.len(), 5);
        let e: serde_json::Value = serde_json::from_slice(&single[0].bytes).unwrap();
        assert_eq!(e["type"], "city.traffic.reading");
        assert_eq!(e["id"], "x-0");
    }
}
