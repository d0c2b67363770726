//! A deadline index kept in plugin state, so that when the event-time
//! [`Clock`](super::Clock) moves a plugin reads only the entries that fell
//! due, never every record it keeps. State has no key listing and no range
//! scan, so the index is a timer wheel: entries `(at, id)` (Unix seconds, a
//! record's id) are grouped in buckets of a fixed width, each bucket one
//! state value, and one more value lists the non-empty buckets in order.
//!
//! [`Deadlines`] names an index's layout (key prefix and bucket width) and
//! reads and writes state at once; [`DeadlineBuffer`] does the same work
//! for a whole batch, parsing each bucket once and writing it once in
//! [`DeadlineBuffer::flush`], for plugins that touch one busy bucket many
//! times per batch.
//!
//! # State layout
//!
//! For an index with prefix `due/` and width `w` seconds:
//!
//! - `due/index`: the numbers of the non-empty buckets, ascending, as a JSON
//!   array (`[493920,493921]`);
//! - `due/<n>`, `n` zero-padded to 11 digits (`due/00000493920`): the
//!   entries with `n * w <= at < (n + 1) * w`, as a JSON array of
//!   `[at, id]` pairs sorted by time, then id.
//!
//! A bucket that empties is deleted and leaves the index; an empty index is
//! deleted too, so an empty wheel leaves nothing in state.
//!
//! # Entries are hints
//!
//! The index does not know what its ids stand for. Whoever takes an entry
//! checks the record it names (closed, reopened, its deadline moved since?)
//! and skips it if it no longer applies, so a stale entry costs one read and
//! does no harm. A plugin that cannot remove an old entry cheaply may leave
//! it. A bucket or index that does not parse is logged as an error and read
//! as empty: its deadlines are lost, but the plugin keeps handling events
//! instead of failing every batch from then on.
//!
//! # Limits
//!
//! - A bucket is one state value: it holds every entry due in its span, about
//!   `id length + 15` bytes each, and is parsed and serialized whole. Choose
//!   the width so a bucket holds at most a few thousand entries at a busy
//!   time (hourly for deadlines of requests arriving all day, daily for
//!   retention that is measured in days).
//! - The index holds one number per non-empty bucket (up to 12 bytes):
//!   hourly buckets spread over a year are 8,760 numbers, about 100 KB, read
//!   on every [`take_due`](Deadlines::take_due). Keep the horizon times the
//!   number of buckets per unit of time modest.
//! - Keys are `<prefix>index` and `<prefix>` plus 11 or more characters:
//!   the prefix may be at most 236 bytes, and must not be shared with any
//!   other key of the plugin.
//! - Every entry of one bucket counts against the plugin's `state-quota`.
//!
//! ```
//! use cityhub_sdk::city::Deadlines;
//! use cityhub_sdk::testing::MemoryHost;
//!
//! /// Open requests by deadline.
//! const DUE: Deadlines = Deadlines::hourly("due/");
//!
//! let mut host = MemoryHost::new();
//! host.with_context(|ctx| {
//!     DUE.insert(ctx, 7_300, "LS-2")?; // when a request is opened
//!     DUE.insert(ctx, 100, "LS-1")?;
//!     // whenever the clock moves to `now`:
//!     let due = DUE.take_due(ctx, 3_600, usize::MAX)?;
//!     assert_eq!(due.entries, [(100, "LS-1".to_owned())]);
//!     assert!(!due.more);
//!     Ok(())
//! })?;
//! assert_eq!(host.keys().collect::<Vec<_>>(), ["due/00000000002", "due/index"]);
//! # Ok::<(), cityhub_sdk::Error>(())
//! ```

use core::time::Duration;
use std::collections::HashMap;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{Context, Error, MAX_KEY_LEN};

/// One entry of a deadline index: when it falls due (Unix seconds) and the
/// id of what falls due, e.g. `(1_795_000_000, "LS-2026-000123")`.
pub type Deadline = (i64, String);

