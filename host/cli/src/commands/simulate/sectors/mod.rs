//! One generator per sector of the province. Each is called once per
//! simulated minute ([`Tick`]) from the first minute of the run, draws from
//! a random stream of its own, keeps what it has started (open incidents,
//! waiting declarations, dossiers in progress) and pushes [`Draft`]s for
//! that minute, including follow-ups it scheduled earlier ([`Later`]).
//!
//! The daily cycles they share are in [`curves`].

pub mod admin;
pub mod curves;
pub mod directives;
pub mod education;
pub mod health;
pub mod reports;
pub mod tourism;
pub mod trade;
pub mod traffic;

use super::{clock::SimTime, event::Draft, rng::Rng, scenario::Scenario};

/// One simulated minute, `[t, t + 60 s)`, as the generators see it.
#[derive(Debug)]
pub struct Tick<'a> {
    /// The minute's start.
    pub t: SimTime,
    /// The run's first minute: generators announce what already exists.
    pub first: bool,
    pub scenario: &'a Scenario,
    /// A tag unique to the run (seed and start), for business ids
    /// (`orderId`, `declarationId`…) that must not collide across runs.
    pub tag: &'a str,
    pub out: &'a mut Vec<Draft>,
}

impl Tick<'_> {
    /// A random second of the minute.
    pub fn within(&self, rng: &mut Rng) -> SimTime {
        self.t.plus(rng.int(0, 59))
    }

    /// How many of a thing that happens `per_hour` times happen this minute.
    pub fn per_hour(&self, rng: &mut Rng, per_hour: f64) -> u32 {
        rng.poisson(per_hour / 60.0)
    }

    /// The minute is a multiple of `secs` on the clock (every 5 min: :00, :05…).
    pub fn every(&self, secs: i64) -> bool {
        self.t.0.rem_euclid(secs) == 0
    }
}

/// Things scheduled for later simulated instants, taken out in time order
/// (and in the order they were scheduled, at equal times).
#[derive(Debug)]
pub struct Later<T> {
    items: Vec<(SimTime, u64, T)>,
    next: u64,
}

impl<T> Default for Later<T> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            next: 0,
        }
    }
}

impl<T> Later<T> {
    /// Schedules `item` for `at`.
    pub fn at(&mut self, at: SimTime, item: T) {
        self.items.push((at, self.next, item));
        self.next += 1;
    }

    /// Takes out everything due before `end`, earliest first.
    pub fn due(&mut self, end: SimTime) -> Vec<(SimTime, T)> {
        let (mut due, keep): (Vec<_>, Vec<_>) = std::mem::take(&mut self.items)
            .into_iter()
            .partition(|i| i.0 < end);
        self.items = keep;
        due.sort_by_key(|i| (i.0, i.1));
        due.into_iter().map(|(at, _, item)| (at, item)).collect()
    }
}
