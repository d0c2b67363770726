//! [`Breaker`]: the circuit breaker of one plugin, shared by all its routes.
//!
//! Closed, it counts dead-lettered calls in a row; at
//! [`Circuit::failures`] it opens: the plugin is suspended and its routes
//! stop reading (events wait in the log; other routes run on). After
//! [`Circuit::cool_down`] the first route to notice half-opens it: the plugin
//! is resumed, and one more failure suspends it again at once, while a
//! success closes it. [`Breaker::resume`] resumes it on command.

use std::{
    sync::Mutex,
    time::{Duration, Instant, SystemTime},
};

use cityhub_config::Circuit;
use tokio::sync::watch;

/// What the breaker says about the plugin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Delivering.
    Running,
    /// Suspended until the cool-down ends or someone resumes it.
    Suspended {
        /// When it was suspended.
        since: SystemTime,
        /// When it will be tried again.
        until: SystemTime,
        /// The last failure.
        reason: String,
    },
}

/// A change the caller must announce (as a platform event).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Transition {
    /// Just suspended after `failures` failed calls in a row.
    Suspended { failures: u32, reason: String },
    /// Just resumed, `by` "cool-down" or "command".
    Resumed { by: &'static str },
}

#[derive(Debug)]
struct Inner {
    /// Dead-lettered calls in a row.
    failures: u32,
    /// Set while suspended: when to half-open.
    open_until: Option<Instant>,
}

/// One plugin's circuit breaker. Cheap to query; a `watch` wakes routes
/// waiting for it to close.
#[derive(Debug)]
pub struct Breaker {
    circuit: Circuit,
    inner: Mutex<Inner>,
    status: watch::Sender<Status>,
}

impl Breaker {
    /// A closed breaker.
    pub fn new(circuit: Circuit) -> Self {
        Self {
            circuit,
            inner: Mutex::new(Inner {
                failures: 0,
                open_until: None,
            }),
            status: watch::Sender::new(Status::Running),
        }
    }

    /// Its settings.
    pub fn circuit(&self) -> Circuit {
        self.circuit
    }

    /// The current status.
    pub fn status(&self) -> Status {
        self.status.borrow().clone()
    }

    /// Whether the plugin is suspended.
    pub fn is_suspended(&self) -> bool {
        matches!(*self.status.borrow(), Status::Suspended { .. })
    }

    /// A call succeeded: the count starts again.
    pub(crate) fn record_success(&self) {
        if let Ok(mut i) = self.inner.lock() {
            i.failures = 0;
        }
    }

    /// A call was given up (its events dead-lettered). Returns the
    /// transition to announce when this suspends the plugin.
    pub(crate) fn record_failure(&self, reason: &str) -> Option<Transition> {
        let mut i = self.inner.lock().ok()?;
        i.failures = i.failures.saturating_add(1);
        if i.failures < self.circuit.failures || i.open_until.is_some() {
            return None;
        }
        let now = Instant::now();
        i.open_until = Some(now + self.circuit.cool_down);
        let since = SystemTime::now();
        self.status.send_replace(Status::Suspended {
            since,
            until: since + self.circuit.cool_down,
            reason: reason.to_owned(),
        });
        Some(Transition::Suspended {
            failures: i.failures,
            reason: reason.to_owned(),
        })
    }

    /// Resumes the plugin now. Returns the transition to announce, or `None`
    /// if it was not suspended.
    pub(crate) fn resume(&self) -> Option<Transition> {
        let mut i = self.inner.lock().ok()?;
        i.open_until.take()?;
        i.failures = 0;
        self.status.send_replace(Status::Running);
        Some(Transition::Resumed { by: "command" })
    }

    /// Waits until the plugin may run, half-opening the breaker when the
    /// cool-down ends (then returns that transition, for the caller to
    /// announce; only one caller gets it). Returns `None` at once when
    /// running; cancel-safe.
    pub(crate) async fn wait_running(&self) -> Option<Transition> {
        let mut rx = self.status.subscribe();
        loop {
            let until = match self.inner.lock() {
                Ok(i) => i.open_until?,
                Err(_) => return None,
            };
            let now = Instant::now();
            if now >= until {
                let mut i = self.inner.lock().ok()?;
                // `None`: resumed meanwhile, by someone else.
                i.open_until.take()?;
                // Half-open: one more failure suspends it again.
                i.failures = self.circuit.failures.saturating_sub(1);
                self.status.send_replace(Status::Running);
                return Some(Transition::Resumed { by: "cool-down" });
            }
            let wait = until - now;
            tokio::select! {
                _ = tokio::time::sleep(wait.min(Duration::from_secs(3600))) => {}
                _ = rx.changed() => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn breaker(failures: u32, cool_ms: u64) -> Breaker {
        Breaker::new(Circuit {
            failures,
            cool_down: Duration::from_millis(cool_ms),
        })
    }

    #[test]
    fn opens_after_failures_in_a_row_only() {
        let b = breaker(3, 10_000);
        assert_eq!(b.record_failure("x"), None);
        assert_eq!(b.record_failure("x"), None);
        b.record_success();
        assert_eq!(b.record_failure("x"), None);
        assert_eq!(b.record_failure("x"), None);
        assert_eq!(
            b.record_failure("boom"),
            Some(Transition::Suspended {
                failures: 3,
                reason: "boom".into()
            })
        );
        assert!(b.is_suspended());
        // Already open: no second announcement.
        assert_eq!(b.record_failure("again"), None);
        assert_eq!(b.resume(), Some(Transition::Resumed { by: "command" }));
        assert_eq!(b.resume(), None);
        assert!(!b.is_suspended());
    }

    #[tokio::test]
    async fn half_opens_after_the_cool_down_and_one_failure_reopens() {
        let b = breaker(2, 30);
        b.record_failure("x");
        assert!(b.record_failure("x").is_some());
        assert_eq!(
            b.wait_running().await,
            Some(Transition::Resumed { by: "cool-down" })
        );
        assert_eq!(b.wait_running().await, None);
        assert!(matches!(
            b.record_failure("still broken"),
            Some(Transition::Suspended { .. })
        ));
    }
}
