//! Output events for tests: an output frame decoded into owned events.

use cityhub_frame::Frame;
use serde::de::DeserializeOwned;

use crate::{Error, ErrorKind};

/// An event a plugin emitted, decoded from its output frame and owned.
/// `id`, `source` and usually `time` are empty: the host fills them in.
///
/// ```
/// use cityhub_sdk::testing::{self, TestEvent};
/// // A frame holding one event, as a plugin's output frame would.
/// let frame = testing::encode(&[TestEvent::new("city.traffic.congestion")
///     .subject("QL1A-km12")
///     .json(&serde_json::json!({"congested": true}))])?;
/// let outputs = testing::decode(&frame)?;
/// assert_eq!(outputs[0].ty, "city.traffic.congestion");
/// assert_eq!(outputs[0].json::<serde_json::Value>()?["congested"], true);
/// # Ok::<(), cityhub_sdk::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputEvent {
    /// `id`; empty unless the plugin set one.
    pub id: String,
    /// `source`; empty unless the plugin set one.
    pub source: String,
    /// `type`.
    pub ty: String,
    /// `subject`.
    pub subject: Option<String>,
    /// `time`; `None` means "when emitted".
    pub time: Option<String>,
    /// `datacontenttype`.
    pub datacontenttype: Option<String>,
    /// `dataschema`.
    pub dataschema: Option<String>,
    /// Extension attributes, in order.
    pub extensions: Vec<(String, String)>,
    /// `data`.
    pub data: Option<Vec<u8>>,
}

impl OutputEvent {
    /// `data` deserialized from JSON; an error names the event type and the
    /// field at fault.
    ///
    /// ```
    /// # use cityhub_sdk::testing::{self, TestEvent};
    /// # let frame = testing::encode(&[TestEvent::new("t.x").json(&serde_json::json!({"level": "heavy"}))])?;
    /// # let output = testing::decode(&frame)?.remove(0);
    /// #[derive(serde::Deserialize)]
    /// struct Congestion { level: String }
    /// assert_eq!(output.json::<Congestion>()?.level, "heavy");
    /// # Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        let fail = |msg: String| {
            Error::new(
                ErrorKind::InvalidInput,
                format!("output `{}`: {msg}", self.ty),
            )
        };
        let data = self
            .data
            .as_deref()
            .ok_or_else(|| fail("has no `data`".to_owned()))?;
        crate::json::from_slice(data)
            .map_err(|err| fail(format!("{}: {}", err.field("data"), err.inner)))
    }

    /// The value of extension attribute `name`.
    ///
    /// ```
    /// # use cityhub_sdk::testing::{self, TestEvent};
    /// # let frame = testing::encode(&[TestEvent::new("t.x").extension("partitionkey", "QL1A")])?;
    /// # let output = testing::decode(&frame)?.remove(0);
    /// assert_eq!(output.extension("partitionkey"), Some("QL1A"));
    /// # Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn extension(&self, name: &str) -> Option<&str> {
        self.extensions
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Decodes an output frame (or any batch frame) into owned events.
///
/// ```
/// let err = cityhub_sdk::testing::decode(b"CHF1\x01\0\0\0").unwrap_err();
/// assert!(err.message().contains("frame ends early"), "{err}");
/// ```
pub fn decode(frame: &[u8]) -> Result<Vec<OutputEvent>, Error> {
    let frame = Frame::parse(frame).map_err(|err| {
        Error::new(
            ErrorKind::Internal,
            format!("malformed output frame: {err}"),
        )
    })?;
    let owned = |s: Option<&str>| s.map(str::to_owned);
    Ok(frame
        .events()
        .map(|e| OutputEvent {
            id: e.attrs.id.to_owned(),
            source: e.attrs.source.to_owned(),
            ty: e.attrs.ty.to_owned(),
            subject: owned(e.attrs.subject),
            time: owned(e.attrs.time),
            datacontenttype: owned(e.attrs.datacontenttype),
            dataschema: owned(e.attrs.dataschema),
            extensions: e
                .extensions()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
            data: e.data.map(<[u8]>::to_vec),
        })
        .collect())
}
