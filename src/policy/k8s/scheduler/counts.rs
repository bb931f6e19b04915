//! Counting the pods a label selector matches: once per pod group, then per node and per
//! topology domain, so a call costs one pass over the nodes, not one per node pair.

use crate::model::k8s::{LabelSelector, Labels};

use super::inputs::{Cluster, NodeRecord, PodGroup};

/// For each pod group, whether its pods are in `namespace` and selected by `selector`.
pub(super) fn matching_groups(groups: &[PodGroup<'_>], namespace: &str, selector: &LabelSelector) -> Vec<bool> {
    groups
        .iter()
        .map(|g| g.namespace == namespace && selector.matches(g.labels))
        .collect()
}

/// The pods on `node` whose group is marked in `matching`.
pub(super) fn count_on(node: &NodeRecord<'_>, matching: &[bool]) -> u32 {
    node.pods
        .iter()
        .filter(|p| matching.get(p.group).copied().unwrap_or(false))
        .map(|p| p.count)
        .sum()
}

/// Whether the node carries every one of `keys`.
pub(super) fn has_all_keys<'k>(labels: &Labels, mut keys: impl Iterator<Item = &'k str>) -> bool {
    keys.all(|k| labels.contains_key(k))
}

/// The nodes' label values of `key` that hold at least one matching pod (the topology domains
/// a required (anti-)affinity term sees as occupied).
pub(super) fn occupied_domains<'a>(
    cluster: &Cluster<'a>,
    key: &str,
    matching: &[bool],
) -> std::collections::BTreeSet<&'a str> {
    cluster
        .nodes
        .iter()
        .filter(|node| count_on(node, matching) > 0)
        .filter_map(|node| node.labels.get(key).map(String::as_str))
        .collect()
}
