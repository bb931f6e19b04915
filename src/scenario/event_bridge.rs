//! `eventBridge`: EventBridge Scheduler schedules (CreateSchedule) and event rules (PutRule +
//! PutTargets) whose targets run ECS tasks, with AWS's field names, defaults and limits.

use super::diag::Diagnostics;
use super::event_patterns::{self, LoadSource};
use super::reader::{Obj, object};
use super::run_task_target;
use super::yaml::{Node, Value};
use crate::policy::schedule::{Schedule, ScheduleSpec, SchedulerExpression};
use crate::spec::event_bridge::{EventBridgeSpec, EventRuleSpec, RuleTarget, RunTaskTarget, ScheduleTrigger};
use crate::spec::{CapacityProviderSpec, StrategyItem, TaskDefinitionSpec};

/// PutTargets: at most 5 targets per rule.
const MAX_TARGETS_PER_RULE: usize = 5;

/// What the section's references resolve against.
pub struct Context<'a> {
    /// `ecs.taskDefinitions`.
    pub task_definitions: &'a [TaskDefinitionSpec],
    /// The run's capacity providers.
    pub providers: &'a [CapacityProviderSpec],
    /// The cluster's default capacity provider strategy, resolved.
    pub default_strategy: Option<&'a [StrategyItem]>,
    /// `ecs.cluster.clusterName`: what a target's cluster ARN must name.
    pub cluster_name: &'a str,
}

/// Reads `eventBridge`, with each rule's arrivals from `load.<rule>`.
pub fn read_event_bridge(
    node: Option<&Node>,
    ctx: &Context<'_>,
    load: &mut LoadSource<'_>,
    d: &mut Diagnostics,
) -> EventBridgeSpec {
    let mut spec = EventBridgeSpec::default();
    let Some(mut o) = node.and_then(|n| object(n, "eventBridge", d)) else {
        return spec;
    };
    for (path, n) in o.list("schedules", d) {
        if let Some(schedule) = read_schedule(n, &path, ctx, d) {
            if spec.schedules.iter().any(|s| s.name == schedule.name) {
                duplicate(n, &path, "schedule", &schedule.name, d);
                continue;
            }
            spec.schedules.push(schedule);
        }
    }
    for (path, n) in o.list("rules", d) {
        if let Some(rule) = read_rule(n, &path, ctx, load, d) {
            if spec.rules.iter().any(|r| r.name == rule.name) {
                duplicate(n, &path, "rule", &rule.name, d);
                continue;
            }
            spec.rules.push(rule);
        }
    }
    o.finish(d);
    spec
}

fn duplicate(n: &Node, path: &str, kind: &str, name: &str, d: &mut Diagnostics) {
    d.error(
        n.loc,
        &format!("{path}.Name"),
        format!("{kind} `{name}` is defined twice"),
        Some(format!("give each {kind} its own Name")),
    );
}

/// Whether any target of `eventBridge` asks for `LaunchType: FARGATE` (the run then has the
/// FARGATE capacity provider, as a cluster does for RunTask).
pub fn uses_fargate_launch_type(node: Option<&Node>) -> bool {
    let fargate = |ecs: Option<&Node>| {
        ecs.and_then(|e| e.get("LaunchType"))
            .is_some_and(|n| matches!(&n.value, Value::Scalar { text, .. } if text == "FARGATE"))
    };
    let items = |key: &str| match node.and_then(|n| n.get(key)).map(|n| &n.value) {
        Some(Value::Seq(items)) => items.as_slice(),
        _ => &[],
    };
    let schedules = items("schedules")
        .iter()
        .any(|s| fargate(s.get("Target").and_then(|t| t.get("EcsParameters"))));
    let rules = items("rules").iter().any(|r| match r.get("Targets").map(|t| &t.value) {
        Some(Value::Seq(targets)) => targets.iter().any(|t| fargate(t.get("EcsParameters"))),
        _ => false,
    });
    schedules || rules
}

/// A `Name` of a schedule or rule: 1 to 64 of letters, digits, `.`, `-` and `_`.
fn read_name(o: &mut Obj<'_>, what: &str, d: &mut Diagnostics) -> Option<String> {
    let name = o.required_string("Name", what, d)?;
    let valid = (1..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if !valid {
        d.error(
            o.key_loc("Name"),
            &o.child("Name"),
            format!("`{name}` is not a valid name: 1 to 64 letters, digits, `.`, `-` or `_`"),
            Some("e.g. `nightly-batch`".into()),
        );
        return None;
    }
    Some(name)
}

/// `State`: true for `ENABLED` (the default) and, for rules, the CloudTrail variant.
fn read_state(o: &mut Obj<'_>, allowed: &[&'static str], d: &mut Diagnostics) -> bool {
    o.one_of("State", allowed, d).is_none_or(|s| s != "DISABLED")
}

