//! Chart annotations from the event log: scaling activities, deployments, faults and their labels.

use super::*;
use crate::trace::FaultCause;

/// A message that says nothing a program could use: annotations must come from the payload.
const PROSE: &str = "Lorem ipsum: desired 1 -> 99, outage for 3h, circuit breaker, alarm, web:42.";

fn event(time_s: f64, kind: &str, subject: &str, detail: Option<EventDetail>) -> EventRow {
    EventRow {
        time_s,
        timestamp: String::new(),
        kind: kind.into(),
        subject: subject.into(),
        message: PROSE.into(),
        detail,
    }
}

fn desired(from: u32, to: u32, cause: DesiredCause, name: &str) -> Option<EventDetail> {
    Some(EventDetail::DesiredChange {
        from,
        to,
        cause,
        name: name.into(),
    })
}

fn deployment(task_definition: &str) -> Option<EventDetail> {
    Some(EventDetail::Deployment {
        task_definition: task_definition.into(),
    })
}

fn fault_of(cause: FaultCause, name: &str) -> Option<EventDetail> {
    Some(EventDetail::Fault {
        cause,
        name: name.into(),
    })
}

fn failed(cause: FailureCause) -> Option<EventDetail> {
    Some(EventDetail::DeploymentFailed {
        cause,
        name: String::new(),
    })
}

#[test]
fn labels_events_briefly_from_their_payload() {
    for (kind, detail, expected) in [
        (
            "service_update",
            desired(4, 8, DesiredCause::UpdateService, ""),
            "desired → 8",
        ),
        ("service_update", None, "update"),
        (
            "fault",
            fault_of(FaultCause::ZoneFailure, "us-east-1b"),
            "Availability Zone us-east-1b fails",
        ),
        (
            "fault",
            fault_of(FaultCause::ZoneOutage, "us-east-1b"),
            "Availability Zone us-east-1b outage",
        ),
        (
            "fault",
            fault_of(FaultCause::InstanceFailure, "cp-m5, count 2"),
            "failInstances (cp-m5, count 2)",
        ),
        (
            "fault",
            fault_of(FaultCause::Drain, "i-0001 i-0002, all"),
            "drainInstances (i-0001 i-0002, all)",
        ),
        (
            "fault",
            fault_of(FaultCause::SpotInterruption, "FARGATE_SPOT"),
            "Spot interruption on FARGATE_SPOT",
        ),
        ("fault", None, "fault"),
        (
            "fault_recovered",
            fault_of(FaultCause::ZoneOutage, "us-east-1c"),
            "us-east-1c recovers",
        ),
        ("rollback", None, "rollback"),
        ("deployment_started", deployment("web:3"), "deployment starts: web:3"),
        ("deployment_started", None, "deployment starts"),
        (
            "deployment_failed",
            failed(FailureCause::CircuitBreaker),
            "failed: circuit breaker",
        ),
        ("deployment_failed", failed(FailureCause::Alarm), "failed: alarm"),
        (
            "deployment_failed",
            failed(FailureCause::LifecycleHook),
            "failed: lifecycle hook",
        ),
        ("deployment_failed", None, "deployment failed"),
        ("rollback_started", deployment("web:2"), "rollback to web:2"),
        ("deployment_stalled", None, "stalled"),
        ("placement_failure", None, ""),
    ] {
        let run = RunData::default();
        assert_eq!(
            label(&run, &event(0.0, kind, "web", detail.clone())),
            expected,
            "{kind}: {detail:?}"
        );
    }
}

