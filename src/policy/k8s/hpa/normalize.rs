//! From the metrics' proposal to the new replica count: stabilization over recent
//! recommendations, then the rate limits and `[minReplicas, maxReplicas]` (k8s-semantics 1.7;
//! Kubernetes' `normalizeDesiredReplicas` and `normalizeDesiredReplicasWithBehaviors`).

use super::conditions::{HpaCondition, HpaReason};
use super::history::HpaHistory;
use super::rate_limits::{legacy_scale_up_limit, scale_down_limit, scale_up_limit};
use crate::model::k8s::HpaBehavior;
use crate::sim::{SimDuration, SimTime};

/// The replica count a proposal normalizes to, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Normalized {
    /// The new `spec.replicas`.
    pub replicas: u32,
    /// `AbleToScale`: `ScaleUpStabilized` / `ScaleDownStabilized` when stabilization moved the
    /// proposal, `ReadyForNewScale` otherwise.
    pub able_to_scale: HpaReason,
    /// `ScalingLimited`: True when a limit moved the stabilized count.
    pub scaling_limited: HpaCondition,
}

/// The replica bounds of the HPA.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bounds {
    /// `spec.minReplicas`.
    pub min: u32,
    /// `spec.maxReplicas`.
    pub max: u32,
}

/// Whether a record made at `at` is inside a window of `window` ending at `now`: strictly
/// (`at > now - window`), as the behavior path compares.
fn strictly_within(at: SimTime, window: SimDuration, now: SimTime) -> bool {
    at.as_millis() + window.as_millis() > now.as_millis()
}

/// `spec.behavior` unset (k8s-semantics 1.7.1): the highest recommendation of the last
/// `window` (300 s, the boundary included, as Kubernetes' `Before(cutoff)` test has it), then
/// `[min, min(max, max(2 x cur, 4))]`.
pub fn normalize_legacy(
    current_replicas: u32,
    proposal: u32,
    bounds: Bounds,
    window: SimDuration,
    history: &mut HpaHistory,
    now: SimTime,
) -> Normalized {
    let expired = |at: SimTime| at.as_millis() + window.as_millis() < now.as_millis();
    let stabilized = history
        .recommendations
        .iter()
        .filter(|r| !expired(r.at))
        .map(|r| r.replicas)
        .fold(proposal, u32::max);
    history.record_recommendation(proposal, now, expired);
    let able_to_scale = if stabilized != proposal {
        HpaReason::ScaleDownStabilized
    } else {
        HpaReason::ReadyForNewScale
    };
    let cap = legacy_scale_up_limit(current_replicas);
    let (upper, over) = if bounds.max > cap {
        (cap, HpaReason::ScaleUpLimit)
    } else {
        (bounds.max, HpaReason::TooManyReplicas)
    };
    let (replicas, reason) = if stabilized < bounds.min {
        (bounds.min, HpaReason::TooFewReplicas)
    } else if stabilized > upper {
        (upper, over)
    } else {
        (stabilized, HpaReason::DesiredWithinRange)
    };
    Normalized {
        replicas,
        able_to_scale,
        scaling_limited: limited(replicas != stabilized, reason),
    }
}

/// `spec.behavior` set (k8s-semantics 1.7.2): the proposal held between the lowest
/// recommendation of the scale-up window and the highest of the scale-down window (both
/// strict), then limited by the policies of the direction it moves in and by the bounds.
pub fn normalize_with_behavior(
    current_replicas: u32,
    proposal: u32,
    bounds: Bounds,
    behavior: &HpaBehavior,
    default_down_window: SimDuration,
    history: &mut HpaHistory,
    now: SimTime,
) -> Normalized {
    let window =
        |seconds: Option<u32>, default: SimDuration| seconds.map_or(default, |s| SimDuration::from_secs(u64::from(s)));
    let up_window = window(behavior.scale_up.stabilization_window_s, SimDuration::ZERO);
    let down_window = window(behavior.scale_down.stabilization_window_s, default_down_window);
    let (mut up, mut down) = (proposal, proposal);
    for r in &history.recommendations {
        if strictly_within(r.at, up_window, now) {
            up = up.min(r.replicas);
        }
        if strictly_within(r.at, down_window, now) {
            down = down.max(r.replicas);
        }
    }
    let stabilized = current_replicas.max(up).min(down);
    let longest = up_window.max(down_window);
    history.record_recommendation(proposal, now, |at| {
        at.as_millis() + longest.as_millis() < now.as_millis()
    });
    let able_to_scale = if stabilized == proposal {
        HpaReason::ReadyForNewScale
    } else if proposal >= current_replicas {
        HpaReason::ScaleUpStabilized
    } else {
        HpaReason::ScaleDownStabilized
    };
    let (replicas, reason) = rate_limited(current_replicas, stabilized, bounds, behavior, history, now);
    Normalized {
        replicas,
        able_to_scale,
        scaling_limited: limited(replicas != stabilized, reason),
    }
}

/// Kubernetes' `convertDesiredReplicasWithBehaviorRate`: only the direction of change from
/// `cur` is limited; the policy limit never crosses `cur`.
fn rate_limited(
    cur: u32,
    stabilized: u32,
    bounds: Bounds,
    behavior: &HpaBehavior,
    history: &HpaHistory,
    now: SimTime,
) -> (u32, HpaReason) {
    if stabilized > cur {
        let limit = scale_up_limit(cur, &behavior.scale_up, history, now).max(i64::from(cur));
        let (allowed, reason) = if i64::from(bounds.max) > limit {
            (limit as u32, HpaReason::ScaleUpLimit)
        } else {
            (bounds.max, HpaReason::TooManyReplicas)
        };
        if stabilized > allowed {
            return (allowed, reason);
        }
    } else if stabilized < cur {
        let limit = scale_down_limit(cur, &behavior.scale_down, history, now).min(i64::from(cur));
        let (allowed, reason) = if i64::from(bounds.min) < limit {
            (limit as u32, HpaReason::ScaleDownLimit)
        } else {
            (bounds.min, HpaReason::TooFewReplicas)
        };
        if stabilized < allowed {
            return (allowed, reason);
        }
    }
    (stabilized, HpaReason::DesiredWithinRange)
}

fn limited(moved: bool, reason: HpaReason) -> HpaCondition {
    HpaCondition { status: moved, reason }
}

#[cfg(test)]
#[path = "normalize_tests.rs"]
mod tests;
