//! The operations centre's words: alert titles in Vietnamese and English,
//! built around the names the inputs give (passed through byte for byte).

use cityhub_sdk::city::{Span, Text};

use crate::beds::Change;

/// `occupied/total` and the percentage, e.g. `522/560 giường (93%)`.
fn beds(occupied: u32, total: u32, ratio: f64) -> (String, String) {
    let pct = (ratio * 100.0).round();
    (
        format!("{occupied}/{total} giường ({pct}%)"),
        format!("{occupied}/{total} beds ({pct}%)"),
    )
}

/// The title of a hospital's `capacity` alert.
pub fn capacity(change: Change, hospital: &str, occupied: u32, total: u32, ratio: f64) -> Text {
    use cityhub_sdk::city::Severity;
    let (vi_beds, en_beds) = beds(occupied, total, ratio);
    let (vi, en) = match change {
        Change::Open(Severity::Critical) => ("quá tải giường bệnh", "over capacity"),
        Change::Open(_) => ("gần hết giường", "nearly full"),
        Change::Resolved => ("đã bớt quá tải giường", "no longer near capacity"),
    };
    Text::new(
        format!("{hospital} {vi}: {vi_beds}"),
        format!("{hospital} {en}: {en_beds}"),
    )
}

/// The title of an `outbreak` alert, e.g. "Tín hiệu dịch sốt xuất huyết
/// tại huyện Cao Lộc: 6 ca trong 7 ngày".
pub fn outbreak(open: bool, disease: &str, district: &str, cases: u32, window: Span) -> Text {
    let (place_vi, place_en) = place(district);
    let (window_vi, window_en) = span(window);
    let plural = if cases == 1 { "case" } else { "cases" };
    let (vi, en) = if open {
        ("Tín hiệu dịch", "Outbreak signal")
    } else {
        ("Hết tín hiệu dịch", "Outbreak signal over")
    };
    Text::new(
        format!(
            "{vi} {} tại {place_vi}: {cases} ca trong {window_vi}",
            in_sentence(disease)
        ),
        format!("{en} ({disease}) in {place_en}: {cases} {plural} in {window_en}"),
    )
}

/// A district named in a sentence: `Cao Lộc` → "huyện Cao Lộc" / "Cao Lộc
/// district"; the provincial city (`TP Lạng Sơn`, `Thành phố Lạng Sơn`) →
/// "thành phố Lạng Sơn" / "Lạng Sơn city"; a name that already says
/// `Huyện …` keeps it.
pub fn place(district: &str) -> (String, String) {
    for prefix in ["TP ", "TP. ", "Thành phố ", "thành phố "] {
        if let Some(city) = district.strip_prefix(prefix) {
            return (format!("thành phố {city}"), format!("{city} city"));
        }
    }
    for prefix in ["Huyện ", "huyện "] {
        if let Some(name) = district.strip_prefix(prefix) {
            return (format!("huyện {name}"), format!("{name} district"));
        }
    }
    (format!("huyện {district}"), format!("{district} district"))
}

/// A disease's name inside a sentence: a capitalised word is lowercased
/// (`Sốt xuất huyết` → `sốt xuất huyết`), an acronym kept (`COVID-19`).
fn in_sentence(disease: &str) -> String {
    let mut chars = disease.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && !second.is_uppercase() => first
            .to_lowercase()
            .chain(disease[first.len_utf8()..].chars())
            .collect(),
        _ => disease.to_owned(),
    }
}

/// A window in words: "7 ngày" / "7 days", "36 giờ" / "36 hours".
pub fn span(window: Span) -> (String, String) {
    let secs = window.as_duration().as_secs();
    let (n, vi, en) = match secs {
        s if s % 86_400 == 0 => (s / 86_400, "ngày", "day"),
        s if s % 3600 == 0 => (s / 3600, "giờ", "hour"),
        s if s % 60 == 0 => (s / 60, "phút", "minute"),
        s => (s, "giây", "second"),
    };
    let plural = if n == 1 { "" } else { "s" };
    (format!("{n} {vi}"), format!("{n} {en}{plural}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_read_naturally_in_both_languages() {
        let t = outbreak(true, "Sốt xuất huyết", "Cao Lộc", 6, Span::hours(168));
        assert_eq!(
            t.vi,
            "Tín hiệu dịch sốt xuất huyết tại huyện Cao Lộc: 6 ca trong 7 ngày"
        );
        assert_eq!(
            t.en,
            "Outbreak signal (Sốt xuất huyết) in Cao Lộc district: 6 cases in 7 days"
        );
        let t = outbreak(false, "COVID-19", "TP Lạng Sơn", 1, Span::hours(36));
        assert_eq!(
            t.vi,
            "Hết tín hiệu dịch COVID-19 tại thành phố Lạng Sơn: 1 ca trong 36 giờ"
        );
        assert_eq!(
            t.en,
            "Outbreak signal over (COVID-19) in Lạng Sơn city: 1 case in 36 hours"
        );
        assert_eq!(place("Huyện Văn Lãng").0, "huyện Văn Lãng");
        assert_eq!(span(Span::hours(24)).1, "1 day");
    }
}
