//! `behavior`: the simulator's own settings for timings, serving, limits (all camelCase).

use super::diag::Diagnostics;
use super::reader::{Obj, as_int, object};
use super::yaml::{Key, Loc, Node, Value};
use crate::spec::{Behavior, DurationDistribution, TaskBehavior, TaskDefinitionSpec};

/// Reads `behavior` for `task_definitions` (family-wide entries first, then `family:rev` ones);
/// `load_balanced` lists the task definitions some service registers with a target group (their
/// health can fail without a container health check).
pub fn read_behavior(
    node: Option<&Node>,
    task_definitions: &[TaskDefinitionSpec],
    load_balanced: &[usize],
    d: &mut Diagnostics,
) -> Behavior {
    let mut b = Behavior::with_task_definitions(task_definitions.len());
    let Some(node) = node else { return b };
    let Some(mut o) = object(node, "behavior", d) else {
        return b;
    };
    if let Some(v) = o.duration("loadStep", d) {
        if v.as_millis() < 1000 {
            d.error(
                o.key_loc("loadStep"),
                "behavior.loadStep",
                "loadStep must be at least 1s",
                None,
            );
        } else {
            b.load_step = v;
        }
    }
    if let Some(v) = o.boolean("warmStart", d) {
        b.warm_start = v;
    }
    if let Some(v) = o.int("maxEvents", 1, i64::MAX, d) {
        b.max_events = v as u64;
    }
    if let Some(v) = o.boolean("taskEvents", d) {
        b.task_events = v;
    }
    if let Some(n) = o.field("autoScaling") {
        read_metric_latencies(n, &mut b, d);
    }
    if let Some(n) = o.field("deployments") {
        read_deployments(n, &mut b, d);
    }
    if let Some(n) = o.field("clusterAutoScaling") {
        read_cluster_auto_scaling(n, &mut b, d);
    }
    if let Some(n) = o.field("instances") {
        read_instances(n, &mut b, d);
    }
    if let Some(n) = o.field("fargateSpot") {
        read_fargate_spot(n, &mut b, d);
    }
    if let Some(n) = o.field("eventBridge") {
        read_event_bridge(n, &mut b, d);
    }
    if let Some(n) = o.field("cost") {
        read_cost(n, &mut b, d);
    }
    if let Some(n) = o.field("latency") {
        super::service_model::read_latency(n, &mut b, d);
    }
    if let Some(n) = o.field("taskDefinitions") {
        read_task_behaviors(n, task_definitions, load_balanced, &mut b, d);
    }
    // Read with the policies it applies to (`autoscaling::predictive_behavior`).
    o.field("predictiveScaling");
    o.finish(d);
    b
}

/// `behavior.autoScaling`: the CloudWatch metric pipeline's latencies.
fn read_metric_latencies(node: &Node, b: &mut Behavior, d: &mut Diagnostics) {
    let Some(mut a) = object(node, "behavior.autoScaling", d) else {
        return;
    };
    if let Some(v) = a.duration("metricLatency", d) {
        b.metric_pipeline.standard_latency = v;
    }
    if let Some(v) = a.duration("highResolutionMetricLatency", d) {
        b.metric_pipeline.high_resolution_latency = v;
    }
    a.finish(d);
}

/// The ECS deployment controller's settings in `behavior.deployments` (the other keys there name
/// EKS Deployments).
pub const DEPLOYMENT_SETTINGS: &[&str] = &[
    "stoppingTasksCountTowardMaximumPercent",
    "legacyCircuitBreakerMinimumThreshold",
    "bakeTimeWhenUnset",
    "lifecycleHookDuration",
    "lifecycleHookFailureProbability",
    "rollingAlarmBakeTime",
];

/// `behavior.deployments`: how the deployment controller counts stopping tasks and the circuit
/// breaker's threshold.
fn read_deployments(node: &Node, b: &mut Behavior, d: &mut Diagnostics) {
    let Some(mut c) = object(node, "behavior.deployments", d) else {
        return;
    };
    if let Some(v) = c.boolean("stoppingTasksCountTowardMaximumPercent", d) {
        b.deployment.stopping_counts_toward_maximum = v;
    }
    if let Some(v) = c.boolean("legacyCircuitBreakerMinimumThreshold", d) {
        b.deployment.legacy_circuit_breaker_minimum = v;
    }
    if let Some(v) = c.duration("bakeTimeWhenUnset", d) {
        b.deployment.bake_time_when_unset = v;
    }
    if let Some(v) = c.duration("lifecycleHookDuration", d) {
        b.deployment.lifecycle_hook_duration = v;
    }
    if let Some(v) = c.number("lifecycleHookFailureProbability", 0.0, 1.0, d) {
        b.deployment.lifecycle_hook_failure_probability = v;
    }
    if let Some(v) = c.duration("rollingAlarmBakeTime", d) {
        b.deployment.rolling_alarm_bake_time = Some(v);
    }
    c.finish(d);
}

