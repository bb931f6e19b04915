//! `load`: demand per service as a sum of shapes with noise (`constant`, `ramp`, `step`, ...):
//! requests per second, or messages per second for a service that consumes a queue.

use super::SourceLoader;
use super::arrivals::read_arrivals;
use super::diag::{BEHAVIOR_TASK_DEFINITIONS, Declared, Diagnostics, Sources};
use super::reader::{Obj, as_number, object};
use super::yaml::{Node, Value};
use crate::spec::eks::DeploymentSpec;
use crate::spec::{
    Behavior, LoadBalancingAlgorithm, RequestMode, ServiceSpec, TargetGroupSpec, TaskDefinitionSpec, WorkerQueue,
};
use crate::workload::{Interpolation, LoadProfile, LoadShape, Noise, ReplaySeries, SpikeEffect, parse_replay_csv};

/// The values of `load.<service>.model` (issue 14): the per-interval estimate, or every request.
const MODELS: &[&str] = &["estimate", "requests"];
const SHAPES: &[&str] = &["constant", "ramp", "step", "diurnal", "weekly", "spike", "replay"];
/// What a shape's rate fields are, in "missing required field" messages.
const RPS: &str = "requests per second";

#[path = "load_deployment.rs"]
mod deployment_load;

/// What reading a shape needs besides its node: the run's start and the files `replay` reads.
struct ShapeContext<'a> {
    start_epoch_ms: i64,
    loader: &'a dyn SourceLoader,
    sources: &'a mut Sources,
}

/// Reads `load` and attaches each profile to its service or EKS Deployment. Entries named after
/// an event rule (`rule_names`) are the rule's arrivals, read by [`read_rule_load`].
#[allow(clippy::too_many_arguments)]
pub fn read_load(
    node: Option<&Node>,
    rule_names: &[String],
    services: &mut [ServiceSpec],
    deployments: &mut [DeploymentSpec],
    window: &RunWindow,
    loader: &dyn SourceLoader,
    sources: &mut Sources,
    d: &mut Diagnostics,
) {
    let Some(node) = node else { return };
    let Value::Map(entries) = &node.value else {
        if !node.is_null() {
            d.error(
                node.loc,
                "load",
                format!(
                    "expected a mapping from service name to its load, found {}",
                    node.kind_words()
                ),
                None,
            );
        }
        return;
    };
    let mut ctx = ShapeContext {
        start_epoch_ms: window.start_epoch_ms,
        loader,
        sources,
    };
    let mut by_name = std::collections::BTreeMap::new();
    for (i, s) in services.iter().enumerate() {
        by_name.entry(s.name.clone()).or_insert(i);
    }
    for (key, value) in entries {
        let path = format!("load.{}", key.name);
        if let Some(dep) = deployments.iter().position(|x| x.name == key.name) {
            if by_name.contains_key(&key.name) {
                d.error(
                    key.loc,
                    &path,
                    format!("`{}` names both an ECS service and an EKS Deployment", key.name),
                    Some("rename one of them: load, behavior and expect: refer to both by name".into()),
                );
                continue;
            }
            if let Some(o) = object(value, &path, d) {
                deployment_load::read_deployment_load(o, dep, deployments, services, &mut ctx, d);
            }
            continue;
        }
        let Some(&index) = by_name.get(&key.name) else {
            let unread = |kind| d.unread.covers(kind, &key.name);
            if rule_names.contains(&key.name) || unread(Declared::Service) || unread(Declared::Deployment) {
                // The service itself has an error, reported where it is defined.
                continue;
            }
            let names = services.iter().map(|s| s.name.as_str());
            let names = names.chain(deployments.iter().map(|x| x.name.as_str()));
            let names: Vec<&str> = names.chain(rule_names.iter().map(String::as_str)).collect();
            let help = super::diag::closest(&key.name, names.iter().copied()).map(|c| format!("did you mean `{c}`?"));
            let what = match (rule_names.is_empty(), deployments.is_empty()) {
                (true, true) => "service",
                (false, true) => "service or event rule",
                (true, false) => "service or Deployment",
                (false, false) => "service, Deployment or event rule",
            };
            d.error(key.loc, &path, format!("no {what} named `{}`", key.name), help);
            continue;
        };
        if let Some(o) = object(value, &path, d) {
            read_service_load(o, index, services, window, &mut ctx, d);
            deployment_load::check_queue_not_consumed(value, &services[index], deployments, d);
        }
    }
}

