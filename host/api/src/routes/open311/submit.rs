//! `POST /open311/v2/requests.json`: a citizen's report becomes a
//! `city.fieldreport.submitted` CloudEvent without any personal field and,
//! when the citizen gave any, a `city.fieldreport.contact` event holding
//! them (data class `personal`, subject = the `service_request_id`), both
//! stored in one ingest through the bus like any ingested event (durable
//! before the answer, routed, idempotent), without `[ingest] accepts`,
//! which governs what senders may post to `/v1/events`. The host thereby
//! withholds the personal fields from every plugin not approved for
//! `personal`: their routes never deliver the contact event.

use cityhub_config::Open311Config;
use serde_json::{Map, Value, json};

use super::form::Fields;

/// The most characters of `description` (the spec's limit).
pub const MAX_DESCRIPTION: usize = 4000;

/// The fields the spec defines; others are refused (`attribute[…]` is
/// accepted and ignored: no service has metadata).
const KNOWN: [&str; 16] = [
    "api_key",
    "jurisdiction_id",
    "service_code",
    "lat",
    "long",
    "address_string",
    "address_id",
    "email",
    "device_id",
    "account_id",
    "first_name",
    "last_name",
    "phone",
    "description",
    "media_url",
    "zipcode",
];

/// A checked request.
#[derive(Debug, Clone, PartialEq)]
pub struct Submission {
    /// A listed service's code.
    pub service_code: String,
    /// Its name, from the configuration.
    pub service_name: String,
    /// Where: `lat` and `long` (WGS84).
    pub point: Option<(f64, f64)>,
    /// Where, in words.
    pub address_string: Option<String>,
    /// Where, as the city's address id.
    pub address_id: Option<String>,
    /// What, as written (UTF-8, unchanged).
    pub description: Option<String>,
    /// A photo.
    pub media_url: Option<String>,
    /// The postcode, if given.
    pub zipcode: Option<String>,
    /// Who: the citizen's names, email, phone, device and account ids, kept
    /// apart from the report in a `city.fieldreport.contact` event
    /// ([`Submission::contact`]), never shown by `GET`.
    pub contact: Map<String, Value>,
}

