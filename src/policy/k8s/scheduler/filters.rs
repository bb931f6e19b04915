//! The filters that read only the pod and one node (k8s-semantics 4.2, 4.3, 4.7): cordon,
//! taints, node affinity and nodeSelector, resources; and why a node was rejected.

use crate::model::k8s::{Labels, PodResources, PodTemplate, Taint, TaintEffect, Toleration};

use super::inputs::{NodeRecord, UNSCHEDULABLE_TAINT_KEY};

/// The pod as the node-only filters read it: its template and its requests.
#[derive(Clone, Copy, Debug)]
pub struct PodShape<'a> {
    /// Tolerations, nodeSelector and required node affinity come from here.
    pub template: &'a PodTemplate,
    /// `PodTemplate::requests()`.
    pub requests: PodResources,
}

/// A node as the node-only filters read it: a live node or an autoscaler's template node.
#[derive(Clone, Copy, Debug)]
pub struct NodeShape<'a> {
    /// Node labels.
    pub labels: &'a Labels,
    /// Node taints.
    pub taints: &'a [Taint],
    /// Allocatable cpu and memory.
    pub allocatable: PodResources,
    /// Allocatable pods.
    pub allocatable_pods: u32,
    /// Requests of the pods already on it (zero on a template node).
    pub requested: PodResources,
    /// Pods already on it (zero on a template node).
    pub pod_count: u32,
}

impl<'a> NodeShape<'a> {
    /// The parts of a live node the node-only filters read.
    pub fn of(node: &NodeRecord<'a>) -> NodeShape<'a> {
        NodeShape {
            labels: node.labels,
            taints: node.taints,
            allocatable: node.allocatable,
            allocatable_pods: node.allocatable_pods,
            requested: node.requested,
            pod_count: node.pod_count,
        }
    }
}

/// Which of a node's resources NodeResourcesFit found short, in Kubernetes' order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Insufficient {
    /// `Too many pods`: the node already holds `allocatable.pods` pods.
    pub pods: bool,
    /// `Insufficient cpu`.
    pub cpu: bool,
    /// `Insufficient memory`.
    pub memory: bool,
}

/// Why a filter rejected a node: the first failing filter in the default plugin order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rejection<'a> {
    /// NodeUnschedulable: the node is cordoned.
    Unschedulable,
    /// TaintToleration: the first NoSchedule or NoExecute taint the pod does not tolerate.
    UntoleratedTaint(&'a Taint),
    /// NodeAffinity: nodeSelector or required node affinity not met.
    NodeAffinity,
    /// NodeResourcesFit: one or more resources short.
    Insufficient(Insufficient),
    /// PodTopologySpread: the node lacks a DoNotSchedule constraint's topology label.
    SpreadMissingLabel,
    /// PodTopologySpread: placing the pod here would exceed a constraint's maxSkew.
    SpreadSkew,
    /// InterPodAffinity: no pod the pod's required affinity asks for in the node's domain.
    PodAffinity,
    /// InterPodAffinity: a pod the pod's required anti-affinity repels is in the node's domain.
    PodAntiAffinity,
    /// InterPodAffinity: an existing pod's required anti-affinity repels the pod from the domain.
    ExistingPodsAntiAffinity,
}

impl Rejection<'_> {
    /// The reasons Kubernetes writes for this rejection, each counted once per node in
    /// "0/N nodes are available: ..." (a resource shortfall gives one reason per resource).
    pub fn reasons(&self) -> Vec<String> {
        let fixed = |s: &str| vec![s.to_string()];
        match self {
            Rejection::Unschedulable => fixed("node(s) were unschedulable"),
            Rejection::UntoleratedTaint(t) => vec![format!("node(s) had untolerated taint {{{}: {}}}", t.key, t.value)],
            Rejection::NodeAffinity => fixed("node(s) didn't match Pod's node affinity/selector"),
            Rejection::Insufficient(i) => [
                (i.pods, "Too many pods"),
                (i.cpu, "Insufficient cpu"),
                (i.memory, "Insufficient memory"),
            ]
            .into_iter()
            .filter(|(short, _)| *short)
            .map(|(_, text)| text.to_string())
            .collect(),
            Rejection::SpreadMissingLabel => {
                fixed("node(s) didn't match pod topology spread constraints (missing required label)")
            }
            Rejection::SpreadSkew => fixed("node(s) didn't match pod topology spread constraints"),
            Rejection::PodAffinity => fixed("node(s) didn't match pod affinity rules"),
            Rejection::PodAntiAffinity => fixed("node(s) didn't match pod anti-affinity rules"),
            Rejection::ExistingPodsAntiAffinity => fixed("node(s) didn't satisfy existing pods anti-affinity rules"),
        }
    }
}

