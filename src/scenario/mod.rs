//! The scenario file format: YAML or JSON with AWS API field names, read into a validated `Spec`.
//!
//! Reading never stops at the first problem: every error is collected with its file, line,
//! column, field path and a suggestion, and AWS fields the simulator does not model are listed as
//! ignored. Files the scenario names (task definitions, replay CSVs) come through a
//! `SourceLoader`, so this layer never touches the filesystem itself.

mod account_settings;
mod alb_metric;
mod arrivals;
mod attributes;
mod auto_scaling_group_policies;
mod auto_scaling_groups;
mod autoscaling;
mod behavior;
pub mod charts;
mod container_order;
mod customized_metric;
mod deployment_configuration;
mod deployment_failures;
pub mod diag;
mod eks;
mod event_bridge;
mod event_patterns;
mod events;
mod infrastructure;
mod load;
mod load_balancing;
pub mod names;
mod overrides;
pub use crate::spec::split_assignment;
mod daemon;
mod placement;
pub mod provenance;
mod reader;
mod revision_models;
mod run_task;
mod run_task_target;
pub mod schema;
mod service_model;
mod services;
mod sweep;
mod taskdef;
mod time_zone;
pub mod yaml;

use chrono::{DateTime, Utc};

use self::diag::{Diagnostics, Sources};
use self::reader::{Obj, as_list, as_string, object};
use self::yaml::{Loc, Node};
use crate::sim::SimDuration;
use crate::spec::{
    AutoScalingGroupSpec, AutoScalingSpec, Behavior, CapacityProviderSpec, InstanceAttributeSpec, RunTaskRequest,
    ServiceSpec, Spec, StrategyItem, TargetGroupSpec, TaskDefinitionSpec, TimelineEvent,
};
use crate::workload::DEFAULT_START_EPOCH_MS;

pub use self::sweep::{SweepBlock, SweepVary};

/// Reads files a scenario refers to, relative to the scenario's directory.
pub trait SourceLoader {
    /// Reads `relative`; returns its display name and its text, or why it could not be read.
    fn read_relative(&self, relative: &str) -> Result<(String, String), String>;
}

/// An `expect:` line kept for evaluation after the run.
#[derive(Clone, Debug, PartialEq)]
pub struct Expectation {
    /// The expression as written.
    pub text: String,
    /// Where it is.
    pub loc: Loc,
}

/// A scenario read and validated.
#[derive(Debug)]
pub struct LoadedScenario {
    /// What to simulate.
    pub spec: Spec,
    /// The `expect:` lines.
    pub expectations: Vec<Expectation>,
    /// Every file read, for messages.
    pub sources: Sources,
    /// The `sweep` block: settings of `ecsim sweep`, if the scenario has them.
    pub sweep: Option<SweepBlock>,
    /// The `charts` block.
    pub charts: charts::ChartSettings,
    /// The file's hash, the overrides applied and the header comment, for `summary.json`.
    pub provenance: crate::trace::summary::Provenance,
}

impl LoadedScenario {
    /// `file:line:column` of `loc`, for messages about what the scenario says.
    pub fn locate(&self, loc: Loc) -> String {
        format!("{}:{}:{}", self.sources.name(loc.file), loc.line, loc.col)
    }
}

/// Everything wrong with a scenario, rendered for a person.
#[derive(Debug, thiserror::Error)]
#[error("{rendered}")]
pub struct ScenarioError {
    /// The rendered diagnostics.
    pub rendered: String,
}

/// Reads the scenario `text` (shown as `name` in messages), applying `overrides` first.
pub fn load(
    name: &str,
    text: &str,
    loader: &dyn SourceLoader,
    overrides: &[(String, String)],
) -> Result<LoadedScenario, ScenarioError> {
    let mut sources = Sources::default();
    let file = sources.add(name, text);
    let mut d = Diagnostics::default();
    let mut tree = match yaml::parse(text, file) {
        Ok(t) => t,
        Err(e) => {
            let help = yaml::unclosed_bracket_help(text, e.loc);
            d.error(e.loc, "", format!("invalid YAML: {}", e.message), help);
            return Err(fail(&d, &sources));
        }
    };
    overrides::apply_overrides(&mut tree, overrides, &mut sources, &mut d);
    let stem = name
        .rsplit('/')
        .next()
        .unwrap_or(name)
        .split('.')
        .next()
        .unwrap_or(name)
        .to_string();
    let result = read_top(&tree, &stem, loader, &mut sources, &mut d);
    if d.has_errors() {
        return Err(fail(&d, &sources));
    }
    let (mut spec, expectations, sweep, charts) = result.expect("no errors means a spec");
    let mut seen = std::collections::BTreeSet::new();
    spec.ignored_fields = d
        .ignored
        .iter()
        .filter(|(p, _)| seen.insert(p.clone()))
        .map(|(p, _)| p.clone())
        .collect();
    spec.not_yet_simulated = d.not_yet_simulated.clone();
    Ok(LoadedScenario {
        spec,
        expectations,
        sources,
        sweep,
        charts,
        provenance: provenance::provenance(text, overrides),
    })
}

