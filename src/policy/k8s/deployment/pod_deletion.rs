//! Which pods a shrinking ReplicaSet deletes first (k8s-semantics 2.3, K-CUTIL
//! `ActivePodsWithRanks.Less` with `LogarithmicScaleDown`, and `getPodsToDelete`).

use std::cmp::Ordering;

use crate::sim::SimTime;

/// A pod's phase as the ranking sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum PodPhase {
    /// Not yet running (unscheduled, pulling, starting).
    Pending,
    /// The node stopped reporting.
    Unknown,
    /// Containers running.
    Running,
}

/// One pod of the shrinking ReplicaSet, not terminating.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeletionCandidate {
    /// The engine's pod id: the last tie-break (Kubernetes compares UIDs), and what the engine
    /// deletes.
    pub pod: u64,
    /// The node it is bound to (`None`: unassigned).
    pub node: Option<u64>,
    /// Its phase.
    pub phase: PodPhase,
    /// Ready since this time (`None`: not Ready).
    pub ready_since: Option<SimTime>,
    /// Restarts of its most restarted container.
    pub restarts: u32,
    /// Its creation time.
    pub created: SimTime,
    /// `controller.kubernetes.io/pod-deletion-cost` (default 0).
    pub deletion_cost: i32,
    /// Active pods of the same Deployment (any ReplicaSet) on its node, itself included
    /// (`count_colocated` fills it).
    pub colocated: u32,
}

/// Fills each candidate's `colocated` from the nodes of the Deployment's active pods (all its
/// ReplicaSets, the candidates among them).
pub fn count_colocated(candidates: &mut [DeletionCandidate], related_nodes: impl Iterator<Item = Option<u64>>) {
    let mut nodes: Vec<Option<u64>> = related_nodes.collect();
    nodes.sort_unstable();
    for c in candidates.iter_mut() {
        let first = nodes.partition_point(|n| *n < c.node);
        let end = nodes.partition_point(|n| *n <= c.node);
        c.colocated = (end - first) as u32;
    }
}

/// Puts the `count` pods to delete first at the front of `candidates`, in deletion order.
/// Selection is linear; only the chosen `count` are sorted.
pub fn order_for_deletion(candidates: &mut [DeletionCandidate], count: usize, now: SimTime) {
    let count = count.min(candidates.len());
    if count == 0 {
        return;
    }
    if count < candidates.len() {
        candidates.select_nth_unstable_by(count - 1, |a, b| deletion_order(a, b, now));
    }
    candidates[..count].sort_unstable_by(|a, b| deletion_order(a, b, now));
}

/// `ActivePodsWithRanks.Less` as an ordering: `Less` means `a` is deleted before `b`.
pub fn deletion_order(a: &DeletionCandidate, b: &DeletionCandidate, now: SimTime) -> Ordering {
    // 1. Unassigned before assigned.
    a.node
        .is_some()
        .cmp(&b.node.is_some())
        // 2. Pending < Unknown < Running.
        .then(a.phase.cmp(&b.phase))
        // 3. Not ready before ready.
        .then(a.ready_since.is_some().cmp(&b.ready_since.is_some()))
        // 4. Lower deletion cost first.
        .then(a.deletion_cost.cmp(&b.deletion_cost))
        // 5. More pods of the Deployment on the same node first.
        .then(b.colocated.cmp(&a.colocated))
        // 6. Both ready: ready more recently first, by log2 of the time ready.
        .then_with(|| match (a.ready_since, b.ready_since) {
            (Some(ra), Some(rb)) if ra != rb => log_rank(ra, now).cmp(&log_rank(rb, now)).then(a.pod.cmp(&b.pod)),
            _ => Ordering::Equal,
        })
        // 7. More restarts first.
        .then(b.restarts.cmp(&a.restarts))
        // 8. Newer first, by log2 of the age; ties by id.
        .then_with(|| {
            if a.created == b.created {
                Ordering::Equal
            } else {
                log_rank(a.created, now).cmp(&log_rank(b.created, now))
            }
        })
        .then(a.pod.cmp(&b.pod))
}

/// `logarithmicRankDiff`'s rank: ⌊log2(now − t in nanoseconds)⌋, −1 when `t` is not in the
/// past.
fn log_rank(t: SimTime, now: SimTime) -> i64 {
    let nanos = now.since(t).as_millis().saturating_mul(1_000_000);
    if nanos == 0 { -1 } else { i64::from(nanos.ilog2()) }
}

#[cfg(test)]
#[path = "pod_deletion_tests.rs"]
mod tests;
