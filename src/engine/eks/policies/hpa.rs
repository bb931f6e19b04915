//! HorizontalPodAutoscaler: the controller's memory and one reconcile.

use crate::engine::world::World;

/// What the HPA controller remembers of one HPA between syncs.
#[derive(Default)]
pub(in crate::engine::eks) struct HpaRuntime {}

/// One reconcile of HPA `hpa`: the new replicas and the reason, or `None` for no change.
pub(in crate::engine::eks) fn hpa_reconcile(world: &World<'_>, hpa: usize, runtime: &mut HpaRuntime) -> Option<(u32, String)> {
    let _ = (world, runtime);
    todo!("{hpa}")
}