/// `behavior.clusterAutoScaling`: ECS managed scaling's metric latency and provisioning limits.
fn read_cluster_auto_scaling(node: &Node, b: &mut Behavior, d: &mut Diagnostics) {
    let Some(mut c) = object(node, "behavior.clusterAutoScaling", d) else {
        return;
    };
    if let Some(v) = c.duration("metricLatency", d) {
        b.cluster_auto_scaling.metric_latency = v;
    }
    if let Some(v) = c.int("provisioningTaskLimit", 1, 100_000, d) {
        b.cluster_auto_scaling.provisioning_task_limit = v as u32;
    }
    if let Some(v) = c.duration("provisioningTimeout", d) {
        b.cluster_auto_scaling.provisioning_timeout = v;
    }
    c.finish(d);
}

/// `behavior.fargateSpot`: how often FARGATE_SPOT tasks are interrupted.
fn read_fargate_spot(node: &Node, b: &mut Behavior, d: &mut Diagnostics) {
    let Some(mut f) = object(node, "behavior.fargateSpot", d) else {
        return;
    };
    if let Some(v) = f.number("interruptionsPerTaskHour", 0.0, 3600.0, d) {
        b.fargate_spot.interruptions_per_task_hour = v;
    }
    f.finish(d);
}

/// `behavior.eventBridge`: whether an interrupted task of an EventBridge target is started again
/// under its `RetryPolicy` (A18).
fn read_event_bridge(node: &Node, b: &mut Behavior, d: &mut Diagnostics) {
    let Some(mut e) = object(node, "behavior.eventBridge", d) else {
        return;
    };
    if let Some(v) = e.boolean("retryInterruptedTasks", d) {
        b.event_bridge.retry_interrupted_tasks = v;
    }
    e.finish(d);
}

fn read_instances(node: &Node, b: &mut Behavior, d: &mut Diagnostics) {
    let Some(mut o) = object(node, "behavior.instances", d) else {
        return;
    };
    if let Some(v) = distribution(&mut o, "launchTime", d) {
        b.instances.launch_time = v;
    }
    if let Some(v) = o.int("agentReservedCpuUnits", 0, 4096, d) {
        b.instances.agent_reserved_cpu_units = v as u32;
    }
    if let Some(v) = o.int("agentReservedMemoryMib", 0, 65_536, d) {
        b.instances.agent_reserved_memory_mib = v as u64;
    }
    if let Some(v) = o.boolean("enableSpotInstanceDraining", d) {
        b.instances.spot_instance_draining = v;
    }
    if let Some(v) = o.duration("rebalanceRecommendationLead", d) {
        b.instances.rebalance_recommendation_lead = v;
    }
    let range_path = o.child("dynamicPortRange");
    let range = o.list("dynamicPortRange", d);
    if !range.is_empty() {
        let ports: Vec<Option<i64>> = range.iter().map(|(p, n)| as_int(n, p, 1, 65_535, false, d)).collect();
        match ports.as_slice() {
            [Some(lo), Some(hi)] if lo <= hi => b.instances.dynamic_port_range = (*lo as u16, *hi as u16),
            [Some(_), Some(_)] | [_, _] => d.error(
                range[0].1.loc,
                &range_path,
                "dynamicPortRange must be [low, high] with low <= high",
                None,
            ),
            _ => d.error(
                range[0].1.loc,
                &range_path,
                "dynamicPortRange must have exactly two ports, e.g. [32768, 60999]",
                None,
            ),
        }
    }
    o.finish(d);
}

