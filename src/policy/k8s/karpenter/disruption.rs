//! Karpenter's disruption controller, one poll (k8s-semantics 6.5 to 6.7): expired nodes are
//! drained (forceful, not budgeted); then at most one graceful action, within the NodePools'
//! budgets: delete empty nodes, else delete underutilized nodes whose pods fit elsewhere or
//! replace them with one cheaper node (multi-node, then single-node consolidation).

use crate::model::catalog::InstanceType;
use crate::model::k8s::{ConsolidationPolicy, PodResources};
use crate::sim::{SimDuration, SimTime};

use super::budgets::{DisruptionReason, NodeBudget, PoolNodeCounts, allowed_disruptions};
use super::consolidation::Simulator;
use super::expiry::expiry;
use super::offerings::{NodeCapacity, Offering, PoolOffer, Pricing};

/// Where a node is in its life, as disruption sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodePhase {
    /// Launched, not Ready yet (counts as not Ready in budgets; takes pods in simulations).
    Launching,
    /// Ready.
    Ready,
    /// Being drained or terminated.
    Deleting,
}

/// One live node of the cluster (any node: nodes of managed node groups can take pods too).
#[derive(Clone, Copy, Debug)]
pub struct ClusterNode<'a> {
    /// Its NodePool (index into `DisruptionInput::pools`); `None` for a node Karpenter does
    /// not own, which only receives pods.
    pub pool: Option<usize>,
    /// Its instance type, zone and capacity type.
    pub offering: Offering,
    /// Its price, USD per hour.
    pub usd_per_hour: f64,
    /// Allocatable CPU and memory.
    pub allocatable: PodResources,
    /// Max pods.
    pub max_pods: u32,
    /// Requests of every pod bound to it (DaemonSet pods included).
    pub requested: PodResources,
    /// Pods bound to it (DaemonSet pods included).
    pub pod_count: u32,
    /// Requests of the pods that would move if it went (not DaemonSet pods); empty = empty node.
    pub movable_pods: &'a [PodResources],
    /// Lifecycle.
    pub phase: NodePhase,
    /// Launch time.
    pub launched_at: SimTime,
    /// Last time a pod was bound to it or left it (`consolidateAfter` counts from here).
    pub last_pod_change: SimTime,
    /// A pod on it is annotated `karpenter.sh/do-not-disrupt: "true"`.
    pub do_not_disrupt: bool,
    /// Evicting one of its pods would violate a PodDisruptionBudget.
    pub pdb_blocked: bool,
}

/// A NodePool's disruption settings with its offerings (for replacements).
#[derive(Clone, Copy, Debug)]
pub struct PoolDisruption<'a> {
    /// What the pool can launch, and its remaining limits.
    pub offer: PoolOffer<'a>,
    /// `spec.disruption.consolidationPolicy`.
    pub consolidation_policy: ConsolidationPolicy,
    /// `spec.disruption.consolidateAfter`; `None` = `Never` (no consolidation).
    pub consolidate_after: Option<SimDuration>,
    /// `spec.template.spec.expireAfter`; `None` = `Never`.
    pub expire_after: Option<SimDuration>,
    /// `spec.template.spec.terminationGracePeriod`; `None` = unset.
    pub termination_grace_period: Option<SimDuration>,
    /// `spec.disruption.budgets`, schedules resolved.
    pub budgets: &'a [NodeBudget],
}

/// Controller-wide settings.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct DisruptionSettings {
    /// Spot's price.
    pub pricing: Pricing,
    /// Feature gate `SpotToSpotConsolidation` (default off): a Spot node may be replaced by a
    /// cheaper Spot node (with at least 15 cheaper instance types).
    pub spot_to_spot: bool,
}

/// What only the engine knows.
pub trait DisruptionView {
    /// Whether pod `pod` (index into node `from`'s `movable_pods`) may run on node `to` on
    /// everything but resources (taints, affinity, spread, zone-bound volumes).
    fn can_move(&self, from: usize, pod: usize, to: usize) -> bool {
        let _ = (from, pod, to);
        true
    }
    /// What a node of `instance_type` launched by NodePool `pool` offers pods.
    fn node_capacity(&self, pool: usize, instance_type: &InstanceType) -> NodeCapacity;
    /// Whether node `node`'s pods may run on a node of `offering` (e.g. their zone).
    fn replacement_allowed(&self, node: usize, offering: &Offering) -> bool {
        let _ = (node, offering);
        true
    }
}

/// The read-only inputs of one poll.
#[derive(Clone, Copy, Debug)]
pub struct DisruptionInput<'a> {
    /// The poll's time.
    pub now: SimTime,
    /// Every live node (index = node number in this slice).
    pub nodes: &'a [ClusterNode<'a>],
    /// The NodePools.
    pub pools: &'a [PoolDisruption<'a>],
    /// Controller settings.
    pub settings: DisruptionSettings,
}

/// The node that replaces consolidated ones.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Replacement {
    /// Its NodePool.
    pub pool: usize,
    /// What to launch.
    pub offering: Offering,
    /// Its price, USD per hour.
    pub usd_per_hour: f64,
    /// Its capacity estimate.
    pub capacity: NodeCapacity,
}

/// The one graceful action of a poll.
#[derive(Clone, Debug, PartialEq)]
pub enum DisruptionAction {
    /// Nothing to do.
    None,
    /// Taint and drain these nodes; their pods fit on the others.
    Delete {
        /// Node indices.
        nodes: Vec<usize>,
        /// `Empty` or `Underutilized`.
        reason: DisruptionReason,
    },
    /// Launch the replacement, wait until it is Ready, then drain these nodes.
    Replace {
        /// Node indices.
        nodes: Vec<usize>,
        /// The one cheaper node.
        replacement: Replacement,
        /// `Underutilized`.
        reason: DisruptionReason,
    },
}

