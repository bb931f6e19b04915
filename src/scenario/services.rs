//! `ecs.services`: CreateService shapes resolved against task definitions and capacity providers.

use super::diag::{Declared, Diagnostics, closest};
use super::infrastructure::{read_strategy_items, resolve_strategy};
use super::placement::{ConstraintOwner, read_placement_constraints, read_placement_strategy};
use super::reader::{Obj, as_list, check_ignored_block, declared_name, object};
use super::yaml::{Loc, Node};
use crate::policy::placement::MAX_CONSTRAINTS_PER_TASK;
use crate::sim::{ProviderIdx, SimDuration};
use crate::spec::{
    CapacityProviderKind, CapacityProviderSpec, ServiceSpec, StrategyItem, TargetGroupSpec, TaskDefinitionSpec,
};

const SERVICE_IGNORED: &[&str] = &[
    "serviceArn",
    "clusterArn",
    "cluster",
    "status",
    "runningCount",
    "pendingCount",
    "events",
    "deployments",
    "roleArn",
    "role",
    "createdAt",
    "createdBy",
    "platformVersion",
    "platformFamily",
    "propagateTags",
    "enableECSManagedTags",
    "enableExecuteCommand",
    "tags",
    "serviceRegistries",
    "serviceConnectConfiguration",
    "volumeConfigurations",
    "taskSets",
    "clientToken",
    "networkConfiguration",
    "vpcLatticeConfigurations",
];

/// The shape of ECS's `networkConfiguration` (CreateService, RunTask): not modelled, but a
/// misspelt key in it is still an error.
pub(super) const NETWORK_CONFIGURATION: &[(&str, Option<&[&str]>)] = &[(
    "awsvpcConfiguration",
    Some(&["subnets", "securityGroups", "assignPublicIp"]),
)];

/// What a service may refer to.
struct ServiceContext<'a> {
    task_definitions: &'a [TaskDefinitionSpec],
    providers: &'a [CapacityProviderSpec],
    /// The cluster's default strategy, already resolved.
    default_strategy: Option<&'a [StrategyItem]>,
    target_groups: &'a [TargetGroupSpec],
}

/// Reads every service; `default_strategy` is the cluster's (already resolved) default.
pub fn read_services(
    node: Option<&Node>,
    task_definitions: &[TaskDefinitionSpec],
    providers: &[CapacityProviderSpec],
    default_strategy: Option<&[StrategyItem]>,
    target_groups: &[TargetGroupSpec],
    d: &mut Diagnostics,
) -> Vec<ServiceSpec> {
    let Some(node) = node else { return Vec::new() };
    let ctx = ServiceContext {
        task_definitions,
        providers,
        default_strategy,
        target_groups,
    };
    let mut services: Vec<ServiceSpec> = Vec::new();
    // Names so far, looked up (a scan per service made 10,000 services quadratic).
    let mut names = std::collections::BTreeSet::new();
    for (path, n) in as_list(node, "ecs.services", d) {
        if let Some(service) = read_service(n, &path, &ctx, &names, d) {
            names.insert(service.name.clone());
            services.push(service);
        } else {
            // Its error is reported here; `load`, `events` and scaling must not call it unknown.
            d.unread
                .add(Declared::Service, declared_name(n, "serviceName").as_deref());
        }
    }
    services
}

