//! Target tracking (reference 2.4-2.6): proportional capacity with conservative rounding; the
//! alarms AWS creates for a policy (`alarms`) and how several policies on one scalable target
//! agree (`several_policies`).

mod alarms;
mod several_policies;

pub use alarms::{TrackingAlarm, TrackingAlarms, TrackingPolicyOwner, tracking_alarms};
pub use several_policies::{Agreement, PolicyAsk, agree};

use super::rounding::tracking_capacity;
use super::scaling_decision::{Direction, NotScaledReason, ScalingDecision, fmt_value};

/// What the policy sees when one of its alarms invokes it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Observation {
    /// RUNNING tasks: the starting point of the computation (reference 1.2).
    pub running: u32,
    /// Current desiredCount.
    pub desired: u32,
    /// The metric value that drove the alarm (latest datapoint).
    pub metric: f64,
    /// Scalable target MinCapacity.
    pub min_capacity: u32,
    /// Scalable target MaxCapacity.
    pub max_capacity: u32,
}

/// The policy's configuration.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TargetTrackingParams {
    /// `TargetValue`.
    pub target_value: f64,
    /// `DisableScaleIn`.
    pub disable_scale_in: bool,
}

/// The capacity that brings the metric to the target: `ceil(running x metric / target)` clamped
/// to [Min, Max]; from zero running tasks, `max(1, Min)` (reference A2, A3).
pub fn proportional_capacity(obs: &Observation, target: f64) -> (u32, String) {
    if obs.running == 0 {
        let n = obs.min_capacity.max(1).min(obs.max_capacity);
        return (
            n,
            format!("scale from zero to max(1, MinCapacity {}) = {n}", obs.min_capacity),
        );
    }
    let n = tracking_capacity(obs.running, obs.metric, target);
    let clamped = n.clamp(u64::from(obs.min_capacity), u64::from(obs.max_capacity)) as u32;
    let mut text = format!(
        "ceil({} x {} / {}) = {n}",
        obs.running,
        fmt_value(obs.metric),
        fmt_value(target)
    );
    if u64::from(clamped) != n {
        let bound = if u64::from(clamped) > n {
            "MinCapacity"
        } else {
            "MaxCapacity"
        };
        text.push_str(&format!(", clamped by {bound} {clamped}"));
    }
    (clamped, text)
}

/// Decides what one invocation by the high (`Out`) or low (`In`) alarm does. Cooldowns and the
/// other policies' readiness are the caller's (they live in the model).
pub fn decide(direction: Direction, obs: &Observation, params: &TargetTrackingParams) -> ScalingDecision {
    let (n, explanation) = proportional_capacity(obs, params.target_value);
    match direction {
        Direction::Out if n > obs.desired => ScalingDecision::SetDesired {
            desired: n,
            explanation,
        },
        Direction::Out => {
            let reason = if obs.desired >= obs.max_capacity {
                NotScaledReason::AlreadyAtMaxCapacity
            } else {
                NotScaledReason::AlreadyAtDesiredCapacity
            };
            ScalingDecision::NotScaled { reason, explanation }
        }
        Direction::In if params.disable_scale_in => ScalingDecision::NotScaled {
            reason: NotScaledReason::ScaleInDisabled,
            explanation,
        },
        Direction::In if n < obs.desired => ScalingDecision::SetDesired {
            desired: n,
            explanation,
        },
        Direction::In => {
            let reason = if obs.desired <= obs.min_capacity {
                NotScaledReason::AlreadyAtMinCapacity
            } else {
                NotScaledReason::AlreadyAtDesiredCapacity
            };
            ScalingDecision::NotScaled { reason, explanation }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obs(running: u32, desired: u32, metric: f64, min: u32, max: u32) -> Observation {
        Observation {
            running,
            desired,
            metric,
            min_capacity: min,
            max_capacity: max,
        }
    }

    #[track_caller]
    fn check(direction: Direction, o: Observation, target: f64, expected: Result<u32, NotScaledReason>) {
        let params = TargetTrackingParams {
            target_value: target,
            disable_scale_in: false,
        };
        let got = match decide(direction, &o, &params) {
            ScalingDecision::SetDesired { desired, .. } => Ok(desired),
            ScalingDecision::NotScaled { reason, .. } => Err(reason),
        };
        assert_eq!(got, expected);
    }

    #[test]
    fn reference_cases() {
        use Direction::*;
        check(Out, obs(4, 4, 90.0, 1, 100), 60.0, Ok(6)); // case 1
        check(Out, obs(3, 3, 70.0, 1, 100), 50.0, Ok(5)); // case 2: ceil(4.2)
        check(In, obs(10, 10, 40.0, 1, 100), 60.0, Ok(7)); // case 3: ceil(6.67)
        check(
            In,
            obs(2, 2, 10.0, 2, 100),
            50.0,
            Err(NotScaledReason::AlreadyAtMinCapacity),
        ); // case 6
        check(Out, obs(8, 8, 100.0, 1, 10), 50.0, Ok(10)); // case 7: 16 clamped to 10
        check(
            Out,
            obs(10, 10, 100.0, 1, 10),
            50.0,
            Err(NotScaledReason::AlreadyAtMaxCapacity),
        ); // case 7, again
        check(Out, obs(10, 10, 150.0, 1, 100), 100.0, Ok(15)); // case 33: SQS backlog 150 vs 100
        check(In, obs(10, 10, 9.0, 1, 100), 100.0, Ok(1)); // case 33: 90 messages
        check(In, obs(10, 10, 9.0, 2, 100), 100.0, Ok(2)); // clamped by MinCapacity
    }

    #[test]
    fn case_8_scale_out_during_cooldown_only_raises() {
        use Direction::*;
        // t=60: running 4, metric 90 -> 6, desired already 6: not larger.
        check(
            Out,
            obs(4, 6, 90.0, 1, 100),
            60.0,
            Err(NotScaledReason::AlreadyAtDesiredCapacity),
        );
        // t=120: metric 105 -> ceil(7) = 7 > 6.
        check(Out, obs(4, 6, 105.0, 1, 100), 60.0, Ok(7));
    }

    #[test]
    fn scale_from_zero_and_float_noise() {
        use Direction::*;
        check(Out, obs(0, 0, 80.0, 0, 10), 50.0, Ok(1)); // case A3
        check(Out, obs(0, 0, 80.0, 3, 10), 50.0, Ok(3));
        // 3 x 60 / 30 = 6 exactly, even if the float is 6.0000000001.
        let (n, _) = proportional_capacity(&obs(3, 3, 60.000000001, 1, 100), 30.0);
        assert_eq!(n, 6);
    }

    #[test]
    fn explanation_shows_the_arithmetic() {
        let (_, text) = proportional_capacity(&obs(8, 8, 100.0, 1, 10), 50.0);
        assert_eq!(text, "ceil(8 x 100 / 50) = 16, clamped by MaxCapacity 10");
        let params = TargetTrackingParams {
            target_value: 60.0,
            disable_scale_in: true,
        };
        assert!(matches!(
            decide(Direction::In, &obs(10, 10, 40.0, 1, 100), &params),
            ScalingDecision::NotScaled {
                reason: NotScaledReason::ScaleInDisabled,
                ..
            }
        ));
    }
}