/// Whether the pod could run on the node considering only the two of them: taints, nodeSelector
/// and node affinity, then cpu, memory and pods. Cluster Autoscaler and Karpenter ask this of a
/// template node; the scheduler asks it first of every node.
pub fn fits_node<'a>(pod: &PodShape<'_>, node: &NodeShape<'a>) -> Result<(), Rejection<'a>> {
    if let Some(taint) = untolerated_taint(&pod.template.tolerations, node.taints) {
        return Err(Rejection::UntoleratedTaint(taint));
    }
    if !matches_node_selector_and_affinity(pod.template, node.labels) {
        return Err(Rejection::NodeAffinity);
    }
    resources_fit(pod.requests, node)
}

/// NodeUnschedulable: a cordoned node takes only pods tolerating its `unschedulable` taint.
pub fn passes_node_unschedulable(tolerations: &[Toleration], unschedulable: bool) -> bool {
    !unschedulable
        || tolerations.iter().any(|t| {
            t.tolerates(&Taint {
                key: UNSCHEDULABLE_TAINT_KEY.to_string(),
                value: String::new(),
                effect: TaintEffect::NoSchedule,
            })
        })
}

/// The first NoSchedule or NoExecute taint of `taints` no toleration tolerates.
pub fn untolerated_taint<'a>(tolerations: &[Toleration], taints: &'a [Taint]) -> Option<&'a Taint> {
    taints
        .iter()
        .filter(|t| matches!(t.effect, TaintEffect::NoSchedule | TaintEffect::NoExecute))
        .find(|t| !tolerations.iter().any(|tol| tol.tolerates(t)))
}

/// NodeAffinity's filter: every nodeSelector label, and one of the required terms if any.
pub fn matches_node_selector_and_affinity(template: &PodTemplate, labels: &Labels) -> bool {
    template.node_selector.iter().all(|(k, v)| labels.get(k) == Some(v))
        && (template.affinity.node_required.is_empty()
            || template.affinity.node_required.iter().any(|term| term.matches(labels)))
}

