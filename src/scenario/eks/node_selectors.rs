//! A Deployment's `nodeSelector` against the labels the cluster's nodes carry, and its pod
//! (anti-)affinity and topology spread selectors against the labels of the Deployments' pods: a
//! key none has that is near one they do (`eks.amazonaws.com/nodegrou`, `ap` for `app`) is a
//! misspelling, not a constraint meant to match nothing.

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
    for (path, deployment) in deployments(objects, "eks.objects") {
        let path = format!("{path}.spec.template.spec.nodeSelector");
        let selector = ["spec", "template", "spec", "nodeSelector"]
            .iter()
            .try_fold(deployment, |n, k| n.get(k));
        let Some(Value::Map(entries)) = selector.map(|s| &s.value) else {
            continue;
        };
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

/// Checks the `matchLabels` keys of the pod affinity, anti-affinity and topology spread selectors
/// of the Deployments of `objects` against the label keys of the Deployments' pods: one that
/// selects no pod with a key near one they have is reported.
pub fn check_pod_selectors(objects: &Node, eks: &EksSpec, d: &mut Diagnostics) {
    if d.unread.any(crate::scenario::diag::Declared::Deployment) {
        return;
    }
    let pods: Vec<&crate::model::k8s::Labels> = eks
        .deployments
        .iter()
        .flat_map(|x| x.revisions.iter().map(|r| &r.template.labels))
        .collect();
    let keys: Vec<&str> = pods.iter().flat_map(|l| l.keys().map(String::as_str)).collect();
    for (path, deployment) in deployments(objects, "eks.objects") {
        let Some(spec) = ["spec", "template", "spec"]
            .iter()
            .try_fold(deployment, |n, k| n.get(k))
        else {
            continue;
        };
        for (selector_path, labels) in pod_selectors(spec, &format!("{path}.spec.template.spec")) {
            let Value::Map(entries) = &labels.value else { continue };
            let matches = |pod: &&crate::model::k8s::Labels| {
                entries.iter().all(|(k, v)| match &v.value {
                    Value::Scalar { text, .. } => pod.get(&k.name) == Some(text),
                    _ => false,
                })
            };
            if pods.iter().any(matches) {
                continue;
            }
            let missing = entries.iter().find(|(k, _)| !keys.contains(&k.name.as_str()));
            if let Some((key, near)) = missing.and_then(|(k, _)| Some((k, closest(&k.name, keys.iter().copied())?))) {
                d.error(
                    key.loc,
                    &format!("{selector_path}.{}", key.name),
                    format!(
                        "the selector selects no pod: no Deployment's pods have label `{}`",
                        key.name
                    ),
                    Some(format!("did you mean `{near}`?")),
                );
            }
        }
    }
}

/// The `labelSelector.matchLabels` of the pod affinity terms and topology spread constraints of
/// pod spec `spec`, with their paths.
fn pod_selectors<'n>(spec: &'n Node, path: &str) -> Vec<(String, &'n Node)> {
    let mut terms: Vec<(String, &Node)> = Vec::new();
    let items = |n: Option<&'n Node>| match n.map(|n| &n.value) {
        Some(Value::Seq(items)) => items.iter().enumerate().collect::<Vec<_>>(),
        _ => Vec::new(),
    };
    let affinity = spec.get("affinity");
    for kind in ["podAffinity", "podAntiAffinity"] {
        let Some(a) = affinity.and_then(|n| n.get(kind)) else {
            continue;
        };
        let required = "requiredDuringSchedulingIgnoredDuringExecution";
        let preferred = "preferredDuringSchedulingIgnoredDuringExecution";
        for (i, t) in items(a.get(required)) {
            terms.push((format!("{path}.affinity.{kind}.{required}[{i}]"), t));
        }
        for (i, t) in items(a.get(preferred)) {
            if let Some(term) = t.get("podAffinityTerm") {
                terms.push((format!("{path}.affinity.{kind}.{preferred}[{i}].podAffinityTerm"), term));
            }
        }
    }
    for (i, t) in items(spec.get("topologySpreadConstraints")) {
        terms.push((format!("{path}.topologySpreadConstraints[{i}]"), t));
    }
    terms
        .into_iter()
        .filter_map(|(p, t)| {
            let labels = t.get("labelSelector")?.get("matchLabels")?;
            Some((format!("{p}.labelSelector.matchLabels"), labels))
        })
        .collect()
}

/// Each Deployment of `node` (a list of objects, a `kind: List`, or one object), with its path.
fn deployments<'n>(node: &'n Node, path: &str) -> Vec<(String, &'n Node)> {
    let kind = |n: &Node| match n.get("kind").map(|k| &k.value) {
        Some(Value::Scalar { text, .. }) => Some(text.clone()),
        _ => None,
    };
    match &node.value {
        Value::Seq(items) => items
            .iter()
            .enumerate()
            .flat_map(|(i, n)| deployments(n, &format!("{path}[{i}]")))
            .collect(),
        Value::Map(_) if kind(node).as_deref() == Some("List") => node
            .get("items")
            .map(|items| deployments(items, &format!("{path}.items")))
            .unwrap_or_default(),
        Value::Map(_) if kind(node).as_deref() == Some("Deployment") => vec![(path.to_string(), node)],
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
        // A pod selector is checked against the labels of the Deployments' pods.
        let tree = parse(
            "- {kind: Deployment, spec: {template: {spec: {topologySpreadConstraints: [{labelSelector: {matchLabels: {ap: web}}}]}}}}\n",
            0,
        )
        .expect("yaml");
        let mut d = Diagnostics::default();
        let mut with_web = EksSpec::default();
        let objects = "[{apiVersion: apps/v1, kind: Deployment, metadata: {name: web}, spec: {selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: a}]}}}}]";
        with_web.deployments =
            super::super::objects::read_objects(&parse(objects, 0).expect("yaml"), &mut d).deployments;
        check_pod_selectors(&tree, &with_web, &mut d);
        assert_eq!(d.errors.len(), 1, "{:?}", d.errors);
        assert_eq!(d.errors[0].help.as_deref(), Some("did you mean `app`?"));
        assert_eq!(
            d.errors[0].path,
            "eks.objects[0].spec.template.spec.topologySpreadConstraints[0].labelSelector.matchLabels.ap"
        );
        // Without NodePools, no node has Karpenter's labels.
        assert!(check(&deployment("karpenter.sh/nodepoo"), &eks).is_empty());
    }
}