/// One CreateService item; `None` when it has an error or repeats an `existing` service's name.
fn read_service(
    node: &Node,
    path: &str,
    ctx: &ServiceContext<'_>,
    existing: &std::collections::BTreeSet<String>,
    d: &mut Diagnostics,
) -> Option<ServiceSpec> {
    let mut o = object(node, path, d)?;
    let name = o.required_string("serviceName", "the service name", d);
    let name_loc = o.key_loc("serviceName");
    let (task_definition, td_loc, td_path) = read_task_definition_ref(&mut o, ctx.task_definitions, d);
    let daemon = o.one_of("schedulingStrategy", &["REPLICA", "DAEMON"], d) == Some("DAEMON");
    let desired_loc = o.has("desiredCount").then(|| o.key_loc("desiredCount"));
    // Read either way so a bad value is reported; a DAEMON service's count is refused below.
    let desired = o.int("desiredCount", 0, 100_000, d);
    if !daemon && o.field("desiredCount").is_none() {
        o.missing_here("desiredCount", "how many tasks the service keeps", d);
    }
    let desired = if daemon { Some(0) } else { desired };
    let controller = super::deployment_configuration::read_deployment_controller(&mut o, d);
    let deployment_node = o.unrecorded("deploymentConfiguration");
    let mut deployment = super::deployment_configuration::read_deployment_configuration(&mut o, d);
    super::deployment_configuration::check_deployment_controller(controller, path, &deployment, d);
    if daemon {
        super::daemon::daemon_deployment(deployment_node, path, &mut deployment.config, d);
    }
    let strategy_written = o.has("placementStrategy").then(|| o.key_loc("placementStrategy"));
    let placement_strategy = read_placement_strategy(&mut o, d);
    let constraints_at = (o.key_loc("placementConstraints"), o.child("placementConstraints"));
    let placement_constraints = read_placement_constraints(&mut o, ConstraintOwner::Service, d);
    let load_balancers = super::load_balancing::read_service_load_balancers(&mut o, ctx.target_groups, d);
    let grace = o
        .int("healthCheckGracePeriodSeconds", 0, i64::from(i32::MAX), d)
        .map_or(SimDuration::ZERO, |s| SimDuration::from_secs(s as u64));
    let names_strategy = o.has("capacityProviderStrategy");
    let strategy_loc = match (names_strategy, o.has("launchType")) {
        (true, _) => o.key_loc("capacityProviderStrategy"),
        (false, true) => o.key_loc("launchType"),
        (false, false) => name_loc,
    };
    let (strategy, uses_launch_type) =
        read_launch_type_or_strategy(&mut o, name_loc, ctx.providers, ctx.default_strategy, d);
    if daemon {
        let fields = super::daemon::DaemonFields {
            path,
            desired_count: desired_loc,
            placement_strategy: strategy_written.filter(|_| !placement_strategy.is_empty()),
            strategy_loc,
            names_strategy,
            uses_launch_type,
        };
        super::daemon::check_daemon_service(&fields, strategy.as_deref(), ctx.providers, d);
    }
    let rebalancing = o.one_of("availabilityZoneRebalancing", &["ENABLED", "DISABLED"], d);
    o.ignore(SERVICE_IGNORED);
    if let Some(n) = o.unrecorded("networkConfiguration") {
        check_ignored_block(n, &o.child("networkConfiguration"), NETWORK_CONFIGURATION, d);
    }
    o.finish(d);
    let (Some(name), Some(task_definition), Some(desired), Some(strategy)) = (name, task_definition, desired, strategy)
    else {
        return None;
    };
    // The name becomes part of chart file names: AWS's rule, checked before anything runs.
    if let Some(problem) = super::names::name_problem(&name) {
        d.error(
            name_loc,
            &format!("{path}.serviceName"),
            format!("service name `{}` {problem}", super::names::clip(&name)),
            Some(super::names::NAME_RULE.into()),
        );
        return None;
    }
    if existing.contains(&name) {
        d.error(
            name_loc,
            &format!("{path}.serviceName"),
            format!("service `{name}` is defined twice"),
            None,
        );
        return None;
    }
    if let Some(at) = &deployment.strategy_at {
        let items: Vec<(String, bool)> = load_balancers.items.iter().map(|(_, p, ok)| (p.clone(), *ok)).collect();
        super::deployment_configuration::check_strategy_load_balancers(
            deployment.config.strategy,
            at,
            &name,
            &items,
            d,
        );
    }
    let td = &ctx.task_definitions[task_definition];
    check_constraint_count(placement_constraints.len(), td, constraints_at, d);
    let td_loc = td_loc.unwrap_or(name_loc);
    check_compatibility(td, &strategy, ctx.providers, td_loc, &td_path, d);
    Some(ServiceSpec {
        name,
        task_definition,
        desired_count: desired as u32,
        strategy,
        uses_launch_type,
        deployment: deployment.config,
        target_groups: load_balancers.target_groups,
        advanced_configurations: load_balancers.advanced,
        health_check_grace_period: grace,
        load: None,
        queue: None,
        request_mode: crate::spec::RequestMode::Estimate,
        replayed_arrivals: None,
        az_rebalancing: az_rebalancing_default(rebalancing, &placement_strategy),
        placement_strategy,
        placement_constraints,
        daemon,
    })
}

