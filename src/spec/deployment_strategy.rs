//! The deployment strategy of the ECS deployment controller (`deploymentConfiguration.strategy`:
//! ROLLING, BLUE_GREEN, LINEAR, CANARY), its traffic-shift settings, lifecycle hooks and the
//! load balancer's `advancedConfiguration` (reference 8.7).

pub use crate::policy::deployment::{DeploymentStrategy, LifecycleStage};

/// `stepPercent` when `linearConfiguration` does not set it: 10.0 %, in tenths of a percent.
pub const DEFAULT_LINEAR_STEP_PERMILLE: u32 = 100;
/// `stepBakeTimeInMinutes` when `linearConfiguration` does not set it: 6 minutes.
pub const DEFAULT_LINEAR_STEP_BAKE_MINUTES: u64 = 6;
/// `canaryPercent` when `canaryConfiguration` does not set it: 5.0 %, in tenths of a percent.
pub const DEFAULT_CANARY_PERMILLE: u32 = 50;
/// `canaryBakeTimeInMinutes` when `canaryConfiguration` does not set it: 10 minutes.
pub const DEFAULT_CANARY_BAKE_MINUTES: u64 = 10;

/// One item of `deploymentConfiguration.lifecycleHooks`.
#[derive(Clone, Debug, PartialEq)]
pub struct LifecycleHookSpec {
    /// `hookTargetArn` (the Lambda function), as written.
    pub hook_target_arn: String,
    /// `lifecycleStages`, in the order written, without repeats.
    pub stages: Vec<LifecycleStage>,
}

/// `loadBalancers[].advancedConfiguration`: where the green revision's tasks register and the
/// listener rules ECS moves between the two target groups.
#[derive(Clone, Debug, PartialEq)]
pub struct AdvancedConfigurationSpec {
    /// `alternateTargetGroupArn` as an index into `Spec::target_groups`.
    pub alternate_target_group: usize,
    /// `productionListenerRule`, if given (a non-rolling strategy needs it).
    pub production_listener_rule: Option<String>,
    /// `testListenerRule`, if given: test traffic reaches green only through it.
    pub test_listener_rule: Option<String>,
}
