//! The `eventBridge` section: EventBridge Scheduler schedules and event rules whose targets run
//! ECS tasks (RunTask), validated. `triggers` turns them into the RunTask requests of a run.

mod requests;
mod triggers;

pub use requests::{MAX_TRIGGERED_RUN_TASKS, TooManyTriggers};
pub use triggers::{TriggerClock, TriggerKind, TriggeredRunTask, TriggeredRunTasks, rule_events, schedule_firings};

use super::StrategyItem;
use crate::policy::event_pattern::{Event, EventPattern};
use crate::policy::placement::{PlacementConstraint, PlacementStrategy};
use crate::policy::schedule::SchedulerExpression;
use crate::workload::LoadProfile;

/// EventBridge Scheduler's default `RetryPolicy.MaximumRetryAttempts` (also its maximum).
pub const DEFAULT_MAXIMUM_RETRY_ATTEMPTS: u32 = 185;
/// EventBridge's default `RetryPolicy.MaximumEventAgeInSeconds` (24 hours, also its maximum).
pub const DEFAULT_MAXIMUM_EVENT_AGE_S: u32 = 86_400;

/// Schedules and rules that start standalone tasks.
#[derive(Clone, Debug, Default)]
pub struct EventBridgeSpec {
    /// `eventBridge.schedules`: CreateSchedule inputs, in file order.
    pub schedules: Vec<ScheduleTrigger>,
    /// `eventBridge.rules`: PutRule + PutTargets inputs, in file order.
    pub rules: Vec<EventRuleSpec>,
}

impl EventBridgeSpec {
    /// Whether the section defines nothing.
    pub fn is_empty(&self) -> bool {
        self.schedules.is_empty() && self.rules.is_empty()
    }
}

/// One EventBridge Scheduler schedule with an ECS RunTask target.
#[derive(Clone, Debug)]
pub struct ScheduleTrigger {
    /// `Name`.
    pub name: String,
    /// `ScheduleExpression` as written, for messages.
    pub expression_text: String,
    /// The expression with `ScheduleExpressionTimezone`, `StartDate` and `EndDate`.
    pub expression: SchedulerExpression,
    /// `State`: `ENABLED` (the default) or `DISABLED` (never fires).
    pub enabled: bool,
    /// `FlexibleTimeWindow.MaximumWindowInMinutes` with `Mode: FLEXIBLE`; 0 with `Mode: OFF`.
    pub flexible_window_minutes: u32,
    /// `Target`: its `EcsParameters` and `RetryPolicy`.
    pub target: RunTaskTarget,
}

/// One event rule (PutRule) with its ECS targets (PutTargets) and the synthetic events it sees.
#[derive(Clone, Debug)]
pub struct EventRuleSpec {
    /// `Name`.
    pub name: String,
    /// `State`: `ENABLED` (the default) or `DISABLED` (matches nothing).
    pub enabled: bool,
    /// `EventPattern`.
    pub pattern: EventPattern,
    /// The synthetic event each arrival carries: `load.<rule>.event`, else the event the pattern
    /// was written for. Validation ensures the pattern matches it.
    pub event: Event,
    /// `load.<rule>`: the arrival process (`eventsPerSecond` shapes and noise).
    pub arrivals: LoadProfile,
    /// `Targets` with `EcsParameters`: one RunTask per matching event per target.
    pub targets: Vec<RuleTarget>,
}

/// A target of a rule.
#[derive(Clone, Debug)]
pub struct RuleTarget {
    /// `Id`, unique within the rule.
    pub id: String,
    /// Its `EcsParameters` and `RetryPolicy`.
    pub run_task: RunTaskTarget,
}

/// The RunTask call a trigger makes: `EcsParameters` with the target's `RetryPolicy`.
#[derive(Clone, Debug, PartialEq)]
pub struct RunTaskTarget {
    /// `TaskDefinitionArn`, resolved: an index into `Spec::task_definitions`.
    pub task_definition: usize,
    /// `TaskCount`: tasks per invocation, 1 to 10 (default 1).
    pub task_count: u32,
    /// `LaunchType` as written, if any.
    pub launch_type: Option<LaunchType>,
    /// Where the tasks go: `CapacityProviderStrategy`, else the launch type's providers, else the
    /// cluster's default strategy, resolved to the run's capacity providers.
    pub strategy: Vec<StrategyItem>,
    /// Whether the call places by launch type (a `LaunchType`, or neither a strategy nor a
    /// cluster default): then no capacity provider's managed scaling sees its tasks.
    pub uses_launch_type: bool,
    /// `PlacementConstraints`.
    pub placement_constraints: Vec<PlacementConstraint>,
    /// `PlacementStrategy`.
    pub placement_strategy: Vec<PlacementStrategy>,
    /// `Group`: the task group (ECS's default for a standalone task is `family:<family>`).
    pub group: Option<String>,
    /// `RetryPolicy`.
    pub retry: RetryPolicy,
}

/// `LaunchType` of a RunTask target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LaunchType {
    /// `EC2`: the cluster's Auto Scaling group capacity providers.
    Ec2,
    /// `FARGATE`.
    Fargate,
}

/// `RetryPolicy`: how long and how often EventBridge retries an invocation that fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// `MaximumRetryAttempts`, 0 to 185 (default 185).
    pub maximum_retry_attempts: u32,
    /// `MaximumEventAgeInSeconds`, 60 to 86,400 (default 86,400).
    pub maximum_event_age_s: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            maximum_retry_attempts: DEFAULT_MAXIMUM_RETRY_ATTEMPTS,
            maximum_event_age_s: DEFAULT_MAXIMUM_EVENT_AGE_S,
        }
    }
}
