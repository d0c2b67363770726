//! Deadlines kept in state without scanning it (the state interface has no
//! listing): a timer wheel of `(seconds, request id)` entries grouped in
//! buckets of `width` seconds, each under `<prefix>/<bucket number,
//! zero-padded>`, with `<prefix>/index` listing the non-empty buckets in
//! order. Adding or removing an entry touches one bucket (and the index when
//! the bucket appears or empties); finding what is due reads the index and
//! the buckets that have started, oldest first. Two wheels: [`DUE`] (open
//! requests by `expected_datetime`, hourly buckets) and [`PRUNE`] (closed
//! requests by when they may be forgotten, daily buckets).
//!
//! [`Wheels`] holds the lists a batch reads, parsed, and writes the changed
//! ones back once at the end of the batch ([`Wheels::flush`]), so a batch
//! of reports due in the same busy hour parses and serializes that bucket
//! once, not once per report.
//!
//! Entries are hints: whoever takes one checks the request it names (which
//! may have been closed, reopened or reassigned since), so a stale entry
//! does no harm.

use std::collections::HashMap;

use cityhub_sdk::{Context, Error};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Open requests by `expected_datetime`.
pub const DUE: Schedule = Schedule {
    prefix: "due",
    width: 3600,
};

/// Closed requests by when they are pruned.
pub const PRUNE: Schedule = Schedule {
    prefix: "prune",
    width: 86_400,
};

/// One entry: when (Unix seconds) and which request.
pub type Entry = (i64, String);

/// A timer wheel's layout in state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// Its keys' prefix (without the `/`).
    pub prefix: &'static str,
    /// The seconds one bucket spans.
    pub width: i64,
}

impl Schedule {
    /// The key of the index of non-empty buckets.
    pub fn index_key(&self) -> String {
        format!("{}/index", self.prefix)
    }

    /// The key of bucket number `bucket` (entries at `bucket * width` up to
    /// the next bucket).
    pub fn bucket_key(&self, bucket: i64) -> String {
        format!("{}/{bucket:011}", self.prefix)
    }

    fn bucket_of(&self, at: i64) -> i64 {
        at.div_euclid(self.width)
    }
}

/// A list read from state for this batch, and whether it changed.
#[derive(Debug)]
struct Slot<T> {
    list: Vec<T>,
    dirty: bool,
}

/// The wheels' lists as this batch sees them.
#[derive(Debug, Default)]
pub struct Wheels {
    buckets: HashMap<String, Slot<Entry>>,
    indexes: HashMap<String, Slot<i64>>,
}

impl Wheels {
    /// Forgets everything read: called before each batch, since other
    /// instances may have written state since.
    pub fn clear(&mut self) {
        self.buckets.clear();
        self.indexes.clear();
    }

    /// Adds `id` at `at` to `schedule` (once: adding it again changes nothing).
    pub fn add(&mut self, ctx: &mut Context<'_>, schedule: Schedule, at: i64, id: &str) {
        let bucket = schedule.bucket_of(at);
        let slot = slot(&mut self.buckets, ctx, schedule.bucket_key(bucket));
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
            let index = slot_of_index(&mut self.indexes, ctx, schedule);
            if let Err(pos) = index.list.binary_search(&bucket) {
                index.list.insert(pos, bucket);
                index.dirty = true;
            }
        }
    }

    /// Removes `id` at `at` from `schedule`, if it is there.
    pub fn remove(&mut self, ctx: &mut Context<'_>, schedule: Schedule, at: i64, id: &str) {
        let bucket = schedule.bucket_of(at);
        let slot = slot(&mut self.buckets, ctx, schedule.bucket_key(bucket));
        let before = slot.list.len();
        slot.list.retain(|(t, i)| !(*t == at && i == id));
        if slot.list.len() == before {
            return;
        }
        slot.dirty = true;
        if slot.list.is_empty() {
            self.drop_bucket(ctx, schedule, bucket);
        }
    }

    /// Takes out up to `limit` entries of `schedule` due at `now` or
    /// earlier, oldest first. The flag says whether due entries remain
    /// (because of `limit`).
    pub fn take_due(
        &mut self,
        ctx: &mut Context<'_>,
        schedule: Schedule,
        now: i64,
        limit: usize,
    ) -> (Vec<Entry>, bool) {
        let mut taken = Vec::new();
        let started: Vec<i64> = slot_of_index(&mut self.indexes, ctx, schedule)
            .list
            .iter()
            .copied()
            .take_while(|b| b.saturating_mul(schedule.width) <= now)
            .collect();
        for bucket in started {
            let slot = slot(&mut self.buckets, ctx, schedule.bucket_key(bucket));
            let due = slot.list.partition_point(|(at, _)| *at <= now);
            let n = due.min(limit - taken.len());
            if n > 0 {
                taken.extend(slot.list.drain(..n));
                slot.dirty = true;
            }
            if n < due {
                return (taken, true);
            }
            if !slot.list.is_empty() {
                break;
            }
            self.drop_bucket(ctx, schedule, bucket);
        }
        (taken, false)
    }

    /// Writes the lists that changed: empty ones are deleted.
    pub fn flush(&mut self, ctx: &mut Context<'_>) -> Result<(), Error> {
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
        write(ctx, &mut self.buckets)?;
        write(ctx, &mut self.indexes)
    }

    fn drop_bucket(&mut self, ctx: &mut Context<'_>, schedule: Schedule, bucket: i64) {
        let index = slot_of_index(&mut self.indexes, ctx, schedule);
        if let Ok(pos) = index.list.binary_search(&bucket) {
            index.list.remove(pos);
            index.dirty = true;
        }
    }
}

fn slot_of_index<'s>(
    indexes: &'s mut HashMap<String, Slot<i64>>,
    ctx: &mut Context<'_>,
    schedule: Schedule,
) -> &'s mut Slot<i64> {
    let slot = slot(indexes, ctx, schedule.index_key());
    if !slot.list.is_sorted() {
        slot.list.sort_unstable();
        slot.list.dedup();
    }
    slot
}

/// The list under `key`, read from state the first time. An unreadable one
/// is logged and read as empty (its deadlines are lost, but the plugin goes
/// on).
fn slot<'s, T: DeserializeOwned>(
    slots: &'s mut HashMap<String, Slot<T>>,
    ctx: &mut Context<'_>,
    key: String,
) -> &'s mut Slot<T> {
    slots.entry(key).or_insert_with_key(|key| {
        let list = match ctx.state().get_json::<Vec<T>>(key) {
            Ok(list) => list.unwrap_or_default(),
            Err(err) => {
                ctx.log().error(
                    "schedule state unreadable, read as empty",
                    &[("key", key), ("error", err.message())],
                );
                Vec::new()
            }
        };
        Slot { list, dirty: false }
    })
}
