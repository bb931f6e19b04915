//! The validated, typed description of a run: what the engine simulates (tests build it in Rust).

mod assignment;
mod autoscaling;
mod behavior;
pub mod budget;
mod cluster;
mod container_dependencies;
mod deployment;
mod deployment_strategy;
pub mod eks;
pub mod event_bridge;
mod predictive;
mod run_task;
mod task_definition;
mod timeline;

pub use crate::model::TaskResources;
pub use assignment::split_assignment;
pub use autoscaling::{
    AlarmSpec, AutoScalingSpec, GroupAlarmSpec, MetricOf, MetricPipeline, MetricStream, PolicyKind, ScalableTargetSpec,
    ScalingPolicySpec, ScheduledActionSpec, ServiceMetric, StepScalingSpec, SuspendedState, TargetTrackingSpec,
};
pub use behavior::{
    Behavior, ClusterAutoScalingBehavior, CostBehavior, DEFAULT_EC2_SPOT_DISCOUNT_PERCENT, DurationDistribution,
    EventBridgeBehavior, FargateSpotBehavior, InstanceBehavior, LatencyBehavior, ServiceModel, TaskBehavior,
};
pub use cluster::{
    AsgAlarmPolicy, AsgTargetTrackingPolicy, AutoScalingGroupSpec, CapacityProviderKind, CapacityProviderSpec,
    DEFAULT_COOLDOWN, GroupMetric, InstanceAttributeSpec, InstancesDistribution, ManagedScaling, RequestMode,
    ServiceSpec, StrategyItem, WorkerQueue,
};
pub use container_dependencies::{DEFAULT_STOP_TIMEOUT_S, DependencyStart};
pub use deployment::{
    CircuitBreakerSpec, DeploymentAlarmsSpec, DeploymentConfiguration, FailureThreshold, HealthCheckSpec,
    LoadBalancingAlgorithm, TargetGroupSpec,
};
pub use deployment_strategy::{
    AdvancedConfigurationSpec, DEFAULT_CANARY_BAKE_MINUTES, DEFAULT_CANARY_PERMILLE, DEFAULT_LINEAR_STEP_BAKE_MINUTES,
    DEFAULT_LINEAR_STEP_PERMILLE, DeploymentStrategy, LifecycleHookSpec, LifecycleStage,
};
pub use event_bridge::{EventBridgeSpec, TriggerClock, TriggeredRunTask, TriggeredRunTasks};
pub use predictive::{ForecasterSpec, PredictiveMetric, PredictiveMode, PredictiveScalingSpec};
pub use run_task::{MAX_TASKS_PER_RUN_TASK, RetryPolicy, RunTaskCapacity, RunTaskRequest, Trigger, TriggerKind};
pub use task_definition::{
    ContainerDependency, ContainerSpec, DependencyCondition, NetworkMode, PortMapping, TaskDefinitionSpec,
};
pub use timeline::{InstanceSelector, Quantity, SpotInterruptionSpec, TimelineAction, TimelineEvent};

use crate::sim::{ServiceIdx, SimDuration};
use crate::workload::LoadProfile;

/// Everything a run needs, validated: the engine never sees an invalid `Spec`.
#[derive(Clone, Debug)]
pub struct Spec {
    /// Scenario name shown in outputs.
    pub name: String,
    /// Free-text description of what the scenario shows.
    pub description: String,
    /// Seed of every random stream.
    pub seed: u64,
    /// Wall-clock anchor of simulated time zero, UTC milliseconds since the Unix epoch.
    pub start_epoch_ms: i64,
    /// Simulated length of the run.
    pub duration: SimDuration,
    /// Interval between rows of `services.csv` and `cluster.csv`.
    pub trace_interval: SimDuration,
    /// Availability Zones of the simulated Region.
    pub availability_zones: Vec<String>,
    /// EC2 Auto Scaling groups (fixed size for now).
    pub auto_scaling_groups: Vec<AutoScalingGroupSpec>,
    /// Capacity providers: ASG-backed ones, then FARGATE and FARGATE_SPOT when the cluster uses them.
    pub capacity_providers: Vec<CapacityProviderSpec>,
    /// Cluster name (used in resource ids such as `service/<cluster>/<service>`).
    pub cluster_name: String,
    /// Elastic Load Balancing target groups services register their tasks with.
    pub target_groups: Vec<TargetGroupSpec>,
    /// Every task definition revision, in file order.
    pub task_definitions: Vec<TaskDefinitionSpec>,
    /// REPLICA services.
    pub services: Vec<ServiceSpec>,
    /// Simulator-only settings: timings, serving model, limits.
    pub behavior: Behavior,
    /// Service auto scaling: scalable targets, policies, alarms.
    pub auto_scaling: AutoScalingSpec,
    /// Custom attributes of container instances, by Auto Scaling group.
    pub instance_attributes: Vec<InstanceAttributeSpec>,
    /// Account setting `awsvpcTrunking`: new instances get the higher awsvpc task limit.
    pub awsvpc_trunking: bool,
    /// Operator actions and faults, sorted by time (stable).
    pub timeline: Vec<TimelineEvent>,
    /// RunTask calls of every trigger (`runTask` events, schedules, rules), sorted by time
    /// (stable): the standalone tasks ("jobs") of the run.
    pub run_tasks: Vec<RunTaskRequest>,
    /// `eventBridge`: schedules and event rules that run standalone tasks.
    pub event_bridge: EventBridgeSpec,
    /// `eks:`: an EKS cluster run beside (or instead of) the ECS one (issue 20).
    pub eks: eks::EksSpec,
    /// Field paths of AWS keys that were accepted but are not modelled.
    pub ignored_fields: Vec<String>,
    /// Blocks that were parsed but belong to capabilities not simulated yet.
    pub not_yet_simulated: Vec<String>,
}

impl Spec {
    /// Index of the service called `name`.
    pub fn service_index(&self, name: &str) -> Option<usize> {
        self.services.iter().position(|s| s.name == name)
    }

    /// Whether the run starts standalone tasks (then it writes `jobs.csv` and `jobs-trace.csv`).
    pub fn has_jobs(&self) -> bool {
        !self.run_tasks.is_empty()
    }

    /// Whether the run has predictive scaling policies (then it writes `forecast.csv`).
    pub fn has_predictive_scaling(&self) -> bool {
        self.auto_scaling
            .scaling_policies
            .iter()
            .any(|p| matches!(p.kind, PolicyKind::PredictiveScaling(_)))
    }

    /// The names of every trigger of standalone tasks, sorted, each once: the `eventBridge`
    /// schedules and rules (whether or not they fire within the run) and the `runTask` events'
    /// `startedBy` (by default the family). `expect:` names a trigger by one of these.
    pub fn trigger_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .event_bridge
            .schedules
            .iter()
            .map(|s| s.name.as_str())
            .chain(self.event_bridge.rules.iter().map(|r| r.name.as_str()))
            .chain(self.run_tasks.iter().map(|r| r.trigger.name.as_str()))
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    /// Every RunTask request the `eventBridge` section makes during the run, in time order.
    pub fn triggered_run_tasks(&self) -> TriggeredRunTasks<'_> {
        let clock = TriggerClock {
            seed: self.seed,
            start_epoch_ms: self.start_epoch_ms,
            load_step_ms: self.behavior.load_step.as_millis(),
        };
        TriggeredRunTasks::new(&self.event_bridge, clock, self.duration.as_millis())
    }

    /// The load profile of service `i` (a service without a `load` entry gets no demand).
    pub fn load_of(&self, i: ServiceIdx) -> Option<&LoadProfile> {
        self.services[i].load.as_ref()
    }
}
