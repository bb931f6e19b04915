//! Event arrival times from a load profile: the synthetic events an EventBridge rule receives.
//!
//! The rate is the profile's mean (events per second) at the start of each step of `step_ms`,
//! held for the step. With Poisson noise arrivals are a Poisson process at that rate: exponential
//! gaps, redrawn at each step boundary (exact for a piecewise-constant rate, since the exponential
//! forgets). Without noise they are evenly spaced: an event whenever the expected count since the
//! start crosses a whole number. Gaussian noise scales each step's rate by one draw, then spaces
//! evenly. Times are whole milliseconds; several events may share one.

use super::{LoadProfile, Noise, exponential_ms};
use rand_chacha::ChaCha8Rng;

/// How far below a whole millisecond an arrival may be computed and still count as on it.
const ROUNDING_SLACK_MS: f64 = 1e-6;

/// The arrival times (ms from the run start) of events whose mean rate follows `profile`, up to
/// and including `horizon_ms`. Lazy: memory does not grow with the number of events.
pub struct Arrivals<'p> {
    profile: &'p LoadProfile,
    start_epoch_ms: i64,
    step_ms: u64,
    horizon_ms: u64,
    rng: ChaCha8Rng,
    /// Start of the current step.
    step_start_ms: u64,
    /// The current step's rate, events per ms.
    rate_per_ms: f64,
    /// Where the next arrival is searched from (within the current step).
    cursor_ms: f64,
    /// Evenly spaced arrivals: the expected count accumulated so far, minus the events emitted.
    owed: f64,
}

impl<'p> Arrivals<'p> {
    /// Arrivals of `profile` over `[0, horizon_ms]`, rate re-read every `step_ms` (at least 1 ms),
    /// random draws from `rng` (only when the profile has noise).
    pub fn new(profile: &'p LoadProfile, start_epoch_ms: i64, step_ms: u64, horizon_ms: u64, rng: ChaCha8Rng) -> Self {
        let mut arrivals = Arrivals {
            profile,
            start_epoch_ms,
            step_ms: step_ms.max(1),
            horizon_ms,
            rng,
            step_start_ms: 0,
            rate_per_ms: 0.0,
            cursor_ms: 0.0,
            owed: 0.0,
        };
        arrivals.enter_step(0);
        arrivals
    }

    fn enter_step(&mut self, start_ms: u64) {
        self.step_start_ms = start_ms;
        self.cursor_ms = start_ms as f64;
        let mean = self.profile.mean_rps(start_ms, self.start_epoch_ms);
        let rate = match self.profile.noise {
            Noise::Gaussian { .. } => self.profile.noise.sample(mean, self.step_ms, &mut self.rng),
            Noise::None | Noise::Poisson => mean,
        };
        self.rate_per_ms = if rate.is_finite() { rate.max(0.0) / 1_000.0 } else { 0.0 };
    }

    fn step_end_ms(&self) -> u64 {
        self.step_start_ms.saturating_add(self.step_ms)
    }

    /// The next arrival within the current step, or None when the step has no more.
    fn next_in_step(&mut self) -> Option<u64> {
        let end = self.step_end_ms() as f64;
        if self.rate_per_ms <= 0.0 {
            return None;
        }
        let at = match self.profile.noise {
            Noise::Poisson => {
                let gap = exponential_ms(1.0 / self.rate_per_ms, &mut self.rng) as f64;
                self.cursor_ms + gap.max(0.0)
            }
            Noise::None | Noise::Gaussian { .. } => {
                // The time at which the expected count reaches the next whole event.
                self.cursor_ms + (1.0 - self.owed) / self.rate_per_ms
            }
        };
        if at >= end {
            if !matches!(self.profile.noise, Noise::Poisson) {
                self.owed += (end - self.cursor_ms) * self.rate_per_ms;
            }
            return None;
        }
        self.cursor_ms = at;
        self.owed = 0.0;
        // Summing a step's fractions of an event can land a hair below a whole millisecond.
        Some((at + ROUNDING_SLACK_MS).floor() as u64)
    }
}

