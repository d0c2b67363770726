//! Numbers for the operations centre's titles: whole numbers with
//! thousands separators, `.` in Vietnamese (3.100) and `,` in English
//! (3,100).

/// `n` rounded to a whole number and grouped by thousands with `sep`.
///
/// ```
/// use cityhub_plugin_ecommerce::text::grouped;
/// assert_eq!(grouped(3100.4, '.'), "3.100");
/// assert_eq!(grouped(-1234567.0, ','), "-1,234,567");
/// assert_eq!(grouped(999.5, '.'), "1.000");
/// ```
pub fn grouped(n: f64, sep: char) -> String {
    // `as` saturates; titles never see such numbers.
    let rounded = n.round() as i64;
    let digits = rounded.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if rounded < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}
