//! One HPA tick: the outer guards, the largest proposal with the partial-failure rule, then
//! normalization, and what to write and report (k8s-semantics 1.6, 1.9, 1.12; Kubernetes'
//! `reconcileAutoscaler` and `computeReplicasForMetrics`).

use super::ControllerSettings;
use super::conditions::{HpaCondition, HpaConditions, HpaReason};
use super::history::HpaHistory;
use super::normalize::{Bounds, Normalized, normalize_legacy, normalize_with_behavior};
use super::proposal::{MetricError, MetricProposal, metric_description};
use super::rate_limits::longest_period;
use crate::model::k8s::{HpaBehavior, HpaMetric};
use crate::sim::SimTime;

/// The parts of an HPA's spec a tick reads.
#[derive(Clone, Copy, Debug)]
pub struct HpaRules<'a> {
    /// `spec.minReplicas` (1 when unset).
    pub min_replicas: u32,
    /// `spec.maxReplicas`.
    pub max_replicas: u32,
    /// `spec.metrics`, in order (names the metric in the event message).
    pub metrics: &'a [HpaMetric],
    /// `spec.behavior` with defaults filled in; `None` takes the legacy path.
    pub behavior: Option<&'a HpaBehavior>,
}

/// What one tick decided.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HpaTick {
    /// The Deployment's `spec.replicas` after the tick (the current count when not rescaled).
    pub desired_replicas: u32,
    /// Whether the HPA wrote a new `spec.replicas` (a `SuccessfulRescale` event).
    pub rescaled: bool,
    /// Kubernetes' reason for the rescale ("cpu resource utilization (percentage of request)
    /// above target", "All metrics below target", "Current number of replicas above
    /// Spec.MaxReplicas"); `None` when not rescaled.
    pub rescale_reason: Option<String>,
    /// The conditions the tick set.
    pub conditions: HpaConditions,
    /// The first failing metric's error (also when the others were enough to scale up).
    pub metric_error: Option<MetricError>,
}

impl HpaTick {
    /// The `SuccessfulRescale` event text: "New size: 8; reason: ...".
    pub fn event_message(&self) -> Option<String> {
        let reason = self.rescale_reason.as_ref().filter(|_| self.rescaled)?;
        Some(format!("New size: {}; reason: {reason}", self.desired_replicas))
    }
}

/// One reconcile of an HPA whose target has `spec.replicas = current_replicas`, given each
/// metric's proposal in `spec.metrics` order (computed by [`super::propose`]; the guards
/// ignore them, as Kubernetes reads no metrics then). Updates `history`.
pub fn reconcile(
    hpa: &HpaRules<'_>,
    settings: &ControllerSettings,
    current_replicas: u32,
    proposals: &[Result<MetricProposal, MetricError>],
    history: &mut HpaHistory,
    now: SimTime,
) -> HpaTick {
    let cur = current_replicas;
    history.record_initial(cur, now);
    if cur == 0 && hpa.min_replicas != 0 {
        return HpaTick {
            conditions: HpaConditions {
                scaling_active: Some(HpaCondition::fails(HpaReason::ScalingDisabled)),
                ..HpaConditions::default()
            },
            ..unchanged(cur, None)
        };
    }
    if cur > hpa.max_replicas {
        let reason = "Current number of replicas above Spec.MaxReplicas";
        return rescale(
            hpa,
            cur,
            hpa.max_replicas,
            reason.to_string(),
            HpaConditions::default(),
            None,
            history,
            now,
        );
    }
    if cur < hpa.min_replicas {
        let reason = "Current number of replicas below Spec.MinReplicas";
        return rescale(
            hpa,
            cur,
            hpa.min_replicas,
            reason.to_string(),
            HpaConditions::default(),
            None,
            history,
            now,
        );
    }
    let (best, first_error) = largest_proposal(proposals);
    let failed = proposals.iter().filter(|p| p.is_err()).count();
    let Some((proposal, metric)) = best.filter(|&(replicas, _)| failed == 0 || replicas >= cur) else {
        // Every metric failed, or some did and the rest would scale down: no change.
        let scaling_active = first_error.as_ref().map(|e| HpaCondition::fails(e.reason));
        let conditions = HpaConditions {
            scaling_active,
            ..HpaConditions::default()
        };
        return HpaTick {
            conditions,
            ..unchanged(cur, first_error)
        };
    };
    let bounds = Bounds {
        min: hpa.min_replicas,
        max: hpa.max_replicas,
    };
    let normalized: Normalized = match hpa.behavior {
        None => normalize_legacy(cur, proposal, bounds, settings.downscale_stabilization, history, now),
        Some(b) => normalize_with_behavior(cur, proposal, bounds, b, settings.downscale_stabilization, history, now),
    };
    let conditions = HpaConditions {
        able_to_scale: Some(HpaCondition::holds(normalized.able_to_scale)),
        scaling_active: Some(HpaCondition::holds(HpaReason::ValidMetricFound)),
        scaling_limited: Some(normalized.scaling_limited),
    };
    if normalized.replicas == cur {
        return HpaTick {
            conditions,
            ..unchanged(cur, first_error)
        };
    }
    let reason = if proposal > cur {
        let name = hpa.metrics.get(metric).map(metric_description).unwrap_or_default();
        format!("{name} above target")
    } else {
        "All metrics below target".to_string()
    };
    rescale(
        hpa,
        cur,
        normalized.replicas,
        reason,
        conditions,
        first_error,
        history,
        now,
    )
}

/// The largest valid proposal with its metric's index (the first of equals, as Kubernetes
/// keeps the first), and the first error.
fn largest_proposal(proposals: &[Result<MetricProposal, MetricError>]) -> (Option<(u32, usize)>, Option<MetricError>) {
    let mut best: Option<(u32, usize)> = None;
    let mut first_error = None;
    for (i, p) in proposals.iter().enumerate() {
        match p {
            Ok(p) if best.is_none_or(|(replicas, _)| p.replicas > replicas) => best = Some((p.replicas, i)),
            Ok(_) => {}
            Err(e) => {
                first_error.get_or_insert_with(|| e.clone());
            }
        }
    }
    (best, first_error)
}

fn unchanged(cur: u32, metric_error: Option<MetricError>) -> HpaTick {
    HpaTick {
        desired_replicas: cur,
        rescaled: false,
        rescale_reason: None,
        conditions: HpaConditions::default(),
        metric_error,
    }
}

/// Writes `to`: AbleToScale becomes `SucceededRescale`, and the behavior path remembers the
/// change for its policies.
#[allow(clippy::too_many_arguments)]
fn rescale(
    hpa: &HpaRules<'_>,
    from: u32,
    to: u32,
    reason: String,
    mut conditions: HpaConditions,
    metric_error: Option<MetricError>,
    history: &mut HpaHistory,
    now: SimTime,
) -> HpaTick {
    if let Some(b) = hpa.behavior {
        let rules = if to > from { &b.scale_up } else { &b.scale_down };
        history.record_scale(from, to, now, longest_period(rules));
    }
    conditions.able_to_scale = Some(HpaCondition::holds(HpaReason::SucceededRescale));
    HpaTick {
        desired_replicas: to,
        rescaled: true,
        rescale_reason: Some(reason),
        conditions,
        metric_error,
    }
}

#[cfg(test)]
#[path = "reconcile_tests.rs"]
mod tests;
