//! The deployments and rollbacks of a service as `events.csv` records them: when each started
//! and ended, how it ended, the task definition it brought, and the shading over each while it
//! runs. Read from the events' kinds, subjects and payloads, never from their messages.

use super::data::{EventRow, RunData};
use super::figure::{Span, SpanShape};
use super::style;
use crate::trace::EventDetail;

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
pub(super) fn task_definition(e: &EventRow) -> Option<&str> {
    match &e.detail {
        Some(EventDetail::Deployment { task_definition }) => Some(task_definition),
        _ => None,
    }
}