/// `availabilityZoneRebalancing` as CreateService reads it: the value given, else ENABLED for a
/// compatible service; a service that binpacks is not compatible and defaults to DISABLED
/// (API_CreateService; service-rebalancing.html).
fn az_rebalancing_default(given: Option<&str>, strategy: &[crate::policy::placement::PlacementStrategy]) -> bool {
    use crate::policy::placement::PlacementStrategy;
    match given {
        Some(value) => value == "ENABLED",
        None => !strategy.iter().any(|s| matches!(s, PlacementStrategy::Binpack(_))),
    }
}

/// `taskDefinition`: the revision it names, with where its value is and its path.
pub(super) fn read_task_definition_ref(
    o: &mut Obj<'_>,
    task_definitions: &[TaskDefinitionSpec],
    d: &mut Diagnostics,
) -> (Option<usize>, Option<Loc>, String) {
    let path = o.child("taskDefinition");
    let node = o.field("taskDefinition");
    let reference = o.required_string("taskDefinition", "family, family:revision or an ARN", d);
    let index = match (&reference, node) {
        (Some(r), Some(n)) => resolve_task_definition(r, task_definitions, n, &path, d),
        _ => None,
    };
    (index, node.map(|n| n.loc), path)
}

/// `launchType` or `capacityProviderStrategy` (else the cluster's default strategy) as the
/// service's (or a RunTask call's) strategy; also whether it counts as using a launch type.
pub(super) fn read_launch_type_or_strategy(
    o: &mut Obj<'_>,
    name_loc: Loc,
    providers: &[CapacityProviderSpec],
    default_strategy: Option<&[StrategyItem]>,
    d: &mut Diagnostics,
) -> (Option<Vec<StrategyItem>>, bool) {
    let launch_type_loc = o.key_loc("launchType");
    let launch_type = o.one_of("launchType", &["EC2", "FARGATE", "EXTERNAL"], d);
    let strategy_path = o.child("capacityProviderStrategy");
    let strategy_items = read_strategy_items(o, "capacityProviderStrategy", d);
    let path = o.path.as_str();
    let strategy = match (launch_type, strategy_items.is_empty()) {
        (Some(_), false) => {
            d.error(
                launch_type_loc,
                &format!("{path}.launchType"),
                "launchType and capacityProviderStrategy cannot both be set",
                Some("keep one of them".into()),
            );
            None
        }
        (Some("FARGATE"), true) => providers
            .iter()
            .position(|p| p.kind == CapacityProviderKind::Fargate)
            .map(|i| {
                vec![StrategyItem {
                    provider: ProviderIdx(i),
                    base: 0,
                    weight: 1,
                }]
            }),
        (Some("EXTERNAL"), true) => {
            d.error(
                launch_type_loc,
                &format!("{path}.launchType"),
                "the EXTERNAL launch type (ECS Anywhere) is not simulated",
                None,
            );
            None
        }
        (Some(_), true) => ec2_launch_type(providers, launch_type_loc, path, d),
        (None, false) => resolve_strategy(&strategy_items, providers, &strategy_path, d),
        (None, true) => match default_strategy {
            Some(s) => Some(s.to_vec()),
            None => ec2_launch_type(providers, name_loc, path, d),
        },
    };
    let uses_launch_type = launch_type.is_some() || (strategy_items.is_empty() && default_strategy.is_none());
    (strategy, uses_launch_type)
}

/// A task carries at most `MAX_CONSTRAINTS_PER_TASK` constraints, the service's and its task
/// definition's together (the service's own list is checked where it is read).
fn check_constraint_count(service_constraints: usize, td: &TaskDefinitionSpec, at: (Loc, String), d: &mut Diagnostics) {
    let total = service_constraints + td.placement_constraints.len();
    if total > MAX_CONSTRAINTS_PER_TASK && service_constraints <= MAX_CONSTRAINTS_PER_TASK {
        d.error(
            at.0,
            &at.1,
            format!(
                "a task has at most {MAX_CONSTRAINTS_PER_TASK} placement constraints, service and task definition together; found {total}"
            ),
            None,
        );
    }
}

