//! Accounting: cost per capacity provider and per service, and the trace rows written at every
//! trace interval.

pub(super) mod cost;
pub(super) mod service_cost;
pub(super) mod tracing;

use self::cost::CostMeter;
use crate::sim::{ProviderIdx, ServiceIdx, SimTime};
use crate::spec::Spec;

/// What the run has cost so far, per capacity provider and per service, when the last trace rows
/// were written, and the run's count of placement failures.
pub(in crate::engine) struct Accounting {
    /// Cost per capacity provider, indexed like `Spec::capacity_providers`.
    pub cost: CostMeter<ProviderIdx>,
    /// Cost per service (Fargate tasks and shares of EC2 instances), indexed like services.
    pub service_cost: CostMeter<ServiceIdx>,
    /// When the last `services.csv` / `cluster.csv` rows were written.
    pub last_trace_at: SimTime,
    /// Tasks that could not be placed, over the run (a run total of `summary.json`).
    pub placement_failures: u64,
}

impl Accounting {
    /// Nothing spent yet.
    pub fn new(spec: &Spec) -> Accounting {
        Accounting {
            cost: CostMeter::new(spec.capacity_providers.len()),
            service_cost: CostMeter::new(spec.services.len()),
            last_trace_at: SimTime::ZERO,
            placement_failures: 0,
        }
    }
}
