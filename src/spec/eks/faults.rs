//! Faults injected into an EKS cluster's nodes: the capacity a `spotInterruption` burst
//! reclaims. `failInstances`, `drainInstances` and `azOutage` pick nodes with the
//! `InstanceSelector` they share with ECS.

use crate::spec::Quantity;

/// EC2 capacity of the cluster that Spot interruptions can hit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EksCapacity {
    /// A managed node group (index into `EksSpec::node_groups`) with capacityType SPOT.
    NodeGroup(usize),
    /// A Karpenter NodePool (index into `EksSpec::node_pools`) that allows Spot.
    NodePool(usize),
}

/// A `spotInterruption` burst on EKS nodes.
#[derive(Clone, Debug, PartialEq)]
pub struct EksSpotInterruptionSpec {
    /// The node group or NodePool whose Spot nodes are reclaimed.
    pub capacity: EksCapacity,
    /// How many of its live Spot nodes, picked at random.
    pub quantity: Quantity,
}
