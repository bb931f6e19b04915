//! How long one request occupies one slot of a task: the distribution, its first two moments,
//! its tail, and seeded draws for the exact per-request mode.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use rand_distr::Exp1;

use super::normal::{Z_95, normal_density, normal_upper_tail, simpson};
use super::{LatencyError, check_at_least};
use crate::workload::noise::standard_normal;

/// Simpson panels of the lognormal response-time integral (see [`ServiceTime::wait_then_serve`]).
const LOGNORMAL_PANELS: u32 = 256;
/// Standard normal scores beyond this bound carry less than 1e-18 of the mass.
const Z_RANGE: f64 = 9.0;
/// `exp(-WAIT_TAIL_CUTOFF)` is below 1e-17: a wait term this many mean waits out is nothing.
const WAIT_TAIL_CUTOFF: f64 = 40.0;

/// A service-time distribution in milliseconds.
#[derive(Debug, Clone, PartialEq)]
pub enum ServiceTime {
    /// Exponential with the given mean (squared coefficient of variation 1).
    Exponential {
        /// Mean service time, ms, above 0.
        mean_ms: f64,
    },
    /// Lognormal given by its median and 95th percentile; `sigma = ln(p95/median) / z95`.
    Lognormal {
        /// Median service time, ms, above 0.
        median_ms: f64,
        /// 95th percentile, ms, at least the median.
        p95_ms: f64,
    },
    /// Every request takes exactly this long (squared coefficient of variation 0).
    Constant {
        /// Service time, ms, above 0.
        value_ms: f64,
    },
    /// A recorded histogram, replayed: a bucket is chosen in proportion to its count, and the
    /// time is uniform between the previous bucket's upper bound (0 for the first) and its own.
    Histogram(Histogram),
}

/// Histogram buckets as (upper bound ms, count), checked: bounds strictly increase and above 0,
/// at least one count positive.
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    upper_ms: Vec<f64>,
    counts: Vec<u64>,
    /// Running totals of `counts`, for sampling by rank.
    cumulative: Vec<u64>,
}

impl Histogram {
    /// The histogram of `buckets` (upper bound ms, count), or why it cannot be one.
    pub fn new(buckets: &[(f64, u64)]) -> Result<Histogram, LatencyError> {
        let mut previous_ms = 0.0;
        let mut total = 0u64;
        let mut cumulative = Vec::with_capacity(buckets.len());
        for &(upper_ms, count) in buckets {
            check_at_least("a histogram bucket's upper bound (ms)", upper_ms, 0.0, false)?;
            if upper_ms <= previous_ms {
                return Err(LatencyError::UnsortedHistogram { previous_ms, upper_ms });
            }
            previous_ms = upper_ms;
            total = total.saturating_add(count);
            cumulative.push(total);
        }
        if total == 0 {
            return Err(LatencyError::EmptyHistogram);
        }
        let upper_ms = buckets.iter().map(|b| b.0).collect();
        let counts = buckets.iter().map(|b| b.1).collect();
        Ok(Histogram {
            upper_ms,
            counts,
            cumulative,
        })
    }

    /// The buckets as given: (lower bound ms, upper bound ms, count), in increasing order.
    pub fn buckets(&self) -> impl Iterator<Item = (f64, f64, u64)> + '_ {
        let lowers = std::iter::once(0.0).chain(self.upper_ms.iter().copied());
        lowers
            .zip(&self.upper_ms)
            .zip(&self.counts)
            .map(|((lo, hi), count)| (lo, *hi, *count))
    }

    /// The total count, above 0.
    pub fn total(&self) -> u64 {
        self.cumulative.last().copied().unwrap_or(0)
    }

    /// The sum over buckets of `count * f(lower, upper)`, divided by the total count.
    fn average(&self, f: impl Fn(f64, f64) -> f64) -> f64 {
        let sum: f64 = self.buckets().map(|(lo, hi, count)| count as f64 * f(lo, hi)).sum();
        sum / self.total().max(1) as f64
    }
}

