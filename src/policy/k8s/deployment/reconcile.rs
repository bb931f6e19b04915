//! One sync of the Deployment controller (k8s-semantics 2.3 to 2.7, `syncDeployment`): a
//! scaling event resizes in proportion, otherwise the strategy takes one step.

use super::proportional::{is_scaling_event, scale};
use super::recreate::recreate_sync;
use super::replica_sets::{DeploymentTarget, ReplicaSetRecord, RolloutStep, is_complete};
use super::rolling::rolling_sync;
use crate::model::k8s::DeploymentStrategy;

/// One sync: writes the new `spec.replicas` and replica annotations into `replica_sets`
/// (creation order, oldest first, exactly one `is_new`) and says what happened.
pub fn sync(target: &DeploymentTarget, replica_sets: &mut [ReplicaSetRecord]) -> RolloutStep {
    let posts = target.fence_posts();
    if is_scaling_event(target.replicas, replica_sets) {
        if scale(&posts, &target.strategy, replica_sets) {
            return RolloutStep::ScalingEvent;
        }
        // Nothing to resize: Kubernetes ends the sync here too, without a rollout step.
        return if is_complete(target.replicas, replica_sets) {
            RolloutStep::Complete
        } else {
            RolloutStep::Waiting
        };
    }
    match target.strategy {
        DeploymentStrategy::RollingUpdate { .. } => rolling_sync(&posts, replica_sets),
        DeploymentStrategy::Recreate => recreate_sync(&posts, replica_sets, target.old_pods_remaining),
    }
}

/// One sync of a paused Deployment (`spec.paused`, `kubectl rollout pause`): Kubernetes' `sync`
/// instead of a rollout step, so a scaling event still resizes the ReplicaSets in proportion,
/// but the new ReplicaSet neither grows nor replaces the old ones.
pub fn sync_paused(target: &DeploymentTarget, replica_sets: &mut [ReplicaSetRecord]) -> RolloutStep {
    let posts = target.fence_posts();
    if is_scaling_event(target.replicas, replica_sets) && scale(&posts, &target.strategy, replica_sets) {
        return RolloutStep::ScalingEvent;
    }
    if is_complete(target.replicas, replica_sets) {
        RolloutStep::Complete
    } else {
        RolloutStep::Waiting
    }
}

/// Syncs until a sync changes nothing, as the controller does when each ReplicaSet update
/// requeues the Deployment at once (k8s-semantics 9 item 5). After every step that changed a
/// ReplicaSet, `on_step` plays the ReplicaSet controller: it creates or deletes pods to match
/// each `replicas` (deleting in `pod_deletion` order) and refreshes the status counts (`pods`,
/// `ready`, `available`), which the next sync reads. Returns the final, unchanging step.
pub fn settle(
    target: &DeploymentTarget,
    replica_sets: &mut [ReplicaSetRecord],
    mut on_step: impl FnMut(RolloutStep, &mut [ReplicaSetRecord]),
) -> RolloutStep {
    // Each changing sync either ends a scaling event or moves the new ReplicaSet up or the old
    // ones down, both bounded; a handful of passes settles any Deployment.
    for _ in 0..MAX_SYNCS {
        let step = sync(target, replica_sets);
        if !step.changed() {
            return step;
        }
        on_step(step, replica_sets);
    }
    panic!("the Deployment controller did not settle in {MAX_SYNCS} syncs: {replica_sets:?}");
}

/// Bound on the syncs of one `settle`.
const MAX_SYNCS: usize = 64;

#[cfg(test)]
mod tests {
    use super::*;

    fn rs(revision: u32, is_new: bool, replicas: u32, available: u32, desired: u32) -> ReplicaSetRecord {
        ReplicaSetRecord {
            revision,
            is_new,
            replicas,
            pods: replicas,
            ready: available,
            available,
            desired_replicas: Some(desired),
            max_replicas: Some(desired + 1),
        }
    }

    fn target(replicas: u32) -> DeploymentTarget {
        DeploymentTarget {
            replicas,
            strategy: DeploymentStrategy::default(),
            old_pods_remaining: 0,
        }
    }

    #[test]
    fn a_paused_deployment_does_not_roll_out() {
        // 4 old pods, a new template: unpaused, the new ReplicaSet grows by the surge (1).
        let mut sets = [rs(1, false, 4, 4, 4), rs(2, true, 0, 0, 4)];
        assert_eq!(sync(&target(4), &mut sets.clone()), RolloutStep::NewReplicaSetScaled);
        assert_eq!(sync_paused(&target(4), &mut sets), RolloutStep::Waiting);
        assert_eq!((sets[0].replicas, sets[1].replicas), (4, 0));
    }

    #[test]
    fn a_paused_deployment_still_scales() {
        // Mid-rollout (3 old, 2 new), `kubectl scale` to 10: both ReplicaSets grow in
        // proportion, as unpaused; the rollout itself does not move.
        let mut paused = [rs(1, false, 3, 3, 4), rs(2, true, 2, 2, 4)];
        let mut rolling = paused;
        assert_eq!(sync_paused(&target(10), &mut paused), RolloutStep::ScalingEvent);
        assert_eq!(sync(&target(10), &mut rolling), RolloutStep::ScalingEvent);
        assert_eq!(paused, rolling);
        assert!(paused[0].replicas > 3 && paused[1].replicas > 2);
        assert_eq!(sync_paused(&target(10), &mut paused), RolloutStep::Waiting);
    }
}
