//! One scan's scale-down: which nodes are unneeded, since when, and which are removed now
//! (k8s-semantics 5.4; W34).

use crate::model::k8s::PodResources;
use crate::sim::{SimDuration, SimTime};

/// Why a node's pods may not be evicted, so the node stays (k8s-semantics 5.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RemovalBlocker {
    /// A PodDisruptionBudget allows no disruption of one of its pods.
    DisruptionBudget,
    /// A pod is annotated `cluster-autoscaler.kubernetes.io/safe-to-evict: "false"`.
    NotSafeToEvict,
    /// The node is annotated `cluster-autoscaler.kubernetes.io/scale-down-disabled: "true"`.
    ScaleDownDisabled,
}

/// One node as scale-down sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodeUsage {
    /// Its node group (an index into `ScaleDownInput::groups`).
    pub group: usize,
    /// `status.allocatable`.
    pub allocatable: PodResources,
    /// The requests of every pod on it, DaemonSet pods included.
    pub requested: PodResources,
    /// Pods that would have to move (not DaemonSet or mirror pods): 0 for an empty node.
    pub pods_to_move: u32,
    /// What keeps its pods in place, if anything.
    pub blocker: Option<RemovalBlocker>,
    /// Since when it has been unneeded, as the last scan left it.
    pub unneeded_since: Option<SimTime>,
    /// Already cordoned and draining, or terminating.
    pub being_removed: bool,
}

/// A node group's sizes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GroupSize {
    /// Desired capacity now (already lowered for nodes being removed).
    pub target_size: u32,
    /// `scalingConfig.minSize`.
    pub min_size: u32,
}

/// When Cluster Autoscaler last changed the cluster.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ScaleDownTimers {
    /// The last scale-up.
    pub last_scale_up: Option<SimTime>,
    /// The last node deleted by scale-down.
    pub last_delete: Option<SimTime>,
    /// The last failed scale-down (an eviction that did not succeed).
    pub last_failure: Option<SimTime>,
}

/// Cluster Autoscaler's scale-down flags.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScaleDownSettings {
    /// `--scale-down-utilization-threshold` (0.5).
    pub utilization_threshold: f64,
    /// `--scale-down-unneeded-time` (10 min).
    pub unneeded_time: SimDuration,
    /// `--scale-down-delay-after-add` (10 min).
    pub delay_after_add: SimDuration,
    /// `--scale-down-delay-after-delete` (0 s).
    pub delay_after_delete: SimDuration,
    /// `--scale-down-delay-after-failure` (3 min).
    pub delay_after_failure: SimDuration,
    /// `--max-scale-down-parallelism` (10): removals under way at once.
    pub max_scale_down_parallelism: u32,
    /// `--max-drain-parallelism` (1): non-empty nodes draining at once.
    pub max_drain_parallelism: u32,
}

impl Default for ScaleDownSettings {
    fn default() -> ScaleDownSettings {
        ScaleDownSettings {
            utilization_threshold: 0.5,
            unneeded_time: SimDuration::from_mins(10),
            delay_after_add: SimDuration::from_mins(10),
            delay_after_delete: SimDuration::ZERO,
            delay_after_failure: SimDuration::from_mins(3),
            max_scale_down_parallelism: 10,
            max_drain_parallelism: 1,
        }
    }
}

/// Everything one scan's scale-down reads.
#[derive(Clone, Copy, Debug)]
pub struct ScaleDownInput<'a> {
    /// The scan's time.
    pub now: SimTime,
    /// The nodes of the groups Cluster Autoscaler manages.
    pub nodes: &'a [NodeUsage],
    /// The node groups.
    pub groups: &'a [GroupSize],
    /// Its last actions.
    pub timers: ScaleDownTimers,
    /// Its flags.
    pub settings: ScaleDownSettings,
    /// Non-empty nodes still draining from earlier scans.
    pub drains_in_progress: u32,
}

/// Why nothing is removed this scan although nodes may be unneeded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cooldown {
    /// `scale-down-delay-after-add`, until the time given.
    AfterScaleUp(SimTime),
    /// `scale-down-delay-after-failure`.
    AfterFailure(SimTime),
    /// `scale-down-delay-after-delete`.
    AfterDelete(SimTime),
}

/// Whether a removed node had pods to move.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RemovalKind {
    /// No pods to move: deleted in bulk.
    Empty,
    /// Its pods are evicted first, one such node at a time.
    Drain,
}

/// A node to remove now.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NodeRemoval {
    /// The node (an index into `ScaleDownInput::nodes`).
    pub node: usize,
    /// Empty or drained.
    pub kind: RemovalKind,
    /// Its utilization.
    pub utilization: f64,
    /// How long it has been unneeded.
    pub unneeded_for: SimDuration,
}

impl NodeRemoval {
    /// Why, for the event log: `empty, utilization 0.12 < 0.5, unneeded for 10m`.
    pub fn reason(&self, threshold: f64) -> String {
        let kind = match self.kind {
            RemovalKind::Empty => "empty",
            RemovalKind::Drain => "pods fit elsewhere",
        };
        format!(
            "{kind}, utilization {:.2} < {threshold}, unneeded for {}",
            self.utilization, self.unneeded_for
        )
    }
}