impl ServiceTime {
    /// Ok when every parameter is in range (histograms are checked when built).
    pub fn validate(&self) -> Result<(), LatencyError> {
        match self {
            ServiceTime::Exponential { mean_ms } => {
                check_at_least("mean service time (ms)", *mean_ms, 0.0, false)?;
            }
            ServiceTime::Constant { value_ms } => {
                check_at_least("constant service time (ms)", *value_ms, 0.0, false)?;
            }
            ServiceTime::Lognormal { median_ms, p95_ms } => {
                check_at_least("median service time (ms)", *median_ms, 0.0, false)?;
                if !(p95_ms.is_finite() && p95_ms >= median_ms) {
                    return Err(LatencyError::OutOfRange {
                        what: "p95 service time (ms)",
                        bound: "at least the median",
                        value: *p95_ms,
                    });
                }
            }
            ServiceTime::Histogram(_) => {}
        }
        Ok(())
    }

    /// The mean service time, ms.
    pub fn mean_ms(&self) -> f64 {
        match self {
            ServiceTime::Exponential { mean_ms } => *mean_ms,
            ServiceTime::Constant { value_ms } => *value_ms,
            ServiceTime::Lognormal { median_ms, p95_ms } => {
                let sigma = lognormal_sigma(*median_ms, *p95_ms);
                median_ms * (sigma * sigma / 2.0).exp()
            }
            ServiceTime::Histogram(h) => h.average(|lo, hi| (lo + hi) / 2.0),
        }
    }

    /// The squared coefficient of variation, variance over mean squared (cs² of Latency A2).
    pub fn scv(&self) -> f64 {
        match self {
            ServiceTime::Exponential { .. } => 1.0,
            ServiceTime::Constant { .. } => 0.0,
            ServiceTime::Lognormal { median_ms, p95_ms } => {
                let sigma = lognormal_sigma(*median_ms, *p95_ms);
                (sigma * sigma).exp_m1()
            }
            ServiceTime::Histogram(h) => {
                let mean = self.mean_ms();
                let second = h.average(|lo, hi| (lo * lo + lo * hi + hi * hi) / 3.0);
                (second / (mean * mean) - 1.0).max(0.0)
            }
        }
    }

    /// P(S > t): the probability that a request's service takes longer than `t_ms`.
    pub fn exceeds(&self, t_ms: f64) -> f64 {
        if t_ms.is_nan() || t_ms < 0.0 {
            return 1.0;
        }
        match self {
            ServiceTime::Exponential { mean_ms } => (-t_ms / mean_ms).exp(),
            ServiceTime::Constant { value_ms } => f64::from(u8::from(*value_ms > t_ms)),
            ServiceTime::Lognormal { median_ms, p95_ms } => {
                let sigma = lognormal_sigma(*median_ms, *p95_ms);
                if t_ms == 0.0 {
                    1.0
                } else if sigma == 0.0 {
                    f64::from(u8::from(*median_ms > t_ms))
                } else {
                    normal_upper_tail((t_ms / median_ms).ln() / sigma)
                }
            }
            ServiceTime::Histogram(h) => h.average(|lo, hi| ((hi - t_ms) / (hi - lo)).clamp(0.0, 1.0)),
        }
    }

    /// E[exp(-rate (t - S)); S <= t]: with P(S > t), the response-time tail when a wait that is
    /// exponential with `rate_per_ms` precedes the service (Latency A1, "exact distribution").
    pub fn wait_then_serve(&self, rate_per_ms: f64, t_ms: f64) -> f64 {
        if t_ms.is_nan() || t_ms <= 0.0 {
            return 0.0;
        }
        match self {
            ServiceTime::Exponential { mean_ms } => two_exponentials(1.0 / mean_ms, rate_per_ms, t_ms) / mean_ms,
            ServiceTime::Constant { value_ms } => at_most(*value_ms, rate_per_ms, t_ms),
            ServiceTime::Lognormal { median_ms, p95_ms } => {
                let sigma = lognormal_sigma(*median_ms, *p95_ms);
                if sigma == 0.0 {
                    return at_most(*median_ms, rate_per_ms, t_ms);
                }
                lognormal_wait_then_serve(*median_ms, sigma, rate_per_ms, t_ms)
            }
            ServiceTime::Histogram(h) => h.average(|lo, hi| uniform_wait_then_serve(lo, hi, rate_per_ms, t_ms)),
        }
    }

