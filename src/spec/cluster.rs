//! Auto Scaling groups, capacity providers and services as the engine needs them.

pub use crate::model::StrategyItem;
use crate::policy::group_step_scaling::GroupPolicyKind;
use crate::policy::placement::{PlacementConstraint, PlacementStrategy};
use crate::policy::step_scaling::StepScalingParams;
use crate::sim::SimDuration;
use crate::workload::LoadProfile;

/// An EC2 Auto Scaling group.
#[derive(Clone, Debug, PartialEq)]
pub struct AutoScalingGroupSpec {
    /// `AutoScalingGroupName`.
    pub name: String,
    /// Instance type launched: `InstanceType`, or the first `MixedInstancesPolicy` override
    /// (the `prioritized` allocation strategy). Present in the catalog.
    pub instance_type: String,
    /// Instance type of Spot launches: the lowest-priced override (Spot pools are not modelled).
    pub spot_instance_type: String,
    /// Every instance type the group may launch, in priority order (one unless mixed).
    pub instance_types: Vec<String>,
    /// On-Demand versus Spot split of a `MixedInstancesPolicy`.
    pub distribution: InstancesDistribution,
    /// `DefaultInstanceWarmup`, if set.
    pub default_instance_warmup: Option<SimDuration>,
    /// `NewInstancesProtectedFromScaleIn`.
    pub new_instances_protected_from_scale_in: bool,
    /// `CapacityRebalance`: on a Spot Instance's rebalance recommendation the group launches a
    /// replacement and retires the at-risk instance once the new one is in service.
    pub capacity_rebalance: bool,
    /// EC2 Auto Scaling target tracking policies on the group (the older cluster-scaling option).
    pub scaling_policies: Vec<AsgTargetTrackingPolicy>,
    /// EC2 Auto Scaling step and simple policies, invoked by CloudWatch alarms on the group.
    pub alarm_policies: Vec<AsgAlarmPolicy>,
    /// `DefaultCooldown` (default 300 s): the cooldown of simple policies without their own.
    pub default_cooldown: SimDuration,
    /// `MinSize`.
    pub min_size: u32,
    /// `MaxSize`.
    pub max_size: u32,
    /// `DesiredCapacity`.
    pub desired_capacity: u32,
    /// Indices into `Spec::availability_zones`.
    pub availability_zones: Vec<usize>,
}

impl AutoScalingGroupSpec {
    /// A group of one On-Demand instance type without scaling policies.
    pub fn new(
        name: impl Into<String>,
        instance_type: impl Into<String>,
        (min_size, desired_capacity, max_size): (u32, u32, u32),
        availability_zones: Vec<usize>,
    ) -> Self {
        let instance_type = instance_type.into();
        AutoScalingGroupSpec {
            name: name.into(),
            instance_types: vec![instance_type.clone()],
            spot_instance_type: instance_type.clone(),
            instance_type,
            distribution: InstancesDistribution::default(),
            default_instance_warmup: None,
            new_instances_protected_from_scale_in: false,
            capacity_rebalance: false,
            scaling_policies: Vec::new(),
            alarm_policies: Vec::new(),
            default_cooldown: DEFAULT_COOLDOWN,
            min_size,
            max_size,
            desired_capacity,
            availability_zones,
        }
    }
}

/// `DefaultCooldown` when the group does not set it (EC2 Auto Scaling API: 300 s).
pub const DEFAULT_COOLDOWN: SimDuration = SimDuration::from_secs(300);

/// An EC2 Auto Scaling `StepScaling` or `SimpleScaling` policy on a group, invoked by the
/// CloudWatch alarms whose `AlarmActions` name it (reference 7.1).
#[derive(Clone, Debug, PartialEq)]
pub struct AsgAlarmPolicy {
    /// `PolicyName`.
    pub name: String,
    /// Step or simple.
    pub kind: GroupPolicyKind,
    /// `AdjustmentType`, `StepAdjustments` (a simple policy's `ScalingAdjustment` is one step
    /// without bounds) and `MinAdjustmentMagnitude`.
    pub params: StepScalingParams,
    /// Step: `EstimatedInstanceWarmup`, else the group's `DefaultInstanceWarmup`, else its
    /// `DefaultCooldown`.
    pub instance_warmup: SimDuration,
    /// Simple: `Cooldown`, else the group's `DefaultCooldown`.
    pub cooldown: SimDuration,
}

