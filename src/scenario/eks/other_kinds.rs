//! Objects of `eks.objects` seen from outside: kinds the simulator does not read (ignored whole,
//! but with the fields every object has checked, and a `v1` Service's shape), and whether a
//! budget's selector selects any Deployment's pods.

use super::objects::IGNORED_METADATA;
use crate::model::k8s::{LabelSelector, Labels};
use crate::scenario::diag::{Declared, Diagnostics, UNKNOWN_FIELD_PREFIX, closest};
use crate::scenario::reader::{as_list, check_ignored_block, object};
use crate::scenario::yaml::{Node, Value};
use crate::spec::eks::{DeploymentSpec, PdbSpec};

/// The fields every object has; the other top-level fields depend on the kind.
const OBJECT_FIELDS: &[&str] = &["apiVersion", "kind", "metadata", "spec", "status"];

/// An object of a kind the simulator does not read is ignored whole, but a misspelling of a
/// field every object has (`metadat:`, `kin:`) is still an unknown field, as in any object.
pub fn check_other_kind(node: &Node, path: &str, deployments: &[DeploymentSpec], d: &mut Diagnostics) {
    let Value::Map(entries) = &node.value else { return };
    for (key, _) in entries {
        if OBJECT_FIELDS.contains(&key.name.as_str()) {
            continue;
        }
        let Some(meant) = closest(&key.name, OBJECT_FIELDS.iter().copied()) else {
            continue;
        };
        if node.get(meant).is_none() {
            d.error(
                key.loc,
                &format!("{path}.{}", key.name),
                format!("{UNKNOWN_FIELD_PREFIX}`{}`", key.name),
                Some(format!("did you mean `{meant}`?")),
            );
        }
    }
    if let Some(meta) = node.get("metadata") {
        let schema = d.schema.take();
        let ignored = d.ignored.len();
        if let Some(mut o) = object(meta, &format!("{path}.metadata"), d) {
            o.string("name", d);
            o.string("namespace", d);
            o.ignore(IGNORED_METADATA);
            o.finish(d);
        }
        // The object is listed as ignored whole, not field by field.
        d.ignored.truncate(ignored);
        d.schema = schema;
    }
    if node.get("apiVersion").and_then(scalar) == Some("v1") && node.get("kind").and_then(scalar) == Some("Service") {
        check_service(node, path, deployments, d);
    }
}

/// The text of a scalar node.
fn scalar(node: &Node) -> Option<&str> {
    match &node.value {
        Value::Scalar { text, .. } => Some(text),
        _ => None,
    }
}

/// The fields of a `v1` Service's `spec` and of its `ports`.
const SERVICE_SPEC: &[&str] = &[
    "ports",
    "selector",
    "clusterIP",
    "clusterIPs",
    "type",
    "externalIPs",
    "sessionAffinity",
    "sessionAffinityConfig",
    "loadBalancerIP",
    "loadBalancerSourceRanges",
    "loadBalancerClass",
    "externalName",
    "externalTrafficPolicy",
    "internalTrafficPolicy",
    "healthCheckNodePort",
    "publishNotReadyAddresses",
    "ipFamilies",
    "ipFamilyPolicy",
    "allocateLoadBalancerNodePorts",
    "trafficDistribution",
];
const SERVICE_PORT: &[&str] = &["name", "protocol", "appProtocol", "port", "targetPort", "nodePort"];

/// A `v1` Service (ignored: the simulator's load reaches a Deployment's Ready pods directly): its
/// spec's keys, its ports' keys, and a selector with a label key near one of the pods'.
fn check_service(node: &Node, path: &str, deployments: &[DeploymentSpec], d: &mut Diagnostics) {
    let Some(spec) = node.get("spec") else { return };
    let spec_path = format!("{path}.spec");
    let schema = d.schema.take();
    let fields: Vec<(&'static str, Option<&[&'static str]>)> = SERVICE_SPEC.iter().map(|f| (*f, None)).collect();
    check_ignored_block(spec, &spec_path, &fields, d);
    if let Some(ports) = spec.get("ports") {
        let port_fields: Vec<(&'static str, Option<&[&'static str]>)> =
            SERVICE_PORT.iter().map(|f| (*f, None)).collect();
        for (p, n) in as_list(ports, &format!("{spec_path}.ports"), d) {
            check_ignored_block(n, &p, &port_fields, d);
        }
    }
    d.schema = schema;
    let Some(selector) = spec.get("selector") else { return };
    let Value::Map(entries) = &selector.value else { return };
    let labels: Labels = entries
        .iter()
        .filter_map(|(k, v)| Some((k.name.clone(), scalar(v)?.to_string())))
        .collect();
    let namespace = node
        .get("metadata")
        .and_then(|m| m.get("namespace"))
        .and_then(scalar)
        .unwrap_or("default");
    let selector_labels = LabelSelector {
        match_labels: labels,
        match_expressions: Vec::new(),
    };
    let what = "the Service";
    near_miss(
        &selector_labels,
        namespace,
        what,
        selector,
        &format!("{spec_path}.selector"),
        deployments,
        d,
    );
}

/// A budget that selects no Deployment's pods because of a label key near one they have (`ap`
/// for `app`) is that key misspelt; one that selects none for another reason may be meant.
pub fn check_budget_selects(
    pdb: &PdbSpec,
    node: &Node,
    path: &str,
    deployments: &[DeploymentSpec],
    d: &mut Diagnostics,
) {
    let labels = ["spec", "selector", "matchLabels"]
        .iter()
        .try_fold(node, |n, k| n.get(k))
        .unwrap_or(node);
    let labels_path = format!("{path}.spec.selector.matchLabels");
    near_miss(
        &pdb.selector,
        &pdb.namespace,
        "the budget",
        labels,
        &labels_path,
        deployments,
        d,
    );
}

/// Reports `selector` (of `what`, written at `node`) when it selects no pod of the Deployments of
/// `namespace` and one of its label keys is near a key the pods have.
fn near_miss(
    selector: &LabelSelector,
    namespace: &str,
    what: &str,
    node: &Node,
    path: &str,
    deployments: &[DeploymentSpec],
    d: &mut Diagnostics,
) {
    let templates: Vec<&Labels> = deployments
        .iter()
        .filter(|x| x.namespace == namespace)
        .flat_map(|x| x.revisions.iter().map(|r| &r.template.labels))
        .collect();
    if templates.iter().any(|labels| selector.matches(labels)) || d.unread.any(Declared::Deployment) {
        return;
    }
    let keys: Vec<&str> = templates.iter().flat_map(|l| l.keys().map(String::as_str)).collect();
    let missing = selector.match_labels.keys().find(|k| !keys.contains(&k.as_str()));
    let Some((key, near)) = missing.and_then(|k| Some((k, closest(k, keys.iter().copied())?))) else {
        return;
    };
    d.error(
        node.loc,
        &format!("{path}.{key}"),
        format!("{what} selects no pod: no Deployment's pods in namespace `{namespace}` have label `{key}`"),
        Some(format!("did you mean `{near}`?")),
    );
}