/// The layout of one deadline index: its key prefix and its bucket width.
/// A `const` per index, e.g. one for deadlines and one for pruning.
///
/// Its methods read and write state at once (through the SDK's per-batch
/// state cache). Each call parses and serializes the bucket it touches, so
/// a plugin that adds many entries to one bucket in a batch should use a
/// [`DeadlineBuffer`] instead; do not mix the two on one index in one
/// batch, since the buffer would write back what it read before.
///
/// ```
/// use cityhub_sdk::city::Deadlines;
/// const PRUNE: Deadlines = Deadlines::daily("prune/");
/// assert_eq!(PRUNE.index_key(), "prune/index");
/// assert_eq!(PRUNE.bucket_key(PRUNE.bucket_of(2 * 86_400 + 5)), "prune/00000000002");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadlines {
    prefix: &'static str,
    width: i64,
}

/// What [`Deadlines::take_due`] and [`DeadlineBuffer::take_due`] took out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Due {
    /// The entries due, earliest first (ties by id).
    pub entries: Vec<Deadline>,
    /// Whether more entries were due than the limit let through: they stay
    /// in the index, for the next call.
    pub more: bool,
}

impl Deadlines {
    /// The index under `prefix` (for example `due/`; it should end with a
    /// separator) with buckets `width` wide, whole seconds.
    ///
    /// # Panics
    ///
    /// If `width` is under a second, or `prefix` is empty or longer than
    /// 236 bytes. In a `const` item that is a compile error.
    ///
    /// ```
    /// use std::time::Duration;
    /// use cityhub_sdk::city::Deadlines;
    /// const QUARTER: Deadlines = Deadlines::new("soon/", Duration::from_secs(900));
    /// assert_eq!(QUARTER.width(), Duration::from_secs(900));
    /// ```
    pub const fn new(prefix: &'static str, width: Duration) -> Self {
        let secs = width.as_secs();
        assert!(secs > 0, "a deadline bucket is at least one second wide");
        assert!(secs <= i64::MAX as u64, "a deadline bucket is too wide");
        assert!(
            !prefix.is_empty() && prefix.len() <= MAX_KEY_LEN - 20,
            "a deadline index's prefix is 1 to 236 bytes"
        );
        Self {
            prefix,
            width: secs as i64,
        }
    }

    /// The index under `prefix` with buckets one hour wide: for deadlines
    /// of records that arrive all day.
    ///
    /// ```
    /// use cityhub_sdk::city::Deadlines;
    /// assert_eq!(Deadlines::hourly("due/").width().as_secs(), 3600);
    /// ```
    pub const fn hourly(prefix: &'static str) -> Self {
        Self::new(prefix, Duration::from_secs(3600))
    }

    /// The index under `prefix` with buckets one day (UTC) wide: for
    /// retention measured in days.
    ///
    /// ```
    /// use cityhub_sdk::city::Deadlines;
    /// assert_eq!(Deadlines::daily("prune/").width().as_secs(), 86_400);
    /// ```
    pub const fn daily(prefix: &'static str) -> Self {
        Self::new(prefix, Duration::from_secs(86_400))
    }