/// The load of service `index`: requests per second, or messages per second of the queue it
/// consumes (named after the service unless `queueName` says otherwise).
fn read_service_load(
    mut o: Obj<'_>,
    index: usize,
    services: &mut [ServiceSpec],
    window: &RunWindow,
    ctx: &mut ShapeContext<'_>,
    d: &mut Diagnostics,
) {
    // A service serves requests or, as a queue worker, consumes messages: one list of shapes.
    let worker = o.field("messagesPerSecond").is_some();
    if worker && o.field("requestsPerSecond").is_some() {
        d.error(
            o.key_loc("messagesPerSecond"),
            &o.child("messagesPerSecond"),
            "a service either serves requests or consumes a queue, not both",
            Some("keep requestsPerSecond or messagesPerSecond; put the other on its own service".into()),
        );
    }
    let list = if worker {
        "messagesPerSecond"
    } else {
        "requestsPerSecond"
    };
    // Replayed arrivals are the demand of a service in exact mode: no shapes, no noise.
    let arrivals_path = o.child("arrivals");
    let arrivals_loc = o.key_loc("arrivals");
    let replayed = o.field("arrivals");
    let items = match replayed {
        Some(_) => o.list(list, d),
        None => o.required_list(list, "a list of shapes such as `- constant: 300`", d),
    };
    if replayed.is_some() && (o.has(list) || o.has("noise")) {
        let (key, what) = if o.has(list) {
            (list, "the shapes")
        } else {
            ("noise", "noise")
        };
        d.error(
            o.key_loc(key),
            &o.child(key),
            format!("replayed arrivals are the service's demand; {what} would be ignored"),
            Some(format!(
                "remove {key}, or remove arrivals to draw Poisson arrivals from the shapes"
            )),
        );
    }
    let mut shapes = Vec::new();
    for (p, n) in items {
        if let Some(shape) = read_shape(n, &p, ctx, d) {
            shapes.push(shape);
        }
    }
    let noise = read_noise(&mut o, d);
    let queue_name_path = o.child("queueName");
    let queue_name = o.string("queueName", d);
    if !worker && queue_name.is_some() {
        d.error(
            o.key_loc("queueName"),
            &queue_name_path,
            "queueName belongs to a queue worker, whose load is messagesPerSecond",
            Some("write the load as messagesPerSecond, or remove queueName".into()),
        );
    }
    let queue_loc = o.key_loc("queueName");
    let model_path = o.child("model");
    let model = o.one_of("model", MODELS, d);
    if worker && model.is_some() {
        d.error(
            o.key_loc("model"),
            &model_path,
            "model belongs to a service that serves requests; a queue worker's messages are not requests",
            Some("remove model, or write the load as requestsPerSecond".into()),
        );
    }
    if model == Some("requests") {
        services[index].request_mode = RequestMode::Requests;
    }
    o.finish(d);
    if let Some(node) = replayed {
        if worker || model != Some("requests") {
            let help = if worker {
                "a queue worker's messages are not requests: write its load as messagesPerSecond shapes"
            } else {
                "add `model: requests` beside arrivals"
            };
            d.error(
                arrivals_loc,
                &arrivals_path,
                "arrivals are replayed one request at a time, which only the exact mode (`model: requests`) does",
                Some(help.into()),
            );
        } else if let Some(r) = read_arrivals(node, &arrivals_path, window, ctx.loader, ctx.sources, d) {
            services[index].replayed_arrivals = Some(r.times_ms);
            shapes = vec![r.demand];
        }
    }
    if worker {
        // The queue is named after the service unless the scenario names it.
        let name = queue_name.unwrap_or_else(|| services[index].name.clone());
        if let Some(other) = services
            .iter()
            .find(|s| s.queue.as_ref().is_some_and(|q| q.name == name))
        {
            d.error(
                queue_loc,
                &queue_name_path,
                format!("queue `{name}` is already consumed by service `{}`", other.name),
                Some("each queue has one consuming service; give this one its own queueName".into()),
            );
        }
        services[index].queue = Some(WorkerQueue { name });
    }
    services[index].load = Some(LoadProfile { shapes, noise });
}