/// One `schedules` entry.
fn read_schedule(n: &Node, path: &str, ctx: &Context<'_>, d: &mut Diagnostics) -> Option<ScheduleTrigger> {
    let mut o = object(n, path, d)?;
    let name = read_name(&mut o, "the schedule's name", d);
    let expression_text = o.string("ScheduleExpression", d);
    let expression_loc = o.key_loc("ScheduleExpression");
    let schedule = super::autoscaling::read_schedule(&mut o, "ScheduleExpression", d);
    let timezone = super::autoscaling::read_timezone(&mut o, "ScheduleExpressionTimezone", d);
    let start = super::autoscaling::read_time(&mut o, "StartDate", d);
    let end_loc = o.key_loc("EndDate");
    let end = super::autoscaling::read_time(&mut o, "EndDate", d);
    let enabled = read_state(&mut o, &["ENABLED", "DISABLED"], d);
    let window = read_flexible_time_window(&mut o, d);
    let target_path = o.child("Target");
    let target = o
        .required_field("Target", "the ECS cluster to run tasks in, with EcsParameters", d)
        .and_then(|t| read_schedule_target(t, &target_path, ctx, d));
    o.ignore(&[
        "ActionAfterCompletion",
        "ClientToken",
        "Description",
        "GroupName",
        "KmsKeyArn",
        "Arn",
        "CreationDate",
        "LastModificationDate",
    ]);
    o.finish(d);
    let spec = ScheduleSpec {
        schedule: schedule?,
        timezone: timezone?,
        start_ms: start?,
        end_ms: end?,
    };
    if let (Some(start_ms), Some(end_ms), false) =
        (spec.start_ms, spec.end_ms, matches!(spec.schedule, Schedule::At(_)))
    {
        if end_ms < start_ms {
            d.error(
                end_loc,
                &format!("{path}.EndDate"),
                "EndDate is before StartDate, so the schedule never runs",
                Some("swap them, or remove EndDate".into()),
            );
            return None;
        }
    }
    let expression = SchedulerExpression::new(spec);
    if expression.at_falls_in_gap() {
        d.error(
            expression_loc,
            &format!("{path}.ScheduleExpression"),
            "this local time does not exist: a daylight-saving change skips it, so the one-time schedule would never run",
            Some("pick a time outside the skipped hour, or set ScheduleExpressionTimezone: UTC".into()),
        );
        return None;
    }
    Some(ScheduleTrigger {
        name: name?,
        expression_text: expression_text?,
        expression,
        enabled,
        flexible_window_minutes: window?,
        target: target?,
    })
}

/// `FlexibleTimeWindow` (required by CreateSchedule): `Mode: OFF`, or `Mode: FLEXIBLE` with
/// `MaximumWindowInMinutes` from 1 to 1440. The window in minutes, 0 when off.
fn read_flexible_time_window(o: &mut Obj<'_>, d: &mut Diagnostics) -> Option<u32> {
    let path = o.child("FlexibleTimeWindow");
    let node = o.required_field(
        "FlexibleTimeWindow",
        "{Mode: \"OFF\"} or {Mode: FLEXIBLE, MaximumWindowInMinutes: 15}",
        d,
    )?;
    let mut w = object(node, &path, d)?;
    let mode = w.required_one_of("Mode", &["OFF", "FLEXIBLE"], "OFF or FLEXIBLE", d);
    let minutes_loc = w.key_loc("MaximumWindowInMinutes");
    let minutes = w.int("MaximumWindowInMinutes", 1, 1440, d);
    let has_minutes = w.has("MaximumWindowInMinutes");
    w.finish(d);
    match (mode?, minutes) {
        ("OFF", _) if has_minutes => {
            d.error(
                minutes_loc,
                &format!("{path}.MaximumWindowInMinutes"),
                "MaximumWindowInMinutes applies to Mode FLEXIBLE only",
                Some("remove it, or set Mode: FLEXIBLE".into()),
            );
            None
        }
        ("OFF", _) => Some(0),
        (_, Some(minutes)) => Some(minutes as u32),
        (_, None) if has_minutes => None,
        (_, None) => {
            d.error(
                node.loc,
                &format!("{path}.MaximumWindowInMinutes"),
                "missing required field `MaximumWindowInMinutes` (Mode FLEXIBLE needs the window, 1 to 1440 minutes)",
                Some("e.g. MaximumWindowInMinutes: 15".into()),
            );
            None
        }
    }
}