impl Iterator for Arrivals<'_> {
    type Item = u64;

    fn next(&mut self) -> Option<u64> {
        loop {
            if self.step_start_ms > self.horizon_ms {
                return None;
            }
            if let Some(at) = self.next_in_step() {
                return (at <= self.horizon_ms).then_some(at).or_else(|| {
                    self.step_start_ms = u64::MAX;
                    None
                });
            }
            let next_step = self.step_end_ms();
            if next_step == u64::MAX {
                return None;
            }
            self.enter_step(next_step);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::{LoadShape, SpikeEffect};
    use rand::SeedableRng;

    fn profile(shapes: Vec<LoadShape>, noise: Noise) -> LoadProfile {
        LoadProfile { shapes, noise }
    }

    fn arrivals(p: &LoadProfile, horizon_ms: u64, seed: u64) -> Vec<u64> {
        Arrivals::new(p, 0, 60_000, horizon_ms, ChaCha8Rng::seed_from_u64(seed)).collect()
    }

    #[test]
    fn evenly_spaced_without_noise() {
        let p = profile(vec![LoadShape::Constant { rps: 0.5 }], Noise::None);
        let times = arrivals(&p, 10_000, 1);
        assert_eq!(times, [2_000, 4_000, 6_000, 8_000, 10_000]);
        // A fraction of an event carries across steps: 0.01/s is one event every 100 s.
        let slow = profile(vec![LoadShape::Constant { rps: 0.01 }], Noise::None);
        assert_eq!(arrivals(&slow, 350_000, 1), [100_000, 200_000, 300_000]);
        let none = profile(vec![LoadShape::Constant { rps: 0.0 }], Noise::None);
        assert!(arrivals(&none, 3_600_000, 1).is_empty());
    }

    #[test]
    fn the_rate_follows_the_shapes() {
        // 0.5/s, times 10 during [1h, 1h30m): 1,800 events in the spike, 0.5/s outside.
        let spike = LoadShape::Spike {
            at_ms: 3_600_000,
            duration_ms: 1_800_000,
            effect: SpikeEffect::Multiply(10.0),
        };
        let p = profile(vec![LoadShape::Constant { rps: 0.5 }, spike], Noise::None);
        let times = arrivals(&p, 7_200_000, 1);
        let in_spike = times.iter().filter(|t| (3_600_000..5_400_000).contains(*t)).count();
        assert_eq!(in_spike, 9_000);
        assert_eq!(times.len(), 1_800 + 9_000 + 900);
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "in time order");
    }

    #[test]
    fn poisson_counts_and_gaps() {
        let p = profile(vec![LoadShape::Constant { rps: 2.0 }], Noise::Poisson);
        let times = arrivals(&p, 3_600_000, 7);
        // 7,200 expected; a Poisson count's standard deviation is about 85.
        assert!((6_900..7_500).contains(&times.len()), "{}", times.len());
        assert!(times.windows(2).all(|w| w[0] <= w[1]));
        assert!(times.iter().all(|t| *t <= 3_600_000));
        // Exponential gaps: about 37 % exceed the mean gap of 500 ms.
        let long = times.windows(2).filter(|w| w[1] - w[0] > 500).count() as f64 / times.len() as f64;
        assert!((0.33..0.41).contains(&long), "{long}");
        assert_eq!(times, arrivals(&p, 3_600_000, 7), "the same seed, the same times");
        assert_ne!(times, arrivals(&p, 3_600_000, 8), "the seed is used");
    }

    #[test]
    fn gaussian_noise_scales_each_step() {
        let p = profile(
            vec![LoadShape::Constant { rps: 1.0 }],
            Noise::Gaussian { percent: 20.0 },
        );
        let times = arrivals(&p, 36_000_000, 3);
        assert!((35_000..37_000).contains(&times.len()), "{}", times.len());
        let first_step = times.iter().filter(|t| **t < 60_000).count();
        assert_ne!(first_step, 60, "the step's rate was scaled by a draw");
    }
}
