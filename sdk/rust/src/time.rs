//! Points in time as the WIT world carries them (seconds and nanoseconds since
//! the Unix epoch, UTC), with RFC 3339 parsing and formatting so that plugins
//! need no date library for CloudEvents' `time` and FIWARE's `dateObserved`.

use core::fmt;
use core::time::Duration;

const NANOS_PER_SEC: u32 = 1_000_000_000;

/// A point in time: seconds and nanoseconds since the Unix epoch, UTC.
/// Mirrors the WIT `timestamp` record. Orders chronologically.
///
/// ```
/// use cityhub_sdk::Timestamp;
/// let t = Timestamp::parse_rfc3339("2026-11-27T08:00:00+07:00").unwrap();
/// assert_eq!(t.to_string(), "2026-11-27T01:00:00Z");
/// assert_eq!(t, Timestamp::new(1_795_741_200, 0));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    seconds: i64,
    nanoseconds: u32,
}

impl Timestamp {
    /// 1970-01-01T00:00:00Z.
    ///
    /// ```
    /// assert_eq!(cityhub_sdk::Timestamp::UNIX_EPOCH.to_string(), "1970-01-01T00:00:00Z");
    /// ```
    pub const UNIX_EPOCH: Timestamp = Timestamp {
        seconds: 0,
        nanoseconds: 0,
    };

    /// The time `seconds` and `nanoseconds` after the epoch; nanoseconds of
    /// a second or more carry into the seconds.
    ///
    /// ```
    /// let t = cityhub_sdk::Timestamp::new(10, 1_500_000_000);
    /// assert_eq!((t.seconds(), t.nanoseconds()), (11, 500_000_000));
    /// ```
    pub const fn new(seconds: i64, nanoseconds: u32) -> Self {
        Self {
            seconds: seconds.saturating_add((nanoseconds / NANOS_PER_SEC) as i64),
            nanoseconds: nanoseconds % NANOS_PER_SEC,
        }
    }

    /// Whole seconds since the epoch.
    ///
    /// ```
    /// assert_eq!(cityhub_sdk::Timestamp::new(42, 7).seconds(), 42);
    /// ```
    pub const fn seconds(&self) -> i64 {
        self.seconds
    }

    /// The nanoseconds past [`seconds`](Self::seconds), below 1,000,000,000.
    ///
    /// ```
    /// assert_eq!(cityhub_sdk::Timestamp::new(42, 7).nanoseconds(), 7);
    /// ```
    pub const fn nanoseconds(&self) -> u32 {
        self.nanoseconds
    }

    /// How long after `earlier` this is, or `None` if it is before it.
    ///
    /// ```
    /// use cityhub_sdk::Timestamp;
    /// let from = Timestamp::parse_rfc3339("2026-11-27T08:00:00+07:00").unwrap();
    /// let to = Timestamp::parse_rfc3339("2026-11-27T08:05:00.5+07:00").unwrap();
    /// assert_eq!(to.duration_since(from), Some(std::time::Duration::from_millis(300_500)));
    /// assert_eq!(from.duration_since(to), None);
    /// ```
    pub fn duration_since(&self, earlier: Timestamp) -> Option<Duration> {
        if *self < earlier {
            return None;
        }
        let (secs, nanos) = if self.nanoseconds >= earlier.nanoseconds {
            (
                self.seconds - earlier.seconds,
                self.nanoseconds - earlier.nanoseconds,
            )
        } else {
            (
                self.seconds - earlier.seconds - 1,
                self.nanoseconds + NANOS_PER_SEC - earlier.nanoseconds,
            )
        };
        Some(Duration::new(u64::try_from(secs).ok()?, nanos))
    }

