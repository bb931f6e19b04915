//! Copilot's `BacklogPerTask` policies in a Worker Service's template, recognised by their
//! customized metric (`import::backlog`): the first queue of a service becomes the queue its
//! simulated worker consumes, tracked as visible messages per RUNNING task; the policies of its
//! other queues are left out, each with why.

use super::build::{Build, Group};
use super::value::Val;
use crate::import::backlog;
use crate::import::doc::Map;

/// What a policy's customized metric becomes when it is Copilot's backlog per task.
#[derive(Debug, PartialEq)]
pub enum CopilotBacklog {
    /// Not Copilot's metric: the policy is read as it is.
    NotCopilot,
    /// The metric of the queue `service` consumes: write this specification instead.
    Modelled(Map),
    /// The metric of another queue of the service: leave the policy out (reported).
    LeftOut,
}

/// Recognises `metric` (a `CustomizedMetricSpecification`) of a policy on `service`, reporting
/// the recognition as the policy resource `source` of type `kind`.
pub fn recognise(b: &mut Build<'_>, source: &str, kind: &str, service: &str, metric: &Val) -> CopilotBacklog {
    let text = |k: &str| metric.get(k).and_then(Val::as_str).unwrap_or("");
    let dimensions = metric.get("Dimensions").map_or(&[][..], Val::items);
    let names: Vec<&str> = dimensions
        .iter()
        .map(|d| d.get("Name").and_then(Val::as_str).unwrap_or(""))
        .collect();
    if !backlog::is_copilot_backlog(text("Namespace"), text("MetricName"), &names) {
        return CopilotBacklog::NotCopilot;
    }
    let queue = dimensions
        .first()
        .and_then(|d| d.get("Value"))
        .and_then(Val::as_str)
        .unwrap_or("")
        .to_string();
    let consumed = match b.worker_queues.iter().find(|(s, _)| s == service) {
        Some((_, q)) => q.clone(),
        None => {
            b.worker_queues.push((service.to_string(), queue.clone()));
            queue.clone()
        }
    };
    if consumed != queue {
        b.report(
            Group::Ignored,
            source.to_string(),
            kind,
            backlog::left_out(&queue, &consumed),
        );
        return CopilotBacklog::LeftOut;
    }
    b.report(
        Group::Guess,
        source.to_string(),
        kind,
        backlog::modelled(&queue, &queue),
    );
    CopilotBacklog::Modelled(backlog::metric_specification(&queue, &b.cluster, service))
}