/// `load.<rule>` of an event rule: `eventsPerSecond` shapes, `noise`, and the node of `event`
/// (the synthetic event each arrival carries), if written.
pub fn read_rule_load<'n>(
    node: &'n Node,
    path: &str,
    start_epoch_ms: i64,
    loader: &dyn SourceLoader,
    sources: &mut Sources,
    d: &mut Diagnostics,
) -> Option<(LoadProfile, Option<&'n Node>)> {
    let mut o = object(node, path, d)?;
    let mut ctx = ShapeContext {
        start_epoch_ms,
        loader,
        sources,
    };
    let mut shapes = Vec::new();
    let items = o.required_list("eventsPerSecond", "a list of shapes such as `- constant: 0.5`", d);
    let count = items.len();
    for (p, n) in items {
        if let Some(shape) = read_shape(n, &p, &mut ctx, d) {
            shapes.push(shape);
        }
    }
    let noise = read_noise(&mut o, d);
    let event = o.field("event");
    o.finish(d);
    (shapes.len() == count).then_some((LoadProfile { shapes, noise }, event))
}

/// Every queue worker needs `behavior.taskDefinitions.<family>.messagesPerSecondPerTask`: how
/// fast its tasks process messages has no default.
pub fn check_worker_behavior(
    node: Option<&Node>,
    services: &[ServiceSpec],
    task_definitions: &[TaskDefinitionSpec],
    behavior: &Behavior,
    d: &mut Diagnostics,
) {
    for s in services.iter().filter(|s| s.queue.is_some()) {
        let tb = &behavior.task_definitions[s.task_definition];
        if let (Some(_), Some(entry)) = (&tb.service_model, node.and_then(|n| n.get(&s.name))) {
            let family = &task_definitions[s.task_definition].family;
            d.error(
                entry.loc,
                &format!("load.{}", s.name),
                format!(
                    "service `{}` consumes a queue, but its task definition `{family}` has a serviceTime, which models requests",
                    s.name
                ),
                Some(format!("remove serviceTime and concurrency from behavior.taskDefinitions.{family}")),
            );
        }
        // A behavior entry that failed to read may be the one that says it.
        if tb.messages_per_second_per_task.is_some() || d.failed_under(BEHAVIOR_TASK_DEFINITIONS) {
            continue;
        }
        let loc = node.and_then(|n| n.get(&s.name)).and_then(|n| match &n.value {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.name == "messagesPerSecond")
                .map(|(k, _)| k.loc),
            _ => None,
        });
        let Some(loc) = loc else { continue };
        let family = &task_definitions[s.task_definition].family;
        d.error(
            loc,
            &format!("load.{}.messagesPerSecond", s.name),
            format!(
                "service `{}` consumes a queue, but its task definition `{family}` has no messagesPerSecondPerTask",
                s.name
            ),
            Some(format!(
                "add behavior.taskDefinitions.{family}.messagesPerSecondPerTask: how many messages one task processes per second"
            )),
        );
    }
}

/// The highest mean demand a service in exact mode may reach, requests per second: every request
/// is simulated (about 4 million a CPU-second) and an overloaded one queues until its timeout,
/// so a million a second is already an hour of CPU and a gigabyte of queue per simulated hour.
pub const MAX_EXACT_RPS: f64 = 1_000_000.0;
/// At most this many load steps are sampled for the peak demand.
const MOST_PEAK_SAMPLES: u64 = 1_000_000;

/// The run's window and load steps, for the peak demand of a service in exact mode.
pub struct RunWindow {
    /// `duration`, ms (`None` when it is missing: reported elsewhere).
    pub duration_ms: Option<u64>,
    /// `behavior.loadStep`, ms.
    pub load_step_ms: u64,
    /// `start`, ms since the epoch.
    pub start_epoch_ms: i64,
}

