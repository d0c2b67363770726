//! Checking an input event's data field by field, after serde has read its
//! shape: ids and names of bounded length, RFC 3339 times, numbers in a
//! range, GeoJSON points and clock ticks. Every check fails with an
//! invalid-input error that carries the event's id and names the field at
//! fault as `data.<field>`, so the host's log says which event to fix and
//! where. The checks allocate only when they fail.
//!
//! ```
//! use std::ops::Bound;
//! use cityhub_sdk::city::Input;
//! # use cityhub_sdk::{Batch, testing::{self, TestEvent}};
//! # let frame = testing::encode(&[TestEvent::new("city.ecommerce.order").id("o-1")])?;
//! # let batch = Batch::parse(&frame)?;
//! # let event = batch.iter().next().unwrap();
//! let input = Input::of(&event);
//! input.id("orderId", "DH-2026-0001", 128)?;
//! let at = input.time("orderedAt", "2026-11-27T08:00:00+07:00")?;
//! let above_zero = (Bound::Excluded(0.0), Bound::Unbounded);
//! let err = input.number("quantityKg", 0.0, above_zero, "kg").unwrap_err();
//! assert_eq!(err.event_id(), Some("o-1"));
//! assert_eq!(err.message(), "`data.quantityKg` must be above 0 kg, got 0");
//! # let _ = at;
//! # Ok::<(), cityhub_sdk::Error>(())
//! ```

use core::fmt::{Display, Write as _};
use core::ops::{Bound, RangeBounds};

use crate::geo::Point;
use crate::{Error, Event, Timestamp};

use super::Tick;

/// The fields of one input event's data, to check one by one; see the
/// [module docs](self). Cheap to make: it only borrows the event.
#[derive(Debug, Clone, Copy)]
pub struct Input<'e> {
    event: &'e Event<'e>,
}

impl<'e> Input<'e> {
    /// The checks for `event`'s data.
    pub fn of(event: &'e Event<'e>) -> Self {
        Self { event }
    }