fn fail(d: &Diagnostics, sources: &Sources) -> ScenarioError {
    ScenarioError {
        rendered: d.render(sources),
    }
}

fn read_top(
    tree: &Node,
    stem: &str,
    loader: &dyn SourceLoader,
    sources: &mut Sources,
    d: &mut Diagnostics,
) -> Option<(Spec, Vec<Expectation>, Option<SweepBlock>, charts::ChartSettings)> {
    d.unread.find_misspelt_blocks(tree);
    let mut o = object(tree, "", d)?;
    let run = read_run_settings(&mut o, stem, d);
    let zones = read_zones(&mut o, d);
    let groups = auto_scaling_groups::read_auto_scaling_groups(o.field("ec2AutoScaling"), &zones, d);
    let mut ecs = read_ecs(&mut o, &groups, loader, sources, d);
    let (mut eks, pending_bindings) = eks::read_eks(o.field("eks"), &zones, d);
    let load_balanced = load_balanced_task_definitions(&ecs.services, &ecs.task_definitions);
    let deployment_names: Vec<String> = eks.deployments.iter().map(|x| x.name.clone()).collect();
    let (behavior_node, deployment_behaviors) = eks::serving::split_behavior(o.field("behavior"), &deployment_names, d);
    let behavior = behavior::read_behavior(behavior_node.as_ref(), &ecs.task_definitions, &load_balanced, d);
    eks::serving::apply_behaviors(&deployment_behaviors, &mut eks, d);
    let rule_names = rule_names(tree);
    let window = load::RunWindow {
        duration_ms: run.duration.map(|v| v.as_millis()),
        load_step_ms: behavior.load_step.as_millis(),
        start_epoch_ms: run.start,
    };
    load::read_load(
        o.field("load"),
        &rule_names,
        &mut ecs.services,
        &mut eks.deployments,
        &window,
        loader,
        sources,
        d,
    );
    load::check_worker_behavior(o.field("load"), &ecs.services, &ecs.task_definitions, &behavior, d);
    eks::bind_metrics(&mut eks, &pending_bindings, d);
    load::check_request_mode(
        o.field("load"),
        &ecs.services,
        &ecs.task_definitions,
        &ecs.target_groups,
        &behavior,
        &window,
        d,
    );
    let timeline_context = events::TimelineContext {
        services: &ecs.services,
        providers: &ecs.providers,
        groups: &groups,
        zones: &zones,
        task_definitions: &ecs.task_definitions,
        default_strategy: ecs.default_strategy.as_deref(),
        deployments: &eks.deployments,
        eks_nodes: eks::faults::EksNodes {
            node_groups: &eks.node_groups,
            node_pools: &eks.node_pools,
        },
    };
    let duration_ms = run.duration.map(|v| v.as_millis());
    let events = events::read_events(o.field("events"), &timeline_context, duration_ms, d);
    let timeline = events.timeline;
    for (deployment, revision) in events.new_revisions {
        eks.deployments[deployment].revisions.push(revision);
    }
    revision_models::check_revision_models(
        o.field("load"),
        &ecs.services,
        &ecs.task_definitions,
        &behavior,
        &timeline,
        d,
    );
    let mut auto_scaling = autoscaling::read_auto_scaling(
        o.field("applicationAutoScaling"),
        o.field("cloudWatch"),
        &autoscaling::Context::new(&ecs.cluster_name, &ecs.services, &ecs.target_groups, &behavior)
            .with_groups(&groups),
        d,
    );
    autoscaling::predictive_behavior::read_predictive_behavior(
        behavior_node.as_ref().and_then(|b| b.get("predictiveScaling")),
        &mut auto_scaling,
        loader,
        sources,
        d,
    );
    deployment_failures::resolve_deployment_alarms(ecs.services_node, &mut ecs.services, &auto_scaling.alarms, d);
    let event_bridge_context = event_bridge::Context {
        task_definitions: &ecs.task_definitions,
        providers: &ecs.providers,
        default_strategy: ecs.default_strategy.as_deref(),
        cluster_name: &ecs.cluster_name,
    };
    let mut rule_loads = event_patterns::LoadSource {
        node: o.field("load"),
        start_epoch_ms: run.start,
        loader,
        sources,
    };
    let event_bridge_node = o.field("eventBridge");
    let event_bridge_loc = event_bridge_node.map(|n| n.loc);
    let event_bridge = event_bridge::read_event_bridge(event_bridge_node, &event_bridge_context, &mut rule_loads, d);
    let expectations = read_expectations(&mut o, d);
    let sweep = sweep::read_sweep(o.field("sweep"), d);
    // `charts.compare` may name ECS services and EKS Deployments alike.
    let service_names: Vec<String> = ecs
        .services
        .iter()
        .map(|s| s.name.clone())
        .chain(eks.deployments.iter().map(|d| d.name.clone()))
        .collect();
    let charts = charts::read_charts(
        o.field("charts"),
        duration_ms.map(SimDuration::from_millis),
        &service_names,
        d,
    );
    let root_loc = o.loc;
    o.finish(d);
    // After the top level's own keys are checked: a misspelt `events:` is the mistake to fix,
    // not the standalone tasks it would have run.
    let has_pods = !eks.deployments.is_empty();
    check_something_to_simulate(root_loc, &ecs, has_pods, &events.run_tasks, &event_bridge, d);
    let mut spec = assemble_spec(
        run,
        zones,
        groups,
        ecs,
        behavior,
        auto_scaling,
        (timeline, events.run_tasks),
    )?;
    spec.event_bridge = event_bridge;
    spec.eks = eks;
    add_event_bridge_requests(&mut spec, event_bridge_loc, d);
    Some((spec, expectations, sweep, charts))
}

