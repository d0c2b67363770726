//! A read-model row as a GeoReport v2 request: exactly the spec's fields,
//! in its order, `null` where unknown.

use cityhub_config::Open311Config;
use cityhub_store::ServiceRequestRow;
use serde_json::{Map, Value};

/// The fields of a request, as GeoReport v2 names them.
pub const FIELDS: [&str; 17] = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
];

/// `row` as GeoReport shows it; the service's name comes from the
/// configuration when the view lacks one.
pub fn request(row: &ServiceRequestRow, config: &Open311Config) -> Value {
    let view: Map<String, Value> = serde_json::from_str(&row.view).unwrap_or_default();
    let mut out = Map::new();
    for k in FIELDS {
        let v = match k {
            "service_request_id" => Value::String(row.id.clone()),
            "status" => Value::String(row.status.clone()),
            "address" => view
                .get("address")
                .filter(|v| !v.is_null())
                .or_else(|| view.get("address_string"))
                .cloned()
                .unwrap_or(Value::Null),
            _ => view.get(k).cloned().unwrap_or(Value::Null),
        };
        out.insert(k.to_owned(), v);
    }
    if out["service_name"].is_null()
        && let Some(s) = config
            .services
            .iter()
            .find(|s| s.service_code == row.service_code)
    {
        out.insert("service_name".into(), Value::String(s.service_name.clone()));
    }
    Value::Object(out)
}
