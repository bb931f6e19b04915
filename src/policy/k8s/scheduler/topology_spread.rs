//! PodTopologySpread (k8s-semantics 4.6): the DoNotSchedule filter (maxSkew over the global
//! minimum, minDomains, node inclusion policies) and the ScheduleAnyway score, including the
//! system default constraints.

use std::collections::BTreeMap;

use crate::model::k8s::{LabelSelector, TopologySpreadConstraint, UnsatisfiableConstraintAction};

use super::counts::{count_on, has_all_keys, matching_groups};
use super::filters::{Rejection, matches_node_selector_and_affinity, untolerated_taint};
use super::inputs::{Cluster, HOSTNAME_LABEL, NodeRecord, PodToSchedule, ZONE_LABEL};
use super::resources_fit::MAX_NODE_SCORE;

/// A constraint as both phases read it (the pod's own, or a system default one).
#[derive(Clone, Copy, Debug)]
struct Constraint<'a> {
    max_skew: u32,
    topology_key: &'a str,
    selector: &'a LabelSelector,
    min_domains: Option<u32>,
    honor_node_affinity: bool,
    honor_node_taints: bool,
}

impl<'a> Constraint<'a> {
    fn of(c: &'a TopologySpreadConstraint) -> Constraint<'a> {
        Constraint {
            max_skew: c.max_skew,
            topology_key: &c.topology_key,
            selector: &c.label_selector,
            min_domains: c.min_domains,
            honor_node_affinity: c.honor_node_affinity,
            honor_node_taints: c.honor_node_taints,
        }
    }

    /// `nodeAffinityPolicy` and `nodeTaintsPolicy`: whether the node's pods count at all.
    fn includes(&self, pod: &PodToSchedule<'_>, node: &NodeRecord<'_>) -> bool {
        (!self.honor_node_affinity || matches_node_selector_and_affinity(pod.template, node.labels))
            && (!self.honor_node_taints || untolerated_taint(&pod.template.tolerations, node.taints).is_none())
    }
}

/// One DoNotSchedule constraint with its domain counts over the whole cluster.
#[derive(Debug)]
struct Hard<'a> {
    constraint: Constraint<'a>,
    counts: BTreeMap<&'a str, u32>,
    /// The global minimum (0 while fewer than minDomains domains exist), `None` without domains.
    min_match: Option<u32>,
    self_match: u32,
}

/// The DoNotSchedule constraints of the pod, counted once per scheduling cycle (PreFilter).
#[derive(Debug)]
pub(super) struct SpreadFilter<'a> {
    hard: Vec<Hard<'a>>,
}

impl<'a> SpreadFilter<'a> {
    /// Counts matching pods per domain over every node that has all the constraints' keys and
    /// passes each constraint's inclusion policies; `None` when the pod has no such constraint.
    pub(super) fn new(pod: &PodToSchedule<'a>, cluster: &Cluster<'a>) -> Option<SpreadFilter<'a>> {
        let constraints: Vec<Constraint<'a>> = pod
            .template
            .topology_spread
            .iter()
            .filter(|c| c.when_unsatisfiable == UnsatisfiableConstraintAction::DoNotSchedule)
            .map(Constraint::of)
            .collect();
        if constraints.is_empty() {
            return None;
        }
        let mut hard: Vec<Hard<'a>> = constraints
            .iter()
            .map(|&constraint| Hard {
                constraint,
                counts: BTreeMap::new(),
                min_match: None,
                self_match: u32::from(constraint.selector.matches(pod.labels)),
            })
            .collect();
        let matching: Vec<Vec<bool>> = constraints
            .iter()
            .map(|c| matching_groups(cluster.groups, pod.namespace, c.selector))
            .collect();
        for node in cluster.nodes {
            if !has_all_keys(node.labels, constraints.iter().map(|c| c.topology_key)) {
                continue;
            }
            for (h, matching) in hard.iter_mut().zip(&matching) {
                if let (true, Some(value)) = (
                    h.constraint.includes(pod, node),
                    node.labels.get(h.constraint.topology_key),
                ) {
                    *h.counts.entry(value.as_str()).or_insert(0) += count_on(node, matching);
                }
            }
        }
        for h in &mut hard {
            let domains = h.counts.len() as u64;
            let min = h.counts.values().copied().min();
            h.min_match = match h.constraint.min_domains {
                Some(m) if domains < u64::from(m) => Some(0),
                _ => min,
            };
        }
        Some(SpreadFilter { hard })
    }

    /// Whether placing the pod on `node` keeps every constraint within its maxSkew:
    /// `count(domain) + self-match - global minimum <= maxSkew`.
    pub(super) fn check(&self, node: &NodeRecord<'_>) -> Result<(), Rejection<'static>> {
        for h in &self.hard {
            let Some(value) = node.labels.get(h.constraint.topology_key) else {
                return Err(Rejection::SpreadMissingLabel);
            };
            let Some(min) = h.min_match else { continue };
            let here = h.counts.get(value.as_str()).copied().unwrap_or(0);
            if i64::from(here) + i64::from(h.self_match) - i64::from(min) > i64::from(h.constraint.max_skew) {
                return Err(Rejection::SpreadSkew);
            }
        }
        Ok(())
    }
}

