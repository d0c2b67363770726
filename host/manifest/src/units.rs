//! Sizes (`"16 MiB"`) and durations (`"200ms"`) as written in manifests.

use std::{fmt, time::Duration};

/// A number of bytes, written `"16 MiB"`, `"512 KiB"`, `"1 GiB"`, `"64 B"` or a
/// plain integer of bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ByteSize(u64);

impl ByteSize {
    /// `n` bytes.
    pub const fn bytes_const(n: u64) -> Self {
        Self(n)
    }

    /// `n` MiB.
    pub const fn mib(n: u64) -> Self {
        Self(n << 20)
    }

    /// `n` KiB.
    pub const fn kib(n: u64) -> Self {
        Self(n << 10)
    }

    /// The size in bytes.
    pub fn bytes(self) -> u64 {
        self.0
    }

    /// Parses `"16 MiB"`-style text; the error says what is accepted.
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let (num, unit) = s.split_at(split);
        let n: u64 = num.parse().map_err(|_| {
            format!("`{s}` is not a size: write a whole number and a unit, e.g. `16 MiB`")
        })?;
        let mult: u64 = match unit.trim() {
            "" | "B" => 1,
            "KiB" => 1 << 10,
            "MiB" => 1 << 20,
            "GiB" => 1 << 30,
            "KB" | "kB" => 1000,
            "MB" => 1_000_000,
            "GB" => 1_000_000_000,
            other => {
                return Err(format!(
                    "`{other}` is not a size unit: use `B`, `KiB`, `MiB` or `GiB`"
                ));
            }
        };
        n.checked_mul(mult)
            .map(Self)
            .ok_or_else(|| format!("`{s}` is too large"))
    }
}

impl fmt::Display for ByteSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0;
        if n >= 1 << 30 && n.is_multiple_of(1 << 30) {
            write!(f, "{} GiB", n >> 30)
        } else if n >= 1 << 20 && n.is_multiple_of(1 << 20) {
            write!(f, "{} MiB", n >> 20)
        } else if n >= 1 << 10 && n.is_multiple_of(1 << 10) {
            write!(f, "{} KiB", n >> 10)
        } else {
            write!(f, "{n} B")
        }
    }
}

/// A duration in whole milliseconds, written `"200ms"`, `"2s"`, `"1m"` or `"1h"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Millis(u64);

impl Millis {
    /// `n` milliseconds.
    pub const fn new(n: u64) -> Self {
        Self(n)
    }

    /// The duration.
    pub fn duration(self) -> Duration {
        Duration::from_millis(self.0)
    }

    /// Whole milliseconds.
    pub fn as_millis(self) -> u64 {
        self.0
    }

    /// Parses `"200ms"`-style text; the error says what is accepted.
    pub fn parse(s: &str) -> Result<Self, String> {
        let t = s.trim();
        let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        let (num, unit) = t.split_at(split);
        let n: u64 = num
            .parse()
            .map_err(|_| format!("`{s}` is not a duration: write e.g. `200ms`, `2s` or `1m`"))?;
        let mult = match unit.trim() {
            "ms" => 1,
            "s" => 1000,
            "m" => 60_000,
            "h" => 3_600_000,
            "" => return Err(format!("`{s}` needs a unit: `ms`, `s`, `m` or `h`")),
            other => {
                return Err(format!(
                    "`{other}` is not a duration unit: use `ms`, `s`, `m` or `h`"
                ));
            }
        };
        n.checked_mul(mult)
            .map(Self)
            .ok_or_else(|| format!("`{s}` is too long"))
    }
}

impl fmt::Display for Millis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 >= 1000 && self.0.is_multiple_of(1000) {
            write!(f, "{}s", self.0 / 1000)
        } else {
            write!(f, "{}ms", self.0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(ByteSize::parse("16 MiB").unwrap().bytes(), 16 << 20);
        assert_eq!(ByteSize::parse("64KiB").unwrap().bytes(), 64 << 10);
        assert_eq!(ByteSize::parse("100").unwrap().bytes(), 100);
        assert!(
            ByteSize::parse("16 mb")
                .unwrap_err()
                .contains("not a size unit")
        );
        assert!(ByteSize::parse("lots").unwrap_err().contains("not a size"));
        assert_eq!(ByteSize::mib(16).to_string(), "16 MiB");
    }

    #[test]
    fn durations() {
        assert_eq!(Millis::parse("200ms").unwrap().as_millis(), 200);
        assert_eq!(Millis::parse("2s").unwrap().as_millis(), 2000);
        assert!(Millis::parse("200").unwrap_err().contains("needs a unit"));
        assert_eq!(Millis::parse("2h").unwrap().as_millis(), 7_200_000);
        assert!(
            Millis::parse("2d")
                .unwrap_err()
                .contains("not a duration unit")
        );
    }
}