    /// The prefix of the index's keys.
    ///
    /// ```
    /// assert_eq!(cityhub_sdk::city::Deadlines::hourly("due/").prefix(), "due/");
    /// ```
    pub const fn prefix(&self) -> &'static str {
        self.prefix
    }

    /// How much time one bucket spans.
    ///
    /// ```
    /// use cityhub_sdk::city::Deadlines;
    /// assert_eq!(Deadlines::daily("p/").width().as_secs(), 86_400);
    /// ```
    pub const fn width(&self) -> Duration {
        Duration::from_secs(self.width as u64)
    }

    /// The key of the list of non-empty buckets: `<prefix>index`.
    ///
    /// ```
    /// assert_eq!(cityhub_sdk::city::Deadlines::hourly("due/").index_key(), "due/index");
    /// ```
    pub fn index_key(&self) -> String {
        format!("{}index", self.prefix)
    }

    /// The key of bucket number `bucket`: `<prefix>` and the number,
    /// zero-padded to 11 digits, so keys sort by time in listings.
    ///
    /// ```
    /// use cityhub_sdk::city::Deadlines;
    /// assert_eq!(Deadlines::hourly("due/").bucket_key(493_920), "due/00000493920");
    /// ```
    pub fn bucket_key(&self, bucket: i64) -> String {
        format!("{}{bucket:011}", self.prefix)
    }

    /// The number of the bucket holding time `at` (Unix seconds).
    ///
    /// ```
    /// use cityhub_sdk::city::Deadlines;
    /// let due = Deadlines::hourly("due/");
    /// assert_eq!(due.bucket_of(7_199), 1);
    /// assert_eq!(due.bucket_of(-1), -1);
    /// ```
    pub const fn bucket_of(&self, at: i64) -> i64 {
        at.div_euclid(self.width)
    }

    /// Adds `id`, due at `at` (Unix seconds); adding the same pair again
    /// changes nothing. Called when a record gets a deadline (it is opened,
    /// or its deadline moves). Costs one bucket read and write, plus the
    /// index when the bucket was empty.
    ///
    /// ```
    /// # cityhub_sdk::testing::MemoryHost::new().with_context(|ctx| {
    /// const DUE: cityhub_sdk::city::Deadlines = cityhub_sdk::city::Deadlines::hourly("due/");
    /// DUE.insert(ctx, 100, "a")?;
    /// DUE.insert(ctx, 100, "a")?;
    /// assert_eq!(DUE.take_due(ctx, 100, usize::MAX)?.entries.len(), 1);
    /// # Ok(()) })?; Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn insert(&self, ctx: &mut Context<'_>, at: i64, id: &str) -> Result<(), Error> {
        let mut buffer = DeadlineBuffer::default();
        buffer.insert(ctx, *self, at, id);
        buffer.flush(ctx)
    }

    /// Removes `id`'s entry at `at`, if there is one. Called when a record
    /// leaves the index before its time (closed, or its deadline moved);
    /// `at` must be the time it was inserted with. Costs one bucket read
    /// (and write when the entry was there), plus the index when the bucket
    /// empties.
    ///
    /// ```
    /// # cityhub_sdk::testing::MemoryHost::new().with_context(|ctx| {
    /// const DUE: cityhub_sdk::city::Deadlines = cityhub_sdk::city::Deadlines::hourly("due/");
    /// DUE.insert(ctx, 100, "a")?;
    /// DUE.remove(ctx, 100, "a")?;
    /// DUE.remove(ctx, 100, "never-there")?;
    /// assert!(DUE.take_due(ctx, i64::MAX, usize::MAX)?.entries.is_empty());
    /// # Ok(()) })?; Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn remove(&self, ctx: &mut Context<'_>, at: i64, id: &str) -> Result<(), Error> {
        let mut buffer = DeadlineBuffer::default();
        buffer.remove(ctx, *self, at, id);
        buffer.flush(ctx)
    }

    /// Removes and returns up to `limit` entries due at `now` or earlier
    /// (Unix seconds), earliest first; pass `usize::MAX` for all of them,
    /// and `now - 1` for those due strictly before `now`. Called whenever
    /// the plugin's clock moves. Costs the index read, plus one read (and
    /// write) per bucket that has started: what is due, and the bucket
    /// holding `now`.
    ///
    /// ```
    /// # cityhub_sdk::testing::MemoryHost::new().with_context(|ctx| {
    /// const DUE: cityhub_sdk::city::Deadlines = cityhub_sdk::city::Deadlines::hourly("due/");
    /// for (at, id) in [(10, "a"), (20, "b"), (30, "c")] {
    ///     DUE.insert(ctx, at, id)?;
    /// }
    /// let first = DUE.take_due(ctx, 25, 1)?;
    /// assert_eq!((first.entries, first.more), (vec![(10, "a".to_owned())], true));
    /// assert_eq!(DUE.take_due(ctx, 25, usize::MAX)?.entries, [(20, "b".to_owned())]);
    /// # Ok(()) })?; Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn take_due(&self, ctx: &mut Context<'_>, now: i64, limit: usize) -> Result<Due, Error> {
        let mut buffer = DeadlineBuffer::default();
        let due = buffer.take_due(ctx, *self, now, limit);
        buffer.flush(ctx)?;
        Ok(due)
    }
}

