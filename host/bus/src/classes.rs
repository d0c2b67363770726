//! Data classes at the door of the log: every event entering it through
//! ingest or the host's own endpoints (Open311) gets the class `[ingest]
//! classes` gives its type ([`ClassPolicy::stamp`]); plugin outputs get it
//! in the runtime. A field report sent with its contact inside is refused:
//! the contact travels only in its own `city.fieldreport.contact` event
//! (class `personal`), so that plugins not approved for personal data never
//! see it.

use cityhub_cloudevents::{ClassPolicy, CloudEvent};
use cityhub_config::{OPEN311_CONTACT, OPEN311_SUBMITTED, PERSONAL};

use crate::Error;

/// Stamps each event's class; refuses the request, storing nothing, if one
/// claims another class than its type's or an invalid one.
pub(crate) fn stamp(policy: &ClassPolicy, events: &mut [CloudEvent]) -> Result<(), Error> {
    for e in events.iter_mut() {
        policy.stamp(e).map_err(Error::DataClass)?;
    }
    Ok(())
}

/// Refuses a `city.fieldreport.submitted` whose JSON `data` holds `contact`:
/// it would carry personal data in an event every field-report plugin gets.
pub(crate) fn no_contact_in_reports(events: &[CloudEvent]) -> Result<(), Error> {
    let Some(e) = events
        .iter()
        .find(|e| e.ty.as_str() == OPEN311_SUBMITTED && has_contact(e))
    else {
        return Ok(());
    };
    Err(Error::ContactInReport {
        id: e.id.clone(),
        ty: OPEN311_SUBMITTED,
        contact: OPEN311_CONTACT,
        class: PERSONAL,
    })
}

/// Whether `e`'s data is a JSON object with a `contact` member.
fn has_contact(e: &CloudEvent) -> bool {
    e.data
        .as_deref()
        .and_then(|d| serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(d).ok())
        .is_some_and(|m| m.contains_key("contact"))
}

#[cfg(test)]
mod tests {
    use cityhub_cloudevents::EventType;

    use super::*;

    fn report(data: &str) -> CloudEvent {
        let mut e = CloudEvent::new("r1", "/hotline", EventType::new(OPEN311_SUBMITTED).unwrap());
        e.data = Some(bytes::Bytes::from(data.to_owned()));
        e
    }

    #[test]
    fn a_report_with_its_contact_inside_is_refused_naming_the_split() {
        let e = no_contact_in_reports(&[report(
            r#"{"description":"ổ gà","contact":{"phone":"0912"}}"#,
        )])
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("`r1`")
                && e.contains("`city.fieldreport.contact`")
                && e.contains("`personal`"),
            "{e}"
        );
        no_contact_in_reports(&[report(r#"{"description":"ổ gà"}"#)]).unwrap();
        no_contact_in_reports(&[report("not json")]).unwrap();
    }
}
