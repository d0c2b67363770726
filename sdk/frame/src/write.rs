//! Encoding: append events to a frame.

use alloc::vec::Vec;

use crate::{ABSENT, Attributes, MAGIC};

/// Builds a frame by appending events.
///
/// ```
/// use cityhub_frame::{Attributes, Frame, FrameWriter};
/// let mut w = FrameWriter::new();
/// w.push(&Attributes { id: "1", source: "/s", ty: "city.x.y", ..Default::default() }, &[], Some(b"{}"));
/// let bytes = w.finish();
/// assert_eq!(Frame::parse(&bytes).unwrap().len(), 1);
/// ```
#[derive(Debug, Clone)]
pub struct FrameWriter {
    buf: Vec<u8>,
    count: u32,
}

impl Default for FrameWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl FrameWriter {
    /// An empty frame.
    pub fn new() -> Self {
        Self::with_capacity(256)
    }

    /// An empty frame with room for `bytes` bytes before it reallocates.
    pub fn with_capacity(bytes: usize) -> Self {
        let mut buf = Vec::with_capacity(bytes.max(8));
        buf.extend_from_slice(MAGIC);
        buf.extend_from_slice(&0u32.to_le_bytes());
        Self { buf, count: 0 }
    }

    /// Appends one event: its attributes, its extension attributes as
    /// `(name, value)` pairs, and its `data`.
    ///
    /// Strings longer than 4 GiB - 2 and more than 65,535 extensions cannot be
    /// encoded; callers bound events far below that (the host refuses events
    /// over its event size limit at ingest).
    pub fn push(
        &mut self,
        attrs: &Attributes<'_>,
        extensions: &[(&str, &str)],
        data: Option<&[u8]>,
    ) {
        self.put_str(attrs.id.as_bytes());
        self.put_str(attrs.source.as_bytes());
        self.put_str(attrs.ty.as_bytes());
        self.put_opt(attrs.subject.map(str::as_bytes));
        self.put_opt(attrs.time.map(str::as_bytes));
        self.put_opt(attrs.datacontenttype.map(str::as_bytes));
        self.put_opt(attrs.dataschema.map(str::as_bytes));
        let n = extensions.len().min(u16::MAX as usize);
        self.buf.extend_from_slice(&(n as u16).to_le_bytes());
        for (name, value) in &extensions[..n] {
            self.put_str(name.as_bytes());
            self.put_str(value.as_bytes());
        }
        self.put_opt(data);
        self.count += 1;
    }

    /// How many events have been appended.
    pub fn len(&self) -> usize {
        self.count as usize
    }

    /// Whether no event has been appended.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The encoded size so far, in bytes.
    pub fn encoded_len(&self) -> usize {
        self.buf.len()
    }

    /// Finishes the frame and returns its bytes.
    pub fn finish(mut self) -> Vec<u8> {
        self.buf[4..8].copy_from_slice(&self.count.to_le_bytes());
        self.buf
    }

    fn put_str(&mut self, s: &[u8]) {
        let len = u32::try_from(s.len()).unwrap_or(ABSENT - 1).min(ABSENT - 1);
        self.buf.extend_from_slice(&len.to_le_bytes());
        self.buf.extend_from_slice(&s[..len as usize]);
    }

    fn put_opt(&mut self, s: Option<&[u8]>) {
        match s {
            Some(s) => self.put_str(s),
            None => self.buf.extend_from_slice(&ABSENT.to_le_bytes()),
        }
    }
}