/// The system default constraints (`defaultingType: System`): hostname maxSkew 3 and zone
/// maxSkew 5, ScheduleAnyway, counting the pods the owner's selector selects.
fn system_defaults(selector: &LabelSelector) -> [Constraint<'_>; 2] {
    let default = |max_skew, topology_key| Constraint {
        max_skew,
        topology_key,
        selector,
        min_domains: None,
        honor_node_affinity: true,
        honor_node_taints: false,
    };
    [default(3, HOSTNAME_LABEL), default(5, ZONE_LABEL)]
}

/// PodTopologySpread's normalized scores (0..=100) for the `feasible` nodes (indices into
/// `cluster.nodes`): fewer matching pods in a node's domains scores higher; all zero when the
/// pod has no ScheduleAnyway constraint and no system default applies.
pub(super) fn spread_scores(
    pod: &PodToSchedule<'_>,
    cluster: &Cluster<'_>,
    feasible: &[usize],
    system_default_spread: bool,
) -> Vec<i64> {
    let own = &pod.template.topology_spread;
    let constraints: Vec<Constraint<'_>> = if !own.is_empty() {
        own.iter()
            .filter(|c| c.when_unsatisfiable == UnsatisfiableConstraintAction::ScheduleAnyway)
            .map(Constraint::of)
            .collect()
    } else {
        match pod.owner_selector {
            Some(s) if system_default_spread && *s != LabelSelector::default() => system_defaults(s).to_vec(),
            _ => Vec::new(),
        }
    };
    if constraints.is_empty() {
        return vec![0; feasible.len()];
    }
    // Nodes lacking a key are ignored only for a pod's own constraints, so a node without a
    // zone label still gets hostname spreading from the defaults.
    let require_all = !own.is_empty();
    let keys = || constraints.iter().map(|c| c.topology_key);
    let nodes = cluster.nodes;
    let ignored: Vec<bool> = feasible
        .iter()
        .map(|&i| require_all && !has_all_keys(nodes[i].labels, keys()))
        .collect();
    let scored = ignored.iter().filter(|i| !**i).count();
    let matching: Vec<Vec<bool>> = constraints
        .iter()
        .map(|c| matching_groups(cluster.groups, pod.namespace, c.selector))
        .collect();
    // Domain counts for the non-hostname constraints: the domains of the scored nodes, with
    // the matching pods of every node in them.
    let mut domains: Vec<BTreeMap<&str, u64>> = vec![BTreeMap::new(); constraints.len()];
    for (&i, _) in feasible.iter().zip(&ignored).filter(|(_, ignored)| !**ignored) {
        for (c, d) in constraints.iter().zip(&mut domains) {
            if c.topology_key != HOSTNAME_LABEL {
                d.entry(label(&nodes[i], c.topology_key)).or_insert(0);
            }
        }
    }
    for node in nodes {
        if require_all && !has_all_keys(node.labels, keys()) {
            continue;
        }
        for ((c, d), matching) in constraints.iter().zip(&mut domains).zip(&matching) {
            if c.topology_key == HOSTNAME_LABEL || !c.includes(pod, node) {
                continue;
            }
            if let Some(n) = d.get_mut(label(node, c.topology_key)) {
                *n += u64::from(count_on(node, matching));
            }
        }
    }
    let weights: Vec<f64> = constraints
        .iter()
        .zip(&domains)
        .map(|(c, d)| {
            let size = if c.topology_key == HOSTNAME_LABEL {
                scored
            } else {
                d.len()
            };
            ((size + 2) as f64).ln()
        })
        .collect();
    let raw: Vec<Option<i64>> = feasible
        .iter()
        .zip(&ignored)
        .map(|(&i, &ignored)| {
            let node = &nodes[i];
            let mut score = 0.0;
            for (((c, d), matching), w) in constraints.iter().zip(&domains).zip(&matching).zip(&weights) {
                let Some(value) = node.labels.get(c.topology_key) else {
                    continue;
                };
                let count = if c.topology_key == HOSTNAME_LABEL {
                    u64::from(count_on(node, matching))
                } else {
                    d.get(value.as_str()).copied().unwrap_or(0)
                };
                score += count as f64 * w + f64::from(c.max_skew) - 1.0;
            }
            (!ignored).then(|| score.round() as i64)
        })
        .collect();
    normalize_spread(&raw)
}

/// The node's value of `key`, "" when it has none (the domain Kubernetes files such nodes in).
fn label<'a>(node: &NodeRecord<'a>, key: &str) -> &'a str {
    node.labels.get(key).map_or("", String::as_str)
}

/// Fewer is better: `100 x (max + min - score) / max`; 100 for all when max is 0; ignored
/// nodes 0.
fn normalize_spread(raw: &[Option<i64>]) -> Vec<i64> {
    let scored = || raw.iter().flatten().copied();
    let (min, max) = (scored().min().unwrap_or(0), scored().max().unwrap_or(0));
    raw.iter()
        .map(|s| match s {
            None => 0,
            Some(_) if max == 0 => MAX_NODE_SCORE,
            Some(s) => MAX_NODE_SCORE * (max + min - s) / max,
        })
        .collect()
}