/// A schedule's `Target`: the cluster ARN, the role, `EcsParameters` and `RetryPolicy`.
fn read_schedule_target(n: &Node, path: &str, ctx: &Context<'_>, d: &mut Diagnostics) -> Option<RunTaskTarget> {
    let mut o = object(n, path, d)?;
    let cluster_ok = run_task_target::read_cluster_arn(&mut o, ctx, d);
    o.required_string("RoleArn", "the IAM role EventBridge Scheduler assumes", d);
    let target = run_task_target::read_run_task(&mut o, ctx, d);
    o.ignore(&[
        "DeadLetterConfig",
        "Input",
        "EventBridgeParameters",
        "KinesisParameters",
        "SageMakerPipelineParameters",
        "SqsParameters",
    ]);
    o.finish(d);
    target.filter(|_| cluster_ok)
}

/// One `rules` entry: PutRule's fields and its `Targets`.
fn read_rule(
    n: &Node,
    path: &str,
    ctx: &Context<'_>,
    load: &mut LoadSource<'_>,
    d: &mut Diagnostics,
) -> Option<EventRuleSpec> {
    let mut o = object(n, path, d)?;
    let name = read_name(&mut o, "the rule's name", d);
    let enabled = read_state(
        &mut o,
        &["ENABLED", "DISABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"],
        d,
    );
    if o.field("ScheduleExpression").is_some() {
        d.error(
            o.key_loc("ScheduleExpression"),
            &o.child("ScheduleExpression"),
            "scheduled rules are not simulated; EventBridge Scheduler replaces them",
            Some("move the schedule to eventBridge.schedules (CreateSchedule)".into()),
        );
    }
    let pattern_path = o.child("EventPattern");
    let pattern_node = o.required_field("EventPattern", "the event pattern, e.g. {source: [aws.s3]}", d);
    let pattern = pattern_node.and_then(|p| event_patterns::read_pattern(p, &pattern_path, load.sources, d));
    let targets_loc = o.key_loc("Targets");
    let targets_path = o.child("Targets");
    let items = o.required_list("Targets", "the ECS targets: [{Id, Arn, EcsParameters}]", d);
    if (items.is_empty() && o.has("Targets")) || items.len() > MAX_TARGETS_PER_RULE {
        let message = format!("a rule has 1 to {MAX_TARGETS_PER_RULE} targets, found {}", items.len());
        d.error(targets_loc, &targets_path, message, None);
    }
    let mut targets: Vec<RuleTarget> = Vec::new();
    for (p, t) in &items {
        if let Some(target) = read_rule_target(t, p, ctx, d) {
            if targets.iter().any(|other| other.id == target.id) {
                let message = format!("target Id `{}` is used twice in this rule", target.id);
                d.error(
                    t.loc,
                    &format!("{p}.Id"),
                    message,
                    Some("give each target its own Id".into()),
                );
                continue;
            }
            targets.push(target);
        }
    }
    o.ignore(&[
        "Description",
        "RoleArn",
        "Tags",
        "EventBusName",
        "Arn",
        "CreatedBy",
        "ManagedBy",
    ]);
    o.finish(d);
    let (name, pattern) = (name?, pattern?);
    let rule_load = event_patterns::read_rule_load(load, &name, n.loc, enabled, d);
    let (arrivals, event) = match rule_load {
        Some(load) => {
            let event = event_patterns::check_event(
                &pattern,
                load.event,
                pattern_node.map_or(n.loc, |p| p.loc),
                &pattern_path,
                &name,
                d,
            )?;
            (load.profile, event)
        }
        None => return None,
    };
    (targets.len() == items.len()).then_some(EventRuleSpec {
        name,
        enabled,
        pattern,
        event,
        arrivals,
        targets,
    })
}

/// One `Targets` entry with `EcsParameters`.
fn read_rule_target(n: &Node, path: &str, ctx: &Context<'_>, d: &mut Diagnostics) -> Option<RuleTarget> {
    let mut o = object(n, path, d)?;
    let id = o.required_string("Id", "the target's id, unique in the rule", d);
    let id_ok = id.as_ref().is_none_or(|id| {
        let ok = (1..=64).contains(&id.len())
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
        if !ok {
            d.error(
                o.key_loc("Id"),
                &o.child("Id"),
                format!("`{id}` is not a valid target Id: 1 to 64 letters, digits, `.`, `-` or `_`"),
                None,
            );
        }
        ok
    });
    let cluster_ok = run_task_target::read_cluster_arn(&mut o, ctx, d);
    let run_task = run_task_target::read_run_task(&mut o, ctx, d);
    o.ignore(&["RoleArn", "Input", "InputPath", "InputTransformer", "DeadLetterConfig"]);
    o.finish(d);
    Some(RuleTarget {
        id: id.filter(|_| id_ok)?,
        run_task: run_task.filter(|_| cluster_ok)?,
    })
}
