//! The Deployment's Progressing and Available conditions (k8s-semantics 2.5, K-DPROG
//! `syncRolloutStatus`, `DeploymentProgressing`, `DeploymentTimedOut`, `requeueStuckDeployment`).
//! A stalled rollout is only reported: nothing is rolled back.

use crate::sim::{SimDuration, SimTime};

/// The Deployment's status counts, summed over its ReplicaSets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DeploymentStatus {
    /// `status.replicas`: pods of every ReplicaSet, not terminating.
    pub replicas: u32,
    /// `status.updatedReplicas`: pods of the new ReplicaSet.
    pub updated_replicas: u32,
    /// `status.readyReplicas`.
    pub ready_replicas: u32,
    /// `status.availableReplicas`.
    pub available_replicas: u32,
}

/// The reason of the Progressing condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProgressReason {
    /// A new ReplicaSet was created for a new template (`True`).
    NewReplicaSetCreated,
    /// The rollout made progress (`True`).
    ReplicaSetUpdated,
    /// The new ReplicaSet has every replica available and nothing else runs (`True`).
    NewReplicaSetAvailable,
    /// No progress for longer than `progressDeadlineSeconds` (`False`).
    ProgressDeadlineExceeded,
}

impl ProgressReason {
    /// The reason as Kubernetes spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            ProgressReason::NewReplicaSetCreated => "NewReplicaSetCreated",
            ProgressReason::ReplicaSetUpdated => "ReplicaSetUpdated",
            ProgressReason::NewReplicaSetAvailable => "NewReplicaSetAvailable",
            ProgressReason::ProgressDeadlineExceeded => "ProgressDeadlineExceeded",
        }
    }

    /// The condition's status: false only for an exceeded deadline.
    pub fn status(self) -> bool {
        self != ProgressReason::ProgressDeadlineExceeded
    }
}

/// `status.conditions[type=Progressing]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProgressingCondition {
    /// Why the condition holds.
    pub reason: ProgressReason,
    /// `lastUpdateTime`: the last progress (or creation of the new ReplicaSet).
    pub last_update: SimTime,
    /// `lastTransitionTime`: when the status last flipped.
    pub last_transition: SimTime,
}

/// One status sync's inputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProgressInput {
    /// `spec.replicas` (D).
    pub desired: u32,
    /// D − max unavailable (`FencePosts::min_available`).
    pub min_available: u32,
    /// The status the last sync recorded.
    pub previous: DeploymentStatus,
    /// The status now.
    pub current: DeploymentStatus,
    /// The condition the last sync recorded (`None` before the first rollout).
    pub condition: Option<ProgressingCondition>,
    /// A new ReplicaSet was created in this sync (a template change).
    pub created_new_replica_set: bool,
    /// `progressDeadlineSeconds` (`None`: MaxInt32, no deadline).
    pub progress_deadline: Option<SimDuration>,
    /// Now.
    pub now: SimTime,
}

/// What one status sync concluded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProgressOutcome {
    /// The Progressing condition to record (`None` without a deadline).
    pub condition: Option<ProgressingCondition>,
    /// `Available`: at least D − max unavailable pods are available (`MinimumReplicasAvailable`).
    pub available: bool,
    /// When the engine syncs the Deployment again to check the deadline if nothing else
    /// happens first: the last progress + deadline + 1 s (`None`: complete, timed out, or no
    /// deadline).
    pub recheck_at: Option<SimTime>,
}

