//! `AWS::Events::Rule` with a `ScheduleExpression` that runs an ECS task, directly
//! (`EcsParameters`) or through a Step Functions state machine (as Copilot's scheduled jobs do),
//! into `eventBridge.schedules`.

use super::build::{Build, Group};
use super::resources;
use super::stack::{Resource, arn};
use super::value::Val;
use crate::import::ImportError;
use crate::import::doc::Map;

/// The task definition and cluster a rule's target runs, if it runs one.
fn target_task(b: &Build<'_>, s: usize, target: &Val) -> Option<(String, Option<String>, bool)> {
    if let Some(ecs) = target.get("EcsParameters") {
        let td = ecs.get("TaskDefinitionArn").and_then(Val::as_str)?.to_string();
        let cluster = target
            .get("Arn")
            .and_then(Val::as_str)
            .map(|a| a.rsplit('/').next().unwrap_or(a).to_string());
        return Some((td, cluster, false));
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
    Some((td, cluster, true))
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
    let target = Map::new()
        .with("Arn", arn("ecs", &format!("cluster/{}", b.cluster)))
        .with("RoleArn", role)
        .with("EcsParameters", parameters);
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
    if via_state_machine {
        b.report(
            Group::Guess,
            source,
            &r.kind,
            "the rule starts a Step Functions state machine that runs the task: one task per firing, the machine's retries and timeout are not simulated",
        );
    }
    Ok(())
}