#[test]
fn scaling_activities_show_the_new_desired_count_and_their_direction() {
    for (detail, label, legend, priority) in [
        (
            desired(4, 6, DesiredCause::ScalingPolicy, "cpu60"),
            "→ 6",
            "scale-out",
            2,
        ),
        (
            desired(25, 21, DesiredCause::ScalingPolicy, "cpu60"),
            "→ 21",
            "scale-in",
            4,
        ),
        (
            desired(8, 10, DesiredCause::ScheduledAction, "weekday-morning"),
            "weekday-morning → 10",
            "scheduled action",
            SCHEDULED_PRIORITY + 2,
        ),
        (
            desired(
                12,
                3,
                DesiredCause::ScheduledAction,
                "a-very-long-scheduled-action-name",
            ),
            "a-very-long-scheduled-a… → 3",
            "scheduled action",
            SCHEDULED_PRIORITY + 9,
        ),
        (desired(4, 3, DesiredCause::ScalableTarget, ""), "→ 3", "scale-in", 1),
        (
            desired(2, 27, DesiredCause::PredictiveScaling, "pred-forecast"),
            "→ 27",
            "predictive scaling",
            25,
        ),
        (
            desired(8, 12, DesiredCause::ManagedScaling, "ECSManagedAutoScalingPolicy"),
            "→ 12",
            "scale-out",
            4,
        ),
        (None, "scaling", "scale-out", 0),
    ] {
        let m = scaling_marker(&event(0.0, "scaling_activity", "web", detail.clone()));
        assert_eq!(
            (m.label.as_str(), m.legend.as_str(), m.label_priority),
            (label, legend, priority),
            "{detail:?}"
        );
    }
}

#[test]
fn rewording_a_message_changes_no_marker() {
    let run = |message: &str| RunData {
        events: [
            event(
                60.0,
                "scaling_activity",
                "web",
                desired(4, 6, DesiredCause::ScalingPolicy, "cpu60"),
            ),
            event(
                120.0,
                "scaling_activity",
                "web",
                desired(6, 10, DesiredCause::ScheduledAction, "morning"),
            ),
            event(
                180.0,
                "fault",
                "us-east-1b",
                fault_of(FaultCause::ZoneOutage, "us-east-1b"),
            ),
            event(240.0, "deployment_started", "web", deployment("web:7")),
            event(
                300.0,
                "fault_recovered",
                "us-east-1b",
                fault_of(FaultCause::ZoneOutage, "us-east-1b"),
            ),
            event(360.0, "deployment_failed", "web", failed(FailureCause::CircuitBreaker)),
        ]
        .into_iter()
        .map(|e| EventRow {
            message: message.to_string(),
            ..e
        })
        .collect(),
        ..Default::default()
    };
    let drawn = |run: &RunData| {
        let markers: Vec<(String, String, u32)> = markers(run, Some("web"))
            .into_iter()
            .map(|m| (m.label, m.legend, m.label_priority))
            .collect();
        let outages: Vec<(String, f64, f64)> = outage_spans(run, 1000.0)
            .into_iter()
            .map(|s| (s.legend, s.start_s, s.end_s))
            .collect();
        (markers, outages, deployments(run, "web"))
    };
    let reworded = drawn(&run(PROSE));
    assert_eq!(reworded, drawn(&run("")));
    assert_eq!(
        reworded,
        drawn(&run(
            "(service web) deployment ecs-svc/9 of api:3 failed: desired 9 -> 1."
        ))
    );
    let (markers, outages, deployments) = reworded;
    let labels: Vec<&str> = markers.iter().map(|(label, ..)| label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "→ 6",
            "morning → 10",
            "Availability Zone us-east-1b outage for 2m",
            "deployment starts: web:7",
            "us-east-1b recovers",
            "failed: circuit breaker"
        ]
    );
    assert_eq!(markers[0].1, "scale-out");
    assert_eq!(outages, [("us-east-1b outage".to_string(), 180.0, 300.0)]);
    assert_eq!(deployments[0].task_definition.as_deref(), Some("web:7"));
    assert_eq!(deployments[0].outcome, "failed");
}

#[test]
fn the_peak_of_a_sawtooth_is_labelled_first() {
    let activity = |t: f64, old: u32, new: u32| {
        event(
            t,
            "scaling_activity",
            "web",
            desired(old, new, DesiredCause::ScalingPolicy, "cpu60"),
        )
    };
    let run = RunData {
        events: vec![
            activity(60.0, 20, 21),
            activity(120.0, 21, 22),
            activity(180.0, 22, 23),
            activity(900.0, 23, 21),
            activity(960.0, 21, 20),
        ],
        ..Default::default()
    };
    let priorities: Vec<u32> = markers(&run, Some("web")).iter().map(|m| m.label_priority).collect();
    assert_eq!(
        priorities,
        [1, 1, TURNING_POINT_PRIORITY + 1, 2, TURNING_POINT_PRIORITY + 1]
    );
}