    /// Parses an RFC 3339 date-time (`2026-11-27T08:00:00+07:00`,
    /// `2026-11-27T01:00:00.250Z`), or `None` if `text` is not one. Digits
    /// past nanoseconds are ignored; a leap second (`:60`) reads as the
    /// first second of the next minute.
    ///
    /// ```
    /// use cityhub_sdk::Timestamp;
    /// assert!(Timestamp::parse_rfc3339("2026-11-27T01:00:00Z").is_some());
    /// assert!(Timestamp::parse_rfc3339("2026-02-29T00:00:00Z").is_none()); // not a leap year
    /// assert!(Timestamp::parse_rfc3339("27/11/2026 08:00").is_none());
    /// ```
    pub fn parse_rfc3339(text: &str) -> Option<Timestamp> {
        let b = text.as_bytes();
        if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
            return None;
        }
        if b[13] != b':' || b[16] != b':' {
            return None;
        }
        let year = i64::from(digits(&b[0..4])?);
        let month = digits(&b[5..7])?;
        let day = digits(&b[8..10])?;
        let (hour, minute, second) = (
            digits(&b[11..13])?,
            digits(&b[14..16])?,
            digits(&b[17..19])?,
        );
        if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
            return None;
        }
        if hour > 23 || minute > 59 || second > 60 {
            return None;
        }
        let mut rest = &b[19..];
        let mut nanos = 0u32;
        if let [b'.', tail @ ..] = rest {
            let n = tail.iter().take_while(|c| c.is_ascii_digit()).count();
            if n == 0 {
                return None;
            }
            for (i, c) in tail[..n].iter().take(9).enumerate() {
                nanos += u32::from(c - b'0') * 10u32.pow(8 - i as u32);
            }
            rest = &tail[n..];
        }
        let offset = match rest {
            [b'Z' | b'z'] => 0,
            [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
                let (h, m) = (digits(&[*h1, *h2])?, digits(&[*m1, *m2])?);
                if h > 23 || m > 59 {
                    return None;
                }
                let minutes = i64::from(h * 60 + m);
                if *sign == b'-' { -minutes } else { minutes }
            }
            _ => return None,
        };
        let days = days_from_civil(year, month, day);
        let seconds = days * 86_400 + i64::from(hour * 3600 + minute * 60 + second) - offset * 60;
        Some(Timestamp {
            seconds,
            nanoseconds: nanos,
        })
    }
}

impl fmt::Display for Timestamp {
    /// RFC 3339 in UTC, with as many fraction digits as needed (none, 3, 6
    /// or 9).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.seconds.div_euclid(86_400);
        let secs = self.seconds.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        )?;
        match self.nanoseconds {
            0 => {}
            n if n.is_multiple_of(1_000_000) => write!(f, ".{:03}", n / 1_000_000)?,
            n if n.is_multiple_of(1_000) => write!(f, ".{:06}", n / 1_000)?,
            n => write!(f, ".{n:09}")?,
        }
        f.write_str("Z")
    }
}

fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |acc, c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_text_across_eras() {
        for text in [
            "1970-01-01T00:00:00Z",
            "1969-12-31T23:59:59.999Z",
            "2000-02-29T12:34:56.000001Z",
            "2026-11-27T01:00:00.123456789Z",
            "2400-12-31T23:59:59Z",
            "0001-01-01T00:00:00Z",
        ] {
            let t = Timestamp::parse_rfc3339(text).unwrap();
            assert_eq!(t.to_string(), text);
        }
    }

    #[test]
    fn applies_offsets_and_fractions() {
        let utc = Timestamp::parse_rfc3339("2026-11-27T01:00:00Z").unwrap();
        assert_eq!(
            Timestamp::parse_rfc3339("2026-11-27T08:00:00+07:00"),
            Some(utc)
        );
        assert_eq!(
            Timestamp::parse_rfc3339("2026-11-26t20:30:00-04:30"),
            Some(utc)
        );
        let t = Timestamp::parse_rfc3339("2026-11-27T01:00:00.1234567891Z").unwrap();
        assert_eq!(t.nanoseconds(), 123_456_789);
        let leap = Timestamp::parse_rfc3339("2016-12-31T23:59:60Z").unwrap();
        assert_eq!(leap.to_string(), "2017-01-01T00:00:00Z");
    }

    #[test]
    fn rejects_malformed_text() {
        for text in [
            "",
            "2026-11-27",
            "2026-11-27T01:00:00",
            "2026-13-01T00:00:00Z",
            "2026-04-31T00:00:00Z",
            "2026-11-27T24:00:00Z",
            "2026-11-27T01:00:00.Z",
            "2026-11-27T01:00:00+0700",
            "2026-11-27T01:00:00+07:00x",
            "2026-11-27T01:0a:00Z",
            "２０２６-11-27T01:00:00Z",
        ] {
            assert_eq!(Timestamp::parse_rfc3339(text), None, "{text}");
        }
    }
}
