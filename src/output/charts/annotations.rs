//! Timeline annotations from `events.csv`: faults as labelled lines (and, on a service's charts,
//! a shaded span until the service is steady again), service updates labelled with the new
//! desired count, placement failures as small ticks, scaling activities as lines coloured by
//! direction (scale-out, scale-in, scheduled action) labelled with the new desired count, and
//! deployments and rollbacks as labelled lines (a deployment's start names its task definition,
//! a failure says whether the circuit breaker or an alarm failed it), and each deployment or
//! rollback is shaded from its start to its end. Availability Zone outages are shaded from their
//! start to their recovery, and Spot interruptions of a service's tasks are small ticks.
//! `not_scaled` events are not drawn: a policy that keeps declining would cover the chart.

use super::data::{EventRow, RunData};
use super::figure::{Marker, MarkerShape, Span};
use super::style::{self, Stroke};

/// How one event kind is shown; kinds not listed here are not drawn.
struct KindStyle {
    kind: &'static str,
    legend: &'static str,
    stroke: Stroke,
    shape: MarkerShape,
    /// Whether the event belongs to one service or provider (its `subject`), or to the whole run.
    per_subject: bool,
    /// Label priority (see [`Marker::label_priority`]).
    priority: u32,
}

/// Faults and rollbacks are labelled before anything else.
const FAULT_PRIORITY: u32 = 100_000;
/// Scheduled actions are labelled before the activities of policies: they explain a step that no
/// metric does.
const SCHEDULED_PRIORITY: u32 = 20_000;
/// The last activity before scaling turns around is labelled before the ones leading up to it.
const TURNING_POINT_PRIORITY: u32 = 10_000;
/// Legends of scaling activity markers.
const SCALING_LEGENDS: &[&str] = &["scale-out", "scale-in", "scheduled action"];

const KINDS: &[KindStyle] = &[
    KindStyle {
        kind: "fault",
        legend: "fault",
        stroke: style::FAULT,
        shape: MarkerShape::VerticalLine,
        per_subject: false,
        priority: FAULT_PRIORITY,
    },
    KindStyle {
        kind: "fault_recovered",
        legend: "fault",
        stroke: style::FAULT,
        shape: MarkerShape::VerticalLine,
        per_subject: false,
        priority: FAULT_PRIORITY,
    },
    KindStyle {
        kind: "spot_interruption",
        legend: "Spot interruption",
        stroke: style::SPOT_INTERRUPTION,
        shape: MarkerShape::Tick,
        per_subject: true,
        priority: 0,
    },
    KindStyle {
        kind: "service_update",
        legend: "UpdateService",
        stroke: style::SERVICE_UPDATE,
        shape: MarkerShape::VerticalLine,
        per_subject: true,
        priority: 40_000,
    },
    KindStyle {
        kind: "placement_failure",
        legend: "placement failure",
        stroke: style::PLACEMENT_FAILURE,
        shape: MarkerShape::Tick,
        per_subject: true,
        priority: 0,
    },
    KindStyle {
        kind: "scaling_activity",
        legend: "scaling activity",
        stroke: style::OTHER_EVENT,
        shape: MarkerShape::VerticalLine,
        per_subject: true,
        priority: 0,
    },
    KindStyle {
        kind: "deployment_started",
        legend: "deployment starts",
        stroke: style::DEPLOYMENT_STARTED,
        shape: MarkerShape::VerticalLine,
        per_subject: true,
        // Which revision a deployment brings is labelled before that it completed or stalled.
        priority: 60_000,
    },
    KindStyle {
        kind: "deployment_completed",
        legend: "deployment completed",
        stroke: style::DEPLOYMENT_COMPLETED,
        shape: MarkerShape::VerticalLine,
        per_subject: true,
        priority: 30_000,
    },
    KindStyle {
        kind: "deployment_failed",
        legend: "deployment failed",
        stroke: style::DEPLOYMENT_FAILED,
        shape: MarkerShape::VerticalLine,
        per_subject: true,
        priority: FAULT_PRIORITY,
    },
    KindStyle {
        kind: "rollback_started",
        legend: "rollback starts",
        stroke: style::ROLLBACK_STARTED,
        shape: MarkerShape::VerticalLine,
        per_subject: true,
        priority: FAULT_PRIORITY - 1,
    },
    KindStyle {
        kind: "deployment_stalled",
        legend: "deployment stalled",
        stroke: style::DEPLOYMENT_STALLED,
        shape: MarkerShape::VerticalLine,
        per_subject: true,
        priority: 50_000,
    },
    KindStyle {
        kind: "rollback",
        legend: "rollback",
        stroke: style::FAULT,
        shape: MarkerShape::VerticalLine,
        per_subject: true,
        priority: FAULT_PRIORITY,
    },
];

