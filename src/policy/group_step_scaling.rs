//! EC2 Auto Scaling step and simple scaling policies on an Auto Scaling group (reference 7.1),
//! where they differ from Application Auto Scaling's step scaling (reference 3): the capacity an
//! adjustment starts from (warming instances are not current capacity on scale-out, terminating
//! ones are on scale-in), no cooldown for step policies but a scale-in block while instances warm
//! up, and simple scaling's wait for its scaling activity and then its cooldown. Choosing the
//! step, rounding a percent change and clamping to the group's bounds are `step_scaling`'s.

use super::scaling_decision::{NotScaledReason, ScalingDecision};
use super::step_scaling::{self, AdjustmentType, StepScalingParams};
use crate::sim::SimTime;

/// The kind of an alarm-driven EC2 Auto Scaling policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupPolicyKind {
    /// `StepScaling`: answers every alarm invocation; warm-up instead of cooldown.
    Step,
    /// `SimpleScaling`: one adjustment, then waits for the activity and the cooldown.
    Simple,
}

/// The group's instances as an invocation sees them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GroupCapacity {
    /// `DesiredCapacity` now.
    pub desired: u32,
    /// Instances launching, or in service for less than the policy's warm-up.
    pub warming: u32,
    /// Instances being terminated, no longer part of the desired capacity.
    pub terminating: u32,
}

/// The current capacity an adjustment of sign `adjustment` starts from (reference 7.1, case 43):
/// a step scale-out leaves out warming instances, so breaches that fall in the same step while
/// they warm up make one activity; a step scale-in counts terminating instances, so it never
/// removes more than needed. A simple policy acts only once its activity is over: the desired
/// capacity.
pub fn adjustment_base(kind: GroupPolicyKind, adjustment: i64, capacity: GroupCapacity) -> u32 {
    match kind {
        GroupPolicyKind::Simple => capacity.desired,
        GroupPolicyKind::Step if adjustment > 0 => capacity.desired.saturating_sub(capacity.warming),
        GroupPolicyKind::Step => capacity.desired + capacity.terminating,
    }
}

/// Decides one invocation of a group's step or simple policy by its alarm (`metric` is the
/// alarm's datapoint, `threshold` its threshold); `min` and `max` are the group's sizes.
/// A step policy does not scale in while instances warm up (reference 7.1, case 44).
pub fn decide(
    kind: GroupPolicyKind,
    metric: f64,
    threshold: f64,
    capacity: GroupCapacity,
    params: &StepScalingParams,
    (min, max): (u32, u32),
) -> ScalingDecision {
    let Some(step) = step_scaling::pick_step(&params.steps, metric - threshold) else {
        return step_scaling::decide(metric, threshold, capacity.desired, capacity.desired, params, min, max);
    };
    let base = adjustment_base(kind, step.adjustment, capacity);
    let decision = step_scaling::decide(metric, threshold, base, capacity.desired, params, min, max);
    let scales_in = match (params.adjustment_type, decision.desired()) {
        (AdjustmentType::ExactCapacity, Some(n)) => n < capacity.desired,
        _ => step.adjustment < 0,
    };
    match decision {
        ScalingDecision::SetDesired { explanation, .. }
            if kind == GroupPolicyKind::Step && scales_in && capacity.warming > 0 =>
        {
            ScalingDecision::NotScaled {
                reason: NotScaledReason::InstancesWarmingUp,
                explanation: format!("{explanation}; {} instances warming up", capacity.warming),
            }
        }
        other => other,
    }
}

/// Whether a simple policy may act now (reference 7.1, case 45).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SimpleGate {
    /// It may act.
    Ready,
    /// Its last scaling activity has not finished (instances launching or terminating).
    ActivityInProgress,
    /// Its activity finished; the cooldown runs until this time.
    Cooldown(SimTime),
}

