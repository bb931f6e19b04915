//! kube-scheduler as pure functions (k8s-semantics 4): which node a Pending pod is bound to, or
//! why none can take it; and the node-only check autoscalers run on template nodes.
//!
//! # How the engine calls this
//!
//! For each Pending pod, in priority then creation order, the engine describes the cluster as
//! it is now (pods already bound in this burst included) and asks for one decision:
//!
//! ```
//! use ecsim::model::k8s::{Affinity, Labels, PodResources, PodTemplate};
//! use ecsim::policy::k8s::scheduler::{
//!     Cluster, GroupCount, NodeRecord, PodGroup, PodToSchedule, SchedulerProfile, schedule_one,
//! };
//! use rand::SeedableRng;
//!
//! let template = PodTemplate {
//!     labels: Labels::new(), containers: vec![], init_containers: vec![], sidecars: vec![],
//!     node_selector: Labels::new(), affinity: Affinity::default(), tolerations: vec![],
//!     topology_spread: vec![], termination_grace_period_s: 30, pre_stop_s: 0, priority: 0,
//!     overhead: PodResources::ZERO,
//! };
//! let web: Labels = [("app".to_string(), "web".to_string())].into();
//! let pod = PodToSchedule {
//!     template: &template,
//!     namespace: "default",
//!     labels: &web,
//!     requests: PodResources { cpu_milli: 500, memory_mib: 512 },
//!     non_zero_requests: PodResources { cpu_milli: 500, memory_mib: 512 },
//!     owner_selector: None,
//! };
//! // Pods that share labels and affinity (one ReplicaSet) form a group; nodes count them.
//! let groups = [PodGroup { namespace: "default", labels: &web, affinity: &template.affinity }];
//! let node_labels: Vec<Labels> = (0..2)
//!     .map(|i| [("kubernetes.io/hostname".to_string(), format!("n{i}"))].into())
//!     .collect();
//! let on_n0 = [GroupCount { group: 0, count: 1 }];
//! let nodes: Vec<NodeRecord> = (0..2)
//!     .map(|i| NodeRecord {
//!         name: if i == 0 { "n0" } else { "n1" },
//!         labels: &node_labels[i],
//!         taints: &[],
//!         allocatable: PodResources { cpu_milli: 1930, memory_mib: 7000 },
//!         allocatable_pods: 29,
//!         requested: PodResources { cpu_milli: 500 * (1 - i as u64), memory_mib: 512 * (1 - i as u64) },
//!         non_zero_requested: PodResources { cpu_milli: 500 * (1 - i as u64), memory_mib: 512 * (1 - i as u64) },
//!         pod_count: 1 - i as u32,
//!         unschedulable: false,
//!         pods: if i == 0 { &on_n0 } else { &[] },
//!     })
//!     .collect();
//! let cluster = Cluster { nodes: &nodes, groups: &groups };
//! let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7); // the engine's scheduler stream
//! let result = schedule_one(&pod, &cluster, &SchedulerProfile::default(), 0, &mut rng);
//! assert_eq!(result.placement, Ok(1)); // LeastAllocated prefers the empty node
//! // Keep `result.next_start_index` for the next pod; on `Err(u)`, the pod stays Pending with
//! // condition message `u.message()` ("0/2 nodes are available: 2 Insufficient cpu.").
//! ```
//!
//! Cluster Autoscaler and Karpenter ask [`fits_node`] whether a pod could run on a template
//! node of a group or NodePool (resources, taints, nodeSelector and node affinity; no pods).
//!
//! Not modelled: preemption (a Pending pod never evicts lower-priority ones, so messages have
//! no "preemption:" tail), ImageLocality, NodePorts, volume filters (a PV's zone is expressed
//! as required node affinity on the zone), `matchLabelKeys`, affinity `namespaces` and
//! `namespaceSelector` (terms see the pod's own namespace).

mod counts;
mod filters;
mod inputs;
mod inter_pod;
mod resources_fit;
mod scores;
mod select;
#[cfg(test)]
mod testkit;
#[cfg(test)]
mod tests;
mod topology_spread;
mod unschedulable;
#[cfg(test)]
use {inter_pod::InterPodFilter, topology_spread::SpreadFilter};

pub use filters::{
    Insufficient, NodeShape, PodShape, Rejection, fits_node, matches_node_selector_and_affinity, untolerated_taint,
};
pub use inputs::{
    CLUSTER_AUTOSCALER_DELETION_TAINT_KEY, Cluster, GroupCount, HOSTNAME_LABEL, KARPENTER_DISRUPTED_TAINT_KEY,
    NodeRecord, PodGroup, PodToSchedule, SchedulerProfile, ScoringStrategy, UNSCHEDULABLE_TAINT_KEY, ZONE_LABEL,
    deletion_taint,
};
pub use inter_pod::HARD_POD_AFFINITY_WEIGHT;
pub use resources_fit::{MAX_NODE_SCORE, balanced_allocation_score, resource_fit_score};
pub use scores::weights;
pub use select::{ScheduleResult, num_feasible_nodes_to_find, schedule_one, select_host};
pub use unschedulable::{ReasonCount, Unschedulable};
