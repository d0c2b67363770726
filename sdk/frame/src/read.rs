//! Decoding: check a frame once, then iterate borrowed events.

use core::fmt;

use crate::{ABSENT, Attributes, MAGIC};

/// Why a frame could not be read. Offsets are byte positions in the frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameError {
    /// The frame does not start with `CHF1`.
    BadMagic,
    /// The frame ends inside event `index` at byte `offset`.
    Truncated {
        /// The event being read.
        index: u32,
        /// Where the frame ran out.
        offset: usize,
    },
    /// A string of event `index` at byte `offset` is not UTF-8.
    NotUtf8 {
        /// The event being read.
        index: u32,
        /// Where the string starts.
        offset: usize,
    },
    /// A required attribute of event `index` is marked absent.
    MissingRequired {
        /// The event being read.
        index: u32,
    },
    /// Bytes remain after the last event.
    TrailingBytes {
        /// Where the extra bytes start.
        offset: usize,
    },
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadMagic => write!(
                f,
                "frame does not start with `CHF1`: not a cityhub batch frame"
            ),
            Self::Truncated { index, offset } => {
                write!(f, "frame ends early in event {index} at byte {offset}")
            }
            Self::NotUtf8 { index, offset } => {
                write!(
                    f,
                    "event {index}: the string at byte {offset} is not valid UTF-8"
                )
            }
            Self::MissingRequired { index } => {
                write!(
                    f,
                    "event {index}: `id`, `source` or `type` is marked absent"
                )
            }
            Self::TrailingBytes { offset } => write!(
                f,
                "frame has extra bytes after its last event, at byte {offset}"
            ),
        }
    }
}

impl core::error::Error for FrameError {}

/// A whole frame, checked. Cheap to iterate as many times as needed.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    bytes: &'a [u8],
    count: u32,
}

/// The event count a frame's header declares, without checking the rest
/// (`None` if there is no valid header). Constant time: for counters and logs.
pub fn declared_len(bytes: &[u8]) -> Option<usize> {
    if bytes.len() < 8 || &bytes[..4] != MAGIC {
        return None;
    }
    Some(u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize)
}

impl<'a> Frame<'a> {
    /// Checks every length and string of `bytes`.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, FrameError> {
        if bytes.len() < 8 || &bytes[..4] != MAGIC {
            return Err(FrameError::BadMagic);
        }
        let count = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]);
        let frame = Frame { bytes, count };
        let mut cursor = Cursor {
            bytes,
            pos: 8,
            index: 0,
        };
        for index in 0..count {
            cursor.index = index;
            cursor.event()?;
        }
        if cursor.pos != bytes.len() {
            return Err(FrameError::TrailingBytes { offset: cursor.pos });
        }
        Ok(frame)
    }

    /// The number of events.
    pub fn len(&self) -> usize {
        self.count as usize
    }

    /// Whether the frame holds no event.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The events, in order.
    pub fn events(&self) -> Events<'a> {
        Events {
            cursor: Cursor {
                bytes: self.bytes,
                pos: 8,
                index: 0,
            },
            left: self.count,
        }
    }
}

impl<'a> IntoIterator for &Frame<'a> {
    type Item = EventRef<'a>;
    type IntoIter = Events<'a>;
    fn into_iter(self) -> Events<'a> {
        self.events()
    }
}

/// Iterator over the events of a checked [`Frame`].
#[derive(Debug, Clone)]
pub struct Events<'a> {
    cursor: Cursor<'a>,
    left: u32,
}

impl<'a> Iterator for Events<'a> {
    type Item = EventRef<'a>;
    fn next(&mut self) -> Option<EventRef<'a>> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        // The frame was checked in `Frame::parse`, so this cannot fail.
        self.cursor.event().ok()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left as usize, Some(self.left as usize))
    }
}

impl ExactSizeIterator for Events<'_> {}

/// One event of a frame, borrowed from it.
#[derive(Debug, Clone, Copy)]
pub struct EventRef<'a> {
    /// The CloudEvents attributes.
    pub attrs: Attributes<'a>,
    ext: &'a [u8],
    ext_count: u16,
    /// `data`, if any.
    pub data: Option<&'a [u8]>,
}

impl<'a> EventRef<'a> {
    /// The extension attributes as `(name, value)` pairs.
    pub fn extensions(&self) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        let mut cursor = Cursor {
            bytes: self.ext,
            pos: 0,
            index: 0,
        };
        (0..self.ext_count).filter_map(move |_| {
            let name = cursor.str().ok()?;
            let value = cursor.str().ok()?;
            Some((name, value))
        })
    }

    /// The value of extension attribute `name`, if present.
    pub fn extension(&self, name: &str) -> Option<&'a str> {
        self.extensions().find(|(n, _)| *n == name).map(|(_, v)| v)
    }
}

#[derive(Debug, Clone)]
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
    index: u32,
}

