//! Auto Scaling groups, capacity providers and services as the engine needs them.

pub use crate::model::StrategyItem;
use crate::policy::placement::{PlacementConstraint, PlacementStrategy};
use crate::workload::LoadProfile;

/// An EC2 Auto Scaling group (a fixed fleet for now).
#[derive(Clone, Debug, PartialEq)]
pub struct AutoScalingGroupSpec {
    /// `AutoScalingGroupName`.
    pub name: String,
    /// Instance type name, present in the catalog.
    pub instance_type: String,
    /// `MinSize`.
    pub min_size: u32,
    /// `MaxSize`.
    pub max_size: u32,
    /// `DesiredCapacity`.
    pub desired_capacity: u32,
    /// Indices into `Spec::availability_zones`.
    pub availability_zones: Vec<usize>,
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
}

impl CapacityProviderSpec {
    /// True for FARGATE and FARGATE_SPOT.
    pub fn is_fargate(&self) -> bool {
        matches!(
            self.kind,
            CapacityProviderKind::Fargate | CapacityProviderKind::FargateSpot
        )
    }
}

/// A REPLICA service.
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
    /// Demand on the service; `None` means no load. For a queue worker, messages per second.
    pub load: Option<LoadProfile>,
    /// The queue a worker service consumes instead of serving requests.
    pub queue: Option<WorkerQueue>,
    /// `placementStrategy` rules in order; empty means the default (spread over zones).
    pub placement_strategy: Vec<PlacementStrategy>,
    /// `placementConstraints` of the service (`distinctInstance`, `memberOf`).
    pub placement_constraints: Vec<PlacementConstraint>,
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
