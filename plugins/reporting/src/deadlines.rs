//! An index of deadlines kept in state, so that when the event-time clock
//! moves only the entries that fell due are read, never every directive.
//!
//! State has no range scan, so the index is bucketed by hour: under
//! `<prefix><hour>` (hours since the Unix epoch) a small JSON list of
//! `[seconds, id]` entries due in that hour, and under `<prefix>hours` the
//! sorted list of hours that have entries. Taking what fell due reads the
//! directory and the buckets at its front, so it costs what is due plus one
//! small read; adding or removing an entry touches one bucket (and the
//! directory when the bucket appears or empties).

use cityhub_sdk::{Context, Error};

/// A deadline index under one key prefix (`due/`, `prune/`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadlines {
    prefix: &'static str,
}

/// One entry: when (Unix seconds) and what (an id).
pub type Entry = (i64, String);

impl Deadlines {
    /// The index whose keys start with `prefix`.
    pub const fn new(prefix: &'static str) -> Self {
        Self { prefix }
    }

    fn directory(&self) -> String {
        format!("{}hours", self.prefix)
    }

    fn bucket(&self, hour: i64) -> String {
        format!("{}{hour}", self.prefix)
    }

    fn hours(&self, ctx: &mut Context<'_>) -> Result<Vec<i64>, Error> {
        Ok(ctx.state().get_json(&self.directory())?.unwrap_or_default())
    }

    fn entries(&self, ctx: &mut Context<'_>, hour: i64) -> Result<Vec<Entry>, Error> {
        Ok(ctx
            .state()
            .get_json(&self.bucket(hour))?
            .unwrap_or_default())
    }

    /// Adds `id`, due at `at` (Unix seconds). Adding it twice adds nothing.
    pub fn insert(&self, ctx: &mut Context<'_>, id: &str, at: i64) -> Result<(), Error> {
        let hour = at.div_euclid(3600);
        let mut entries = self.entries(ctx, hour)?;
        if entries.iter().any(|(t, i)| *t == at && i == id) {
            return Ok(());
        }
        entries.push((at, id.to_owned()));
        ctx.state().set_json(&self.bucket(hour), &entries)?;
        if entries.len() == 1 {
            let mut hours = self.hours(ctx)?;
            if let Err(pos) = hours.binary_search(&hour) {
                hours.insert(pos, hour);
                ctx.state().set_json(&self.directory(), &hours)?;
            }
        }
        Ok(())
    }

    /// Removes `id`'s entry at `at`, if there is one.
    pub fn remove(&self, ctx: &mut Context<'_>, id: &str, at: i64) -> Result<(), Error> {
        let hour = at.div_euclid(3600);
        let mut entries = self.entries(ctx, hour)?;
        let before = entries.len();
        entries.retain(|(t, i)| !(*t == at && i == id));
        if entries.len() == before {
            return Ok(());
        }
        if entries.is_empty() {
            ctx.state().delete(&self.bucket(hour))?;
            let mut hours = self.hours(ctx)?;
            if let Ok(pos) = hours.binary_search(&hour) {
                hours.remove(pos);
                self.store_hours(ctx, &hours)?;
            }
        } else {
            ctx.state().set_json(&self.bucket(hour), &entries)?;
        }
        Ok(())
    }

    /// Removes and returns every entry due strictly before `now` (Unix
    /// seconds), earliest first.
    pub fn take_before(&self, ctx: &mut Context<'_>, now: i64) -> Result<Vec<Entry>, Error> {
        let mut hours = self.hours(ctx)?;
        let mut taken = Vec::new();
        let mut emptied = 0;
        for &hour in &hours {
            if hour.saturating_mul(3600) >= now {
                break;
            }
            let mut entries = self.entries(ctx, hour)?;
            let (due, rest): (Vec<Entry>, Vec<Entry>) =
                entries.drain(..).partition(|(t, _)| *t < now);
            taken.extend(due);
            if rest.is_empty() {
                ctx.state().delete(&self.bucket(hour))?;
                emptied += 1;
            } else {
                ctx.state().set_json(&self.bucket(hour), &rest)?;
                break; // only the hour holding `now` can keep entries
            }
        }
        if emptied > 0 {
            hours.drain(..emptied);
            self.store_hours(ctx, &hours)?;
        }
        taken.sort();
        Ok(taken)
    }

    fn store_hours(&self, ctx: &mut Context<'_>, hours: &[i64]) -> Result<(), Error> {
        if hours.is_empty() {
            ctx.state().delete(&self.directory())
        } else {
            ctx.state().set_json(&self.directory(), hours)
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use cityhub_sdk::testing::MemoryHost;

    const DUE: Deadlines = Deadlines::new("due/");

    #[test]
    fn takes_only_what_fell_due_and_forgets_empty_hours() {
        let mut host = MemoryHost::new();
        host.with_context(|ctx| {
            DUE.insert(ctx, "b", 7200 + 10)?;
            DUE.insert(ctx, "a", 100)?;
            DUE.insert(ctx, "a", 100)?; // twice is once
            DUE.insert(ctx, "c", 7200 + 20)?;
            DUE.insert(ctx, "d", 50_000)?;
            assert_eq!(DUE.take_before(ctx, 100)?, []);
            assert_eq!(
                DUE.take_before(ctx, 7215)?,
                [(100, "a".into()), (7210, "b".into())]
            );
            DUE.remove(ctx, "c", 7220)?;
            DUE.remove(ctx, "zz", 7220)?; // absent: nothing
            Ok(())
        })
        .unwrap();
        assert_eq!(host.keys().collect::<Vec<_>>(), ["due/13", "due/hours"]);
        assert_eq!(
            host.get_json::<Vec<i64>>("due/hours").unwrap(),
            Some(vec![13])
        );
        host.with_context(|ctx| {
            assert_eq!(DUE.take_before(ctx, i64::MAX)?, [(50_000, "d".into())]);
            Ok(())
        })
        .unwrap();
        assert!(host.is_empty());
    }
}
