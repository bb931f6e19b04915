//! A RunTask request: standalone tasks started by a trigger (a `runTask` event, an EventBridge
//! schedule or rule), with what started it and how a task that is interrupted is retried.
//!
//! Any trigger source hands the engine a list of these, each with its time (`Spec::run_tasks`);
//! the engine does not know where a request came from beyond its `Trigger`.

use super::StrategyItem;
use crate::policy::placement::{PlacementConstraint, PlacementStrategy};
use crate::sim::{SimDuration, SimTime};

/// Tasks one RunTask call may start (`count`, 1 to 10, as the API).
pub const MAX_TASKS_PER_RUN_TASK: u32 = 10;

/// What kind of trigger called RunTask.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum TriggerKind {
    /// A `runTask` entry of the scenario's `events`.
    RunTask,
    /// An EventBridge Scheduler schedule.
    Schedule,
    /// An EventBridge rule matching an event.
    Rule,
}

impl TriggerKind {
    /// The spelling in `jobs.csv` and `summary.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            TriggerKind::RunTask => "runTask",
            TriggerKind::Schedule => "schedule",
            TriggerKind::Rule => "rule",
        }
    }
}

/// What started a RunTask call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trigger {
    /// Its kind.
    pub kind: TriggerKind,
    /// The schedule's or rule's name; for a `runTask` event, its `startedBy` (default: the task
    /// definition's family).
    pub name: String,
    /// When the trigger fired (a schedule's firing time before any flexible window).
    pub fired_at: SimTime,
}

/// How an interrupted task is started again (EventBridge's `RetryPolicy`). A plain `runTask`
/// event has none: `maximum_retry_attempts` 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Further attempts after the first (`MaximumRetryAttempts`, 0 to 185).
    pub maximum_retry_attempts: u32,
    /// No attempt starts once the event is older than this (`MaximumEventAgeInSeconds`).
    pub maximum_event_age: SimDuration,
}

impl RetryPolicy {
    /// No retries.
    pub const NONE: RetryPolicy = RetryPolicy {
        maximum_retry_attempts: 0,
        maximum_event_age: SimDuration::ZERO,
    };

    /// Whether attempt `attempt` (1 is the first) may be followed by another at `now`, for an
    /// event that fired at `fired_at`.
    pub fn allows_retry(&self, attempt: u32, fired_at: SimTime, now: SimTime) -> bool {
        attempt <= self.maximum_retry_attempts && now.since(fired_at) <= self.maximum_event_age
    }
}

/// Where the tasks of a request run.
#[derive(Clone, Debug, PartialEq)]
pub struct RunTaskCapacity {
    /// The capacity provider strategy (a launch type resolved to its provider).
    pub strategy: Vec<StrategyItem>,
    /// True when the call named a `launchType` (or the cluster has no default strategy): then
    /// no capacity provider's managed scaling sees its tasks, and a task that cannot be placed
    /// fails at once, as RunTask returns it in `failures`.
    pub uses_launch_type: bool,
}

/// One RunTask call, at a time.
#[derive(Clone, Debug, PartialEq)]
pub struct RunTaskRequest {
    /// When the call is made.
    pub at: SimTime,
    /// Index into `Spec::task_definitions`.
    pub task_definition: usize,
    /// Tasks to start (1 to `MAX_TASKS_PER_RUN_TASK`).
    pub count: u32,
    /// The task group (default `family:<family>`): spread strategies and `task:group` count it.
    pub group: String,
    /// Launch type or capacity provider strategy.
    pub capacity: RunTaskCapacity,
    /// Placement constraints of the call (the task definition's apply too).
    pub placement_constraints: Vec<PlacementConstraint>,
    /// Placement strategy of the call; empty: spread over Availability Zones by task group.
    pub placement_strategy: Vec<PlacementStrategy>,
    /// What called RunTask.
    pub trigger: Trigger,
    /// How an interrupted task is retried.
    pub retry: RetryPolicy,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(policy: RetryPolicy, attempt: u32, age_s: u64, expected: bool) {
        let fired = SimTime(1_000);
        let now = SimTime(1_000 + age_s * 1000);
        assert_eq!(
            policy.allows_retry(attempt, fired, now),
            expected,
            "{policy:?} attempt {attempt} age {age_s}s"
        );
    }

    #[test]
    fn retries_stop_at_the_attempt_limit_or_the_event_age() {
        let policy = RetryPolicy {
            maximum_retry_attempts: 2,
            maximum_event_age: SimDuration::from_secs(3600),
        };
        check(policy, 1, 10, true);
        check(policy, 2, 10, true);
        check(policy, 3, 10, false);
        check(policy, 1, 3600, true);
        check(policy, 1, 3601, false);
        check(RetryPolicy::NONE, 1, 0, false);
    }
}
