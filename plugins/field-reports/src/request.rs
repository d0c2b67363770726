//! A service request as the plugin keeps it and publishes it: the whole
//! Open311 GeoReport v2 request (`GET /open311/v2/requests/{id}.json`
//! answers with these fields), plus the road it is on and whether it is
//! overdue. Stored as JSON under `req/<service_request_id>`, exactly the
//! data of the `city.fieldreport.request` event last emitted for it.

use cityhub_sdk::{Context, Error, Event, Timestamp};
use serde::{Deserialize, Serialize};

/// State keys of requests are this prefix and the request id.
pub const KEY_PREFIX: &str = "req/";

/// Whether the agency is still working on a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Received, routed, being handled.
    Open,
    /// Handled (fixed, or answered in `status_notes`).
    Closed,
}

impl Status {
    /// `open` or `closed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Closed => "closed",
        }
    }
}

/// The data of a `city.fieldreport.request` event, and the state record of
/// the request. Absent values are `null`. Times are RFC 3339 at `+07:00`,
/// whole seconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// Its id.
    pub service_request_id: String,
    /// `open` or `closed`.
    pub status: Status,
    /// The agency's latest notes.
    pub status_notes: Option<String>,
    /// The name of the service it is filed under.
    pub service_name: String,
    /// The service it is filed under (not necessarily the code submitted:
    /// see the classification rules).
    pub service_code: String,
    /// What the citizen wrote, byte for byte.
    pub description: Option<String>,
    /// The agency handling it.
    pub agency_responsible: String,
    /// What happens next, for the citizen.
    pub service_notice: String,
    /// When it was submitted.
    pub requested_datetime: String,
    /// When the agency last updated it (its submission time until then).
    pub updated_datetime: String,
    /// Its deadline: submission plus the service's SLA.
    pub expected_datetime: String,
    /// The address as submitted (`address_string`).
    pub address: Option<String>,
    /// The address's id in the city's register.
    pub address_id: Option<String>,
    /// WGS84 latitude.
    pub lat: Option<f64>,
    /// WGS84 longitude.
    pub long: Option<f64>,
    /// A photo.
    pub media_url: Option<String>,
    /// The configured road its address or description names (`QL4A`).
    pub road: Option<String>,
    /// It passed `expected_datetime` while open. Stays true once set.
    pub overdue: bool,
    /// `expected_datetime` as a time (not serialized).
    #[serde(skip)]
    pub expected_at: Timestamp,
    /// `updated_datetime` as a time (not serialized).
    #[serde(skip)]
    pub updated_at: Timestamp,
}

impl Request {
    /// The state key of the request `id`.
    pub fn key(id: &str) -> String {
        let mut key = String::with_capacity(KEY_PREFIX.len() + id.len());
        key.push_str(KEY_PREFIX);
        key.push_str(id);
        key
    }

    /// The request `id` from state, or `None` if there is none. An
    /// unreadable record is logged as an error naming `event` and also
    /// reads as `None`: one broken record must not block every later batch.
    pub fn load(ctx: &mut Context<'_>, id: &str, event: &Event<'_>) -> Option<Request> {
        let key = Self::key(id);
        let why = match ctx.state().get_json::<Request>(&key) {
            Ok(None) => return None,
            Ok(Some(mut request)) => {
                let times = (
                    Timestamp::parse_rfc3339(&request.expected_datetime),
                    Timestamp::parse_rfc3339(&request.updated_datetime),
                );
                match times {
                    (Some(expected), Some(updated)) => {
                        request.expected_at = expected;
                        request.updated_at = updated;
                        return Some(request);
                    }
                    _ => "`expected_datetime` or `updated_datetime` is not an RFC 3339 date-time"
                        .to_owned(),
                }
            }
            Err(err) => err.message().to_owned(),
        };
        ctx.log().error(
            "request state unreadable, treated as absent",
            &[("key", &key), ("event", event.id()), ("error", &why)],
        );
        None
    }

    /// Stores the request under its key.
    pub fn save(&self, ctx: &mut Context<'_>) -> Result<(), Error> {
        ctx.state()
            .set_json(&Self::key(&self.service_request_id), self)
    }
}
