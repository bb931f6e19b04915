//! A node's allocatable resources, max pods and price, from `policy::k8s::nodes`.

use crate::model::catalog::InstanceType;
use crate::model::k8s::PodResources;
use crate::policy::k8s::nodes::{self, MaxPodsCap, PodNetworking};
use crate::spec::eks::CapacityType;

/// What a node of an instance type offers the scheduler.
pub(in crate::engine::eks) struct NodeCapacity {
    /// Allocatable CPU and memory.
    pub allocatable: PodResources,
    /// Max pods.
    pub max_pods: u32,
}

/// Allocatable and max pods of a node: a managed node group's (max pods capped at 110 / 250,
/// or the group's own setting) or, with `karpenter`, Karpenter's (the ENI figure uncapped).
/// Memory is the EC2 figure less the VM overhead guess (k8s-semantics 6.3, 7.3).
pub(in crate::engine::eks) fn node_capacity(
    it: &InstanceType,
    prefix_delegation: bool,
    max_pods: Option<u32>,
    karpenter: bool,
    vm_memory_overhead: f64,
) -> NodeCapacity {
    let networking = PodNetworking {
        prefix_delegation,
        ..PodNetworking::default()
    };
    let cap = if karpenter {
        MaxPodsCap::Uncapped
    } else {
        MaxPodsCap::ManagedNodeGroup
    };
    let pods = max_pods.unwrap_or_else(|| nodes::max_pods(it, networking, cap));
    let node = nodes::allocatable(it, pods, vm_memory_overhead);
    NodeCapacity {
        allocatable: node.resources,
        max_pods: node.pods,
    }
}

/// Price of a node, USD per hour: the catalog's on-demand price, less the Spot discount.
pub(in crate::engine::eks) fn node_price(
    it: &InstanceType,
    capacity_type: CapacityType,
    spot_discount_percent: f64,
) -> f64 {
    match capacity_type {
        CapacityType::OnDemand => it.on_demand_usd_per_hour,
        CapacityType::Spot => it.on_demand_usd_per_hour * (1.0 - spot_discount_percent / 100.0),
    }
}
