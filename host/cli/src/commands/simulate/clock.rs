//! Simulated time: [`SimTime`] (an instant, written in the province's
//! `+07:00`) and [`Pace`], which maps simulated time onto the wall clock at
//! `--speed` simulated seconds per wall second.
//!
//! Every event's `time` is simulated time, so the plugins (whose "now" is
//! the newest event time) see a day pass in minutes.

use std::time::Duration;

use anyhow::Context;
use cityhub_cloudevents::Timestamp;
use tokio::time::Instant;

/// The province's offset from UTC (Asia/Ho_Chi_Minh, no daylight saving).
const OFFSET: i64 = 7 * 3600;

/// One simulated instant, in whole seconds since 1970 (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimTime(pub i64);

impl SimTime {
    /// Parses `--start` (RFC 3339, any offset), floored to the minute.
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let t = Timestamp::parse(text).with_context(|| {
            format!(
                "`--start {text}` is not an RFC 3339 time: write e.g. `2026-11-27T06:00:00+07:00`"
            )
        })?;
        Ok(Self(t.datetime().unix_timestamp()).floor_minute())
    }

    /// Now, floored to the minute.
    pub fn now() -> Self {
        Self(Timestamp::now().datetime().unix_timestamp()).floor_minute()
    }

    fn floor_minute(self) -> Self {
        Self(self.0 - self.0.rem_euclid(60))
    }

    /// `secs` seconds later (earlier when negative).
    pub fn plus(self, secs: i64) -> Self {
        Self(self.0 + secs)
    }

    /// Seconds from `earlier` to `self`.
    pub fn since(self, earlier: Self) -> i64 {
        self.0 - earlier.0
    }

    fn local(self) -> i64 {
        self.0 + OFFSET
    }

    /// Days since 1970-01-01 in local time.
    fn local_day(self) -> i64 {
        self.local().div_euclid(86_400)
    }

    /// The local hour of day as a fraction: 7.5 is 07:30.
    pub fn hour(self) -> f64 {
        self.local().rem_euclid(86_400) as f64 / 3600.0
    }

    /// Local day of the week: 0 = Sunday … 6 = Saturday.
    pub fn weekday(self) -> u8 {
        // 1970-01-01 was a Thursday.
        (self.local_day() + 4).rem_euclid(7) as u8
    }

    /// Saturday or Sunday.
    pub fn weekend(self) -> bool {
        matches!(self.weekday(), 0 | 6)
    }

    /// The local date, `2026-11-27`.
    pub fn date(self) -> String {
        let (y, m, d) = civil(self.local_day());
        format!("{y:04}-{m:02}-{d:02}")
    }

    /// RFC 3339 in `+07:00`: `2026-11-27T07:05:00+07:00`.
    pub fn rfc3339(self) -> String {
        let secs = self.local().rem_euclid(86_400);
        format!(
            "{}T{:02}:{:02}:{:02}+07:00",
            self.date(),
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        )
    }

    /// Compact, for event ids: `20261127T0705`.
    pub fn compact(self) -> String {
        let secs = self.local().rem_euclid(86_400);
        format!(
            "{}T{:02}{:02}",
            self.date().replace('-', ""),
            secs / 3600,
            secs / 60 % 60
        )
    }
}

/// Year, month, day of a day count since 1970-01-01 (H. Hinnant's algorithm).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// When simulated instants are due on the wall clock.
#[derive(Debug, Clone, Copy)]
pub struct Pace {
    wall: Instant,
    sim: SimTime,
    speed: f64,
}

impl Pace {
    /// `sim` is due now; later instants `speed` times faster than real time.
    pub fn new(sim: SimTime, speed: f64) -> Self {
        Self {
            wall: Instant::now(),
            sim,
            speed,
        }
    }

    /// The wall-clock instant at which simulated `t` is due.
    pub fn due(&self, t: SimTime) -> Instant {
        let secs = t.since(self.sim).max(0) as f64 / self.speed;
        self.wall + Duration::from_secs_f64(secs.min(1e9))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_written_in_the_provinces_offset() {
        let t = SimTime::parse("2026-11-27T00:05:30Z").unwrap();
        assert_eq!(t.rfc3339(), "2026-11-27T07:05:00+07:00");
        assert_eq!(t.compact(), "20261127T0705");
        assert_eq!(t.weekday(), 5, "a Friday");
        assert!((t.hour() - 7.0833).abs() < 0.001);
        let late = SimTime::parse("2026-12-31T23:59:00+07:00").unwrap();
        assert_eq!(late.plus(60).rfc3339(), "2027-01-01T00:00:00+07:00");
        assert_eq!(
            SimTime::parse("2028-02-29T12:00:00+07:00").unwrap().date(),
            "2028-02-29"
        );
    }

    #[test]
    fn a_bad_start_says_how_to_write_one() {
        let e = SimTime::parse("tomorrow").unwrap_err();
        assert!(format!("{e:#}").contains("2026-11-27T06:00:00+07:00"));
    }
}
