//! `AWS::Events::Rule` with a `ScheduleExpression` that runs an ECS task, directly
//! (`EcsParameters`) or through a Step Functions state machine (as Copilot's scheduled jobs do),
//! into `eventBridge.schedules`.

use super::build::{Build, Group};
use super::resources;
use super::stack::{Resource, arn};
use super::value::Val;
use crate::import::ImportError;
use crate::import::doc::Map;

/// EventBridge's longest MaximumEventAgeInSeconds.
const MAX_EVENT_AGE_S: u64 = 86_400;

/// How a state machine retries the task it runs: `MaxAttempts` of the first `Retry` of its start
/// state (0 without one) and its `TimeoutSeconds` (EventBridge's longest age without one,
/// clamped to what a RetryPolicy allows), as a RetryPolicy's attempts and event age.
fn state_machine_retry(definition: &str) -> Option<(u64, u64)> {
    let machine: serde_json::Value = serde_json::from_str(definition).ok()?;
    let start = machine.get("StartAt")?.as_str()?;
    let state = machine.get("States")?.get(start)?;
    let attempts = state
        .get("Retry")
        .and_then(|r| r.get(0))
        .and_then(|r| r.get("MaxAttempts"))
        .map_or(Some(0), serde_json::Value::as_u64)?;
    let timeout = machine
        .get("TimeoutSeconds")
        .map_or(Some(MAX_EVENT_AGE_S), serde_json::Value::as_u64)?;
    Some((attempts, timeout.clamp(60, MAX_EVENT_AGE_S)))
}

/// A rule run through a state machine: the machine's retries and event age, when its definition
/// could be read.
type ViaStateMachine = Option<(u64, u64)>;

/// The task definition and cluster a rule's target runs, if it runs one, and whether it runs
/// through a state machine.
fn target_task(b: &Build<'_>, s: usize, target: &Val) -> Option<(String, Option<String>, Option<ViaStateMachine>)> {
    if let Some(ecs) = target.get("EcsParameters") {
        let td = ecs.get("TaskDefinitionArn").and_then(Val::as_str)?.to_string();
        let cluster = target
            .get("Arn")
            .and_then(Val::as_str)
            .map(|a| a.rsplit('/').next().unwrap_or(a).to_string());
        return Some((td, cluster, None));
    }
    let arn = target.get("Arn").and_then(Val::as_str)?;
    let stack = &b.e.stacks[s];
    let machine = stack
        .resources
        .iter()
        .filter(|r| r.kind == "AWS::StepFunctions::StateMachine")
        .find(|r| resources::name(b.e, s, r).ok().as_deref() == Some(arn))?;
    let substitutions = b.value(s, machine, "DefinitionSubstitutions").ok()??;
    let td = substitutions.get("TaskDefinition").and_then(Val::as_str)?.to_string();
    let cluster = substitutions.get("Cluster").and_then(Val::as_str).map(str::to_string);
    let retry = b
        .value(s, machine, "DefinitionString")
        .ok()
        .flatten()
        .and_then(|d| d.as_str().and_then(state_machine_retry));
    Some((td, cluster, Some(retry)))
}

