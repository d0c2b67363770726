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

/// The data of the outputs of type `ty`, in order, as JSON.
///
/// ```
/// # use cityhub_sdk::testing::{self, TestEvent};
/// # let frame = testing::encode(&[
/// #     TestEvent::new("city.health.indicator").json(&serde_json::json!({"value": 0.87})),
/// #     TestEvent::new("city.health.alert").json(&serde_json::json!({"status": "open"})),
/// # ])?;
/// let outputs = testing::decode(&frame)?; // in a test: `harness.handle(&events)?`
/// let alerts = testing::outputs_of(&outputs, "city.health.alert");
/// assert_eq!(alerts, [serde_json::json!({"status": "open"})]);
/// # Ok::<(), cityhub_sdk::Error>(())
/// ```
///
/// # Panics
/// If the data of one of them is not JSON: a test assertion.
#[allow(
    clippy::panic,
    reason = "test assertion: a panic is how a test reports a failure"
)]
pub fn outputs_of(outputs: &[OutputEvent], ty: &str) -> Vec<serde_json::Value> {
    outputs
        .iter()
        .filter(|o| o.ty == ty)
        .map(|o| o.json().unwrap_or_else(|err| panic!("{err}")))
        .collect()
}

/// `(indicator, scope, value)` of each `city.<sector>.indicator` output
/// (see [`Indicator`](crate::city::Indicator)), in order.
///
/// ```
/// # use cityhub_sdk::testing::{self, TestEvent};
/// # let frame = testing::encode(&[TestEvent::new("city.health.indicator").json(&serde_json::json!({
/// #     "indicator": "bed-occupancy", "scope": "bvdk-tinh", "value": 0.87,
/// # }))])?;
/// let outputs = testing::decode(&frame)?;
/// assert_eq!(
///     testing::indicators(&outputs),
///     [("bed-occupancy".to_owned(), "bvdk-tinh".to_owned(), 0.87)]
/// );
/// # Ok::<(), cityhub_sdk::Error>(())
/// ```
///
/// # Panics
/// If one of them lacks `indicator`, `scope` or a numeric `value`.
#[allow(
    clippy::panic,
    reason = "test assertion: a panic is how a test reports a failure"
)]
pub fn indicators(outputs: &[OutputEvent]) -> Vec<(String, String, f64)> {
    outputs
        .iter()
        .filter(|o| o.ty.starts_with("city.") && o.ty.ends_with(".indicator"))
        .map(|o| {
            let data: serde_json::Value = o.json().unwrap_or_else(|err| panic!("{err}"));
            let text = |field: &str| match data[field].as_str() {
                Some(s) => s.to_owned(),
                None => panic!("output `{}`: `data.{field}` is not a string: {data}", o.ty),
            };
            let Some(value) = data["value"].as_f64() else {
                panic!("output `{}`: `data.value` is not a number: {data}", o.ty)
            };
            (text("indicator"), text("scope"), value)
        })
        .collect()
}

/// One line per output of a plugin whose outputs are the shared city
/// shapes: `indicator <indicator> <scope> <value>` for a
/// `city.<sector>.indicator`, `alert <alertId> <status> <severity>` for a
/// `city.<sector>.alert`, in order: compact to compare a whole run's
/// outputs in one assertion. On the way it checks what every such output
/// must get right: its `time` is its data's `observedAt`, its subject the
/// indicator's `scope` or the alert's `alertId`.
///
/// ```
/// # use cityhub_sdk::testing::{self, TestEvent};
/// # let frame = testing::encode(&[
/// #     TestEvent::new("city.health.indicator").subject("bvdk-tinh").time("2026-11-27T07:00:00+07:00")
/// #         .json(&serde_json::json!({"indicator": "bed-occupancy", "scope": "bvdk-tinh",
/// #             "value": 0.93, "observedAt": "2026-11-27T07:00:00+07:00"})),
/// #     TestEvent::new("city.health.alert").subject("health/capacity/bvdk-tinh").time("2026-11-27T07:00:00+07:00")
/// #         .json(&serde_json::json!({"alertId": "health/capacity/bvdk-tinh", "status": "open",
/// #             "severity": "high", "observedAt": "2026-11-27T07:00:00+07:00"})),
/// # ])?;
/// let outputs = testing::decode(&frame)?; // in a test: `harness.handle(&events)?`
/// assert_eq!(
///     testing::city_lines(&outputs),
///     [
///         "indicator bed-occupancy bvdk-tinh 0.93",
///         "alert health/capacity/bvdk-tinh open high",
///     ]
/// );
/// # Ok::<(), cityhub_sdk::Error>(())
/// ```
///
/// # Panics
/// On any other output type, on data that is not JSON or lacks a field the
/// line shows, and when a time or subject is not what the data says.
#[allow(
    clippy::panic,
    reason = "test assertion: a panic is how a test reports a failure"
)]
pub fn city_lines(outputs: &[OutputEvent]) -> Vec<String> {
    outputs
        .iter()
        .map(|o| {
            let data: serde_json::Value = o.json().unwrap_or_else(|err| panic!("{err}"));
            let text = |field: &str| match data[field].as_str() {
                Some(s) => s,
                None => panic!("output `{}`: `data.{field}` is not a string: {data}", o.ty),
            };
            assert_eq!(
                o.time.as_deref(),
                Some(text("observedAt")),
                "output `{}`: its time is not `data.observedAt`",
                o.ty
            );
            let kind = o.ty.strip_prefix("city.").and_then(|t| t.rsplit_once('.'));
            let (line, subject) = match kind.map(|(_, kind)| kind) {
                Some("indicator") => (
                    format!(
                        "indicator {} {} {}",
                        text("indicator"),
                        text("scope"),
                        data["value"]
                    ),
                    text("scope"),
                ),
                Some("alert") => (
                    format!(
                        "alert {} {} {}",
                        text("alertId"),
                        text("status"),
                        text("severity")
                    ),
                    text("alertId"),
                ),
                _ => panic!("unexpected output type `{}`", o.ty),
            };
            assert_eq!(
                o.subject.as_deref(),
                Some(subject),
                "output `{}`: its subject is not its scope or alertId",
                o.ty
            );
            line
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{TestEvent, encode};

    fn outputs(subject: &str) -> Vec<OutputEvent> {
        let at = "2026-11-27T07:00:00+07:00";
        let frame = encode(&[TestEvent::new("city.education.indicator")
            .subject(subject)
            .time(at)
            .json(
                &serde_json::json!({"indicator": "attendance", "scope": "th-dong-dang",
                "value": 0.8, "observedAt": at}),
            )])
        .unwrap();
        decode(&frame).unwrap()
    }

    #[test]
    fn city_lines_name_the_indicator_scope_and_value() {
        assert_eq!(
            city_lines(&outputs("th-dong-dang")),
            ["indicator attendance th-dong-dang 0.8"]
        );
    }

    #[test]
    #[should_panic(expected = "its subject is not its scope or alertId")]
    fn city_lines_check_the_subject() {
        city_lines(&outputs("thpt-viet-bac"));
    }
}