/// A service in exact mode (`model: requests`) needs a service model
/// (`behavior.taskDefinitions.<family>.serviceTime`), a target group whose algorithm the
/// simulator models (not `weighted_random`), and a mean demand that never exceeds
/// [`MAX_EXACT_RPS`] at any load step.
pub fn check_request_mode(
    node: Option<&Node>,
    services: &[ServiceSpec],
    task_definitions: &[TaskDefinitionSpec],
    target_groups: &[TargetGroupSpec],
    behavior: &Behavior,
    window: &RunWindow,
    d: &mut Diagnostics,
) {
    for s in services.iter().filter(|s| s.request_mode == RequestMode::Requests) {
        let loc = node.and_then(|n| n.get(&s.name)).and_then(|n| match &n.value {
            Value::Map(entries) => entries.iter().find(|(k, _)| k.name == "model").map(|(_, v)| v.loc),
            _ => None,
        });
        let Some(loc) = loc else { continue };
        let path = format!("load.{}.model", s.name);
        let family = &task_definitions[s.task_definition].family;
        if behavior.task_definitions[s.task_definition].service_model.is_none()
            && !d.failed_under(BEHAVIOR_TASK_DEFINITIONS)
        {
            d.error(
                loc,
                &path,
                format!(
                    "service `{}` simulates every request, but its task definition `{family}` has no serviceTime",
                    s.name
                ),
                Some(format!(
                    "add behavior.taskDefinitions.{family}.serviceTime (and concurrency), or remove `model: requests`"
                )),
            );
        }
        if let Some(g) = s
            .target_groups
            .first()
            .map(|g| &target_groups[*g])
            .filter(|g| g.algorithm == LoadBalancingAlgorithm::WeightedRandom)
        {
            d.error(
                loc,
                &path,
                format!(
                    "target group `{}` routes by weighted_random, which the request simulation does not model",
                    g.name
                ),
                Some("set its load_balancing.algorithm.type to round_robin or least_outstanding_requests".into()),
            );
        }
        if s.deployment.strategy.shifts_traffic() {
            let (message, suggestion) = traffic_shift_in_exact_mode(&s.name, s.deployment.strategy.as_str());
            d.error(loc, &path, message, Some(suggestion));
        }
        if let (Some(profile), Some(duration_ms)) = (&s.load, window.duration_ms) {
            let step = window.load_step_ms.max(1).max(duration_ms / MOST_PEAK_SAMPLES);
            let peak = (0..duration_ms.div_ceil(step))
                .map(|k| profile.mean_rps(k * step, window.start_epoch_ms))
                .fold(0.0, f64::max);
            if peak > MAX_EXACT_RPS {
                d.error(
                    loc,
                    &path,
                    format!(
                        "service `{}` simulates every request, but its demand reaches {peak:.0} requests per second, above the {MAX_EXACT_RPS:.0} exact mode allows",
                        s.name
                    ),
                    Some("use `model: estimate` for this load, or lower requestsPerSecond".into()),
                );
            }
        }
    }
}

/// The error of a BLUE_GREEN, LINEAR or CANARY deployment of a service in exact mode: the request
/// model routes each request to a task, not first to a target group by the listener rule's
/// weights, so it would send the new revision the share of its tasks, not the strategy's.
pub(super) fn traffic_shift_in_exact_mode(service: &str, strategy: &str) -> (String, String) {
    (
        format!(
            "service `{service}` simulates every request (`model: requests`), which does not route by the listener rule's target group weights a {strategy} deployment shifts"
        ),
        "use `model: estimate` for this service (its requests are split by the weights), or a ROLLING deployment"
            .into(),
    )
}

fn read_noise(o: &mut Obj<'_>, d: &mut Diagnostics) -> Noise {
    let path = o.child("noise");
    let Some(n) = o.field("noise") else { return Noise::None };
    if let Value::Scalar { .. } = n.value {
        return match super::reader::as_one_of(n, &path, &["none", "poisson"], d) {
            Some("poisson") => Noise::Poisson,
            _ => Noise::None,
        };
    }
    let Some(mut m) = object(n, &path, d) else {
        return Noise::None;
    };
    let g_path = m.child("gaussian");
    let noise = match m.field("gaussian") {
        Some(g) => object(g, &g_path, d)
            .and_then(|mut g| {
                let what = "the standard deviation as a percent of the mean";
                let percent = g.required_number("percent", 0.0, 1000.0, what, d);
                g.finish(d);
                percent
            })
            .map_or(Noise::None, |percent| Noise::Gaussian { percent }),
        None => {
            d.error(
                m.loc,
                &path,
                "noise must be `none`, `poisson` or `{gaussian: {percent: 10}}`",
                None,
            );
            Noise::None
        }
    };
    m.finish(d);
    noise
}

