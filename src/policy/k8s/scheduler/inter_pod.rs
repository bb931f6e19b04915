//! InterPodAffinity (k8s-semantics 4.7): required pod affinity and anti-affinity (the pod's own
//! and existing pods' anti-affinity) as a filter over topology domains, preferred terms and
//! existing pods' affinity as a score.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::k8s::{PodAffinityTerm, WeightedPodAffinityTerm};

use super::counts::{count_on, matching_groups, occupied_domains};
use super::filters::Rejection;
use super::inputs::{Cluster, NodeRecord, PodGroup, PodToSchedule};
use super::resources_fit::MAX_NODE_SCORE;

/// `hardPodAffinityWeight`: what an existing pod's required affinity to the pod adds to a domain.
pub const HARD_POD_AFFINITY_WEIGHT: i64 = 1;

/// Label values per topology key.
type Domains<'a> = BTreeMap<&'a str, BTreeSet<&'a str>>;

/// The required terms of the pod and of existing pods, resolved to domains once per cycle.
#[derive(Debug)]
pub(super) struct InterPodFilter<'a> {
    /// The topology keys of the pod's required affinity terms.
    affinity_keys: Vec<&'a str>,
    /// The domains (of those keys) holding a pod that matches every required affinity term.
    affinity: Domains<'a>,
    /// No pod anywhere matches the affinity terms, and the pod matches all of them itself
    /// (the first pod of a group with affinity to itself may go anywhere with the keys).
    affinity_first_of_group: bool,
    /// Domains the pod's required anti-affinity forbids.
    anti_affinity: Domains<'a>,
    /// Domains existing pods' required anti-affinity forbids to this pod.
    existing_anti_affinity: Domains<'a>,
}

/// Whether `term` of a pod in `namespace` selects the pod being scheduled.
fn term_selects(term: &PodAffinityTerm, namespace: &str, pod: &PodToSchedule<'_>) -> bool {
    namespace == pod.namespace && term.label_selector.matches(pod.labels)
}

impl<'a> InterPodFilter<'a> {
    /// `None` when neither the pod nor any existing pod has a required term.
    pub(super) fn new(pod: &PodToSchedule<'a>, cluster: &Cluster<'a>) -> Option<InterPodFilter<'a>> {
        let own = &pod.template.affinity;
        let existing_terms = cluster
            .groups
            .iter()
            .any(|g| !g.affinity.pod_anti_affinity_required.is_empty());
        if own.pod_affinity_required.is_empty() && own.pod_anti_affinity_required.is_empty() && !existing_terms {
            return None;
        }
        let occupied = |term: &'a PodAffinityTerm| {
            let matching = matching_groups(cluster.groups, pod.namespace, &term.label_selector);
            (
                term.topology_key.as_str(),
                occupied_domains(cluster, &term.topology_key, &matching),
            )
        };
        // As Kubernetes counts it, a pod supports the pod's affinity only if it matches every
        // required affinity term, and then it occupies its domain for each term's key.
        let affinity_keys: Vec<&'a str> = own
            .pod_affinity_required
            .iter()
            .map(|t| t.topology_key.as_str())
            .collect();
        let mut affinity = Domains::new();
        if !affinity_keys.is_empty() {
            let matching: Vec<bool> = cluster
                .groups
                .iter()
                .map(|g| {
                    g.namespace == pod.namespace
                        && own
                            .pod_affinity_required
                            .iter()
                            .all(|t| t.label_selector.matches(g.labels))
                })
                .collect();
            for &key in &affinity_keys {
                affinity.insert(key, occupied_domains(cluster, key, &matching));
            }
        }
        let affinity_first_of_group = affinity.values().all(BTreeSet::is_empty)
            && own
                .pod_affinity_required
                .iter()
                .all(|t| term_selects(t, pod.namespace, pod));
        let mut anti_affinity = Domains::new();
        for (key, domains) in own.pod_anti_affinity_required.iter().map(occupied) {
            anti_affinity.entry(key).or_default().extend(domains);
        }
        let mut existing_anti_affinity = Domains::new();
        if existing_terms {
            let repelling: Vec<Vec<&'a str>> = cluster
                .groups
                .iter()
                .map(|g| {
                    let terms = g.affinity.pod_anti_affinity_required.iter();
                    terms
                        .filter(|t| term_selects(t, g.namespace, pod))
                        .map(|t| t.topology_key.as_str())
                        .collect()
                })
                .collect();
            for node in cluster.nodes {
                for p in node.pods.iter().filter(|p| p.count > 0) {
                    for &key in repelling.get(p.group).into_iter().flatten() {
                        if let Some(value) = node.labels.get(key) {
                            existing_anti_affinity.entry(key).or_default().insert(value);
                        }
                    }
                }
            }
        }
        Some(InterPodFilter {
            affinity_keys,
            affinity,
            affinity_first_of_group,
            anti_affinity,
            existing_anti_affinity,
        })
    }

    /// The filter for one node, in Kubernetes' order: affinity, anti-affinity, existing pods'
    /// anti-affinity.
    pub(super) fn check(&self, node: &NodeRecord<'_>) -> Result<(), Rejection<'static>> {
        let mut pods_exist = true;
        for key in &self.affinity_keys {
            let Some(value) = node.labels.get(*key) else {
                return Err(Rejection::PodAffinity);
            };
            pods_exist &= self.affinity.get(key).is_some_and(|d| d.contains(value.as_str()));
        }
        if !pods_exist && !self.affinity_first_of_group {
            return Err(Rejection::PodAffinity);
        }
        if in_domains(&self.anti_affinity, node) {
            return Err(Rejection::PodAntiAffinity);
        }
        if in_domains(&self.existing_anti_affinity, node) {
            return Err(Rejection::ExistingPodsAntiAffinity);
        }
        Ok(())
    }
}

