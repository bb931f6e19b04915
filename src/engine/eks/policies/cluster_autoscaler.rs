//! Cluster Autoscaler's scale-up and scale-down for one scan.

use crate::engine::world::World;

/// Node groups to grow: (group, nodes, reason).
pub(in crate::engine::eks) fn cluster_autoscaler_scale_up(world: &World<'_>) -> Vec<(usize, u32, String)> {
    let _ = world;
    todo!()
}

/// Nodes to remove now: (node, reason); updates each node's unneeded-since.
pub(in crate::engine::eks) fn cluster_autoscaler_scale_down(world: &mut World<'_>) -> Vec<(usize, String)> {
    let _ = world;
    todo!()
}
