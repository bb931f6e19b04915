//! The deployment strategies of the ECS deployment controller and the lifecycle stages of the
//! traffic-shifting ones, as AWS names them (reference 8.7). The scenario's `Spec` re-exports
//! them; the stage table and the traffic schedule decide with them.

use crate::sim::SimDuration;

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