/// Whether the node lies in one of the domains.
fn in_domains(domains: &Domains<'_>, node: &NodeRecord<'_>) -> bool {
    domains
        .iter()
        .any(|(key, values)| node.labels.get(*key).is_some_and(|v| values.contains(v.as_str())))
}

/// The (topology key, signed weight) pairs an existing group's terms give the pod: its required
/// affinity (hardPodAffinityWeight), preferred affinity (+weight) and preferred anti-affinity
/// (-weight) terms that select the pod.
fn existing_pull<'a>(group: &PodGroup<'a>, pod: &PodToSchedule<'_>) -> Vec<(&'a str, i64)> {
    let a = group.affinity;
    let weighted = |terms: &'a [WeightedPodAffinityTerm], sign: i64| {
        terms
            .iter()
            .filter(|w| term_selects(&w.term, group.namespace, pod))
            .map(move |w| (w.term.topology_key.as_str(), sign * i64::from(w.weight)))
    };
    a.pod_affinity_required
        .iter()
        .filter(|t| term_selects(t, group.namespace, pod))
        .map(|t| (t.topology_key.as_str(), HARD_POD_AFFINITY_WEIGHT))
        .chain(weighted(&a.pod_affinity_preferred, 1))
        .chain(weighted(&a.pod_anti_affinity_preferred, -1))
        .collect()
}

/// InterPodAffinity's normalized scores (0..=100) for the `feasible` nodes: each matching pod
/// adds its term's weight to its node's domain; a node scores the sum over its domains,
/// scaled between the lowest (0) and highest (100) feasible node.
pub(super) fn inter_pod_scores(pod: &PodToSchedule<'_>, cluster: &Cluster<'_>, feasible: &[usize]) -> Vec<i64> {
    let own = &pod.template.affinity;
    let own_terms: Vec<(&str, i64, Vec<bool>)> = own
        .pod_affinity_preferred
        .iter()
        .map(|w| (w, 1))
        .chain(own.pod_anti_affinity_preferred.iter().map(|w| (w, -1)))
        .map(|(w, sign)| {
            let matching = matching_groups(cluster.groups, pod.namespace, &w.term.label_selector);
            (w.term.topology_key.as_str(), sign * i64::from(w.weight), matching)
        })
        .collect();
    let pulls: Vec<Vec<(&str, i64)>> = cluster.groups.iter().map(|g| existing_pull(g, pod)).collect();
    if own_terms.is_empty() && pulls.iter().all(Vec::is_empty) {
        return vec![0; feasible.len()];
    }
    let mut topology_score: BTreeMap<&str, BTreeMap<&str, i64>> = BTreeMap::new();
    for node in cluster.nodes {
        let mut add = |key: &str, weight: i64, pods: u32| {
            if let Some((key, value)) = node.labels.get_key_value(key) {
                *topology_score.entry(key).or_default().entry(value).or_insert(0) += weight * i64::from(pods);
            }
        };
        for (key, weight, matching) in &own_terms {
            let pods = count_on(node, matching);
            if pods > 0 {
                add(key, *weight, pods);
            }
        }
        for p in node.pods.iter().filter(|p| p.count > 0) {
            for &(key, weight) in pulls.get(p.group).into_iter().flatten() {
                add(key, weight, p.count);
            }
        }
    }
    if topology_score.is_empty() {
        return vec![0; feasible.len()];
    }
    let raw: Vec<i64> = feasible
        .iter()
        .map(|&i| {
            let labels = cluster.nodes[i].labels;
            topology_score
                .iter()
                .filter_map(|(key, values)| labels.get(*key).and_then(|v| values.get(v.as_str())))
                .sum()
        })
        .collect();
    let (min, max) = (
        raw.iter().copied().min().unwrap_or(0),
        raw.iter().copied().max().unwrap_or(0),
    );
    raw.iter()
        .map(|&s| {
            if max > min {
                (MAX_NODE_SCORE as f64 * ((s - min) as f64 / (max - min) as f64)) as i64
            } else {
                0
            }
        })
        .collect()
}
