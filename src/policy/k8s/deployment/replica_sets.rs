//! The Deployment controller's view of one sync: the Deployment's target and its ReplicaSets as
//! plain records, and what one sync did.

use super::fenceposts::FencePosts;
use crate::model::k8s::DeploymentStrategy;

/// What the Deployment asks for, as one sync reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeploymentTarget {
    /// `spec.replicas` (D), as the HPA or the user last set it.
    pub replicas: u32,
    /// `spec.strategy`.
    pub strategy: DeploymentStrategy,
    /// Pods of the old ReplicaSets that still exist, terminating ones included (Failed and
    /// Succeeded ones not): a `Recreate` rollout starts the new pods only at 0.
    pub old_pods_remaining: u32,
}

impl DeploymentTarget {
    /// The fence posts of this target (k8s-semantics 2.2).
    pub fn fence_posts(&self) -> FencePosts {
        FencePosts::resolve(self.replicas, &self.strategy)
    }
}

/// One ReplicaSet of the Deployment: its `spec.replicas`, its status counts and the two
/// replica annotations the controller writes. One sync updates `replicas` and the annotations
/// in place, as the controller updates the ReplicaSet objects.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReplicaSetRecord {
    /// `deployment.kubernetes.io/revision`.
    pub revision: u32,
    /// Whether this ReplicaSet's template is the Deployment's current one (the "new" RS).
    pub is_new: bool,
    /// `spec.replicas`: what the controller asks of this ReplicaSet.
    pub replicas: u32,
    /// `status.replicas`: its pods that exist and are not terminating.
    pub pods: u32,
    /// `status.readyReplicas`.
    pub ready: u32,
    /// `status.availableReplicas` (Ready for `minReadySeconds`, k8s-semantics 2.4).
    pub available: u32,
    /// `deployment.kubernetes.io/desired-replicas`: D when the controller last scaled it.
    pub desired_replicas: Option<u32>,
    /// `deployment.kubernetes.io/max-replicas`: D + surge when the controller last scaled it.
    pub max_replicas: Option<u32>,
}

impl ReplicaSetRecord {
    /// A ReplicaSet with pods is "active".
    pub fn is_active(&self) -> bool {
        self.replicas > 0
    }

    /// Sets `spec.replicas` and the annotations as `scaleReplicaSet` does; true if anything
    /// changed.
    pub(super) fn scale_to(&mut self, replicas: u32, posts: &FencePosts) -> bool {
        let desired = Some(posts.replicas);
        let max = Some(posts.max_total());
        let changed = self.replicas != replicas || self.desired_replicas != desired || self.max_replicas != max;
        self.replicas = replicas;
        self.desired_replicas = desired;
        self.max_replicas = max;
        changed
    }
}

/// What one sync of the Deployment controller did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RolloutStep {
    /// `spec.replicas` changed (a ReplicaSet's desired-replicas annotation differs from D): the
    /// ReplicaSets were resized in proportion instead of a rollout step (k8s-semantics 2.7).
    ScalingEvent,
    /// RollingUpdate: the new ReplicaSet was scaled (up within the surge, or down to D).
    NewReplicaSetScaled,
    /// RollingUpdate: old ReplicaSets shrank, first by their pods that are not available
    /// (`cleanupUnhealthyReplicas`), then by available ones above `minAvailable`.
    OldReplicaSetsScaledDown {
        /// Pods removed by the unhealthy cleanup.
        unhealthy: u32,
        /// Pods removed from the available ones.
        available: u32,
    },
    /// Recreate: every old ReplicaSet was set to 0.
    RecreateOldScaledDown,
    /// Recreate: old pods still exist (terminating ones too); the new ReplicaSet waits.
    RecreateWaitingForOldPods,
    /// Recreate: the new ReplicaSet was set to D.
    RecreateNewScaledUp,
    /// Nothing to do: the new ReplicaSet has D available pods and nothing else runs.
    Complete,
    /// Nothing to do now: the rollout waits for pods to become available.
    Waiting,
}

impl RolloutStep {
    /// Whether the sync changed a ReplicaSet, so the controller syncs again at once.
    pub fn changed(&self) -> bool {
        !matches!(
            self,
            RolloutStep::Complete | RolloutStep::Waiting | RolloutStep::RecreateWaitingForOldPods
        )
    }
}

/// Index of the new ReplicaSet. The engine creates its record (0 replicas, no annotations)
/// when the template changes, so there is always one.
pub(super) fn new_index(replica_sets: &[ReplicaSetRecord]) -> usize {
    replica_sets
        .iter()
        .position(|rs| rs.is_new)
        .expect("the Deployment's ReplicaSets include the new one")
}

/// Σ `spec.replicas`.
pub(super) fn total_replicas(replica_sets: &[ReplicaSetRecord]) -> u32 {
    replica_sets.iter().map(|rs| rs.replicas).sum()
}

/// Σ `status.availableReplicas`.
pub(super) fn total_available(replica_sets: &[ReplicaSetRecord]) -> u32 {
    replica_sets.iter().map(|rs| rs.available).sum()
}

/// `DeploymentComplete`: the new ReplicaSet has D pods, all available, and no other pods exist.
pub(super) fn is_complete(desired: u32, replica_sets: &[ReplicaSetRecord]) -> bool {
    let updated = replica_sets
        .iter()
        .filter(|rs| rs.is_new)
        .map(|rs| rs.pods)
        .sum::<u32>();
    let pods = replica_sets.iter().map(|rs| rs.pods).sum::<u32>();
    updated == desired && pods == desired && total_available(replica_sets) == desired
}
