//! Random samplers: demand noise around the mean, standard normal, Poisson, and lognormal durations.
//!
//! Every sampler is written here on top of `random::<f64>()` rather than taken from a
//! distributions crate, so the floats drawn for a seed cannot change when another crate's
//! features or version change. Samplers never cache values between calls.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

/// The z-score of the 95th percentile of the standard normal distribution.
const Z_95: f64 = 1.644_853_626_951_472_2;
/// Above this expected count the Poisson distribution is replaced by its normal approximation.
const POISSON_NORMAL_ABOVE: f64 = 1_000.0;
/// Below this expected count Knuth's product method is cheap (about `lambda + 1` uniforms).
const POISSON_KNUTH_BELOW: f64 = 10.0;
/// Bound on PTRS rejection rounds; each is accepted with probability above 0.8, so it is never hit.
const PTRS_MAX_ROUNDS: u32 = 1_000;
/// Bound on Knuth's count; for `lambda < 10` a count this high has probability below 1e-100.
const KNUTH_MAX_COUNT: f64 = 200.0;

/// How observed demand scatters around the mean demand of a load step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Noise {
    /// Observed demand equals the mean exactly.
    None,
    /// Request arrivals are a Poisson process: the count per step is Poisson distributed.
    Poisson,
    /// Demand is normal around the mean with a standard deviation of `percent` % of it.
    Gaussian { percent: f64 },
}

impl Noise {
    /// Demand actually observed over one load step of `step_ms` with mean `mean_rps`.
    ///
    /// Poisson draws the request count over the step and returns it as a rate; Gaussian scales the
    /// mean by `1 + percent/100 * z`; both clamp at 0. None consumes no random numbers.
    pub fn sample(&self, mean_rps: f64, step_ms: u64, rng: &mut ChaCha8Rng) -> f64 {
        match self {
            Noise::None => mean_rps,
            Noise::Poisson => {
                let step_s = step_ms as f64 / 1_000.0;
                let lambda = mean_rps * step_s;
                // An empty step, no demand or unbounded demand has one outcome; nothing to draw.
                // (`max` maps NaN to 0.)
                if step_ms == 0 || !lambda.is_finite() || lambda <= 0.0 {
                    return mean_rps.max(0.0);
                }
                poisson(lambda, rng) / step_s
            }
            Noise::Gaussian { percent } => {
                let z = standard_normal(rng);
                (mean_rps * (1.0 + percent / 100.0 * z)).max(0.0)
            }
        }
    }
}