#[test]
fn picks_the_subjects_events_and_spans_faults_until_steady_state() {
    let run = RunData {
        events: vec![
            event(
                100.0,
                "fault",
                "cluster",
                fault_of(FaultCause::ZoneFailure, "us-east-1b"),
            ),
            event(100.0, "placement_failure", "api", None),
            event(130.0, "steady_state", "web", None),
            event(
                150.0,
                "service_update",
                "web",
                desired(2, 3, DesiredCause::UpdateService, ""),
            ),
        ],
        ..Default::default()
    };
    let web: Vec<String> = markers(&run, Some("web")).into_iter().map(|m| m.legend).collect();
    assert_eq!(web, ["fault", "UpdateService"]);
    assert_eq!(markers(&run, None).len(), 1);
    let spans = recovery_spans(&run, "web", 1000.0);
    assert!(outage_spans(&run, 1000.0).is_empty(), "a zone failure is not an outage");
    assert_eq!((spans[0].start_s, spans[0].end_s), (100.0, 130.0));
    assert_eq!(recovery_spans(&run, "api", 1000.0)[0].end_s, 1000.0);
}

#[test]
fn deployments_run_from_their_start_to_their_end_or_the_next_one() {
    let run = RunData {
        events: vec![
            event(100.0, "deployment_started", "web", deployment("web:2")),
            event(100.0, "deployment_started", "api", deployment("api:7")),
            event(400.0, "deployment_completed", "web", None),
            event(600.0, "deployment_started", "web", deployment("web:3")),
            event(700.0, "deployment_stalled", "web", None),
            event(900.0, "rollback_started", "web", deployment("web:2")),
            event(900.0, "deployment_failed", "web", failed(FailureCause::CircuitBreaker)),
            event(1000.0, "deployment_started", "web", deployment("web:4")),
            event(1500.0, "deployment_started", "web", deployment("web:5")),
        ],
        ..Default::default()
    };
    let d = |rollback: bool, start_s: f64, end_s: Option<f64>, outcome: &'static str, td: &str| Deployment {
        rollback,
        start_s,
        end_s,
        outcome,
        task_definition: Some(td.to_string()),
    };
    assert_eq!(
        deployments(&run, "web"),
        [
            d(false, 100.0, Some(400.0), "completed", "web:2"),
            d(false, 600.0, Some(900.0), "failed", "web:3"),
            d(true, 900.0, Some(1000.0), "superseded", "web:2"),
            d(false, 1000.0, Some(1500.0), "superseded", "web:4"),
            d(false, 1500.0, None, "in progress", "web:5"),
        ]
    );
    let spans = deployment_spans(&run, "web", 2000.0);
    assert_eq!(
        (spans[2].legend.as_str(), spans[2].end_s),
        ("rollback in progress", 1000.0)
    );
    assert_eq!(
        (spans[4].legend.as_str(), spans[4].end_s),
        ("deployment in progress", 2000.0)
    );
    let legends: Vec<String> = deployment_markers(&run, "api").into_iter().map(|m| m.legend).collect();
    assert_eq!(legends, ["deployment starts"]);
}

#[test]
fn an_outage_is_shaded_until_its_zone_recovers() {
    let outage = |zone: &str| fault_of(FaultCause::ZoneOutage, zone);
    let run = RunData {
        events: vec![
            event(100.0, "fault", "us-east-1b", outage("us-east-1b")),
            event(200.0, "fault_recovered", "us-east-1a", outage("us-east-1a")),
            event(3700.0, "fault_recovered", "us-east-1b", outage("us-east-1b")),
            event(4000.0, "fault", "us-east-1c", outage("us-east-1c")),
        ],
        ..Default::default()
    };
    let spans: Vec<(String, f64, f64)> = outage_spans(&run, 5000.0)
        .into_iter()
        .map(|s| (s.legend, s.start_s, s.end_s))
        .collect();
    assert_eq!(
        spans,
        [
            ("us-east-1b outage".to_string(), 100.0, 3700.0),
            ("us-east-1c outage".to_string(), 4000.0, 5000.0)
        ]
    );
    let labels: Vec<String> = markers(&run, None).into_iter().map(|m| m.label).collect();
    assert_eq!(
        labels,
        [
            "Availability Zone us-east-1b outage for 1h",
            "us-east-1a recovers",
            "us-east-1b recovers",
            "Availability Zone us-east-1c outage"
        ],
        "an outage the run outlives has no known length"
    );
}
