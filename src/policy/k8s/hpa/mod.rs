//! The HorizontalPodAutoscaler v2 controller as pure functions: each metric's replica proposal,
//! and one reconcile tick over the HPA's remembered history (k8s-semantics 1).
//!
//! # How the engine calls this
//!
//! Every `sync_period` (15 s from the HPA's creation), for each HPA: build one [`MetricPod`] per
//! pod the HPA's selector matches (reusing a buffer), ask [`propose`] once per `spec.metrics`
//! entry, then hand the proposals to [`reconcile`] with the HPA's [`HpaHistory`], which the
//! engine keeps per HPA and resets on a controller restart. Write `desired_replicas` to the
//! Deployment when `rescaled`, and `event_message()` to events.csv.
//!
//! ```
//! use ecsim::model::k8s::{HpaMetric, MetricSource, MetricTarget};
//! use ecsim::policy::k8s::hpa::*;
//! use ecsim::sim::SimTime;
//!
//! let metrics = vec![HpaMetric {
//!     source: MetricSource::Resource { name: "cpu".into() },
//!     target: MetricTarget::Utilization(50),
//! }];
//! let settings = ControllerSettings::default();
//! let now = SimTime(600_000);
//! // Four pods at 100 % of a 1-CPU request, sampled by metrics-server at the last scrape.
//! let pod = MetricPod {
//!     phase: PodPhase::Running,
//!     deleting: false,
//!     start_time: Some(SimTime(0)),
//!     ready: Some(ReadyCondition { ready: true, last_transition: SimTime(20_000) }),
//!     request_milli: Some(1000),
//!     sample: Some(MetricSample { value_milli: 1000, timestamp: SimTime(600_000) }),
//! };
//! let pods = vec![pod; 4];
//! let proposals: Vec<_> = metrics
//!     .iter()
//!     .map(|metric| {
//!         propose(&ProposalInput {
//!             metric,
//!             current_replicas: 4,
//!             status_replicas: 4,
//!             pods: &pods,
//!             object_value_milli: None,
//!             tolerances: Tolerances::for_hpa(settings.tolerance, None),
//!             settings: &settings,
//!             now,
//!         })
//!     })
//!     .collect();
//! let hpa = HpaRules { min_replicas: 1, max_replicas: 10, metrics: &metrics, behavior: None };
//! let mut history = HpaHistory::default();
//! let tick = reconcile(&hpa, &settings, 4, &proposals, &mut history, now);
//! assert_eq!(tick.desired_replicas, 8); // legacy cap max(2 x 4, 4) (k8s-semantics W42)
//! assert_eq!(
//!     tick.event_message().as_deref(),
//!     Some("New size: 8; reason: cpu resource utilization (percentage of request) above target")
//! );
//! ```
//!
//! Metric samples: for CPU the engine passes metrics-server's view (k8s-semantics 1.11): the
//! mean usage over `[t_s - metric_window, t_s]` stamped `t_s`, the last scrape at or before the
//! tick (scrapes every `metric_window`, 15 s); the stamp is what the CPU initialization rule
//! compares with the Ready transition. Object and External values are read at the tick (KEDA
//! without caching, k8s-semantics 1.10).

mod conditions;
mod history;
mod normalize;
mod object_external;
mod pod_groups;
mod proposal;
mod rate_limits;
mod reconcile;
mod replica_calc;
#[cfg(test)]
mod sequence_tests;
#[cfg(test)]
mod test_support;
mod tolerance;

pub use conditions::{HpaCondition, HpaConditions, HpaReason};
pub use history::{HpaHistory, Recommendation, ScaleEvent};
pub use pod_groups::{MetricPod, MetricSample, PodGroup, PodPhase, ReadinessRules, ReadyCondition, group_pod};
pub use proposal::{MetricCurrent, MetricError, MetricProposal, ProposalInput, metric_description, propose};
pub use reconcile::{HpaRules, HpaTick, reconcile};
pub use tolerance::Tolerances;

use crate::sim::SimDuration;

/// kube-controller-manager's HPA flags and metrics-server's resolution, with their defaults
/// (k8s-semantics 1.2, 1.11).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ControllerSettings {
    /// `--horizontal-pod-autoscaler-tolerance` (0.1).
    pub tolerance: f64,
    /// `--horizontal-pod-autoscaler-downscale-stabilization` (300 s): the legacy path's window,
    /// and the scale-down window of a behavior that leaves it unset.
    pub downscale_stabilization: SimDuration,
    /// `--horizontal-pod-autoscaler-cpu-initialization-period` (300 s).
    pub cpu_initialization_period: SimDuration,
    /// `--horizontal-pod-autoscaler-initial-readiness-delay` (30 s).
    pub initial_readiness_delay: SimDuration,
    /// The window a metrics-server sample averages (`--metric-resolution`, 15 s).
    pub metric_window: SimDuration,
}

impl Default for ControllerSettings {
    fn default() -> Self {
        ControllerSettings {
            tolerance: 0.1,
            downscale_stabilization: SimDuration::from_secs(300),
            cpu_initialization_period: SimDuration::from_secs(300),
            initial_readiness_delay: SimDuration::from_secs(30),
            metric_window: SimDuration::from_secs(15),
        }
    }
}
