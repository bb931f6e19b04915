//! Timeline annotations from `events.csv`: faults as labelled lines on the charts of what they
//! hit (and, on a service's charts, a bar until the service is steady again: `faults`), service
//! updates labelled with the new desired count, `UpdateTaskProtection` calls apart from them
//! (their own legend and colour), placement failures as small ticks, scaling activities as lines coloured by
//! direction (scale-out, scale-in, scheduled action) labelled with the new desired count, and
//! deployments and rollbacks as labelled lines (a deployment's start names its task definition,
//! a failure says whether the circuit breaker or an alarm failed it), and each deployment or
//! rollback is shaded from its start to its end. Availability Zone outages are shaded from their
//! start to their recovery, and Spot interruptions of a service's tasks are small ticks.
//! `not_scaled` events are not drawn: a policy that keeps declining would cover the chart.
//!
//! Everything an annotation says comes from an event's kind, subject and typed payload
//! (`EventDetail`), never from its message: rewording a message changes no chart.

use super::data::{EventRow, RunData};
use super::faults::{self, fault};
use super::figure::{Marker, MarkerShape, Span, SpanShape};
use super::style::{self, Stroke};
use crate::trace::{DesiredCause, EventDetail, FailureCause, ProtectionChange};

pub use super::faults::{outage_spans, recovery_spans};

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
/// The legend of an `UpdateTaskProtection` call's marker.
pub const TASK_PROTECTION_LEGEND: &str = "UpdateTaskProtection";
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
        legend: "fault ends",
        stroke: style::FAULT_RECOVERED,
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
        kind: "deployment_task_failed",
        legend: "failed task (circuit breaker counts it)",
        stroke: style::DEPLOYMENT_FAILED,
        shape: MarkerShape::Tick,
        per_subject: true,
        priority: 0,
    },
    KindStyle {
        kind: "rollback",
        legend: "rollback",
        stroke: style::ROLLBACK,
        shape: MarkerShape::VerticalLine,
        per_subject: true,
        priority: FAULT_PRIORITY,
    },
];

/// Event kinds of a service's deployments, in the order a deployment goes through them.
pub const DEPLOYMENT_KINDS: &[&str] = &[
    "deployment_started",
    "deployment_stalled",
    "deployment_task_failed",
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
            let mine = if k.per_subject {
                subject == Some(e.subject.as_str())
            } else {
                // A fault belongs on the charts of what it hit (a Spot interruption on its
                // provider's, not on another provider's).
                faults::hits(run, e, subject)
            };
            if !mine {
                return None;
            }
            if e.kind == "scaling_activity" {
                return Some(scaling_marker(e));
            }
            // UpdateTaskProtection is a `service_update` row, but not an UpdateService call.
            let (legend, stroke) = match e.detail {
                Some(EventDetail::TaskProtection { .. }) => (TASK_PROTECTION_LEGEND, style::TASK_PROTECTION),
                _ => (k.legend, k.stroke),
            };
            Some(Marker {
                time_s: e.time_s,
                label: label(run, e),
                legend: legend.to_string(),
                stroke,
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
    let change = match &e.detail {
        Some(EventDetail::DesiredChange { from, to, cause, name }) => Some((*from, *to, *cause, name.as_str())),
        _ => None,
    };
    let scheduled = matches!(change, Some((_, _, DesiredCause::ScheduledAction, _)));
    let (legend, stroke) = match change {
        _ if scheduled => ("scheduled action", style::SCHEDULED_ACTION),
        Some((from, to, ..)) if to < from => ("scale-in", style::SCALE_IN),
        _ => ("scale-out", style::SCALE_OUT),
    };
    let size = change.map_or(0, |(from, to, ..)| from.abs_diff(to));
    let label = match change {
        None => "scaling".to_string(),
        Some((_, to, _, action)) if scheduled => format!("{} → {to}", shorten(action, 24)),
        Some((_, to, ..)) => format!("→ {to}"),
    };
    Marker {
        time_s: e.time_s,
        label,
        legend: legend.to_string(),
        stroke,
        shape: MarkerShape::VerticalLine,
        label_priority: if scheduled { SCHEDULED_PRIORITY } else { 0 } + size.min(9_999),
    }
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
    deployments_in(&run.events, service)
}

/// [`deployments`] from the run's events.
pub fn deployments_in(events: &[EventRow], service: &str) -> Vec<Deployment> {
    const STARTS: [&str; 2] = ["deployment_started", "rollback_started"];
    const ENDS: [&str; 2] = ["deployment_completed", "deployment_failed"];
    let events: Vec<&EventRow> = events.iter().filter(|e| e.subject == service).collect();
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
                task_definition: task_definition(start).map(str::to_string),
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
                shape: SpanShape::Tint,
            }
        })
        .collect()
}

