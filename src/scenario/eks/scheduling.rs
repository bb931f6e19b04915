//! Where a pod may run: `affinity`, `tolerations`, `topologySpreadConstraints` (k8s-semantics
//! 4.6, 4.7).

use super::labels::{EFFECTS, NODE_OPERATORS, read_requirement, read_selector};
use crate::model::k8s::{
    Affinity, NodeSelectorTerm, PodAffinityTerm, TaintEffect, Toleration, TolerationOperator, TopologySpreadConstraint,
    UnsatisfiableConstraintAction, WeightedNodeSelectorTerm, WeightedPodAffinityTerm,
};
use crate::scenario::diag::Diagnostics;
use crate::scenario::reader::object;
use crate::scenario::yaml::Node;

const REQUIRED: &str = "requiredDuringSchedulingIgnoredDuringExecution";
const PREFERRED: &str = "preferredDuringSchedulingIgnoredDuringExecution";

/// `spec.affinity`.
pub fn read_affinity(node: &Node, path: &str, d: &mut Diagnostics) -> Affinity {
    let mut a = Affinity::default();
    let Some(mut o) = object(node, path, d) else { return a };
    let node_path = o.child("nodeAffinity");
    if let Some(mut n) = o.field("nodeAffinity").and_then(|n| object(n, &node_path, d)) {
        let req_path = n.child(REQUIRED);
        if let Some(mut r) = n.field(REQUIRED).and_then(|x| object(x, &req_path, d)) {
            for (p, t) in r.required_list("nodeSelectorTerms", "terms, any of which the node satisfies", d) {
                a.node_required.extend(read_node_term(t, &p, d));
            }
            r.finish(d);
        }
        for (p, w) in n.list(PREFERRED, d) {
            let Some(mut wo) = object(w, &p, d) else { continue };
            let weight = wo.required_int("weight", 1, 100, "1 to 100", d);
            let pref_path = wo.child("preference");
            let term = wo
                .required_field("preference", "a node selector term", d)
                .and_then(|t| read_node_term(t, &pref_path, d));
            wo.finish(d);
            if let (Some(weight), Some(preference)) = (weight, term) {
                a.node_preferred.push(WeightedNodeSelectorTerm {
                    weight: weight as u32,
                    preference,
                });
            }
        }
        n.finish(d);
    }
    for (name, required, preferred) in [
        (
            "podAffinity",
            &mut a.pod_affinity_required,
            &mut a.pod_affinity_preferred,
        ),
        (
            "podAntiAffinity",
            &mut a.pod_anti_affinity_required,
            &mut a.pod_anti_affinity_preferred,
        ),
    ] {
        let p = o.child(name);
        let Some(mut pa) = o.field(name).and_then(|n| object(n, &p, d)) else {
            continue;
        };
        for (tp, t) in pa.list(REQUIRED, d) {
            required.extend(read_pod_term(t, &tp, d));
        }
        for (wp, w) in pa.list(PREFERRED, d) {
            let Some(mut wo) = object(w, &wp, d) else { continue };
            let weight = wo.required_int("weight", 1, 100, "1 to 100", d);
            let term_path = wo.child("podAffinityTerm");
            let term = wo
                .required_field("podAffinityTerm", "the pods and the topology key", d)
                .and_then(|t| read_pod_term(t, &term_path, d));
            wo.finish(d);
            if let (Some(weight), Some(term)) = (weight, term) {
                preferred.push(WeightedPodAffinityTerm {
                    weight: weight as u32,
                    term,
                });
            }
        }
        pa.finish(d);
    }
    o.finish(d);
    a
}

fn read_node_term(node: &Node, path: &str, d: &mut Diagnostics) -> Option<NodeSelectorTerm> {
    let mut o = object(node, path, d)?;
    let items = o.list("matchExpressions", d);
    let count = items.len();
    let match_expressions: Vec<_> = items
        .iter()
        .filter_map(|(p, n)| read_requirement(n, p, NODE_OPERATORS, d))
        .collect();
    o.ignore(&["matchFields"]);
    o.finish(d);
    (match_expressions.len() == count).then_some(NodeSelectorTerm { match_expressions })
}

fn read_pod_term(node: &Node, path: &str, d: &mut Diagnostics) -> Option<PodAffinityTerm> {
    let mut o = object(node, path, d)?;
    let selector_path = o.child("labelSelector");
    let label_selector = o
        .field("labelSelector")
        .map(|n| read_selector(n, &selector_path, d))
        .unwrap_or_default();
    let topology_key = o.required_string("topologyKey", "the node label of the domain", d);
    o.ignore(&["namespaces", "namespaceSelector", "matchLabelKeys", "mismatchLabelKeys"]);
    o.finish(d);
    Some(PodAffinityTerm {
        label_selector,
        topology_key: topology_key?,
    })
}

