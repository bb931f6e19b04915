//! Overload carried from one interval to the next: a fluid FIFO backlog with a timeout
//! (Latency A1, "Utilisation >= 1": `Q_{k+1} = max(0, Q_k + (λ_k - c_k μ) Δ)`, waits capped at
//! the ALB idle timeout).
//!
//! The rule. Requests are fluid, arrive evenly over the interval and are served FIFO at
//! `capacity_rps` whenever any are queued. A queued request at position x waits `x / capacity`;
//! so at most `K = capacity × timeout` requests can be queued without waiting past the timeout,
//! and every request beyond position K times out (it leaves the queue and is not served):
//! 1. the carried-in backlog above K times out at once;
//! 2. the queue then moves linearly (`arrivals / interval - capacity` per second), is served at
//!    `capacity` while non-empty, and is held at K, what arrives above it timing out;
//! 3. the backlog carried out is what is left, at most K.
//!
//! With no capacity nothing is served and everything times out after waiting the timeout.

use super::{LatencyError, check_at_least};

/// One interval's demand on a service.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IntervalDemand {
    /// Requests arriving during the interval.
    pub arrivals: f64,
    /// Requests per second the healthy tasks complete when busy.
    pub capacity_rps: f64,
    /// Requests queued at the start of the interval.
    pub backlog_in: f64,
    /// Interval length, ms (above 0).
    pub interval_ms: u64,
    /// Longest wait before a request times out, ms.
    pub timeout_ms: u64,
}

/// What became of an interval's demand.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Carryover {
    /// Requests still queued at the end of the interval (at most `capacity × timeout`).
    pub backlog_out: f64,
    /// Requests completed during the interval.
    pub served: f64,
    /// Requests that would have waited longer than the timeout.
    pub timed_out: f64,
    /// Mean queueing delay caused by the backlog for a request arriving during the interval,
    /// ms: the time-average of `backlog / capacity` (arrivals are even); the timeout itself
    /// when there is demand and no capacity.
    pub mean_backlog_wait_ms: f64,
}

/// Carries `demand` through its interval by the rule of this module.
pub fn carry_over(demand: &IntervalDemand) -> Result<Carryover, LatencyError> {
    let arrivals = check_at_least("arrivals in the interval", demand.arrivals, 0.0, true)?;
    let capacity_rps = check_at_least("capacity (requests per s)", demand.capacity_rps, 0.0, true)?;
    let backlog_in = check_at_least("backlog carried in", demand.backlog_in, 0.0, true)?;
    if demand.interval_ms == 0 {
        return Err(LatencyError::OutOfRange {
            what: "interval (ms)",
            bound: "above 0",
            value: 0.0,
        });
    }
    let interval_s = demand.interval_ms as f64 / 1_000.0;
    let timeout_s = demand.timeout_ms as f64 / 1_000.0;
    if capacity_rps == 0.0 {
        let waiting = backlog_in + arrivals > 0.0;
        return Ok(Carryover {
            backlog_out: 0.0,
            served: 0.0,
            timed_out: backlog_in + arrivals,
            mean_backlog_wait_ms: if waiting { demand.timeout_ms as f64 } else { 0.0 },
        });
    }
    let most_queued = capacity_rps * timeout_s;
    let start = backlog_in.min(most_queued);
    let served = (start + arrivals).min(capacity_rps * interval_s);
    let left = start + arrivals - served;
    let backlog_out = left.min(most_queued);
    let timed_out = (backlog_in - start) + (left - backlog_out);
    let slope = arrivals / interval_s - capacity_rps;
    let mean_backlog = mean_of_clamped_line(start, slope, most_queued, interval_s);
    Ok(Carryover {
        backlog_out,
        served,
        timed_out,
        mean_backlog_wait_ms: mean_backlog / capacity_rps * 1_000.0,
    })
}

