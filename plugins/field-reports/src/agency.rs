//! What the plugin counts per agency: its open requests and, of those, the
//! overdue ones, under `agency/<slug>` (the slug of the agency's name, e.g.
//! `so-giao-thong-van-tai`). Counts change as requests are routed, closed,
//! reopened, handed over and turn overdue; at the end of each batch every
//! agency whose counts changed gets its `open-reports` / `overdue-reports`
//! indicator (only the ones whose value differs from the last emitted), and
//! its overdue alert opens, escalates or resolves when its overdue count
//! crosses `overdue_alert_threshold` (medium) or twice that (high).

use std::collections::BTreeMap;

use cityhub_sdk::city::{Alert, AlertStatus, Indicator, Severity, Text, Unit, local_rfc3339};
use cityhub_sdk::{Context, Error, Output, Timestamp};
use serde::{Deserialize, Serialize};

/// State keys of agencies are this prefix and the agency's slug.
pub const KEY_PREFIX: &str = "agency/";
/// The event type of the indicators.
pub const INDICATOR: &str = "city.fieldreport.indicator";
/// The event type of the alerts.
pub const ALERT: &str = "city.fieldreport.alert";

/// The longest slug, so keys stay well under 256 bytes.
const MAX_SLUG: usize = 200;

/// One agency's counts, and what was last published about them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Counts {
    /// The agency's name, as requests carry it.
    pub name: String,
    /// Its open requests.
    pub open: u32,
    /// Its open requests past `expected_datetime`.
    pub overdue: u32,
    /// The `open-reports` value last emitted.
    pub sent_open: Option<u32>,
    /// The `overdue-reports` value last emitted.
    pub sent_overdue: Option<u32>,
    /// The severity of its open overdue alert, if one is open.
    pub alert: Option<Severity>,
}

/// The agencies touched in the current batch, to publish at its end.
#[derive(Debug, Default)]
pub struct Tally {
    touched: Vec<String>,
}

impl Tally {
    /// Adds `open` and `overdue` (each -1, 0 or +1) to `agency`'s counts.
    pub fn change(
        &mut self,
        ctx: &mut Context<'_>,
        agency: &str,
        open: i32,
        overdue: i32,
    ) -> Result<(), Error> {
        let slug = slug(agency);
        let key = key(&slug);
        let mut counts = load(ctx, &key);
        agency.clone_into(&mut counts.name);
        counts.open = counts.open.saturating_add_signed(open);
        counts.overdue = counts.overdue.saturating_add_signed(overdue);
        ctx.state().set_json(&key, &counts)?;
        if !self.touched.contains(&slug) {
            self.touched.push(slug);
        }
        Ok(())
    }

    /// Emits the indicators and alerts of the agencies touched since the
    /// last call, observed at `now`.
    pub fn publish(
        &mut self,
        ctx: &mut Context<'_>,
        now: Timestamp,
        threshold: u32,
    ) -> Result<(), Error> {
        let observed_at = local_rfc3339(now);
        for slug in std::mem::take(&mut self.touched) {
            let key = key(&slug);
            let mut counts = load(ctx, &key);
            let before = counts.clone();
            for (indicator, value, sent) in [
                ("open-reports", counts.open, &mut counts.sent_open),
                ("overdue-reports", counts.overdue, &mut counts.sent_overdue),
            ] {
                if *sent != Some(value) {
                    *sent = Some(value);
                    let data = indicator_data(indicator, &slug, &counts.name, value, &observed_at);
                    let output = Output::new(INDICATOR)
                        .subject(&slug)
                        .time(&observed_at)
                        .json(&data);
                    ctx.emit(output)?;
                }
            }
            let level = alert_level(counts.overdue, threshold);
            if level != counts.alert {
                let alert = alert_data(&slug, &counts, level, threshold, &observed_at);
                counts.alert = level;
                let output = Output::new(ALERT)
                    .subject(&slug)
                    .time(&observed_at)
                    .json(&alert);
                ctx.emit(output)?;
            }
            if counts != before {
                ctx.state().set_json(&key, &counts)?;
            }
        }
        Ok(())
    }
}

/// The alert severity `overdue` reports call for.
fn alert_level(overdue: u32, threshold: u32) -> Option<Severity> {
    if overdue >= threshold.saturating_mul(2) {
        Some(Severity::High)
    } else if overdue >= threshold {
        Some(Severity::Medium)
    } else {
        None
    }
}

fn indicator_data(
    indicator: &str,
    slug: &str,
    agency: &str,
    value: u32,
    observed_at: &str,
) -> Indicator {
    let name = if indicator == "open-reports" {
        Text::new("Phản ánh hiện trường đang xử lý", "Open field reports")
    } else {
        Text::new("Phản ánh hiện trường quá hạn", "Overdue field reports")
    };
    Indicator {
        indicator: indicator.to_owned(),
        scope: slug.to_owned(),
        scope_name: Some(agency.to_owned()),
        name,
        value: f64::from(value),
        unit: Unit::Count,
        observed_at: observed_at.to_owned(),
    }
}

