//! Karpenter: batching, provisioning and disruption.

use crate::engine::eks::nodes::NodeLaunch;
use crate::engine::world::World;
use crate::model::catalog::InstanceType;
use crate::sim::SimTime;
use crate::spec::eks::{CapacityType, KarpenterSettings};

/// Karpenter's state between events.
#[derive(Default)]
pub(in crate::engine::eks) struct KarpenterRuntime {
    /// Replacements launched: (node replaced, replacement).
    pub replacing: Vec<(usize, usize)>,
}

impl KarpenterRuntime {
    /// A pod became provisionable: when the batch window closes.
    pub fn on_pod(&mut self, now: SimTime, settings: &KarpenterSettings) -> SimTime {
        todo!("{now:?} {settings:?}")
    }

    /// Whether the window closes now (then it is reset).
    pub fn close_if_due(&mut self, now: SimTime) -> bool {
        todo!("{now:?}")
    }
}

/// A NodeClaim to launch.
pub(in crate::engine::eks) struct NodeClaim {
    pub pool: usize,
    pub instance_type: &'static InstanceType,
    pub zone: usize,
    pub capacity_type: CapacityType,
    pub pods: u32,
}

/// What the disruption controller does this poll.
pub(in crate::engine::eks) enum KarpenterAction {
    None,
    Delete { nodes: Vec<usize>, reason: String },
    Replace { node: usize, launch: NodeLaunch, reason: String },
}

/// NodeClaims for the pending pods.
pub(in crate::engine::eks) fn karpenter_provision(world: &World<'_>) -> Vec<NodeClaim> {
    let _ = world;
    todo!()
}

/// This poll's disruption.
pub(in crate::engine::eks) fn karpenter_disrupt(world: &World<'_>) -> KarpenterAction {
    let _ = world;
    todo!()
}
