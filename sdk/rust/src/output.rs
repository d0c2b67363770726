//! The builder for events a plugin emits. An [`Output`] only borrows what it
//! is given; [`Context::emit`](crate::Context::emit) encodes it straight into
//! the batch's output frame, serializing JSON data into a buffer the SDK
//! reuses, so emitting allocates nothing per event.

use core::fmt;

use serde::Serialize;

use crate::Error;

/// Extensions kept inline before an output spills them to the heap.
const INLINE_EXTENSIONS: usize = 4;

/// An event to emit. `id`, `source` and (unless set) `time` are filled in by
/// the host: a fresh id, the plugin's source `/plugins/<name>`, and now.
///
/// ```
/// use cityhub_sdk::Output;
/// let data = serde_json::json!({"refRoadSegment": "QL1A-km12", "congested": true});
/// let output = Output::new("city.traffic.congestion")
///     .subject("QL1A-km12")
///     .extension("partitionkey", "QL1A")
///     .json(&data);
/// assert_eq!(output.ty(), "city.traffic.congestion");
/// ```
pub struct Output<'a> {
    pub(crate) ty: &'a str,
    pub(crate) subject: Option<&'a str>,
    pub(crate) time: Option<&'a str>,
    pub(crate) dataschema: Option<&'a str>,
    inline: [(&'a str, &'a str); INLINE_EXTENSIONS],
    inline_len: usize,
    spilled: Vec<(&'a str, &'a str)>,
    pub(crate) data: Data<'a>,
}

/// The data of an output, encoded when it is emitted.
pub(crate) enum Data<'a> {
    None,
    Bytes {
        bytes: &'a [u8],
        content_type: &'a str,
    },
    Json(&'a dyn ToJson),
}

/// Object-safe JSON serialization, so an [`Output`] can hold any `Serialize`
/// value by reference and serialize it into the context's reusable buffer.
pub(crate) trait ToJson {
    fn write_json(&self, buf: &mut Vec<u8>) -> serde_json::Result<()>;
}

impl<T: Serialize + ?Sized> ToJson for T {
    fn write_json(&self, buf: &mut Vec<u8>) -> serde_json::Result<()> {
        serde_json::to_writer(buf, self)
    }
}

impl<'a> Output<'a> {
    /// An event of type `ty`, e.g. `city.traffic.congestion`. The type must
    /// match one of the manifest's `publishes` patterns, or the host fails
    /// the batch.
    ///
    /// ```
    /// let output = cityhub_sdk::Output::new("city.traffic.congestion");
    /// assert_eq!(output.ty(), "city.traffic.congestion");
    /// ```
    pub fn new(ty: &'a str) -> Self {
        Self {
            ty,
            subject: None,
            time: None,
            dataschema: None,
            inline: [("", ""); INLINE_EXTENSIONS],
            inline_len: 0,
            spilled: Vec::new(),
            data: Data::None,
        }
    }

    /// Sets `subject`, e.g. the road segment the event is about.
    ///
    /// ```
    /// let output = cityhub_sdk::Output::new("city.traffic.congestion").subject("QL4A-km3");
    /// ```
    pub fn subject(mut self, subject: &'a str) -> Self {
        self.subject = Some(subject);
        self
    }

    /// Sets `time` (RFC 3339), when the event happened rather than when it
    /// was emitted. Without it the host stamps the current time.
    ///
    /// ```
    /// let output = cityhub_sdk::Output::new("city.traffic.congestion").time("2026-11-27T08:05:00+07:00");
    /// ```
    pub fn time(mut self, time: &'a str) -> Self {
        self.time = Some(time);
        self
    }

    /// Sets `dataschema`, a URI of the schema `data` follows.
    ///
    /// ```
    /// let output = cityhub_sdk::Output::new("city.traffic.congestion")
    ///     .dataschema("https://smart-data-models.github.io/dataModel.Transportation/TrafficFlowObserved/schema.json");
    /// ```
    pub fn dataschema(mut self, uri: &'a str) -> Self {
        self.dataschema = Some(uri);
        self
    }