/// `MixedInstancesPolicy.InstancesDistribution`: how many instances are On-Demand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InstancesDistribution {
    /// `OnDemandBaseCapacity` (default 0).
    pub on_demand_base_capacity: u32,
    /// `OnDemandPercentageAboveBaseCapacity` (default 100: no Spot).
    pub on_demand_percentage_above_base: u32,
}

impl Default for InstancesDistribution {
    fn default() -> Self {
        InstancesDistribution {
            on_demand_base_capacity: 0,
            on_demand_percentage_above_base: 100,
        }
    }
}

/// A metric of an Auto Scaling group's instances, averaged over them (`AWS/EC2` with the
/// dimension `AutoScalingGroupName`; reference 7).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupMetric {
    /// `CPUUtilization`, percent (`ASGAverageCPUUtilization`).
    CpuUtilization,
    /// `NetworkIn`, bytes per instance per minute (`ASGAverageNetworkIn`).
    NetworkIn,
    /// `NetworkOut`, bytes per instance per minute (`ASGAverageNetworkOut`).
    NetworkOut,
}

impl GroupMetric {
    /// Every group metric, in series order.
    pub const ALL: [GroupMetric; 3] = [
        GroupMetric::CpuUtilization,
        GroupMetric::NetworkIn,
        GroupMetric::NetworkOut,
    ];

    /// The CloudWatch metric name.
    pub fn metric_name(self) -> &'static str {
        match self {
            GroupMetric::CpuUtilization => "CPUUtilization",
            GroupMetric::NetworkIn => "NetworkIn",
            GroupMetric::NetworkOut => "NetworkOut",
        }
    }

    /// Its position in `ALL`.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// An EC2 Auto Scaling `TargetTrackingScaling` policy on `ASGAverageCPUUtilization`,
/// `ASGAverageNetworkIn` or `ASGAverageNetworkOut`.
#[derive(Clone, Debug, PartialEq)]
pub struct AsgTargetTrackingPolicy {
    /// `PolicyName`.
    pub name: String,
    /// The metric it tracks.
    pub metric: GroupMetric,
    /// `TargetValue`: percent, or bytes per instance per minute.
    pub target_value: f64,
    /// `DisableScaleIn`.
    pub disable_scale_in: bool,
    /// `EstimatedInstanceWarmup`, else the group's `DefaultInstanceWarmup`, else 300 s.
    pub instance_warmup: SimDuration,
}

/// `managedScaling` of an Auto Scaling group capacity provider with `status: ENABLED`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ManagedScaling {
    /// `targetCapacity`, percent (1 to 100, default 100).
    pub target_capacity: u32,
    /// `minimumScalingStepSize` (default 1).
    pub minimum_scaling_step_size: u32,
    /// `maximumScalingStepSize` (default 10000).
    pub maximum_scaling_step_size: u32,
    /// `instanceWarmupPeriod` (default 300 s).
    pub instance_warmup_period: SimDuration,
}

impl Default for ManagedScaling {
    fn default() -> Self {
        ManagedScaling {
            target_capacity: 100,
            minimum_scaling_step_size: 1,
            maximum_scaling_step_size: 10_000,
            instance_warmup_period: SimDuration::from_secs(300),
        }
    }
}

/// What backs a capacity provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CapacityProviderKind {
    /// Instances of the Auto Scaling group at this index.
    AutoScalingGroup(usize),
    /// AWS Fargate.
    Fargate,
    /// AWS Fargate Spot.
    FargateSpot,
}

/// A capacity provider of the cluster.
#[derive(Clone, Debug, PartialEq)]
pub struct CapacityProviderSpec {
    /// Provider name (`FARGATE`, `FARGATE_SPOT` or the name given).
    pub name: String,
    /// What backs it.
    pub kind: CapacityProviderKind,
    /// ECS cluster auto scaling, when `managedScaling.status` is ENABLED.
    pub managed_scaling: Option<ManagedScaling>,
    /// `managedTerminationProtection: ENABLED`: only instances without tasks are terminated.
    pub managed_termination_protection: bool,
    /// `managedDraining: ENABLED` (the default): an instance the group terminates drains first.
    pub managed_draining: bool,
}

impl CapacityProviderSpec {
    /// A provider backed by Auto Scaling group `group`, without managed scaling.
    pub fn auto_scaling_group(name: impl Into<String>, group: usize) -> Self {
        CapacityProviderSpec {
            name: name.into(),
            kind: CapacityProviderKind::AutoScalingGroup(group),
            managed_scaling: None,
            managed_termination_protection: false,
            managed_draining: true,
        }
    }

