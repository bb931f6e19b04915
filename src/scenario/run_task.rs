//! `events[].runTask`: one RunTask call on the timeline, with the API's field names
//! (`taskDefinition`, `count`, `group`, `launchType` or `capacityProviderStrategy`,
//! `placementConstraints`, `placementStrategy`, `startedBy`). `startedBy` names the trigger in
//! `jobs.csv`, `summary.json` and `expect:` (default: the task definition's family), as
//! EventBridge names its rule in the tasks it starts.

use super::diag::Diagnostics;
use super::placement::{ConstraintOwner, read_placement_constraints, read_placement_strategy};
use super::reader::object;
use super::yaml::Node;
use crate::sim::SimTime;
use crate::spec::{
    CapacityProviderSpec, MAX_TASKS_PER_RUN_TASK, RetryPolicy, RunTaskCapacity, RunTaskRequest, StrategyItem,
    TaskDefinitionSpec, Trigger, TriggerKind,
};

/// RunTask fields the simulator accepts but does not model.
const RUN_TASK_IGNORED: &[&str] = &[
    "cluster",
    "clientToken",
    "enableECSManagedTags",
    "enableExecuteCommand",
    "networkConfiguration",
    "overrides",
    "platformVersion",
    "propagateTags",
    "referenceId",
    "tags",
    "volumeConfigurations",
];

/// The longest task group name (reference 9.4).
const MAX_GROUP_CHARS: usize = 255;

/// The longest `startedBy` (the RunTask API's limit).
const MAX_STARTED_BY_CHARS: usize = 128;

/// What a `runTask` may refer to.
pub struct RunTaskContext<'a> {
    /// Every task definition revision.
    pub task_definitions: &'a [TaskDefinitionSpec],
    /// Capacity providers of the cluster.
    pub providers: &'a [CapacityProviderSpec],
    /// The cluster's default capacity provider strategy, resolved.
    pub default_strategy: Option<&'a [StrategyItem]>,
}

/// Reads one `runTask` mapping, called at `at`.
pub fn read_run_task(
    node: &Node,
    path: &str,
    at: Option<SimTime>,
    ctx: &RunTaskContext<'_>,
    d: &mut Diagnostics,
) -> Option<RunTaskRequest> {
    let mut o = object(node, path, d)?;
    let (task_definition, _, _) = super::services::read_task_definition_ref(&mut o, ctx.task_definitions, d);
    // `field` records `count` as known even when absent, so `coun:` gets its "did you mean".
    let count = match o.field("count") {
        Some(_) => o.int("count", 1, i64::from(MAX_TASKS_PER_RUN_TASK), d),
        None => Some(1),
    };
    let group_loc = o.key_loc("group");
    let group = o.string("group", d);
    let started_by_loc = o.key_loc("startedBy");
    let started_by = o.string("startedBy", d);
    let placement_strategy = read_placement_strategy(&mut o, d);
    let placement_constraints = read_placement_constraints(&mut o, ConstraintOwner::Service, d);
    let loc = o.loc;
    let (strategy, uses_launch_type) =
        super::services::read_launch_type_or_strategy(&mut o, loc, ctx.providers, ctx.default_strategy, d);
    o.ignore(RUN_TASK_IGNORED);
    if let Some(n) = o.unrecorded("networkConfiguration") {
        let path = o.child("networkConfiguration");
        super::reader::check_ignored_block(n, &path, super::services::NETWORK_CONFIGURATION, d);
    }
    o.finish(d);
    let task_definition = task_definition?;
    let group = group.unwrap_or_else(|| format!("family:{}", ctx.task_definitions[task_definition].family));
    if group.is_empty() || group.chars().count() > MAX_GROUP_CHARS {
        d.error(
            group_loc,
            &format!("{path}.group"),
            format!("a task group name has 1 to {MAX_GROUP_CHARS} characters"),
            Some("leave `group` out for the default `family:<family>`".into()),
        );
        return None;
    }
    let started_by = started_by.unwrap_or_else(|| ctx.task_definitions[task_definition].family.clone());
    let valid = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    if started_by.is_empty() || started_by.len() > MAX_STARTED_BY_CHARS || !started_by.chars().all(valid) {
        d.error(
            started_by_loc,
            &format!("{path}.startedBy"),
            format!("startedBy has 1 to {MAX_STARTED_BY_CHARS} letters, digits, hyphens and underscores"),
            Some("e.g. `nightly`".into()),
        );
        return None;
    }
    let at = at?;
    Some(RunTaskRequest {
        at,
        task_definition,
        count: count? as u32,
        trigger: Trigger {
            kind: TriggerKind::RunTask,
            name: started_by,
            fired_at: at,
        },
        group,
        capacity: RunTaskCapacity {
            strategy: strategy?,
            uses_launch_type,
        },
        placement_constraints,
        placement_strategy,
        retry: RetryPolicy::NONE,
    })
}