/// The scan's decision.
#[derive(Clone, Debug, PartialEq)]
pub struct ScaleDown {
    /// Each node's unneeded-since after this scan (`None`: needed), in `nodes` order.
    pub unneeded_since: Vec<Option<SimTime>>,
    /// Nodes to cordon and remove now (lower each one's group's desired capacity by one).
    pub removals: Vec<NodeRemoval>,
    /// The cooldown that held removals back, if one did.
    pub cooldown: Option<Cooldown>,
}

/// `max(cpu requested / allocatable, memory requested / allocatable)`; an amount with nothing
/// allocatable counts 0 when nothing is requested of it, else 1.
pub fn utilization(requested: PodResources, allocatable: PodResources) -> f64 {
    let share = |requested: u64, allocatable: u64| match (requested, allocatable) {
        (0, 0) => 0.0,
        (_, 0) => 1.0,
        (r, a) => r as f64 / a as f64,
    };
    share(requested.cpu_milli, allocatable.cpu_milli).max(share(requested.memory_mib, allocatable.memory_mib))
}

/// One scan's scale-down. A node is unneeded when it is not being removed, nothing blocks it,
/// its group is above `minSize`, its utilization is below the threshold and its pods can move
/// (`can_move_pods(node)`: a scheduling simulation onto the other nodes; asked only for nodes
/// that pass the cheaper checks and have pods). Unless a cooldown holds, nodes unneeded for
/// `unneeded_time` are removed, the longest unneeded first: empty ones in bulk, non-empty ones
/// up to the drain parallelism, never more than the scale-down parallelism, never a group below
/// `minSize`. Call it only in scans without a scale-up.
pub fn scale_down(input: &ScaleDownInput<'_>, mut can_move_pods: impl FnMut(usize) -> bool) -> ScaleDown {
    let settings = &input.settings;
    let unneeded_since: Vec<Option<SimTime>> = input
        .nodes
        .iter()
        .enumerate()
        .map(|(i, node)| {
            let group = input.groups[node.group];
            let unneeded = !node.being_removed
                && node.blocker.is_none()
                && group.target_size > group.min_size
                && utilization(node.requested, node.allocatable) < settings.utilization_threshold
                && (node.pods_to_move == 0 || can_move_pods(i));
            unneeded.then(|| node.unneeded_since.unwrap_or(input.now))
        })
        .collect();
    let cooldown = cooldown(input.now, &input.timers, settings);
    let removals = if cooldown.is_some() {
        Vec::new()
    } else {
        removals(input, &unneeded_since)
    };
    ScaleDown {
        unneeded_since,
        removals,
        cooldown,
    }
}

/// The first delay still running at `now`, if any.
fn cooldown(now: SimTime, timers: &ScaleDownTimers, settings: &ScaleDownSettings) -> Option<Cooldown> {
    let until = |last: Option<SimTime>, delay: SimDuration| last.map(|t| t + delay).filter(|&end| now < end);
    until(timers.last_scale_up, settings.delay_after_add)
        .map(Cooldown::AfterScaleUp)
        .or_else(|| until(timers.last_failure, settings.delay_after_failure).map(Cooldown::AfterFailure))
        .or_else(|| until(timers.last_delete, settings.delay_after_delete).map(Cooldown::AfterDelete))
}

/// The nodes unneeded long enough, in order (longest first, then by index), taken within the
/// parallelism limits and the groups' minimum sizes: empty ones first, then drains.
fn removals(input: &ScaleDownInput<'_>, unneeded_since: &[Option<SimTime>]) -> Vec<NodeRemoval> {
    let settings = &input.settings;
    let mut ready: Vec<(SimTime, usize)> = unneeded_since
        .iter()
        .enumerate()
        .filter_map(|(i, since)| since.map(|t| (t, i)))
        .filter(|&(t, _)| input.now.since(t) >= settings.unneeded_time)
        .collect();
    ready.sort_unstable();
    let mut room: Vec<u32> = input
        .groups
        .iter()
        .map(|g| g.target_size.saturating_sub(g.min_size))
        .collect();
    let mut total_left = settings
        .max_scale_down_parallelism
        .saturating_sub(input.drains_in_progress);
    let mut drains_left = settings.max_drain_parallelism.saturating_sub(input.drains_in_progress);
    let mut out = Vec::new();
    for kind in [RemovalKind::Empty, RemovalKind::Drain] {
        for &(since, i) in &ready {
            let node = &input.nodes[i];
            if (node.pods_to_move == 0) != (kind == RemovalKind::Empty) || total_left == 0 || room[node.group] == 0 {
                continue;
            }
            if kind == RemovalKind::Drain {
                if drains_left == 0 {
                    break;
                }
                drains_left -= 1;
            }
            total_left -= 1;
            room[node.group] -= 1;
            out.push(NodeRemoval {
                node: i,
                kind,
                utilization: utilization(node.requested, node.allocatable),
                unneeded_for: input.now.since(since),
            });
        }
    }
    out
}

#[cfg(test)]
#[path = "scale_down_tests.rs"]
mod tests;
