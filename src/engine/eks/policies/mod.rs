//! The engine's side of `policy::k8s`: builds each pure function's read-only inputs from the
//! world and turns its answer into the engine's terms. One file per control loop.

mod cluster_autoscaler;
mod fargate;
mod hpa;
mod karpenter;
mod metric_sources;
mod nodes;
mod pdb;
mod pending;
mod rollout;
mod scheduler;

pub(super) use cluster_autoscaler::{cluster_autoscaler_scale_down, cluster_autoscaler_scale_up};
pub(super) use fargate::{fargate_profile, fargate_size};
pub(super) use hpa::{HpaRuntime, hpa_reconcile};
pub(super) use karpenter::{KarpenterAction, KarpenterRuntime, karpenter_disrupt, karpenter_provision};
pub(super) use metric_sources::queue_deployments;
pub(super) use nodes::{node_capacity, node_price};
pub(super) use pdb::disruptions_allowed;
pub(super) use pending::pending_pods_by_capacity;
pub(super) use rollout::{pods_to_delete, ready_delay, replica_set_records, strategy_text, termination_time};
pub(super) use scheduler::schedule_pods;