/// `behavior.cost`: Fargate rates and the Spot discounts (reference 10.3).
fn read_cost(node: &Node, b: &mut Behavior, d: &mut Diagnostics) {
    let Some(mut o) = object(node, "behavior.cost", d) else {
        return;
    };
    if let Some(v) = o.number("ec2SpotDiscountPercent", 0.0, 100.0, d) {
        b.cost.ec2_spot_discount_percent = v;
    }
    if let Some(v) = o.number("fargateSpotDiscountPercent", 0.0, 100.0, d) {
        b.cost.fargate_spot_discount_percent = v;
    }
    for (name, slot) in [
        ("fargate", &mut b.cost.fargate_linux_x86),
        ("fargateArm", &mut b.cost.fargate_linux_arm),
    ] {
        let path = o.child(name);
        let Some(n) = o.field(name) else { continue };
        let Some(mut p) = object(n, &path, d) else { continue };
        if let Some(v) = p.number("usdPerVcpuHour", 0.0, 1000.0, d) {
            slot.usd_per_vcpu_hour = v;
        }
        if let Some(v) = p.number("usdPerGbHour", 0.0, 1000.0, d) {
            slot.usd_per_gb_hour = v;
        }
        // Another Region's price of ephemeral storage beyond 20 GiB.
        if let Some(v) = p.number("usdPerEphemeralGbHour", 0.0, 1000.0, d) {
            slot.usd_per_ephemeral_gb_hour = v;
        }
        p.finish(d);
    }
    o.finish(d);
}

fn read_task_behaviors(
    node: &Node,
    tds: &[TaskDefinitionSpec],
    load_balanced: &[usize],
    b: &mut Behavior,
    d: &mut Diagnostics,
) {
    let Value::Map(entries) = &node.value else {
        d.error(
            node.loc,
            "behavior.taskDefinitions",
            format!(
                "expected a mapping from task definition family to settings, found {}",
                node.kind_words()
            ),
            None,
        );
        return;
    };
    // Family-wide entries apply first so that a `family:rev` entry can override one revision.
    let mut ordered: Vec<_> = entries.iter().collect();
    ordered.sort_by_key(|(k, _)| k.name.contains(':'));
    for (key, value) in ordered {
        let path = format!("behavior.taskDefinitions.{}", key.name);
        let Some(targets) = named_task_definitions(key, &path, tds, d) else {
            continue;
        };
        let Some(mut o) = object(value, &path, d) else { continue };
        let mut tb = b.task_definitions[targets[0]].clone();
        let failure_loc = o.key_loc("healthCheckFailureProbability");
        read_task_behavior(&mut o, &mut tb, d);
        o.finish(d);
        if tb.health_check_failure_probability > 0.0 {
            check_health_can_fail(&targets, tds, load_balanced, failure_loc, &path, d);
        }
        for t in targets {
            b.task_definitions[t] = tb.clone();
        }
    }
}

/// The revisions a `behavior.taskDefinitions` key names: a family's every revision, or one
/// `family:revision`; `None` (reported) when it names none.
fn named_task_definitions(
    key: &Key,
    path: &str,
    tds: &[TaskDefinitionSpec],
    d: &mut Diagnostics,
) -> Option<Vec<usize>> {
    let targets: Vec<usize> = tds
        .iter()
        .enumerate()
        .filter(|(_, t)| t.family == key.name || t.arn_suffix() == key.name)
        .map(|(i, _)| i)
        .collect();
    let family = key.name.rsplit_once(':').map_or(key.name.as_str(), |(f, _)| f);
    if targets.is_empty() && d.unread.covers(super::diag::Declared::TaskDefinitionFamily, family) {
        return None;
    }
    if targets.is_empty() {
        let names: Vec<String> = tds.iter().map(|t| t.family.clone()).collect();
        let help =
            super::diag::closest(&key.name, names.iter().map(String::as_str)).map(|c| format!("did you mean `{c}`?"));
        d.error(
            key.loc,
            path,
            format!("no task definition family or revision `{}`", key.name),
            help,
        );
        return None;
    }
    Some(targets)
}

/// A `healthCheckFailureProbability` needs a health that can fail: a container health check on an
/// essential container, or a load balancer's.
fn check_health_can_fail(
    targets: &[usize],
    tds: &[TaskDefinitionSpec],
    load_balanced: &[usize],
    loc: Loc,
    path: &str,
    d: &mut Diagnostics,
) {
    let unchecked: Vec<String> = targets
        .iter()
        .filter(|t| {
            !load_balanced.contains(t)
                && !tds[**t]
                    .containers
                    .iter()
                    .any(|c| c.essential && c.health_check.is_some())
        })
        .map(|t| tds[*t].arn_suffix())
        .collect();
    if !unchecked.is_empty() {
        d.error(
            loc,
            &format!("{path}.healthCheckFailureProbability"),
            format!(
                "{} has no container healthCheck on an essential container and no load balancer, so its health cannot fail",
                unchecked.join(", ")
            ),
            Some("add a healthCheck to the container, or use startFailureProbability".into()),
        );
    }
}