/// The mean over [0, T] of `min(ceiling, max(0, start + slope t))`, for `0 <= start <= ceiling`.
fn mean_of_clamped_line(start: f64, slope: f64, ceiling: f64, length: f64) -> f64 {
    // The line reaches its clamp (0 or the ceiling) at `reach`; after that it stays there.
    let (bound, reach) = if slope > 0.0 {
        (ceiling, (ceiling - start) / slope)
    } else if slope < 0.0 {
        (0.0, start / -slope)
    } else {
        (start, length)
    };
    let moving = reach.clamp(0.0, length);
    let end_of_line = start + slope * moving;
    let area = (start + end_of_line) / 2.0 * moving + bound * (length - moving);
    area / length
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demand(arrivals: f64, capacity_rps: f64, backlog_in: f64) -> IntervalDemand {
        IntervalDemand {
            arrivals,
            capacity_rps,
            backlog_in,
            interval_ms: 60_000,
            timeout_ms: 60_000,
        }
    }

    #[track_caller]
    fn check(d: IntervalDemand, backlog_out: f64, served: f64, timed_out: f64, wait_ms: f64) {
        let got = carry_over(&d).expect("valid demand");
        let want = Carryover {
            backlog_out,
            served,
            timed_out,
            mean_backlog_wait_ms: wait_ms,
        };
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs().max(1.0);
        assert!(
            close(got.backlog_out, backlog_out)
                && close(got.served, served)
                && close(got.timed_out, timed_out)
                && close(got.mean_backlog_wait_ms, wait_ms),
            "got {got:?}, want {want:?}"
        );
    }

    #[test]
    fn case_table() {
        // Under capacity with no backlog: everything served, no wait from overload.
        check(demand(600.0, 20.0, 0.0), 0.0, 600.0, 0.0, 0.0);
        // 30 rps against 20 rps for a minute: 600 left over, queue grows 0 -> 600, mean 300 queued.
        check(demand(1_800.0, 20.0, 0.0), 600.0, 1_200.0, 0.0, 300.0 / 20.0 * 1_000.0);
        // A backlog of 600 drained at 10 rps of spare capacity: empty at 60 s, mean 300.
        check(demand(600.0, 20.0, 600.0), 0.0, 1_200.0, 0.0, 15_000.0);
        // 100 rps against 20: the queue reaches 20 × 60 = 1 200 at 15 s and is held there (mean
        // 1 050 queued); the rest times out.
        check(demand(6_000.0, 20.0, 0.0), 1_200.0, 1_200.0, 3_600.0, 52_500.0);
        // Capacity fell: the carried-in backlog above 1 200 times out at once.
        check(demand(0.0, 20.0, 2_000.0), 0.0, 1_200.0, 800.0, 30_000.0);
        // Exactly at capacity, a steady backlog of 100 stays.
        check(demand(1_200.0, 20.0, 100.0), 100.0, 1_200.0, 0.0, 5_000.0);
        // No capacity: everything times out after waiting the timeout.
        check(demand(50.0, 0.0, 10.0), 0.0, 0.0, 60.0, 60_000.0);
        check(demand(0.0, 0.0, 0.0), 0.0, 0.0, 0.0, 0.0);
    }

    #[test]
    fn requests_are_conserved() {
        for (arrivals, capacity, backlog) in [(10.0, 1.0, 5.0), (1e6, 3.5, 1e5), (0.5, 1e4, 0.0), (7.0, 0.1, 9.0)] {
            let d = demand(arrivals, capacity, backlog);
            let c = carry_over(&d).expect("valid");
            let total = c.backlog_out + c.served + c.timed_out;
            assert!(
                (total - arrivals - backlog).abs() <= 1e-9 * total.max(1.0),
                "{d:?}: {c:?}"
            );
            assert!(c.mean_backlog_wait_ms <= 60_000.0 + 1e-6, "{c:?}");
        }
    }

    #[test]
    fn bad_input_is_an_error() {
        assert!(carry_over(&demand(f64::NAN, 1.0, 0.0)).is_err());
        assert!(carry_over(&demand(1.0, -1.0, 0.0)).is_err());
        assert!(carry_over(&demand(1.0, 1.0, f64::INFINITY)).is_err());
        assert!(
            carry_over(&IntervalDemand {
                interval_ms: 0,
                ..demand(1.0, 1.0, 0.0)
            })
            .is_err()
        );
    }
}