impl<'a> Cursor<'a> {
    fn event(&mut self) -> Result<EventRef<'a>, FrameError> {
        let id = self.str()?;
        let source = self.str()?;
        let ty = self.str()?;
        let subject = self.opt_str()?;
        let time = self.opt_str()?;
        let datacontenttype = self.opt_str()?;
        let dataschema = self.opt_str()?;
        let ext_count = u16::from_le_bytes(self.take(2)?.try_into().map_err(|_| self.truncated())?);
        let ext_start = self.pos;
        for _ in 0..ext_count {
            self.str()?;
            self.str()?;
        }
        let ext = &self.bytes[ext_start..self.pos];
        let data = self.opt_bytes()?;
        Ok(EventRef {
            attrs: Attributes {
                id,
                source,
                ty,
                subject,
                time,
                datacontenttype,
                dataschema,
            },
            ext,
            ext_count,
            data,
        })
    }

    fn truncated(&self) -> FrameError {
        FrameError::Truncated {
            index: self.index,
            offset: self.pos,
        }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], FrameError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|end| *end <= self.bytes.len())
            .ok_or_else(|| self.truncated())?;
        let out = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(out)
    }

    fn len(&mut self) -> Result<u32, FrameError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn opt_bytes(&mut self) -> Result<Option<&'a [u8]>, FrameError> {
        match self.len()? {
            ABSENT => Ok(None),
            n => Ok(Some(self.take(n as usize)?)),
        }
    }

    fn opt_str(&mut self) -> Result<Option<&'a str>, FrameError> {
        let start = self.pos + 4;
        match self.opt_bytes()? {
            None => Ok(None),
            Some(b) => core::str::from_utf8(b)
                .map(Some)
                .map_err(|_| FrameError::NotUtf8 {
                    index: self.index,
                    offset: start,
                }),
        }
    }

    fn str(&mut self) -> Result<&'a str, FrameError> {
        self.opt_str()?
            .ok_or(FrameError::MissingRequired { index: self.index })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FrameWriter;
    use alloc::vec::Vec;

    fn sample() -> Vec<u8> {
        let mut w = FrameWriter::new();
        w.push(
            &Attributes {
                id: "a-1",
                source: "/sensors/ql1a-km12",
                ty: "city.traffic.reading",
                subject: Some("QL1A-km12"),
                time: Some("2026-11-27T08:00:00+07:00"),
                datacontenttype: Some("application/json"),
                dataschema: None,
            },
            &[("partitionkey", "QL1A"), ("traceparent", "00-abc")],
            Some(br#"{"vehicleCount":12}"#),
        );
        w.push(
            &Attributes {
                id: "a-2",
                source: "/s",
                ty: "city.x.y",
                ..Default::default()
            },
            &[],
            None,
        );
        w.finish()
    }

    #[test]
    fn round_trips_every_attribute() {
        let bytes = sample();
        let frame = Frame::parse(&bytes).unwrap();
        assert_eq!(frame.len(), 2);
        let events: Vec<_> = frame.events().collect();
        assert_eq!(events[0].attrs.id, "a-1");
        assert_eq!(events[0].attrs.subject, Some("QL1A-km12"));
        assert_eq!(events[0].attrs.dataschema, None);
        assert_eq!(events[0].extension("partitionkey"), Some("QL1A"));
        assert_eq!(events[0].extensions().count(), 2);
        assert_eq!(events[0].data, Some(&br#"{"vehicleCount":12}"#[..]));
        assert_eq!(events[1].attrs.ty, "city.x.y");
        assert_eq!(events[1].data, None);
    }

    #[test]
    fn every_truncation_is_an_error_not_a_panic() {
        let bytes = sample();
        for cut in 0..bytes.len() {
            assert!(Frame::parse(&bytes[..cut]).is_err(), "cut at {cut} parsed");
        }
    }

    #[test]
    fn rejects_trailing_bytes_bad_magic_and_bad_utf8() {
        let mut bytes = sample();
        bytes.push(0);
        assert_eq!(
            Frame::parse(&bytes).unwrap_err(),
            FrameError::TrailingBytes {
                offset: bytes.len() - 1
            }
        );
        assert_eq!(
            Frame::parse(b"XXXX\0\0\0\0").unwrap_err(),
            FrameError::BadMagic
        );
        let mut w = FrameWriter::new();
        w.push(
            &Attributes {
                id: "x",
                source: "/s",
                ty: "t",
                ..Default::default()
            },
            &[],
            None,
        );
        let mut bytes = w.finish();
        bytes[12] = 0xFF; // the id's only byte
        assert!(matches!(
            Frame::parse(&bytes),
            Err(FrameError::NotUtf8 { index: 0, .. })
        ));
    }

    #[test]
    fn a_huge_count_with_no_events_is_truncated() {
        let mut bytes = Vec::from(&MAGIC[..]);
        bytes.extend_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(
            Frame::parse(&bytes),
            Err(FrameError::Truncated { .. })
        ));
    }
}
