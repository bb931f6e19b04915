//! The capacity of an EKS cluster: managed node groups, Karpenter NodePools, Fargate profiles.

use crate::model::catalog::InstanceType;
pub use crate::model::k8s::{CapacityType, ConsolidationPolicy};
use crate::model::k8s::{IntOrPercent, LabelRequirement, Labels, Taint};

/// A managed node group, as `aws eks create-nodegroup` / `describe-nodegroup` describe it.
#[derive(Clone, Debug)]
pub struct NodeGroupSpec {
    /// `nodegroupName`.
    pub name: String,
    /// `instanceTypes` (Cluster Autoscaler builds its template from the first).
    pub instance_types: Vec<&'static InstanceType>,
    /// `capacityType`.
    pub capacity_type: CapacityType,
    /// `scalingConfig.minSize`.
    pub min_size: u32,
    /// `scalingConfig.maxSize`.
    pub max_size: u32,
    /// `scalingConfig.desiredSize`.
    pub desired_size: u32,
    /// Availability Zones of `subnets` (the run's zones when not given).
    pub zones: Vec<String>,
    /// `labels` (Kubernetes labels on every node; the well-known ones are added by the engine).
    pub labels: Labels,
    /// `taints`.
    pub taints: Vec<Taint>,
    /// Max pods per node: the VPC CNI's ENI formula unless the scenario sets it.
    pub max_pods: Option<u32>,
    /// VPC CNI prefix delegation (`ENABLE_PREFIX_DELEGATION`).
    pub prefix_delegation: bool,
}

/// A Fargate profile's selector: a namespace and optional labels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FargateSelector {
    /// `namespace` (wildcards `*` and `?` allowed).
    pub namespace: String,
    /// `labels` the pod must carry.
    pub labels: Labels,
}

/// A Fargate profile.
#[derive(Clone, Debug)]
pub struct FargateProfileSpec {
    /// `fargateProfileName`.
    pub name: String,
    /// `selectors` (up to 5).
    pub selectors: Vec<FargateSelector>,
    /// Availability Zones of its `subnets`.
    pub zones: Vec<String>,
}

/// One `spec.disruption.budgets` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodePoolBudget {
    /// `nodes`: how many nodes may be disrupted at once.
    pub nodes: IntOrPercent,
    /// `reasons` (empty = all): `Empty`, `Underutilized`, `Drifted`.
    pub reasons: Vec<String>,
}

/// `spec.limits`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NodePoolLimits {
    /// Total CPU of the pool's nodes, millicores.
    pub cpu_milli: Option<u64>,
    /// Total memory, MiB.
    pub memory_mib: Option<u64>,
    /// Number of nodes.
    pub nodes: Option<u32>,
}

/// A `karpenter.sh/v1` NodePool, with the instance types its requirements allow resolved from
/// the catalog.
#[derive(Clone, Debug)]
pub struct NodePoolSpec {
    /// `metadata.name`.
    pub name: String,
    /// `spec.weight` (higher first).
    pub weight: u32,
    /// `spec.template.spec.requirements`.
    pub requirements: Vec<LabelRequirement>,
    /// The catalog's instance types that satisfy the requirements, sorted by name.
    pub instance_types: Vec<&'static InstanceType>,
    /// Capacity types the requirements allow (spot preferred when both are).
    pub capacity_types: Vec<CapacityType>,
    /// Zones the requirements allow (the run's zones when not constrained).
    pub zones: Vec<String>,
    /// `spec.template.metadata.labels`.
    pub labels: Labels,
    /// `spec.template.spec.taints`.
    pub taints: Vec<Taint>,
    /// `spec.template.spec.expireAfter`, seconds (default 720h; `None` = Never).
    pub expire_after_s: Option<u64>,
    /// `spec.disruption.consolidationPolicy`.
    pub consolidation_policy: ConsolidationPolicy,
    /// `spec.disruption.consolidateAfter`, seconds (`None` = Never).
    pub consolidate_after_s: Option<u64>,
    /// `spec.disruption.budgets` (default one budget of 10 %).
    pub budgets: Vec<NodePoolBudget>,
    /// `spec.limits`.
    pub limits: NodePoolLimits,
}
