//! Figures as the operations centre's titles write them: rounded to whole
//! numbers, thousands grouped the Vietnamese way (`2.400`) or the English
//! way (`2,400`).

/// `v` rounded to a whole number, its thousands separated by `sep`.
///
/// ```
/// use cityhub_plugin_ioc::numbers::grouped;
/// assert_eq!(grouped(2400.0, '.'), "2.400");
/// assert_eq!(grouped(3104.6, ','), "3,105");
/// assert_eq!(grouped(-1234567.0, '.'), "-1.234.567");
/// assert_eq!(grouped(999.4, '.'), "999");
/// ```
pub fn grouped(v: f64, sep: char) -> String {
    let rounded = v.round();
    let digits = format!("{:.0}", rounded.abs());
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if rounded < 0.0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// Vietnamese grouping: `2.400`.
pub fn vi(v: f64) -> String {
    grouped(v, '.')
}

/// English grouping: `2,400`.
pub fn en(v: f64) -> String {
    grouped(v, ',')
}