/// A list read from state for this batch, and whether it changed.
#[derive(Debug)]
struct Slot<T> {
    list: Vec<T>,
    dirty: bool,
}

/// The deadline indexes' buckets and index lists as one batch sees them:
/// each is read and parsed the first time the batch needs it, changed in
/// memory, and written back once by [`flush`](Self::flush). Any number of
/// [`Deadlines`] can share one buffer.
///
/// Keep one in the plugin; call [`clear`](Self::clear) at the start of
/// every batch (other instances may have written state since, and a failed
/// batch's changes must not survive) and [`flush`](Self::flush) at its end:
/// **changes not flushed are lost**. Do not change the same index through
/// [`Deadlines`]' own methods in a batch that buffers it.
///
/// Costs: the first use of a bucket or index in a batch reads and parses
/// it; later uses are in memory (a sorted insert or removal, O(entries in
/// the bucket)); `flush` serializes each changed list once.
///
/// ```
/// use cityhub_sdk::city::{DeadlineBuffer, Deadlines};
/// use cityhub_sdk::testing::MemoryHost;
///
/// const DUE: Deadlines = Deadlines::hourly("due/");
/// let mut buffer = DeadlineBuffer::default();
/// let mut host = MemoryHost::new();
/// host.with_context(|ctx| {
///     buffer.clear(); // a batch begins
///     for n in 0..100 {
///         buffer.insert(ctx, DUE, 3_600 + n, &format!("LS-{n}"));
///     }
///     let due = buffer.take_due(ctx, DUE, 3_600, usize::MAX);
///     assert_eq!(due.entries, [(3_600, "LS-0".to_owned())]);
///     buffer.flush(ctx) // the batch ends: one write per list
/// })?;
/// assert_eq!(host.get_json::<Vec<i64>>("due/index")?, Some(vec![1]));
/// # Ok::<(), cityhub_sdk::Error>(())
/// ```
#[derive(Debug, Default)]
pub struct DeadlineBuffer {
    buckets: HashMap<String, Slot<Deadline>>,
    indexes: HashMap<String, Slot<i64>>,
}

impl DeadlineBuffer {
    /// Forgets everything read and every change not flushed. Call it when a
    /// batch begins.
    ///
    /// ```
    /// let mut buffer = cityhub_sdk::city::DeadlineBuffer::default();
    /// buffer.clear();
    /// ```
    pub fn clear(&mut self) {
        self.buckets.clear();
        self.indexes.clear();
    }

