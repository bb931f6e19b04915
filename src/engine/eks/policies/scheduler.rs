//! kube-scheduler: where a pending pod goes.

use crate::engine::world::World;
use crate::model::k8s::PodResources;

/// The scheduler's non-zero requests (100m CPU, 200 MiB for an amount not requested).
pub(in crate::engine::eks) fn non_zero(requests: PodResources) -> PodResources {
    PodResources {
        cpu_milli: if requests.cpu_milli == 0 { 100 } else { requests.cpu_milli },
        memory_mib: if requests.memory_mib == 0 { 200 } else { requests.memory_mib },
    }
}

/// The node `pod` is bound to, or the scheduler's message why none fits.
pub(in crate::engine::eks) fn schedule_pod(world: &mut World<'_>, pod: u64) -> Result<usize, String> {
    let _ = world;
    todo!("{pod}")
}