    /// Adds extension attribute `name` (lowercase ASCII letters and digits,
    /// as CloudEvents requires; checked when emitted).
    ///
    /// ```
    /// let output = cityhub_sdk::Output::new("city.traffic.congestion").extension("partitionkey", "QL1A");
    /// assert_eq!(output.extensions(), [("partitionkey", "QL1A")]);
    /// ```
    pub fn extension(mut self, name: &'a str, value: &'a str) -> Self {
        if self.spilled.is_empty() && self.inline_len < INLINE_EXTENSIONS {
            self.inline[self.inline_len] = (name, value);
            self.inline_len += 1;
        } else {
            if self.spilled.is_empty() {
                self.spilled
                    .extend_from_slice(&self.inline[..self.inline_len]);
            }
            self.spilled.push((name, value));
        }
        self
    }

    /// Sets `data` to `value` as JSON (`datacontenttype` `application/json`).
    /// The value is serialized when the output is emitted, straight into the
    /// output frame's buffer; a value that cannot be serialized (a map with
    /// non-string keys, say) makes [`emit`](crate::Context::emit) fail.
    ///
    /// ```
    /// #[derive(serde::Serialize)]
    /// struct Congestion<'a> { #[serde(rename = "refRoadSegment")] segment: &'a str, congested: bool }
    /// let data = Congestion { segment: "QL1A-km12", congested: true };
    /// let output = cityhub_sdk::Output::new("city.traffic.congestion").json(&data);
    /// ```
    pub fn json<T: Serialize>(mut self, value: &'a T) -> Self {
        self.data = Data::Json(value);
        self
    }

    /// Sets `data` to raw `bytes` of type `content_type`.
    ///
    /// ```
    /// let output = cityhub_sdk::Output::new("city.camera.snapshot").data(b"\xff\xd8\xff", "image/jpeg");
    /// ```
    pub fn data(mut self, bytes: &'a [u8], content_type: &'a str) -> Self {
        self.data = Data::Bytes {
            bytes,
            content_type,
        };
        self
    }

    /// The event's type.
    ///
    /// ```
    /// assert_eq!(cityhub_sdk::Output::new("a.b").ty(), "a.b");
    /// ```
    pub fn ty(&self) -> &'a str {
        self.ty
    }

    /// The extension attributes added so far, in order.
    ///
    /// ```
    /// let output = cityhub_sdk::Output::new("a.b").extension("x", "1").extension("y", "2");
    /// assert_eq!(output.extensions(), [("x", "1"), ("y", "2")]);
    /// ```
    pub fn extensions(&self) -> &[(&'a str, &'a str)] {
        if self.spilled.is_empty() {
            &self.inline[..self.inline_len]
        } else {
            &self.spilled
        }
    }

    /// Checks what the host would refuse anyway, with a clearer message.
    pub(crate) fn check(&self) -> Result<(), Error> {
        if self.ty.is_empty() {
            return Err(Error::internal(
                "an output has an empty `type`: pass one to `Output::new`",
            ));
        }
        for (name, _) in self.extensions() {
            let valid = !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
            if !valid {
                return Err(Error::internal(format!(
                    "output `{}` has extension `{name}`: names are lowercase ASCII letters and digits",
                    self.ty
                )));
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Output<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let data = match &self.data {
            Data::None => "none",
            Data::Bytes { .. } => "bytes",
            Data::Json(_) => "json",
        };
        f.debug_struct("Output")
            .field("ty", &self.ty)
            .field("subject", &self.subject)
            .field("time", &self.time)
            .field("dataschema", &self.dataschema)
            .field("extensions", &self.extensions())
            .field("data", &data)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_spill_in_order() {
        let names = ["a", "b", "c", "d", "e", "f"];
        let mut out = Output::new("t.x");
        for n in names {
            out = out.extension(n, n);
        }
        let got: Vec<&str> = out.extensions().iter().map(|(n, _)| *n).collect();
        assert_eq!(got, names);
    }

    #[test]
    fn check_refuses_bad_extension_names_and_empty_type() {
        let err = Output::new("t.x")
            .extension("Bad-Name", "v")
            .check()
            .unwrap_err();
        assert!(err.message().contains("`Bad-Name`"), "{err}");
        assert!(Output::new("").check().is_err());
        assert!(Output::new("t.x").extension("ok1", "v").check().is_ok());
    }
}
