//! What a scaling policy decides, shared by target tracking and step scaling.

/// Why a policy did not change the desired count (Application Auto Scaling's NotScaled reasons).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotScaledReason {
    /// `AlreadyAtMaxCapacity`.
    AlreadyAtMaxCapacity,
    /// `AlreadyAtMinCapacity`.
    AlreadyAtMinCapacity,
    /// `AlreadyAtDesiredCapacity`: the computed capacity is not beyond the current one.
    AlreadyAtDesiredCapacity,
    /// A scale-in cooldown has not expired.
    ScaleInCooldown,
    /// `DisableScaleIn` is set on the policy.
    ScaleInDisabled,
    /// Another target-tracking policy is not ready to scale in (reference 2.6).
    OtherPolicyNotReadyToScaleIn,
    /// Scale-in waits while the service has a deployment in progress (reference 1.2, case 40).
    DeploymentInProgress,
    /// A group's step policy does not scale in while instances warm up (reference 7.1, case 44).
    InstancesWarmingUp,
}

impl NotScaledReason {
    /// Words for `events.csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            NotScaledReason::AlreadyAtMaxCapacity => "AlreadyAtMaxCapacity",
            NotScaledReason::AlreadyAtMinCapacity => "AlreadyAtMinCapacity",
            NotScaledReason::AlreadyAtDesiredCapacity => "AlreadyAtDesiredCapacity",
            NotScaledReason::ScaleInCooldown => "scale-in cooldown in progress",
            NotScaledReason::ScaleInDisabled => "DisableScaleIn is true",
            NotScaledReason::OtherPolicyNotReadyToScaleIn => "another target tracking policy is not ready to scale in",
            NotScaledReason::DeploymentInProgress => "a deployment is in progress: scale-in waits",
            NotScaledReason::InstancesWarmingUp => "instances are warming up: scale-in waits",
        }
    }
}

/// The outcome of invoking a policy.
#[derive(Clone, Debug, PartialEq)]
pub enum ScalingDecision {
    /// Set the desired count; `explanation` shows the arithmetic (`ceil(4 x 78.2 / 60) = 6`).
    SetDesired {
        /// New desired count, inside [Min, Max].
        desired: u32,
        /// The computation, for the event log.
        explanation: String,
    },
    /// No change.
    NotScaled {
        /// Why.
        reason: NotScaledReason,
        /// The computation, for the event log.
        explanation: String,
    },
}

impl ScalingDecision {
    /// The new desired count, if any.
    pub fn desired(&self) -> Option<u32> {
        match self {
            ScalingDecision::SetDesired { desired, .. } => Some(*desired),
            ScalingDecision::NotScaled { .. } => None,
        }
    }
}

/// Direction of a scaling action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Add capacity.
    Out,
    /// Remove capacity.
    In,
}

/// Formats a metric value for messages: at most two decimals, no trailing zeros.
pub fn fmt_value(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}
