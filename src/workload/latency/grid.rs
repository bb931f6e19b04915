//! The response-time tail on a logarithmic grid, for service times whose tail has no closed
//! form (lognormal): the service time's cell masses are computed once, and each interval's
//! `P(T > t)` at every grid point then costs one `exp` per point, instead of a quadrature per
//! point ([`super::ServiceTime::wait_then_serve`]).
//!
//! With an exponential wait of rate r (probability C) before the service S,
//! `P(T > t) = P(S > t) + C J(t)`, `J(t) = E[exp(-r (t - S)); S <= t]`, and on the grid
//! `J(t_{k+1}) = exp(-r Δ_k) J(t_k) + m_k (1 - exp(-r Δ_k)) / (r Δ_k)`, where `m_k` is the
//! service time's mass in cell k taken as uniform within the cell (exact for a uniform density;
//! cells are 1 % wide, so the density varies little within one). Tests bound the error of
//! percentiles read from the grid at 0.2 % against the quadrature.

use super::response::WaitTime;
use super::service_time::ServiceTime;

/// Cells per e-fold of time: 1 % wide.
const CELLS_PER_E: f64 = 100.0;
/// The grid starts at the service time's quantile of this probability ...
const LOW_PROBABILITY: f64 = 1e-7;
/// ... and covers the service time up to this tail.
const HIGH_TAIL: f64 = 1e-9;
/// A response tail below this ends an interval's curve (a quarter of the p99's 1 %, ample).
const CURVE_END_TAIL: f64 = 1e-7;
/// Bound on the grid of one interval: 60 e-folds past the service's range.
const MOST_EXTRA_CELLS: usize = 6_000;

/// A service time's survival function on a log grid, ready for response-time curves.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceGrid {
    ln_first_ms: f64,
    /// `P(S > t_k)` at the grid points `t_k = first × e^(k / CELLS_PER_E)`.
    survival: Vec<f64>,
}

/// `P(T > t)` of one interval on the grid of its service.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseCurve {
    ln_first_ms: f64,
    survival: Vec<f64>,
}

impl ServiceGrid {
    /// The grid of `service`, from its 1e-7 quantile to its 1e-9 tail.
    pub fn new(service: &ServiceTime) -> ServiceGrid {
        let alone = super::ResponseTime {
            wait: WaitTime::NONE,
            service,
        };
        let low = alone.percentile_ms(LOW_PROBABILITY).unwrap_or(0.0).max(1e-6);
        let high = alone.percentile_ms(1.0 - HIGH_TAIL).unwrap_or(low).max(low);
        let ln_first_ms = low.ln();
        let cells = ((high.ln() - ln_first_ms) * CELLS_PER_E).ceil() as usize + 1;
        let survival = (0..=cells)
            .map(|k| service.exceeds((ln_first_ms + k as f64 / CELLS_PER_E).exp()))
            .collect();
        ServiceGrid { ln_first_ms, survival }
    }

    /// The response-time tail when `wait` precedes the service.
    pub fn response(&self, wait: &WaitTime) -> ResponseCurve {
        let c = wait.probability_of_waiting;
        let r = wait.rate_per_ms;
        let step = (1.0 / CELLS_PER_E).exp();
        let mut survival = Vec::with_capacity(self.survival.len() + 64);
        survival.push(self.survival[0]);
        let mut j = 0.0;
        let mut t = self.ln_first_ms.exp();
        for k in 0.. {
            let next_t = t * step;
            let rw = r * (next_t - t);
            let decay = (-rw).exp();
            // (1 - e^-rw) / rw, in its series where the subtraction would lose digits.
            let spread = if rw < 1e-4 { 1.0 - rw / 2.0 } else { (1.0 - decay) / rw };
            let s_here = self.survival.get(k).copied().unwrap_or(0.0);
            let s_next = self.survival.get(k + 1).copied().unwrap_or(0.0);
            j = decay * j + (s_here - s_next) * spread;
            let tail = (s_next + c * j).clamp(0.0, 1.0);
            survival.push(tail);
            t = next_t;
            let past_service = k + 1 >= self.survival.len();
            if (past_service && tail < CURVE_END_TAIL) || k >= self.survival.len() + MOST_EXTRA_CELLS {
                break;
            }
        }
        ResponseCurve {
            ln_first_ms: self.ln_first_ms,
            survival,
        }
    }
}