fn alert_data(
    slug: &str,
    counts: &Counts,
    level: Option<Severity>,
    threshold: u32,
    observed_at: &str,
) -> Alert {
    let (name, n) = (&counts.name, counts.overdue);
    let (status, severity, title) = match (level, counts.alert) {
        (Some(severity), _) => (
            AlertStatus::Open,
            severity,
            Text::new(
                format!("{name}: {n} phản ánh hiện trường quá hạn"),
                format!("{name}: {n} overdue field reports"),
            ),
        ),
        (None, previous) => (
            AlertStatus::Resolved,
            previous.unwrap_or(Severity::Medium),
            Text::new(
                format!("{name}: phản ánh quá hạn đã giảm còn {n}"),
                format!("{name}: overdue field reports down to {n}"),
            ),
        ),
    };
    let description = Text::new(
        format!(
            "{name} đang xử lý {} phản ánh hiện trường, {n} phản ánh đã quá hạn (ngưỡng cảnh báo: {threshold}).",
            counts.open
        ),
        format!(
            "{name} has {} open field reports, {n} of them overdue (alert threshold: {threshold}).",
            counts.open
        ),
    );
    let figures = BTreeMap::from([
        ("overdueReports".to_owned(), n.into()),
        ("openReports".to_owned(), counts.open.into()),
        ("threshold".to_owned(), threshold.into()),
        ("agency".to_owned(), name.as_str().into()),
    ]);
    Alert {
        alert_id: format!("fieldreport/overdue/{slug}"),
        status,
        category: "fieldreport".to_owned(),
        sub_category: "overdue-reports".to_owned(),
        severity,
        title,
        description: Some(description),
        location: None,
        figures,
        observed_at: observed_at.to_owned(),
    }
}

fn key(slug: &str) -> String {
    format!("{KEY_PREFIX}{slug}")
}

/// An agency's counts; unreadable ones are logged and start from zero.
fn load(ctx: &mut Context<'_>, key: &str) -> Counts {
    match ctx.state().get_json::<Counts>(key) {
        Ok(counts) => counts.unwrap_or_default(),
        Err(err) => {
            ctx.log().error(
                "agency counts unreadable, counting afresh",
                &[("key", key), ("error", err.message())],
            );
            Counts::default()
        }
    }
}

/// The letters of Vietnamese with diacritics, by the ASCII letter they slug to.
const FOLDS: [(&str, char); 7] = [
    ("àáảãạăằắẳẵặâầấẩẫậ", 'a'),
    ("èéẻẽẹêềếểễệ", 'e'),
    ("ìíỉĩị", 'i'),
    ("òóỏõọôồốổỗộơờớởỡợ", 'o'),
    ("ùúủũụưừứửữự", 'u'),
    ("ỳýỷỹỵ", 'y'),
    ("đ", 'd'),
];

/// An agency's id for indicator scopes and state keys: its name lowercased,
/// Vietnamese letters folded to ASCII, anything else between words a `-`:
/// `Sở Giao thông Vận tải` → `so-giao-thong-van-tai`. Names that differ only
/// in diacritics or punctuation share a slug (and so their counts).
pub fn slug(name: &str) -> String {
    let mut slug = String::with_capacity(name.len());
    let mut dash = false;
    for c in name.chars().flat_map(char::to_lowercase) {
        // Combining marks (a name in decomposed form) add nothing.
        if ('\u{300}'..='\u{36f}').contains(&c) {
            continue;
        }
        let folded = if c.is_ascii_alphanumeric() {
            Some(c)
        } else {
            FOLDS
                .iter()
                .find(|(letters, _)| letters.contains(c))
                .map(|(_, base)| *base)
        };
        match folded {
            Some(c) => {
                let dashed = dash && !slug.is_empty();
                if slug.len() + usize::from(dashed) + 1 > MAX_SLUG {
                    break;
                }
                if dashed {
                    slug.push('-');
                }
                dash = false;
                slug.push(c);
            }
            None => dash = true,
        }
    }
    if slug.is_empty() {
        slug.push_str("agency");
    }
    slug
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_fold_vietnamese_to_ascii_words() {
        assert_eq!(slug("Sở Giao thông Vận tải"), "so-giao-thong-van-tai");
        assert_eq!(
            slug("Công an tỉnh Lạng Sơn (Phòng CSGT)"),
            "cong-an-tinh-lang-son-phong-csgt"
        );
        assert_eq!(slug("UBND thành phố Lạng Sơn"), "ubnd-thanh-pho-lang-son");
        assert_eq!(
            slug("Sở Nông nghiệp và Môi trường"),
            "so-nong-nghiep-va-moi-truong"
        );
        // Decomposed (NFD) input slugs alike.
        assert_eq!(
            slug("\u{110}o\u{302}\u{300}ng \u{110}a\u{306}ng"),
            "dong-dang"
        );
        assert_eq!(slug("  "), "agency");
        assert!(slug(&"Sở ".repeat(200)).len() <= MAX_SLUG);
    }

    #[test]
    fn alerts_open_at_the_threshold_and_go_high_at_twice_it() {
        assert_eq!(alert_level(4, 5), None);
        assert_eq!(alert_level(5, 5), Some(Severity::Medium));
        assert_eq!(alert_level(9, 5), Some(Severity::Medium));
        assert_eq!(alert_level(10, 5), Some(Severity::High));
    }
}