    /// The invalid-input error for `data.<field>`: `why` says what the
    /// field must be and what it was, e.g. `must be 1 to 64 bytes, got 0`.
    ///
    /// ```
    /// # use cityhub_sdk::{Batch, city::Input, testing::{self, TestEvent}};
    /// # let frame = testing::encode(&[TestEvent::new("t.x").id("e-1")])?;
    /// # let batch = Batch::parse(&frame)?;
    /// # let event = batch.iter().next().unwrap();
    /// let err = Input::of(&event).invalid("endsAt", "must be after `startsAt`");
    /// assert_eq!(err.message(), "`data.endsAt` must be after `startsAt`");
    /// assert_eq!(err.event_id(), Some("e-1"));
    /// # Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn invalid(&self, field: &str, why: impl Display) -> Error {
        Error::invalid_input(self.event, format!("`data.{field}` {why}"))
    }

    /// Checks that the id in `data.<field>` is 1 to `max` bytes. Ids are
    /// kept in state keys, so `max` is what the key has room for.
    ///
    /// ```
    /// # use cityhub_sdk::{Batch, city::Input, testing::{self, TestEvent}};
    /// # let frame = testing::encode(&[TestEvent::new("t.x")])?;
    /// # let batch = Batch::parse(&frame)?;
    /// # let event = batch.iter().next().unwrap();
    /// let input = Input::of(&event);
    /// assert!(input.id("gate", "huu-nghi", 64).is_ok());
    /// let err = input.id("gate", "", 64).unwrap_err();
    /// assert_eq!(err.message(), "`data.gate` must be 1 to 64 bytes, got 0");
    /// # Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn id(&self, field: &str, value: &str, max: usize) -> Result<(), Error> {
        if value.is_empty() || value.len() > max {
            return Err(self.invalid(
                field,
                format_args!("must be 1 to {max} bytes, got {}", value.len()),
            ));
        }
        Ok(())
    }

    /// Checks that the name or text in `data.<field>` is 1 to `max` bytes
    /// and not only white space: what a person reads on screen.
    ///
    /// ```
    /// # use cityhub_sdk::{Batch, city::Input, testing::{self, TestEvent}};
    /// # let frame = testing::encode(&[TestEvent::new("t.x")])?;
    /// # let batch = Batch::parse(&frame)?;
    /// # let event = batch.iter().next().unwrap();
    /// let input = Input::of(&event);
    /// assert!(input.name("district", "Văn Quan", 64).is_ok());
    /// let err = input.name("district", " ", 64).unwrap_err();
    /// assert_eq!(err.message(), "`data.district` must be 1 to 64 bytes and not blank, got 1 bytes");
    /// # Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn name(&self, field: &str, value: &str, max: usize) -> Result<(), Error> {
        if value.trim().is_empty() || value.len() > max {
            return Err(self.invalid(
                field,
                format_args!(
                    "must be 1 to {max} bytes and not blank, got {} bytes",
                    value.len()
                ),
            ));
        }
        Ok(())
    }

    /// Parses the RFC 3339 date-time in `data.<field>`.
    ///
    /// ```
    /// # use cityhub_sdk::{Batch, city::Input, testing::{self, TestEvent}};
    /// # let frame = testing::encode(&[TestEvent::new("t.x")])?;
    /// # let batch = Batch::parse(&frame)?;
    /// # let event = batch.iter().next().unwrap();
    /// let input = Input::of(&event);
    /// let t = input.time("observedAt", "2026-11-27T08:00:00+07:00")?;
    /// assert_eq!(t.to_string(), "2026-11-27T01:00:00Z");
    /// let err = input.time("observedAt", "27/11/2026").unwrap_err();
    /// assert_eq!(
    ///     err.message(),
    ///     "`data.observedAt` must be an RFC 3339 date-time such as 2026-11-27T08:00:00+07:00, got \"27/11/2026\""
    /// );
    /// # Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn time(&self, field: &str, text: &str) -> Result<Timestamp, Error> {
        Timestamp::parse_rfc3339(text).ok_or_else(|| {
            self.invalid(
                field,
                format_args!(
                    "must be an RFC 3339 date-time such as 2026-11-27T08:00:00+07:00, got {text:?}"
                ),
            )
        })
    }

    /// Checks that `data.<field>` is a finite number within `range`, in
    /// `unit` (`""` for none). Range syntax has no exclusive lower bound:
    /// write "above 0" as `(Bound::Excluded(0.0), Bound::Unbounded)` or
    /// `(Bound::Excluded(0.0), Bound::Included(max))`. The error says the
    /// range in words: `must be 0 to 120 km/h`, `must be above 0 and at
    /// most 5000 tonnes`, `must be 0 or more`. Integers convert with
    /// `f64::from`.
    ///
    /// ```
    /// use std::ops::Bound::{Excluded, Included};
    /// # use cityhub_sdk::{Batch, city::Input, testing::{self, TestEvent}};
    /// # let frame = testing::encode(&[TestEvent::new("t.x")])?;
    /// # let batch = Batch::parse(&frame)?;
    /// # let event = batch.iter().next().unwrap();
    /// let input = Input::of(&event);
    /// assert!(input.number("averageVehicleSpeed", 42.5, 0.0..=120.0, "km/h").is_ok());
    /// let err = input.number("tonnes", 0.0, (Excluded(0.0), Included(5000.0)), "tonnes").unwrap_err();
    /// assert_eq!(err.message(), "`data.tonnes` must be above 0 and at most 5000 tonnes, got 0");
    /// let err = input.number("value", -1.0, 0.0.., "").unwrap_err();
    /// assert_eq!(err.message(), "`data.value` must be 0 or more, got -1");
    /// # Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn number(
        &self,
        field: &str,
        value: f64,
        range: impl RangeBounds<f64>,
        unit: &str,
    ) -> Result<(), Error> {
        if value.is_finite() && range.contains(&value) {
            return Ok(());
        }
        let mut why = String::from("must be ");
        describe(&mut why, range.start_bound(), range.end_bound(), unit);
        let _ = write!(why, ", got {value}");
        Err(self.invalid(field, why))
    }

    /// Checks the GeoJSON point in `data.<field>` (see
    /// [`Point::check`]); the error names the member at fault, e.g.
    /// `data.location.coordinates`.
    pub fn location(&self, field: &str, point: &Point<'_>) -> Result<(), Error> {
        point
            .check()
            .map_err(|(member, why)| self.invalid(&format!("{field}.{member}"), why))
    }
}

