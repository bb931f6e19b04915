//! One scheduling cycle (k8s-semantics 4.1): filter nodes from a rotating start until enough
//! are feasible, score them, pick the best with a uniform random tie-break.

use rand::{Rng, RngExt};

use super::filters::{
    NodeShape, Rejection, matches_node_selector_and_affinity, passes_node_unschedulable, resources_fit,
    untolerated_taint,
};
use super::inputs::{Cluster, NodeRecord, PodToSchedule, SchedulerProfile};
use super::inter_pod::InterPodFilter;
use super::scores::total_scores;
use super::topology_spread::SpreadFilter;
use super::unschedulable::Unschedulable;

/// Below this many nodes every node is evaluated (`minFeasibleNodesToFind`).
pub const MIN_FEASIBLE_NODES_TO_FIND: usize = 100;
/// The adaptive percentage never goes below this (`minFeasibleNodesPercentageToFind`).
pub const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND: usize = 5;

/// What one scheduling cycle decided.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScheduleResult {
    /// The chosen node (an index into `Cluster::nodes`), or why none would do.
    pub placement: Result<usize, Unschedulable>,
    /// Where the next cycle starts examining nodes (pass it back as `start_index`).
    pub next_start_index: usize,
    /// Nodes found feasible (at most `num_feasible_nodes_to_find`).
    pub feasible_nodes: usize,
}

/// How many feasible nodes a cycle looks for before it stops filtering
/// (`numFeasibleNodesToFind`, W31): all below 100 nodes; else `percentage` (0 = adaptive
/// `max(50 - n/125, 5)`) of them, at least 100.
pub fn num_feasible_nodes_to_find(percentage_of_nodes_to_score: u32, node_count: usize) -> usize {
    if node_count < MIN_FEASIBLE_NODES_TO_FIND {
        return node_count;
    }
    let percentage = match percentage_of_nodes_to_score as usize {
        0 => 50usize
            .saturating_sub(node_count / 125)
            .max(MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND),
        p => p.min(100),
    };
    (node_count * percentage / 100).max(MIN_FEASIBLE_NODES_TO_FIND)
}

/// Schedules one pod: every filter on nodes taken from `start_index` round the cluster until
/// enough are feasible, then the weighted scores, then the highest total (ties uniformly at
/// random from `rng`, which is drawn only on ties). Topology counts are computed once per call.
pub fn schedule_one(
    pod: &PodToSchedule<'_>,
    cluster: &Cluster<'_>,
    profile: &SchedulerProfile,
    start_index: usize,
    rng: &mut impl Rng,
) -> ScheduleResult {
    let n = cluster.nodes.len();
    if n == 0 {
        let placement = Err(Unschedulable::from_rejections(0, &[]));
        return ScheduleResult {
            placement,
            next_start_index: 0,
            feasible_nodes: 0,
        };
    }
    let spread = SpreadFilter::new(pod, cluster);
    let inter_pod = InterPodFilter::new(pod, cluster);
    let wanted = num_feasible_nodes_to_find(profile.percentage_of_nodes_to_score, n);
    let mut feasible = Vec::with_capacity(wanted.min(n));
    let mut rejections = Vec::new();
    let mut processed = 0;
    for k in 0..n {
        let i = (start_index + k) % n;
        processed += 1;
        match filter_node(pod, &cluster.nodes[i], spread.as_ref(), inter_pod.as_ref()) {
            Ok(()) => {
                feasible.push(i);
                if feasible.len() == wanted {
                    break;
                }
            }
            Err(r) => rejections.push(r),
        }
    }
    let next_start_index = (start_index + processed) % n;
    let feasible_nodes = feasible.len();
    let placement = match feasible.as_slice() {
        [] => Err(Unschedulable::from_rejections(n, &rejections)),
        [only] => Ok(*only),
        _ => Ok(feasible[select_host(&total_scores(pod, cluster, &feasible, profile), rng)]),
    };
    ScheduleResult {
        placement,
        next_start_index,
        feasible_nodes,
    }
}

/// Every filter for one node, in the default plugin order: NodeUnschedulable, TaintToleration,
/// NodeAffinity, NodeResourcesFit, PodTopologySpread, InterPodAffinity; the first to fail
/// gives the reason.
pub(super) fn filter_node<'a>(
    pod: &PodToSchedule<'_>,
    node: &NodeRecord<'a>,
    spread: Option<&SpreadFilter<'_>>,
    inter_pod: Option<&InterPodFilter<'_>>,
) -> Result<(), Rejection<'a>> {
    let template = pod.template;
    if !passes_node_unschedulable(&template.tolerations, node.unschedulable) {
        return Err(Rejection::Unschedulable);
    }
    if let Some(taint) = untolerated_taint(&template.tolerations, node.taints) {
        return Err(Rejection::UntoleratedTaint(taint));
    }
    if !matches_node_selector_and_affinity(template, node.labels) {
        return Err(Rejection::NodeAffinity);
    }
    resources_fit(pod.requests, &NodeShape::of(node))?;
    if let Some(spread) = spread {
        spread.check(node)?;
    }
    if let Some(inter_pod) = inter_pod {
        inter_pod.check(node)?;
    }
    Ok(())
}

