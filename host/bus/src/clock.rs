//! The platform clock: a `cityhub.clock.tick` event every `[clock] tick`,
//! data `{"now": "<RFC 3339, +07:00>"}`, so plugins whose deadlines run on
//! event time ("Event time is the clock", plugins/README.md) see time move
//! when no input arrives. The first tick comes one period after the start;
//! a tick missed while the host was down is not made up.

use std::time::Duration;

use serde_json::json;
use time::{OffsetDateTime, UtcOffset, format_description::well_known::Rfc3339};
use tokio::sync::watch;

use crate::bus::WeakBus;

/// The event type of a tick.
pub const TICK: &str = "cityhub.clock.tick";

/// The province's offset, UTC+7 (Asia/Ho_Chi_Minh has no daylight saving).
const VIETNAM: UtcOffset = time::macros::offset!(+7);

/// Now, in RFC 3339 at `+07:00`.
pub fn now_in_vietnam() -> String {
    in_vietnam(OffsetDateTime::now_utc())
}

/// `t` in RFC 3339 at `+07:00`, as the city's events write their times.
pub fn in_vietnam(t: OffsetDateTime) -> String {
    let t = t.to_offset(VIETNAM);
    t.format(&Rfc3339)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
}

/// Runs until shutdown, ticking every `*tick` (a change takes effect at
/// once, starting a new period).
pub(crate) async fn run(
    bus: WeakBus,
    mut tick: watch::Receiver<Duration>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        let every = (*tick.borrow_and_update()).max(Duration::from_millis(10));
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            changed = tick.changed() => {
                if changed.is_err() { return }
                continue;
            }
            _ = shutdown.changed() => return,
        }
        let Some(bus) = bus.upgrade() else { return };
        bus.emit(TICK, "clock", json!({ "now": now_in_vietnam() }))
            .await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn now_is_written_at_plus_seven() {
        let now = now_in_vietnam();
        assert!(now.ends_with("+07:00"), "{now}");
        assert!(OffsetDateTime::parse(&now, &Rfc3339).is_ok(), "{now}");
    }
}