    /// Adds `id`, due at `at` (Unix seconds), to `deadlines`; adding the
    /// same pair again changes nothing. See [`Deadlines::insert`].
    ///
    /// ```
    /// # cityhub_sdk::testing::MemoryHost::new().with_context(|ctx| {
    /// use cityhub_sdk::city::{DeadlineBuffer, Deadlines};
    /// let mut buffer = DeadlineBuffer::default();
    /// buffer.insert(ctx, Deadlines::hourly("due/"), 100, "a");
    /// buffer.flush(ctx)
    /// # })?; Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn insert(&mut self, ctx: &mut Context<'_>, deadlines: Deadlines, at: i64, id: &str) {
        let bucket = deadlines.bucket_of(at);
        let slot = read(&mut self.buckets, ctx, deadlines.bucket_key(bucket));
        let was_empty = slot.list.is_empty();
        let pos = slot
            .list
            .partition_point(|(t, i)| (*t, i.as_str()) < (at, id));
        if slot.list.get(pos).is_some_and(|(t, i)| *t == at && i == id) {
            return;
        }
        slot.list.insert(pos, (at, id.to_owned()));
        slot.dirty = true;
        if was_empty {
            let index = read(&mut self.indexes, ctx, deadlines.index_key());
            if let Err(pos) = index.list.binary_search(&bucket) {
                index.list.insert(pos, bucket);
                index.dirty = true;
            }
        }
    }

    /// Removes `id`'s entry at `at` from `deadlines`, if it is there. See
    /// [`Deadlines::remove`].
    ///
    /// ```
    /// # cityhub_sdk::testing::MemoryHost::new().with_context(|ctx| {
    /// use cityhub_sdk::city::{DeadlineBuffer, Deadlines};
    /// let mut buffer = DeadlineBuffer::default();
    /// buffer.remove(ctx, Deadlines::hourly("due/"), 100, "not-there");
    /// buffer.flush(ctx)
    /// # })?; Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn remove(&mut self, ctx: &mut Context<'_>, deadlines: Deadlines, at: i64, id: &str) {
        let bucket = deadlines.bucket_of(at);
        let slot = read(&mut self.buckets, ctx, deadlines.bucket_key(bucket));
        let before = slot.list.len();
        slot.list.retain(|(t, i)| !(*t == at && i == id));
        if slot.list.len() == before {
            return;
        }
        slot.dirty = true;
        if slot.list.is_empty() {
            self.drop_bucket(ctx, deadlines, bucket);
        }
    }

    /// Removes and returns up to `limit` entries of `deadlines` due at `now`
    /// or earlier, earliest first. See [`Deadlines::take_due`].
    ///
    /// ```
    /// # cityhub_sdk::testing::MemoryHost::new().with_context(|ctx| {
    /// use cityhub_sdk::city::{DeadlineBuffer, Deadlines};
    /// let mut buffer = DeadlineBuffer::default();
    /// let due = buffer.take_due(ctx, Deadlines::hourly("due/"), 0, usize::MAX);
    /// assert!(due.entries.is_empty() && !due.more);
    /// buffer.flush(ctx)
    /// # })?; Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn take_due(
        &mut self,
        ctx: &mut Context<'_>,
        deadlines: Deadlines,
        now: i64,
        limit: usize,
    ) -> Due {
        let mut due = Due::default();
        let started: Vec<i64> = read(&mut self.indexes, ctx, deadlines.index_key())
            .list
            .iter()
            .copied()
            .take_while(|b| b.saturating_mul(deadlines.width) <= now)
            .collect();
        for bucket in started {
            let slot = read(&mut self.buckets, ctx, deadlines.bucket_key(bucket));
            let ready = slot.list.partition_point(|(at, _)| *at <= now);
            let n = ready.min(limit - due.entries.len());
            if n > 0 {
                due.entries.extend(slot.list.drain(..n));
                slot.dirty = true;
            }
            if n < ready {
                due.more = true;
                break;
            }
            if !slot.list.is_empty() {
                break; // only the bucket holding `now` keeps entries
            }
            self.drop_bucket(ctx, deadlines, bucket);
        }
        due
    }

    /// Writes every list that changed since the last flush or
    /// [`clear`](Self::clear): empty ones are deleted. Call it when a batch
    /// ends (before returning from `handle`). Fails only if a state write
    /// is refused.
    ///
    /// ```
    /// # cityhub_sdk::testing::MemoryHost::new().with_context(|ctx| {
    /// cityhub_sdk::city::DeadlineBuffer::default().flush(ctx)
    /// # })?; Ok::<(), cityhub_sdk::Error>(())
    /// ```
    pub fn flush(&mut self, ctx: &mut Context<'_>) -> Result<(), Error> {
        write(ctx, &mut self.buckets)?;
        write(ctx, &mut self.indexes)
    }

    fn drop_bucket(&mut self, ctx: &mut Context<'_>, deadlines: Deadlines, bucket: i64) {
        let index = read(&mut self.indexes, ctx, deadlines.index_key());
        if let Ok(pos) = index.list.binary_search(&bucket) {
            index.list.remove(pos);
            index.dirty = true;
        }
    }
}