/// `spec.tolerations`.
pub fn read_tolerations(items: Vec<(String, &Node)>, d: &mut Diagnostics) -> Vec<Toleration> {
    let mut out = Vec::new();
    for (p, n) in items {
        let Some(mut o) = object(n, &p, d) else { continue };
        let key = o.string("key", d).filter(|k| !k.is_empty());
        let operator = match o.one_of("operator", &["Equal", "Exists"], d) {
            Some("Exists") => TolerationOperator::Exists,
            _ => TolerationOperator::Equal,
        };
        let value = o.string("value", d).unwrap_or_default();
        let effect = o.one_of("effect", EFFECTS, d).map(|e| match e {
            "NoSchedule" => TaintEffect::NoSchedule,
            "PreferNoSchedule" => TaintEffect::PreferNoSchedule,
            _ => TaintEffect::NoExecute,
        });
        let seconds = o.int("tolerationSeconds", i64::MIN, i64::MAX, d);
        let loc = o.loc;
        o.finish(d);
        if key.is_none() && operator == TolerationOperator::Equal {
            d.error(
                loc,
                &format!("{p}.operator"),
                "operator must be Exists when `key` is empty, which means \"match all values and all keys\"",
                None,
            );
            continue;
        }
        if operator == TolerationOperator::Exists && !value.is_empty() {
            d.error(
                loc,
                &format!("{p}.operator"),
                "value must be empty when `operator` is 'Exists'",
                None,
            );
            continue;
        }
        out.push(Toleration {
            key,
            operator,
            value,
            effect,
            // A negative toleration means "evict at once"; only NoExecute taints use it.
            toleration_seconds: seconds.map(|s| s.max(0) as u64),
        });
    }
    out
}

/// `spec.topologySpreadConstraints`.
pub fn read_spread(items: Vec<(String, &Node)>, d: &mut Diagnostics) -> Vec<TopologySpreadConstraint> {
    let mut out = Vec::new();
    for (p, n) in items {
        let Some(mut o) = object(n, &p, d) else { continue };
        let max_skew = o.required_int("maxSkew", 1, i64::from(i32::MAX), "a whole number above 0", d);
        let topology_key = o.required_string("topologyKey", "the node label of the domain", d);
        let when = o.required_one_of(
            "whenUnsatisfiable",
            &["DoNotSchedule", "ScheduleAnyway"],
            "DoNotSchedule or ScheduleAnyway",
            d,
        );
        let selector_path = o.child("labelSelector");
        let label_selector = o
            .field("labelSelector")
            .map(|n| read_selector(n, &selector_path, d))
            .unwrap_or_default();
        let min_domains_loc = o.key_loc("minDomains");
        let min_domains = o.int("minDomains", 1, i64::from(i32::MAX), d).map(|v| v as u32);
        let affinity = o.one_of("nodeAffinityPolicy", &["Honor", "Ignore"], d);
        let taints = o.one_of("nodeTaintsPolicy", &["Honor", "Ignore"], d);
        o.ignore(&["matchLabelKeys"]);
        o.finish(d);
        let when = match when {
            Some("ScheduleAnyway") => UnsatisfiableConstraintAction::ScheduleAnyway,
            Some(_) => UnsatisfiableConstraintAction::DoNotSchedule,
            None => continue,
        };
        if min_domains.is_some() && when == UnsatisfiableConstraintAction::ScheduleAnyway {
            d.error(
                min_domains_loc,
                &format!("{p}.minDomains"),
                "can only use minDomains if whenUnsatisfiable=DoNotSchedule",
                None,
            );
            continue;
        }
        let (Some(max_skew), Some(topology_key)) = (max_skew, topology_key) else {
            continue;
        };
        out.push(TopologySpreadConstraint {
            max_skew: max_skew as u32,
            topology_key,
            when_unsatisfiable: when,
            label_selector,
            min_domains,
            honor_node_affinity: affinity != Some("Ignore"),
            honor_node_taints: taints == Some("Honor"),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::reader::as_list;
    use crate::scenario::yaml::parse;

    #[test]
    fn affinity_terms_tolerations_and_spread_read_with_defaults() {
        let tree = parse(
            "nodeAffinity:\n  requiredDuringSchedulingIgnoredDuringExecution:\n    nodeSelectorTerms:\n      \
             - matchExpressions: [{key: kubernetes.io/arch, operator: In, values: [arm64]}]\n  \
             preferredDuringSchedulingIgnoredDuringExecution:\n    - {weight: 50, preference: {matchExpressions: [{key: a, operator: Exists}]}}\n\
             podAntiAffinity:\n  requiredDuringSchedulingIgnoredDuringExecution:\n    \
             - {labelSelector: {matchLabels: {app: web}}, topologyKey: kubernetes.io/hostname}\n",
            0,
        )
        .expect("yaml");
        let mut d = Diagnostics::default();
        let a = read_affinity(&tree, "a", &mut d);
        assert!(d.errors.is_empty(), "{:?}", d.errors);
        assert_eq!(a.node_required.len(), 1);
        assert_eq!(a.node_preferred[0].weight, 50);
        assert_eq!(a.pod_anti_affinity_required[0].topology_key, "kubernetes.io/hostname");
        let tree = parse(
            "[{operator: Exists}, {key: k, value: v, effect: NoExecute, tolerationSeconds: 60}, {value: x}]",
            0,
        )
        .expect("yaml");
        let t = read_tolerations(as_list(&tree, "t", &mut d), &mut d);
        assert_eq!(t.len(), 2);
        assert_eq!(t[1].toleration_seconds, Some(60));
        assert_eq!(d.errors.len(), 1);
        let tree = parse(
            "[{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule}, \
             {maxSkew: 1, topologyKey: z, whenUnsatisfiable: ScheduleAnyway, minDomains: 2}]",
            0,
        )
        .expect("yaml");
        let mut d = Diagnostics::default();
        let s = read_spread(as_list(&tree, "s", &mut d), &mut d);
        assert_eq!(s.len(), 1);
        assert!(s[0].honor_node_affinity && !s[0].honor_node_taints);
        assert_eq!(
            d.errors[0].message,
            "can only use minDomains if whenUnsatisfiable=DoNotSchedule"
        );
    }
}
