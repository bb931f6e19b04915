//! One RollingUpdate sync (k8s-semantics 2.3, `rolloutRolling`): scale the new ReplicaSet up
//! within the surge; if it did not move, scale old ReplicaSets down within `minAvailable`.

use super::fenceposts::FencePosts;
use super::replica_sets::{ReplicaSetRecord, RolloutStep, is_complete, new_index, total_available, total_replicas};

/// One RollingUpdate sync over the ReplicaSets (creation order, oldest first).
pub(super) fn rolling_sync(posts: &FencePosts, replica_sets: &mut [ReplicaSetRecord]) -> RolloutStep {
    let new = new_index(replica_sets);
    if reconcile_new_replica_set(posts, replica_sets, new) {
        // The status update ends the pass; the next pass scales old ReplicaSets down.
        return RolloutStep::NewReplicaSetScaled;
    }
    let (unhealthy, available) = reconcile_old_replica_sets(posts, replica_sets, new);
    if unhealthy + available > 0 {
        return RolloutStep::OldReplicaSetsScaledDown { unhealthy, available };
    }
    if is_complete(posts.replicas, replica_sets) {
        RolloutStep::Complete
    } else {
        RolloutStep::Waiting
    }
}

/// `reconcileNewReplicaSet` with `NewRSNewReplicas`: true if the new ReplicaSet was scaled.
fn reconcile_new_replica_set(posts: &FencePosts, replica_sets: &mut [ReplicaSetRecord], new: usize) -> bool {
    let desired = posts.replicas;
    let current = replica_sets[new].replicas;
    if current == desired {
        return false;
    }
    if current > desired {
        return replica_sets[new].scale_to(desired, posts);
    }
    let total = total_replicas(replica_sets);
    if total >= posts.max_total() {
        return false;
    }
    let scale_up = (posts.max_total() - total).min(desired - current);
    replica_sets[new].scale_to(current + scale_up, posts)
}

/// `reconcileOldReplicaSets`: the pods removed by the unhealthy cleanup and from available ones.
fn reconcile_old_replica_sets(posts: &FencePosts, replica_sets: &mut [ReplicaSetRecord], new: usize) -> (u32, u32) {
    let old_replicas: u32 = replica_sets
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != new)
        .map(|(_, rs)| rs.replicas)
        .sum();
    if old_replicas == 0 {
        return (0, 0);
    }
    let min_available = i64::from(posts.min_available());
    let new_unavailable = i64::from(replica_sets[new].replicas) - i64::from(replica_sets[new].available);
    let max_scaled_down = i64::from(total_replicas(replica_sets)) - min_available - new_unavailable;
    if max_scaled_down <= 0 {
        return (0, 0);
    }
    let unhealthy = cleanup_unhealthy_replicas(posts, replica_sets, new, max_scaled_down as u32);
    let available = scale_down_available(posts, replica_sets, new);
    (unhealthy, available)
}

/// `cleanupUnhealthyReplicas`: oldest first, remove each old ReplicaSet's pods that are not
/// available, at most `budget` in all.
fn cleanup_unhealthy_replicas(
    posts: &FencePosts,
    replica_sets: &mut [ReplicaSetRecord],
    new: usize,
    budget: u32,
) -> u32 {
    let mut removed = 0;
    for (i, rs) in replica_sets.iter_mut().enumerate() {
        if i == new || rs.replicas == 0 {
            continue;
        }
        if removed >= budget {
            break;
        }
        let unhealthy = rs.replicas.saturating_sub(rs.available);
        if unhealthy == 0 {
            continue;
        }
        let count = unhealthy.min(budget - removed);
        rs.scale_to(rs.replicas - count, posts);
        removed += count;
    }
    removed
}