/// NodeResourcesFit's filter: room for one more pod, and for each amount the pod requests
/// (a request of 0 always fits, even on an overcommitted node).
pub fn resources_fit<'a>(requests: PodResources, node: &NodeShape<'_>) -> Result<(), Rejection<'a>> {
    let free = node.allocatable.saturating_minus(node.requested);
    let over = |asked: u64, free: u64, alloc: u64, used: u64| asked > 0 && (used > alloc || asked > free);
    let short = Insufficient {
        pods: u64::from(node.pod_count) + 1 > u64::from(node.allocatable_pods),
        cpu: over(
            requests.cpu_milli,
            free.cpu_milli,
            node.allocatable.cpu_milli,
            node.requested.cpu_milli,
        ),
        memory: over(
            requests.memory_mib,
            free.memory_mib,
            node.allocatable.memory_mib,
            node.requested.memory_mib,
        ),
    };
    if short == Insufficient::default() {
        Ok(())
    } else {
        Err(Rejection::Insufficient(short))
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{labels, res, taint, template, tolerate};
    use super::*;

    /// `fits_node` of a pod requesting `requests` on a template node (`alloc`, `used`, pods
    /// `count` of `max`) carrying `taints` and zone `a`; the reasons of the rejection, if any.
    #[track_caller]
    fn check(
        pod: &PodTemplate,
        requests: (u64, u64),
        node: ((u64, u64), (u64, u64), u32, u32),
        taints: &[Taint],
        expected: &[&str],
    ) {
        let node_labels = labels(&[("topology.kubernetes.io/zone", "a")]);
        let ((ac, am), (uc, um), count, max) = node;
        let shape = NodeShape {
            labels: &node_labels,
            taints,
            allocatable: res(ac, am),
            allocatable_pods: max,
            requested: res(uc, um),
            pod_count: count,
        };
        let got = fits_node(
            &PodShape {
                template: pod,
                requests: res(requests.0, requests.1),
            },
            &shape,
        );
        assert_eq!(got.err().map(|r| r.reasons()).unwrap_or_default(), expected);
    }

    #[test]
    fn resources_pods_taints_and_selectors_on_a_template_node() {
        let t = template();
        let node = ((2000, 4096), (0, 0), 0, 29);
        check(&t, (2000, 4096), node, &[], &[]); // exactly full fits
        check(&t, (2001, 4096), node, &[], &["Insufficient cpu"]);
        check(
            &t,
            (2001, 4097),
            node,
            &[],
            &["Insufficient cpu", "Insufficient memory"],
        );
        check(&t, (100, 100), ((2000, 4096), (0, 0), 29, 29), &[], &["Too many pods"]);
        check(
            &t,
            (2500, 100),
            ((2000, 4096), (0, 0), 29, 29),
            &[],
            &["Too many pods", "Insufficient cpu"],
        );
        check(
            &t,
            (500, 100),
            ((2000, 4096), (1600, 0), 1, 29),
            &[],
            &["Insufficient cpu"],
        );
        // A pod requesting nothing fits an overcommitted node; one requesting 1m does not.
        check(&t, (0, 0), ((2000, 4096), (2500, 5000), 1, 29), &[], &[]);
        check(
            &t,
            (1, 0),
            ((2000, 4096), (2500, 5000), 1, 29),
            &[],
            &["Insufficient cpu"],
        );
        let gpu = [taint("nvidia.com/gpu", "true", TaintEffect::NoSchedule)];
        check(
            &t,
            (100, 100),
            node,
            &gpu,
            &["node(s) had untolerated taint {nvidia.com/gpu: true}"],
        );
        let soft = [taint("spot", "", TaintEffect::PreferNoSchedule)];
        check(&t, (100, 100), node, &soft, &[]);
        let mut tolerant = template();
        tolerant.tolerations = vec![tolerate("nvidia.com/gpu")];
        check(&tolerant, (100, 100), node, &gpu, &[]);
        // The taint is checked before the selector, the selector before resources.
        let mut picky = template();
        picky.node_selector = labels(&[("topology.kubernetes.io/zone", "b")]);
        check(
            &picky,
            (9999, 100),
            node,
            &[],
            &["node(s) didn't match Pod's node affinity/selector"],
        );
        check(
            &picky,
            (9999, 100),
            node,
            &gpu,
            &["node(s) had untolerated taint {nvidia.com/gpu: true}"],
        );
        picky.node_selector = labels(&[("topology.kubernetes.io/zone", "a")]);
        check(&picky, (100, 100), node, &[], &[]);
    }

    #[test]
    fn a_cordoned_node_takes_only_pods_tolerating_it() {
        assert!(passes_node_unschedulable(&[], false));
        assert!(!passes_node_unschedulable(&[], true));
        assert!(passes_node_unschedulable(&[tolerate(UNSCHEDULABLE_TAINT_KEY)], true));
        assert!(!passes_node_unschedulable(&[tolerate("other")], true));
    }

    #[test]
    fn the_first_untolerated_hard_taint_is_reported() {
        let taints = [
            taint("a", "1", TaintEffect::PreferNoSchedule),
            taint("b", "2", TaintEffect::NoExecute),
            taint("c", "3", TaintEffect::NoSchedule),
        ];
        assert_eq!(untolerated_taint(&[], &taints).map(|t| t.key.as_str()), Some("b"));
        assert_eq!(
            untolerated_taint(&[tolerate("b")], &taints).map(|t| t.key.as_str()),
            Some("c")
        );
        assert_eq!(untolerated_taint(&[tolerate("b"), tolerate("c")], &taints), None);
    }
}
