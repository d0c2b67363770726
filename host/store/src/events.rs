//! The event log: [`Store::append`], [`Store::read_after`], [`Store::query`]
//! and [`Store::last_seq`].

use cityhub_cloudevents::{CloudEvent, Timestamp, TypePattern};

use crate::{
    Error, Seq, Store,
    row::{micros_ceil, micros_floor, now_micros, timestamp_from_micros},
    sql::{Filter, Sql, TypeFilter},
    store::with_pool,
};

/// An event as stored in the log.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    /// Its position in the log.
    pub seq: Seq,
    /// When it was stored, in UTC, to the microsecond.
    pub recorded_at: Timestamp,
    /// The plugin that emitted it, or `None` for an event ingested over HTTP.
    pub origin: Option<String>,
    /// The event.
    pub event: CloudEvent,
}

/// What [`Store::append`] did with one event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Appended {
    /// Stored at this seq.
    New(Seq),
    /// An event with the same (`source`, `id`) was already stored at this seq
    /// (or earlier in the same slice); this one was not stored.
    Duplicate(Seq),
}

impl Appended {
    /// The seq of the stored event, new or not.
    pub fn seq(self) -> Seq {
        match self {
            Self::New(seq) | Self::Duplicate(seq) => seq,
        }
    }

    /// Whether the event was stored by this call.
    pub fn is_new(self) -> bool {
        matches!(self, Self::New(_))
    }
}

/// A search of the log, for [`Store::query`]; conditions combine with AND.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventQuery {
    /// Only events whose type matches.
    pub ty: Option<TypePattern>,
    /// Only events recorded at or after this instant.
    pub since: Option<Timestamp>,
    /// Only events after this seq (for paging: pass the last seq seen).
    pub after: Option<Seq>,
    /// At most this many events.
    pub limit: u32,
}

/// How many rows a pattern query reads per round trip when most may not match.
const PATTERN_PAGE: u32 = 500;

impl Store {
    /// Appends `events` to the log in order, in one transaction, and says for
    /// each whether it is new or a duplicate of a stored (`source`, `id`).
    /// The events are durable when this returns (see the crate docs for what
    /// SQLite's default mode promises).
    ///
    /// Appends take turns: within a process on a lock, across processes on a
    /// database lock, so that seqs become visible in increasing order and a
    /// reader paging with [`Store::read_after`] never skips an event.
    ///
    /// Cancel-safe: the write runs on its own task (with a copy of
    /// `events`), so dropping this future never leaves it half-done; the
    /// events are then stored or not, and a sender that got no answer can
    /// send them again (duplicates are detected).
    pub async fn append(&self, events: &[CloudEvent]) -> Result<Vec<Appended>, Error> {
        self.append_at(events, &Store::recorded_now()).await
    }

    /// [`Store::append`], recording the events at `at` (normally
    /// [`Store::recorded_now`]): a caller that keeps its own copy of what it
    /// appended knows the exact `recorded_at` a read would give back.
    pub async fn append_at(
        &self,
        events: &[CloudEvent],
        at: &Timestamp,
    ) -> Result<Vec<Appended>, Error> {
        const OP: &str = "append";
        if events.is_empty() {
            return Ok(Vec::new());
        }
        let at = micros_floor(at);
        let store = self.clone();
        let events = events.to_vec();
        self.detached(OP, async move {
            let _turn = store.writer().await;
            with_pool!(store, pool => {
                let mut tx = Sql::begin_write(pool, true, OP).await?;
                let appended = Sql::insert_events(&mut tx, &events, None, at, OP).await?;
                tx.commit().await.map_err(Error::db(OP))?;
                Ok(appended)
            })
        })
        .await
    }

    /// Up to `limit` events with seq greater than `after`, in log order.
    pub async fn read_after(&self, after: Seq, limit: u32) -> Result<Vec<StoredEvent>, Error> {
        let filter = Filter {
            after,
            since: None,
            ty: TypeFilter::Any,
            limit,
        };
        with_pool!(self, pool => Sql::select_events(pool, &filter).await)
    }