/// Event kinds of a service's deployments, in the order a deployment goes through them.
pub const DEPLOYMENT_KINDS: &[&str] = &[
    "deployment_started",
    "deployment_stalled",
    "deployment_failed",
    "rollback_started",
    "rollback",
    "deployment_completed",
];

/// Markers for the charts of `subject` (a service or a capacity provider): run-wide events and
/// that subject's own. `None` gives run-wide events only (the cost chart).
pub fn markers(run: &RunData, subject: Option<&str>) -> Vec<Marker> {
    markers_of_kinds(run, subject, |_| true)
}

/// Markers for a service's deployment chart: its deployment events and the run's faults, without
/// the scaling activities and placement failures the tasks chart already shows.
pub fn deployment_markers(run: &RunData, service: &str) -> Vec<Marker> {
    markers_of_kinds(run, Some(service), |kind| {
        DEPLOYMENT_KINDS.contains(&kind) || kind == "fault" || kind == "fault_recovered"
    })
}

fn markers_of_kinds(run: &RunData, subject: Option<&str>, wanted: impl Fn(&str) -> bool) -> Vec<Marker> {
    let mut markers: Vec<Marker> = run
        .events
        .iter()
        .filter(|e| wanted(&e.kind))
        .filter_map(|e| {
            let k = KINDS.iter().find(|k| k.kind == e.kind)?;
            let mine = !k.per_subject || subject == Some(e.subject.as_str());
            if !mine {
                return None;
            }
            if e.kind == "scaling_activity" {
                return Some(scaling_marker(e));
            }
            Some(Marker {
                time_s: e.time_s,
                label: label(e),
                legend: k.legend.to_string(),
                stroke: k.stroke,
                shape: k.shape,
                label_priority: k.priority,
            })
        })
        .collect();
    favour_turning_points(&mut markers);
    markers
}

/// Raises the label priority of the last scaling activity before the direction changes (the top of
/// a run of scale-outs, the bottom of a run of scale-ins): a sawtooth of `→ 21`, `→ 22`, ... then
/// reads as its peak `→ 25` when not every label fits.
fn favour_turning_points(markers: &mut [Marker]) {
    let scaling: Vec<usize> = (0..markers.len())
        .filter(|&i| SCALING_LEGENDS.contains(&markers[i].legend.as_str()))
        .collect();
    for (k, &i) in scaling.iter().enumerate() {
        let turns = scaling
            .get(k + 1)
            .is_none_or(|&next| markers[next].legend != markers[i].legend);
        if turns {
            markers[i].label_priority += TURNING_POINT_PRIORITY;
        }
    }
}

/// A scaling activity: coloured by direction (or as a scheduled action), labelled `→ 6` with the
/// new desired count, and the larger the change, the sooner its label is placed.
fn scaling_marker(e: &EventRow) -> Marker {
    let counts = desired_change(&e.message);
    let scheduled = e.message.contains(": scheduled action ");
    let (legend, stroke) = match counts {
        _ if scheduled => ("scheduled action", style::SCHEDULED_ACTION),
        Some((old, new)) if new < old => ("scale-in", style::SCALE_IN),
        _ => ("scale-out", style::SCALE_OUT),
    };
    let change = counts.map_or(0, |(old, new)| old.abs_diff(new));
    let label = match counts {
        None => "scaling".to_string(),
        Some((_, new)) if scheduled => format!("{} → {new}", shorten(first_clause(&e.message), 24)),
        Some((_, new)) => format!("→ {new}"),
    };
    Marker {
        time_s: e.time_s,
        label,
        legend: legend.to_string(),
        stroke,
        shape: MarkerShape::VerticalLine,
        label_priority: if scheduled { SCHEDULED_PRIORITY } else { 0 } + change.min(9_999) as u32,
    }
}

