//! A batch: the events of one `handle` call, checked once and then read in
//! place from the frame the host passed in.

use cityhub_frame::{Events, Frame};

use crate::{Error, Event};

/// The events of one call to [`Plugin::handle`](crate::Plugin::handle), in
/// log order. Iterating is free: events are read from the frame in place.
///
/// ```
/// use cityhub_sdk::{Batch, testing::{self, TestEvent}};
/// let frame = testing::encode(&[TestEvent::new("t.a"), TestEvent::new("t.b")])?;
/// let batch = Batch::parse(&frame)?;
/// let types: Vec<&str> = batch.iter().map(|e| e.ty()).collect();
/// assert_eq!(types, ["t.a", "t.b"]);
/// # Ok::<(), cityhub_sdk::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Batch<'a> {
    frame: Frame<'a>,
}

impl<'a> Batch<'a> {
    /// Checks a batch frame (see `sdk/wit/types.wit`). The SDK does this for
    /// every `handle` call; tools and benchmarks can call it directly.
    ///
    /// A malformed frame is an [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput).
    ///
    /// ```
    /// let err = cityhub_sdk::Batch::parse(b"nope").unwrap_err();
    /// assert!(err.message().contains("`CHF1`"), "{err}");
    /// ```
    pub fn parse(frame: &'a [u8]) -> Result<Self, Error> {
        Frame::parse(frame)
            .map(|frame| Self { frame })
            .map_err(|err| {
                Error::new(
                    crate::ErrorKind::InvalidInput,
                    format!("malformed input frame: {err}"),
                )
            })
    }

    /// The number of events.
    ///
    /// ```
    /// # use cityhub_sdk::{Batch, testing::{self, TestEvent}};
    /// let frame = testing::encode(&[TestEvent::new("t.a")])?;
    /// assert_eq!(Batch::parse(&frame)?.len(), 1);
    /// # Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn len(&self) -> usize {
        self.frame.len()
    }

    /// Whether the batch holds no event (the host never sends one, but a
    /// frame may).
    ///
    /// ```
    /// # use cityhub_sdk::{Batch, testing};
    /// let frame = testing::encode(&[])?;
    /// assert!(Batch::parse(&frame)?.is_empty());
    /// # Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.frame.is_empty()
    }

    /// The events, in order. `for event in &batch` does the same.
    ///
    /// ```
    /// # use cityhub_sdk::{Batch, testing::{self, TestEvent}};
    /// let frame = testing::encode(&[TestEvent::new("t.a").id("1"), TestEvent::new("t.a").id("2")])?;
    /// let batch = Batch::parse(&frame)?;
    /// assert_eq!(batch.iter().last().map(|e| e.id()), Some("2"));
    /// # Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn iter(&self) -> Iter<'a> {
        Iter {
            inner: self.frame.events(),
        }
    }
}

impl<'a> IntoIterator for &Batch<'a> {
    type Item = Event<'a>;
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

/// Iterator over the [`Event`]s of a [`Batch`].
///
/// ```
/// # use cityhub_sdk::{Batch, testing::{self, TestEvent}};
/// let frame = testing::encode(&[TestEvent::new("t.a"), TestEvent::new("t.a")])?;
/// let batch = Batch::parse(&frame)?;
/// let iter: cityhub_sdk::Iter<'_> = batch.iter();
/// assert_eq!(iter.len(), 2);
/// # Ok::<(), cityhub_sdk::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Iter<'a> {
    inner: Events<'a>,
}

impl<'a> Iterator for Iter<'a> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        self.inner.next().map(Event::new)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl ExactSizeIterator for Iter<'_> {}