/// A standard normal draw by Box-Muller, using exactly two uniforms per call.
pub fn standard_normal(rng: &mut ChaCha8Rng) -> f64 {
    // `random::<f64>()` is in [0, 1); `1 - u` is in (0, 1], so the logarithm is finite.
    let u1 = 1.0 - rng.random::<f64>();
    let u2 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// An exponential duration with mean `mean_ms` (the time to the next event of a Poisson process),
/// in whole milliseconds rounded up; `u64::MAX` when the mean is infinite.
pub fn exponential_ms(mean_ms: f64, rng: &mut ChaCha8Rng) -> u64 {
    // `1 - u` is in (0, 1]: the logarithm is finite and the draw is never negative.
    let u = 1.0 - rng.random::<f64>();
    let ms = -u.ln() * mean_ms;
    if ms.is_finite() { ms.ceil() as u64 } else { u64::MAX }
}

/// Lognormal duration sampler used for task start times etc: given median_ms and p95_ms (p95 >= median), returns ms as u64.
///
/// `sigma = ln(p95/median) / z95`; the result is `median * exp(sigma * z)`, capped at `100 * p95`.
/// A degenerate spread (`p95 <= median`, or a zero median) returns the median and draws nothing.
pub fn lognormal_ms(median_ms: u64, p95_ms: u64, rng: &mut ChaCha8Rng) -> u64 {
    if p95_ms <= median_ms || median_ms == 0 {
        return median_ms;
    }
    let median = median_ms as f64;
    let sigma = (p95_ms as f64 / median).ln() / Z_95;
    let value = median * (sigma * standard_normal(rng)).exp();
    let cap = p95_ms.saturating_mul(100) as f64;
    // `as` saturates, and `value` is finite and positive here.
    value.min(cap).round() as u64
}

/// A Poisson draw (as a whole number in an `f64`) with mean `lambda > 0`.
fn poisson(lambda: f64, rng: &mut ChaCha8Rng) -> f64 {
    if lambda > POISSON_NORMAL_ABOVE {
        (lambda + lambda.sqrt() * standard_normal(rng)).round().max(0.0)
    } else if lambda < POISSON_KNUTH_BELOW {
        poisson_knuth(lambda, rng)
    } else {
        poisson_ptrs(lambda, rng)
    }
}

/// Knuth's product-of-uniforms method; exact, about `lambda + 1` uniforms per draw.
fn poisson_knuth(lambda: f64, rng: &mut ChaCha8Rng) -> f64 {
    let limit = (-lambda).exp();
    let mut product = rng.random::<f64>();
    let mut count = 0.0;
    while product > limit && count < KNUTH_MAX_COUNT {
        product *= rng.random::<f64>();
        count += 1.0;
    }
    count
}

/// Hörmann's PTRS (transformed rejection with squeeze, 1993); exact for `lambda >= 10`, O(1).
fn poisson_ptrs(lambda: f64, rng: &mut ChaCha8Rng) -> f64 {
    let sqrt_lambda = lambda.sqrt();
    let ln_lambda = lambda.ln();
    let b = 0.931 + 2.53 * sqrt_lambda;
    let a = -0.059 + 0.02483 * b;
    let inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
    let v_r = 0.9277 - 3.6224 / (b - 2.0);
    for _ in 0..PTRS_MAX_ROUNDS {
        let u = rng.random::<f64>() - 0.5;
        let v = rng.random::<f64>();
        let us = 0.5 - u.abs();
        let k = ((2.0 * a / us + b) * u + lambda + 0.43).floor();
        if us >= 0.07 && v <= v_r {
            return k;
        }
        if k < 0.0 || (us < 0.013 && v > us) {
            continue;
        }
        let log_accept = v.ln() + inv_alpha.ln() - (a / (us * us) + b).ln();
        if log_accept <= -lambda + k * ln_lambda - ln_factorial(k) {
            return k;
        }
    }
    // Unreachable in practice (probability below 0.2^1000); the mean keeps the result sensible.
    lambda.round()
}

/// `ln(k!)` for a whole number `k >= 0`: a table below 10, Stirling's series above.
fn ln_factorial(k: f64) -> f64 {
    const TABLE: [f64; 10] = [
        0.0,
        0.0,
        std::f64::consts::LN_2,
        1.791_759_469_228_055,
        3.178_053_830_347_945_6,
        4.787_491_742_782_046,
        6.579_251_212_010_101,
        8.525_161_361_065_415,
        10.604_602_902_745_25,
        12.801_827_480_081_469,
    ];
    if k < 10.0 {
        return TABLE[k as usize];
    }
    let inv = 1.0 / k;
    let inv2 = inv * inv;
    let series = inv * (1.0 / 12.0 - inv2 * (1.0 / 360.0 - inv2 / 1_260.0));
    k * k.ln() - k + 0.5 * (std::f64::consts::TAU * k).ln() + series
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn rng(seed: u64) -> ChaCha8Rng {
        ChaCha8Rng::seed_from_u64(seed)
    }

    fn mean_and_stdev(samples: &[f64]) -> (f64, f64) {
        let n = samples.len() as f64;
        let mean = samples.iter().sum::<f64>() / n;
        let var = samples.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
        (mean, var.sqrt())
    }

    /// Draws 10,000 samples and checks their mean and standard deviation (relative tolerances).
    #[track_caller]
    fn check(noise: Noise, mean_rps: f64, step_ms: u64, want: (f64, f64), tolerance: (f64, f64)) {
        let mut rng = rng(7);
        let samples: Vec<f64> = (0..10_000).map(|_| noise.sample(mean_rps, step_ms, &mut rng)).collect();
        let (mean, stdev) = mean_and_stdev(&samples);
        let (want_mean, want_stdev) = want;
        assert!(
            (mean / want_mean - 1.0).abs() < tolerance.0,
            "{noise:?} {mean_rps}: mean {mean}"
        );
        assert!(
            (stdev / want_stdev - 1.0).abs() < tolerance.1,
            "{noise:?} {mean_rps}: stdev {stdev}"
        );
    }

    #[test]
    fn sample_moments() {
        // Poisson: lambda = rps * step_s; the rate's stdev is sqrt(lambda) / step_s.
        check(Noise::Poisson, 5.0, 1_000, (5.0, 5f64.sqrt()), (0.02, 0.05));
        check(Noise::Poisson, 25.0, 1_000, (25.0, 5.0), (0.02, 0.05));
        check(Noise::Poisson, 5.0, 60_000, (5.0, 300f64.sqrt() / 60.0), (0.02, 0.05));
        check(
            Noise::Poisson,
            50_000.0,
            1_000,
            (50_000.0, 50_000f64.sqrt()),
            (0.02, 0.05),
        );
        check(
            Noise::Gaussian { percent: 10.0 },
            200.0,
            60_000,
            (200.0, 20.0),
            (0.01, 0.05),
        );
    }

    #[test]
    fn none_returns_the_mean_and_draws_nothing() {
        for (mean_rps, step_ms) in [(0.0, 60_000), (12.5, 60_000), (1e6, 1)] {
            let mut used = rng(1);
            let fresh = used.clone();
            assert_eq!(Noise::None.sample(mean_rps, step_ms, &mut used), mean_rps);
            assert!(used == fresh, "Noise::None consumed randomness");
        }
    }

    #[test]
    fn degenerate_inputs_are_clamped_and_finite() {
        let cases = [
            (Noise::Poisson, 0.0, 60_000, 0.0),
            (Noise::Poisson, 3.0, 0, 3.0),
            (Noise::Gaussian { percent: 5.0 }, 0.0, 60_000, 0.0),
            (Noise::Gaussian { percent: 1e6 }, 10.0, 60_000, -1.0), // -1: only check >= 0
        ];
        for (noise, mean_rps, step_ms, want) in cases {
            let value = noise.sample(mean_rps, step_ms, &mut rng(3));
            assert!(value.is_finite() && value >= 0.0, "{noise:?}: {value}");
            if want >= 0.0 {
                assert_eq!(value, want, "{noise:?} {mean_rps} {step_ms}");
            }
        }
    }

    #[test]
    fn same_seed_gives_same_sequence() {
        for noise in [Noise::Poisson, Noise::Gaussian { percent: 20.0 }] {
            let draw = |seed| {
                let mut rng = rng(seed);
                (0..100)
                    .map(|i| noise.sample(f64::from(i) * 3.0, 60_000, &mut rng))
                    .collect::<Vec<_>>()
            };
            assert_eq!(draw(11), draw(11), "{noise:?}");
            assert_ne!(draw(11), draw(12), "{noise:?}: the seed is not used");
        }
    }

    #[test]
    fn lognormal_quantiles() {
        for (median_ms, p95_ms) in [(30_000, 90_000), (1_000, 1_200)] {
            let mut rng = rng(5);
            let mut samples: Vec<u64> = (0..20_001).map(|_| lognormal_ms(median_ms, p95_ms, &mut rng)).collect();
            samples.sort_unstable();
            let median = samples[10_000] as f64;
            let p95 = samples[19_000] as f64;
            assert!((median / median_ms as f64 - 1.0).abs() < 0.03, "median {median}");
            assert!((p95 / p95_ms as f64 - 1.0).abs() < 0.05, "p95 {p95}");
            assert!(samples[20_000] <= 100 * p95_ms);
        }
    }

    #[test]
    fn lognormal_without_spread_returns_median_and_draws_nothing() {
        for (median_ms, p95_ms) in [(500, 500), (0, 100), (800, 10)] {
            let mut used = rng(9);
            let fresh = used.clone();
            assert_eq!(lognormal_ms(median_ms, p95_ms, &mut used), median_ms);
            assert!(used == fresh);
        }
    }

    #[test]
    fn poisson_frequencies_match_the_probability_mass_function() {
        // Knuth below 10, PTRS from 10 to 1000: each bucket within 0.005 of the exact pmf.
        for lambda in [3.0, 10.0, 12.5, 40.0] {
            let mut rng = rng(21);
            let mut counts = [0u32; 80];
            for _ in 0..100_000 {
                let k = poisson(lambda, &mut rng) as usize;
                counts[k.min(79)] += 1;
            }
            for (k, &count) in counts.iter().enumerate().take(79) {
                let kf = k as f64;
                let pmf = (kf * f64::ln(lambda) - lambda - ln_factorial(kf)).exp();
                let frequency = f64::from(count) / 100_000.0;
                assert!(
                    (frequency - pmf).abs() < 0.005,
                    "lambda {lambda} k {k}: {frequency} vs {pmf}"
                );
            }
        }
    }

    #[test]
    fn ln_factorial_matches_exact_values() {
        for (k, exact) in [
            (0.0, 0.0),
            (5.0, 120f64.ln()),
            (10.0, 3_628_800f64.ln()),
            (20.0, 2_432_902_008_176_640_000f64.ln()),
        ] {
            assert!((ln_factorial(k) - exact).abs() < 1e-10, "k={k}");
        }
    }
}
