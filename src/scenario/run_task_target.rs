//! The RunTask side of an EventBridge target: the cluster `Arn`, `EcsParameters` (task
//! definition, count, launch type or capacity provider strategy, placement, group) and
//! `RetryPolicy`, the same fields in Scheduler schedules and in rule targets.

use super::diag::Diagnostics;
use super::event_bridge::Context;
use super::infrastructure::{read_strategy_items, resolve_strategy};
use super::placement::{ConstraintOwner, read_placement_constraints_field, read_placement_strategy_field};
use super::reader::{Obj, object};
use super::yaml::{Loc, Node};
use crate::spec::event_bridge::{
    DEFAULT_MAXIMUM_EVENT_AGE_S, DEFAULT_MAXIMUM_RETRY_ATTEMPTS, LaunchType, RetryPolicy, RunTaskTarget,
};
use crate::spec::{CapacityProviderKind, CapacityProviderSpec, StrategyItem};

/// RunTask starts at most 10 tasks a call; `TaskCount` has the same limit.
const MAX_TASK_COUNT: i64 = 10;
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

/// `EcsParameters` and `RetryPolicy` of a target (schedule or rule).
pub(super) fn read_run_task(o: &mut Obj<'_>, ctx: &Context<'_>, d: &mut Diagnostics) -> Option<RunTaskTarget> {
    let ecs_path = o.child("EcsParameters");
    let what = "the RunTask parameters: TaskDefinitionArn and optionally TaskCount, LaunchType, ...";
    let ecs = o.required_field("EcsParameters", what, d);
    let retry = read_retry_policy(o, d);
    let ecs = ecs.and_then(|n| read_ecs_parameters(n, &ecs_path, ctx, d));
    Some(RunTaskTarget { retry: retry?, ..ecs? })
}

/// The target's `Arn`: the cluster's ARN (`arn:aws:ecs:<region>:<account>:cluster/<name>`).
pub(super) fn read_cluster_arn(o: &mut Obj<'_>, ctx: &Context<'_>, d: &mut Diagnostics) -> bool {
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
    let count_written = o.has("TaskCount");
    let task_count = o.int("TaskCount", 1, MAX_TASK_COUNT, d);
    let group = read_group(&mut o, d);
    // As RunTask: a launch type, or neither a strategy nor a cluster default (the EC2 launch
    // type), places without capacity providers' managed scaling.
    let without_providers =
        o.has("LaunchType") || (!o.has("CapacityProviderStrategy") && ctx.default_strategy.is_none());
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
    if count_written && task_count.is_none() {
        return None;
    }
    Some(RunTaskTarget {
        task_definition,
        task_count: task_count.map_or(1, |v| v as u32),
        launch_type: launch_type?,
        strategy,
        uses_launch_type: without_providers,
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