/// With the EC2 launch type, tasks go to the cluster's instances: every Auto Scaling group's
/// provider, weighted equally (exact for the common single-group cluster).
pub(super) fn ec2_launch_type(
    providers: &[CapacityProviderSpec],
    loc: Loc,
    path: &str,
    d: &mut Diagnostics,
) -> Option<Vec<StrategyItem>> {
    let items: Vec<StrategyItem> = providers
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.is_fargate())
        .map(|(i, _)| StrategyItem {
            provider: ProviderIdx(i),
            base: 0,
            weight: 1,
        })
        .collect();
    if items.is_empty() && d.unread.any(Declared::AutoScalingGroup) {
        return None;
    }
    if items.is_empty() {
        d.error(loc, path, "the service runs on the EC2 launch type (no launchType, capacityProviderStrategy or cluster default strategy) but the scenario has no Auto Scaling group", Some("add ec2AutoScaling.autoScalingGroups, or set launchType: FARGATE".into()));
        return None;
    }
    Some(items)
}

pub(super) fn resolve_task_definition(
    reference: &str,
    tds: &[TaskDefinitionSpec],
    node: &Node,
    path: &str,
    d: &mut Diagnostics,
) -> Option<usize> {
    // An ARN ends with `task-definition/family:revision`.
    let short = reference.rsplit_once("task-definition/").map_or(reference, |(_, s)| s);
    let (family, revision) = match short.rsplit_once(':') {
        Some((f, r)) => match r.parse::<u32>() {
            Ok(r) => (f, Some(r)),
            Err(_) => (short, None),
        },
        None => (short, None),
    };
    let found = match revision {
        Some(r) => tds.iter().position(|t| t.family == family && t.revision == r),
        None => tds
            .iter()
            .enumerate()
            .filter(|(_, t)| t.family == family)
            .max_by_key(|(_, t)| t.revision)
            .map(|(i, _)| i),
    };
    if found.is_none() && !d.unread.covers(Declared::TaskDefinitionFamily, family) {
        let labels: Vec<String> = tds.iter().map(|t| t.arn_suffix()).collect();
        let families: Vec<&str> = tds
            .iter()
            .map(|t| t.family.as_str())
            .chain(labels.iter().map(String::as_str))
            .collect();
        let help = closest(short, families.iter().copied())
            .map(|c| format!("did you mean `{c}`?"))
            .or_else(|| {
                Some(if labels.is_empty() {
                    "define it under ecs.taskDefinitions".to_string()
                } else {
                    format!("defined task definitions: {}", labels.join(", "))
                })
            });
        d.error(
            node.loc,
            path,
            format!("task definition `{reference}` is not defined in ecs.taskDefinitions"),
            help,
        );
    }
    found
}

pub(super) fn check_compatibility(
    td: &TaskDefinitionSpec,
    strategy: &[StrategyItem],
    providers: &[CapacityProviderSpec],
    loc: Loc,
    path: &str,
    d: &mut Diagnostics,
) {
    let on_fargate = strategy.iter().any(|i| providers[i.provider].is_fargate());
    let compat = &td.requires_compatibilities;
    if on_fargate && !compat.iter().any(|c| c == "FARGATE") {
        d.error(
            loc,
            path,
            format!(
                "task definition {} does not list FARGATE in requiresCompatibilities, so it cannot run on Fargate",
                td.arn_suffix()
            ),
            Some("add requiresCompatibilities: [FARGATE] (with awsvpc and task-level cpu/memory)".into()),
        );
    }
    if !on_fargate && !compat.is_empty() && !compat.iter().any(|c| c == "EC2") {
        d.error(
            loc,
            path,
            format!(
                "task definition {} requires {} but the service runs on EC2 capacity",
                td.arn_suffix(),
                compat.join(", ")
            ),
            Some("add EC2 to requiresCompatibilities or run the service on FARGATE".into()),
        );
    }
}

#[cfg(test)]
mod az_rebalancing_tests {
    use super::az_rebalancing_default;
    use crate::policy::placement::{BinpackField, PlacementStrategy};

    #[test]
    fn create_service_enables_rebalancing_unless_the_service_binpacks() {
        // API_CreateService: "defaults the value to ENABLED" for a compatible service; binpack is
        // not compatible and defaults to DISABLED.
        assert!(az_rebalancing_default(None, &[]));
        assert!(!az_rebalancing_default(
            None,
            &[PlacementStrategy::Binpack(BinpackField::Memory)]
        ));
        assert!(!az_rebalancing_default(Some("DISABLED"), &[]));
        assert!(az_rebalancing_default(Some("ENABLED"), &[]));
    }
}
