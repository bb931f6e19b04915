//! The deployment strategy of the ECS deployment controller (`deploymentConfiguration.strategy`:
//! ROLLING, BLUE_GREEN, LINEAR, CANARY), its traffic-shift settings, lifecycle hooks and the
//! load balancer's `advancedConfiguration` (docs/deployment-strategies.md).

use crate::sim::SimDuration;

/// `stepPercent` when `linearConfiguration` does not set it: 10.0 %, in tenths of a percent.
pub const DEFAULT_LINEAR_STEP_PERMILLE: u32 = 100;
/// `stepBakeTimeInMinutes` when `linearConfiguration` does not set it: 6 minutes.
pub const DEFAULT_LINEAR_STEP_BAKE_MINUTES: u64 = 6;
/// `canaryPercent` when `canaryConfiguration` does not set it: 5.0 %, in tenths of a percent.
pub const DEFAULT_CANARY_PERMILLE: u32 = 50;
/// `canaryBakeTimeInMinutes` when `canaryConfiguration` does not set it: 10 minutes.
pub const DEFAULT_CANARY_BAKE_MINUTES: u64 = 10;

/// `deploymentConfiguration.strategy` with its own configuration block.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DeploymentStrategy {
    /// `ROLLING` (the default): tasks are replaced within minimumHealthyPercent/maximumPercent.
    #[default]
    Rolling,
    /// `BLUE_GREEN`: the green revision is scaled to full size, then all production traffic
    /// moves at once.
    BlueGreen,
    /// `LINEAR`: production traffic moves in equal steps with a bake between steps.
    Linear {
        /// `stepPercent` in tenths of a percent (30 to 1000).
        step_permille: u32,
        /// `stepBakeTimeInMinutes`.
        step_bake: SimDuration,
    },
    /// `CANARY`: one step of `canaryPercent`, a bake, then the rest.
    Canary {
        /// `canaryPercent` in tenths of a percent (1 to 1000).
        canary_permille: u32,
        /// `canaryBakeTimeInMinutes`.
        canary_bake: SimDuration,
    },
}

impl DeploymentStrategy {
    /// The value of `strategy` as AWS spells it.
    pub fn as_str(&self) -> &'static str {
        match self {
            DeploymentStrategy::Rolling => "ROLLING",
            DeploymentStrategy::BlueGreen => "BLUE_GREEN",
            DeploymentStrategy::Linear { .. } => "LINEAR",
            DeploymentStrategy::Canary { .. } => "CANARY",
        }
    }

    /// True for BLUE_GREEN, LINEAR and CANARY: the strategies that run two revisions side by side
    /// and shift traffic between target groups.
    pub fn shifts_traffic(&self) -> bool {
        !matches!(self, DeploymentStrategy::Rolling)
    }
}

/// A lifecycle stage of an ECS-native blue/green, linear or canary deployment, as AWS names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LifecycleStage {
    /// `RECONCILE_SERVICE`: only when more than one revision is ACTIVE at the start.
    ReconcileService,
    /// `PRE_SCALE_UP`: before the green tasks start.
    PreScaleUp,
    /// `SCALE_UP`: the green tasks start (no hook runs here).
    ScaleUp,
    /// `POST_SCALE_UP`: the green tasks are running and healthy.
    PostScaleUp,
    /// `TEST_TRAFFIC_SHIFT`: the test listener rule is pointed at green.
    TestTrafficShift,
    /// `POST_TEST_TRAFFIC_SHIFT`: test traffic is on green.
    PostTestTrafficShift,
    /// `PRODUCTION_TRAFFIC_SHIFT`: production traffic moves to green (by steps for LINEAR and
    /// CANARY, with the step bakes).
    ProductionTrafficShift,
    /// `POST_PRODUCTION_TRAFFIC_SHIFT`: all production traffic is on green.
    PostProductionTrafficShift,
    /// `BAKE_TIME`: both revisions run for `bakeTimeInMinutes` (no hook runs here).
    BakeTime,
    /// `CLEAN_UP`: the blue tasks are stopped (no hook runs here).
    CleanUp,
}

impl LifecycleStage {
    /// Every stage in the order a deployment goes through them.
    pub const ALL: [LifecycleStage; 10] = [
        LifecycleStage::ReconcileService,
        LifecycleStage::PreScaleUp,
        LifecycleStage::ScaleUp,
        LifecycleStage::PostScaleUp,
        LifecycleStage::TestTrafficShift,
        LifecycleStage::PostTestTrafficShift,
        LifecycleStage::ProductionTrafficShift,
        LifecycleStage::PostProductionTrafficShift,
        LifecycleStage::BakeTime,
        LifecycleStage::CleanUp,
    ];

    /// The stage's name as AWS spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            LifecycleStage::ReconcileService => "RECONCILE_SERVICE",
            LifecycleStage::PreScaleUp => "PRE_SCALE_UP",
            LifecycleStage::ScaleUp => "SCALE_UP",
            LifecycleStage::PostScaleUp => "POST_SCALE_UP",
            LifecycleStage::TestTrafficShift => "TEST_TRAFFIC_SHIFT",
            LifecycleStage::PostTestTrafficShift => "POST_TEST_TRAFFIC_SHIFT",
            LifecycleStage::ProductionTrafficShift => "PRODUCTION_TRAFFIC_SHIFT",
            LifecycleStage::PostProductionTrafficShift => "POST_PRODUCTION_TRAFFIC_SHIFT",
            LifecycleStage::BakeTime => "BAKE_TIME",
            LifecycleStage::CleanUp => "CLEAN_UP",
        }
    }

    /// True for the stages a lifecycle hook may name in `lifecycleStages`.
    pub fn accepts_hooks(self) -> bool {
        !matches!(
            self,
            LifecycleStage::ScaleUp | LifecycleStage::BakeTime | LifecycleStage::CleanUp
        )
    }

    /// The stage named `name` (AWS spelling), if it is one.
    pub fn parse(name: &str) -> Option<LifecycleStage> {
        LifecycleStage::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

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
