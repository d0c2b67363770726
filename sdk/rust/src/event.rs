//! One input event: a borrowed view into the batch frame. Reading an
//! attribute costs nothing; [`Event::data_json`] deserializes the data in
//! place, so borrowed `&str` fields point into the frame.

use cityhub_frame::EventRef;
use serde::Deserialize;

use crate::Error;

/// A CloudEvent of the batch being handled, borrowed from the batch frame.
///
/// ```
/// use cityhub_sdk::{Batch, testing::{self, TestEvent}};
/// let frame = testing::encode(&[TestEvent::new("city.traffic.reading")
///     .id("r-1")
///     .source("/sensors/ql1a-km12")
///     .subject("QL1A-km12")])?;
/// let batch = Batch::parse(&frame)?;
/// let event = batch.iter().next().unwrap();
/// assert_eq!((event.id(), event.ty(), event.subject()), ("r-1", "city.traffic.reading", Some("QL1A-km12")));
/// # Ok::<(), cityhub_sdk::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Event<'a> {
    raw: EventRef<'a>,
}

impl<'a> Event<'a> {
    pub(crate) fn new(raw: EventRef<'a>) -> Self {
        Self { raw }
    }

    /// `id`: unique within the event's `source`.
    ///
    /// ```
    /// # use cityhub_sdk::testing::{self, TestEvent};
    /// # let frame = testing::encode(&[TestEvent::new("t.x").id("r-1")])?;
    /// # let batch = cityhub_sdk::Batch::parse(&frame)?;
    /// # let event = batch.iter().next().unwrap();
    /// assert_eq!(event.id(), "r-1");
    /// # Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn id(&self) -> &'a str {
        self.raw.attrs.id
    }

    /// `source`: who produced the event, e.g. `/sensors/ql1a-km12`.
    ///
    /// ```
    /// # use cityhub_sdk::testing::{self, TestEvent};
    /// # let frame = testing::encode(&[TestEvent::new("t.x").source("/sensors/a")])?;
    /// # let batch = cityhub_sdk::Batch::parse(&frame)?;
    /// # let event = batch.iter().next().unwrap();
    /// assert_eq!(event.source(), "/sensors/a");
    /// # Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn source(&self) -> &'a str {
        self.raw.attrs.source
    }

    /// `type`, e.g. `city.traffic.reading`.
    ///
    /// ```
    /// # use cityhub_sdk::testing::{self, TestEvent};
    /// # let frame = testing::encode(&[TestEvent::new("city.traffic.reading")])?;
    /// # let batch = cityhub_sdk::Batch::parse(&frame)?;
    /// # let event = batch.iter().next().unwrap();
    /// assert_eq!(event.ty(), "city.traffic.reading");
    /// # Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn ty(&self) -> &'a str {
        self.raw.attrs.ty
    }

    /// `subject`, e.g. the road segment a reading is about.
    ///
    /// ```
    /// # use cityhub_sdk::testing::{self, TestEvent};
    /// # let frame = testing::encode(&[TestEvent::new("t.x").subject("QL4A-km3")])?;
    /// # let batch = cityhub_sdk::Batch::parse(&frame)?;
    /// # let event = batch.iter().next().unwrap();
    /// assert_eq!(event.subject(), Some("QL4A-km3"));
    /// # Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn subject(&self) -> Option<&'a str> {
        self.raw.attrs.subject
    }

    /// `time`, RFC 3339 (see [`Timestamp::parse_rfc3339`](crate::Timestamp::parse_rfc3339)).
    ///
    /// ```
    /// # use cityhub_sdk::testing::{self, TestEvent};
    /// # let frame = testing::encode(&[TestEvent::new("t.x").time("2026-11-27T08:00:00+07:00")])?;
    /// # let batch = cityhub_sdk::Batch::parse(&frame)?;
    /// # let event = batch.iter().next().unwrap();
    /// assert_eq!(event.time(), Some("2026-11-27T08:00:00+07:00"));
    /// # Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn time(&self) -> Option<&'a str> {
        self.raw.attrs.time
    }

    /// `datacontenttype`, e.g. `application/json`.
    ///
    /// ```
    /// # use cityhub_sdk::testing::{self, TestEvent};
    /// # let frame = testing::encode(&[TestEvent::new("t.x").json(&1)])?;
    /// # let batch = cityhub_sdk::Batch::parse(&frame)?;
    /// # let event = batch.iter().next().unwrap();
    /// assert_eq!(event.datacontenttype(), Some("application/json"));
    /// # Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn datacontenttype(&self) -> Option<&'a str> {
        self.raw.attrs.datacontenttype
    }

    /// `dataschema`: a URI of the schema `data` follows.
    ///
    /// ```
    /// # use cityhub_sdk::testing::{self, TestEvent};
    /// # let frame = testing::encode(&[TestEvent::new("t.x").dataschema("https://example.invalid/s")])?;
    /// # let batch = cityhub_sdk::Batch::parse(&frame)?;
    /// # let event = batch.iter().next().unwrap();
    /// assert_eq!(event.dataschema(), Some("https://example.invalid/s"));
    /// # Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn dataschema(&self) -> Option<&'a str> {
        self.raw.attrs.dataschema
    }

    /// The value of extension attribute `name`, if the event has it.
    ///
    /// ```
    /// # use cityhub_sdk::testing::{self, TestEvent};
    /// # let frame = testing::encode(&[TestEvent::new("t.x").extension("partitionkey", "QL1A")])?;
    /// # let batch = cityhub_sdk::Batch::parse(&frame)?;
    /// # let event = batch.iter().next().unwrap();
    /// assert_eq!(event.extension("partitionkey"), Some("QL1A"));
    /// assert_eq!(event.extension("traceparent"), None);
    /// # Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn extension(&self, name: &str) -> Option<&'a str> {
        self.raw.extension(name)
    }

    /// All extension attributes, as `(name, value)` pairs in frame order.
    ///
    /// ```
    /// # use cityhub_sdk::testing::{self, TestEvent};
    /// # let frame = testing::encode(&[TestEvent::new("t.x").extension("a", "1").extension("b", "2")])?;
    /// # let batch = cityhub_sdk::Batch::parse(&frame)?;
    /// # let event = batch.iter().next().unwrap();
    /// let names: Vec<&str> = event.extensions().map(|(name, _)| name).collect();
    /// assert_eq!(names, ["a", "b"]);
    /// # Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn extensions(&self) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.raw.extensions()
    }

    /// `data` as raw bytes, if the event has any.
    ///
    /// ```
    /// # use cityhub_sdk::testing::{self, TestEvent};
    /// # let frame = testing::encode(&[TestEvent::new("t.x").data(b"42 cars".to_vec(), "text/plain")])?;
    /// # let batch = cityhub_sdk::Batch::parse(&frame)?;
    /// # let event = batch.iter().next().unwrap();
    /// assert_eq!(event.data(), Some(&b"42 cars"[..]));
    /// # Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn data(&self) -> Option<&'a [u8]> {
        self.raw.data
    }

    /// Deserializes `data` as JSON into `T`, borrowing strings from the frame
    /// where `T` allows it (`&'a str` fields).
    ///
    /// Fails with [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput)
    /// naming this event and the path of the field at fault, e.g.
    /// ``"`data.intensity`: invalid type: string \"many\", expected u32 at line 1 column 20"``.
    ///
    /// ```
    /// # use cityhub_sdk::testing::{self, TestEvent};
    /// #[derive(serde::Deserialize)]
    /// struct Reading<'a> { #[serde(rename = "refRoadSegment")] segment: &'a str, intensity: u32 }
    ///
    /// let frame = testing::encode(&[
    ///     TestEvent::new("t.x").id("ok").json(&serde_json::json!({"refRoadSegment": "QL1A-km12", "intensity": 12})),
    ///     TestEvent::new("t.x").id("bad").json(&serde_json::json!({"refRoadSegment": "QL1A-km12", "intensity": "many"})),
    /// ])?;
    /// let batch = cityhub_sdk::Batch::parse(&frame)?;
    /// let mut events = batch.iter();
    /// let reading: Reading = events.next().unwrap().data_json()?;
    /// assert_eq!((reading.segment, reading.intensity), ("QL1A-km12", 12));
    ///
    /// let err = events.next().unwrap().data_json::<Reading>().map(|_| ()).unwrap_err();
    /// assert_eq!(err.event_id(), Some("bad"));
    /// assert!(err.message().starts_with("`data.intensity`: invalid type"), "{err}");
    /// # Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn data_json<T: Deserialize<'a>>(&self) -> Result<T, Error> {
        let Some(data) = self.data() else {
            return Err(Error::invalid_input(
                self,
                "`data` is missing: expected a JSON value",
            ));
        };
        crate::json::from_slice(data).map_err(|err| {
            Error::invalid_input(self, format!("{}: {}", err.field("data"), err.inner))
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::Batch;
    use crate::testing::{self, TestEvent};

    #[test]
    fn data_json_names_missing_data_and_trailing_bytes() {
        let frame = testing::encode(&[
            TestEvent::new("t.x").id("none"),
            TestEvent::new("t.x")
                .id("trail")
                .data(b"{} x".to_vec(), "application/json"),
        ])
        .unwrap();
        let batch = Batch::parse(&frame).unwrap();
        let mut it = batch.iter();
        let err = it
            .next()
            .unwrap()
            .data_json::<serde_json::Value>()
            .unwrap_err();
        assert_eq!(err.message(), "`data` is missing: expected a JSON value");
        assert_eq!(err.event_id(), Some("none"));
        let err = it
            .next()
            .unwrap()
            .data_json::<serde_json::Value>()
            .unwrap_err();
        assert!(
            err.message().starts_with("`data`: trailing characters"),
            "{err}"
        );
    }

    #[test]
    fn data_json_names_nested_and_missing_fields() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Loc {
            coordinates: [f64; 2],
        }
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct R {
            location: Loc,
            speed: f64,
        }
        let frame = testing::encode(&[
            TestEvent::new("t.x")
                .json(&serde_json::json!({"location": {"coordinates": [1.0, "x"]}, "speed": 1})),
            TestEvent::new("t.x")
                .json(&serde_json::json!({"location": {"coordinates": [1.0, 2.0]}})),
        ])
        .unwrap();
        let batch = Batch::parse(&frame).unwrap();
        let mut it = batch.iter();
        let err = it.next().unwrap().data_json::<R>().unwrap_err();
        assert!(
            err.message()
                .starts_with("`data.location.coordinates[1]`: invalid type"),
            "{err}"
        );
        let err = it.next().unwrap().data_json::<R>().unwrap_err();
        assert!(
            err.message().starts_with("`data`: missing field `speed`"),
            "{err}"
        );
    }
}