fn read_task_behavior(o: &mut Obj<'_>, tb: &mut TaskBehavior, d: &mut Diagnostics) {
    let fields: [(&'static str, &mut DurationDistribution); 7] = [
        ("startTime", &mut tb.start_time),
        ("fargateProvisioningTime", &mut tb.fargate_provisioning_time),
        ("eniAttachTime", &mut tb.eni_attach_time),
        ("activatingTime", &mut tb.activating_time),
        ("deactivatingTime", &mut tb.deactivating_time),
        ("stopTime", &mut tb.stop_time),
        ("deprovisioningTime", &mut tb.deprovisioning_time),
    ];
    for (name, slot) in fields {
        if let Some(v) = distribution(o, name, d) {
            *slot = v;
        }
    }
    if let Some(v) = o.duration("healthyAfterRunning", d) {
        tb.healthy_after_running = v;
    }
    let rps = o.number("requestsPerSecondAtFullCpu", 0.0, 1e12, d);
    if let Some(v) = rps {
        tb.requests_per_second_at_full_cpu = v;
    }
    super::service_model::read_service_model(o, tb, rps.is_some(), d);
    if let Some(v) = o.number("idleCpuPercent", 0.0, 100.0, d) {
        tb.idle_cpu_percent = v;
    }
    // What EC2 sees of a request on the instance's network (AWS/EC2 NetworkIn and NetworkOut).
    if let Some(v) = o.number("networkInBytesPerRequest", 0.0, 1e12, d) {
        tb.network_in_bytes_per_request = v;
    }
    if let Some(v) = o.number("networkOutBytesPerRequest", 0.0, 1e12, d) {
        tb.network_out_bytes_per_request = v;
    }
    if let Some(v) = o.number("idleMemoryPercent", 0.0, 100.0, d) {
        tb.idle_memory_percent = v;
    }
    if let Some(v) = o.number("memoryPercentAtFullCpu", 0.0, 1000.0, d) {
        tb.memory_percent_at_full_cpu = v;
    }
    if let Some(v) = o.number("messagesPerSecondPerTask", 0.0, 1e12, d) {
        tb.messages_per_second_per_task = Some(v);
    }
    // A bad revision: its essential container exits before the task reaches RUNNING, or its
    // container health check fails (probability per task; 1 = always).
    if let Some(v) = o.number("startFailureProbability", 0.0, 1.0, d) {
        tb.start_failure_probability = v;
    }
    if let Some(v) = o.number("healthCheckFailureProbability", 0.0, 1.0, d) {
        tb.health_check_failure_probability = v;
    }
    // A revision whose requests fail: the share of its served requests answered with a 5xx.
    if let Some(v) = o.number("requestErrorRate", 0.0, 1.0, d) {
        tb.request_error_rate = v;
    }
    // Standalone tasks: how long one runs, and how often its essential container exits with 1.
    let run_time_path = o.child("runTime");
    if let Some(n) = o.field("runTime") {
        if let Some(mut m) = object(n, &run_time_path, d) {
            if let Some(t) = super::service_model::read_service_time(&mut m, d) {
                tb.run_time = Some(t);
            }
            m.finish(d);
        }
    }
    if let Some(v) = o.number("failureProbability", 0.0, 1.0, d) {
        tb.failure_probability = v;
    }
}

/// A duration distribution: `30s` (fixed) or `{median: 40s, p95: 90s}` (lognormal).
fn distribution(o: &mut Obj<'_>, name: &'static str, d: &mut Diagnostics) -> Option<DurationDistribution> {
    let path = o.child(name);
    let node = o.field(name)?;
    if let Value::Scalar { .. } = node.value {
        let v = super::reader::as_duration(node, &path, d)?;
        return Some(DurationDistribution::fixed(v.as_millis()));
    }
    let mut m = object(node, &path, d)?;
    let median = m.duration("median", d);
    let p95 = m.duration("p95", d);
    let loc = m.loc;
    m.finish(d);
    let (median, p95) = (median?, p95.or(median)?);
    if p95 < median {
        d.error(
            loc,
            &path,
            format!("p95 ({p95}) must not be below the median ({median})"),
            None,
        );
        return None;
    }
    Some(DurationDistribution {
        median_ms: median.as_millis(),
        p95_ms: p95.as_millis(),
    })
}
