//! Cluster Autoscaler on EKS managed node groups (k8s-semantics 5): one scan's scale-up
//! (binpacking estimate per group, expander, balancing of similar groups), one scan's
//! scale-down (unneeded nodes, timers, removals), and a group's back-off after failures.
//!
//! # How the engine calls this
//!
//! Every `scan-interval` (10 s): `scale_up` with the unschedulable pods; if it returns `Some`,
//! raise the groups' desired capacity and record the time as `last_scale_up`; otherwise call
//! `scale_down`, store each node's new unneeded-since, and cordon and drain the removals.
//!
//! ```
//! use ecsim::model::k8s::{Labels, PodResources};
//! use ecsim::policy::k8s::cluster_autoscaler::*;
//! use ecsim::policy::k8s::nodes::NodeAllocatable;
//! use ecsim::sim::SimTime;
//! use rand::SeedableRng;
//!
//! let labels = Labels::new();
//! let m5_large = NodeAllocatable { resources: PodResources { cpu_milli: 1930, memory_mib: 6903 }, pods: 29 };
//! let shape = GroupShape { instance_type: "m5.large", template: m5_large, labels: &labels, taints: &[] };
//! let groups = [NodeGroup {
//!     shape,
//!     target_size: 2,
//!     upcoming_nodes: 0,
//!     max_size: 10,
//!     backed_off: false,
//!     zone_spread_room: &[],
//! }];
//! let pod = PendingPod {
//!     requests: PodResources { cpu_milli: 500, memory_mib: 512 },
//!     owner: 0,
//!     host_ports: &[],
//!     zone_spread: None,
//! };
//! let pending = vec![pod; 6];
//! let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
//! // `fits(pod, group)`: the scheduler's filters on an empty template node (selectors, taints).
//! let up = scale_up(&pending, &groups, &ScaleUpSettings::default(), |_, _| true, &mut rng).unwrap();
//! assert_eq!(up.increases, vec![(0, 2)]); // 3 pods of 500m a node
//!
//! // A later scan without a scale-up: one node with a quarter of its CPU requested.
//! let nodes = [NodeUsage {
//!     group: 0,
//!     allocatable: m5_large.resources,
//!     requested: PodResources { cpu_milli: 500, memory_mib: 512 },
//!     pods_to_move: 1,
//!     blocker: None,
//!     unneeded_since: Some(SimTime(0)),
//!     being_removed: false,
//! }];
//! let input = ScaleDownInput {
//!     now: SimTime(600_000),
//!     nodes: &nodes,
//!     groups: &[GroupSize { target_size: 4, min_size: 1 }],
//!     timers: ScaleDownTimers::default(),
//!     settings: ScaleDownSettings::default(),
//!     drains_in_progress: 0,
//! };
//! // `can_move_pods(node)`: a scheduling simulation of its pods onto the other nodes.
//! let down = scale_down(&input, |_| true);
//! assert_eq!(down.removals[0].kind, RemovalKind::Drain);
//! assert_eq!(down.unneeded_since, vec![Some(SimTime(0))]);
//! ```

pub mod backoff;
pub mod balance;
pub mod estimator;
pub mod expander;
pub mod scale_down;
pub mod scale_up;

pub use backoff::{GroupBackoff, backoff_duration, provisioning_timed_out};
pub use balance::{BalanceTarget, GroupShape, balance};
pub use estimator::{Estimate, EstimateLimits, PendingPod, estimate};
pub use expander::{Expander, ExpansionOption, choose_option};
pub use scale_down::{
    Cooldown, GroupSize, NodeRemoval, NodeUsage, RemovalBlocker, RemovalKind, ScaleDown, ScaleDownInput,
    ScaleDownSettings, ScaleDownTimers, scale_down, utilization,
};
pub use scale_up::{MAX_NODES_PER_SCALE_UP, NodeGroup, ScaleUp, ScaleUpSettings, scale_up};