fn read_shape(node: &Node, path: &str, ctx: &mut ShapeContext<'_>, d: &mut Diagnostics) -> Option<LoadShape> {
    let Value::Map(entries) = &node.value else {
        d.error(
            node.loc,
            path,
            format!("expected a shape such as `constant: 300`, found {}", node.kind_words()),
            Some(format!("shapes: {}", SHAPES.join(", "))),
        );
        return None;
    };
    if entries.len() != 1 {
        d.error(
            node.loc,
            path,
            "each list item holds exactly one shape",
            Some("start a new `- ` item for the next shape".into()),
        );
        return None;
    }
    let (key, value) = &entries[0];
    let path = format!("{path}.{}", key.name);
    match key.name.as_str() {
        "constant" => as_number(value, &path, 0.0, 1e12, d).map(|rps| LoadShape::Constant { rps }),
        "ramp" => read_ramp(value, &path, d),
        "step" => read_step(value, &path, d),
        "diurnal" => read_diurnal(value, &path, d),
        "weekly" => read_weekly(value, &path, d),
        "spike" => read_spike(value, &path, d),
        "replay" => read_replay(value, &path, ctx, d),
        other => {
            let help = super::diag::closest(other, SHAPES.iter().copied()).map_or_else(
                || format!("shapes: {}", SHAPES.join(", ")),
                |c| format!("did you mean `{c}`?"),
            );
            d.error(key.loc, &path, format!("unknown load shape `{other}`"), Some(help));
            None
        }
    }
}

/// `ramp: {from, to, start, end}`.
fn read_ramp(value: &Node, path: &str, d: &mut Diagnostics) -> Option<LoadShape> {
    let mut o = object(value, path, d)?;
    // Ramps may go down, even below zero, to shape a sum: the total is clamped at zero.
    let from = o.required_number("from", -1e12, 1e12, RPS, d);
    let to = o.required_number("to", -1e12, 1e12, RPS, d);
    let start = time_from_start(&mut o, "start", d);
    let end = time_from_start(&mut o, "end", d);
    let loc = o.loc;
    o.finish(d);
    let (from, to, start, end) = (from?, to?, start?, end?);
    if end <= start {
        d.error(loc, path, "a ramp must end after it starts", None);
        return None;
    }
    Some(LoadShape::Ramp {
        from,
        to,
        start_ms: start,
        end_ms: end,
    })
}

/// `step: {at, rps}`.
fn read_step(value: &Node, path: &str, d: &mut Diagnostics) -> Option<LoadShape> {
    let mut o = object(value, path, d)?;
    let at = time_from_start(&mut o, "at", d);
    // A step may go down: the total demand is clamped at zero.
    let what = "the change in requests per second, negative for a step down";
    let rps = o.required_number("rps", -1e12, 1e12, what, d);
    o.finish(d);
    Some(LoadShape::Step { at_ms: at?, rps: rps? })
}

/// `diurnal: {amplitude, peakAt, timezone}`.
fn read_diurnal(value: &Node, path: &str, d: &mut Diagnostics) -> Option<LoadShape> {
    let mut o = object(value, path, d)?;
    let amplitude = o.required_number("amplitude", 0.0, 1e12, RPS, d);
    let peak = time_of_day(&mut o, "peakAt", d);
    let tz = timezone(&mut o, d);
    o.finish(d);
    Some(LoadShape::Diurnal {
        amplitude: amplitude?,
        peak_second_of_day: peak.unwrap_or(14 * 3600),
        timezone: tz?,
    })
}

/// `weekly: {weekday, weekend, timezone}`.
fn read_weekly(value: &Node, path: &str, d: &mut Diagnostics) -> Option<LoadShape> {
    let mut o = object(value, path, d)?;
    let weekday = o.number("weekday", 0.0, 1e6, d).unwrap_or(1.0);
    let weekend = o.number("weekend", 0.0, 1e6, d).unwrap_or(1.0);
    let tz = timezone(&mut o, d);
    o.finish(d);
    Some(LoadShape::Weekly {
        weekday_factor: weekday,
        weekend_factor: weekend,
        timezone: tz?,
    })
}