/// Shaded spans on a service's charts: from each fault until the service next reports a steady
/// state (to the end of the run if it never does), so the reader sees how long recovery took.
pub fn recovery_spans(run: &RunData, service: &str, end_s: f64) -> Vec<Span> {
    run.events
        .iter()
        .filter(|e| e.kind == "fault")
        .map(|fault| {
            let recovered = run
                .events
                .iter()
                .find(|e| e.kind == "steady_state" && e.subject == service && e.time_s > fault.time_s)
                .map_or(end_s, |e| e.time_s);
            Span {
                legend: "fault until steady state".to_string(),
                stroke: style::FAULT,
                start_s: fault.time_s,
                end_s: recovered,
            }
        })
        .collect()
}

/// One deployment (or rollback) of a service, from `events.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct Deployment {
    /// Whether it rolls back a failed deployment (`rollback_started`).
    pub rollback: bool,
    /// When it started, seconds since the start.
    pub start_s: f64,
    /// When it ended (completed, failed, or replaced by the next deployment); `None` when the run
    /// ended first.
    pub end_s: Option<f64>,
    /// `completed`, `failed`, `superseded` or `in progress`.
    pub outcome: &'static str,
    /// The task definition its start event names (`web:3`), if any.
    pub task_definition: Option<String>,
}

/// The deployments and rollbacks of `service`, in time order. Each runs from its
/// `deployment_started` (or `rollback_started`) to the service's next `deployment_completed` or
/// `deployment_failed`, or to the next deployment or rollback that replaces it.
pub fn deployments(run: &RunData, service: &str) -> Vec<Deployment> {
    const STARTS: [&str; 2] = ["deployment_started", "rollback_started"];
    const ENDS: [&str; 2] = ["deployment_completed", "deployment_failed"];
    let events: Vec<&EventRow> = run.events.iter().filter(|e| e.subject == service).collect();
    events
        .iter()
        .enumerate()
        .filter(|(_, e)| STARTS.contains(&e.kind.as_str()))
        .map(|(i, start)| {
            // A failure and the rollback it starts share a time, in either order: the failure
            // ends the deployment, not the rollback.
            let ends_it = |e: &&&EventRow| ENDS.contains(&e.kind.as_str()) && e.time_s > start.time_s;
            let later = &events[i + 1..];
            let end = later.iter().find(|e| STARTS.contains(&e.kind.as_str()) || ends_it(e));
            let outcome = end.map_or("in progress", |end| {
                later
                    .iter()
                    .filter(|e| e.time_s == end.time_s)
                    .find(ends_it)
                    .map_or("superseded", |e| {
                        if e.kind == "deployment_completed" {
                            "completed"
                        } else {
                            "failed"
                        }
                    })
            });
            Deployment {
                rollback: start.kind == "rollback_started",
                start_s: start.time_s,
                end_s: end.map(|e| e.time_s),
                outcome,
                task_definition: task_definition(&start.message),
            }
        })
        .collect()
}

/// Light shading over each deployment and rollback of `service`, to `end_s` when the run ends
/// first.
pub fn deployment_spans(run: &RunData, service: &str, end_s: f64) -> Vec<Span> {
    deployments(run, service)
        .into_iter()
        .map(|d| {
            let (legend, stroke) = if d.rollback {
                ("rollback in progress", style::ROLLBACK_SPAN)
            } else {
                ("deployment in progress", style::DEPLOYMENT_SPAN)
            };
            Span {
                legend: legend.to_string(),
                stroke,
                start_s: d.start_s,
                end_s: d.end_s.unwrap_or(end_s),
            }
        })
        .collect()
}

/// The task definition a message names: an ARN's `family:revision` after its last `/`, or a bare
/// `family:revision` word (`web:3`). A family must hold a letter, so times like `12:30` are not
/// taken for one.
pub fn task_definition(message: &str) -> Option<String> {
    message.split_whitespace().find_map(|word| {
        let word = word.trim_matches(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ':' | '/')));
        let word = word.trim_end_matches(':');
        let name = word.rsplit('/').next().unwrap_or(word);
        let (family, revision) = name.split_once(':')?;
        let family_ok = !family.is_empty()
            && family.chars().any(|c| c.is_ascii_alphabetic())
            && family
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'));
        let revision_ok = !revision.is_empty() && revision.chars().all(|c| c.is_ascii_digit());
        (family_ok && revision_ok).then(|| name.to_string())
    })
}