    /// Up to `q.limit` events matching `q`, in log order.
    ///
    /// An exact type is looked up with the `(type, seq)` index. A pattern is
    /// pre-filtered in SQL on its literal prefix (`city.traffic.*` keeps types
    /// from `city.traffic.` up to, not including, `city.traffic/`: a byte-wise
    /// range, so `_` needs no escaping, case is not folded and an index can
    /// serve it) and matched exactly here, reading page after page until
    /// `limit` events match or the log ends.
    pub async fn query(&self, q: &EventQuery) -> Result<Vec<StoredEvent>, Error> {
        if q.limit == 0 {
            return Ok(Vec::new());
        }
        let since = q.since.as_ref().map(micros_ceil);
        let after = q.after.unwrap_or(0);
        let pattern = match &q.ty {
            Some(p) if !p.is_exact() => p,
            exact => {
                let ty = exact
                    .as_ref()
                    .map_or(TypeFilter::Any, |p| TypeFilter::Exact(p.as_str()));
                let filter = Filter {
                    after,
                    since,
                    ty,
                    limit: q.limit,
                };
                return with_pool!(self, pool => Sql::select_events(pool, &filter).await);
            }
        };
        let mut filter = Filter {
            after,
            since,
            ty: prefix_range(pattern),
            limit: q.limit.max(PATTERN_PAGE),
        };
        let mut found = Vec::new();
        loop {
            let page = with_pool!(self, pool => Sql::select_events(pool, &filter).await)?;
            let ended = page.len() < filter.limit as usize;
            if let Some(last) = page.last() {
                filter.after = last.seq;
            }
            found.extend(page.into_iter().filter(|e| pattern.matches(&e.event.ty)));
            if found.len() >= q.limit as usize {
                found.truncate(q.limit as usize);
                return Ok(found);
            }
            if ended {
                return Ok(found);
            }
        }
    }

    /// Now, as the store records it (to the microsecond).
    pub fn recorded_now() -> Timestamp {
        timestamp_from_micros(now_micros()).unwrap_or_else(Timestamp::now)
    }

    /// The seq of the newest event, or 0 when the log is empty.
    pub async fn last_seq(&self) -> Result<Seq, Error> {
        with_pool!(self, pool => Sql::last_seq(pool).await)
    }

    /// The position just before the first event recorded at or after `t`
    /// (so a consumer moved there reads from that event on), or the last seq
    /// when none was.
    pub async fn position_before(&self, t: &Timestamp) -> Result<Seq, Error> {
        const OP: &str = "position_before";
        let at = micros_ceil(t);
        with_pool!(self, pool => {
            let row = sqlx::query(
                "SELECT MIN(seq) FROM events WHERE recorded_at >= $1",
            )
            .bind(at)
            .fetch_one(pool)
            .await
            .map_err(Error::db(OP))?;
            let first: Option<Seq> = sqlx::Row::try_get(&row, 0).map_err(Error::db(OP))?;
            match first {
                Some(seq) => Ok(seq - 1),
                None => Sql::last_seq(pool).await,
            }
        })
    }
}

/// The SQL pre-filter for a pattern: the tokens before its first wildcard,
/// as a range of types starting with them and a dot. Types are ASCII, and
/// `/` is the byte after `.`.
fn prefix_range(pattern: &TypePattern) -> TypeFilter<'static> {
    let literal: Vec<&str> = pattern
        .as_str()
        .split('.')
        .take_while(|t| *t != "*" && *t != ">")
        .collect();
    if literal.is_empty() {
        return TypeFilter::Any;
    }
    let prefix = literal.join(".");
    TypeFilter::Range {
        lo: format!("{prefix}."),
        hi: format!("{prefix}/"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(p: &str) -> Option<(String, String)> {
        match prefix_range(&TypePattern::new(p).unwrap()) {
            TypeFilter::Range { lo, hi } => Some((lo, hi)),
            _ => None,
        }
    }

    #[test]
    fn patterns_prefilter_on_their_literal_prefix() {
        assert_eq!(
            range("city.traffic.*"),
            Some(("city.traffic.".into(), "city.traffic/".into()))
        );
        assert_eq!(range("city.>"), Some(("city.".into(), "city/".into())));
        assert_eq!(
            range("city.*.reading"),
            Some(("city.".into(), "city/".into()))
        );
        assert_eq!(range("*.traffic"), None);
        assert_eq!(range(">"), None);
    }
}
