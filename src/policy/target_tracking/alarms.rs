//! The two CloudWatch alarms AWS creates for a target tracking policy: their thresholds,
//! comparison operators, periods and datapoints (reference 2.3 and A1 for ECS services, A13 for
//! 20-second metrics, 6.2 for capacity providers, 7 for Auto Scaling groups).

use crate::metrics::{AlarmConfig, Comparison, TreatMissingData};
use crate::policy::scaling_decision::Direction;

/// Who created the policy: the alarms' shape depends on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrackingPolicyOwner {
    /// Application Auto Scaling, on an ECS service's metric (60 s, or 20 s for high resolution).
    EcsService {
        /// The metric has 20-second datapoints.
        high_resolution: bool,
    },
    /// ECS managed scaling: the policy ECS puts on a capacity provider's Auto Scaling group,
    /// tracking CapacityProviderReservation at `targetCapacity`.
    CapacityProvider,
    /// EC2 Auto Scaling, on a group's metric (`ASGAverageCPUUtilization`).
    AutoScalingGroup,
}

/// One alarm of a target tracking policy.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrackingAlarm {
    /// `Out` for the high alarm, `In` for the low one: what the policy does while it is in ALARM.
    pub direction: Direction,
    /// `AlarmHigh` or `AlarmLow`, as in the alarm's name.
    pub name_suffix: &'static str,
    /// `Period`, milliseconds.
    pub period_ms: u64,
    /// Threshold, `ComparisonOperator`, `EvaluationPeriods`, `DatapointsToAlarm` and
    /// `TreatMissingData`.
    pub config: AlarmConfig,
}

/// The alarms of one policy: the high one always, the low one unless scale-in is disabled.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrackingAlarms {
    /// Scales out.
    pub high: TrackingAlarm,
    /// Scales in; `None` with `DisableScaleIn` (AWS documents nothing about it either way,
    /// reference 2.3; without it the policy never removes capacity).
    pub low: Option<TrackingAlarm>,
}

impl TrackingAlarms {
    /// The high alarm, then the low one if there is one.
    pub fn iter(&self) -> impl Iterator<Item = &TrackingAlarm> {
        std::iter::once(&self.high).chain(self.low.as_ref())
    }
}

/// The alarms AWS creates for a policy tracking `target_value` (observed shapes, reference 2.3, 6.2, 7):
///
/// | owner | high | low |
/// |---|---|---|
/// | ECS service | > T for 3 of 3 | < 0.9 T for 15 of 15 |
/// | capacity provider | > T for 1 of 1 | < T for 15 of 15 |
/// | Auto Scaling group | > T for 3 of 3 | < 0.7 T for 15 of 15 |
///
/// Datapoints are one minute long, 20 seconds for an ECS service's high-resolution metric (A13);
/// missing data is `missing`.
pub fn tracking_alarms(owner: TrackingPolicyOwner, target_value: f64, disable_scale_in: bool) -> TrackingAlarms {
    let (high_datapoints, low_ratio) = match owner {
        TrackingPolicyOwner::EcsService { .. } => (3, 0.9),
        TrackingPolicyOwner::CapacityProvider => (1, 1.0),
        TrackingPolicyOwner::AutoScalingGroup => (3, 0.7),
    };
    let period_ms = match owner {
        TrackingPolicyOwner::EcsService { high_resolution: true } => 20_000,
        _ => 60_000,
    };
    let alarm = |direction, name_suffix, datapoints, threshold, comparison| TrackingAlarm {
        direction,
        name_suffix,
        period_ms,
        config: AlarmConfig {
            evaluation_periods: datapoints,
            datapoints_to_alarm: datapoints,
            threshold,
            comparison,
            treat_missing_data: TreatMissingData::Missing,
        },
    };
    TrackingAlarms {
        high: alarm(
            Direction::Out,
            "AlarmHigh",
            high_datapoints,
            target_value,
            Comparison::GreaterThan,
        ),
        low: (!disable_scale_in).then(|| {
            alarm(
                Direction::In,
                "AlarmLow",
                15,
                low_ratio * target_value,
                Comparison::LessThan,
            )
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (threshold, comparison symbol, datapoints, period in seconds) of an alarm.
    fn shape(a: &TrackingAlarm) -> (f64, &'static str, u32, u64) {
        assert_eq!(a.config.evaluation_periods, a.config.datapoints_to_alarm, "N of N");
        assert_eq!(a.config.treat_missing_data, TreatMissingData::Missing);
        (
            a.config.threshold,
            a.config.comparison.symbol(),
            a.config.evaluation_periods,
            a.period_ms / 1000,
        )
    }

    #[track_caller]
    fn check(owner: TrackingPolicyOwner, target: f64, high: (f64, &str, u32, u64), low: (f64, &str, u32, u64)) {
        let alarms = tracking_alarms(owner, target, false);
        assert_eq!(shape(&alarms.high), high);
        assert_eq!(alarms.high.direction, Direction::Out);
        assert_eq!(alarms.high.name_suffix, "AlarmHigh");
        let l = alarms.low.expect("scale-in enabled");
        assert_eq!(shape(&l), low);
        assert_eq!(l.direction, Direction::In);
        assert_eq!(l.name_suffix, "AlarmLow");
    }

    #[test]
    fn shapes_by_owner() {
        let service = TrackingPolicyOwner::EcsService { high_resolution: false };
        // Reference 2.3 (A1): 70 -> 63, 80 -> 72, 30 -> 27 observed; case 3: 60 -> 54.
        check(service, 60.0, (60.0, ">", 3, 60), (54.0, "<", 15, 60));
        check(service, 70.0, (70.0, ">", 3, 60), (63.0, "<", 15, 60));
        // A13: the same counts of 20-second datapoints.
        let fast = TrackingPolicyOwner::EcsService { high_resolution: true };
        check(fast, 30.0, (30.0, ">", 3, 20), (27.0, "<", 15, 20));
        // Reference 6.2: CPR > targetCapacity for 1 minute, < targetCapacity for 15.
        check(
            TrackingPolicyOwner::CapacityProvider,
            100.0,
            (100.0, ">", 1, 60),
            (100.0, "<", 15, 60),
        );
        check(
            TrackingPolicyOwner::CapacityProvider,
            80.0,
            (80.0, ">", 1, 60),
            (80.0, "<", 15, 60),
        );
        // Reference 7: 50 -> 35, 40 -> 28 observed.
        check(
            TrackingPolicyOwner::AutoScalingGroup,
            50.0,
            (50.0, ">", 3, 60),
            (35.0, "<", 15, 60),
        );
        check(
            TrackingPolicyOwner::AutoScalingGroup,
            40.0,
            (40.0, ">", 3, 60),
            (28.0, "<", 15, 60),
        );
    }

    #[test]
    fn disable_scale_in_leaves_only_the_high_alarm() {
        for owner in [
            TrackingPolicyOwner::EcsService { high_resolution: false },
            TrackingPolicyOwner::AutoScalingGroup,
        ] {
            let alarms = tracking_alarms(owner, 50.0, true);
            assert_eq!(alarms.low, None);
            assert_eq!(alarms.iter().count(), 1);
        }
        assert_eq!(
            tracking_alarms(TrackingPolicyOwner::AutoScalingGroup, 50.0, false)
                .iter()
                .count(),
            2
        );
    }
}
