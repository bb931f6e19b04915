//! What `schedule_one` reads: the pod, the nodes as plain records, the pods on them, the profile.

use crate::model::k8s::{Affinity, LabelSelector, Labels, PodResources, PodTemplate, Taint, TaintEffect};

/// The node label every node carries with its own name (the per-node topology domain).
pub const HOSTNAME_LABEL: &str = "kubernetes.io/hostname";
/// The node label naming the node's Availability Zone.
pub const ZONE_LABEL: &str = "topology.kubernetes.io/zone";
/// The taint the node lifecycle controller puts on a cordoned node (pods may tolerate it).
pub const UNSCHEDULABLE_TAINT_KEY: &str = "node.kubernetes.io/unschedulable";
/// The taint Cluster Autoscaler puts on a node it is deleting.
pub const CLUSTER_AUTOSCALER_DELETION_TAINT_KEY: &str = "ToBeDeletedByClusterAutoscaler";
/// The taint Karpenter puts on a node it is disrupting.
pub const KARPENTER_DISRUPTED_TAINT_KEY: &str = "karpenter.sh/disrupted";

/// The `NoSchedule` taint an autoscaler adds to a node it is about to delete
/// ([`CLUSTER_AUTOSCALER_DELETION_TAINT_KEY`] or [`KARPENTER_DISRUPTED_TAINT_KEY`]): a node being
/// deleted is a node carrying this taint, so a pod tolerating every taint may still land on it,
/// as in Kubernetes.
pub fn deletion_taint(key: &str) -> Taint {
    Taint {
        key: key.to_string(),
        value: String::new(),
        effect: TaintEffect::NoSchedule,
    }
}

/// The pod being scheduled.
#[derive(Clone, Copy, Debug)]
pub struct PodToSchedule<'a> {
    /// Its template: nodeSelector, affinity, tolerations, topology spread constraints.
    pub template: &'a PodTemplate,
    /// `metadata.namespace`: label selectors of spread and affinity count pods of this namespace.
    pub namespace: &'a str,
    /// The pod's labels (the template's plus `pod-template-hash`).
    pub labels: &'a Labels,
    /// `PodTemplate::requests()`: what the filter checks and BalancedAllocation counts.
    pub requests: PodResources,
    /// `PodTemplate::non_zero_requests()`: what NodeResourcesFit scoring counts.
    pub non_zero_requests: PodResources,
    /// The selector of the ReplicaSet (and Services) owning the pod, which the system default
    /// spread constraints count with; `None` for a pod without an owner (no default spreading).
    pub owner_selector: Option<&'a LabelSelector>,
}

/// Pods that share a namespace, labels and affinity (in practice: one ReplicaSet's pods).
/// Nodes list their pods as counts per group, so a selector is evaluated once per group.
#[derive(Clone, Copy, Debug)]
pub struct PodGroup<'a> {
    /// `metadata.namespace`.
    pub namespace: &'a str,
    /// The pods' labels.
    pub labels: &'a Labels,
    /// The pods' affinity (their required anti-affinity repels the incoming pod; their
    /// affinity terms attract it in scoring).
    pub affinity: &'a Affinity,
}

/// How many pods of one group run on a node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GroupCount {
    /// Index into [`Cluster::groups`].
    pub group: usize,
    /// Pods of the group on the node (terminating pods excluded, as spread counting does).
    pub count: u32,
}

/// One node as the scheduler sees it.
#[derive(Clone, Copy, Debug)]
pub struct NodeRecord<'a> {
    /// `metadata.name`.
    pub name: &'a str,
    /// Node labels, including [`HOSTNAME_LABEL`] and [`ZONE_LABEL`].
    pub labels: &'a Labels,
    /// `spec.taints`, including an autoscaler's [`deletion_taint`] on a node being deleted, and
    /// on a NotReady node `node.kubernetes.io/not-ready` with both NoSchedule and NoExecute, as
    /// the node lifecycle controller sets them (pods' default 300 s tolerations cover only the
    /// NoExecute one, k8s-semantics 3.4).
    pub taints: &'a [Taint],
    /// `status.allocatable` cpu and memory.
    pub allocatable: PodResources,
    /// `status.allocatable.pods`.
    pub allocatable_pods: u32,
    /// The sum of the requests of the pods bound to the node (terminating ones included).
    pub requested: PodResources,
    /// The same sum with unset requests counted as 100m / 200 MiB (`non_zero_requests`).
    pub non_zero_requested: PodResources,
    /// Pods bound to the node (terminating ones included).
    pub pod_count: u32,
    /// `spec.unschedulable`: cordoned (`kubectl cordon`, or a managed node group's drain).
    pub unschedulable: bool,
    /// The node's pods by group, for topology spread and inter-pod affinity.
    pub pods: &'a [GroupCount],
}

/// The cluster the pod is scheduled into.
#[derive(Clone, Copy, Debug)]
pub struct Cluster<'a> {
    /// Every node, in a stable order (the scheduler's rotating start index walks it). Kubernetes'
    /// node tree lists nodes zone by zone in turn (a node of zone a, of b, of c, the next of
    /// a, ...); above 100 nodes, where a cycle stops at `num_feasible_nodes_to_find`, that order
    /// decides which nodes are scored.
    pub nodes: &'a [NodeRecord<'a>],
    /// The pod groups that [`NodeRecord::pods`] refer to.
    pub groups: &'a [PodGroup<'a>],
}

/// `scoringStrategy.type` of NodeResourcesFit (cpu and memory, weight 1 each).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScoringStrategy {
    /// Prefer the emptiest node (the default: spreads).
    LeastAllocated,
    /// Prefer the fullest node (bin packing).
    MostAllocated,
}

/// The scheduler profile's settings that change a decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SchedulerProfile {
    /// NodeResourcesFit's scoring strategy.
    pub scoring: ScoringStrategy,
    /// `percentageOfNodesToScore`; 0 = adaptive (`max(50 - n/125, 5)` %).
    pub percentage_of_nodes_to_score: u32,
    /// PodTopologySpread `defaultingType: System` (hostname maxSkew 3, zone maxSkew 5,
    /// ScheduleAnyway, for pods with an owner and no constraints of their own).
    pub system_default_spread: bool,
}

impl Default for SchedulerProfile {
    fn default() -> SchedulerProfile {
        SchedulerProfile {
            scoring: ScoringStrategy::LeastAllocated,
            percentage_of_nodes_to_score: 0,
            system_default_spread: true,
        }
    }
}
