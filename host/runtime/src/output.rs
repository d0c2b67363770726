//! Checking a plugin's output frame and turning it into CloudEvents.

use std::collections::BTreeMap;

use bytes::Bytes;
use cityhub_cloudevents::{CloudEvent, EventType, Timestamp, check_extension_name};
use cityhub_frame::{Frame, declared_len};
use cityhub_manifest::Manifest;

use crate::{Approval, BatchFailure, FailureKind};

/// The extension attribute naming the version of the plugin that made an
/// output event.
pub const PLUGIN_VERSION: &str = "pluginversion";

/// Checks an output frame against the plugin's manifest and approval and
/// builds its events.
///
/// Called once per successful batch, on the host thread that ran the call.
/// Enforces `output-bytes`, `outputs-per-batch`, the manifest's `publishes`
/// and the city's approved `publishes` ([`Approval`]); stamps each event's
/// data class from `[ingest] classes` (an output claiming another class
/// fails the batch as a bad output); fills an empty
/// `id` with a fresh UUIDv7, an empty `source` with `/plugins/<name>` and a
/// missing `time` with `now`. A plugin may set `source` only at or below its
/// own `/plugins/<name>`, so it cannot pose as a sensor or another plugin.
/// Every event gets the extension [`PLUGIN_VERSION`], the manifest's
/// version, set by the host whatever the plugin wrote: which version of the
/// plugin made an event stays known across upgrades.
pub fn decode_outputs(
    manifest: &Manifest,
    approval: &Approval,
    bytes: &[u8],
    now: &Timestamp,
) -> Result<Vec<CloudEvent>, BatchFailure> {
    let limits = &manifest.limits;
    if bytes.len() as u64 > limits.output_bytes.bytes() {
        // A batch over both limits says so: its header's count is enough
        // (the frame itself is not read).
        let also = match declared_len(bytes) {
            Some(n) if n > limits.outputs_per_batch as usize => format!(
                ", and its {n} output events are over the `outputs-per-batch` limit of {}",
                limits.outputs_per_batch
            ),
            _ => String::new(),
        };
        return Err(BatchFailure::new(
            FailureKind::OutputTooLarge,
            format!(
                "output of {} bytes is over the plugin's `output-bytes` limit of {}{also}",
                bytes.len(),
                limits.output_bytes
            ),
        ));
    }
    let frame = Frame::parse(bytes).map_err(|e| {
        BatchFailure::new(
            FailureKind::BadOutput,
            format!("output frame is malformed: {e}"),
        )
    })?;
    if frame.len() > limits.outputs_per_batch as usize {
        return Err(BatchFailure::new(
            FailureKind::TooManyOutputs,
            format!(
                "{} output events is over the plugin's `outputs-per-batch` limit of {}",
                frame.len(),
                limits.outputs_per_batch
            ),
        ));
    }
    let own_source = format!("/plugins/{}", manifest.name);
    let version = manifest.version.to_string();
    let mut events = Vec::with_capacity(frame.len());
    for (i, e) in frame.events().enumerate() {
        let bad = |why: String| {
            BatchFailure::new(FailureKind::BadOutput, format!("output event {i}: {why}"))
        };
        let a = e.attrs;
        if !manifest.may_publish(a.ty) {
            let declared: Vec<&str> = manifest.publishes.iter().map(|p| p.as_str()).collect();
            return Err(BatchFailure::new(
                FailureKind::UndeclaredType,
                format!(
                    "output event {i} has type `{}`, which is not in the plugin's `publishes` ({declared:?})",
                    a.ty
                ),
            ));
        }
        let ty = EventType::new(a.ty).map_err(|e| bad(e.to_string()))?;
        if !approval.publishes.iter().any(|p| p.matches(&ty)) {
            return Err(unapproved(i, &ty, manifest, approval));
        }
        let source = if a.source.is_empty() {
            own_source.clone()
        } else if a.source == own_source || a.source.starts_with(&format!("{own_source}/")) {
            a.source.to_owned()
        } else {
            return Err(bad(format!(
                "source `{}` is not under `{own_source}`; leave it empty or use a path below it",
                a.source
            )));
        };
        let id = if a.id.is_empty() {
            uuid::Uuid::now_v7().to_string()
        } else {
            a.id.to_owned()
        };
        let time = match a.time {
            None | Some("") => now.clone(),
            Some(t) => Timestamp::parse(t).map_err(|e| bad(e.to_string()))?,
        };
        let mut extensions = BTreeMap::new();
        for (k, v) in e.extensions() {
            check_extension_name(k).map_err(bad)?;
            extensions.insert(k.to_owned(), v.to_owned());
        }
        extensions.insert(PLUGIN_VERSION.to_owned(), version.clone());
        let mut event = CloudEvent {
            id,
            source,
            ty,
            subject: a.subject.map(str::to_owned),
            time: Some(time),
            datacontenttype: a.datacontenttype.map(str::to_owned),
            dataschema: a.dataschema.map(str::to_owned),
            extensions,
            data: e.data.map(Bytes::copy_from_slice),
        };
        approval
            .classes
            .stamp(&mut event)
            .map_err(|e| bad(e.to_string()))?;
        events.push(event);
    }
    Ok(events)
}

