//! The Score phase (k8s-semantics 4.2): each plugin's 0..=100 score per feasible node, summed
//! with the default weights.

use crate::model::k8s::{PodTemplate, Taint, TaintEffect};

use super::inputs::{Cluster, PodToSchedule, SchedulerProfile};
use super::inter_pod::inter_pod_scores;
use super::resources_fit::{MAX_NODE_SCORE, balanced_allocation_score, resource_fit_score};
use super::topology_spread::spread_scores;

/// Default score weights (K-SPLUG). ImageLocality (weight 1) is not modelled: nodes hold no
/// image state in the simulator, so it would add the same to every node.
pub mod weights {
    /// TaintToleration.
    pub const TAINT_TOLERATION: i64 = 3;
    /// NodeAffinity.
    pub const NODE_AFFINITY: i64 = 2;
    /// PodTopologySpread.
    pub const POD_TOPOLOGY_SPREAD: i64 = 2;
    /// InterPodAffinity.
    pub const INTER_POD_AFFINITY: i64 = 2;
    /// NodeResourcesFit.
    pub const NODE_RESOURCES_FIT: i64 = 1;
    /// NodeResourcesBalancedAllocation.
    pub const BALANCED_ALLOCATION: i64 = 1;
}

/// TaintToleration's raw score: the node's PreferNoSchedule taints the pod does not tolerate.
pub fn intolerable_prefer_no_schedule(template: &PodTemplate, taints: &[Taint]) -> i64 {
    taints
        .iter()
        .filter(|t| t.effect == TaintEffect::PreferNoSchedule)
        .filter(|t| !template.tolerations.iter().any(|tol| tol.tolerates(t)))
        .count() as i64
}

/// NodeAffinity's raw score: the sum of the weights of the preferred terms the node matches.
pub fn preferred_node_affinity(template: &PodTemplate, labels: &crate::model::k8s::Labels) -> i64 {
    template
        .affinity
        .node_preferred
        .iter()
        .filter(|w| w.weight > 0 && w.preference.matches(labels))
        .map(|w| i64::from(w.weight))
        .sum()
}

/// `DefaultNormalizeScore`: scales raw scores so the highest is 100 (`100 x s / max`, integer);
/// `reverse` turns "more is worse" into "more is better" (`100 - ...`). All zero raw scores
/// give 0, or 100 when reversed.
pub fn default_normalize(raw: &mut [i64], reverse: bool) {
    let max = raw.iter().copied().max().unwrap_or(0).max(0);
    for s in raw.iter_mut() {
        let scaled = if max == 0 { 0 } else { MAX_NODE_SCORE * *s / max };
        *s = if reverse { MAX_NODE_SCORE - scaled } else { scaled };
    }
}

