//! The operations centre's words: alert titles in Vietnamese and English,
//! built around the names the inputs give (passed through byte for byte).

use cityhub_sdk::city::Text;

use crate::incident::Category;

/// `2026-11-27` → `27/11/2026`, as dates are written in Vietnam.
fn vi_date(date: &str) -> String {
    match (date.get(0..4), date.get(5..7), date.get(8..10)) {
        (Some(y), Some(m), Some(d)) => format!("{d}/{m}/{y}"),
        _ => date.to_owned(),
    }
}

/// The title of a school's `low-attendance` alert.
pub fn attendance(
    open: bool,
    school: &str,
    present: u32,
    enrolled: u32,
    ratio: f64,
    date: &str,
) -> Text {
    let pct = (ratio * 100.0).round();
    let (vi, en) = if open {
        ("Tỷ lệ đi học thấp tại", "Low attendance at")
    } else {
        (
            "Tỷ lệ đi học trở lại bình thường tại",
            "Attendance back to normal at",
        )
    };
    Text::new(
        format!(
            "{vi} {school}: {present}/{enrolled} học sinh ({pct}%) ngày {}",
            vi_date(date)
        ),
        format!("{en} {school}: {present}/{enrolled} pupils ({pct}%) on {date}"),
    )
}

/// The title of an `incident` alert.
pub fn incident(open: bool, category: Category, school: &str) -> Text {
    let label = category.label();
    if open {
        Text::new(
            format!("{} tại {school}", label.vi),
            format!("{} at {school}", label.en),
        )
    } else {
        Text::new(
            format!("Đã xử lý xong: {} tại {school}", label.vi.to_lowercase()),
            format!("Resolved: {} at {school}", label.en.to_lowercase()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_day_first_in_vietnamese() {
        let t = attendance(
            true,
            "Trường THCS Hoàng Văn Thụ",
            512,
            640,
            0.8,
            "2026-11-27",
        );
        assert_eq!(
            t.vi,
            "Tỷ lệ đi học thấp tại Trường THCS Hoàng Văn Thụ: 512/640 học sinh (80%) ngày 27/11/2026"
        );
        assert_eq!(
            t.en,
            "Low attendance at Trường THCS Hoàng Văn Thụ: 512/640 pupils (80%) on 2026-11-27"
        );
        let t = incident(false, Category::FoodPoisoning, "Trường TH Đồng Đăng");
        assert_eq!(
            t.vi,
            "Đã xử lý xong: ngộ độc thực phẩm tại Trường TH Đồng Đăng"
        );
    }
}