/// The task definition a deployment or rollback brings, from its payload.
fn task_definition(e: &EventRow) -> Option<&str> {
    match &e.detail {
        Some(EventDetail::Deployment { task_definition }) => Some(task_definition),
        _ => None,
    }
}

/// A short label for the line above the plot.
fn label(run: &RunData, e: &EventRow) -> String {
    match e.kind.as_str() {
        "fault" => shorten(&faults::label(run, e), 42),
        "fault_recovered" => format!("{} recovers", fault(e).map_or(e.subject.as_str(), |(_, name)| name)),
        "service_update" => match &e.detail {
            Some(EventDetail::DesiredChange { to, .. }) => format!("desired → {to}"),
            Some(EventDetail::TaskProtection { change }) => match change {
                ProtectionChange::Enabled => "task protection on".to_string(),
                ProtectionChange::Disabled => "task protection off".to_string(),
            },
            _ => "update".to_string(),
        },
        "deployment_started" => task_definition(e).map_or_else(
            || "deployment starts".to_string(),
            |td| format!("deployment starts: {}", shorten(td, 28)),
        ),
        "deployment_completed" => "deployment done".to_string(),
        "deployment_failed" => match &e.detail {
            Some(EventDetail::DeploymentFailed { cause, .. }) => match cause {
                FailureCause::CircuitBreaker => match failed_tasks_before(run, e) {
                    0 => "failed: circuit breaker".to_string(),
                    n => format!("failed: circuit breaker trips at {n} failed tasks"),
                },
                FailureCause::Alarm => "failed: alarm".to_string(),
            },
            _ => "deployment failed".to_string(),
        },
        "rollback_started" => task_definition(e).map_or_else(
            || "rollback starts".to_string(),
            |td| format!("rollback to {}", shorten(td, 28)),
        ),
        // Short: a stall sits between a deployment's start and its failure, whose labels it
        // would otherwise crowd out; the legend says what it is.
        "deployment_stalled" => "stalled".to_string(),
        "rollback" => "rollback".to_string(),
        _ => String::new(),
    }
}

/// The failed tasks the circuit breaker counted in the deployment that `failed` ends: the
/// service's `deployment_task_failed` rows since its last deployment or rollback started.
fn failed_tasks_before(run: &RunData, failed: &EventRow) -> usize {
    // Rows before `failed` in the file's order (a rollback starts at the very time its
    // deployment fails, in the row after).
    let mine = || {
        run.events
            .iter()
            .take_while(|x| !std::ptr::eq(*x, failed))
            .filter(|x| x.subject == failed.subject)
    };
    let started = mine()
        .filter(|x| x.kind == "deployment_started" || x.kind == "rollback_started")
        .map(|x| x.time_s)
        .fold(f64::NEG_INFINITY, f64::max);
    mine()
        .filter(|x| x.kind == "deployment_task_failed" && x.time_s >= started)
        .count()
}

fn shorten(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max_chars - 1).collect();
        format!("{}…", cut.trim_end())
    }
}

#[cfg(test)]
#[path = "annotations_tests.rs"]
mod tests;
