//! A node's allocatable resources, max pods and price.

use crate::model::catalog::InstanceType;
use crate::model::k8s::PodResources;
use crate::spec::eks::CapacityType;

/// What a node of an instance type offers the scheduler.
pub(in crate::engine::eks) struct NodeCapacity {
    /// Allocatable CPU and memory.
    pub allocatable: PodResources,
    /// Max pods.
    pub max_pods: u32,
}

/// Allocatable and max pods of a node of `it` on the EKS-optimized AMI.
pub(in crate::engine::eks) fn node_capacity(it: &InstanceType, prefix_delegation: bool, max_pods: Option<u32>) -> NodeCapacity {
    todo!("policy::k8s::nodes {} {prefix_delegation} {max_pods:?}", it.name)
}

/// Price of a node, USD per hour.
pub(in crate::engine::eks) fn node_price(it: &InstanceType, capacity_type: CapacityType) -> f64 {
    todo!("{} {capacity_type:?}", it.name)
}