/// The names of `eventBridge.rules`, read before `load` so that `load.<rule>` is not taken for
/// a service (also under a misspelt `eventBridge` or `rules`, whose own error is the one to fix).
fn rule_names(root: &Node) -> Vec<String> {
    let rules = reader::field_or_misspelt(root, "eventBridge").and_then(|n| reader::field_or_misspelt(n, "rules"));
    match rules.map(|n| &n.value) {
        Some(yaml::Value::Seq(rules)) => rules.iter().filter_map(|r| reader::declared_name(r, "Name")).collect(),
        _ => Vec::new(),
    }
}

/// Adds the RunTask calls of the `eventBridge` section to the run's, in time order (a stable
/// sort keeps `runTask` events first among calls at the same instant); more than
/// `MAX_TRIGGERED_RUN_TASKS` is an error at the section.
fn add_event_bridge_requests(spec: &mut Spec, loc: Option<Loc>, d: &mut Diagnostics) {
    if spec.event_bridge.is_empty() {
        return;
    }
    match spec.event_bridge_requests() {
        Ok(requests) => {
            spec.run_tasks.extend(requests);
            spec.run_tasks.sort_by_key(|r| r.at);
        }
        Err(too_many) => d.error(
            loc.unwrap_or_default(),
            "eventBridge",
            format!(
                "the schedules and rules make more than {} RunTask calls in this run (the next at {}): each is kept as a job",
                crate::spec::event_bridge::MAX_TRIGGERED_RUN_TASKS,
                too_many.at
            ),
            Some("shorten duration, lower the rules' eventsPerSecond, or make the schedules fire less often".into()),
        ),
    }
}

