//! Progressing condition tables (k8s-semantics 2.5, W21).

use super::*;

const DEADLINE: SimDuration = SimDuration::from_secs(600);

fn status(replicas: u32, updated: u32, ready: u32, available: u32) -> DeploymentStatus {
    DeploymentStatus {
        replicas,
        updated_replicas: updated,
        ready_replicas: ready,
        available_replicas: available,
    }
}

/// A condition last updated and last flipped at the given milliseconds.
fn cond(reason: ProgressReason, update_ms: u64, transition_ms: u64) -> Option<ProgressingCondition> {
    Some(ProgressingCondition {
        reason,
        last_update: SimTime(update_ms),
        last_transition: SimTime(transition_ms),
    })
}

/// D 10, minAvailable 8.
fn input(
    previous: DeploymentStatus,
    current: DeploymentStatus,
    condition: Option<ProgressingCondition>,
    now_ms: u64,
) -> ProgressInput {
    ProgressInput {
        desired: 10,
        min_available: 8,
        previous,
        current,
        condition,
        created_new_replica_set: false,
        progress_deadline: Some(DEADLINE),
        now: SimTime(now_ms),
    }
}

#[track_caller]
fn check(input: ProgressInput, expected: Option<ProgressingCondition>, recheck_ms: Option<u64>) {
    let outcome = progressing(&input);
    assert_eq!(outcome.condition, expected, "condition");
    assert_eq!(outcome.recheck_at, recheck_ms.map(SimTime), "recheck");
}

#[test]
fn the_deadline_passes_one_second_after_it_is_due_and_then_stays() {
    use ProgressReason::*;
    let stuck = status(13, 5, 8, 8);
    let since_0 = cond(ReplicaSetUpdated, 0, 0);
    // k8s-semantics W21: last progress at 0, deadline 600 → recheck at 601 s, timed out then.
    check(input(stuck, stuck, since_0, 5_000), since_0, Some(601_000));
    check(input(stuck, stuck, since_0, 600_000), since_0, Some(600_001));
    check(
        input(stuck, stuck, since_0, 600_001),
        cond(ProgressDeadlineExceeded, 600_001, 600_001),
        None,
    );
    check(
        input(stuck, stuck, since_0, 601_000),
        cond(ProgressDeadlineExceeded, 601000, 601000),
        None,
    );
    // Once timed out, it stays so (no rollback, no new timestamps).
    let exceeded = cond(ProgressDeadlineExceeded, 601000, 601000);
    check(input(stuck, stuck, exceeded, 900_000), exceeded, None);
    // Progress afterwards flips it back to True with a new transition time.
    check(
        input(stuck, status(13, 5, 9, 9), exceeded, 950_000),
        cond(ReplicaSetUpdated, 950000, 950000),
        Some(1_551_000),
    );
}

#[test]
fn each_kind_of_progress_moves_the_last_update_time_only() {
    use ProgressReason::*;
    let before = status(13, 5, 8, 8);
    let since_0 = cond(ReplicaSetUpdated, 0, 0);
    let moved = cond(ReplicaSetUpdated, 30000, 0);
    check(
        input(before, status(13, 6, 8, 8), since_0, 30_000),
        moved,
        Some(631_000),
    ); // more updated
    check(
        input(before, status(12, 5, 8, 8), since_0, 30_000),
        moved,
        Some(631_000),
    ); // fewer old
    check(
        input(before, status(13, 5, 9, 8), since_0, 30_000),
        moved,
        Some(631_000),
    ); // more ready
    check(
        input(before, status(13, 5, 8, 9), since_0, 30_000),
        moved,
        Some(631_000),
    ); // more available
    // Losses are not progress.
    check(
        input(before, status(13, 5, 7, 7), since_0, 30_000),
        since_0,
        Some(601_000),
    );
}

#[test]
fn completion_is_reported_once_and_then_never_times_out() {
    use ProgressReason::*;
    let done = status(10, 10, 10, 10);
    let since_0 = cond(ReplicaSetUpdated, 0, 0);
    check(
        input(status(11, 10, 10, 9), done, since_0, 90_000),
        cond(NewReplicaSetAvailable, 90000, 0),
        None,
    );
    let complete = cond(NewReplicaSetAvailable, 90000, 0);
    // An HPA scale-up after completion (all pods updated) keeps the condition as it is.
    let scaled = ProgressInput {
        desired: 14,
        ..input(done, status(14, 14, 10, 10), complete, 2_000_000)
    };
    check(scaled, complete, None);
    // A new template: NewReplicaSetCreated, then the deadline counts from it.
    let created = ProgressInput {
        created_new_replica_set: true,
        ..input(done, status(10, 0, 10, 10), complete, 3_000_000)
    };
    check(created, cond(NewReplicaSetCreated, 3000000, 0), Some(3_601_000));
}

#[test]
fn availability_and_no_deadline() {
    let mut i = input(status(13, 5, 8, 8), status(13, 5, 8, 8), None, 0);
    assert!(progressing(&i).available, "8 available ≥ minAvailable 8");
    i.current.available_replicas = 7;
    assert!(!progressing(&i).available);
    i.progress_deadline = None;
    i.condition = cond(ProgressReason::ReplicaSetUpdated, 0, 0);
    let outcome = progressing(&i);
    assert_eq!((outcome.condition, outcome.recheck_at), (None, None));
    assert_eq!(
        ProgressReason::ProgressDeadlineExceeded.as_str(),
        "ProgressDeadlineExceeded"
    );
    assert!(!ProgressReason::ProgressDeadlineExceeded.status());
}
