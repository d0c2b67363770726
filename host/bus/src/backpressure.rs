//! [`Gate`]: the bound on events waiting for the log.
//!
//! Ingest holds permits for its events from admission until the append
//! returns; when `max-pending` are taken the request is refused at once
//! (`503`, `Retry-After`) rather than queued, so memory stays bounded
//! whatever the senders do. A request larger than the whole bound waits for
//! all of it, so it is still admitted when the log is idle.

use std::sync::{
    Arc,
    atomic::{AtomicU64, Ordering},
};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::Error;

#[derive(Debug)]
pub(crate) struct Gate {
    max: u32,
    permits: Arc<Semaphore>,
    high_water: AtomicU64,
}

impl Gate {
    pub fn new(max: u32) -> Self {
        Self {
            max,
            permits: Arc::new(Semaphore::new(max as usize)),
            high_water: AtomicU64::new(0),
        }
    }

    /// Takes room for `n` events, or refuses with [`Error::LogBusy`]. The
    /// room is freed when the permit is dropped: after the events are stored.
    pub fn admit(&self, n: usize) -> Result<OwnedSemaphorePermit, Error> {
        let want = u32::try_from(n).unwrap_or(u32::MAX).clamp(1, self.max);
        match self.permits.clone().try_acquire_many_owned(want) {
            Ok(p) => {
                let depth = u64::from(self.max) - self.permits.available_permits() as u64;
                self.high_water.fetch_max(depth, Ordering::Relaxed);
                Ok(p)
            }
            Err(_) => Err(Error::LogBusy {
                pending: u64::from(self.max) - self.permits.available_permits() as u64,
                max: u64::from(self.max),
                retry_after: std::time::Duration::from_secs(1),
            }),
        }
    }

    /// `(waiting now, most ever, limit)`.
    pub fn depth(&self) -> (u64, u64, u64) {
        let max = u64::from(self.max);
        (
            max - self.permits.available_permits() as u64,
            self.high_water.load(Ordering::Relaxed),
            max,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_past_the_bound_and_frees_on_drop() {
        let g = Gate::new(10);
        let a = g.admit(6).unwrap();
        let err = g.admit(6).unwrap_err();
        assert!(
            matches!(
                err,
                Error::LogBusy {
                    pending: 6,
                    max: 10,
                    ..
                }
            ),
            "{err}"
        );
        let b = g.admit(4).unwrap();
        assert_eq!(g.depth(), (10, 10, 10));
        drop(a);
        drop(b);
        assert_eq!(g.depth().0, 0);
        // Larger than the bound: admitted alone.
        let _c = g.admit(50).unwrap();
        assert!(g.admit(1).is_err());
    }
}