/// The conditions after a sync.
pub fn progressing(input: &ProgressInput) -> ProgressOutcome {
    let available = input.current.available_replicas >= input.min_available;
    let Some(deadline) = input.progress_deadline else {
        return ProgressOutcome {
            condition: None,
            available,
            recheck_at: None,
        };
    };
    let mut condition = input.condition;
    if input.created_new_replica_set {
        condition = Some(set(condition, ProgressReason::NewReplicaSetCreated, input.now, false));
    }
    let already_complete = input.current.replicas == input.current.updated_replicas
        && condition.is_some_and(|c| c.reason == ProgressReason::NewReplicaSetAvailable);
    if !already_complete {
        if is_complete(input) {
            condition = Some(set(condition, ProgressReason::NewReplicaSetAvailable, input.now, false));
        } else if made_progress(&input.previous, &input.current) {
            condition = Some(set(condition, ProgressReason::ReplicaSetUpdated, input.now, true));
        } else if timed_out(condition, deadline, input.now) {
            condition = Some(set(
                condition,
                ProgressReason::ProgressDeadlineExceeded,
                input.now,
                false,
            ));
        }
    }
    ProgressOutcome {
        condition,
        available,
        recheck_at: recheck_at(condition, is_complete(input), deadline, input.now),
    }
}

/// `DeploymentComplete`.
fn is_complete(input: &ProgressInput) -> bool {
    let s = &input.current;
    s.updated_replicas == input.desired && s.replicas == input.desired && s.available_replicas == input.desired
}

/// `DeploymentProgressing`: more updated, fewer old, more ready or more available pods.
fn made_progress(previous: &DeploymentStatus, current: &DeploymentStatus) -> bool {
    let old_before = previous.replicas.saturating_sub(previous.updated_replicas);
    let old_now = current.replicas.saturating_sub(current.updated_replicas);
    current.updated_replicas > previous.updated_replicas
        || old_now < old_before
        || current.ready_replicas > previous.ready_replicas
        || current.available_replicas > previous.available_replicas
}

/// `DeploymentTimedOut`: `lastUpdateTime + deadline < now`, never after completion.
fn timed_out(condition: Option<ProgressingCondition>, deadline: SimDuration, now: SimTime) -> bool {
    match condition {
        None => false,
        Some(c) => match c.reason {
            ProgressReason::NewReplicaSetAvailable => false,
            ProgressReason::ProgressDeadlineExceeded => true,
            _ => c.last_update.plus(deadline) < now,
        },
    }
}

/// `SetDeploymentCondition` (and, with `always_update`, the Progressing special case that
/// moves `lastUpdateTime` even when the reason is unchanged). The transition time is kept
/// while the status stays the same.
fn set(
    previous: Option<ProgressingCondition>,
    reason: ProgressReason,
    now: SimTime,
    always_update: bool,
) -> ProgressingCondition {
    match previous {
        Some(p) if p.reason == reason && !always_update => p,
        Some(p) if p.reason.status() == reason.status() => ProgressingCondition {
            reason,
            last_update: now,
            last_transition: p.last_transition,
        },
        _ => ProgressingCondition {
            reason,
            last_update: now,
            last_transition: now,
        },
    }
}

/// `requeueStuckDeployment`: `lastUpdateTime + deadline + 1 s`; with less than a second
/// left, the first millisecond past the deadline (Kubernetes requeues at once, rate limited).
/// Kubernetes also requeues a Deployment whose condition says complete but whose pods no
/// longer do (an HPA scale-up); that sync can never time out, so no recheck is asked for.
fn recheck_at(
    condition: Option<ProgressingCondition>,
    complete: bool,
    deadline: SimDuration,
    now: SimTime,
) -> Option<SimTime> {
    let c = condition?;
    // Complete, or already concluded: the deadline can no longer pass.
    if complete
        || matches!(
            c.reason,
            ProgressReason::ProgressDeadlineExceeded | ProgressReason::NewReplicaSetAvailable
        )
    {
        return None;
    }
    let due = c.last_update.plus(deadline);
    if due.since(now) < SimDuration::from_secs(1) {
        Some(due.plus(SimDuration::from_millis(1)).max(now))
    } else {
        Some(due.plus(SimDuration::from_secs(1)))
    }
}

#[cfg(test)]
#[path = "progress_tests.rs"]
mod tests;