/// The time of a [`TICK`](super::TICK) event: its `data.now`, parsed.
///
/// ```
/// # use cityhub_sdk::{Batch, testing::{self, TestEvent}};
/// # let frame = testing::encode(&[
/// #     TestEvent::new("cityhub.clock.tick").json(&serde_json::json!({"now": "2026-11-27T08:00:00+07:00"})),
/// #     TestEvent::new("cityhub.clock.tick").json(&serde_json::json!({"now": "soon"})),
/// # ])?;
/// # let batch = Batch::parse(&frame)?;
/// # let mut events = batch.iter();
/// # let (tick, bad) = (events.next().unwrap(), events.next().unwrap());
/// let now = cityhub_sdk::city::tick_time(&tick)?;
/// assert_eq!(now.to_string(), "2026-11-27T01:00:00Z");
/// let err = cityhub_sdk::city::tick_time(&bad).unwrap_err();
/// assert!(err.message().starts_with("`data.now` must be an RFC 3339 date-time"));
/// # Ok::<(), cityhub_sdk::Error>(())
/// ```
pub fn tick_time(event: &Event<'_>) -> Result<Timestamp, Error> {
    let tick: Tick = event.data_json()?;
    Input::of(event).time("now", &tick.now)
}

/// Writes `range` in words, e.g. `above 0 and at most 5000 tonnes`.
fn describe(out: &mut String, start: Bound<&f64>, end: Bound<&f64>, unit: &str) {
    let n = |v: &f64| {
        if unit.is_empty() {
            v.to_string()
        } else {
            format!("{v} {unit}")
        }
    };
    let _ = match (start, end) {
        (Bound::Included(a), Bound::Included(b)) => write!(out, "{a} to {}", n(b)),
        (Bound::Included(a), Bound::Excluded(b)) => {
            write!(out, "at least {a} and below {}", n(b))
        }
        (Bound::Excluded(a), Bound::Included(b)) => {
            write!(out, "above {a} and at most {}", n(b))
        }
        (Bound::Excluded(a), Bound::Excluded(b)) => write!(out, "above {a} and below {}", n(b)),
        (Bound::Included(a), Bound::Unbounded) => write!(out, "{} or more", n(a)),
        (Bound::Excluded(a), Bound::Unbounded) => write!(out, "above {}", n(a)),
        (Bound::Unbounded, Bound::Included(b)) => write!(out, "at most {}", n(b)),
        (Bound::Unbounded, Bound::Excluded(b)) => write!(out, "below {}", n(b)),
        (Bound::Unbounded, Bound::Unbounded) if unit.is_empty() => write!(out, "a finite number"),
        (Bound::Unbounded, Bound::Unbounded) => write!(out, "a number of {unit}"),
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{self, TestEvent};
    use core::ops::Bound::{Excluded, Included, Unbounded};

    fn message(range: impl RangeBounds<f64>, unit: &str, value: f64) -> String {
        let frame = testing::encode(&[TestEvent::new("t.x").id("e-1")]).unwrap();
        let batch = crate::Batch::parse(&frame).unwrap();
        let event = batch.iter().next().unwrap();
        let err = Input::of(&event)
            .number("f", value, range, unit)
            .unwrap_err();
        assert_eq!(err.event_id(), Some("e-1"));
        err.message().trim_start_matches("`data.f` ").to_owned()
    }

    #[test]
    fn ranges_are_said_in_words() {
        assert_eq!(
            message(1.0..=10.0, "rooms", 0.0),
            "must be 1 to 10 rooms, got 0"
        );
        assert_eq!(
            message(0.0..10.0, "", 10.0),
            "must be at least 0 and below 10, got 10"
        );
        assert_eq!(
            message((Excluded(0.0), Excluded(1.0)), "", 1.0),
            "must be above 0 and below 1, got 1"
        );
        assert_eq!(
            message((Excluded(0.0), Unbounded), "kg", 0.0),
            "must be above 0 kg, got 0"
        );
        assert_eq!(
            message(0.0.., "tonnes", -1.5),
            "must be 0 tonnes or more, got -1.5"
        );
        assert_eq!(message(..=5.0, "", 6.0), "must be at most 5, got 6");
        assert_eq!(message(..5.0, "", 5.0), "must be below 5, got 5");
        assert_eq!(
            message(.., "", f64::NAN),
            "must be a finite number, got NaN"
        );
        assert_eq!(
            message(.., "trucks per hour", f64::INFINITY),
            "must be a number of trucks per hour, got inf"
        );
        assert_eq!(
            message((Included(0.0), Included(1.0)), "", f64::INFINITY),
            "must be 0 to 1, got inf"
        );
    }
}