/// Shaded spans of Availability Zone outages, from the fault to the zone's `fault_recovered` row
/// (to `end_s` if the run ends first), for every chart: an outage touches the whole cluster.
pub fn outage_spans(run: &RunData, end_s: f64) -> Vec<Span> {
    run.events
        .iter()
        .filter(|e| e.kind == "fault" && e.message.contains(" outage for "))
        .map(|outage| {
            let recovered = run
                .events
                .iter()
                .find(|e| e.kind == "fault_recovered" && e.subject == outage.subject && e.time_s >= outage.time_s)
                .map_or(end_s, |e| e.time_s);
            Span {
                legend: format!("{} outage", outage.subject),
                stroke: style::OUTAGE,
                start_s: outage.time_s,
                end_s: recovered,
            }
        })
        .collect()
}

/// A short label for the line above the plot.
fn label(e: &EventRow) -> String {
    match e.kind.as_str() {
        "fault" => shorten(first_clause(&e.message), 42),
        "fault_recovered" => format!("{} recovers", e.subject),
        "service_update" => new_count(&e.message).map_or_else(|| "update".to_string(), |n| format!("desired → {n}")),
        "deployment_started" => task_definition(&e.message).map_or_else(
            || "deployment starts".to_string(),
            |td| format!("deployment starts: {}", shorten(&td, 28)),
        ),
        "deployment_completed" => "deployment done".to_string(),
        "deployment_failed" => {
            let m = e.message.to_ascii_lowercase();
            if m.contains("circuit breaker") {
                "failed: circuit breaker".to_string()
            } else if m.contains("alarm") {
                "failed: alarm".to_string()
            } else {
                "deployment failed".to_string()
            }
        }
        "rollback_started" => task_definition(&e.message).map_or_else(
            || "rollback starts".to_string(),
            |td| format!("rollback to {}", shorten(&td, 28)),
        ),
        // Short: a stall sits between a deployment's start and its failure, whose labels it
        // would otherwise crowd out; the legend says what it is.
        "deployment_stalled" => "stalled".to_string(),
        "rollback" => "rollback".to_string(),
        _ => String::new(),
    }
}

/// The text before the first colon: `Availability Zone us-east-1b fails: 2 instance(s) terminated.`
/// becomes `Availability Zone us-east-1b fails`.
fn first_clause(message: &str) -> &str {
    message
        .split(':')
        .next()
        .unwrap_or(message)
        .trim()
        .trim_end_matches('.')
}

fn shorten(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max_chars - 1).collect();
        format!("{}…", cut.trim_end())
    }
}

