//! One Recreate sync (k8s-semantics 2.6, `rolloutRecreate`): every old ReplicaSet to 0, and the
//! new one to D only once no old pod exists, terminating ones included.

use super::fenceposts::FencePosts;
use super::replica_sets::{ReplicaSetRecord, RolloutStep, is_complete, new_index};

/// One Recreate sync; `old_pods_remaining` counts the old ReplicaSets' pods that still exist.
pub(super) fn recreate_sync(
    posts: &FencePosts,
    replica_sets: &mut [ReplicaSetRecord],
    old_pods_remaining: u32,
) -> RolloutStep {
    let new = new_index(replica_sets);
    let mut scaled_down = false;
    for (i, rs) in replica_sets.iter_mut().enumerate() {
        if i != new && rs.is_active() {
            scaled_down |= rs.scale_to(0, posts);
        }
    }
    if scaled_down {
        return RolloutStep::RecreateOldScaledDown;
    }
    let old_status_pods: u32 = replica_sets
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != new)
        .map(|(_, rs)| rs.pods)
        .sum();
    if old_pods_remaining > 0 || old_status_pods > 0 {
        return RolloutStep::RecreateWaitingForOldPods;
    }
    if replica_sets[new].replicas != posts.replicas && replica_sets[new].scale_to(posts.replicas, posts) {
        return RolloutStep::RecreateNewScaledUp;
    }
    if is_complete(posts.replicas, replica_sets) {
        RolloutStep::Complete
    } else {
        RolloutStep::Waiting
    }
}

#[cfg(test)]
mod tests {
    use super::super::reconcile::settle;
    use super::super::replica_sets::DeploymentTarget;
    use super::*;
    use crate::model::k8s::DeploymentStrategy;

    fn rs(revision: u32, is_new: bool, replicas: u32, available: u32) -> ReplicaSetRecord {
        ReplicaSetRecord {
            revision,
            is_new,
            replicas,
            pods: replicas,
            ready: available,
            available,
            desired_replicas: Some(replicas),
            max_replicas: Some(replicas),
        }
    }

    #[track_caller]
    fn check(old_pods_remaining: u32, sets: &mut [ReplicaSetRecord], expected: RolloutStep, replicas: &[u32]) {
        let target = DeploymentTarget {
            replicas: 4,
            strategy: DeploymentStrategy::Recreate,
            old_pods_remaining,
        };
        let step = settle(&target, sets, |_, _| {});
        assert_eq!(step, expected);
        assert_eq!(sets.iter().map(|s| s.replicas).collect::<Vec<_>>(), replicas);
    }

    #[test]
    fn old_pods_go_first_and_new_pods_start_only_when_none_remains() {
        // k8s-semantics 2.6: old RSs to 0; the new RS to D only after every old pod is gone.
        let mut sets = [rs(1, false, 4, 4), rs(2, true, 0, 0)];
        sets[1].desired_replicas = None;
        sets[1].max_replicas = None;
        check(4, &mut sets, RolloutStep::RecreateWaitingForOldPods, &[0, 0]);
        // Pods are terminating: the ReplicaSet's status has none left, but they still exist.
        sets[0].pods = 0;
        sets[0].available = 0;
        check(2, &mut sets, RolloutStep::RecreateWaitingForOldPods, &[0, 0]);
        check(0, &mut sets, RolloutStep::Waiting, &[0, 4]);
        assert_eq!((sets[1].desired_replicas, sets[1].max_replicas), (Some(4), Some(4)));
        sets[1].pods = 4;
        sets[1].available = 4;
        check(0, &mut sets, RolloutStep::Complete, &[0, 4]);
    }

    #[test]
    fn one_sync_reports_each_recreate_step() {
        let target = DeploymentTarget {
            replicas: 4,
            strategy: DeploymentStrategy::Recreate,
            old_pods_remaining: 0,
        };
        let posts = target.fence_posts();
        let mut sets = [rs(1, false, 4, 4), rs(2, false, 2, 2), rs(3, true, 0, 0)];
        assert_eq!(recreate_sync(&posts, &mut sets, 6), RolloutStep::RecreateOldScaledDown);
        assert_eq!(
            recreate_sync(&posts, &mut sets, 6),
            RolloutStep::RecreateWaitingForOldPods
        );
        for s in &mut sets[..2] {
            s.pods = 0;
            s.available = 0;
        }
        assert_eq!(recreate_sync(&posts, &mut sets, 0), RolloutStep::RecreateNewScaledUp);
        assert_eq!(sets.map(|s| s.replicas), [0, 0, 4]);
    }
}