/// `spike: {at, duration, add | multiply}`.
fn read_spike(value: &Node, path: &str, d: &mut Diagnostics) -> Option<LoadShape> {
    let mut o = object(value, path, d)?;
    let at = time_from_start(&mut o, "at", d);
    let duration = o
        .required_duration("duration", "how long the spike lasts, such as `15m`", d)
        .map(|v| v.as_millis());
    let add = o.number("add", 0.0, 1e12, d);
    let multiply = o.number("multiply", 0.0, 1e6, d);
    let loc = o.loc;
    o.finish(d);
    let effect = match (add, multiply) {
        (Some(a), None) => SpikeEffect::Add(a),
        (None, Some(m)) => SpikeEffect::Multiply(m),
        _ => {
            d.error(
                loc,
                path,
                "a spike needs exactly one of `add` (requests/s) or `multiply` (a factor)",
                None,
            );
            return None;
        }
    };
    Some(LoadShape::Spike {
        at_ms: at?,
        duration_ms: duration?,
        effect,
    })
}

/// `replay: {file, interpolation, scale}`: a CSV of timestamp,value rows.
fn read_replay(value: &Node, path: &str, ctx: &mut ShapeContext<'_>, d: &mut Diagnostics) -> Option<LoadShape> {
    let mut o = object(value, path, d)?;
    let file = o.required_string("file", "a CSV of timestamp,value rows, relative to the scenario", d);
    let file_loc = o.key_loc("file");
    let interpolation = match o.one_of("interpolation", &["linear", "step"], d) {
        Some("step") => Interpolation::Step,
        _ => Interpolation::Linear,
    };
    let scale = o.number("scale", 0.0, 1e9, d).unwrap_or(1.0);
    o.finish(d);
    let file = file?;
    let (name, text) = match ctx.loader.read_relative(&file) {
        Ok(v) => v,
        Err(e) => {
            d.error(
                file_loc,
                &format!("{path}.file"),
                format!("cannot read `{file}`: {e}"),
                None,
            );
            return None;
        }
    };
    let points = match parse_replay_csv(&text, ctx.start_epoch_ms) {
        Ok(p) => p,
        Err(e) => {
            let f = ctx.sources.add(name, text);
            let line = e
                .strip_prefix("line ")
                .and_then(|r| r.split(':').next())
                .and_then(|n| n.parse().ok())
                .unwrap_or(1);
            d.error(
                super::yaml::Loc { file: f, line, col: 1 },
                &format!("{path}.file"),
                e,
                None,
            );
            return None;
        }
    };
    Some(LoadShape::Replay(ReplaySeries {
        points,
        interpolation,
        scale,
    }))
}

/// A required time from the start of the run, in milliseconds.
fn time_from_start(o: &mut Obj<'_>, name: &'static str, d: &mut Diagnostics) -> Option<u64> {
    o.required_duration(name, "a time from the start such as `2h`", d)
        .map(|v| v.as_millis())
}

fn time_of_day(o: &mut Obj<'_>, name: &'static str, d: &mut Diagnostics) -> Option<u32> {
    let path = o.child(name);
    let node = o.field(name)?;
    let text = super::reader::as_string(node, &path, d)?;
    let parsed = text
        .split_once(':')
        .and_then(|(h, m)| Some((h.parse::<u32>().ok()?, m.parse::<u32>().ok()?)));
    match parsed {
        Some((h, m)) if h < 24 && m < 60 => Some(h * 3600 + m * 60),
        _ => {
            d.error(
                node.loc,
                &path,
                format!("expected a local time of day like \"14:00\", found `{text}`"),
                Some("write a 24-hour time from \"00:00\" to \"23:59\", e.g. peakAt: \"14:00\"".into()),
            );
            None
        }
    }
}

fn timezone(o: &mut Obj<'_>, d: &mut Diagnostics) -> Option<chrono_tz::Tz> {
    let path = o.child("timezone");
    let Some(node) = o.field("timezone") else {
        return Some(chrono_tz::UTC);
    };
    super::time_zone::read_time_zone(node, &path, d)
}