/// `scaleDownOldReplicaSetsForRollingUpdate`: oldest first, remove available old pods down to
/// `minAvailable` across all ReplicaSets (by their status, which this sync has not changed).
fn scale_down_available(posts: &FencePosts, replica_sets: &mut [ReplicaSetRecord], new: usize) -> u32 {
    let available = total_available(replica_sets);
    if available <= posts.min_available() {
        return 0;
    }
    let to_remove = available - posts.min_available();
    let mut removed = 0;
    for (i, rs) in replica_sets.iter_mut().enumerate() {
        if i == new || rs.replicas == 0 {
            continue;
        }
        if removed >= to_remove {
            break;
        }
        let count = rs.replicas.min(to_remove - removed);
        rs.scale_to(rs.replicas - count, posts);
        removed += count;
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::k8s::DeploymentStrategy;
    use crate::model::k8s::IntOrPercent::Int;

    /// A ReplicaSet annotated for D 10 (no scaling event).
    fn rs(revision: u32, is_new: bool, replicas: u32, available: u32) -> ReplicaSetRecord {
        ReplicaSetRecord {
            revision,
            is_new,
            replicas,
            pods: replicas,
            ready: available,
            available,
            desired_replicas: Some(10),
            max_replicas: Some(13),
        }
    }

    /// One sync at D 10, maxSurge 3, maxUnavailable 2 (minAvailable 8, at most 13).
    #[track_caller]
    fn check(mut sets: Vec<ReplicaSetRecord>, expected_step: RolloutStep, expected: &[u32]) {
        let strategy = DeploymentStrategy::RollingUpdate {
            max_surge: Int(3),
            max_unavailable: Int(2),
        };
        let posts = FencePosts::resolve(10, &strategy);
        assert_eq!(rolling_sync(&posts, &mut sets), expected_step);
        assert_eq!(sets.iter().map(|s| s.replicas).collect::<Vec<_>>(), expected);
    }

    fn down(unhealthy: u32, available: u32) -> RolloutStep {
        RolloutStep::OldReplicaSetsScaledDown { unhealthy, available }
    }

    #[test]
    fn one_sync_scales_the_new_replica_set_or_else_the_old_ones() {
        use RolloutStep::*;
        // k8s-semantics W21, sync by sync: new→3, old→8, new→5, then stuck.
        check(
            vec![rs(1, false, 10, 10), rs(2, true, 0, 0)],
            NewReplicaSetScaled,
            &[10, 3],
        );
        check(vec![rs(1, false, 10, 10), rs(2, true, 3, 0)], down(0, 2), &[8, 3]);
        check(
            vec![rs(1, false, 8, 8), rs(2, true, 3, 0)],
            NewReplicaSetScaled,
            &[8, 5],
        );
        check(vec![rs(1, false, 8, 8), rs(2, true, 5, 0)], Waiting, &[8, 5]);
        // The new ReplicaSet never grows past D; above D it shrinks to D.
        check(
            vec![rs(1, false, 1, 1), rs(2, true, 9, 9)],
            NewReplicaSetScaled,
            &[1, 10],
        );
        check(vec![rs(2, true, 12, 12)], NewReplicaSetScaled, &[10]);
        // Complete: D available on the new ReplicaSet, nothing else.
        check(vec![rs(1, false, 0, 0), rs(2, true, 10, 10)], Complete, &[0, 10]);
        check(vec![rs(2, true, 10, 9)], Waiting, &[10]);
    }

    #[test]
    fn unhealthy_old_pods_go_first_within_the_scale_down_budget() {
        // A rollover: revision 2 (bad, 5 unready) is now old; revision 3 is new. Budget
        // 13 − 8 − 0 = 5 takes revision 2's five unready pods; no available pod is spare.
        check(
            vec![rs(1, false, 8, 8), rs(2, false, 5, 0), rs(3, true, 0, 0)],
            down(5, 0),
            &[8, 0, 0],
        );
        // Oldest first, the budget shared: revision 1's 2 unready, then 3 of revision 2's 5.
        check(
            vec![rs(1, false, 8, 6), rs(2, false, 5, 0), rs(3, true, 0, 0)],
            down(5, 0),
            &[6, 2, 0],
        );
        // The new ReplicaSet's unavailable pods shrink the budget: 13 − 8 − 3 = 2.
        check(
            vec![rs(1, false, 7, 7), rs(2, false, 3, 0), rs(3, true, 3, 0)],
            down(2, 0),
            &[7, 1, 3],
        );
        // Available pods above minAvailable go after the cleanup, oldest first, regardless of
        // the budget: 10 available − 8 = 2 from revision 1.
        check(
            vec![rs(1, false, 4, 4), rs(2, false, 6, 6), rs(3, true, 3, 0)],
            down(0, 2),
            &[2, 6, 3],
        );
        // A status that lags a scale-down (more available than replicas) counts no unhealthy.
        check(vec![rs(1, false, 9, 10), rs(2, true, 4, 0)], down(0, 2), &[7, 4]);
    }
}
