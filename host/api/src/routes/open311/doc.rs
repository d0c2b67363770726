//! The GeoReport v2 shapes as the OpenAPI document shows them. The handlers
//! answer JSON built field by field in the spec's order ([`super::render`]);
//! these structs describe it, and [`Service`] also writes it.

use serde::Serialize;
use utoipa::ToSchema;

/// A service citizens can report to.
#[derive(Debug, Serialize, ToSchema)]
pub struct Service {
    /// Its code, for `service_code`.
    pub service_code: String,
    /// Its name.
    pub service_name: String,
    /// What it is for.
    pub description: String,
    /// Always `false`: no service takes extra attributes.
    pub metadata: bool,
    /// Always `realtime`.
    #[serde(rename = "type")]
    pub ty: &'static str,
    /// Comma-separated keywords.
    pub keywords: String,
    /// Its group.
    pub group: String,
}

/// A service request (a citizen's report) as the read model holds it: every
/// GeoReport v2 field, null where unknown. Contact details never appear.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceRequest {
    /// Its id (a UUIDv7).
    pub service_request_id: String,
    /// `open` or `closed`.
    pub status: String,
    /// What the agency said.
    pub status_notes: Option<String>,
    /// The service's name.
    pub service_name: Option<String>,
    /// The service's code.
    pub service_code: String,
    /// What the citizen wrote.
    pub description: Option<String>,
    /// The agency handling it.
    pub agency_responsible: Option<String>,
    /// What the city told the citizen.
    pub service_notice: Option<String>,
    /// When it was made (RFC 3339).
    pub requested_datetime: Option<String>,
    /// When it last changed.
    pub updated_datetime: Option<String>,
    /// When it is due (the service's SLA).
    pub expected_datetime: Option<String>,
    /// Where, in words.
    pub address: Option<String>,
    /// Where, as the city's address id.
    pub address_id: Option<String>,
    /// The postcode.
    pub zipcode: Option<String>,
    /// Latitude (WGS84).
    pub lat: Option<f64>,
    /// Longitude (WGS84).
    pub long: Option<f64>,
    /// A photo.
    pub media_url: Option<String>,
}

/// A report, form-encoded (`application/x-www-form-urlencoded`) or as a
/// JSON object. `service_code` and a location (`lat` + `long`,
/// `address_string` or `address_id`) are required; `attribute[…]` fields
/// are accepted and ignored; any other field is refused.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"service_code": "o-ga", "lat": 21.853, "long": 106.761, "description": "Ổ gà sâu trên QL1A"}))]
pub struct NewRequest {
    /// Must be this city's, if given.
    pub jurisdiction_id: Option<String>,
    /// A service from `GET /open311/v2/services.json`.
    pub service_code: String,
    /// Latitude, WGS84 degrees (with `long`).
    pub lat: Option<f64>,
    /// Longitude, WGS84 degrees (with `lat`).
    pub long: Option<f64>,
    /// Where, in words.
    pub address_string: Option<String>,
    /// Where, as the city's address id.
    pub address_id: Option<String>,
    /// What is wrong, at most 4000 characters.
    pub description: Option<String>,
    /// An http(s) URL of a photo.
    pub media_url: Option<String>,
    /// The postcode.
    pub zipcode: Option<String>,
    /// Contact (kept in the event, never shown).
    pub email: Option<String>,
    /// Contact.
    pub phone: Option<String>,
    /// Contact.
    pub first_name: Option<String>,
    /// Contact.
    pub last_name: Option<String>,
    /// Contact.
    pub device_id: Option<String>,
    /// Contact.
    pub account_id: Option<String>,
    /// Accepted and ignored.
    pub api_key: Option<String>,
}

/// What a `POST` answers (in a one-element array).
#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    /// The new request's id.
    pub service_request_id: String,
    /// Where it went, in Vietnamese and English.
    pub service_notice: String,
    /// Always null.
    pub account_id: Option<String>,
}

/// One problem of a GeoReport error answer (an array of them).
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// The HTTP status.
    pub code: u16,
    /// What is wrong, which field, how to fix it.
    pub description: String,
}
