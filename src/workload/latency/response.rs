//! The queueing delay and the response time (wait plus service) as distributions, with their
//! percentiles; the response time's by bisection on its tail (Latency A1, "exact distribution").

use super::LatencyError;
use super::service_time::ServiceTime;

/// Bisection stops when the bracket is narrower than this fraction of its upper end, so a
/// percentile is within a relative 1e-10 above the exact one (never below).
pub const PERCENTILE_RELATIVE_TOLERANCE: f64 = 1e-10;
/// Bound on bisection steps; 1e-10 from a bracket [t, 2t] takes 34.
const BISECTION_MAX_STEPS: u32 = 200;
/// Bound on doublings while bracketing; 2^1100 passes every finite f64.
const BRACKET_MAX_DOUBLINGS: u32 = 1_100;

/// The wait in queue before service starts: 0 with probability `1 - probability_of_waiting`,
/// otherwise exponential with rate `rate_per_ms` (Latency A1 for M/M/c, A2 for G/G/c).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WaitTime {
    /// Probability that an arrival waits at all (Erlang C for M/M/c).
    pub probability_of_waiting: f64,
    /// Rate of the exponential wait of those who wait, per ms (cμ - λ for M/M/c); infinite
    /// when nobody waits.
    pub rate_per_ms: f64,
}

impl WaitTime {
    /// Nobody waits.
    pub const NONE: WaitTime = WaitTime {
        probability_of_waiting: 0.0,
        rate_per_ms: f64::INFINITY,
    };

    /// Whether some arrivals wait a positive time.
    fn waits(&self) -> bool {
        self.probability_of_waiting > 0.0 && self.rate_per_ms.is_finite() && self.rate_per_ms > 0.0
    }

    /// The mean wait of all arrivals, ms (those who do not wait count as 0).
    pub fn mean_ms(&self) -> f64 {
        if self.waits() {
            self.probability_of_waiting / self.rate_per_ms
        } else {
            0.0
        }
    }

    /// P(W > t), the probability that an arrival waits longer than `t_ms`.
    pub fn exceeds(&self, t_ms: f64) -> f64 {
        if !self.waits() {
            return 0.0;
        }
        self.probability_of_waiting * (-self.rate_per_ms * t_ms.max(0.0)).exp()
    }

    /// The q-quantile of the wait, ms: `max(0, ln(C/(1-q)) / rate)`, 0 when `C <= 1 - q`.
    pub fn percentile_ms(&self, q: f64) -> Result<f64, LatencyError> {
        let q = check_quantile(q)?;
        if !self.waits() || self.probability_of_waiting <= 1.0 - q {
            return Ok(0.0);
        }
        Ok((self.probability_of_waiting / (1.0 - q)).ln() / self.rate_per_ms)
    }
}

/// A request's response time: a [`WaitTime`] and then a service time, independent, FCFS.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ResponseTime<'a> {
    /// The queueing delay.
    pub wait: WaitTime,
    /// The service that follows it.
    pub service: &'a ServiceTime,
}

impl ResponseTime<'_> {
    /// The mean response time, ms.
    pub fn mean_ms(&self) -> f64 {
        self.wait.mean_ms() + self.service.mean_ms()
    }

    /// P(T > t) = P(S > t) + C · E[exp(-rate (t - S)); S <= t].
    pub fn exceeds(&self, t_ms: f64) -> f64 {
        let served_late = self.service.exceeds(t_ms);
        if !self.wait.waits() {
            return served_late.clamp(0.0, 1.0);
        }
        let waited_late = self.service.wait_then_serve(self.wait.rate_per_ms, t_ms);
        (served_late + self.wait.probability_of_waiting * waited_late).clamp(0.0, 1.0)
    }

    /// The q-quantile of the response time, ms, by bisection on [`Self::exceeds`] to within
    /// [`PERCENTILE_RELATIVE_TOLERANCE`] (quantiles never add: Latency A1, "Do not add quantiles").
    pub fn percentile_ms(&self, q: f64) -> Result<f64, LatencyError> {
        Ok(self.percentile_within(check_quantile(q)?, PERCENTILE_RELATIVE_TOLERANCE))
    }

    /// The q-quantile (q in [0, 1), else 0) by bisection to within `relative_tolerance` above
    /// the exact one: fewer steps than [`Self::percentile_ms`] when less precision will do.
    pub fn percentile_within(&self, q: f64, relative_tolerance: f64) -> f64 {
        if !(0.0..1.0).contains(&q) {
            return 0.0;
        }
        let tail = 1.0 - q;
        if q == 0.0 {
            return 0.0;
        }
        let (mut low, mut high) = (0.0, self.mean_ms().max(f64::MIN_POSITIVE));
        let mut doublings = 0;
        while self.exceeds(high) > tail && doublings < BRACKET_MAX_DOUBLINGS {
            low = high;
            high *= 2.0;
            doublings += 1;
        }
        for _ in 0..BISECTION_MAX_STEPS {
            if high - low <= relative_tolerance * high {
                break;
            }
            let mid = low + (high - low) / 2.0;
            if self.exceeds(mid) > tail {
                low = mid
            } else {
                high = mid
            }
        }
        high
    }
}

/// `q` if it is a probability below 1, else an error.
fn check_quantile(q: f64) -> Result<f64, LatencyError> {
    if (0.0..1.0).contains(&q) {
        Ok(q)
    } else {
        Err(LatencyError::OutOfRange {
            what: "quantile",
            bound: "in [0, 1)",
            value: q,
        })
    }
}

#[cfg(test)]
#[path = "response_tests.rs"]
mod tests;
