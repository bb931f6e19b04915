//! Deletion order tables (k8s-semantics 2.3, K-CUTIL `ActivePodsWithRanks.Less`).

use super::*;

const NOW: SimTime = SimTime(3_600_000);

/// A Running, Ready pod on node 1, ready since 600 s, created at 500 s.
fn pod(id: u64) -> DeletionCandidate {
    DeletionCandidate {
        pod: id,
        node: Some(1),
        phase: PodPhase::Running,
        ready_since: Some(SimTime(600_000)),
        restarts: 0,
        created: SimTime(500_000),
        deletion_cost: 0,
        colocated: 1,
    }
}

/// `first` is deleted before `second`, and not the other way round.
#[track_caller]
fn check(first: DeletionCandidate, second: DeletionCandidate) {
    assert_eq!(deletion_order(&first, &second, NOW), Ordering::Less);
    assert_eq!(deletion_order(&second, &first, NOW), Ordering::Greater);
}

#[test]
fn each_rule_decides_in_order() {
    let base = pod(2);
    check(DeletionCandidate { node: None, ..pod(9) }, base); // 1. unassigned first
    check(
        DeletionCandidate {
            phase: PodPhase::Pending,
            ..pod(9)
        },
        base,
    ); // 2. Pending < Running
    check(
        DeletionCandidate {
            phase: PodPhase::Unknown,
            ..pod(9)
        },
        base,
    ); // 2. Unknown < Running
    check(
        DeletionCandidate {
            phase: PodPhase::Pending,
            ..pod(9)
        },
        DeletionCandidate {
            phase: PodPhase::Unknown,
            ..pod(1)
        },
    );
    check(
        DeletionCandidate {
            ready_since: None,
            ..pod(9)
        },
        base,
    ); // 3. not ready first
    check(
        DeletionCandidate {
            deletion_cost: -1,
            ..pod(9)
        },
        base,
    ); // 4. lower cost first
    check(DeletionCandidate { colocated: 3, ..pod(9) }, base); // 5. doubled up first
    // 6. Ready more recently first, on a log2 scale: 600 s ago (2^39 ns) before 3,000 s (2^41).
    check(
        DeletionCandidate {
            ready_since: Some(SimTime(3_000_000)),
            ..pod(9)
        },
        base,
    );
    check(DeletionCandidate { restarts: 2, ..pod(9) }, base); // 7. more restarts first
    // 8. Newer first, on a log2 scale.
    check(
        DeletionCandidate {
            created: SimTime(3_500_000),
            ..pod(9)
        },
        base,
    );
    // Last: the lower id.
    check(pod(1), base);
}

#[test]
fn ready_and_creation_times_within_one_power_of_two_tie_to_the_id() {
    // Ready 3,000 s and 2,400 s ago: both in [2^41, 2^42) ns → same rank; the lower id goes,
    // ahead of the restart count (rule 6 decides by id when the ready times differ).
    let a = DeletionCandidate {
        ready_since: Some(SimTime(600_000)),
        ..pod(1)
    };
    let b = DeletionCandidate {
        ready_since: Some(SimTime(1_200_000)),
        restarts: 5,
        ..pod(2)
    };
    check(a, b);
    // Created 3,100 s and 2,500 s ago: same rank, lower id first.
    let c = DeletionCandidate {
        created: SimTime(500_000),
        ..pod(1)
    };
    let d = DeletionCandidate {
        created: SimTime(1_100_000),
        ..pod(2)
    };
    check(c, d);
    // Equal in every way but the id.
    assert_eq!(deletion_order(&pod(4), &pod(4), NOW), Ordering::Equal);
}

#[test]
fn the_chosen_pods_come_first_in_deletion_order() {
    let mut pods = vec![
        pod(1),
        DeletionCandidate {
            ready_since: None,
            ..pod(2)
        },
        DeletionCandidate {
            node: None,
            phase: PodPhase::Pending,
            ready_since: None,
            ..pod(3)
        },
        pod(4),
        DeletionCandidate { restarts: 1, ..pod(5) },
    ];
    order_for_deletion(&mut pods, 3, NOW);
    assert_eq!(pods[..3].iter().map(|p| p.pod).collect::<Vec<_>>(), [3, 2, 5]);
    order_for_deletion(&mut pods, 10, NOW);
    assert_eq!(pods.iter().map(|p| p.pod).collect::<Vec<_>>(), [3, 2, 5, 1, 4]);
    order_for_deletion(&mut pods, 0, NOW);
    assert_eq!(pods.len(), 5);
}

#[test]
fn colocation_counts_the_deployment_pods_on_each_node() {
    let mut pods = vec![
        DeletionCandidate {
            node: Some(7),
            ..pod(1)
        },
        DeletionCandidate {
            node: Some(8),
            ..pod(2)
        },
        DeletionCandidate { node: None, ..pod(3) },
    ];
    let related = [Some(7), Some(8), Some(7), None, Some(7), Some(9)];
    count_colocated(&mut pods, related.into_iter());
    assert_eq!(pods.iter().map(|p| p.colocated).collect::<Vec<_>>(), [3, 1, 1]);
    // The pod on the crowded node goes first among otherwise equal pods.
    order_for_deletion(&mut pods[..2], 1, NOW);
    assert_eq!(pods[0].pod, 1);
}
