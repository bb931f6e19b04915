//! Scale-down's cases: W34's timers, blockers, minimum sizes and parallelism.

use std::cell::Cell;

use super::*;

const SECOND: u64 = 1000;

fn at(seconds: u64) -> SimTime {
    SimTime(seconds * SECOND)
}

/// k8s-semantics W34's node: allocatable 2000m / 8000 MiB with `cpu_milli` / 3000 MiB requested.
fn node(cpu_milli: u64, pods_to_move: u32) -> NodeUsage {
    NodeUsage {
        group: 0,
        allocatable: PodResources {
            cpu_milli: 2000,
            memory_mib: 8000,
        },
        requested: PodResources {
            cpu_milli,
            memory_mib: 3000,
        },
        pods_to_move,
        blocker: None,
        unneeded_since: None,
        being_removed: false,
    }
}

const ROOMY: [GroupSize; 1] = [GroupSize {
    target_size: 20,
    min_size: 0,
}];

fn input<'a>(
    now: SimTime,
    nodes: &'a [NodeUsage],
    groups: &'a [GroupSize],
    last_scale_up: Option<SimTime>,
) -> ScaleDownInput<'a> {
    ScaleDownInput {
        now,
        nodes,
        groups,
        timers: ScaleDownTimers {
            last_scale_up,
            ..ScaleDownTimers::default()
        },
        settings: ScaleDownSettings::default(),
        drains_in_progress: 0,
    }
}

/// Runs scans at `times` (seconds), carrying each node's unneeded-since from scan to scan;
/// returns the scan time of the first removal, and the nodes removed then.
fn first_removal(
    nodes: &[NodeUsage],
    groups: &[GroupSize],
    last_scale_up: Option<SimTime>,
    times: &[u64],
) -> Option<(u64, Vec<usize>)> {
    let mut nodes = nodes.to_vec();
    for &t in times {
        let decision = scale_down(&input(at(t), &nodes, groups, last_scale_up), |_| true);
        if !decision.removals.is_empty() {
            return Some((t, decision.removals.iter().map(|r| r.node).collect()));
        }
        for (node, since) in nodes.iter_mut().zip(decision.unneeded_since) {
            node.unneeded_since = since;
        }
    }
    None
}

/// Scans every 10 s from `from` to `to` seconds.
fn scans(from: u64, to: u64) -> Vec<u64> {
    (from / 10..=to / 10).map(|s| s * 10).collect()
}

#[test]
fn w34_scale_down_eligibility_and_timers() {
    // k8s-semantics W34: utilization max(0.45, 0.375) = 0.45 < 0.5. Simulated time starts at
    // 0, so every time is shifted by 120 s: the scale-up at 0, unneeded from 120 s, removable
    // at the first scan at or after 120 + 600 = 720 s (0 + 600 = 600 has passed by then).
    assert_eq!(utilization(node(900, 3).requested, node(900, 3).allocatable), 0.45);
    let w34 = [node(900, 3)];
    assert_eq!(
        first_removal(&w34, &ROOMY, Some(at(0)), &scans(120, 2000)),
        Some((720, vec![0]))
    );
    // 1100m -> 0.55: never unneeded.
    assert_eq!(
        first_removal(&[node(1100, 3)], &ROOMY, Some(at(0)), &scans(120, 2000)),
        None
    );
    // Exactly the threshold is not below it.
    assert_eq!(first_removal(&[node(1000, 3)], &ROOMY, None, &scans(0, 2000)), None);
}

#[test]
fn the_ten_minute_delay_after_a_scale_up_holds_removals() {
    // Unneeded from 0; a scale-up at 300 s holds every removal until 900 s, although the node
    // has been unneeded for 10 minutes at 600 s.
    let unneeded = [node(900, 3)];
    assert_eq!(
        first_removal(&unneeded, &ROOMY, Some(at(300)), &scans(0, 2000)),
        Some((900, vec![0]))
    );
    let mut held = node(900, 3);
    held.unneeded_since = Some(at(0));
    let decision = scale_down(&input(at(600), &[held], &ROOMY, Some(at(300))), |_| true);
    assert_eq!(decision.cooldown, Some(Cooldown::AfterScaleUp(at(900))));
    assert_eq!(decision.removals, vec![]);
    // The timer keeps running through the cooldown.
    assert_eq!(decision.unneeded_since, vec![Some(at(0))]);
}

#[test]
fn delays_after_a_failure_and_a_delete() {
    let mut unneeded = node(900, 3);
    unneeded.unneeded_since = Some(at(0));
    let nodes = [unneeded];
    let mut scan = input(at(700), &nodes, &ROOMY, None);
    scan.timers.last_failure = Some(at(600));
    assert_eq!(
        scale_down(&scan, |_| true).cooldown,
        Some(Cooldown::AfterFailure(at(780)))
    );
    scan.now = at(780);
    assert_eq!(scale_down(&scan, |_| true).removals.len(), 1);
    // The delay after a delete is 0 s by default: no cooldown at all.
    scan.timers = ScaleDownTimers {
        last_delete: Some(at(780)),
        ..ScaleDownTimers::default()
    };
    assert_eq!(scale_down(&scan, |_| true).cooldown, None);
    scan.settings.delay_after_delete = SimDuration::from_secs(60);
    assert_eq!(
        scale_down(&scan, |_| true).cooldown,
        Some(Cooldown::AfterDelete(at(840)))
    );
}

