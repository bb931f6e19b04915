//! `events`: operator actions and faults on the timeline (`updateService`, `failInstances`,
//! `drainInstances`, `azOutage`, `spotInterruption`, `updateTaskProtection`, and EKS's
//! `updateDeployment`, read in `eks::update`, and `rolloutUndo`, `rolloutPause` and
//! `rolloutResume`, read in `eks::rollout`), the instance selectors they share, and RunTask
//! calls (`runTask`, read in `run_task`).

use super::diag::{Declared, Diagnostics};
use super::reader::{Obj, as_list, as_string, object};
use super::yaml::{Loc, Node, Value};
use crate::sim::{ProviderIdx, ServiceIdx, SimTime};
use crate::spec::eks::{DeploymentSpec, PodRevision};
use crate::spec::{
    AutoScalingGroupSpec, CapacityProviderKind, CapacityProviderSpec, InstanceSelector, Quantity, RunTaskRequest,
    ServiceSpec, SpotInterruptionSpec, StrategyItem, TaskDefinitionSpec, TimelineAction, TimelineEvent,
};

pub(super) const ACTIONS: &[&str] = &[
    "updateService",
    "failInstances",
    "drainInstances",
    "azOutage",
    "spotInterruption",
    "updateTaskProtection",
    "runTask",
    "updateDeployment",
    "rolloutUndo",
    "rolloutPause",
    "rolloutResume",
];

/// What the timeline's actions may refer to.
pub struct TimelineContext<'a> {
    /// Services read without error.
    pub services: &'a [ServiceSpec],
    /// Capacity providers of the cluster.
    pub providers: &'a [CapacityProviderSpec],
    /// Auto Scaling groups.
    pub groups: &'a [AutoScalingGroupSpec],
    /// Availability Zone names.
    pub zones: &'a [String],
    /// Every task definition revision (an `updateService` or a `runTask` may name one).
    pub task_definitions: &'a [TaskDefinitionSpec],
    /// The cluster's default capacity provider strategy, resolved (for `runTask`).
    pub default_strategy: Option<&'a [StrategyItem]>,
    /// EKS Deployments (an `updateDeployment` names one).
    pub deployments: &'a [DeploymentSpec],
    /// EKS node groups and NodePools (a selector or a Spot burst may name one).
    pub eks_nodes: super::eks::faults::EksNodes<'a>,
}

/// The timeline read from `events`: operator actions and faults, and RunTask calls.
#[derive(Debug, Default)]
pub struct Events {
    /// Actions and faults, sorted by time (entries at the same time keep file order).
    pub timeline: Vec<TimelineEvent>,
    /// `runTask` calls, sorted by time the same way.
    pub run_tasks: Vec<RunTaskRequest>,
    /// The revisions `updateDeployment` events add, in file order, with their Deployment's index:
    /// appended to `DeploymentSpec::revisions`, where the events' `revision` indices point.
    pub new_revisions: Vec<(usize, PodRevision)>,
}

/// One action of an event.
enum Action {
    Timeline(TimelineAction),
    RunTask(RunTaskRequest),
    Deployment(Box<super::eks::DeploymentUpdate>),
}

/// Reads the timeline, sorted by time (entries at the same time keep file order).
pub fn read_events(
    node: Option<&Node>,
    ctx: &TimelineContext<'_>,
    duration_ms: Option<u64>,
    d: &mut Diagnostics,
) -> Events {
    let mut out = Events::default();
    let Some(node) = node else { return out };
    for (path, n) in as_list(node, "events", d) {
        match read_event(n, &path, ctx, &out.new_revisions, duration_ms, d) {
            Some((at, Action::Timeline(action))) => out.timeline.push(TimelineEvent { at, action }),
            Some((_, Action::RunTask(request))) => out.run_tasks.push(request),
            Some((at, Action::Deployment(update))) => {
                let deployment = update.deployment;
                let update = *update;
                let revision = update.revision.map(|r| {
                    let earlier = out.new_revisions.iter().filter(|(i, _)| *i == deployment).count();
                    out.new_revisions.push((deployment, r));
                    ctx.deployments[deployment].revisions.len() + earlier
                });
                let action = TimelineAction::UpdateDeployment {
                    deployment,
                    revision,
                    replicas: update.replicas,
                };
                out.timeline.push(TimelineEvent { at, action });
            }
            None => {}
        }
    }
    out.timeline.sort_by_key(|e| e.at);
    out.run_tasks.sort_by_key(|r| r.at);
    out
}