/// The spec of everything read; `None` without a valid duration (its error is reported).
fn assemble_spec(
    run: RunSettings,
    zones: Vec<String>,
    groups: Vec<AutoScalingGroupSpec>,
    ecs: EcsBlock<'_>,
    behavior: Behavior,
    auto_scaling: AutoScalingSpec,
    (timeline, run_tasks): (Vec<TimelineEvent>, Vec<RunTaskRequest>),
) -> Option<Spec> {
    Some(Spec {
        name: run.name,
        description: run.description,
        seed: run.seed,
        start_epoch_ms: run.start,
        duration: run.duration?,
        trace_interval: run.trace_interval,
        availability_zones: zones,
        auto_scaling_groups: groups,
        capacity_providers: ecs.providers,
        cluster_name: ecs.cluster_name,
        target_groups: ecs.target_groups,
        task_definitions: ecs.task_definitions,
        services: ecs.services,
        behavior,
        auto_scaling,
        instance_attributes: ecs.instance_attributes,
        awsvpc_trunking: ecs.awsvpc_trunking,
        timeline,
        run_tasks,
        ignored_fields: Vec::new(),
        not_yet_simulated: Vec::new(),
        event_bridge: Default::default(),
        eks: Default::default(),
    })
}

/// The top-level settings of a run: name, seed, start, duration, trace interval.
struct RunSettings {
    name: String,
    description: String,
    seed: u64,
    start: i64,
    duration: Option<SimDuration>,
    trace_interval: SimDuration,
}

fn read_run_settings(o: &mut Obj<'_>, stem: &str, d: &mut Diagnostics) -> RunSettings {
    RunSettings {
        name: o.string("name", d).unwrap_or_else(|| stem.to_string()),
        description: o.string("description", d).unwrap_or_default(),
        seed: o.int("seed", 0, i64::MAX, d).unwrap_or(1) as u64,
        start: read_start(o, d),
        duration: read_duration(o, d),
        trace_interval: read_trace_interval(o, d),
    }
}

/// The longest `duration`: 1,000 years (365000d). Far beyond what the resource budget lets run
/// by default, and far below where millisecond times and calendar dates would overflow (the
/// largest duration the format can write is 584 million years).
pub const MAX_DURATION: SimDuration = SimDuration::from_secs(365_000 * 86_400);

/// `duration`: required, at least 1 s, at most `MAX_DURATION`.
fn read_duration(o: &mut Obj<'_>, d: &mut Diagnostics) -> Option<SimDuration> {
    let what = "how long to simulate, e.g. `2d` or `6h`";
    o.required_duration("duration", what, d).filter(|v| {
        let positive = v.as_millis() >= 1000;
        if !positive {
            d.error(
                o.key_loc("duration"),
                "duration",
                "duration must be at least 1s",
                Some("e.g. `6h` or `2d`".into()),
            );
        }
        let bounded = *v <= MAX_DURATION;
        if !bounded {
            d.error(
                o.key_loc("duration"),
                "duration",
                format!("duration {v} is longer than the 365000d (1,000 years) a scenario may simulate"),
                Some("simulate the days that matter, e.g. `30d`".into()),
            );
        }
        positive && bounded
    })
}

/// `traceInterval`: 60 s unless given, at least 1 s.
fn read_trace_interval(o: &mut Obj<'_>, d: &mut Diagnostics) -> SimDuration {
    let trace_interval = o.duration("traceInterval", d).unwrap_or(SimDuration::from_secs(60));
    if trace_interval.as_millis() < 1000 {
        d.error(
            o.key_loc("traceInterval"),
            "traceInterval",
            "traceInterval must be at least 1s",
            None,
        );
    }
    trace_interval
}

/// What the `ecs` block (with `elasticLoadBalancing`) defines.
struct EcsBlock<'n> {
    providers: Vec<CapacityProviderSpec>,
    cluster_name: String,
    task_definitions: Vec<TaskDefinitionSpec>,
    target_groups: Vec<TargetGroupSpec>,
    services: Vec<ServiceSpec>,
    /// `ecs.services` as written, for the names of services that failed to read.
    services_node: Option<&'n Node>,
    instance_attributes: Vec<InstanceAttributeSpec>,
    awsvpc_trunking: bool,
    /// The cluster's default capacity provider strategy, resolved.
    default_strategy: Option<Vec<StrategyItem>>,
}

/// A scenario simulates services, standalone tasks, EKS Deployments, or several: with none there
/// is nothing to run.
fn check_something_to_simulate(
    root_loc: Loc,
    ecs: &EcsBlock<'_>,
    has_pods: bool,
    run_tasks: &[RunTaskRequest],
    event_bridge: &crate::spec::EventBridgeSpec,
    d: &mut Diagnostics,
) {
    let no_jobs = run_tasks.is_empty() && event_bridge.is_empty();
    if ecs.services.is_empty() && no_jobs && !has_pods && !d.has_errors() && d.unread.is_empty() {
        d.error(
            root_loc,
            "ecs.services",
            "the scenario defines no service to simulate and no task to run",
            Some(
                "add ecs.services with at least one service, a `runTask` event or an eventBridge schedule or rule"
                    .into(),
            ),
        );
    }
}

