//! [`Rng`]: the simulator's deterministic random numbers (SplitMix64), so
//! that one seed gives the same events on every machine and every build.
//!
//! Not for anything secret. Each sector draws from a stream of its own
//! ([`Rng::stream`]), so adding a draw in one sector never shifts another's.

/// A SplitMix64 generator.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// An independent stream for `name` (a sector), derived from `seed`.
    pub fn stream(seed: u64, name: &str) -> Self {
        // FNV-1a of the name, mixed with the seed.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in name.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        let mut r = Self(seed ^ h);
        r.next_u64();
        r
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A number in `[lo, hi)`.
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// A whole number in `[lo, hi]` (`lo` when `hi < lo`).
    pub fn int(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        let span = (hi - lo) as u64 + 1;
        lo + (self.next_u64() % span) as i64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// One of `items`; `None` when it is empty.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        if items.is_empty() {
            return None;
        }
        items.get((self.next_u64() % items.len() as u64) as usize)
    }

    /// Roughly normal around `mean` with standard deviation `sd` (sum of
    /// four uniforms: bounded at ±3.5 sd, which suits counts and speeds).
    pub fn normal(&mut self, mean: f64, sd: f64) -> f64 {
        let s: f64 = (0..4).map(|_| self.unit()).sum::<f64>() - 2.0;
        mean + sd * s * 3f64.sqrt()
    }

    /// How many things happen in one step when `per_step` happen on
    /// average (Poisson, by Knuth's method; fine for small means).
    pub fn poisson(&mut self, per_step: f64) -> u32 {
        if per_step <= 0.0 {
            return 0;
        }
        let limit = (-per_step.min(30.0)).exp();
        let (mut k, mut p) = (0, 1.0);
        loop {
            p *= self.unit();
            if p <= limit {
                return k;
            }
            k += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_numbers() {
        let a: Vec<u64> = (0..5)
            .map({
                let mut r = Rng::stream(7, "x");
                move |_| r.next_u64()
            })
            .collect();
        let mut r = Rng::stream(7, "x");
        assert!(a.iter().all(|&x| x == r.next_u64()));
        assert_ne!(
            Rng::stream(7, "traffic").next_u64(),
            Rng::stream(7, "health").next_u64()
        );
    }

    #[test]
    fn draws_stay_in_their_bounds() {
        let mut r = Rng::stream(1, "x");
        for _ in 0..10_000 {
            let u = r.unit();
            assert!((0.0..1.0).contains(&u));
            assert!((3..=5).contains(&r.int(3, 5)));
            let n = r.normal(10.0, 1.0);
            assert!((6.0..14.0).contains(&n));
        }
        let mean = (0..10_000).map(|_| f64::from(r.poisson(2.0))).sum::<f64>() / 1e4;
        assert!((1.9..2.1).contains(&mean), "{mean}");
        assert_eq!(r.pick::<u8>(&[]), None);
    }
}