/// `AWS::Events::Rule` -> `eventBridge.schedules` when it runs a task on a schedule.
pub fn rule(b: &mut Build<'_>, s: usize, r: &Resource) -> Result<(), ImportError> {
    let source = b.source_of(s, r);
    let Some(schedule) = b.string(s, r, "ScheduleExpression")? else {
        b.report(
            Group::Ignored,
            source,
            &r.kind,
            "a rule on an event pattern: not imported",
        );
        return Ok(());
    };
    let name = resources::name(b.e, s, r).map_err(|u| b.error(u))?;
    let targets = b.value(s, r, "Targets")?.unwrap_or(Val::List(Vec::new()));
    let Some((task_definition, cluster, via_state_machine)) = targets.items().iter().find_map(|t| target_task(b, s, t))
    else {
        b.report(
            Group::Ignored,
            source,
            &r.kind,
            "a scheduled rule whose targets run no ECS task: not simulated",
        );
        return Ok(());
    };
    if b.cluster.is_empty() {
        let name = cluster.unwrap_or_else(|| "default".to_string());
        b.report(
            Group::Guess,
            source.clone(),
            &r.kind,
            format!(
                "the cluster is not in the template: `{name}` (the task's cluster) used as ecs.cluster.clusterName"
            ),
        );
        b.cluster = name;
        b.cluster_comment = format!("GUESS: named by the cluster the task of {} runs in", b.source_of(s, r));
    }
    let mut parameters = Map::new();
    parameters.insert("TaskDefinitionArn", task_definition.as_str());
    parameters.insert("TaskCount", 1i64);
    if b.fargate {
        parameters.insert("LaunchType", "FARGATE");
    }
    let role = targets
        .items()
        .iter()
        .find_map(|t| t.get("RoleArn").and_then(Val::as_str))
        .map_or_else(
            || format!("arn:aws:iam::{}:role/{name}", super::parameters::DEFAULT_ACCOUNT_ID),
            str::to_string,
        );
    let mut target = Map::new()
        .with("Arn", arn("ecs", &format!("cluster/{}", b.cluster)))
        .with("RoleArn", role)
        .with("EcsParameters", parameters);
    if let Some(Some((attempts, age))) = via_state_machine {
        target.insert_commented(
            "RetryPolicy",
            Map::new()
                .with("MaximumRetryAttempts", attempts as i64)
                .with("MaximumEventAgeInSeconds", age as i64),
            "from the state machine's Retry MaxAttempts and TimeoutSeconds",
        );
    }
    let mut item = Map::new();
    item.insert("Name", name.as_str());
    item.insert("ScheduleExpression", schedule.as_str());
    // An EventBridge rule fires on time: a Scheduler schedule without a flexible window.
    item.insert("FlexibleTimeWindow", Map::new().with("Mode", "OFF"));
    if let Some(state) = b.string(s, r, "State")? {
        item.insert("State", state);
    }
    item.insert("Target", target);
    let comment = b.comment_of(s, r);
    b.schedules.push_commented(item, comment);
    b.report(
        Group::Imported,
        source.clone(),
        &r.kind,
        format!("schedule `{schedule}` running {task_definition} -> eventBridge.schedules"),
    );
    match via_state_machine {
        Some(Some((attempts, age))) => b.report(
            Group::Guess,
            source,
            &r.kind,
            format!(
                "the rule starts a Step Functions state machine that runs the task: one task per firing; its Retry (MaxAttempts {attempts}) and TimeoutSeconds ({age}) become the target's RetryPolicy, which restarts a task only when it is interrupted, and the timeout does not stop a running task"
            ),
        ),
        Some(None) => b.report(
            Group::Guess,
            source,
            &r.kind,
            "the rule starts a Step Functions state machine that runs the task: one task per firing; its definition could not be read, so its retries and timeout are not simulated",
        ),
        None => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_machines_retry_and_timeout_become_a_retry_policy() {
        let copilot = r#"{"TimeoutSeconds": 3600, "StartAt": "Run", "States": {"Run": {"Type": "Task",
            "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 3}], "End": true}}}"#;
        assert_eq!(state_machine_retry(copilot), Some((3, 3600)));
        // No Retry: no retry; no timeout: EventBridge's longest age; a short one is raised to 60 s.
        let bare = r#"{"StartAt": "Run", "States": {"Run": {"Type": "Task", "End": true}}}"#;
        assert_eq!(state_machine_retry(bare), Some((0, 86_400)));
        let short = r#"{"TimeoutSeconds": 5, "StartAt": "Run", "States": {"Run": {"Type": "Task"}}}"#;
        assert_eq!(state_machine_retry(short), Some((0, 60)));
        // Not a definition that can be read: None, reported as a guess by the caller.
        assert_eq!(state_machine_retry("${Definition}"), None);
        assert_eq!(state_machine_retry(r#"{"StartAt": "Gone", "States": {}}"#), None);
    }
}
