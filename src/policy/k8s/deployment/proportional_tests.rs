//! Proportional scaling tables (k8s-semantics 2.7, W22, W23).

use super::super::reconcile::sync;
use super::super::replica_sets::{DeploymentTarget, RolloutStep};
use super::*;
use crate::model::k8s::IntOrPercent::Int;

/// An old ReplicaSet with `replicas` (all available), or the new one with `available` of them.
fn rs(revision: u32, is_new: bool, replicas: u32, available: u32, max: Option<u32>, desired: u32) -> ReplicaSetRecord {
    ReplicaSetRecord {
        revision,
        is_new,
        replicas,
        pods: replicas,
        ready: available,
        available,
        desired_replicas: Some(desired),
        max_replicas: max,
    }
}

/// W21's stalled state: old 8 (available), new 5 (none ready), annotated D 10 and max 13.
fn stalled() -> Vec<ReplicaSetRecord> {
    vec![rs(1, false, 8, 8, Some(13), 10), rs(2, true, 5, 0, Some(13), 10)]
}

#[track_caller]
fn check(strategy: DeploymentStrategy, replicas: u32, mut sets: Vec<ReplicaSetRecord>, expected: &[u32]) {
    let target = DeploymentTarget {
        replicas,
        strategy,
        old_pods_remaining: 0,
    };
    assert!(is_scaling_event(replicas, &sets));
    assert_eq!(sync(&target, &mut sets), RolloutStep::ScalingEvent);
    assert_eq!(sets.iter().map(|s| s.replicas).collect::<Vec<_>>(), expected);
    let posts = target.fence_posts();
    for s in sets.iter().filter(|s| s.is_active()) {
        assert_eq!(
            (s.desired_replicas, s.max_replicas),
            (Some(replicas), Some(posts.max_total()))
        );
    }
    assert!(!is_scaling_event(replicas, &sets), "annotations written");
}

fn surge_3() -> DeploymentStrategy {
    DeploymentStrategy::RollingUpdate {
        max_surge: Int(3),
        max_unavailable: Int(2),
    }
}

#[test]
fn replicas_changed_mid_rollout_are_shared_in_proportion() {
    // k8s-semantics W22: D 10 → 15, allowed 18: old round(8·18/13) = 11, new round(5·18/13) = 7.
    check(surge_3(), 15, stalled(), &[11, 7]);
    // k8s-semantics W23: D 10 → 6, allowed 9: old round(8·9/13) = 6, new round(5·9/13) = 3.
    check(surge_3(), 6, stalled(), &[6, 3]);
    // D → 0: everything goes.
    check(surge_3(), 0, stalled(), &[0, 0]);
    // D 10 → 11: allowed 14, toAdd 1: old round(8·14/13) − 8 = 1 takes it, new gets 0.
    check(surge_3(), 11, stalled(), &[9, 5]);
    // Percent surge follows D: D 10 → 20 at 25 %: surge 5, allowed 25, toAdd 12;
    // old round(8·25/13) − 8 = 7, new round(5·25/13) − 5 = 5 (min with 12 − 7).
    let pct = DeploymentStrategy::default();
    check(pct, 20, stalled(), &[15, 10]);
}

#[test]
fn rounding_leftovers_go_to_the_largest_replica_set() {
    // Three ReplicaSets of 3, 3, 3 (max 9), D 6 → 9 with surge 0: allowed 9 → toAdd 0,
    // sizes unchanged, annotations rewritten.
    let no_surge = DeploymentStrategy::RollingUpdate {
        max_surge: Int(0),
        max_unavailable: Int(1),
    };
    let three = || {
        vec![
            rs(1, false, 3, 3, Some(9), 6),
            rs(2, false, 3, 3, Some(9), 6),
            rs(3, true, 3, 0, Some(9), 6),
        ]
    };
    check(no_surge, 9, three(), &[3, 3, 3]);
    // D → 10 (allowed 10, toAdd 1): equal sizes, newest first when adding: round(3·10/9) − 3 = 0
    // for each, so the leftover 1 goes to the first in order, the newest.
    check(no_surge, 10, three(), &[3, 3, 4]);
    // D → 8 (allowed 8, toAdd −1): oldest first when removing; round(3·8/9) − 3 = 0 each, the
    // leftover −1 to the oldest.
    check(no_surge, 8, three(), &[2, 3, 3]);
    // Halves round up, as Go's math.Round, computed exactly in integers: 1 of max 2, D 2 → 3
    // with surge 0: the newer set's round(1·3/2) = round(1.5) = 2 takes the one to add.
    let two = vec![rs(1, false, 1, 1, Some(2), 2), rs(2, true, 1, 0, Some(2), 2)];
    check(no_surge, 3, two, &[1, 2]);
}

#[test]
fn a_missing_max_annotation_falls_back_to_the_deployment_pods() {
    // max-replicas missing on the old set: its base is Σ pods (13), as with the annotation.
    let mut sets = stalled();
    sets[0].max_replicas = None;
    check(surge_3(), 15, sets, &[11, 7]);
}

#[test]
fn one_active_replica_set_takes_all_and_a_saturated_new_one_empties_the_old() {
    // k8s-semantics 2.7: one active RS is set to D.
    let single = vec![rs(1, false, 0, 0, Some(5), 4), rs(2, true, 4, 4, Some(5), 4)];
    check(DeploymentStrategy::default(), 7, single, &[0, 7]);
    // No active RS: the new one gets D.
    let mut empty = vec![rs(1, false, 0, 0, Some(5), 4), rs(2, true, 0, 0, Some(5), 4)];
    let target = DeploymentTarget {
        replicas: 3,
        strategy: DeploymentStrategy::default(),
        old_pods_remaining: 0,
    };
    assert!(
        !is_scaling_event(3, &empty),
        "inactive ReplicaSets are not a scaling event"
    );
    assert_eq!(sync(&target, &mut empty), RolloutStep::NewReplicaSetScaled);
    // Saturated new RS (replicas = annotation = available = D): the old ones go to 0.
    let mut saturated = vec![rs(1, false, 2, 2, Some(5), 4), rs(2, true, 4, 4, Some(5), 4)];
    saturated[0].desired_replicas = Some(3);
    let posts = FencePosts::resolve(4, &DeploymentStrategy::default());
    assert!(scale(&posts, &DeploymentStrategy::default(), &mut saturated));
    assert_eq!(saturated.iter().map(|s| s.replicas).collect::<Vec<_>>(), [0, 4]);
}

#[test]
fn recreate_does_not_share_in_proportion() {
    // Two active ReplicaSets under Recreate (between its steps): nothing is resized.
    let mut sets = stalled();
    let posts = FencePosts::resolve(15, &DeploymentStrategy::Recreate);
    assert!(!scale(&posts, &DeploymentStrategy::Recreate, &mut sets));
    assert_eq!(sets.iter().map(|s| s.replicas).collect::<Vec<_>>(), [8, 5]);
}
