//! Cases of one tick: guards, failures, the initial recommendation and the event text.

use super::*;
use crate::model::k8s::{MetricTarget, ScalingRules};
use crate::policy::k8s::hpa::proposal::MetricCurrent;
use crate::policy::k8s::hpa::test_support::{Case, cpu, external, running};

const fn s(secs: u64) -> SimTime {
    SimTime(secs * 1000)
}

fn ok(replicas: u32) -> Result<MetricProposal, MetricError> {
    Ok(MetricProposal {
        replicas,
        current: MetricCurrent::Value(0),
    })
}

fn external_failed() -> Result<MetricProposal, MetricError> {
    Err(MetricError {
        reason: HpaReason::FailedGetExternalMetric,
        message: "unable to fetch metric queue".to_string(),
    })
}

fn defaults() -> HpaBehavior {
    HpaBehavior {
        scale_up: ScalingRules::default_scale_up(),
        scale_down: ScalingRules::default_scale_down(),
    }
}

/// A history the controller has already seen, with nothing in it.
fn seen() -> HpaHistory {
    HpaHistory {
        seen: true,
        ..HpaHistory::default()
    }
}

fn metrics() -> Vec<HpaMetric> {
    vec![
        cpu(MetricTarget::Utilization(50)).metric,
        external(MetricTarget::AverageValue(1), None).metric,
    ]
}

#[track_caller]
fn check(
    (min, max, behavior): (u32, u32, Option<&HpaBehavior>),
    cur: u32,
    proposals: &[Result<MetricProposal, MetricError>],
    history: &mut HpaHistory,
    desired: u32,
    message: Option<&str>,
) -> HpaTick {
    let metrics = metrics();
    let rules = HpaRules {
        min_replicas: min,
        max_replicas: max,
        metrics: &metrics,
        behavior,
    };
    let tick = reconcile(&rules, &ControllerSettings::default(), cur, proposals, history, s(0));
    assert_eq!(tick.desired_replicas, desired);
    assert_eq!(tick.event_message().as_deref(), message);
    tick
}

#[test]
fn scale_down_and_the_initial_recommendation_k8s_semantics_w7() {
    // Utilization 1400 x 100 / 5000 = 28 of 50: ceil(0.56 x 5) = 3.
    let usages = [100, 300, 500, 250, 250];
    let case =
        Case::new(cpu(MetricTarget::Utilization(50)), 5).pods(usages.iter().map(|&u| running(1000, Some(u))).collect());
    let proposal = case.propose();
    assert_eq!(proposal.as_ref().map(|p| p.replicas), Ok(3));
    let b = defaults();
    for behavior in [None, Some(&b)] {
        let hpa = (2, 6, behavior);
        let msg = Some("New size: 3; reason: All metrics below target");
        check(hpa, 5, std::slice::from_ref(&proposal), &mut seen(), 3, msg);
        let first = check(
            hpa,
            5,
            std::slice::from_ref(&proposal),
            &mut HpaHistory::default(),
            5,
            None,
        );
        assert_eq!(
            first.conditions.able_to_scale,
            Some(HpaCondition::holds(HpaReason::ScaleDownStabilized))
        );
    }
}

#[test]
fn one_failing_metric_blocks_only_scale_down_k8s_semantics_w15() {
    let tick = check((1, 10, None), 5, &[ok(3), external_failed()], &mut seen(), 5, None);
    assert_eq!(
        tick.conditions.scaling_active,
        Some(HpaCondition::fails(HpaReason::FailedGetExternalMetric))
    );
    assert_eq!(
        tick.metric_error.map(|e| e.reason),
        Some(HpaReason::FailedGetExternalMetric)
    );
    let msg = "New size: 7; reason: cpu resource utilization (percentage of request) above target";
    let tick = check((1, 10, None), 5, &[ok(7), external_failed()], &mut seen(), 7, Some(msg));
    assert_eq!(
        tick.conditions.scaling_active,
        Some(HpaCondition::holds(HpaReason::ValidMetricFound))
    );
    assert!(tick.metric_error.is_some());
    // Equal to cur is not a scale-down: the tick goes on (and changes nothing).
    check((1, 10, None), 5, &[ok(5), external_failed()], &mut seen(), 5, None);
    // All failing: nothing, ScalingActive False with the first error.
    let tick = check(
        (1, 10, None),
        5,
        &[external_failed(), external_failed()],
        &mut seen(),
        5,
        None,
    );
    assert_eq!(
        tick.conditions.scaling_active,
        Some(HpaCondition::fails(HpaReason::FailedGetExternalMetric))
    );
    // The largest valid proposal wins, named by its metric.
    let msg = "New size: 9; reason: external metric m above target";
    check((1, 10, None), 5, &[ok(6), ok(9)], &mut seen(), 9, Some(msg));
}

#[test]
fn outer_guards_come_before_metrics_k8s_semantics_1_6() {
    let tick = check((1, 10, None), 0, &[ok(5)], &mut seen(), 0, None);
    assert_eq!(
        tick.conditions.scaling_active,
        Some(HpaCondition::fails(HpaReason::ScalingDisabled))
    );
    assert!(!tick.rescaled);
    // minReplicas 0 (HPAScaleToZero): from 0 the metrics are read.
    check(
        (0, 10, None),
        0,
        &[ok(2)],
        &mut seen(),
        2,
        Some("New size: 2; reason: cpu resource utilization (percentage of request) above target"),
    );
    // Above max and below min: straight there, whatever the metrics say, no rate limit.
    let b = defaults();
    let mut history = seen();
    check(
        (1, 10, Some(&b)),
        30,
        &[ok(50)],
        &mut history,
        10,
        Some("New size: 10; reason: Current number of replicas above Spec.MaxReplicas"),
    );
    assert_eq!(history.scale_down_events.len(), 1); // the behavior path remembers it
    assert!(history.recommendations.is_empty()); // no metrics were read
    check(
        (4, 10, None),
        1,
        &[ok(1)],
        &mut seen(),
        4,
        Some("New size: 4; reason: Current number of replicas below Spec.MinReplicas"),
    );
}

#[test]
fn conditions_say_what_limited_the_tick() {
    let tick = check(
        (1, 100, None),
        3,
        &[ok(20)],
        &mut seen(),
        6,
        Some("New size: 6; reason: cpu resource utilization (percentage of request) above target"),
    );
    assert_eq!(
        tick.conditions.scaling_limited,
        Some(HpaCondition::holds(HpaReason::ScaleUpLimit))
    );
    assert_eq!(
        tick.conditions.able_to_scale,
        Some(HpaCondition::holds(HpaReason::SucceededRescale))
    );
    let tick = check((1, 100, None), 3, &[ok(3)], &mut seen(), 3, None);
    assert_eq!(
        tick.conditions.scaling_limited,
        Some(HpaCondition::fails(HpaReason::DesiredWithinRange))
    );
    assert_eq!(
        tick.conditions.able_to_scale,
        Some(HpaCondition::holds(HpaReason::ReadyForNewScale))
    );
    let tick = check(
        (2, 100, None),
        3,
        &[ok(1)],
        &mut seen(),
        2,
        Some("New size: 2; reason: All metrics below target"),
    );
    assert_eq!(
        tick.conditions.scaling_limited,
        Some(HpaCondition::holds(HpaReason::TooFewReplicas))
    );
}
