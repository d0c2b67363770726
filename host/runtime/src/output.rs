//! Checking a plugin's output frame and turning it into CloudEvents.

use std::collections::BTreeMap;

use bytes::Bytes;
use cityhub_cloudevents::{CloudEvent, EventType, Timestamp};
use cityhub_frame::Frame;
use cityhub_manifest::Manifest;

use crate::{BatchFailure, FailureKind};

/// Checks an output frame against the plugin's manifest and builds its events.
///
/// Called once per successful batch, on the host thread that ran the call.
/// Enforces `output-bytes`, `outputs-per-batch` and `publishes`; fills an empty
/// `id` with a fresh UUIDv7, an empty `source` with `/plugins/<name>` and a
/// missing `time` with `now`. A plugin may set `source` only at or below its
/// own `/plugins/<name>`, so it cannot pose as a sensor or another plugin.
pub fn decode_outputs(
    manifest: &Manifest,
    bytes: &[u8],
    now: &Timestamp,
) -> Result<Vec<CloudEvent>, BatchFailure> {
    let limits = &manifest.limits;
    if bytes.len() as u64 > limits.output_bytes.bytes() {
        return Err(BatchFailure::new(
            FailureKind::OutputTooLarge,
            format!(
                "output of {} bytes is over the plugin's `output-bytes` limit of {}",
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
            extensions.insert(k.to_owned(), v.to_owned());
        }
        events.push(CloudEvent {
            id,
            source,
            ty,
            subject: a.subject.map(str::to_owned),
            time: Some(time),
            datacontenttype: a.datacontenttype.map(str::to_owned),
            dataschema: a.dataschema.map(str::to_owned),
            extensions,
            data: e.data.map(Bytes::copy_from_slice),
        });
    }
    Ok(events)
}
