//! Timeline annotations from `events.csv`: faults as labelled lines (and, on a service's charts,
//! a shaded span until the service is steady again), service updates labelled with the new
//! desired count, placement failures as small ticks, scaling activities as lines coloured by
//! direction (scale-out, scale-in, scheduled action) labelled with the new desired count, and
//! deployments and rollbacks as labelled lines. Availability Zone outages are shaded from their
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
        legend: "deployment",
        stroke: style::OTHER_EVENT,
        shape: MarkerShape::VerticalLine,
        per_subject: true,
        priority: 30_000,
    },
    KindStyle {
        kind: "deployment_completed",
        legend: "deployment",
        stroke: style::OTHER_EVENT,
        shape: MarkerShape::VerticalLine,
        per_subject: true,
        priority: 30_000,
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

/// Markers for the charts of `subject` (a service or a capacity provider): run-wide events and
/// that subject's own. `None` gives run-wide events only (the cost chart).
pub fn markers(run: &RunData, subject: Option<&str>) -> Vec<Marker> {
    let mut markers: Vec<Marker> = run
        .events
        .iter()
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
        "deployment_started" => "deployment starts".to_string(),
        "deployment_completed" => "deployment done".to_string(),
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
