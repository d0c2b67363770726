//! Encoding stored events into the batch frame a plugin receives.

use cityhub_frame::{Attributes, FrameWriter};
use cityhub_store::StoredEvent;

/// Encodes `events` into one frame (see `sdk/wit/types.wit`). Allocates one
/// buffer sized up front; copies each attribute and `data` once.
pub fn encode_batch<'a>(events: impl IntoIterator<Item = &'a StoredEvent>) -> Vec<u8> {
    let events: Vec<&StoredEvent> = events.into_iter().collect();
    let size: usize = events.iter().map(|e| e.event.size() + 64).sum();
    let mut w = FrameWriter::with_capacity(size + 8);
    let mut ext: Vec<(&str, &str)> = Vec::new();
    for stored in events {
        let e = &stored.event;
        ext.clear();
        ext.extend(e.extensions.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        w.push(
            &Attributes {
                id: &e.id,
                source: &e.source,
                ty: e.ty.as_str(),
                subject: e.subject.as_deref(),
                time: e.time.as_ref().map(|t| t.as_str()),
                datacontenttype: e.datacontenttype.as_deref(),
                dataschema: e.dataschema.as_deref(),
            },
            &ext,
            e.data.as_deref(),
        );
    }
    w.finish()
}