/// Reads `ecs` (capacity providers, cluster, task definitions, services, attributes, account
/// settings) and `elasticLoadBalancing`, whose target groups the services name.
fn read_ecs<'n>(
    o: &mut Obj<'n>,
    groups: &[AutoScalingGroupSpec],
    loader: &dyn SourceLoader,
    sources: &mut Sources,
    d: &mut Diagnostics,
) -> EcsBlock<'n> {
    let mut ecs = o.field("ecs").and_then(|n| object(n, "ecs", d));
    let mut providers = infrastructure::read_capacity_providers(ecs_field(&mut ecs, "capacityProviders"), groups, d);
    let cluster = infrastructure::read_cluster(ecs_field(&mut ecs, "cluster"), &providers, d);
    let services_node = ecs_field(&mut ecs, "services");
    let event_bridge_fargate = event_bridge::uses_fargate_launch_type(o.field("eventBridge"));
    if cluster.fargate || services_node.is_some_and(uses_fargate_launch_type) || event_bridge_fargate {
        providers.push(CapacityProviderSpec::fargate());
    }
    if cluster.fargate_spot {
        providers.push(CapacityProviderSpec::fargate_spot());
    }
    let task_definitions = read_task_definitions(ecs_field(&mut ecs, "taskDefinitions"), loader, sources, d);
    let default_strategy = resolve_default_strategy(&cluster, &providers, d);
    let target_groups = load_balancing::read_target_groups(o.field("elasticLoadBalancing"), d);
    let services = services::read_services(
        services_node,
        &task_definitions,
        &providers,
        default_strategy.as_deref(),
        &target_groups,
        d,
    );
    let instance_attributes = attributes::read_instance_attributes(ecs_field(&mut ecs, "attributes"), groups, d);
    let awsvpc_trunking = account_settings::read_awsvpc_trunking(ecs_field(&mut ecs, "accountSettings"), d);
    if awsvpc_trunking {
        account_settings::note_types_without_trunking(groups, d);
    }
    if let Some(e) = ecs {
        e.finish(d);
    }
    EcsBlock {
        default_strategy,
        providers,
        cluster_name: cluster.name,
        task_definitions,
        target_groups,
        services,
        services_node,
        instance_attributes,
        awsvpc_trunking,
    }
}

/// The cluster's `defaultCapacityProviderStrategy` resolved to providers, if it has one.
fn resolve_default_strategy(
    cluster: &infrastructure::Cluster,
    providers: &[CapacityProviderSpec],
    d: &mut Diagnostics,
) -> Option<Vec<StrategyItem>> {
    if cluster.default_strategy.is_empty() {
        return None;
    }
    infrastructure::resolve_strategy(
        &cluster.default_strategy,
        providers,
        "ecs.cluster.defaultCapacityProviderStrategy",
        d,
    )
}

/// The task definitions registered with a target group: services deploy other revisions of
/// their task definition's family too.
fn load_balanced_task_definitions(services: &[ServiceSpec], task_definitions: &[TaskDefinitionSpec]) -> Vec<usize> {
    (0..task_definitions.len())
        .filter(|t| {
            services.iter().any(|s| {
                !s.target_groups.is_empty() && task_definitions[s.task_definition].family == task_definitions[*t].family
            })
        })
        .collect()
}

fn ecs_field<'n>(ecs: &mut Option<Obj<'n>>, name: &'static str) -> Option<&'n Node> {
    ecs.as_mut().and_then(|e| e.field(name))
}

fn uses_fargate_launch_type(services: &Node) -> bool {
    match &services.value {
        yaml::Value::Seq(items) => items.iter().any(|s| {
            s.get("launchType")
                .is_some_and(|n| matches!(&n.value, yaml::Value::Scalar { text, .. } if text == "FARGATE"))
        }),
        _ => false,
    }
}

