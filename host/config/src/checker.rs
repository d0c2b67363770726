//! [`Checker`]: collects every error in `city.toml` as a located
//! [`Diagnostic`], with helpers for the value kinds the file uses.

use std::{ops::Range, path::Path, time::Duration};

use cityhub_cloudevents::TypePattern;
use cityhub_manifest::{Diagnostic, Diagnostics, Millis};
use toml::Spanned;

pub(crate) struct Checker<'a> {
    pub file: &'a Path,
    pub text: &'a str,
    pub errors: Diagnostics,
}

impl Checker<'_> {
    pub fn error(&mut self, span: Range<usize>, msg: impl Into<String>) {
        self.errors
            .push(Diagnostic::at(self.file, self.text, span, msg));
    }

    /// `f`'s value, or `None` after recording its error at `v`.
    pub fn check<T, U>(
        &mut self,
        v: &Spanned<T>,
        f: impl FnOnce(&T) -> Result<U, String>,
    ) -> Option<U> {
        f(v.get_ref()).map_err(|m| self.error(v.span(), m)).ok()
    }

    /// The whole number `key` in `min..=max`, `default` when absent, `None`
    /// after an error.
    pub fn int<T: TryFrom<i64>>(
        &mut self,
        v: Option<&Spanned<i64>>,
        key: &str,
        (min, max): (i64, i64),
        default: T,
    ) -> Option<T> {
        let Some(v) = v else { return Some(default) };
        self.check(v, |n| {
            Some(*n)
                .filter(|n| (min..=max).contains(n))
                .and_then(|n| T::try_from(n).ok())
                .ok_or_else(|| format!("`{key}` must be between {min} and {max}: got {n}"))
        })
    }

    /// The duration `key` (`"200ms"`, `"2s"`, `"1m"`) in `min..=max`,
    /// `default` when absent, `None` after an error.
    pub fn duration(
        &mut self,
        v: Option<&Spanned<String>>,
        key: &str,
        (min, max): (Duration, Duration),
        default: Duration,
    ) -> Option<Duration> {
        let Some(v) = v else { return Some(default) };
        self.check(v, |s| {
            let d = Millis::parse(s)
                .map(Millis::duration)
                .map_err(|e| format!("`{key}`: {e}"))?;
            if (min..=max).contains(&d) {
                Ok(d)
            } else {
                Err(format!(
                    "`{key}` must be between {} and {}: got `{s}`",
                    human(min),
                    human(max)
                ))
            }
        })
    }

    /// `[runtime] max-instances` (default 1,000), `None` after an error.
    pub fn max_instances(&mut self, runtime: &crate::raw::RawRuntime) -> Option<u32> {
        let Some(v) = &runtime.max_instances else {
            return Some(1000);
        };
        self.check(v, |n| {
            u32::try_from(*n)
                .ok()
                .filter(|n| (1..=100_000).contains(n))
                .ok_or_else(|| format!("`max-instances` must be between 1 and 100000: got {n}"))
        })
    }

    /// The valid patterns of `key`, recording an error for each invalid one
    /// (`None` in its place).
    pub fn patterns(
        &mut self,
        key: &str,
        written: &[Spanned<String>],
    ) -> Vec<Option<Spanned<TypePattern>>> {
        written
            .iter()
            .map(|p| {
                self.check(p, |s| {
                    TypePattern::new(s).map_err(|e| format!("in `{key}`: {e}"))
                })
                .map(|t| Spanned::new(p.span(), t))
            })
            .collect()
    }
}

/// A duration as `city.toml` writes it: `1440m`, `10s`, `0ms`.
fn human(d: Duration) -> String {
    let ms = d.as_millis();
    if ms == 86_400_000 {
        "1440m (a day)".to_owned()
    } else if ms > 0 && ms.is_multiple_of(60_000) {
        format!("{}m", ms / 60_000)
    } else if ms > 0 && ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}
