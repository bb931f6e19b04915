//! Cases of one normalization step; whole tick sequences are in `sequence_tests`.

use super::*;
use crate::model::k8s::{HpaScalingPolicy, ScalingPolicyKind, ScalingRules, SelectPolicy};

const fn s(secs: u64) -> SimTime {
    SimTime(secs * 1000)
}

const BOUNDS: Bounds = Bounds { min: 2, max: 100 };
const WINDOW: SimDuration = SimDuration::from_secs(300);

fn defaults() -> HpaBehavior {
    HpaBehavior {
        scale_up: ScalingRules::default_scale_up(),
        scale_down: ScalingRules::default_scale_down(),
    }
}

fn history(recommendations: &[(u32, u64)]) -> HpaHistory {
    let mut h = HpaHistory::default();
    for &(replicas, at) in recommendations {
        h.record_recommendation(replicas, s(at), |_| false);
    }
    h
}

/// Expected: replicas, AbleToScale reason, ScalingLimited status and reason.
type Expected = (u32, HpaReason, bool, HpaReason);

#[track_caller]
fn check_legacy(cur: u32, proposal: u32, bounds: Bounds, recs: &[(u32, u64)], now_s: u64, expected: Expected) {
    let got = normalize_legacy(cur, proposal, bounds, WINDOW, &mut history(recs), s(now_s));
    let (replicas, able, status, reason) = expected;
    assert_eq!(
        got,
        Normalized {
            replicas,
            able_to_scale: able,
            scaling_limited: HpaCondition { status, reason }
        }
    );
}

#[track_caller]
fn check_behavior(
    cur: u32,
    proposal: u32,
    bounds: Bounds,
    behavior: &HpaBehavior,
    recs: &[(u32, u64)],
    now_s: u64,
    expected: Expected,
) {
    let got = normalize_with_behavior(cur, proposal, bounds, behavior, WINDOW, &mut history(recs), s(now_s));
    let (replicas, able, status, reason) = expected;
    assert_eq!(
        got,
        Normalized {
            replicas,
            able_to_scale: able,
            scaling_limited: HpaCondition { status, reason }
        }
    );
}

use HpaReason::*;

#[test]
fn legacy_path_caps_clamps_and_stabilizes() {
    check_legacy(3, 20, BOUNDS, &[], 0, (6, ReadyForNewScale, true, ScaleUpLimit)); // max(2 x 3, 4)
    check_legacy(1, 20, BOUNDS, &[], 0, (4, ReadyForNewScale, true, ScaleUpLimit));
    check_legacy(
        3,
        20,
        Bounds { min: 2, max: 5 },
        &[],
        0,
        (5, ReadyForNewScale, true, TooManyReplicas),
    );
    check_legacy(3, 6, BOUNDS, &[], 0, (6, ReadyForNewScale, false, DesiredWithinRange));
    check_legacy(3, 0, BOUNDS, &[], 0, (2, ReadyForNewScale, true, TooFewReplicas));
    // The highest recommendation of the last 300 s, the boundary included.
    check_legacy(
        8,
        3,
        BOUNDS,
        &[(8, 0)],
        300,
        (8, ScaleDownStabilized, false, DesiredWithinRange),
    );
    check_legacy(
        8,
        3,
        BOUNDS,
        &[(8, 0)],
        301,
        (3, ReadyForNewScale, false, DesiredWithinRange),
    );
}

#[test]
fn behavior_path_stabilizes_in_both_directions() {
    // k8s-semantics W7 (b): the initial {5, now} holds a scale-down to 3 at 5.
    let b = defaults();
    check_behavior(
        5,
        3,
        BOUNDS,
        &b,
        &[(5, 0)],
        0,
        (5, ScaleDownStabilized, false, DesiredWithinRange),
    );
    // W7 (a): nothing recorded in the window: 3.
    check_behavior(
        5,
        3,
        BOUNDS,
        &b,
        &[(5, 0)],
        300,
        (3, ReadyForNewScale, false, DesiredWithinRange),
    );
    // A scale-up window holds a scale-up to the lowest recommendation in it.
    let mut up_window = defaults();
    up_window.scale_up.stabilization_window_s = Some(60);
    check_behavior(
        3,
        10,
        BOUNDS,
        &up_window,
        &[(3, 0), (6, 15)],
        30,
        (3, ScaleUpStabilized, false, DesiredWithinRange),
    );
    check_behavior(
        3,
        10,
        BOUNDS,
        &up_window,
        &[(3, 0), (6, 15)],
        60,
        (6, ScaleUpStabilized, false, DesiredWithinRange),
    );
    check_behavior(
        3,
        10,
        BOUNDS,
        &up_window,
        &[(3, 0), (6, 15)],
        75,
        (7, ReadyForNewScale, true, ScaleUpLimit),
    ); // then the rate: 3 + 4
}

#[test]
fn behavior_path_limits_and_clamps() {
    let b = defaults();
    check_behavior(1, 50, BOUNDS, &b, &[], 0, (5, ReadyForNewScale, true, ScaleUpLimit)); // W9 (a) first step
    check_behavior(
        50,
        200,
        Bounds { min: 2, max: 60 },
        &b,
        &[],
        0,
        (60, ReadyForNewScale, true, TooManyReplicas),
    );
    let mut no_window = defaults();
    no_window.scale_down.stabilization_window_s = Some(0);
    check_behavior(
        5,
        0,
        BOUNDS,
        &no_window,
        &[],
        0,
        (2, ReadyForNewScale, true, TooFewReplicas),
    );
    let disabled = |mut b: HpaBehavior| {
        b.scale_up.select_policy = SelectPolicy::Disabled;
        b.scale_down.select_policy = SelectPolicy::Disabled;
        b
    };
    let off = disabled(no_window.clone());
    check_behavior(3, 10, BOUNDS, &off, &[], 0, (3, ReadyForNewScale, true, ScaleUpLimit));
    check_behavior(5, 2, BOUNDS, &off, &[], 0, (5, ReadyForNewScale, true, ScaleDownLimit));
    // Pods 1 per 60 s down: ScaleDownLimit names the policy, not minReplicas.
    let mut slow = no_window;
    slow.scale_down.policies = vec![HpaScalingPolicy {
        kind: ScalingPolicyKind::Pods,
        value: 1,
        period_s: 60,
    }];
    check_behavior(5, 2, BOUNDS, &slow, &[], 0, (4, ReadyForNewScale, true, ScaleDownLimit));
}