/// An output of a type the manifest declares but the city did not approve.
fn unapproved(i: usize, ty: &EventType, manifest: &Manifest, approval: &Approval) -> BatchFailure {
    let name = &manifest.name;
    let approved: Vec<&str> = approval.publishes.iter().map(|p| p.as_str()).collect();
    BatchFailure::new(
        FailureKind::UndeclaredType,
        format!(
            "output event {i} has type `{ty}`, which plugin `{name}` declares but the city has not approved (`[plugins.{name}] publishes` is {approved:?}): add `{ty}` to it in city.toml if the plugin may publish it"
        ),
    )
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use cityhub_frame::{Attributes, FrameWriter};

    use super::*;

    fn manifest() -> Manifest {
        let text = "name = \"traffic\"\nversion = \"1.0.0\"\nvendor = \"v\"\nworld = \"0.1.0\"\n\
                    subscribes = [\"city.traffic.reading\"]\npublishes = [\"city.traffic.*\"]\n\
                    [limits]\noutputs-per-batch = 2\noutput-bytes = 512\n";
        Manifest::parse(Path::new("plugin.toml"), text).unwrap()
    }

    fn frame(events: &[(Attributes<'_>, &[(&str, &str)])]) -> Vec<u8> {
        let mut w = FrameWriter::new();
        for (a, ext) in events {
            w.push(a, ext, Some(b"{}"));
        }
        w.finish()
    }

    fn out(ty: &str) -> Attributes<'_> {
        Attributes {
            ty,
            ..Default::default()
        }
    }

    #[test]
    fn fills_id_source_and_time_and_keeps_what_the_plugin_set() {
        let now = Timestamp::parse("2026-11-27T08:00:00+07:00").unwrap();
        let bytes = frame(&[
            (
                out("city.traffic.congestion"),
                &[("partitionkey", "QL1A"), (PLUGIN_VERSION, "9.9.9")],
            ),
            (
                Attributes {
                    id: "c-1",
                    source: "/plugins/traffic/ql1a",
                    ty: "city.traffic.congestion",
                    time: Some("2026-11-27T07:15:00+07:00"),
                    ..Default::default()
                },
                &[],
            ),
        ]);
        let m = manifest();
        let events = decode_outputs(&m, &Approval::declared(&m), &bytes, &now).unwrap();
        assert_eq!(events[0].source, "/plugins/traffic");
        assert_eq!(
            uuid::Uuid::parse_str(&events[0].id)
                .unwrap()
                .get_version_num(),
            7
        );
        assert_eq!(events[0].time, Some(now));
        assert_eq!(events[0].extensions["partitionkey"], "QL1A");
        // The host names the version that made each event, whatever the
        // plugin claimed.
        for e in &events {
            assert_eq!(e.extensions[PLUGIN_VERSION], "1.0.0");
        }
        assert_eq!(
            (events[1].id.as_str(), events[1].source.as_str()),
            ("c-1", "/plugins/traffic/ql1a")
        );
        assert_eq!(
            events[1].time.as_ref().unwrap().as_str(),
            "2026-11-27T07:15:00+07:00"
        );
    }

    #[test]
    fn refuses_what_breaks_the_manifest_or_the_spec() {
        let now = Timestamp::now();
        let m = manifest();
        let kind = |bytes: Vec<u8>| {
            decode_outputs(&m, &Approval::declared(&m), &bytes, &now)
                .unwrap_err()
                .kind
        };
        assert_eq!(
            kind(frame(&[(out("city.health.beds"), &[])])),
            FailureKind::UndeclaredType
        );
        let three = frame(&[
            (out("city.traffic.a"), &[]),
            (out("city.traffic.b"), &[]),
            (out("city.traffic.c"), &[]),
        ]);
        assert_eq!(kind(three), FailureKind::TooManyOutputs);
        let big = Attributes {
            subject: Some(&"x".repeat(600)),
            ..out("city.traffic.a")
        };
        assert_eq!(kind(frame(&[(big, &[])])), FailureKind::OutputTooLarge);
        // Over both limits at once: the reason names both.
        let schema = "s".repeat(200);
        let one = Attributes {
            dataschema: Some(&schema),
            ..out("city.traffic.a")
        };
        let huge = [(one, &[][..]), (one, &[]), (one, &[])];
        let reason = decode_outputs(&m, &Approval::declared(&m), &frame(&huge), &now)
            .unwrap_err()
            .reason;
        assert!(
            reason.contains("`output-bytes` limit of 512")
                && reason
                    .contains("its 3 output events are over the `outputs-per-batch` limit of 2"),
            "{reason}"
        );
        let spoof = Attributes {
            source: "/sensors/ql1a",
            ..out("city.traffic.a")
        };
        assert_eq!(kind(frame(&[(spoof, &[])])), FailureKind::BadOutput);
        let neighbour = Attributes {
            source: "/plugins/traffic-evil",
            ..out("city.traffic.a")
        };
        assert_eq!(kind(frame(&[(neighbour, &[])])), FailureKind::BadOutput);
        assert_eq!(
            kind(frame(&[(out("city.traffic.a"), &[("Bad Name", "x")])])),
            FailureKind::BadOutput
        );
        let bad_time = Attributes {
            time: Some("yesterday"),
            ..out("city.traffic.a")
        };
        assert_eq!(kind(frame(&[(bad_time, &[])])), FailureKind::BadOutput);
        assert_eq!(kind(b"not a frame".to_vec()), FailureKind::BadOutput);
    }

    #[test]
    fn an_output_the_city_did_not_approve_is_refused_and_classes_are_stamped() {
        use cityhub_cloudevents::{ClassPolicy, DataClass, TypePattern};
        let now = Timestamp::now();
        let m = manifest();
        let approval = Approval {
            publishes: vec![TypePattern::new("city.traffic.congestion").unwrap()],
            data_classes: vec![],
            classes: ClassPolicy::new(vec![(
                TypePattern::new("city.traffic.congestion").unwrap(),
                DataClass::new("public-safety").unwrap(),
            )]),
        };
        // Declared by the manifest (`city.traffic.*`) but not approved.
        let f = decode_outputs(
            &m,
            &approval,
            &frame(&[(out("city.traffic.incident"), &[])]),
            &now,
        )
        .unwrap_err();
        assert_eq!(f.kind, FailureKind::UndeclaredType);
        assert!(
            f.reason.contains("`city.traffic.incident`")
                && f.reason.contains("plugin `traffic`")
                && f.reason.contains("`[plugins.traffic] publishes`"),
            "{}",
            f.reason
        );
        let events = decode_outputs(
            &m,
            &approval,
            &frame(&[(out("city.traffic.congestion"), &[])]),
            &now,
        )
        .unwrap();
        assert_eq!(events[0].extensions["dataclass"], "public-safety");
        let claimed = frame(&[(out("city.traffic.congestion"), &[("dataclass", "personal")])]);
        let f = decode_outputs(&m, &approval, &claimed, &now).unwrap_err();
        assert_eq!(f.kind, FailureKind::BadOutput);
        assert!(
            f.reason.contains("`personal`") && f.reason.contains("`public-safety`"),
            "{}",
            f.reason
        );
    }
}