/// The weighted total score of each feasible node (indices into `cluster.nodes`).
pub(super) fn total_scores(
    pod: &PodToSchedule<'_>,
    cluster: &Cluster<'_>,
    feasible: &[usize],
    profile: &SchedulerProfile,
) -> Vec<i64> {
    let nodes = cluster.nodes;
    let mut taint: Vec<i64> = feasible
        .iter()
        .map(|&i| intolerable_prefer_no_schedule(pod.template, nodes[i].taints))
        .collect();
    default_normalize(&mut taint, true);
    let mut affinity: Vec<i64> = feasible
        .iter()
        .map(|&i| preferred_node_affinity(pod.template, nodes[i].labels))
        .collect();
    default_normalize(&mut affinity, false);
    let spread = spread_scores(pod, cluster, feasible, profile.system_default_spread);
    let inter_pod = inter_pod_scores(pod, cluster, feasible);
    feasible
        .iter()
        .enumerate()
        .map(|(k, &i)| {
            let node = &nodes[i];
            let fit = resource_fit_score(
                profile.scoring,
                node.allocatable,
                node.non_zero_requested,
                pod.non_zero_requests,
            );
            let balanced = balanced_allocation_score(node.allocatable, node.requested, pod.requests);
            weights::TAINT_TOLERATION * taint[k]
                + weights::NODE_AFFINITY * affinity[k]
                + weights::POD_TOPOLOGY_SPREAD * spread[k]
                + weights::INTER_POD_AFFINITY * inter_pod[k]
                + weights::NODE_RESOURCES_FIT * fit
                + weights::BALANCED_ALLOCATION * balanced
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{World, labels, pod, res, taint, template};
    use super::*;
    use crate::model::k8s::{Affinity, LabelSelector, PodAffinityTerm, WeightedPodAffinityTerm};
    use crate::policy::k8s::scheduler::inputs::{HOSTNAME_LABEL, ZONE_LABEL};

    #[track_caller]
    fn check_normalize(raw: &[i64], reverse: bool, expected: &[i64]) {
        let mut scores = raw.to_vec();
        default_normalize(&mut scores, reverse);
        assert_eq!(scores, expected);
    }

    #[test]
    fn default_normalize_scales_to_the_highest() {
        check_normalize(&[0, 0], false, &[0, 0]);
        check_normalize(&[0, 0], true, &[100, 100]);
        check_normalize(&[1, 2, 3], false, &[33, 66, 100]);
        check_normalize(&[0, 1, 2], true, &[100, 50, 0]);
        check_normalize(&[30, 100], false, &[30, 100]);
    }

    /// n1 (zone a) holds `on_n1` web pods, n2 (zone b) none.
    fn two_nodes(on_n1: u32, affinity: Affinity) -> World {
        let mut w = World::default();
        let g = w.group(labels(&[("app", "web")]), affinity);
        w.node("n1", "a", 4000, 8192);
        w.node("n2", "b", 4000, 8192);
        w.bind("n1", g, on_n1, res(0, 0));
        w
    }

    #[test]
    fn system_default_spread_scores() {
        // Hostname weight ln(2 + 2), zone weight ln(2 + 2) (two zones):
        // n1 = round(3·1.386 + 2 + 3·1.386 + 4) = 14, n2 = 2 + 4 = 6;
        // normalized 100·(14 + 6 - s)/14 → n1 42, n2 100.
        let w = two_nodes(3, Affinity::default());
        let owner = LabelSelector::of_labels(labels(&[("app", "web")]));
        let t = template();
        let p = pod(&t, res(100, 100), &owner);
        let got = w.with(|c| spread_scores(&p, c, &[0, 1], true));
        assert_eq!(got, [42, 100]);
        assert_eq!(w.with(|c| spread_scores(&p, c, &[0, 1], false)), [0, 0]);
        // No matching pods anywhere: every node scores 100.
        let empty = two_nodes(0, Affinity::default());
        assert_eq!(empty.with(|c| spread_scores(&p, c, &[0, 1], true)), [100, 100]);
    }

    #[test]
    fn preferred_anti_affinity_and_existing_pods_required_affinity_score() {
        let owner = LabelSelector::of_labels(labels(&[("app", "web")]));
        let mut t = template();
        t.affinity.pod_anti_affinity_preferred = vec![WeightedPodAffinityTerm {
            weight: 50,
            term: PodAffinityTerm {
                label_selector: owner.clone(),
                topology_key: HOSTNAME_LABEL.into(),
            },
        }];
        // n1: -50 x 2 pods, n2: 0 → normalized between min and max: 0 and 100.
        let w = two_nodes(2, Affinity::default());
        let p = pod(&t, res(100, 100), &owner);
        assert_eq!(w.with(|c| inter_pod_scores(&p, c, &[0, 1])), [0, 100]);
        // Existing pods requiring affinity to web pull a web pod to their zone (weight 1 each).
        let pulling = Affinity {
            pod_affinity_required: vec![PodAffinityTerm {
                label_selector: owner.clone(),
                topology_key: ZONE_LABEL.into(),
            }],
            ..Affinity::default()
        };
        let w = two_nodes(1, pulling);
        let plain = template();
        let p = pod(&plain, res(100, 100), &owner);
        assert_eq!(w.with(|c| inter_pod_scores(&p, c, &[0, 1])), [100, 0]);
        // Nothing to score: all zero.
        let w = two_nodes(1, Affinity::default());
        assert_eq!(w.with(|c| inter_pod_scores(&p, c, &[0, 1])), [0, 0]);
    }

    #[test]
    fn weighted_total_of_a_prefer_no_schedule_node() {
        // Two empty equal nodes, one with an intolerable PreferNoSchedule taint: they differ
        // by TaintToleration alone, 3 x 100.
        let mut w = World::default();
        w.node("n1", "a", 4000, 8192).taints =
            vec![taint("spot", "", crate::model::k8s::TaintEffect::PreferNoSchedule)];
        w.node("n2", "a", 4000, 8192);
        let owner = LabelSelector::default();
        let t = template();
        let p = pod(&t, res(1000, 2048), &owner);
        let totals = w.with(|c| total_scores(&p, c, &[0, 1], &SchedulerProfile::default()));
        assert_eq!(totals[1] - totals[0], 300);
        // n2: taint 3·100 + fit (75 + 75)/2 = 75 + balanced 100 + spread/affinity 0 = 475.
        assert_eq!(totals[1], 475);
    }
}
