//! `eventBridge`: EventBridge Scheduler schedules (CreateSchedule) and event rules (PutRule +
//! PutTargets) whose targets run ECS tasks, with AWS's field names, defaults and limits.

use super::diag::Diagnostics;
use super::event_patterns::{self, LoadSource};
use super::infrastructure::{read_strategy_items, resolve_strategy};
use super::placement::{ConstraintOwner, read_placement_constraints_field, read_placement_strategy_field};
use super::reader::{Obj, object};
use super::yaml::{Loc, Node, Value};
use crate::policy::schedule::{Schedule, ScheduleSpec, SchedulerExpression};
use crate::spec::event_bridge::{
    DEFAULT_MAXIMUM_EVENT_AGE_S, DEFAULT_MAXIMUM_RETRY_ATTEMPTS, EventBridgeSpec, EventRuleSpec, LaunchType,
    RetryPolicy, RuleTarget, RunTaskTarget, ScheduleTrigger,
};
use crate::spec::{CapacityProviderKind, CapacityProviderSpec, StrategyItem, TaskDefinitionSpec};

/// RunTask starts at most 10 tasks a call; `TaskCount` has the same limit.
const MAX_TASK_COUNT: i64 = 10;
/// PutTargets: at most 5 targets per rule.
const MAX_TARGETS_PER_RULE: usize = 5;
/// EcsParameters fields accepted as AWS prints them but not modelled.
const ECS_IGNORED: &[&str] = &[
    "EnableECSManagedTags",
    "EnableExecuteCommand",
    "NetworkConfiguration",
    "PlatformVersion",
    "PropagateTags",
    "ReferenceId",
    "Tags",
];

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
                o_loc(n),
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