/// Checks every field of a request; the error lists every problem.
pub fn check(fields: &Fields, config: &Open311Config) -> Result<Submission, Vec<String>> {
    let mut errors = Vec::new();
    let text = |k: &str| {
        fields
            .get(k)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    for k in fields.keys() {
        if !KNOWN.contains(&k.as_str()) && !k.starts_with("attribute[") {
            errors.push(format!("`{k}` is not a GeoReport v2 request field: remove it, or check the spelling (the fields are {})", KNOWN.join(", ")));
        }
    }
    if let (Some(want), Some(got)) = (&config.jurisdiction_id, text("jurisdiction_id"))
        && *want != got
    {
        errors.push(format!("`jurisdiction_id` `{got}` is not served here: this endpoint serves `{want}` (or leave it out)"));
    }
    let service = match text("service_code") {
        None => {
            errors.push(
                "`service_code` is required: pick one from GET /open311/v2/services.json"
                    .to_owned(),
            );
            None
        }
        Some(code) => {
            let found = config.services.iter().find(|s| s.service_code == code);
            if found.is_none() {
                let codes: Vec<&str> = config
                    .services
                    .iter()
                    .map(|s| s.service_code.as_str())
                    .collect();
                errors.push(format!("`service_code` `{code}` is not a service of this city: use one of {} (GET /open311/v2/services.json lists them)", codes.join(", ")));
            }
            found
        }
    };
    let point = match (text("lat"), text("long")) {
        (None, None) => None,
        (Some(lat), Some(long)) => {
            let lat = number(&mut errors, "lat", &lat, 90.0);
            let long = number(&mut errors, "long", &long, 180.0);
            lat.zip(long)
        }
        (Some(_), None) => {
            errors.push("`lat` was given without `long`: send both (WGS84 degrees), or use `address_string`".to_owned());
            None
        }
        (None, Some(_)) => {
            errors.push("`long` was given without `lat`: send both (WGS84 degrees), or use `address_string`".to_owned());
            None
        }
    };
    let address_string = text("address_string");
    let address_id = text("address_id");
    let located = point.is_some() || address_string.is_some() || address_id.is_some();
    let tried = fields.contains_key("lat") || fields.contains_key("long");
    if !located && !tried {
        errors.push("a location is required: send `lat` and `long` (WGS84, e.g. 21.853 and 106.761), or `address_string` (e.g. \"Km 12 QL1A, Cao Lộc\"), or `address_id`".to_owned());
    }
    let description = fields
        .get("description")
        .filter(|d| !d.trim().is_empty())
        .cloned();
    if let Some(d) = &description {
        let n = d.chars().count();
        if n > MAX_DESCRIPTION {
            errors.push(format!(
                "`description` has {n} characters; the limit is {MAX_DESCRIPTION}: shorten it"
            ));
        }
    }
    let media_url = text("media_url");
    if let Some(u) = &media_url
        && !(u.starts_with("https://") || u.starts_with("http://"))
    {
        errors.push(format!("`media_url` `{u}` is not an http(s) URL: give the photo's address, e.g. `https://…/anh.jpg`"));
    }
    if let Some(e) = text("email")
        && !e.contains('@')
    {
        errors.push(format!(
            "`email` `{e}` is not an email address: write it as `name@example.vn`, or leave it out"
        ));
    }
    let mut contact = Map::new();
    for k in [
        "email",
        "phone",
        "first_name",
        "last_name",
        "device_id",
        "account_id",
    ] {
        if let Some(v) = text(k) {
            contact.insert(k.to_owned(), Value::String(v));
        }
    }
    match service {
        Some(s) if errors.is_empty() => Ok(Submission {
            service_code: s.service_code.clone(),
            service_name: s.service_name.clone(),
            point,
            address_string,
            address_id,
            description,
            media_url,
            zipcode: text("zipcode"),
            contact,
        }),
        _ => Err(errors),
    }
}

fn number(errors: &mut Vec<String>, key: &str, v: &str, max: f64) -> Option<f64> {
    match v.parse::<f64>() {
        Ok(n) if n.is_finite() && n.abs() <= max => Some(n),
        _ => {
            errors.push(format!(
                "`{key}` must be a number of WGS84 degrees from -{max} to {max}: got `{v}`"
            ));
            None
        }
    }
}

impl Submission {
    /// The event's data (plugins/README.md, `field-reports`).
    pub fn data(&self, id: &str, requested: &str, jurisdiction: Option<&str>) -> Value {
        let mut d = json!({
            "service_request_id": id,
            "service_code": self.service_code,
            "service_name": self.service_name,
            "description": self.description,
            "lat": self.point.map(|p| p.0),
            "long": self.point.map(|p| p.1),
            "address_string": self.address_string,
            "address_id": self.address_id,
            "zipcode": self.zipcode,
            "media_url": self.media_url,
            "requested_datetime": requested,
        });
        if let Some(j) = jurisdiction {
            d["jurisdiction_id"] = Value::String(j.to_owned());
        }
        d
    }

    /// The data of the report's `city.fieldreport.contact` event
    /// (`{"service_request_id", "email"?, "phone"?, "first_name"?,
    /// "last_name"?, "device_id"?, "account_id"?}`), or `None` when the
    /// citizen gave no contact.
    pub fn contact(&self, id: &str) -> Option<Value> {
        if self.contact.is_empty() {
            return None;
        }
        let mut d = self.contact.clone();
        d.insert(
            "service_request_id".to_owned(),
            Value::String(id.to_owned()),
        );
        Some(Value::Object(d))
    }
}

#[cfg(test)]
mod tests {
    use cityhub_config::Service;
    use cityhub_manifest::PluginName;

    use super::*;

    fn config() -> Open311Config {
        Open311Config {
            plugin: PluginName::new("field-reports").unwrap(),
            jurisdiction_id: Some("langson.gov.vn".into()),
            services: vec![Service {
                service_code: "o-ga".into(),
                service_name: "Ổ gà, hư hỏng mặt đường".into(),
                description: String::new(),
                group: "Giao thông".into(),
                agency: Some("so-gtvt".into()),
                sla: Some("48h".into()),
                keywords: vec![],
            }],
        }
    }

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_valid_request_keeps_text_and_contact_apart() {
        let s = check(
            &fields(&[
                ("service_code", "o-ga"),
                ("lat", "21.853"),
                ("long", "106.761"),
                ("description", "Ổ gà sâu giữa làn, Quốc lộ 1A"),
                ("email", "dan@example.vn"),
                ("jurisdiction_id", "langson.gov.vn"),
            ]),
            &config(),
        )
        .unwrap();
        assert_eq!(s.point, Some((21.853, 106.761)));
        assert_eq!(
            s.description.as_deref(),
            Some("Ổ gà sâu giữa làn, Quốc lộ 1A")
        );
        let d = s.data("r1", "2026-11-27T08:00:00+07:00", Some("langson.gov.vn"));
        assert!(
            !d.to_string().contains("dan@example.vn") && d.get("contact").is_none(),
            "{d}"
        );
        let c = s.contact("r1").unwrap();
        assert_eq!(c["email"], "dan@example.vn");
        assert_eq!(c["service_request_id"], "r1");
        assert_eq!(d["service_name"], "Ổ gà, hư hỏng mặt đường");
        assert_eq!(d["address_string"], Value::Null);
    }

    #[test]
    fn every_error_is_listed_at_once() {
        let long = "à".repeat(MAX_DESCRIPTION + 1);
        let errors = check(
            &fields(&[
                ("service_code", "pothole"),
                ("lat", "91"),
                ("long", "abc"),
                ("description", &long),
                ("media_url", "file:///x.jpg"),
                ("email", "nobody"),
                ("colour", "red"),
                ("jurisdiction_id", "hanoi.gov.vn"),
            ]),
            &config(),
        )
        .unwrap_err();
        let all = errors.join("\n");
        for needle in [
            "`service_code` `pothole`",
            "`lat`",
            "`long`",
            "`description` has 4001",
            "`media_url`",
            "`email`",
            "`colour`",
            "`jurisdiction_id`",
        ] {
            assert!(all.contains(needle), "{needle} missing from:\n{all}");
        }
        assert_eq!(errors.len(), 8, "{all}");
    }

    #[test]
    fn service_code_and_a_location_are_required() {
        let errors = check(&fields(&[("description", "x")]), &config()).unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].contains("`service_code` is required"));
        assert!(errors[1].contains("a location is required"));
        let errors = check(
            &fields(&[("service_code", "o-ga"), ("lat", "21.8")]),
            &config(),
        )
        .unwrap_err();
        assert!(errors[0].contains("without `long`"), "{errors:?}");
        assert!(
            check(
                &fields(&[("service_code", "o-ga"), ("address_id", "A-17")]),
                &config()
            )
            .is_ok()
        );
    }
}
