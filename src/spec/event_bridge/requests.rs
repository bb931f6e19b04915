//! The RunTask calls of the `eventBridge` section as the engine takes them: each schedule
//! firing and each matched event becomes a [`RunTaskRequest`] beside the scenario's `runTask`
//! events, with its trigger (kind, name, firing time) and its target's retry policy.

use super::triggers::{TriggerKind as EventBridgeKind, TriggeredRunTask};
use crate::sim::{SimDuration, SimTime};
use crate::spec::{RetryPolicy, RunTaskCapacity, RunTaskRequest, Spec, Trigger, TriggerKind};

/// Most RunTask calls the `eventBridge` section may make in one run: each is kept for the
/// run's jobs, so a rule firing thousands of times a second for a month is refused before it
/// fills memory.
pub const MAX_TRIGGERED_RUN_TASKS: usize = 100_000;

/// The `eventBridge` section would make more than [`MAX_TRIGGERED_RUN_TASKS`] calls.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TooManyTriggers {
    /// When the call past the limit would be made.
    pub at: SimTime,
}

impl Spec {
    /// Every RunTask call of the `eventBridge` section during the run, in time order, or the
    /// time at which they pass [`MAX_TRIGGERED_RUN_TASKS`].
    pub fn event_bridge_requests(&self) -> Result<Vec<RunTaskRequest>, TooManyTriggers> {
        let mut requests = Vec::new();
        for triggered in self.triggered_run_tasks() {
            if requests.len() == MAX_TRIGGERED_RUN_TASKS {
                return Err(TooManyTriggers {
                    at: SimTime(triggered.at_ms),
                });
            }
            let family = &self.task_definitions[triggered.target.task_definition].family;
            requests.push(request_of(&triggered, family));
        }
        Ok(requests)
    }
}

/// The RunTask call `triggered` makes, for a task definition of `family`.
fn request_of(triggered: &TriggeredRunTask<'_>, family: &str) -> RunTaskRequest {
    let target = triggered.target;
    let kind = match triggered.trigger_kind {
        EventBridgeKind::Schedule => TriggerKind::Schedule,
        EventBridgeKind::Rule => TriggerKind::Rule,
    };
    RunTaskRequest {
        at: SimTime(triggered.at_ms),
        task_definition: target.task_definition,
        count: target.task_count,
        group: target.group.clone().unwrap_or_else(|| format!("family:{family}")),
        capacity: RunTaskCapacity {
            strategy: target.strategy.clone(),
            uses_launch_type: target.uses_launch_type,
        },
        placement_constraints: target.placement_constraints.clone(),
        placement_strategy: target.placement_strategy.clone(),
        trigger: Trigger {
            kind,
            name: triggered.trigger_name.to_string(),
            fired_at: SimTime(triggered.firing_ms),
        },
        retry: RetryPolicy {
            maximum_retry_attempts: target.retry.maximum_retry_attempts,
            maximum_event_age: SimDuration::from_secs(u64::from(target.retry.maximum_event_age_s)),
        },
    }
}