/// The new desired count: the number after the first `->` that follows the word `desired`
/// (`UpdateService: desiredCount 4 -> 8.` and `cpu60: ...; desired 4 -> 6 = ...` give 8 and 6),
/// or after the first `->` when the message does not say `desired`.
fn new_count(message: &str) -> Option<u64> {
    let from = message.find("desired").unwrap_or(0);
    let (_, after) = message[from..].split_once("->")?;
    let digits: String = after.trim_start().chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The old and new desired counts of `...; desired 8 -> 10` (and of the forms [`new_count`]
/// reads); `None` without a number before the arrow.
fn desired_change(message: &str) -> Option<(u64, u64)> {
    let from = message.find("desired").unwrap_or(0);
    let (before, _) = message[from..].split_once("->")?;
    let digits: String = before
        .trim_end()
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    Some((digits.parse().ok()?, new_count(message)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(time_s: f64, kind: &str, subject: &str, message: &str) -> EventRow {
        EventRow {
            time_s,
            timestamp: String::new(),
            kind: kind.into(),
            subject: subject.into(),
            message: message.into(),
        }
    }

    #[test]
    fn labels_events_briefly() {
        for (kind, message, expected) in [
            ("service_update", "UpdateService: desiredCount 4 -> 8.", "desired → 8"),
            ("service_update", "UpdateService: something else.", "update"),
            (
                "fault",
                "Availability Zone us-east-1b fails: 2 instance(s) terminated.",
                "Availability Zone us-east-1b fails",
            ),
            ("rollback", "Circuit breaker rolled back.", "rollback"),
            (
                "deployment_started",
                "Deployment ecs-svc/42 started: task definition arn:aws:ecs:us-east-1:1:task-definition/web:3.",
                "deployment starts: web:3",
            ),
            (
                "deployment_started",
                "Deployment started at 12:30.",
                "deployment starts",
            ),
            (
                "deployment_failed",
                "Deployment circuit breaker: 3 tasks failed to start.",
                "failed: circuit breaker",
            ),
            (
                "deployment_failed",
                "CloudWatch alarm web-5xx is in ALARM.",
                "failed: alarm",
            ),
            ("rollback_started", "Rolling back to (web:2).", "rollback to web:2"),
            (
                "deployment_stalled",
                "(service web) is unable to consistently start tasks successfully.",
                "stalled",
            ),
            ("placement_failure", "unable to place", ""),
        ] {
            assert_eq!(label(&event(0.0, kind, "web", message)), expected, "{kind}: {message}");
        }
    }

    #[test]
    fn scaling_activities_show_the_new_desired_count_and_their_direction() {
        for (message, label, legend, priority) in [
            (
                "cpu60: CPUUtilization 78.2 > 60 for 3 of 3 datapoints; desired 4 -> 6 = ceil(4 x 78.2 / 60) = 6",
                "→ 6",
                "scale-out",
                2,
            ),
            (
                "cpu60: CPUUtilization 40 < 54 for 15 of 15 datapoints; desired 25 -> 21 = ceil(25 x 40 / 60) = 17",
                "→ 21",
                "scale-in",
                4,
            ),
            (
                "weekday-morning: scheduled action sets MinCapacity 2 -> 20, MaxCapacity 30 -> 30; desired 8 -> 10",
                "weekday-morning → 10",
                "scheduled action",
                SCHEDULED_PRIORITY + 2,
            ),
            (
                "RegisterScalableTarget: desired 4 -> 3 to fit MinCapacity 1 and MaxCapacity 3.",
                "→ 3",
                "scale-in",
                1,
            ),
            ("Setting desired count to 12 (8 -> 12).", "→ 12", "scale-out", 4),
        ] {
            let m = scaling_marker(&event(0.0, "scaling_activity", "web", message));
            assert_eq!(
                (m.label.as_str(), m.legend.as_str(), m.label_priority),
                (label, legend, priority),
                "{message}"
            );
        }
    }

    #[test]
    fn the_peak_of_a_sawtooth_is_labelled_first() {
        let activity = |t: f64, old: u32, new: u32| {
            event(
                t,
                "scaling_activity",
                "web",
                &format!("cpu60: ...; desired {old} -> {new} = ..."),
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
                event(100.0, "fault", "cluster", "AZ fails: 2 terminated."),
                event(100.0, "placement_failure", "api", "no room"),
                event(130.0, "steady_state", "web", "steady"),
                event(150.0, "service_update", "web", "UpdateService: desiredCount 2 -> 3."),
            ],
            ..Default::default()
        };
        let web: Vec<String> = markers(&run, Some("web")).into_iter().map(|m| m.legend).collect();
        assert_eq!(web, ["fault", "UpdateService"]);
        assert_eq!(markers(&run, None).len(), 1);
        let spans = recovery_spans(&run, "web", 1000.0);
        assert!(outage_spans(&run, 1000.0).is_empty());
        assert_eq!((spans[0].start_s, spans[0].end_s), (100.0, 130.0));
        assert_eq!(recovery_spans(&run, "api", 1000.0)[0].end_s, 1000.0);
    }

    #[test]
    fn deployments_run_from_their_start_to_their_end_or_the_next_one() {
        let run = RunData {
            events: vec![
                event(100.0, "deployment_started", "web", "web:2"),
                event(100.0, "deployment_started", "api", "api:7"),
                event(400.0, "deployment_completed", "web", "done"),
                event(600.0, "deployment_started", "web", "web:3"),
                event(700.0, "deployment_stalled", "web", "unable to start tasks"),
                event(900.0, "rollback_started", "web", "to web:2"),
                event(900.0, "deployment_failed", "web", "circuit breaker"),
                event(1000.0, "deployment_started", "web", "web:4"),
                event(1500.0, "deployment_started", "web", "web:5"),
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
        let run = RunData {
            events: vec![
                event(
                    100.0,
                    "fault",
                    "us-east-1b",
                    "Availability Zone us-east-1b outage for 1h: 2 terminated.",
                ),
                event(
                    200.0,
                    "fault_recovered",
                    "us-east-1a",
                    "Availability Zone us-east-1a recovers.",
                ),
                event(
                    3700.0,
                    "fault_recovered",
                    "us-east-1b",
                    "Availability Zone us-east-1b recovers.",
                ),
                event(
                    4000.0,
                    "fault",
                    "us-east-1c",
                    "Availability Zone us-east-1c outage for 2h: 0 terminated.",
                ),
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
        assert_eq!(labels[2], "us-east-1b recovers");
    }
}