    /// One seeded draw of a service time, ms (for the exact per-request mode).
    pub fn sample_ms(&self, rng: &mut ChaCha8Rng) -> f64 {
        match self {
            ServiceTime::Exponential { mean_ms } => rng.sample::<f64, _>(Exp1) * mean_ms,
            ServiceTime::Constant { value_ms } => *value_ms,
            ServiceTime::Lognormal { median_ms, p95_ms } => {
                median_ms * (lognormal_sigma(*median_ms, *p95_ms) * standard_normal(rng)).exp()
            }
            ServiceTime::Histogram(h) => {
                let rank = rng.random_range(0..h.total().max(1));
                let bucket = h.cumulative.partition_point(|&c| c <= rank).min(h.upper_ms.len() - 1);
                let lower = if bucket == 0 { 0.0 } else { h.upper_ms[bucket - 1] };
                lower + (h.upper_ms[bucket] - lower) * rng.random::<f64>()
            }
        }
    }
}

/// The lognormal's sigma from its median and 95th percentile (0 for a degenerate spread).
pub fn lognormal_sigma(median_ms: f64, p95_ms: f64) -> f64 {
    let sigma = (p95_ms / median_ms).ln() / Z_95;
    if sigma.is_finite() && sigma > 0.0 { sigma } else { 0.0 }
}

/// `∫_0^t exp(-a s) exp(-b (t - s)) ds`, written so that `a` close to `b` loses nothing.
fn two_exponentials(a: f64, b: f64, t: f64) -> f64 {
    let (low, high) = if a < b { (a, b) } else { (b, a) };
    let gap = high - low;
    if gap == 0.0 {
        return t * (-low * t).exp();
    }
    (-low * t).exp() * -(-gap * t).exp_m1() / gap
}

/// `exp(-rate (t - value))` when the service `value` fits in `t`, else 0.
fn at_most(value_ms: f64, rate_per_ms: f64, t_ms: f64) -> f64 {
    if value_ms <= t_ms {
        (-rate_per_ms * (t_ms - value_ms)).exp()
    } else {
        0.0
    }
}

/// `wait_then_serve` for a service uniform on `(lo, hi)`.
fn uniform_wait_then_serve(lo: f64, hi: f64, rate_per_ms: f64, t_ms: f64) -> f64 {
    if t_ms <= lo {
        return 0.0;
    }
    let top = hi.min(t_ms);
    // ∫_lo^top exp(-r (t - s)) ds / (hi - lo), in the expm1 form for a short bucket.
    (-rate_per_ms * (t_ms - top)).exp() * -(-rate_per_ms * (top - lo)).exp_m1() / (rate_per_ms * (hi - lo))
}

/// `wait_then_serve` for a lognormal, integrated over the normal score z of `s = median e^(σz)`.
/// Only scores where the wait factor exceeds `exp(-40)` are integrated (error below 1e-17).
fn lognormal_wait_then_serve(median_ms: f64, sigma: f64, rate_per_ms: f64, t_ms: f64) -> f64 {
    let z_of = |s: f64| (s / median_ms).ln() / sigma;
    let shortest = t_ms - WAIT_TAIL_CUTOFF / rate_per_ms;
    let z_low = if shortest > 0.0 {
        z_of(shortest).max(-Z_RANGE)
    } else {
        -Z_RANGE
    };
    let z_high = z_of(t_ms).min(Z_RANGE);
    simpson(z_low, z_high, LOGNORMAL_PANELS, |z| {
        let s = median_ms * (sigma * z).exp();
        normal_density(z) * (-rate_per_ms * (t_ms - s).max(0.0)).exp()
    })
}

#[cfg(test)]
#[path = "service_time_tests.rs"]
mod tests;
