//! The reasons an HPA's status conditions carry (`AbleToScale`, `ScalingActive`,
//! `ScalingLimited`), with Kubernetes' own messages (k8s-semantics 1.9).

use std::fmt;

/// A condition reason, spelled as `kubectl describe hpa` shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum HpaReason {
    /// AbleToScale: the recommendation is used as it is.
    ReadyForNewScale,
    /// AbleToScale: a scale-up held to the lowest recommendation of the scale-up window.
    ScaleUpStabilized,
    /// AbleToScale: a scale-down held to the highest recommendation of the scale-down window.
    ScaleDownStabilized,
    /// AbleToScale: the HPA wrote a new `spec.replicas`.
    SucceededRescale,
    /// ScalingActive: at least one metric gave a replica count.
    ValidMetricFound,
    /// ScalingActive false: `spec.replicas` is 0 and `minReplicas` is not (maintenance mode).
    ScalingDisabled,
    /// ScalingActive false: a `Resource` metric could not be computed.
    FailedGetResourceMetric,
    /// ScalingActive false: a `ContainerResource` metric could not be computed.
    FailedGetContainerResourceMetric,
    /// ScalingActive false: a `Pods` metric could not be computed.
    FailedGetPodsMetric,
    /// ScalingActive false: an `Object` metric could not be computed.
    FailedGetObjectMetric,
    /// ScalingActive false: an `External` metric could not be computed.
    FailedGetExternalMetric,
    /// ScalingLimited false: the recommendation is inside every limit.
    DesiredWithinRange,
    /// ScalingLimited: held at `maxReplicas`.
    TooManyReplicas,
    /// ScalingLimited: held at `minReplicas`.
    TooFewReplicas,
    /// ScalingLimited: held by the scale-up rate (legacy `max(2 x cur, 4)` or the policies).
    ScaleUpLimit,
    /// ScalingLimited: held by the scale-down policies.
    ScaleDownLimit,
}

impl HpaReason {
    /// The reason as Kubernetes spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            HpaReason::ReadyForNewScale => "ReadyForNewScale",
            HpaReason::ScaleUpStabilized => "ScaleUpStabilized",
            HpaReason::ScaleDownStabilized => "ScaleDownStabilized",
            HpaReason::SucceededRescale => "SucceededRescale",
            HpaReason::ValidMetricFound => "ValidMetricFound",
            HpaReason::ScalingDisabled => "ScalingDisabled",
            HpaReason::FailedGetResourceMetric => "FailedGetResourceMetric",
            HpaReason::FailedGetContainerResourceMetric => "FailedGetContainerResourceMetric",
            HpaReason::FailedGetPodsMetric => "FailedGetPodsMetric",
            HpaReason::FailedGetObjectMetric => "FailedGetObjectMetric",
            HpaReason::FailedGetExternalMetric => "FailedGetExternalMetric",
            HpaReason::DesiredWithinRange => "DesiredWithinRange",
            HpaReason::TooManyReplicas => "TooManyReplicas",
            HpaReason::TooFewReplicas => "TooFewReplicas",
            HpaReason::ScaleUpLimit => "ScaleUpLimit",
            HpaReason::ScaleDownLimit => "ScaleDownLimit",
        }
    }

    /// Kubernetes' condition message for the reasons whose message is fixed (the metric
    /// failures carry their own in [`super::MetricError`]).
    pub fn message(self) -> &'static str {
        match self {
            HpaReason::ReadyForNewScale => "recommended size matches current size",
            HpaReason::ScaleUpStabilized => {
                "recent recommendations were lower than current one, applying the lowest recent recommendation"
            }
            HpaReason::ScaleDownStabilized => {
                "recent recommendations were higher than current one, applying the highest recent recommendation"
            }
            HpaReason::SucceededRescale => "the HPA controller was able to update the target scale",
            HpaReason::ValidMetricFound => "the HPA was able to successfully calculate a replica count",
            HpaReason::ScalingDisabled => "scaling is disabled since the replica count of the target is zero",
            HpaReason::FailedGetResourceMetric
            | HpaReason::FailedGetContainerResourceMetric
            | HpaReason::FailedGetPodsMetric
            | HpaReason::FailedGetObjectMetric
            | HpaReason::FailedGetExternalMetric => "the HPA was unable to compute the replica count",
            HpaReason::DesiredWithinRange => "the desired count is within the acceptable range",
            HpaReason::TooManyReplicas => "the desired replica count is more than the maximum replica count",
            HpaReason::TooFewReplicas => "the desired replica count is less than the minimum replica count",
            HpaReason::ScaleUpLimit => "the desired replica count is increasing faster than the maximum scale rate",
            HpaReason::ScaleDownLimit => "the desired replica count is decreasing faster than the maximum scale rate",
        }
    }
}

impl fmt::Display for HpaReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One status condition set by a tick: its status (`True`/`False`) and reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HpaCondition {
    /// `status: "True"` when true.
    pub status: bool,
    /// `reason`.
    pub reason: HpaReason,
}

impl HpaCondition {
    /// A condition with status True.
    pub fn holds(reason: HpaReason) -> HpaCondition {
        HpaCondition { status: true, reason }
    }

    /// A condition with status False.
    pub fn fails(reason: HpaReason) -> HpaCondition {
        HpaCondition { status: false, reason }
    }
}

/// The conditions one tick set; `None` leaves the condition as the previous tick left it
/// (Kubernetes does not touch every condition on every path).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HpaConditions {
    /// `AbleToScale`.
    pub able_to_scale: Option<HpaCondition>,
    /// `ScalingActive`.
    pub scaling_active: Option<HpaCondition>,
    /// `ScalingLimited` (True when a limit moved the recommendation).
    pub scaling_limited: Option<HpaCondition>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_spelled_as_kubectl_shows_them() {
        assert_eq!(HpaReason::ScaleDownStabilized.to_string(), "ScaleDownStabilized");
        assert_eq!(HpaReason::FailedGetExternalMetric.as_str(), "FailedGetExternalMetric");
        assert_eq!(
            HpaReason::TooFewReplicas.message(),
            "the desired replica count is less than the minimum replica count"
        );
        assert!(!HpaCondition::fails(HpaReason::ScalingDisabled).status);
        assert!(HpaCondition::holds(HpaReason::ScaleUpLimit).status);
    }
}
