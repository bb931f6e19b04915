//! Probe timing tables (k8s-semantics 3.1, W25).

use super::*;

fn probe(initial_delay_s: u32, period_s: u32) -> Probe {
    Probe {
        initial_delay_s,
        period_s,
        ..Probe::default()
    }
}

fn start(app_s: Option<u64>) -> ContainerStart {
    ContainerStart {
        started: SimTime::ZERO,
        app_answers_after: app_s.map(SimDuration::from_secs),
        startup: None,
        readiness: None,
        liveness: None,
    }
}

#[track_caller]
fn check(c: ContainerStart, expected: StartOutcome) {
    assert_eq!(ready_at(&c), expected);
}

fn ready(s: u64) -> StartOutcome {
    StartOutcome::Ready { at: SimTime(s * 1000) }
}

fn killed(s: u64, by_startup_probe: bool) -> StartOutcome {
    StartOutcome::Killed {
        at: SimTime(s * 1000),
        by_startup_probe,
    }
}

#[test]
fn readiness_passes_at_the_first_probe_after_the_app_answers() {
    let r = Some(probe(5, 10));
    // k8s-semantics W25: probes at 5 (fail), 15 (ok) → Ready at 15 s.
    check(
        ContainerStart {
            readiness: r,
            ..start(Some(12))
        },
        ready(15),
    );
    check(
        ContainerStart {
            readiness: r,
            ..start(Some(15))
        },
        ready(15),
    );
    check(
        ContainerStart {
            readiness: r,
            ..start(Some(0))
        },
        ready(5),
    );
    check(
        ContainerStart {
            readiness: r,
            ..start(Some(16))
        },
        ready(25),
    );
    // successThreshold 2: one more period.
    let twice = Some(Probe {
        success_threshold: 2,
        ..probe(5, 10)
    });
    check(
        ContainerStart {
            readiness: twice,
            ..start(Some(12))
        },
        ready(25),
    );
    // No readiness probe: Ready when the container runs, app or not.
    check(start(Some(12)), ready(0));
    check(start(None), ready(0));
    // An app that never answers never gets Ready, and nothing kills it.
    check(
        ContainerStart {
            readiness: r,
            ..start(None)
        },
        StartOutcome::NeverReady,
    );
}

#[test]
fn startup_probe_gates_readiness_and_kills_a_slow_app() {
    let s = Some(probe(0, 10)); // probes at 0, 10, 20: killed at the third failure, 20 s.
    let r = Some(probe(5, 10));
    check(
        ContainerStart {
            startup: s,
            readiness: r,
            ..start(Some(12))
        },
        ready(25),
    );
    check(
        ContainerStart {
            startup: s,
            ..start(Some(12))
        },
        ready(20),
    );
    check(
        ContainerStart {
            startup: s,
            readiness: r,
            ..start(Some(20))
        },
        ready(25),
    );
    check(
        ContainerStart {
            startup: s,
            readiness: r,
            ..start(Some(21))
        },
        killed(20, true),
    );
    check(
        ContainerStart {
            startup: s,
            readiness: r,
            ..start(None)
        },
        killed(20, true),
    );
    // The startup probe takes over from liveness until it passes.
    let l = Some(probe(0, 1));
    check(
        ContainerStart {
            startup: s,
            liveness: l,
            ..start(Some(12))
        },
        ready(20),
    );
}

#[test]
fn liveness_kills_an_app_that_does_not_answer_in_time() {
    let l = Some(probe(10, 5)); // probes at 10, 15, 20: killed at 20 s.
    let r = Some(probe(0, 10));
    check(
        ContainerStart {
            liveness: l,
            readiness: r,
            ..start(None)
        },
        killed(20, false),
    );
    check(
        ContainerStart {
            liveness: l,
            readiness: r,
            ..start(Some(21))
        },
        killed(20, false),
    );
    check(
        ContainerStart {
            liveness: l,
            readiness: r,
            ..start(Some(20))
        },
        ready(20),
    );
    check(
        ContainerStart {
            liveness: l,
            readiness: r,
            ..start(Some(3))
        },
        ready(10),
    );
    // failureThreshold 1: the first failed probe kills.
    let strict = Some(Probe {
        failure_threshold: 1,
        ..probe(10, 5)
    });
    check(
        ContainerStart {
            liveness: strict,
            ..start(Some(11))
        },
        killed(10, false),
    );
    // Times count from the container start.
    let later = ContainerStart {
        started: SimTime(100_000),
        liveness: l,
        ..start(None)
    };
    check(later, killed(120, false));
}

#[test]
fn readiness_is_lost_at_the_third_consecutive_failure() {
    // k8s-semantics W25: app stops at 100 s; failures at 105, 115, 125 → NotReady at 125 s.
    let schedule = ProbeSchedule::new(SimTime::ZERO, &probe(5, 10));
    assert_eq!(not_ready_at(&schedule, 3, SimTime(100_000)), SimTime(125_000));
    assert_eq!(not_ready_at(&schedule, 3, SimTime(105_000)), SimTime(125_000));
    assert_eq!(not_ready_at(&schedule, 3, SimTime(105_001)), SimTime(135_000));
    assert_eq!(not_ready_at(&schedule, 1, SimTime(100_000)), SimTime(105_000));
    assert_eq!(not_ready_at(&schedule, 3, SimTime(0)), SimTime(25_000));
    assert_eq!(schedule.nth(2), SimTime(25_000));
    // A zero period is read as one second.
    let fast = ProbeSchedule::new(SimTime::ZERO, &probe(0, 0));
    assert_eq!(fast.first_at_or_after(SimTime(1_500)), SimTime(2_000));
}

#[test]
fn restart_back_off_doubles_from_ten_seconds_to_five_minutes() {
    let waits: Vec<u64> = (0..8).map(|n| restart_backoff(n).0 / 1000).collect();
    assert_eq!(waits, [10, 20, 40, 80, 160, 300, 300, 300]);
    assert_eq!(restart_backoff(u32::MAX), SimDuration::from_secs(300));
    assert_eq!(BACKOFF_RESET, SimDuration::from_secs(600));
}
