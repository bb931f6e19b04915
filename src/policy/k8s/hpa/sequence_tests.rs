//! Whole runs of ticks at 15 s spacing (k8s-semantics W8, W9, W10): each tick's result becomes
//! the next tick's `spec.replicas`.

use super::*;
use crate::model::k8s::{HpaBehavior, HpaScalingPolicy, MetricTarget, ScalingPolicyKind, ScalingRules};
use crate::sim::SimTime;

fn defaults() -> HpaBehavior {
    HpaBehavior {
        scale_up: ScalingRules::default_scale_up(),
        scale_down: ScalingRules::default_scale_down(),
    }
}

/// Runs ticks at 0, 15, 30, ... up to `last_s`, starting from `cur` with a fresh history;
/// `proposal(t)` is what the metrics ask at second `t`. Returns `spec.replicas` after each.
fn run(behavior: Option<&HpaBehavior>, mut cur: u32, last_s: u64, proposal: impl Fn(u64) -> u32) -> Vec<u32> {
    let metrics = vec![test_support::cpu(MetricTarget::Utilization(50)).metric];
    let rules = HpaRules {
        min_replicas: 1,
        max_replicas: 100,
        metrics: &metrics,
        behavior,
    };
    let settings = ControllerSettings::default();
    let mut history = HpaHistory::default();
    (0..=last_s)
        .step_by(15)
        .map(|t| {
            let p = Ok(MetricProposal {
                replicas: proposal(t),
                current: MetricCurrent::Value(0),
            });
            cur = reconcile(&rules, &settings, cur, &[p], &mut history, SimTime(t * 1000)).desired_replicas;
            cur
        })
        .collect()
}

/// Replicas per tick from a list of (second, new count) steps, flat in between.
fn steps(last_s: u64, changes: &[(u64, u32)], start: u32) -> Vec<u32> {
    let mut cur = start;
    (0..=last_s)
        .step_by(15)
        .map(|t| {
            if let Some(&(_, n)) = changes.iter().find(|&&(at, _)| at == t) {
                cur = n;
            }
            cur
        })
        .collect()
}

#[test]
fn downscale_stabilization_timing_k8s_semantics_w8() {
    let got = run(Some(&defaults()), 10, 330, |t| if t == 0 { 10 } else { 2 });
    assert_eq!(got, steps(330, &[(300, 2)], 10));
    // The legacy path counts the record exactly 300 s old: one tick later.
    let got = run(None, 10, 330, |t| if t == 0 { 10 } else { 2 });
    assert_eq!(got, steps(330, &[(315, 2)], 10));
}

#[test]
fn default_ramp_against_legacy_k8s_semantics_w9() {
    assert_eq!(run(Some(&defaults()), 1, 75, |_| 50), vec![5, 10, 20, 40, 50, 50]);
    assert_eq!(run(None, 1, 75, |_| 50), vec![4, 8, 16, 32, 50, 50]);
}

#[test]
fn doc_scale_down_policies_k8s_semantics_w10() {
    let mut behavior = defaults();
    behavior.scale_down = ScalingRules {
        stabilization_window_s: Some(0),
        policies: vec![
            HpaScalingPolicy {
                kind: ScalingPolicyKind::Pods,
                value: 4,
                period_s: 60,
            },
            HpaScalingPolicy {
                kind: ScalingPolicyKind::Percent,
                value: 10,
                period_s: 60,
            },
        ],
        ..ScalingRules::default_scale_down()
    };
    let got = run(Some(&behavior), 80, 840, |_| 10);
    let expected = [
        (0, 72),
        (60, 64),
        (120, 57),
        (180, 51),
        (240, 45),
        (300, 40),
        (360, 36),
        (420, 32),
        (480, 28),
        (540, 24),
        (600, 20),
        (660, 16),
        (720, 12),
        (780, 10),
    ];
    assert_eq!(got, steps(840, &expected, 80));
}

#[test]
fn scaling_disabled_by_select_policy_holds_each_direction() {
    let mut up_off = defaults();
    up_off.scale_up.select_policy = crate::model::k8s::SelectPolicy::Disabled;
    assert_eq!(run(Some(&up_off), 3, 45, |_| 9), vec![3, 3, 3, 3]);
    let mut down_off = defaults();
    down_off.scale_down.select_policy = crate::model::k8s::SelectPolicy::Disabled;
    down_off.scale_down.stabilization_window_s = Some(0);
    assert_eq!(run(Some(&down_off), 6, 45, |_| 2), vec![6, 6, 6, 6]);
    assert_eq!(
        run(Some(&down_off), 6, 30, |t| if t == 0 { 9 } else { 2 }),
        vec![9, 9, 9]
    );
}

#[test]
fn a_cpu_jump_is_acted_on_at_the_first_tick_that_sees_it_k8s_semantics_w42() {
    // 4 pods at 50 % of a 50 % target until t = 600 s, then 100 %. metrics-server's sample at a
    // tick is the mean of the 15 s before the last scrape, stamped with that scrape.
    let metrics = vec![test_support::cpu(MetricTarget::Utilization(50)).metric];
    let settings = ControllerSettings::default();
    let pods_at = |t: u64| {
        let usage = if t > 600 { 1000 } else { 500 };
        let mut pod = test_support::running(1000, Some(usage));
        pod.sample = pod.sample.map(|s| MetricSample {
            timestamp: SimTime(t * 1000),
            ..s
        });
        vec![pod; 4]
    };
    let behavior = defaults();
    for behavior in [None, Some(&behavior)] {
        let rules = HpaRules {
            min_replicas: 1,
            max_replicas: 100,
            metrics: &metrics,
            behavior,
        };
        let mut history = HpaHistory::default();
        let mut cur = 4;
        let mut replicas = Vec::new();
        for t in [585, 600, 615] {
            let pods = pods_at(t);
            let input = ProposalInput {
                metric: &metrics[0],
                current_replicas: cur,
                status_replicas: cur,
                pods: &pods,
                object_value_milli: None,
                tolerances: Tolerances::for_hpa(settings.tolerance, behavior),
                settings: &settings,
                now: SimTime(t * 1000),
            };
            let tick = reconcile(
                &rules,
                &settings,
                cur,
                &[propose(&input)],
                &mut history,
                SimTime(t * 1000),
            );
            cur = tick.desired_replicas;
            replicas.push(cur);
        }
        // Legacy max(2 x 4, 4) and the default policies max(4 + 4, 2 x 4) both allow 8.
        assert_eq!(replicas, vec![4, 4, 8]);
    }
}
