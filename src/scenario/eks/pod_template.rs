//! A Deployment's `spec.template`: labels, containers, init containers and sidecars, where the pod
//! may run, and how it terminates (`terminationGracePeriodSeconds` 30, `preStop`).

use super::containers::read_container;
use super::labels::read_labels;
use super::quantity::{cpu_milli, memory_mib};
use super::scheduling::{read_affinity, read_spread, read_tolerations};
use crate::model::k8s::{Affinity, Labels, PodResources, PodTemplate};
use crate::scenario::diag::Diagnostics;
use crate::scenario::reader::object;
use crate::scenario::yaml::Node;

/// Pod spec fields `kubectl get -o yaml` prints that the simulator does not model.
const IGNORED_SPEC: &[&str] = &[
    "serviceAccountName",
    "serviceAccount",
    "automountServiceAccountToken",
    "volumes",
    "securityContext",
    "dnsPolicy",
    "dnsConfig",
    "restartPolicy",
    "schedulerName",
    "imagePullSecrets",
    "hostNetwork",
    "hostPID",
    "hostIPC",
    "hostAliases",
    "hostname",
    "subdomain",
    "setHostnameAsFQDN",
    "shareProcessNamespace",
    "enableServiceLinks",
    "preemptionPolicy",
    "runtimeClassName",
    "readinessGates",
    "os",
    "activeDeadlineSeconds",
    "ephemeralContainers",
    "resourceClaims",
    "schedulingGates",
];

/// Reads a pod template (`metadata` and `spec`).
pub fn read_pod_template(node: &Node, path: &str, d: &mut Diagnostics) -> Option<PodTemplate> {
    let mut o = object(node, path, d)?;
    let mut labels = Labels::new();
    let meta_path = o.child("metadata");
    if let Some(mut m) = o.field("metadata").and_then(|n| object(n, &meta_path, d)) {
        let labels_path = m.child("labels");
        if let Some(n) = m.field("labels") {
            labels = read_labels(n, &labels_path, d);
        }
        m.ignore(super::objects::IGNORED_METADATA);
        m.ignore(&["name", "namespace"]);
        m.finish(d);
    }
    let spec_path = o.child("spec");
    let spec = o.required_field("spec", "the pod's containers", d);
    o.finish(d);
    let mut template = read_pod_spec(spec?, &spec_path, d)?;
    template.labels = labels;
    Some(template)
}

fn read_pod_spec(node: &Node, path: &str, d: &mut Diagnostics) -> Option<PodTemplate> {
    let mut o = object(node, path, d)?;
    let mut t = PodTemplate {
        labels: Labels::new(),
        containers: Vec::new(),
        init_containers: Vec::new(),
        sidecars: Vec::new(),
        node_selector: Labels::new(),
        affinity: Affinity::default(),
        tolerations: Vec::new(),
        topology_spread: Vec::new(),
        termination_grace_period_s: 30,
        pre_stop_s: 0,
        priority: 0,
        overhead: PodResources::ZERO,
    };
    let mut ok = true;
    let containers_path = o.child("containers");
    let items = o.required_list("containers", "the pod's containers, at least one", d);
    if items.is_empty() && o.has("containers") {
        d.error(
            o.key_loc("containers"),
            &containers_path,
            "must have at least one container",
            None,
        );
        ok = false;
    }
    for (p, n) in items {
        match read_container(n, &p, false, d) {
            Some(c) => {
                t.pre_stop_s = t.pre_stop_s.max(c.pre_stop_s.unwrap_or(0));
                t.containers.push(c.spec);
            }
            None => ok = false,
        }
    }
    for (p, n) in o.list("initContainers", d) {
        match read_container(n, &p, true, d) {
            Some(c) if c.restart_always => t.sidecars.push(c.spec),
            Some(c) => t.init_containers.push(c.spec),
            None => ok = false,
        }
    }
    let selector_path = o.child("nodeSelector");
    if let Some(n) = o.field("nodeSelector") {
        t.node_selector = read_labels(n, &selector_path, d);
    }
    let affinity_path = o.child("affinity");
    if let Some(n) = o.field("affinity") {
        t.affinity = read_affinity(n, &affinity_path, d);
    }
    t.tolerations = read_tolerations(o.list("tolerations", d), d);
    t.topology_spread = read_spread(o.list("topologySpreadConstraints", d), d);
    if let Some(v) = o.int("terminationGracePeriodSeconds", 0, i64::from(u32::MAX), d) {
        t.termination_grace_period_s = v as u32;
    }
    if let Some(v) = o.int("priority", i64::from(i32::MIN), i64::from(i32::MAX), d) {
        t.priority = v as i32;
    }
    let overhead_path = o.child("overhead");
    if let Some(mut ov) = o.field("overhead").and_then(|n| object(n, &overhead_path, d)) {
        let cpu_path = ov.child("cpu");
        let mem_path = ov.child("memory");
        t.overhead.cpu_milli = ov.field("cpu").and_then(|n| cpu_milli(n, &cpu_path, d)).unwrap_or(0);
        t.overhead.memory_mib = ov
            .field("memory")
            .and_then(|n| memory_mib(n, &mem_path, d))
            .unwrap_or(0);
        ov.finish(d);
    }
    // The priority a class gives is resolved by the admission controller from a PriorityClass the
    // scenario does not hold; `priority` states it directly.
    o.ignore(&["priorityClassName", "nodeName"]);
    o.ignore(IGNORED_SPEC);
    o.finish(d);
    ok.then_some(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::yaml::parse;

    fn read(yaml: &str) -> (Option<PodTemplate>, Diagnostics) {
        let tree = parse(yaml, 0).expect("yaml");
        let mut d = Diagnostics::default();
        (read_pod_template(&tree, "t", &mut d), d)
    }

    #[test]
    fn a_template_reads_requests_sidecars_and_termination() {
        let (t, d) = read(
            "metadata: {labels: {app: web}}\nspec:\n  serviceAccountName: web\n  containers:\n    \
             - {name: app, image: nginx, resources: {requests: {cpu: 500m, memory: 512Mi}}, \
             lifecycle: {preStop: {exec: {command: [/bin/sh, -c, sleep 10]}}}}\n  initContainers:\n    \
             - {name: proxy, restartPolicy: Always, resources: {requests: {cpu: 100m, memory: 64Mi}}}\n    \
             - {name: migrate, resources: {requests: {cpu: '1', memory: 128Mi}}}\n",
        );
        assert!(d.errors.is_empty(), "{:?}", d.errors);
        let t = t.expect("reads");
        assert_eq!(t.labels.get("app").map(String::as_str), Some("web"));
        assert_eq!(t.termination_grace_period_s, 30);
        assert_eq!(t.pre_stop_s, 10);
        assert_eq!(t.sidecars.len(), 1);
        assert_eq!(
            t.requests(),
            PodResources {
                cpu_milli: 1100,
                memory_mib: 576
            }
        );
        let ignored: Vec<&str> = d.ignored.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(ignored, vec!["t.spec.containers[0].image", "t.spec.serviceAccountName"]);
    }

    #[test]
    fn a_template_without_containers_is_an_error() {
        let (t, d) = read("spec: {containers: []}");
        assert!(t.is_none());
        assert_eq!(d.errors[0].message, "must have at least one container");
        let (_, d) = read("spec: {}");
        assert_eq!(
            d.errors[0].message,
            "missing required field `containers` (the pod's containers, at least one)"
        );
    }
}