/// A node past its `expireAfter`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExpiredNode {
    /// Node index.
    pub node: usize,
    /// When blocked pods stop holding its drain (`terminationGracePeriod`), if ever.
    pub force_terminate_at: Option<SimTime>,
}

/// The outcome of one poll.
#[derive(Clone, Debug, PartialEq)]
pub struct Disruption {
    /// Nodes to drain now because they expired (reason `Expired`).
    pub expired: Vec<ExpiredNode>,
    /// The graceful action.
    pub action: DisruptionAction,
    /// The next time a node becomes a candidate by time alone (its `consolidateAfter` or
    /// `expireAfter` passes): while the nodes and pods do not change, polls before then
    /// return the same answer, so the engine may skip them.
    pub recheck_at: Option<SimTime>,
}

/// One poll of the disruption controller.
pub fn disrupt(input: &DisruptionInput<'_>, view: &impl DisruptionView) -> Disruption {
    let now = input.now;
    let mut recheck_at: Option<SimTime> = None;
    let mut later = |t: SimTime| recheck_at = Some(recheck_at.map_or(t, |r| r.min(t)));
    let mut expired = Vec::new();
    let mut gone = vec![false; input.nodes.len()];
    let mut counts = vec![PoolNodeCounts::default(); input.pools.len()];
    let mut candidates: Vec<(usize, SimTime)> = Vec::new();
    for (index, node) in input.nodes.iter().enumerate() {
        let Some(p) = node.pool else { continue };
        let pool = &input.pools[p];
        counts[p].total += 1;
        match node.phase {
            NodePhase::Deleting => {
                counts[p].deleting += 1;
                gone[index] = true;
                continue;
            }
            NodePhase::Launching => counts[p].not_ready += 1,
            NodePhase::Ready => {}
        }
        let life = expiry(node.launched_at, pool.expire_after, pool.termination_grace_period);
        if let Some(life) = life {
            if life.drain_at <= now {
                expired.push(ExpiredNode {
                    node: index,
                    force_terminate_at: life.force_terminate_at,
                });
                counts[p].deleting += 1;
                gone[index] = true;
                continue;
            }
            later(life.drain_at);
        }
        if node.phase != NodePhase::Ready || !consolidatable(node, pool) {
            continue;
        }
        let Some(after) = pool.consolidate_after else { continue };
        let eligible_at = node.last_pod_change.plus(after);
        if eligible_at > now {
            later(eligible_at);
            continue;
        }
        candidates.push((index, life.map_or(SimTime(u64::MAX), |l| l.drain_at)));
    }
    // Fewer pods first, then sooner expiry (k8s-semantics 6.5's candidate order).
    candidates.sort_by_key(|&(i, drain_at)| (input.nodes[i].movable_pods.len(), drain_at, i));
    let action = consolidate(input, view, &candidates, &counts, &gone);
    Disruption {
        expired,
        action,
        recheck_at,
    }
}

/// Whether the node's pods and pool let consolidation consider it at all.
fn consolidatable(node: &ClusterNode<'_>, pool: &PoolDisruption<'_>) -> bool {
    if node.do_not_disrupt {
        return false;
    }
    if node.movable_pods.is_empty() {
        return true;
    }
    pool.consolidation_policy == ConsolidationPolicy::WhenEmptyOrUnderutilized && !node.pdb_blocked
}

/// Empty nodes first (as many as each budget allows), then underutilized nodes: the longest
/// prefix multi-node consolidation finds, else the first single node that can go.
fn consolidate(
    input: &DisruptionInput<'_>,
    view: &impl DisruptionView,
    candidates: &[(usize, SimTime)],
    counts: &[PoolNodeCounts],
    gone: &[bool],
) -> DisruptionAction {
    let allowed = |p: usize, reason| allowed_disruptions(input.pools[p].budgets, reason, counts[p]);
    let mut empty_left: Vec<u32> = (0..input.pools.len())
        .map(|p| allowed(p, DisruptionReason::Empty))
        .collect();
    let mut empty = Vec::new();
    for &(i, _) in candidates
        .iter()
        .filter(|(i, _)| input.nodes[*i].movable_pods.is_empty())
    {
        let p = input.nodes[i].pool.expect("candidates belong to a pool");
        if empty_left[p] > 0 {
            empty_left[p] -= 1;
            empty.push(i);
        }
    }
    if !empty.is_empty() {
        return DisruptionAction::Delete {
            nodes: empty,
            reason: DisruptionReason::Empty,
        };
    }
    // Multi-node: candidates as many of each pool as its budget allows.
    let mut left: Vec<u32> = (0..input.pools.len())
        .map(|p| allowed(p, DisruptionReason::Underutilized))
        .collect();
    let mut underutilized = Vec::new();
    let mut single = Vec::new();
    for &(i, _) in candidates
        .iter()
        .filter(|(i, _)| !input.nodes[*i].movable_pods.is_empty())
    {
        let p = input.nodes[i].pool.expect("candidates belong to a pool");
        if left[p] > 0 {
            left[p] -= 1;
            underutilized.push(i);
        }
        if allowed(p, DisruptionReason::Underutilized) > 0 {
            single.push(i);
        }
    }
    let mut simulator = Simulator::new(input, view, gone);
    if let Some(action) = simulator.multi_node(&underutilized, view) {
        return action;
    }
    // Single-node: the first candidate that can go on its own (multi-node tried prefixes only).
    for i in single.into_iter().skip(1) {
        if let Some(action) = simulator.single_node(i, view) {
            return action;
        }
    }
    DisruptionAction::None
}

#[cfg(test)]
#[path = "disruption_tests.rs"]
mod tests;