/// `selectHost`: the index of the highest score; among equal scores each is kept with
/// probability 1/(ties so far), so every tied node is equally likely.
pub fn select_host(scores: &[i64], rng: &mut impl Rng) -> usize {
    let mut best = 0;
    let mut ties = 1u32;
    for (i, &s) in scores.iter().enumerate().skip(1) {
        if s > scores[best] {
            best = i;
            ties = 1;
        } else if s == scores[best] {
            ties += 1;
            if rng.random_range(0..ties) == 0 {
                best = i;
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{World, labels, pod, res, schedule, template};
    use super::*;
    use crate::model::k8s::LabelSelector;

    fn web() -> LabelSelector {
        LabelSelector::of_labels(labels(&[("app", "web")]))
    }

    #[test]
    fn select_host_keeps_the_highest_and_draws_only_on_ties() {
        use rand::SeedableRng;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        assert_eq!(select_host(&[5, 9, 7], &mut rng), 1);
        assert_eq!(select_host(&[9], &mut rng), 0);
        let mut untouched = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let mut fresh = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        select_host(&[1, 2, 3], &mut untouched);
        assert_eq!(untouched.random::<u64>(), fresh.random::<u64>());
    }

    #[test]
    fn ties_break_at_random_but_the_same_seed_gives_the_same_node() {
        let mut w = World::default();
        for i in 0..8 {
            w.node(&format!("n{i}"), "a", 4000, 8192);
        }
        let owner = web();
        let t = template();
        let p = pod(&t, res(100, 100), &owner);
        let picks: Vec<usize> = (0..200)
            .map(|seed| {
                schedule(&p, &w, &SchedulerProfile::default(), seed)
                    .placement
                    .expect("fits")
            })
            .collect();
        let again: Vec<usize> = (0..200)
            .map(|seed| {
                schedule(&p, &w, &SchedulerProfile::default(), seed)
                    .placement
                    .expect("fits")
            })
            .collect();
        assert_eq!(picks, again);
        // Every node wins sometimes, none more than twice its fair share (25 of 200).
        for node in 0..8 {
            let wins = picks.iter().filter(|&&p| p == node).count();
            assert!((5..=50).contains(&wins), "node {node} won {wins} times");
        }
    }

    #[test]
    fn filtering_stops_at_enough_feasible_nodes_and_the_start_index_rotates() {
        let mut w = World::default();
        for i in 0..500 {
            w.node(&format!("n{i}"), "a", 4000, 8192);
        }
        for n in &mut w.nodes[..10] {
            n.unschedulable = true;
        }
        let owner = web();
        let t = template();
        let p = pod(&t, res(100, 100), &owner);
        // 500 nodes: 46 % = 230 feasible wanted; 10 cordoned nodes examined first.
        let result = schedule(&p, &w, &SchedulerProfile::default(), 1);
        assert_eq!((result.feasible_nodes, result.next_start_index), (230, 240));
        assert!(result.placement.expect("fits") >= 10);
        let all = SchedulerProfile {
            percentage_of_nodes_to_score: 100,
            ..SchedulerProfile::default()
        };
        let result = schedule(&p, &w, &all, 1);
        assert_eq!((result.feasible_nodes, result.next_start_index), (490, 0));
    }

    #[track_caller]
    fn check_nodes_to_find(percentage: u32, nodes: usize, expected: usize) {
        assert_eq!(num_feasible_nodes_to_find(percentage, nodes), expected);
    }

    #[test]
    fn w31_nodes_evaluated_per_cycle() {
        // k8s-semantics W31.
        check_nodes_to_find(0, 50, 50);
        check_nodes_to_find(0, 500, 230); // 46 %
        check_nodes_to_find(0, 1000, 420); // 42 %
        check_nodes_to_find(0, 5000, 500); // 10 %
        check_nodes_to_find(0, 6000, 300); // 5 % (floor of the adaptive percentage)
        check_nodes_to_find(0, 0, 0);
        check_nodes_to_find(0, 99, 99);
        check_nodes_to_find(0, 100, 100); // 50 % of 100 = 50, raised to 100
        check_nodes_to_find(0, 300, 144); // the benchmark: 48 % of 300
        check_nodes_to_find(10, 2000, 200);
        check_nodes_to_find(1, 2000, 100);
        check_nodes_to_find(100, 2000, 2000);
        check_nodes_to_find(150, 2000, 2000);
    }
}