/// A simple policy waits for its scaling activity to finish and then for its cooldown, which
/// starts when the last instance finished launching or terminating (`cooldown_until`).
pub fn simple_gate(activity_in_progress: bool, cooldown_until: Option<SimTime>, now: SimTime) -> SimpleGate {
    match cooldown_until {
        _ if activity_in_progress => SimpleGate::ActivityInProgress,
        Some(until) if now < until => SimpleGate::Cooldown(until),
        _ => SimpleGate::Ready,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::step_scaling::StepAdjustment;

    fn step(lower: Option<f64>, upper: Option<f64>, adjustment: i64) -> StepAdjustment {
        StepAdjustment {
            lower,
            upper,
            adjustment,
        }
    }

    /// The EC2 Auto Scaling guide's step example: threshold 50, +10 % from 60, +30 % from 70.
    fn doc_out() -> StepScalingParams {
        StepScalingParams {
            adjustment_type: AdjustmentType::PercentChangeInCapacity,
            steps: vec![
                step(Some(0.0), Some(10.0), 0),
                step(Some(10.0), Some(20.0), 10),
                step(Some(20.0), None, 30),
            ],
            min_adjustment_magnitude: None,
        }
    }

    fn cap(desired: u32, warming: u32, terminating: u32) -> GroupCapacity {
        GroupCapacity {
            desired,
            warming,
            terminating,
        }
    }

    #[track_caller]
    fn check(
        kind: GroupPolicyKind,
        metric: f64,
        capacity: GroupCapacity,
        params: &StepScalingParams,
        expected: Option<u32>,
    ) {
        let d = decide(kind, metric, 50.0, capacity, params, (1, 100));
        assert_eq!(d.desired(), expected, "{d:?}");
    }

    #[test]
    fn case_43_warming_instances_are_not_current_capacity_on_scale_out() {
        use GroupPolicyKind::Step;
        // 10 in service, the metric reaches 60: +10 % of 10 = 1 -> 11.
        check(Step, 60.0, cap(10, 0, 0), &doc_out(), Some(11));
        // 62 while the new instance warms up: +10 % of 10 again = 11, already desired: no change.
        check(Step, 62.0, cap(11, 1, 0), &doc_out(), None);
        // 70 while it still warms up: +30 % of 10 = 3 -> 13, two more than the 11 desired.
        check(Step, 70.0, cap(11, 1, 0), &doc_out(), Some(13));
    }

    #[test]
    fn case_44_step_scale_in_counts_terminating_instances_and_waits_for_warm_up() {
        use GroupPolicyKind::Step;
        let down = StepScalingParams {
            adjustment_type: AdjustmentType::PercentChangeInCapacity,
            steps: vec![step(None, Some(0.0), -10)],
            min_adjustment_magnitude: None,
        };
        // 10 -> -10 % = -1 -> 9.
        check(Step, 40.0, cap(10, 0, 0), &down, Some(9));
        // 9 desired, 1 terminating: the base is 10 again, 10 - 1 = 9: no second removal.
        check(Step, 40.0, cap(9, 0, 1), &down, None);
        // With an instance warming up, scale-in waits.
        let d = decide(Step, 40.0, 50.0, cap(10, 1, 0), &down, (1, 100));
        assert!(matches!(
            d,
            ScalingDecision::NotScaled {
                reason: NotScaledReason::InstancesWarmingUp,
                ..
            }
        ));
        // Scale-out is not blocked by warming instances: +30 % of the 9 warm ones = 2.7 -> 2.
        check(Step, 70.0, cap(10, 1, 0), &doc_out(), Some(11));
    }

    #[test]
    fn simple_policies_adjust_the_desired_capacity_with_the_same_rounding() {
        use GroupPolicyKind::Simple;
        let one = |t, a, m| StepScalingParams {
            adjustment_type: t,
            steps: vec![step(None, None, a)],
            min_adjustment_magnitude: m,
        };
        check(
            Simple,
            80.0,
            cap(4, 0, 0),
            &one(AdjustmentType::ChangeInCapacity, 2, None),
            Some(6),
        );
        // Warming instances do not matter to a simple policy: it waited for its activity.
        check(
            Simple,
            80.0,
            cap(4, 2, 0),
            &one(AdjustmentType::ChangeInCapacity, 2, None),
            Some(6),
        );
        check(
            Simple,
            80.0,
            cap(4, 0, 0),
            &one(AdjustmentType::ExactCapacity, 7, None),
            Some(7),
        );
        check(
            Simple,
            20.0,
            cap(4, 0, 0),
            &one(AdjustmentType::ExactCapacity, 2, None),
            Some(2),
        );
        // Reference 3.4 and case 13: +25 % of 4 = 1, MinAdjustmentMagnitude 2 -> +2.
        check(
            Simple,
            80.0,
            cap(4, 0, 0),
            &one(AdjustmentType::PercentChangeInCapacity, 25, Some(2)),
            Some(6),
        );
        // -50 % of 7 = -3.5 -> -3 (toward zero).
        check(
            Simple,
            20.0,
            cap(7, 0, 0),
            &one(AdjustmentType::PercentChangeInCapacity, -50, None),
            Some(4),
        );
        // Clamped by MaxSize.
        let d = decide(
            Simple,
            80.0,
            50.0,
            cap(9, 0, 0),
            &one(AdjustmentType::ChangeInCapacity, 5, None),
            (1, 10),
        );
        assert_eq!(d.desired(), Some(10));
    }

    #[test]
    fn case_45_simple_policy_waits_for_its_activity_then_its_cooldown() {
        let t = |s: u64| SimTime(s * 1000);
        assert_eq!(simple_gate(false, None, t(0)), SimpleGate::Ready);
        assert_eq!(simple_gate(true, None, t(60)), SimpleGate::ActivityInProgress);
        // The activity ended at 180 s; cooldown 300 s: blocked until 480 s.
        assert_eq!(simple_gate(false, Some(t(480)), t(300)), SimpleGate::Cooldown(t(480)));
        assert_eq!(simple_gate(false, Some(t(480)), t(480)), SimpleGate::Ready);
    }
}
