//! The Deployment controller's rollout step, pod deletion order, readiness and termination.

use crate::engine::world::World;
use crate::model::k8s::{DeploymentStrategy, PodTemplate};
use crate::sim::SimDuration;
use crate::spec::eks::PodRevision;

/// A ReplicaSet as the rollout step sees it.
pub(in crate::engine::eks) struct ReplicaSetView {
    pub revision: usize,
    pub is_new: bool,
    pub replicas: u32,
    pub pods: u32,
    pub ready: u32,
    pub available: u32,
    pub desired_annotation: Option<u32>,
    pub max_annotation: Option<u32>,
}

/// A ReplicaSet's new `spec.replicas` and annotations.
pub(in crate::engine::eks) struct ReplicaSetChange {
    pub revision: usize,
    pub replicas: u32,
    pub desired_annotation: u32,
    pub max_annotation: u32,
}

/// The outcome of one sync.
pub(in crate::engine::eks) struct RolloutStep {
    pub replica_sets: Vec<ReplicaSetChange>,
}

/// One sync of the Deployment controller.
pub(in crate::engine::eks) fn rollout_step(
    strategy: &DeploymentStrategy,
    replicas: u32,
    views: &[ReplicaSetView],
    old_pods: u32,
) -> RolloutStep {
    todo!("{strategy:?} {replicas} {} {old_pods}", views.len())
}

/// Which `n` of `pods` a ReplicaSet deletes first.
pub(in crate::engine::eks) fn pods_to_delete(world: &World<'_>, pods: &[u64], n: usize) -> Vec<u64> {
    let _ = world;
    todo!("{} {n}", pods.len())
}

/// `maxSurge 25%, maxUnavailable 25% of 4: 1 surge, 1 unavailable` for events.csv.
pub(in crate::engine::eks) fn strategy_text(strategy: &DeploymentStrategy, replicas: u32) -> String {
    todo!("{strategy:?} {replicas}")
}

/// From container start to Ready; `None` when the pod never becomes Ready.
pub(in crate::engine::eks) fn ready_delay(revision: &PodRevision) -> Option<SimDuration> {
    todo!("{}", revision.app_start_s)
}

/// From deletion until the containers have exited.
pub(in crate::engine::eks) fn termination_time(template: &PodTemplate) -> SimDuration {
    todo!("{}", template.termination_grace_period_s)
}
