//! Proportional scaling (k8s-semantics 2.7, `scale` and `GetProportion`): when D changes
//! mid-rollout, every active ReplicaSet grows or shrinks in proportion to its size.

use std::cmp::Ordering;

use super::fenceposts::FencePosts;
use super::replica_sets::{ReplicaSetRecord, new_index, total_replicas};
use crate::model::k8s::DeploymentStrategy;

/// `isScalingEvent`: an active ReplicaSet's desired-replicas annotation differs from D.
pub(super) fn is_scaling_event(desired: u32, replica_sets: &[ReplicaSetRecord]) -> bool {
    replica_sets
        .iter()
        .filter(|rs| rs.is_active())
        .any(|rs| rs.desired_replicas.is_some_and(|d| d != desired))
}

/// `scale`: resizes the ReplicaSets for the new D; true if a ReplicaSet changed.
pub(super) fn scale(posts: &FencePosts, strategy: &DeploymentStrategy, replica_sets: &mut [ReplicaSetRecord]) -> bool {
    let desired = posts.replicas;
    let new = new_index(replica_sets);
    let active = replica_sets.iter().filter(|rs| rs.is_active()).count();
    if active <= 1 {
        // One active ReplicaSet (or none: then the new one) takes all of D.
        let only = replica_sets.iter().position(|rs| rs.is_active()).unwrap_or(new);
        if replica_sets[only].replicas == desired {
            return false;
        }
        return replica_sets[only].scale_to(desired, posts);
    }
    if is_saturated(desired, &replica_sets[new]) {
        let mut changed = false;
        for (i, rs) in replica_sets.iter_mut().enumerate() {
            if i != new && rs.is_active() {
                changed |= rs.scale_to(0, posts);
            }
        }
        return changed;
    }
    if matches!(strategy, DeploymentStrategy::Recreate) {
        return false;
    }
    scale_proportionally(posts, replica_sets)
}

/// `IsSaturated`: the new ReplicaSet has D replicas, annotated D, all available.
fn is_saturated(desired: u32, new: &ReplicaSetRecord) -> bool {
    new.replicas == desired && new.desired_replicas == Some(desired) && new.available == desired
}

/// The RollingUpdate branch of `scale`: distribute `allowed − Σ replicas` over the active
/// ReplicaSets, largest first, the leftover to the largest.
fn scale_proportionally(posts: &FencePosts, replica_sets: &mut [ReplicaSetRecord]) -> bool {
    let allowed = if posts.replicas > 0 {
        i64::from(posts.max_total())
    } else {
        0
    };
    let to_add = allowed - i64::from(total_replicas(replica_sets));
    let status_replicas: u32 = replica_sets.iter().map(|rs| rs.pods).sum();
    let mut order: Vec<usize> = (0..replica_sets.len())
        .filter(|&i| replica_sets[i].is_active())
        .collect();
    order.sort_by(|&a, &b| by_size(replica_sets, a, b, to_add));
    let mut added = 0i64;
    let mut sizes: Vec<i64> = Vec::with_capacity(order.len());
    for &i in &order {
        let rs = &replica_sets[i];
        let proportion = proportion(posts, status_replicas, rs, to_add, added);
        sizes.push(i64::from(rs.replicas) + proportion);
        added += proportion;
    }
    if to_add != 0 {
        // The leftover of the rounding goes to the largest ReplicaSet, floored at zero.
        sizes[0] = (sizes[0] + to_add - added).max(0);
    }
    let mut changed = false;
    for (&i, &size) in order.iter().zip(&sizes) {
        changed |= replica_sets[i].scale_to(size as u32, posts);
    }
    changed
}

/// Larger first; equal sizes newer first when adding, older first when removing (slice order
/// is creation order).
fn by_size(replica_sets: &[ReplicaSetRecord], a: usize, b: usize, to_add: i64) -> Ordering {
    let size = replica_sets[b].replicas.cmp(&replica_sets[a].replicas);
    let age = if to_add > 0 { b.cmp(&a) } else { a.cmp(&b) };
    size.then(age)
}

/// `GetProportion`: this ReplicaSet's share, bounded by what is left to add or remove.
fn proportion(posts: &FencePosts, status_replicas: u32, rs: &ReplicaSetRecord, to_add: i64, added: i64) -> i64 {
    if rs.replicas == 0 || to_add == 0 || to_add == added {
        return 0;
    }
    let fraction = fraction(posts, status_replicas, rs);
    let left = to_add - added;
    if to_add > 0 {
        fraction.min(left)
    } else {
        fraction.max(left)
    }
}

/// `getReplicaSetFraction`: round(replicas × (D + surge) / max-replicas annotation) − replicas,
/// the annotation missing falling back to the Deployment's pods; the whole size when D is 0.
fn fraction(posts: &FencePosts, status_replicas: u32, rs: &ReplicaSetRecord) -> i64 {
    let replicas = i64::from(rs.replicas);
    if posts.replicas == 0 {
        return -replicas;
    }
    let before = match rs.max_replicas {
        Some(max) if max > 0 => i64::from(max),
        _ if status_replicas > 0 => i64::from(status_replicas),
        _ => return 0,
    };
    let after = i64::from(posts.max_total());
    // Go's math.Round of a non-negative ratio: half rounds up, done exactly in integers.
    (2 * replicas * after + before) / (2 * before) - replicas
}

#[cfg(test)]
#[path = "proportional_tests.rs"]
mod tests;