fn o_loc(n: &Node) -> Loc {
    n.loc
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
    let cluster_ok = read_cluster_arn(&mut o, ctx, d);
    o.required_string("RoleArn", "the IAM role EventBridge Scheduler assumes", d);
    let target = read_run_task(&mut o, ctx, d);
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

/// `EcsParameters` and `RetryPolicy` of a target (schedule or rule).
fn read_run_task(o: &mut Obj<'_>, ctx: &Context<'_>, d: &mut Diagnostics) -> Option<RunTaskTarget> {
    let ecs_path = o.child("EcsParameters");
    let what = "the RunTask parameters: TaskDefinitionArn and optionally TaskCount, LaunchType, ...";
    let ecs = o.required_field("EcsParameters", what, d);
    let retry = read_retry_policy(o, d);
    let ecs = ecs.and_then(|n| read_ecs_parameters(n, &ecs_path, ctx, d));
    Some(RunTaskTarget { retry: retry?, ..ecs? })
}

/// The target's `Arn`: the cluster's ARN (`arn:aws:ecs:<region>:<account>:cluster/<name>`).
fn read_cluster_arn(o: &mut Obj<'_>, ctx: &Context<'_>, d: &mut Diagnostics) -> bool {
    let Some(arn) = o.required_string("Arn", "the ARN of the ECS cluster, arn:aws:ecs:...:cluster/<name>", d) else {
        return false;
    };
    let name = arn
        .strip_prefix("arn:")
        .and_then(|rest| rest.split_once(":cluster/"))
        .filter(|(head, _)| head.split(':').nth(1) == Some("ecs"))
        .map(|(_, name)| name);
    let help = format!("use arn:aws:ecs:us-east-1:123456789012:cluster/{}", ctx.cluster_name);
    match name {
        Some(name) if name == ctx.cluster_name => true,
        Some(name) => {
            let message = format!("cluster `{name}` is not the scenario's cluster `{}`", ctx.cluster_name);
            d.error(o.key_loc("Arn"), &o.child("Arn"), message, Some(help));
            false
        }
        None => {
            let message = format!("`{arn}` is not an ECS cluster ARN; only ECS RunTask targets are simulated");
            d.error(o.key_loc("Arn"), &o.child("Arn"), message, Some(help));
            false
        }
    }
}

/// `RetryPolicy`: `MaximumRetryAttempts` 0-185 (default 185), `MaximumEventAgeInSeconds`
/// 60-86400 (default 86400).
fn read_retry_policy(o: &mut Obj<'_>, d: &mut Diagnostics) -> Option<RetryPolicy> {
    let path = o.child("RetryPolicy");
    let Some(node) = o.field("RetryPolicy") else {
        return Some(RetryPolicy::default());
    };
    let mut r = object(node, &path, d)?;
    let max_attempts = i64::from(DEFAULT_MAXIMUM_RETRY_ATTEMPTS);
    let max_age = i64::from(DEFAULT_MAXIMUM_EVENT_AGE_S);
    let attempts = r.int("MaximumRetryAttempts", 0, max_attempts, d);
    let age = r.int("MaximumEventAgeInSeconds", 60, max_age, d);
    let bad =
        (r.has("MaximumRetryAttempts") && attempts.is_none()) || (r.has("MaximumEventAgeInSeconds") && age.is_none());
    r.finish(d);
    (!bad).then(|| RetryPolicy {
        maximum_retry_attempts: attempts.map_or(DEFAULT_MAXIMUM_RETRY_ATTEMPTS, |v| v as u32),
        maximum_event_age_s: age.map_or(DEFAULT_MAXIMUM_EVENT_AGE_S, |v| v as u32),
    })
}

/// `EcsParameters` (the same fields in Scheduler and in rule targets); the retry policy is left
/// at its default for the caller to set.
fn read_ecs_parameters(n: &Node, path: &str, ctx: &Context<'_>, d: &mut Diagnostics) -> Option<RunTaskTarget> {
    let mut o = object(n, path, d)?;
    let td_node = o.field("TaskDefinitionArn");
    let td_path = o.child("TaskDefinitionArn");
    let reference = o.required_string("TaskDefinitionArn", "family:revision or a task definition ARN", d);
    let task_definition = match (&reference, td_node) {
        (Some(r), Some(node)) => super::services::resolve_task_definition(r, ctx.task_definitions, node, &td_path, d),
        _ => None,
    };
    let count_ok = !o.has("TaskCount");
    let task_count = o.int("TaskCount", 1, MAX_TASK_COUNT, d);
    let group = read_group(&mut o, d);
    let (launch_type, strategy) = read_capacity(&mut o, ctx, d);
    let placement_constraints =
        read_placement_constraints_field(&mut o, "PlacementConstraints", ConstraintOwner::RunTask, d);
    let placement_strategy = read_placement_strategy_field(&mut o, "PlacementStrategy", d);
    o.ignore(ECS_IGNORED);
    o.finish(d);
    let (task_definition, strategy) = (task_definition?, strategy?);
    super::services::check_compatibility(
        &ctx.task_definitions[task_definition],
        &strategy,
        ctx.providers,
        n.loc,
        path,
        d,
    );
    if !count_ok && task_count.is_none() {
        return None;
    }
    Some(RunTaskTarget {
        task_definition,
        task_count: task_count.map_or(1, |v| v as u32),
        launch_type: launch_type?,
        strategy,
        placement_constraints,
        placement_strategy,
        group: group?,
        retry: RetryPolicy::default(),
    })
}

/// `Group`: a task group name of 1 to 255 characters.
fn read_group(o: &mut Obj<'_>, d: &mut Diagnostics) -> Option<Option<String>> {
    let Some(group) = o.string("Group", d) else {
        return Some(None);
    };
    if group.is_empty() || group.len() > 255 {
        let message = format!("a task group name has 1 to 255 characters, found {}", group.len());
        d.error(
            o.key_loc("Group"),
            &o.child("Group"),
            message,
            Some("e.g. `family:batch`".into()),
        );
        return None;
    }
    Some(Some(group))
}

/// `LaunchType` or `CapacityProviderStrategy`, else the cluster's default strategy, else the
/// EC2 launch type; the launch type as written (`Some(None)` without one) and the providers.
#[allow(clippy::type_complexity)]
fn read_capacity(
    o: &mut Obj<'_>,
    ctx: &Context<'_>,
    d: &mut Diagnostics,
) -> (Option<Option<LaunchType>>, Option<Vec<StrategyItem>>) {
    let launch_loc = o.key_loc("LaunchType");
    let launch_path = o.child("LaunchType");
    let launch_type = o.one_of("LaunchType", &["EC2", "FARGATE", "EXTERNAL"], d);
    let bad_launch_type = o.has("LaunchType") && launch_type.is_none();
    let strategy_path = o.child("CapacityProviderStrategy");
    let items = read_strategy_items(o, "CapacityProviderStrategy", d);
    let path = o.path.clone();
    match (launch_type, items.is_empty()) {
        _ if bad_launch_type => (None, None),
        (Some(_), false) => {
            d.error(
                launch_loc,
                &launch_path,
                "LaunchType and CapacityProviderStrategy cannot both be set",
                Some("keep one of them".into()),
            );
            (None, None)
        }
        (Some("EXTERNAL"), true) => {
            d.error(
                launch_loc,
                &launch_path,
                "the EXTERNAL launch type (ECS Anywhere) is not simulated",
                None,
            );
            (None, None)
        }
        (Some("FARGATE"), true) => {
            let fargate = ctx
                .providers
                .iter()
                .position(|p| p.kind == CapacityProviderKind::Fargate)
                .map(|i| {
                    vec![StrategyItem {
                        provider: crate::sim::ProviderIdx(i),
                        base: 0,
                        weight: 1,
                    }]
                });
            (Some(Some(LaunchType::Fargate)), fargate)
        }
        (Some(_), true) => (
            Some(Some(LaunchType::Ec2)),
            ec2_launch_type(ctx.providers, launch_loc, &path, d),
        ),
        (None, false) => (Some(None), resolve_strategy(&items, ctx.providers, &strategy_path, d)),
        (None, true) => match ctx.default_strategy {
            Some(s) => (Some(None), Some(s.to_vec())),
            None => (Some(None), ec2_launch_type(ctx.providers, o.loc, &path, d)),
        },
    }
}

/// The EC2 launch type: every Auto Scaling group's capacity provider, weighted equally (as a
/// service on the EC2 launch type).
fn ec2_launch_type(
    providers: &[CapacityProviderSpec],
    loc: Loc,
    path: &str,
    d: &mut Diagnostics,
) -> Option<Vec<StrategyItem>> {
    if providers.iter().all(CapacityProviderSpec::is_fargate) && !d.unread.any(super::diag::Declared::AutoScalingGroup)
    {
        d.error(
            loc,
            path,
            "the tasks run on the EC2 launch type (no LaunchType, CapacityProviderStrategy or cluster default strategy) but the scenario has no Auto Scaling group",
            Some("set LaunchType: FARGATE or a CapacityProviderStrategy, or add ec2AutoScaling.autoScalingGroups".into()),
        );
        return None;
    }
    super::services::ec2_launch_type(providers, loc, path, d)
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
    if items.is_empty() && o.has("Targets") || items.len() > MAX_TARGETS_PER_RULE {
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
    let cluster_ok = read_cluster_arn(&mut o, ctx, d);
    let run_task = read_run_task(&mut o, ctx, d);
    o.ignore(&["RoleArn", "Input", "InputPath", "InputTransformer", "DeadLetterConfig"]);
    o.finish(d);
    Some(RuleTarget {
        id: id.filter(|_| id_ok)?,
        run_task: run_task.filter(|_| cluster_ok)?,
    })
}
