//! Daily cycles, by local hour (0..24): traffic's two rush hours, daytime
//! activity, office hours. Values are 0..1 unless said otherwise.

use super::super::clock::SimTime;

fn bump(hour: f64, centre: f64, width: f64) -> f64 {
    (-((hour - centre) / width).powi(2)).exp()
}

/// Road traffic: a night lull, the morning (≈07:15) and evening (≈17:30)
/// rush hours, a daytime plateau; weekends have flatter peaks.
pub fn traffic(t: SimTime) -> f64 {
    let h = t.hour();
    let peaks = if t.weekend() { 0.5 } else { 1.0 };
    let day = bump(h, 13.0, 5.5) * 0.5;
    (0.06 + day + peaks * (0.45 * bump(h, 7.25, 0.8) + 0.5 * bump(h, 17.5, 1.0))).min(1.0)
}

/// People awake and about: low at night, high from mid-morning to evening.
pub fn daytime(t: SimTime) -> f64 {
    let h = t.hour();
    (0.08 + 0.92 * bump(h, 14.0, 5.0)).min(1.0)
}

/// Online shopping: lunchtime and an evening peak around 21:00.
pub fn shopping(t: SimTime) -> f64 {
    let h = t.hour();
    (0.1 + 0.5 * bump(h, 12.0, 1.5) + 0.9 * bump(h, 21.0, 1.8)).min(1.0)
}

/// One-stop shops and offices: Monday–Friday 07:30–11:30 and 13:30–17:00.
pub fn office(t: SimTime) -> bool {
    let h = t.hour();
    !t.weekend() && ((7.5..11.5).contains(&h) || (13.5..17.0).contains(&h))
}

/// School days: Monday–Friday.
pub fn school_day(t: SimTime) -> bool {
    !t.weekend()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> SimTime {
        SimTime::parse(text).unwrap()
    }

    #[test]
    fn rush_hours_beat_the_night() {
        let rush = traffic(at("2026-11-27T17:30:00+07:00"));
        let night = traffic(at("2026-11-27T03:00:00+07:00"));
        assert!(rush > 0.8 && night < 0.15, "{rush} {night}");
        assert!(office(at("2026-11-27T09:00:00+07:00")));
        assert!(!office(at("2026-11-28T09:00:00+07:00")), "a Saturday");
        assert!(
            shopping(at("2026-11-27T21:00:00+07:00")) > shopping(at("2026-11-27T04:00:00+07:00"))
        );
    }
}