fn read_start(o: &mut Obj<'_>, d: &mut Diagnostics) -> i64 {
    let Some(text) = o.string("start", d) else {
        return DEFAULT_START_EPOCH_MS;
    };
    match DateTime::parse_from_rfc3339(&text) {
        Ok(t) => t.with_timezone(&Utc).timestamp_millis(),
        Err(_) => {
            d.error(
                o.key_loc("start"),
                "start",
                format!("expected an RFC 3339 time such as 2026-03-02T00:00:00Z, found `{text}`"),
                None,
            );
            DEFAULT_START_EPOCH_MS
        }
    }
}

fn read_zones(o: &mut Obj<'_>, d: &mut Diagnostics) -> Vec<String> {
    let items = o.list("availabilityZones", d);
    let zones: Vec<String> = items.iter().filter_map(|(p, n)| as_string(n, p, d)).collect();
    if zones.is_empty() {
        return vec!["us-east-1a".into(), "us-east-1b".into(), "us-east-1c".into()];
    }
    for (i, z) in zones.iter().enumerate() {
        if zones[..i].contains(z) {
            d.error(
                items[i].1.loc,
                &items[i].0,
                format!("Availability Zone `{z}` is listed twice"),
                None,
            );
        }
    }
    zones
}

fn read_task_definitions(
    node: Option<&Node>,
    loader: &dyn SourceLoader,
    sources: &mut Sources,
    d: &mut Diagnostics,
) -> Vec<TaskDefinitionSpec> {
    let Some(node) = node else { return Vec::new() };
    let mut out: Vec<TaskDefinitionSpec> = Vec::new();
    for (path, n) in as_list(node, "ecs.taskDefinitions", d) {
        let parsed = match n.get("file") {
            Some(file_node) => read_task_definition_file(n, file_node, &path, loader, sources, d),
            None => taskdef::read_task_definition(n, &path, d),
        };
        let Some(mut parsed) = parsed else {
            // A file that cannot be read may hold any family: no reference is reported then.
            let family = n
                .get("file")
                .map_or_else(|| reader::declared_name(n, "family"), |_| None);
            d.unread.add(diag::Declared::TaskDefinitionFamily, family.as_deref());
            continue;
        };
        let family = parsed.spec.family.clone();
        if parsed.spec.revision == 0 {
            parsed.spec.revision = out
                .iter()
                .filter(|t| t.family == family)
                .map(|t| t.revision)
                .max()
                .unwrap_or(0)
                + 1;
        }
        if out
            .iter()
            .any(|t| t.family == family && t.revision == parsed.spec.revision)
        {
            d.error(
                parsed.loc,
                &parsed.path,
                format!("task definition {} is defined twice", parsed.spec.arn_suffix()),
                None,
            );
            continue;
        }
        out.push(parsed.spec);
    }
    out
}

fn read_task_definition_file(
    n: &Node,
    file_node: &Node,
    path: &str,
    loader: &dyn SourceLoader,
    sources: &mut Sources,
    d: &mut Diagnostics,
) -> Option<taskdef::ParsedTaskDefinition> {
    let mut o = object(n, path, d)?;
    let file = as_string(file_node, &format!("{path}.file"), d);
    o.field("file");
    o.finish(d);
    let file = file?;
    let (display, text) = match loader.read_relative(&file) {
        Ok(v) => v,
        Err(e) => {
            d.error(
                file_node.loc,
                &format!("{path}.file"),
                format!("cannot read `{file}`: {e}"),
                None,
            );
            return None;
        }
    };
    let index = sources.add(display, text);
    let tree = match yaml::parse(sources.text(index), index) {
        Ok(t) => t,
        Err(e) => {
            let help = yaml::unclosed_bracket_help(sources.text(index), e.loc);
            d.error(e.loc, path, format!("invalid JSON or YAML: {}", e.message), help);
            return None;
        }
    };
    // `aws ecs describe-task-definition` wraps the definition: {"taskDefinition": {...}, "tags": [...]}.
    match tree.get("taskDefinition") {
        Some(inner) => {
            if let Some(mut wrapper) = object(&tree, path, d) {
                wrapper.field("taskDefinition");
                wrapper.ignore(&["tags"]);
                wrapper.finish(d);
            }
            taskdef::read_task_definition(inner, path, d)
        }
        None => taskdef::read_task_definition(&tree, path, d),
    }
}

fn read_expectations(o: &mut Obj<'_>, d: &mut Diagnostics) -> Vec<Expectation> {
    o.list("expect", d)
        .into_iter()
        .filter_map(|(p, n)| as_string(n, &p, d).map(|text| Expectation { text, loc: n.loc }))
        .collect()
}
