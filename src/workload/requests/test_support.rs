//! Test helpers: a model of identical or given targets, and runs of many stretches whose
//! reports are checked for conservation and added up.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::{
    Arrivals, RateStep, RequestConfig, RequestModel, Routing, StretchReport, TargetId, TargetSpec, TargetState,
};
use crate::sim::time::SimTime;
use crate::workload::latency::{QuantileSketch, ServiceTime};

/// A timeout no test request reaches (one hour).
pub const NO_TIMEOUT_MS: u64 = 3_600_000;

/// Exponential service with this mean.
pub fn exponential(mean_ms: f64) -> ServiceTime {
    ServiceTime::Exponential { mean_ms }
}

/// A model at time 0 with `targets` (concurrency, service), ids 0.., all healthy.
pub fn model(routing: Routing, slow_start_ms: u64, timeout_ms: u64, targets: &[(u32, ServiceTime)]) -> RequestModel {
    let config = RequestConfig {
        routing,
        slow_start_ms,
        timeout_ms,
    };
    let mut model = RequestModel::new(config, SimTime::ZERO).expect("valid settings");
    for (i, (concurrency, service)) in targets.iter().enumerate() {
        let spec = TargetSpec {
            concurrency: *concurrency,
            service: service.clone(),
        };
        model
            .add_target(TargetId(i as u64), spec, TargetState::Healthy)
            .expect("a new target");
    }
    model
}

/// The two random streams of a run, from one seed.
pub fn streams(seed: u64) -> (ChaCha8Rng, ChaCha8Rng) {
    (
        ChaCha8Rng::seed_from_u64(seed),
        ChaCha8Rng::seed_from_u64(seed ^ 0x5eed_5eed),
    )
}

/// Runs one stretch of `length_ms` at a constant Poisson rate and checks conservation.
pub fn stretch(
    model: &mut RequestModel,
    rate_per_s: f64,
    length_ms: u64,
    rngs: &mut (ChaCha8Rng, ChaCha8Rng),
) -> StretchReport {
    let start = model.now();
    let steps = [RateStep {
        from: start,
        requests_per_s: rate_per_s,
    }];
    let until = SimTime(start.as_millis() + length_ms);
    let report = model
        .run(until, Arrivals::Poisson(&steps), &mut rngs.0, &mut rngs.1)
        .expect("a valid stretch");
    assert_conserved(&report);
    report
}

/// Requests are conserved over the stretch, and the end matches what the model holds.
#[track_caller]
pub fn assert_conserved(r: &StretchReport) {
    let out = r.served + r.timed_out + r.failed + r.in_system_at_end;
    assert_eq!(r.in_system_at_start + r.arrived, out, "requests not conserved: {r:?}");
    let held: u64 = r.targets.iter().map(|t| u64::from(t.in_service) + t.queued).sum();
    assert_eq!(held, r.in_system_at_end);
}

/// The reports of several stretches added up.
#[derive(Debug, Default)]
pub struct Totals {
    pub arrived: u64,
    pub served: u64,
    pub timed_out: u64,
    pub failed: u64,
    pub response_ms: QuantileSketch,
    pub response_ms_sum: f64,
    pub wait_ms_sum: f64,
    pub waits: u64,
    /// Per target, in registration order.
    pub routed: Vec<u64>,
}

impl Totals {
    /// Adds one stretch's report.
    pub fn add(&mut self, r: &StretchReport) {
        self.arrived += r.arrived;
        self.served += r.served;
        self.timed_out += r.timed_out;
        self.failed += r.failed;
        self.response_ms.merge(&r.response_ms).expect("same accuracy");
        self.response_ms_sum += r.response_ms_sum;
        self.wait_ms_sum += r.wait_ms_sum;
        self.waits += r.wait_ms.count();
        self.routed.resize(self.routed.len().max(r.targets.len()), 0);
        for (sum, t) in self.routed.iter_mut().zip(&r.targets) {
            *sum += t.routed;
        }
    }

    /// The mean wait, ms.
    pub fn mean_wait_ms(&self) -> f64 {
        self.wait_ms_sum / self.waits.max(1) as f64
    }

    /// The q-quantile of response time, ms.
    pub fn response_quantile_ms(&self, q: f64) -> f64 {
        self.response_ms.quantile(q).expect("some responses")
    }
}
