//! Karpenter (v1) as pure functions: the provisioning batch window, the provisioning
//! simulation that packs pending pods onto NodeClaims of the cheapest offerings, and the
//! disruption controller's poll (expiry, budgets, consolidation). Facts: k8s-semantics 6.
//!
//! # How the engine calls this
//!
//! Three entry points, each over read-only inputs the engine builds from its state:
//!
//! ```
//! use ecsim::model::catalog::{InstanceType, instance_type};
//! use ecsim::model::k8s::{CapacityType, ConsolidationPolicy, Labels, PodResources};
//! use ecsim::policy::k8s::karpenter::*;
//! use ecsim::sim::{SimDuration, SimTime};
//!
//! // 1. Batching: every pod the scheduler cannot place calls `on_pod`; the engine schedules a
//! //    check at the time it returns and provisions when `close_if_due` says so.
//! let mut window = BatchWindow::default(); // 1 s idle, 10 s max
//! let check_at = window.on_pod(SimTime(0));
//! assert!(window.close_if_due(check_at));
//!
//! // 2. Provisioning: the pending pods, the existing nodes' free room, the NodePools in weight
//! //    order; the view answers what only the engine knows (scheduler filters, allocatable).
//! struct View;
//! impl ProvisioningView for View {
//!     fn fits_existing(&self, _pod: usize, _node: usize) -> bool { true }
//!     fn node_capacity(&self, _pool: usize, it: &InstanceType) -> NodeCapacity {
//!         let allocatable = PodResources { cpu_milli: u64::from(it.vcpus) * 1000 - 100, memory_mib: it.memory_mib * 9 / 10 };
//!         NodeCapacity { allocatable, pods: 29 }
//!     }
//! }
//! let labels = Labels::new();
//! let types = [instance_type("m5.large").unwrap(), instance_type("m5.xlarge").unwrap()];
//! let pool = PoolOffer { name: "default", labels: &labels, taints: &[], instance_types: &types,
//!     zones: &[0, 1], capacity_types: &[CapacityType::OnDemand], remaining: RemainingLimits::default() };
//! let pod = ProvisionablePod { requests: PodResources { cpu_milli: 3000, memory_mib: 1024 },
//!     created: SimTime(0), tolerations: &[], node_selector: &labels, required_node_terms: &[] };
//! let zones = ["us-east-1a".to_string(), "us-east-1b".to_string()];
//! let input = ProvisioningInput { pods: &[pod], existing: &[], pools: &[pool], zone_names: &zones,
//!     nodes_in_zone: &[1, 0], pricing: Pricing::default() };
//! let plan = provision(&input, &View);
//! assert_eq!(plan.claims[0].offering.instance_type.name, "m5.xlarge");
//! assert_eq!(plan.claims[0].offering.zone, 1); // the emptier zone
//!
//! // 3. Disruption, every 10 s: every live node (its pool, price, room, movable pods, phase,
//! //    blockers) and the pools' disruption settings; the answer is the expired nodes to drain,
//! //    at most one graceful action, and when to look again if nothing changes.
//! impl DisruptionView for View {
//!     fn node_capacity(&self, pool: usize, it: &InstanceType) -> NodeCapacity {
//!         ProvisioningView::node_capacity(self, pool, it)
//!     }
//! }
//! let budgets = [NodeBudget::default_budget()];
//! let pools = [PoolDisruption { offer: pool, consolidation_policy: ConsolidationPolicy::WhenEmptyOrUnderutilized,
//!     consolidate_after: Some(SimDuration::ZERO), expire_after: Some(DEFAULT_EXPIRE_AFTER),
//!     termination_grace_period: None, budgets: &budgets }];
//! let empty = ClusterNode { pool: Some(0), offering: plan.claims[0].offering, usd_per_hour: 0.192,
//!     allocatable: plan.claims[0].capacity.allocatable, max_pods: 29, requested: PodResources::ZERO,
//!     pod_count: 0, movable_pods: &[], phase: NodePhase::Ready, launched_at: SimTime(0),
//!     last_pod_change: SimTime(0), do_not_disrupt: false, pdb_blocked: false };
//! let poll = disrupt(&DisruptionInput { now: SimTime(10_000), nodes: &[empty], pools: &pools,
//!     settings: DisruptionSettings::default() }, &View);
//! assert_eq!(poll.action, DisruptionAction::Delete { nodes: vec![0], reason: DisruptionReason::Empty });
//! ```
//!
//! The engine acts on a `Delete` at once (taint, drain, terminate); on a `Replace` it launches
//! the replacement, passes the replaced nodes as `NodePhase::Deleting` from then on (Karpenter
//! taints them `karpenter.sh/disrupted:NoSchedule` at once) and drains them when the
//! replacement is Ready. Expired nodes are drained the same way, forced at
//! `force_terminate_at`. Events name the reason with `DisruptionReason::as_str`.
//!
//! Consolidation commands are re-validated after 15 s in Karpenter: the engine calls
//! `disrupt` again after `consolidation_validation_delay` and acts only if the same action
//! comes back. Between polls where nothing changed, `recheck_at` says when the answer can
//! next change by time alone, so a quiet cluster costs nothing.
//!
//! Simplified: a replacement comes from the NodePool of the first node it replaces (Karpenter
//! may pick any pool the pods allow). Not modelled: drift (ecsim's NodePools do not change
//! during a run), the `Balanced` policy, reserved capacity, consolidation's time boxes, and the
//! 60-type EC2 Fleet truncation (the catalog has fewer types, so the cheapest is always among
//! them).

mod batcher;
mod budgets;
mod consolidation;
mod disruption;
mod expiry;
mod offerings;
mod pods;
mod provisioner;
mod rejection;
#[cfg(test)]
mod test_support;

pub use batcher::{BatchWindow, DEFAULT_BATCH_IDLE, DEFAULT_BATCH_MAX};
pub use budgets::{DisruptionReason, NodeBudget, PoolNodeCounts, allowed_disruptions};
pub use consolidation::{Leftover, MULTI_NODE_CANDIDATES, SPOT_TO_SPOT_MIN_TYPES};
pub use disruption::{
    ClusterNode, Disruption, DisruptionAction, DisruptionInput, DisruptionSettings, DisruptionView, ExpiredNode,
    NodePhase, PoolDisruption, Replacement, disrupt,
};
pub use expiry::{DEFAULT_EXPIRE_AFTER, Expiry, expiry};
pub use offerings::{
    DEFAULT_SPOT_DISCOUNT_PERCENT, NodeCapacity, Offering, PoolOffer, PricedOffering, Pricing, RemainingLimits,
    capacity_type_rank, launch_order,
};
pub use pods::{ProvisionablePod, queue_order};
pub use provisioner::{ExistingNode, NodeClaimPlan, Provisioning, ProvisioningInput, ProvisioningView, provision};
pub use rejection::{PoolRejection, Unschedulable};
