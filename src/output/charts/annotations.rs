//! Timeline annotations from `events.csv`: faults as labelled lines (and, on a service's charts,
//! a shaded span until the service is steady again), service updates labelled with the new
//! desired count, placement failures as small ticks, and later kinds (scaling activities,
//! deployments, rollbacks) as labelled lines.

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
}

const KINDS: &[KindStyle] = &[
    KindStyle {
        kind: "fault",
        legend: "fault",
        stroke: style::FAULT,
        shape: MarkerShape::VerticalLine,
        per_subject: false,
    },
    KindStyle {
        kind: "service_update",
        legend: "UpdateService",
        stroke: style::SERVICE_UPDATE,
        shape: MarkerShape::VerticalLine,
        per_subject: true,
    },
    KindStyle {
        kind: "placement_failure",
        legend: "placement failure",
        stroke: style::PLACEMENT_FAILURE,
        shape: MarkerShape::Tick,
        per_subject: true,
    },
    KindStyle {
        kind: "scaling_activity",
        legend: "scaling activity",
        stroke: style::OTHER_EVENT,
        shape: MarkerShape::VerticalLine,
        per_subject: true,
    },
    KindStyle {
        kind: "deployment_started",
        legend: "deployment",
        stroke: style::OTHER_EVENT,
        shape: MarkerShape::VerticalLine,
        per_subject: true,
    },
    KindStyle {
        kind: "deployment_completed",
        legend: "deployment",
        stroke: style::OTHER_EVENT,
        shape: MarkerShape::VerticalLine,
        per_subject: true,
    },
    KindStyle {
        kind: "rollback",
        legend: "rollback",
        stroke: style::FAULT,
        shape: MarkerShape::VerticalLine,
        per_subject: true,
    },
];

/// Markers for the charts of `subject` (a service or a capacity provider): run-wide events and
/// that subject's own. `None` gives run-wide events only (the cost chart).
pub fn markers(run: &RunData, subject: Option<&str>) -> Vec<Marker> {
    run.events
        .iter()
        .filter_map(|e| {
            let k = KINDS.iter().find(|k| k.kind == e.kind)?;
            let mine = !k.per_subject || subject == Some(e.subject.as_str());
            mine.then(|| Marker {
                time_s: e.time_s,
                label: label(e),
                legend: k.legend.to_string(),
                stroke: k.stroke,
                shape: k.shape,
            })
        })
        .collect()
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

/// A short label for the line above the plot.
fn label(e: &EventRow) -> String {
    match e.kind.as_str() {
        "fault" => shorten(first_clause(&e.message), 42),
        "service_update" => new_count(&e.message).map_or_else(|| "update".to_string(), |n| format!("desired → {n}")),
        "scaling_activity" => new_count(&e.message).map_or_else(|| "scaling".to_string(), |n| format!("scale → {n}")),
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
            (
                "scaling_activity",
                "Setting desired count to 12 (8 -> 12).",
                "scale → 12",
            ),
            ("rollback", "Circuit breaker rolled back.", "rollback"),
            ("placement_failure", "unable to place", ""),
        ] {
            assert_eq!(label(&event(0.0, kind, "web", message)), expected, "{kind}: {message}");
        }
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
        assert_eq!((spans[0].start_s, spans[0].end_s), (100.0, 130.0));
        assert_eq!(recovery_spans(&run, "api", 1000.0)[0].end_s, 1000.0);
    }
}