    /// The built-in FARGATE provider.
    pub fn fargate() -> Self {
        CapacityProviderSpec {
            kind: CapacityProviderKind::Fargate,
            ..Self::auto_scaling_group("FARGATE", 0)
        }
    }

    /// The built-in FARGATE_SPOT provider.
    pub fn fargate_spot() -> Self {
        CapacityProviderSpec {
            kind: CapacityProviderKind::FargateSpot,
            ..Self::auto_scaling_group("FARGATE_SPOT", 0)
        }
    }

    /// True for FARGATE and FARGATE_SPOT.
    pub fn is_fargate(&self) -> bool {
        matches!(
            self.kind,
            CapacityProviderKind::Fargate | CapacityProviderKind::FargateSpot
        )
    }
}

/// A service: REPLICA (keeps `desired_count` tasks) or DAEMON (one task per matching instance).
#[derive(Clone, Debug)]
pub struct ServiceSpec {
    /// `serviceName`.
    pub name: String,
    /// Index into `Spec::task_definitions`.
    pub task_definition: usize,
    /// `desiredCount` at the start.
    pub desired_count: u32,
    /// Where its tasks run: a launch type becomes a one-item strategy on that provider.
    pub strategy: Vec<StrategyItem>,
    /// `deploymentConfiguration`.
    pub deployment: super::DeploymentConfiguration,
    /// `loadBalancers`: indices into `Spec::target_groups`.
    pub target_groups: Vec<usize>,
    /// `loadBalancers[].advancedConfiguration`, one per item of `target_groups` (`None` where
    /// the item has none).
    pub advanced_configurations: Vec<Option<super::AdvancedConfigurationSpec>>,
    /// `healthCheckGracePeriodSeconds`: unhealthy container checks are ignored this long after a
    /// task starts.
    pub health_check_grace_period: SimDuration,
    /// True when the service names a `launchType`: capacity providers ignore its waiting tasks
    /// (they never cause a managed scale-out, reference 6.3).
    pub uses_launch_type: bool,
    /// Demand on the service; `None` means no load. For a queue worker, messages per second.
    pub load: Option<LoadProfile>,
    /// The queue a worker service consumes instead of serving requests.
    pub queue: Option<WorkerQueue>,
    /// `load.<service>.model`: how requests are served (issue 14), for a service whose task
    /// definition has a service model.
    pub request_mode: RequestMode,
    /// `load.<service>.arrivals`: request arrival times replayed one by one in exact mode, ms
    /// since the start, sorted, within the run (shared, not copied, by sweeps' runs).
    pub replayed_arrivals: Option<std::sync::Arc<[f64]>>,
    /// `placementStrategy` rules in order; empty means the default (spread over zones).
    pub placement_strategy: Vec<PlacementStrategy>,
    /// `placementConstraints` of the service (`distinctInstance`, `memberOf`).
    pub placement_constraints: Vec<PlacementConstraint>,
    /// `schedulingStrategy: DAEMON`: one task on each ACTIVE container instance that matches the
    /// placement constraints, no desired count (reference 8.6).
    pub daemon: bool,
    /// `availabilityZoneRebalancing`: ENABLED (CreateService's default for a compatible service)
    /// moves tasks to under-served zones when the service is steady but unbalanced.
    pub az_rebalancing: bool,
}

/// `load.<service>.model`: how a service with a service model serves its requests (issue 14).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RequestMode {
    /// `estimate` (the default): per trace interval, by queueing theory, with a fluid backlog.
    #[default]
    Estimate,
    /// `requests`: every request simulated, routed to a healthy task by the target group's
    /// algorithm (`workload::requests`).
    Requests,
}

/// A custom attribute put on every instance of an Auto Scaling group (AWS: `PutAttributes` on
/// the container instances; the simulator applies it when an instance launches).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstanceAttributeSpec {
    /// Index of the Auto Scaling group whose instances get it.
    pub auto_scaling_group: usize,
    /// Attribute name.
    pub name: String,
    /// Attribute value.
    pub value: String,
}

/// The SQS queue a worker service consumes: its messages wait until a healthy task takes them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkerQueue {
    /// `QueueName`, as in the `AWS/SQS` metric dimensions.
    pub name: String,
}