/// The list under `key`, read from state (and sorted, should it not be)
/// the first time. An unreadable one is logged and read as empty.
fn read<'s, T: DeserializeOwned + Ord>(
    slots: &'s mut HashMap<String, Slot<T>>,
    ctx: &mut Context<'_>,
    key: String,
) -> &'s mut Slot<T> {
    slots.entry(key).or_insert_with_key(|key| {
        let mut list = match ctx.state().get_json::<Vec<T>>(key) {
            Ok(list) => list.unwrap_or_default(),
            Err(err) => {
                ctx.log().error(
                    "deadline index unreadable, read as empty: its deadlines are lost",
                    &[("key", key), ("error", err.message())],
                );
                Vec::new()
            }
        };
        let mut dirty = false;
        if !list.is_sorted() {
            list.sort_unstable();
            list.dedup();
            dirty = true;
        }
        Slot { list, dirty }
    })
}

fn write<T: Serialize>(
    ctx: &mut Context<'_>,
    slots: &mut HashMap<String, Slot<T>>,
) -> Result<(), Error> {
    for (key, slot) in slots.iter_mut().filter(|(_, s)| s.dirty) {
        if slot.list.is_empty() {
            ctx.state().delete(key)?;
        } else {
            ctx.state().set_json(key, &slot.list)?;
        }
        slot.dirty = false;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::testing::MemoryHost;

    const DUE: Deadlines = Deadlines::hourly("due/");
    const PRUNE: Deadlines = Deadlines::daily("prune/");

    fn e(at: i64, id: &str) -> Deadline {
        (at, id.to_owned())
    }

    #[test]
    fn takes_only_what_fell_due_and_forgets_empty_buckets() {
        let mut host = MemoryHost::new();
        host.with_context(|ctx| {
            DUE.insert(ctx, 7200 + 10, "b")?;
            DUE.insert(ctx, 100, "a")?;
            DUE.insert(ctx, 100, "a")?; // twice is once
            DUE.insert(ctx, 7200 + 20, "c")?;
            DUE.insert(ctx, 50_000, "d")?;
            assert_eq!(DUE.take_due(ctx, 99, usize::MAX)?, Due::default());
            let due = DUE.take_due(ctx, 7214, usize::MAX)?;
            assert_eq!(due.entries, [e(100, "a"), e(7210, "b")]);
            assert!(!due.more);
            DUE.remove(ctx, 7220, "c")?;
            DUE.remove(ctx, 7220, "zz")?; // absent: nothing
            Ok(())
        })
        .unwrap();
        assert_eq!(
            host.keys().collect::<Vec<_>>(),
            ["due/00000000013", "due/index"]
        );
        assert_eq!(
            host.get_json::<Vec<i64>>("due/index").unwrap(),
            Some(vec![13])
        );
        host.with_context(|ctx| {
            let due = DUE.take_due(ctx, i64::MAX, usize::MAX)?;
            assert_eq!(due.entries, [e(50_000, "d")]);
            Ok(())
        })
        .unwrap();
        assert!(host.is_empty(), "an empty wheel leaves nothing");
    }

    #[test]
    fn now_is_inclusive_and_ties_order_by_id() {
        let mut host = MemoryHost::new();
        host.with_context(|ctx| {
            PRUNE.insert(ctx, 86_400, "z")?;
            PRUNE.insert(ctx, 86_400, "m")?;
            PRUNE.insert(ctx, 86_399, "y")?;
            assert_eq!(
                PRUNE.take_due(ctx, 86_399, usize::MAX)?.entries,
                [e(86_399, "y")]
            );
            assert_eq!(
                PRUNE.take_due(ctx, 86_400, usize::MAX)?.entries,
                [e(86_400, "m"), e(86_400, "z")]
            );
            Ok(())
        })
        .unwrap();
        assert!(host.is_empty());
    }

    #[test]
    fn a_limit_leaves_the_rest_for_the_next_call() {
        let mut host = MemoryHost::new();
        host.with_context(|ctx| {
            for (at, id) in [(10, "a"), (3_610, "b"), (3_620, "c"), (9_000, "d")] {
                DUE.insert(ctx, at, id)?;
            }
            let first = DUE.take_due(ctx, 5_000, 2)?;
            assert_eq!(first.entries, [e(10, "a"), e(3_610, "b")]);
            assert!(first.more);
            let none = DUE.take_due(ctx, 5_000, 0)?;
            assert!(none.entries.is_empty() && none.more);
            let rest = DUE.take_due(ctx, 5_000, 2)?;
            assert_eq!(rest.entries, [e(3_620, "c")]);
            assert!(!rest.more);
            Ok(())
        })
        .unwrap();
        assert_eq!(
            host.get_json::<Vec<i64>>("due/index").unwrap(),
            Some(vec![2])
        );
    }

    #[test]
    fn a_buffer_writes_once_at_flush_and_clear_drops_its_changes() {
        let mut host = MemoryHost::new();
        let mut buffer = DeadlineBuffer::default();
        host.with_context(|ctx| {
            buffer.insert(ctx, DUE, 100, "a");
            buffer.insert(ctx, PRUNE, 100, "a");
            assert_eq!(ctx.state().get("due/index"), None, "held until flush");
            buffer.flush(ctx)
        })
        .unwrap();
        assert_eq!(
            host.keys().collect::<Vec<_>>(),
            [
                "due/00000000000",
                "due/index",
                "prune/00000000000",
                "prune/index"
            ]
        );
        host.with_context(|ctx| {
            buffer.clear();
            buffer.insert(ctx, DUE, 200, "b");
            buffer.clear(); // as after a failed batch
            buffer.flush(ctx)
        })
        .unwrap();
        assert_eq!(
            host.get_json::<Vec<Deadline>>("due/00000000000").unwrap(),
            Some(vec![e(100, "a")])
        );
    }

    #[test]
    fn unreadable_or_unsorted_lists_are_survived() {
        let mut host = MemoryHost::new();
        host.insert("due/index", b"not json".to_vec());
        host.insert_json("prune/index", &[0]).unwrap();
        host.insert_json("prune/00000000000", &[e(20, "b"), e(10, "a"), e(10, "a")])
            .unwrap();
        host.with_context(|ctx| {
            assert_eq!(DUE.take_due(ctx, i64::MAX, usize::MAX)?, Due::default());
            let due = PRUNE.take_due(ctx, 15, usize::MAX)?;
            assert_eq!(due.entries, [e(10, "a")]);
            Ok(())
        })
        .unwrap();
        assert!(host.logs()[0].message.contains("unreadable"));
        assert_eq!(
            host.get_json::<Vec<Deadline>>("prune/00000000000").unwrap(),
            Some(vec![e(20, "b")])
        );
    }

    #[test]
    fn times_before_the_epoch_have_buckets_too() {
        let mut host = MemoryHost::new();
        host.with_context(|ctx| {
            DUE.insert(ctx, -1, "old")?;
            DUE.insert(ctx, 0, "new")?;
            assert_eq!(DUE.take_due(ctx, -1, usize::MAX)?.entries, [e(-1, "old")]);
            Ok(())
        })
        .unwrap();
        assert_eq!(
            host.get_json::<Vec<i64>>("due/index").unwrap(),
            Some(vec![0])
        );
    }
}