impl ResponseCurve {
    /// `P(T > t)`, interpolated linearly between grid points; 1 below the grid, 0 above it.
    pub fn exceeds(&self, t_ms: f64) -> f64 {
        if t_ms.is_nan() || t_ms <= 0.0 {
            return 1.0;
        }
        let x = (t_ms.ln() - self.ln_first_ms) * CELLS_PER_E;
        if x <= 0.0 {
            return self.survival[0].max(if x < 0.0 { 1.0 } else { 0.0 });
        }
        let k = x.floor() as usize;
        let (Some(a), Some(b)) = (self.survival.get(k), self.survival.get(k + 1)) else {
            return 0.0;
        };
        a + (b - a) * (x - k as f64)
    }

    /// The q-quantile of the response time, ms: the first grid point whose tail is at most
    /// `1 - q`, interpolated log-linearly with the point before.
    pub fn percentile_ms(&self, q: f64) -> f64 {
        let tail = 1.0 - q;
        let k = self
            .survival
            .iter()
            .position(|s| *s <= tail)
            .unwrap_or(self.survival.len() - 1);
        if k == 0 {
            return self.ln_first_ms.exp();
        }
        let (a, b) = (self.survival[k - 1], self.survival[k]);
        let fraction = if a > b { (a - tail) / (a - b) } else { 1.0 };
        (self.ln_first_ms + (k as f64 - 1.0 + fraction) / CELLS_PER_E).exp()
    }

    /// The grid's last point, ms: the tail is below 1e-7 from there on.
    pub fn end_ms(&self) -> f64 {
        (self.ln_first_ms + (self.survival.len() - 1) as f64 / CELLS_PER_E).exp()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::latency::{QueueModel, Stability};

    #[test]
    fn percentiles_from_the_grid_match_the_quadrature() {
        // Lognormal services at loads where waiting matters: the grid's p50, p95 and p99 within
        // 0.2 % of the bisection on the quadrature.
        for (median_ms, p95_ms) in [(80.0, 250.0), (150.0, 400.0), (20.0, 21.0), (100.0, 2_000.0)] {
            let service = ServiceTime::Lognormal { median_ms, p95_ms };
            let grid = ServiceGrid::new(&service);
            for (servers, rho) in [(1u64, 0.5), (4, 0.9), (40, 0.95), (200, 0.8)] {
                let rate = servers as f64 * rho * 1_000.0 / service.mean_ms();
                let model = QueueModel::poisson(rate, servers, &service);
                let Ok(Stability::Stable(response)) = model.response() else {
                    panic!("stable");
                };
                let curve = grid.response(&response.wait);
                for q in [0.5, 0.95, 0.99] {
                    let exact = response.percentile_ms(q).expect("valid");
                    let got = curve.percentile_ms(q);
                    assert!(
                        (got - exact).abs() <= 2e-3 * exact,
                        "median {median_ms} p95 {p95_ms}, c={servers} rho={rho}, q={q}: {got} vs {exact}"
                    );
                }
            }
        }
    }

    #[test]
    fn without_waiting_the_curve_is_the_service_time() {
        let service = ServiceTime::Lognormal {
            median_ms: 80.0,
            p95_ms: 250.0,
        };
        let curve = ServiceGrid::new(&service).response(&WaitTime::NONE);
        for t in [10.0, 80.0, 250.0, 1_000.0] {
            assert!((curve.exceeds(t) - service.exceeds(t)).abs() <= 1e-4, "t {t}");
        }
        assert!((curve.percentile_ms(0.95) - 250.0).abs() <= 0.01 * 250.0);
        assert_eq!(curve.exceeds(0.0), 1.0);
        assert_eq!(curve.exceeds(curve.end_ms() * 2.0), 0.0);
    }
}
