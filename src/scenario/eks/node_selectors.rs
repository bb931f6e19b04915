//! A Deployment's `nodeSelector` against the labels the cluster's nodes carry: a key no node has
//! that is near one they do (`eks.amazonaws.com/nodegrou`) is a misspelling, not pods meant to
//! stay Pending.

use crate::scenario::diag::{Diagnostics, closest};
use crate::scenario::yaml::{Node, Value};
use crate::spec::eks::EksSpec;

/// The labels every node has, besides its node group's or NodePool's own (as the kubelet, EKS and
/// Karpenter set them).
const NODE_LABELS: &[&str] = &[
    "kubernetes.io/hostname",
    "kubernetes.io/os",
    "kubernetes.io/arch",
    "node.kubernetes.io/instance-type",
    "topology.kubernetes.io/zone",
];
/// The labels of a managed node group's nodes.
const NODE_GROUP_LABELS: &[&str] = &["eks.amazonaws.com/nodegroup", "eks.amazonaws.com/capacityType"];
/// The labels of a NodePool's nodes.
const NODE_POOL_LABELS: &[&str] = &["karpenter.sh/nodepool", "karpenter.sh/capacity-type"];

/// Checks the `nodeSelector` keys of the Deployments of `objects` (the `eks.objects` node) against
/// the label keys of the nodes `eks` may start. Silent when a node group or NodePool failed to
/// read: its labels are unknown.
pub fn check_node_selectors(objects: &Node, eks: &EksSpec, d: &mut Diagnostics) {
    if d.failed_under("eks.nodegroups") || d.failed_under("eks.karpenter") {
        return;
    }
    let mut keys: Vec<&str> = NODE_LABELS.to_vec();
    if !eks.node_groups.is_empty() {
        keys.extend(NODE_GROUP_LABELS);
    }
    if !eks.node_pools.is_empty() {
        keys.extend(NODE_POOL_LABELS);
    }
    keys.extend(eks.node_groups.iter().flat_map(|g| g.labels.keys().map(String::as_str)));
    keys.extend(eks.node_pools.iter().flat_map(|p| p.labels.keys().map(String::as_str)));
    for (path, selector) in deployment_selectors(objects, "eks.objects") {
        let Value::Map(entries) = &selector.value else { continue };
        for (key, _) in entries {
            if keys.contains(&key.name.as_str()) {
                continue;
            }
            if let Some(near) = closest(&key.name, keys.iter().copied()) {
                d.error(
                    key.loc,
                    &format!("{path}.{}", key.name),
                    format!("no node has label `{}`: the pods would stay Pending", key.name),
                    Some(format!("did you mean `{near}`?")),
                );
            }
        }
    }
}

/// The `spec.template.spec.nodeSelector` of each Deployment of `node` (a list of objects, a
/// `kind: List`, or one object), with its path.
fn deployment_selectors<'n>(node: &'n Node, path: &str) -> Vec<(String, &'n Node)> {
    let kind = |n: &Node| match n.get("kind").map(|k| &k.value) {
        Some(Value::Scalar { text, .. }) => Some(text.clone()),
        _ => None,
    };
    match &node.value {
        Value::Seq(items) => items
            .iter()
            .enumerate()
            .flat_map(|(i, n)| deployment_selectors(n, &format!("{path}[{i}]")))
            .collect(),
        Value::Map(_) if kind(node).as_deref() == Some("List") => node
            .get("items")
            .map(|items| deployment_selectors(items, &format!("{path}.items")))
            .unwrap_or_default(),
        Value::Map(_) if kind(node).as_deref() == Some("Deployment") => {
            let selector = ["spec", "template", "spec", "nodeSelector"]
                .iter()
                .try_fold(node, |n, k| n.get(k));
            selector
                .map(|s| vec![(format!("{path}.spec.template.spec.nodeSelector"), s)])
                .unwrap_or_default()
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::yaml::parse;

    #[test]
    fn a_node_selector_key_near_a_node_label_is_a_misspelling() {
        let eks = EksSpec::default();
        let check = |yaml: &str, eks: &EksSpec| {
            let tree = parse(yaml, 0).expect("yaml");
            let mut d = Diagnostics::default();
            check_node_selectors(&tree, eks, &mut d);
            d.errors
                .iter()
                .map(|e| e.help.clone().unwrap_or_default())
                .collect::<Vec<_>>()
        };
        let deployment = |selector: &str| {
            format!("- {{kind: Deployment, spec: {{template: {{spec: {{nodeSelector: {{{selector}: x}}}}}}}}}}\n")
        };
        assert_eq!(
            check(&deployment("topology.kubernetes.io/zon"), &eks),
            vec!["did you mean `topology.kubernetes.io/zone`?"]
        );
        assert!(check(&deployment("topology.kubernetes.io/zone"), &eks).is_empty());
        // A label no node has and none is near may be meant (pods for capacity not modelled).
        assert!(check(&deployment("gpu"), &eks).is_empty());
        // Without NodePools, no node has Karpenter's labels.
        assert!(check(&deployment("karpenter.sh/nodepoo"), &eks).is_empty());
    }
}
