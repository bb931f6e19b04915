//! Every revision a request-serving service runs must serve by the same kind of model: the
//! per-interval estimate (issue 14) pools a service's tasks into one queue with one service time,
//! so a deployment to a revision whose `serviceTime` or `concurrency` differs is refused with the
//! way out (`model: requests` simulates each revision's requests); and a service model on one
//! revision and not another would mix two ways of counting capacity.

use super::diag::{BEHAVIOR_TASK_DEFINITIONS, Diagnostics};
use super::yaml::{Node, Value};
use crate::spec::{Behavior, RequestMode, ServiceSpec, TaskDefinitionSpec, TimelineAction, TimelineEvent};

/// Checks the revisions each service deploys (`timeline`) against its first one.
pub fn check_revision_models(
    load: Option<&Node>,
    services: &[ServiceSpec],
    task_definitions: &[TaskDefinitionSpec],
    behavior: &Behavior,
    timeline: &[TimelineEvent],
    d: &mut Diagnostics,
) {
    // A behavior entry that failed to read would make any revision look unmodelled.
    if d.failed_under(BEHAVIOR_TASK_DEFINITIONS) {
        return;
    }
    for (index, s) in services.iter().enumerate() {
        if s.queue.is_some() {
            continue;
        }
        let Some(entry) = load.and_then(|n| n.get(&s.name)) else {
            continue;
        };
        let first = &behavior.task_definitions[s.task_definition].service_model;
        let label = |td: usize| format!("{}:{}", task_definitions[td].family, task_definitions[td].revision);
        let mut reported = Vec::new();
        for revision in deployed_revisions(timeline, index) {
            let other = &behavior.task_definitions[revision].service_model;
            let mismatch = match (first, other) {
                (Some(_), None) | (None, Some(_)) => Some(format!(
                    "service `{}` deploys {} {} a serviceTime, but starts on {} {} one",
                    s.name,
                    label(revision),
                    if other.is_some() { "with" } else { "without" },
                    label(s.task_definition),
                    if first.is_some() { "with" } else { "without" },
                )),
                (Some(a), Some(b)) if a != b && s.request_mode == RequestMode::Estimate => Some(format!(
                    "service `{}` estimates latency with one service model, but {} serves with a \
                     different serviceTime or concurrency than {}",
                    s.name,
                    label(revision),
                    label(s.task_definition),
                )),
                _ => None,
            };
            let Some(message) = mismatch.filter(|_| !reported.contains(&revision)) else {
                continue;
            };
            reported.push(revision);
            let (loc, path) = match model_key(entry) {
                Some(loc) => (loc, format!("load.{}.model", s.name)),
                None => (entry.loc, format!("load.{}", s.name)),
            };
            let help = match (first, other) {
                (Some(_), Some(_)) => "add `model: requests` to simulate every request of each revision, or give the revisions the same serviceTime and concurrency".to_string(),
                _ => format!(
                    "give behavior.taskDefinitions.{} and .{} both a serviceTime and concurrency, or neither",
                    label(s.task_definition),
                    label(revision)
                ),
            };
            d.error(loc, &path, message, Some(help));
        }
    }
}

/// The revisions `updateService` events move the service to, in timeline order.
fn deployed_revisions(timeline: &[TimelineEvent], service: usize) -> impl Iterator<Item = usize> + '_ {
    timeline.iter().filter_map(move |e| match &e.action {
        TimelineAction::UpdateServiceDeployment {
            service: s,
            task_definition,
            ..
        } if s.0 == service => *task_definition,
        _ => None,
    })
}

/// Where the load entry's `model` value is, if it has one.
fn model_key(entry: &Node) -> Option<super::yaml::Loc> {
    match &entry.value {
        Value::Map(entries) => entries.iter().find(|(k, _)| k.name == "model").map(|(_, v)| v.loc),
        _ => None,
    }
}
