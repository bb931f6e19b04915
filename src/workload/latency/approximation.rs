//! The per-interval estimate: c servers fed by one queue, M/M/c exactly and G/G/c by the
//! two-moment approximations of Latency A2 (Allen–Cunneen, or Whitt's refinement of it).

use super::erlang::erlang_c;
use super::response::{ResponseTime, WaitTime};
use super::service_time::ServiceTime;
use super::{LatencyError, Stability, check_at_least};

/// How the mean wait of M/M/c is scaled for general arrivals and service (Latency A2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Approximation {
    /// `Wq ≈ ((ca² + cs²)/2) · Wq(M/M/c)` (Lee–Longton when ca² = 1).
    #[default]
    AllenCunneen,
    /// Allen–Cunneen times Whitt's correction factor φ(ρ, ca², cs², c).
    Whitt,
}

/// One interval's queue: Poisson-like arrivals at a rate, `servers` slots sharing one FCFS queue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QueueModel<'a> {
    /// Mean arrival rate, requests per second.
    pub arrival_rate_per_s: f64,
    /// Servers (healthy tasks × concurrency).
    pub servers: u64,
    /// Each server's service time.
    pub service: &'a ServiceTime,
    /// Squared coefficient of variation of the interarrival time, ca² (1 for Poisson).
    pub arrival_scv: f64,
    /// The G/G/c approximation used when ca² or cs² is not 1.
    pub approximation: Approximation,
}

/// The steady-state latency figures of a stable interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StableLatency {
    /// ρ = λ / (c μ), below 1.
    pub utilization: f64,
    /// Probability that a request waits at all (Erlang C).
    pub probability_of_waiting: f64,
    /// Mean queueing delay over all requests, ms.
    pub mean_wait_ms: f64,
    /// Mean response time (wait plus service), ms.
    pub mean_response_ms: f64,
    /// Median response time, ms.
    pub p50_ms: f64,
    /// 95th percentile of the response time, ms.
    pub p95_ms: f64,
    /// 99th percentile of the response time, ms.
    pub p99_ms: f64,
}

impl<'a> QueueModel<'a> {
    /// Poisson arrivals (ca² = 1) with the default approximation.
    pub fn poisson(arrival_rate_per_s: f64, servers: u64, service: &'a ServiceTime) -> QueueModel<'a> {
        QueueModel {
            arrival_rate_per_s,
            servers,
            service,
            arrival_scv: 1.0,
            approximation: Approximation::default(),
        }
    }

    /// The queueing delay, or overload (Latency A1 for exponential service and Poisson
    /// arrivals, where both approximations are exact; A2 otherwise).
    pub fn wait(&self) -> Result<Stability<WaitTime>, LatencyError> {
        self.service.validate()?;
        let lambda_per_ms = check_at_least("arrival rate (per s)", self.arrival_rate_per_s, 0.0, true)? / 1_000.0;
        let ca2 = check_at_least("arrival squared coefficient of variation", self.arrival_scv, 0.0, true)?;
        let mean_service_ms = self.service.mean_ms();
        let offered = lambda_per_ms * mean_service_ms;
        let probability_of_waiting = match erlang_c(self.servers, offered)? {
            Stability::Stable(p) => p,
            Stability::Overloaded { utilization } => return Ok(Stability::Overloaded { utilization }),
        };
        if lambda_per_ms == 0.0 {
            return Ok(Stability::Stable(WaitTime::NONE));
        }
        let servers = self.servers as f64;
        let cs2 = self.service.scv();
        let mut factor = (ca2 + cs2) / 2.0;
        if self.approximation == Approximation::Whitt {
            factor *= whitt_phi(offered / servers, ca2, cs2, servers);
        }
        if factor <= 0.0 || !factor.is_finite() {
            return Ok(Stability::Stable(WaitTime::NONE));
        }
        // Those who wait, wait exponentially with mean factor / (cμ - λ) (Latency A2, "Wait
        // percentiles for G/G/c"); with factor 1 this is the exact M/M/c wait of A1.
        let spare_per_ms = servers / mean_service_ms - lambda_per_ms;
        Ok(Stability::Stable(WaitTime {
            probability_of_waiting,
            rate_per_ms: spare_per_ms / factor,
        }))
    }

    /// The response-time distribution, or overload.
    pub fn response(&self) -> Result<Stability<ResponseTime<'a>>, LatencyError> {
        Ok(match self.wait()? {
            Stability::Stable(wait) => Stability::Stable(ResponseTime {
                wait,
                service: self.service,
            }),
            Stability::Overloaded { utilization } => Stability::Overloaded { utilization },
        })
    }
}

/// The interval's latency figures, or overload (utilization at or above 1).
pub fn estimate(model: &QueueModel<'_>) -> Result<Stability<StableLatency>, LatencyError> {
    let response = match model.response()? {
        Stability::Stable(response) => response,
        Stability::Overloaded { utilization } => return Ok(Stability::Overloaded { utilization }),
    };
    let capacity_per_s = model.servers as f64 * 1_000.0 / model.service.mean_ms();
    Ok(Stability::Stable(StableLatency {
        utilization: if capacity_per_s > 0.0 {
            model.arrival_rate_per_s / capacity_per_s
        } else {
            0.0
        },
        probability_of_waiting: response.wait.probability_of_waiting,
        mean_wait_ms: response.wait.mean_ms(),
        mean_response_ms: response.mean_ms(),
        p50_ms: response.percentile_ms(0.50)?,
        p95_ms: response.percentile_ms(0.95)?,
        p99_ms: response.percentile_ms(0.99)?,
    }))
}

/// Whitt's factor φ(ρ, ca², cs², c) exactly as Latency A2 writes it (ρ in (0, 1), c >= 1).
pub fn whitt_phi(rho: f64, ca2: f64, cs2: f64, servers: f64) -> f64 {
    let gamma =
        ((1.0 - rho) * (servers - 1.0) * ((4.0 + 5.0 * servers).sqrt() - 2.0) / (16.0 * servers * rho)).min(0.24);
    let phi1 = 1.0 + gamma;
    let phi2 = 1.0 - 4.0 * gamma;
    let phi3 = phi2 * (-2.0 * (1.0 - rho) / (3.0 * rho)).exp();
    let phi4 = ((phi1 + phi3) / 2.0).min(1.0);
    let s = (ca2 + cs2) / 2.0;
    let psi = if s >= 1.0 { 1.0 } else { phi4.powf(2.0 * (1.0 - s)) };
    if ca2 == cs2 {
        psi // ψ(ca²), and s = ca² here
    } else if ca2 > cs2 {
        let d = 4.0 * ca2 - 3.0 * cs2;
        4.0 * (ca2 - cs2) / d * phi1 + cs2 / d * psi
    } else if ca2 == 0.0 {
        phi3
    } else {
        let sum = ca2 + cs2;
        (cs2 - ca2) / (2.0 * sum) * phi3 + (cs2 + 3.0 * ca2) / (2.0 * sum) * psi
    }
}

#[cfg(test)]
#[path = "approximation_tests.rs"]
mod tests;
