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
use super::figure::{Marker, MarkerShape};
use super::style::{self, Stroke};
use crate::trace::{DesiredCause, EventDetail, FailureCause, ProtectionChange};

use super::deployment_events::task_definition;
pub use super::deployment_events::{Deployment, deployment_spans, deployments, deployments_in};
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

/// A scaling activity: coloured by direction (or as a scheduled action or predictive scaling's
/// forecast minimum), labelled `→ 6` with the
/// new desired count, and the larger the change, the sooner its label is placed.
fn scaling_marker(e: &EventRow) -> Marker {
    let change = match &e.detail {
        Some(EventDetail::DesiredChange { from, to, cause, name }) => Some((*from, *to, *cause, name.as_str())),
        _ => None,
    };
    let scheduled = matches!(change, Some((_, _, DesiredCause::ScheduledAction, _)));
    let predictive = matches!(change, Some((_, _, DesiredCause::PredictiveScaling, _)));
    let (legend, stroke) = match change {
        _ if scheduled => ("scheduled action", style::SCHEDULED_ACTION),
        _ if predictive => ("predictive scaling", style::PREDICTIVE_SCALING),
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
                FailureCause::LifecycleHook => "failed: lifecycle hook".to_string(),
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
