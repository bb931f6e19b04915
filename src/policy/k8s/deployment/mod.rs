//! The Deployment controller and the pod lifecycle it reads, as pure functions
//! (k8s-semantics 2 and 3.1 to 3.2).
//!
//! # How the engine calls this
//!
//! On every change of a Deployment's pods or `spec.replicas`, the engine builds one
//! [`ReplicaSetRecord`] per ReplicaSet (creation order; the record of a new template's
//! ReplicaSet is created with 0 replicas when the template changes) and lets the controller
//! settle, creating and deleting pods after each step as the ReplicaSet controller would:
//!
//! ```
//! use ecsim::model::k8s::DeploymentStrategy;
//! use ecsim::policy::k8s::deployment::{DeploymentTarget, ReplicaSetRecord, RolloutStep, settle};
//!
//! let target = DeploymentTarget { replicas: 3, strategy: DeploymentStrategy::default(), old_pods_remaining: 3 };
//! let old = ReplicaSetRecord { revision: 1, replicas: 3, pods: 3, ready: 3, available: 3, ..Default::default() };
//! let new = ReplicaSetRecord { revision: 2, is_new: true, ..Default::default() };
//! let mut replica_sets = [old, new];
//! let last = settle(&target, &mut replica_sets, |_step, sets| {
//!     // The engine creates pods up to each `replicas` and deletes the surplus in
//!     // `order_for_deletion` order, then refreshes `pods`, `ready` and `available`.
//!     for rs in sets.iter_mut() {
//!         rs.pods = rs.replicas;
//!         rs.ready = rs.ready.min(rs.replicas);
//!         rs.available = rs.available.min(rs.replicas);
//!     }
//! });
//! assert_eq!(last, RolloutStep::Waiting);
//! assert_eq!((replica_sets[0].replicas, replica_sets[1].replicas), (3, 1)); // k8s-semantics W20
//! ```
//!
//! Around that: [`progressing`] after each settle gives the Progressing condition and when to
//! check the deadline again; [`ready_at`] and [`available_at`] time a new pod's Ready and
//! available transitions from its probes and `minReadySeconds`; [`restart_backoff`] times a
//! crash-looping container; [`termination`] times a deleted pod's TERM and KILL; and
//! [`order_for_deletion`] picks the pods a shrinking ReplicaSet deletes.

mod availability;
mod fenceposts;
mod pod_deletion;
mod probes;
mod progress;
mod proportional;
mod reconcile;
mod recreate;
mod replica_sets;
mod rollback;
mod rolling;
mod termination;

#[cfg(test)]
mod timeline_tests;

pub use availability::{available_at, is_available};
pub use fenceposts::FencePosts;
pub use pod_deletion::{DeletionCandidate, PodPhase, count_colocated, deletion_order, order_for_deletion};
pub use probes::{BACKOFF_RESET, ContainerStart, ProbeSchedule, StartOutcome, not_ready_at, ready_at, restart_backoff};
pub use progress::{
    DeploymentStatus, ProgressInput, ProgressOutcome, ProgressReason, ProgressingCondition, progressing,
};
pub use reconcile::{settle, sync, sync_paused};
pub use replica_sets::{DeploymentTarget, ReplicaSetRecord, RolloutStep};
pub use rollback::{RevisionRecord, RollbackRefusal, rollback_target};
pub use termination::{Termination, termination};