#[track_caller]
fn check_needed(node: NodeUsage, groups: &[GroupSize], can_move: bool) {
    let decision = scale_down(&input(at(0), &[node], groups, None), |_| can_move);
    assert_eq!(decision.unneeded_since, vec![None], "{node:?}");
}

#[test]
fn blockers_keep_a_node() {
    let blocked = |blocker| NodeUsage {
        blocker: Some(blocker),
        ..node(100, 2)
    };
    check_needed(blocked(RemovalBlocker::DisruptionBudget), &ROOMY, true);
    check_needed(blocked(RemovalBlocker::NotSafeToEvict), &ROOMY, true);
    check_needed(blocked(RemovalBlocker::ScaleDownDisabled), &ROOMY, true);
    // Pods that fit nowhere else.
    check_needed(node(100, 2), &ROOMY, false);
    // Already draining.
    check_needed(
        NodeUsage {
            being_removed: true,
            ..node(100, 2)
        },
        &ROOMY,
        true,
    );
    // A group at its minimum size.
    let at_min = [GroupSize {
        target_size: 2,
        min_size: 2,
    }];
    check_needed(node(100, 0), &at_min, true);
}

#[test]
fn the_move_simulation_runs_only_when_it_can_matter() {
    let asked = Cell::new(0);
    let nodes = [node(1500, 2), node(100, 0), node(100, 2), node(900, 1)];
    let decision = scale_down(&input(at(0), &nodes, &ROOMY, None), |i| {
        asked.set(asked.get() + 1);
        i == 2
    });
    // Over the threshold, or empty: not asked. Node 3 is asked and cannot move.
    assert_eq!(asked.get(), 2);
    assert_eq!(decision.unneeded_since, vec![None, Some(at(0)), Some(at(0)), None]);
}

#[test]
fn minimum_sizes_and_parallelism_limit_removals() {
    let long_unneeded = |pods_to_move, since| NodeUsage {
        unneeded_since: Some(at(since)),
        ..node(100, pods_to_move)
    };
    // Group of 3 with minSize 2: one of its two unneeded nodes goes, the one unneeded longer.
    let group = [GroupSize {
        target_size: 3,
        min_size: 2,
    }];
    let nodes = [long_unneeded(0, 5), long_unneeded(0, 1), node(1500, 4)];
    let decision = scale_down(&input(at(1000), &nodes, &group, None), |_| true);
    let removed: Vec<usize> = decision.removals.iter().map(|r| r.node).collect();
    assert_eq!(removed, vec![1]);
    // 12 empty nodes: 10 in bulk. With 3 non-empty ones as well, 10 empties and no drain.
    let mut empties = vec![long_unneeded(0, 0); 12];
    assert_eq!(
        scale_down(&input(at(1000), &empties, &ROOMY, None), |_| true)
            .removals
            .len(),
        10
    );
    empties.extend([long_unneeded(2, 0); 3]);
    let removals = scale_down(&input(at(1000), &empties, &ROOMY, None), |_| true).removals;
    assert_eq!(removals.len(), 10);
    assert!(removals.iter().all(|r| r.kind == RemovalKind::Empty));
    // 3 non-empty and 2 empty: both empties and one drain, in that order.
    let mut mixed = vec![long_unneeded(2, 0); 3];
    mixed.extend([long_unneeded(0, 100), long_unneeded(0, 50)]);
    let decision = scale_down(&input(at(1000), &mixed, &ROOMY, None), |_| true);
    let kinds: Vec<(usize, RemovalKind)> = decision.removals.iter().map(|r| (r.node, r.kind)).collect();
    assert_eq!(
        kinds,
        vec![
            (4, RemovalKind::Empty),
            (3, RemovalKind::Empty),
            (0, RemovalKind::Drain)
        ]
    );
    assert_eq!(
        decision.removals[2].reason(0.5),
        "pods fit elsewhere, utilization 0.38 < 0.5, unneeded for 16m40s"
    );
    // A drain still under way: no second one.
    let mut busy = input(at(1000), &mixed, &ROOMY, None);
    busy.drains_in_progress = 1;
    let kinds: Vec<RemovalKind> = scale_down(&busy, |_| true).removals.iter().map(|r| r.kind).collect();
    assert_eq!(kinds, vec![RemovalKind::Empty, RemovalKind::Empty]);
}

#[test]
fn utilization_edges() {
    let resources = |cpu_milli, memory_mib| PodResources { cpu_milli, memory_mib };
    assert_eq!(utilization(resources(0, 0), resources(0, 0)), 0.0);
    assert_eq!(utilization(resources(1, 0), resources(0, 100)), 1.0);
    assert_eq!(utilization(resources(500, 4000), resources(1000, 8000)), 0.5);
    assert_eq!(utilization(resources(100, 6000), resources(1000, 8000)), 0.75);
}