/// One event: `at` and one action, no later than the end of the run.
fn read_event(
    node: &Node,
    path: &str,
    ctx: &TimelineContext<'_>,
    pending: &[(usize, PodRevision)],
    duration_ms: Option<u64>,
    d: &mut Diagnostics,
) -> Option<(SimTime, Action)> {
    let mut o = object(node, path, d)?;
    let at = o.required_duration("at", "when, as a time from the start such as `1d2h`", d);
    let at_loc = o.key_loc("at");
    let action = read_action(&mut o, node, at.map(|a| SimTime(a.as_millis())), ctx, pending, d);
    o.finish(d);
    let at = at?;
    // Without a valid duration there is no end to compare with; `duration` has its own error.
    if duration_ms.is_some_and(|end| at.as_millis() > end) {
        d.error(
            at_loc,
            &format!("{path}.at"),
            format!("{at} is after the end of the run"),
            None,
        );
        return None;
    }
    Some((SimTime(at.as_millis()), action?))
}

/// The one action of the event `o` (read from `node`), at `at`.
fn read_action(
    o: &mut Obj<'_>,
    node: &Node,
    at: Option<SimTime>,
    ctx: &TimelineContext<'_>,
    pending: &[(usize, PodRevision)],
    d: &mut Diagnostics,
) -> Option<Action> {
    let present: Vec<(&'static str, &Node)> = ACTIONS
        .iter()
        .filter_map(|name| o.field(name).map(|n| (*name, n)))
        .collect();
    match present.as_slice() {
        [(name, n)] => {
            let p = o.child(name);
            let action = match *name {
                "runTask" => {
                    let run_task = super::run_task::RunTaskContext {
                        task_definitions: ctx.task_definitions,
                        providers: ctx.providers,
                        default_strategy: ctx.default_strategy,
                    };
                    return super::run_task::read_run_task(n, &p, at, &run_task, d).map(Action::RunTask);
                }
                "updateDeployment" => {
                    return super::eks::read_update_deployment(n, &p, ctx.deployments, pending, d)
                        .map(|u| Action::Deployment(Box::new(u)));
                }
                name if super::eks::ROLLOUT_ACTIONS.contains(&name) => {
                    super::eks::read_rollout(name, n, &p, ctx.deployments, d)
                }
                "updateService" => read_update(n, &p, ctx.services, ctx.task_definitions, d),
                "failInstances" => read_selector(n, &p, ctx, d).map(TimelineAction::FailInstances),
                "drainInstances" => read_selector(n, &p, ctx, d).map(TimelineAction::DrainInstances),
                "azOutage" => read_outage(n, &p, ctx, d),
                "updateTaskProtection" => read_task_protection(n, &p, ctx, d),
                _ if super::eks::faults::names_eks_capacity(n) => {
                    super::eks::faults::read_eks_spot(n, &p, ctx.eks_nodes, read_quantity, d)
                }
                _ => read_spot(n, &p, ctx, d),
            };
            action.map(Action::Timeline)
        }
        [_, _, ..] => {
            d.error(
                o.loc,
                &o.path,
                "each event holds exactly one action",
                Some("split it into separate events".into()),
            );
            None
        }
        [] => {
            if !matches!(&node.value, Value::Map(e) if e.iter().any(|(k, _)| k.name != "at")) {
                d.error(
                    o.loc,
                    &o.path,
                    "the event has no action",
                    Some(format!("actions: {}", ACTIONS.join(", "))),
                );
            }
            None
        }
    }
}

fn read_update(
    node: &Node,
    path: &str,
    services: &[ServiceSpec],
    task_definitions: &[TaskDefinitionSpec],
    d: &mut Diagnostics,
) -> Option<TimelineAction> {
    let mut o = object(node, path, d)?;
    let name = o.required_string("service", "the service name", d);
    let name_loc = o.key_loc("service");
    let desired = o.int("desiredCount", 0, 100_000, d);
    // An unknown revision ends the reading here: the rest of the update is not checked.
    let new_revision = read_new_revision(&mut o, task_definitions, d)?;
    let force = o.boolean("forceNewDeployment", d).unwrap_or(false);
    let read = o
        .field("deploymentConfiguration")
        .is_some()
        .then(|| super::deployment_configuration::read_deployment_configuration(&mut o, d));
    let has_desired = o.field("desiredCount").is_some();
    if !has_desired && new_revision.is_none() && !force && read.is_none() {
        d.error(
            o.loc,
            path,
            "updateService changes nothing",
            Some("give a desiredCount, a taskDefinition or forceNewDeployment: true".into()),
        );
    }
    o.finish(d);
    let service = updated_service(&name?, name_loc, path, services, d)?;
    if let Some(at) = read
        .as_ref()
        .and_then(|r| r.strategy_at.as_ref().map(|at| (r.config.strategy, at)))
    {
        check_update_load_balancers(at.0, at.1, &services[service], d);
    }
    let mut config = read.map(|r| r.config);
    if services[service].daemon {
        super::daemon::check_daemon_update(node, path, config.as_mut(), d);
        if has_desired {
            return None;
        }
    }
    let desired_count = desired.map(|v| v as u32);
    if new_revision.is_some() || force {
        return Some(TimelineAction::UpdateServiceDeployment {
            service,
            task_definition: new_revision,
            force_new_deployment: force,
            desired_count,
            deployment_configuration: config,
        });
    }
    if let Some(deployment_configuration) = config {
        return Some(TimelineAction::UpdateServiceDeploymentConfiguration {
            service,
            deployment_configuration,
            desired_count,
        });
    }
    Some(TimelineAction::UpdateServiceDesiredCount {
        service,
        desired_count: desired_count?,
    })
}

/// An update's `taskDefinition`: `Some(None)` when absent, `None` when it names no revision.
fn read_new_revision(
    o: &mut Obj<'_>,
    task_definitions: &[TaskDefinitionSpec],
    d: &mut Diagnostics,
) -> Option<Option<usize>> {
    let td_path = o.child("taskDefinition");
    let td_node = o.field("taskDefinition");
    let td_ref = td_node.and_then(|n| super::reader::as_string(n, &td_path, d));
    match (&td_ref, td_node) {
        (Some(r), Some(n)) => Some(Some(super::services::resolve_task_definition(
            r,
            task_definitions,
            n,
            &td_path,
            d,
        )?)),
        _ => Some(None),
    }
}

/// The service an update names; an undefined name is reported unless the service was declared
/// with errors of its own.
/// An `updateService` that sets a non-rolling strategy: the service's own `loadBalancers` must
/// carry what the strategy needs (UpdateService here does not change them).
fn check_update_load_balancers(
    strategy: crate::spec::DeploymentStrategy,
    at: &(Loc, String),
    service: &ServiceSpec,
    d: &mut Diagnostics,
) {
    let items: Vec<(String, bool)> = service
        .advanced_configurations
        .iter()
        .enumerate()
        .map(|(k, a)| {
            let complete = a.as_ref().is_some_and(|a| a.production_listener_rule.is_some());
            (format!("loadBalancers[{k}]"), complete)
        })
        .collect();
    super::deployment_configuration::check_strategy_load_balancers(strategy, at, &service.name, &items, d);
    if strategy.shifts_traffic() && service.request_mode == crate::spec::RequestMode::Requests {
        let (message, suggestion) = super::load::traffic_shift_in_exact_mode(&service.name, strategy.as_str());
        d.error(at.0, &at.1, message, Some(suggestion));
    }
}

fn updated_service(
    name: &str,
    name_loc: Loc,
    path: &str,
    services: &[ServiceSpec],
    d: &mut Diagnostics,
) -> Option<ServiceIdx> {
    let found = services.iter().position(|s| s.name == name).map(ServiceIdx);
    if found.is_none() && !d.unread.covers(Declared::Service, name) {
        let names: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
        let help = super::diag::closest(name, names.iter().copied()).map(|c| format!("did you mean `{c}`?"));
        d.error(
            name_loc,
            &format!("{path}.service"),
            format!("no service named `{name}`"),
            help,
        );
    }
    found
}

/// `count` or `fraction` (not both); `None` when neither is given.
fn read_quantity(o: &mut Obj<'_>, d: &mut Diagnostics) -> Option<Option<Quantity>> {
    let count = o.int("count", 1, 100_000, d);
    let fraction = o.number("fraction", 0.0, 1.0, d);
    match (count, fraction) {
        (Some(_), Some(_)) => {
            d.error(
                o.key_loc("fraction"),
                &o.child("fraction"),
                "give either `count` or `fraction`, not both",
                None,
            );
            None
        }
        (Some(n), None) => Some(Some(Quantity::Count(n as u32))),
        (None, Some(f)) if f <= 0.0 => {
            d.error(
                o.key_loc("fraction"),
                &o.child("fraction"),
                "fraction must be above 0 (and at most 1)",
                None,
            );
            None
        }
        (None, Some(f)) => Some(Some(Quantity::Fraction(f))),
        (None, None) if o.field("count").is_some() || o.field("fraction").is_some() => None,
        (None, None) => Some(None),
    }
}

/// Reports `name` not found among `candidates`, with the closest one.
fn unknown(o: &Obj<'_>, key: &str, what: &str, name: &str, candidates: &[&str], d: &mut Diagnostics) {
    let help = super::diag::closest(name, candidates.iter().copied())
        .map(|c| format!("did you mean `{c}`?"))
        .or_else(|| (!candidates.is_empty()).then(|| format!("one of: {}", candidates.join(", "))));
    d.error(o.key_loc(key), &o.child(key), format!("no {what} named `{name}`"), help);
}

fn read_zone(o: &mut Obj<'_>, zones: &[String], d: &mut Diagnostics) -> Option<Option<usize>> {
    let Some(az) = o.string("availabilityZone", d) else {
        return Some(None).filter(|_| o.field("availabilityZone").is_none());
    };
    match zones.iter().position(|z| *z == az) {
        Some(i) => Some(Some(i)),
        None => {
            d.error(
                o.key_loc("availabilityZone"),
                &o.child("availabilityZone"),
                format!(
                    "`{az}` is not one of the scenario's availabilityZones ({})",
                    zones.join(", ")
                ),
                None,
            );
            None
        }
    }
}

/// An Auto Scaling group capacity provider by name; FARGATE_SPOT too when `fargate_spot`.
fn read_provider(
    o: &mut Obj<'_>,
    ctx: &TimelineContext<'_>,
    fargate_spot: bool,
    d: &mut Diagnostics,
) -> Option<Option<ProviderIdx>> {
    let Some(name) = o.string("capacityProvider", d) else {
        return Some(None).filter(|_| o.field("capacityProvider").is_none());
    };
    let accepts = |cp: &CapacityProviderSpec| match cp.kind {
        CapacityProviderKind::AutoScalingGroup(_) => true,
        CapacityProviderKind::FargateSpot => fargate_spot,
        CapacityProviderKind::Fargate => false,
    };
    if let Some(i) = ctx.providers.iter().position(|cp| cp.name == name && accepts(cp)) {
        return Some(Some(ProviderIdx(i)));
    }
    let (key, path) = (o.key_loc("capacityProvider"), o.child("capacityProvider"));
    if d.unread.covers(Declared::CapacityProvider, &name) || d.unread.covers(Declared::ClusterCapacityProvider, &name) {
        // Its own error, where it is defined, says what is wrong.
    } else if fargate_spot && name == "FARGATE_SPOT" {
        // Named rightly, but the cluster does not have it: say so, not that it has no instances.
        d.error(
            key,
            &path,
            "capacity provider `FARGATE_SPOT` is not associated with the cluster",
            Some("add FARGATE_SPOT to ecs.cluster.capacityProviders".into()),
        );
    } else if fargate_spot && name == "FARGATE" {
        d.error(
            key,
            &path,
            "FARGATE tasks are on-demand and are never interrupted",
            Some("use FARGATE_SPOT".into()),
        );
    } else if ctx.providers.iter().any(|cp| cp.name == name) || name == "FARGATE" || name == "FARGATE_SPOT" {
        let help = if fargate_spot {
            "name FARGATE_SPOT or an Auto Scaling group capacity provider of the cluster"
        } else {
            "name an Auto Scaling group capacity provider; Fargate has no container instances"
        };
        d.error(
            key,
            &path,
            format!("`{name}` has no container instances"),
            Some(help.into()),
        );
    } else {
        let names: Vec<&str> = ctx
            .providers
            .iter()
            .filter(|cp| accepts(cp))
            .map(|cp| cp.name.as_str())
            .collect();
        unknown(o, "capacityProvider", "capacity provider", &name, &names, d);
    }
    None
}

/// Which instances: `instanceIds`, `availabilityZone`, `instanceType`, `capacityProvider`,
/// `autoScalingGroup`, then `count` or `fraction` of the matches.
fn read_selector(node: &Node, path: &str, ctx: &TimelineContext<'_>, d: &mut Diagnostics) -> Option<InstanceSelector> {
    let mut o = object(node, path, d)?;
    let (ids, ids_ok) = read_instance_ids(&mut o, d);
    let zone = read_zone(&mut o, ctx.zones, d);
    let (instance_type, type_ok) = read_instance_type(&mut o, ctx, d);
    let provider = read_provider(&mut o, ctx, false, d);
    let group = read_group(&mut o, ctx, d);
    let backed = match (provider, group) {
        (Some(Some(p)), Some(Some(g))) => check_provider_backs_group(&o, ctx, p, g, d),
        _ => true,
    };
    let nodes = super::eks::faults::read_node_filters(&mut o, ctx.eks_nodes, d);
    let ecs_key = ["instanceIds", "capacityProvider", "autoScalingGroup"]
        .into_iter()
        .find(|k| o.has(k));
    let one_world = nodes
        .as_ref()
        .is_none_or(|n| super::eks::faults::check_one_world(&o, ecs_key, n, d));
    let quantity = read_quantity(&mut o, d);
    let loc = o.loc;
    let empty = matches!(&node.value, Value::Map(e) if e.is_empty()) || node.is_null();
    o.finish(d);
    if empty {
        d.error(
            loc,
            path,
            "the selector names no instances",
            Some(
                "give instanceIds, availabilityZone, instanceType, capacityProvider or autoScalingGroup \
                 (EKS: nodegroup, nodePool or nodeNames), and optionally count or fraction"
                    .into(),
            ),
        );
        return None;
    }
    let (zone, provider, group, quantity, nodes) = (zone?, provider?, group?, quantity?, nodes?);
    (ids_ok && type_ok && backed && one_world).then_some(InstanceSelector {
        instance_ids: ids,
        availability_zone: zone,
        instance_type,
        capacity_provider: provider,
        auto_scaling_group: group,
        node_group: nodes.node_group,
        node_pool: nodes.node_pool,
        node_names: nodes.node_names,
        quantity: quantity.unwrap_or(Quantity::All),
    })
}

/// `instanceIds`, as the simulator numbers instances; false when one is not such an id.
fn read_instance_ids(o: &mut Obj<'_>, d: &mut Diagnostics) -> (Vec<String>, bool) {
    let mut ok = true;
    let mut ids = Vec::new();
    for (p, n) in o.list("instanceIds", d) {
        let Some(id) = as_string(n, &p, d) else {
            ok = false;
            continue;
        };
        let well_formed = id.len() == 19 && id.starts_with("i-") && id[2..].bytes().all(|b| b.is_ascii_hexdigit());
        if well_formed {
            ids.push(id.to_ascii_lowercase());
        } else {
            ok = false;
            d.error(
                n.loc,
                &p,
                format!("`{id}` is not an instance id of the simulator"),
                Some("instances are numbered in launch order: i-00000000000000001, i-00000000000000002, ...".into()),
            );
        }
    }
    (ids, ok)
}

/// `instanceType`; false when no Auto Scaling group of the scenario launches it.
fn read_instance_type(o: &mut Obj<'_>, ctx: &TimelineContext<'_>, d: &mut Diagnostics) -> (Option<String>, bool) {
    let instance_type = o.string("instanceType", d);
    let Some(t) = &instance_type else {
        return (instance_type, true);
    };
    let mut types: Vec<&str> = ctx.groups.iter().map(|g| g.instance_type.as_str()).collect();
    types.extend(ctx.eks_nodes.instance_types());
    types.dedup();
    if types.contains(&t.as_str()) {
        return (instance_type, true);
    }
    let launches = if ctx.eks_nodes.any() {
        "no Auto Scaling group, node group or NodePool of the scenario launches"
    } else {
        "no Auto Scaling group of the scenario launches"
    };
    let help = super::diag::closest(t, types.iter().copied())
        .map(|c| format!("did you mean `{c}`?"))
        .or_else(|| Some(format!("the groups launch: {}", types.join(", "))));
    d.error(
        o.key_loc("instanceType"),
        &o.child("instanceType"),
        format!("{launches} `{t}`"),
        help,
    );
    (instance_type, false)
}

/// `autoScalingGroup` by name; `Some(None)` when absent.
fn read_group(o: &mut Obj<'_>, ctx: &TimelineContext<'_>, d: &mut Diagnostics) -> Option<Option<usize>> {
    let Some(name) = o.string("autoScalingGroup", d) else {
        return Some(None);
    };
    match ctx.groups.iter().position(|g| g.name == name) {
        Some(g) => Some(Some(g)),
        None => {
            let names: Vec<&str> = ctx.groups.iter().map(|g| g.name.as_str()).collect();
            unknown(o, "autoScalingGroup", "Auto Scaling group", &name, &names, d);
            None
        }
    }
}

/// Whether capacity provider `p` is the one backed by group `g` (a selector naming both).
fn check_provider_backs_group(
    o: &Obj<'_>,
    ctx: &TimelineContext<'_>,
    p: ProviderIdx,
    g: usize,
    d: &mut Diagnostics,
) -> bool {
    if ctx.providers[p].kind == CapacityProviderKind::AutoScalingGroup(g) {
        return true;
    }
    d.error(
        o.key_loc("autoScalingGroup"),
        &o.child("autoScalingGroup"),
        format!(
            "capacity provider `{}` is not backed by Auto Scaling group `{}`",
            ctx.providers[p].name, ctx.groups[g].name
        ),
        Some("give one of the two".into()),
    );
    false
}

fn read_outage(node: &Node, path: &str, ctx: &TimelineContext<'_>, d: &mut Diagnostics) -> Option<TimelineAction> {
    let mut o = object(node, path, d)?;
    let zone = o.required("availabilityZone", "the zone that goes out", d, |o, d| {
        read_zone(o, ctx.zones, d)
    });
    let duration = o.required_duration("duration", "how long the outage lasts, such as `45m`", d);
    if duration.is_some_and(|v| v.as_millis() == 0) {
        d.error(
            o.key_loc("duration"),
            &o.child("duration"),
            "an outage lasts longer than 0s",
            None,
        );
    }
    o.finish(d);
    Some(TimelineAction::AzOutage {
        availability_zone: zone??,
        duration: duration.filter(|v| v.as_millis() > 0)?,
    })
}

fn read_spot(node: &Node, path: &str, ctx: &TimelineContext<'_>, d: &mut Diagnostics) -> Option<TimelineAction> {
    let mut o = object(node, path, d)?;
    let what = if ctx.eks_nodes.any() {
        "FARGATE_SPOT or the Auto Scaling group capacity provider whose Spot instances are reclaimed \
         (or `nodegroup` / `nodePool` for EKS Spot nodes)"
    } else {
        "FARGATE_SPOT or the Auto Scaling group capacity provider whose Spot instances are reclaimed"
    };
    let provider = match ctx.eks_nodes.any() {
        // Not required by the schema: a burst on EKS nodes names `nodegroup` or `nodePool`.
        true => {
            let provider = read_provider(&mut o, ctx, true, d);
            if !o.has("capacityProvider") {
                o.missing_here("capacityProvider", what, d);
            }
            provider
        }
        false => o.required("capacityProvider", what, d, |o, d| read_provider(o, ctx, true, d)),
    };
    super::eks::faults::check_no_eks_capacity(&mut o, d);
    let quantity = read_quantity(&mut o, d);
    if matches!(quantity, Some(None)) {
        d.error(
            o.loc,
            path,
            "missing `count` or `fraction`: how many Spot tasks or instances are interrupted",
            None,
        );
    }
    let service_loc = o.key_loc("service");
    let service_name = o.string("service", d);
    let mut service = Some(None);
    if let Some(name) = service_name {
        service = match ctx.services.iter().position(|s| s.name == name) {
            Some(i) => {
                let on_spot = provider.flatten().is_some_and(|p| {
                    ctx.providers[p.index()].kind == CapacityProviderKind::FargateSpot
                        && ctx.services[i].strategy.iter().any(|it| it.provider == p)
                });
                // A service whose strategy failed to read (`capacityProvide:`) may be on Spot.
                let service_unread = d.failed_under("ecs.services");
                if provider.flatten().is_some() && !on_spot && !service_unread {
                    d.error(
                        service_loc,
                        &o.child("service"),
                        format!("service `{name}` runs no FARGATE_SPOT tasks"),
                        Some("`service` narrows a FARGATE_SPOT burst to one service's tasks".into()),
                    );
                    None
                } else {
                    Some(Some(ServiceIdx(i)))
                }
            }
            None if d.unread.covers(Declared::Service, &name) => None,
            None => {
                let names: Vec<&str> = ctx.services.iter().map(|s| s.name.as_str()).collect();
                unknown(&o, "service", "service", &name, &names, d);
                None
            }
        };
    }
    o.finish(d);
    Some(TimelineAction::SpotInterruption(SpotInterruptionSpec {
        capacity_provider: provider??,
        service: service?,
        quantity: quantity??,
    }))
}

/// `updateTaskProtection: {service, count, protectionEnabled, expiresInMinutes}` (reference 8.6).
fn read_task_protection(
    node: &Node,
    path: &str,
    ctx: &TimelineContext<'_>,
    d: &mut Diagnostics,
) -> Option<TimelineAction> {
    let mut o = object(node, path, d)?;
    let name = o.required_string("service", "the service name", d);
    let count = o.required_int(
        "count",
        1,
        100_000,
        "how many RUNNING tasks of the service (the oldest first)",
        d,
    );
    let enabled = o.required_boolean(
        "protectionEnabled",
        "true to protect the tasks, false to remove the protection",
        d,
    );
    let minutes = o.int("expiresInMinutes", 1, 2880, d);
    let minutes_bad = o.field("expiresInMinutes").is_some() && minutes.is_none();
    let mut service = None;
    if let Some(name) = &name {
        match ctx.services.iter().position(|s| s.name == *name) {
            Some(i) => service = Some(ServiceIdx(i)),
            None if d.unread.covers(Declared::Service, name) => {}
            None => {
                let names: Vec<&str> = ctx.services.iter().map(|s| s.name.as_str()).collect();
                unknown(&o, "service", "service", name, &names, d);
            }
        }
    }
    o.finish(d);
    if minutes_bad {
        return None;
    }
    Some(TimelineAction::UpdateTaskProtection {
        service: service?,
        count: count? as u32,
        protection_enabled: enabled?,
        expires_in: crate::sim::SimDuration::from_mins(minutes.unwrap_or(120) as u64),
    })
}
