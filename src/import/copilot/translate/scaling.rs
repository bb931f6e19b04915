//! The scalable target and the target tracking policies of `count.range` and its scaling
//! fields (`autoscaling.yml`), with the behavior a metric needs to be simulated.

use super::{Names, from};
use crate::import::backlog;
use crate::import::copilot::count::{Autoscaling, ResolvedCooldown, ScalingField, ScalingMetric};
use crate::import::copilot::manifest::Manifest;
use crate::import::doc::{Map, Seq};
use crate::import::report::ImportReport;

/// What the scaling section adds beside the Application Auto Scaling blocks.
#[derive(Debug, Default)]
pub struct Extras {
    /// `behavior.taskDefinitions.<family>` entries the metrics need.
    pub behavior: Map,
    /// The queue a `queue_delay` policy reads (the worker's `load.<service>.queueName`).
    pub queue_name: Option<String>,
}

/// `scalableTargets` and `scalingPolicies` for `a`.
pub fn scaling(m: &Manifest, a: &Autoscaling, names: &Names, report: &mut ImportReport) -> (Map, Extras) {
    let mut extras = Extras::default();
    let resource_id = format!("service/{}/{}", names.cluster, m.name);
    let range = &a.range.value;
    let target = Map::new()
        .with("ServiceNamespace", "ecs")
        .with("ResourceId", resource_id.as_str())
        .with("ScalableDimension", "ecs:service:DesiredCount")
        .with("MinCapacity", range.min)
        .with("MaxCapacity", range.max);
    let mut block = Map::new();
    block.insert("scalableTargets", Seq::new());
    block
        .seq_mut("scalableTargets")
        .push_commented(target, from(&[&a.range.key]));
    report.imported(
        &a.range.key,
        "scalable target",
        format!("MinCapacity {}, MaxCapacity {}", range.min, range.max),
    );
    let mut policies = Seq::new();
    for field in &a.policies {
        let (scale_in, scale_out) = a.cooldowns(field);
        let (name, metric) = metric_specification(m, field, names, &mut extras, report);
        let mut config = Map::new().with("TargetValue", field.metric.target_value());
        let (metric_key, metric_value) = metric;
        config.insert(metric_key, metric_value);
        config.insert_commented(
            "ScaleInCooldown",
            scale_in.seconds as i64,
            cooldown_source(&scale_in, "120"),
        );
        config.insert_commented(
            "ScaleOutCooldown",
            scale_out.seconds as i64,
            cooldown_source(&scale_out, "60"),
        );
        let policy = Map::new()
            .with("PolicyName", format!("{}-{name}-ScalingPolicy", m.name))
            .with("ServiceNamespace", "ecs")
            .with("ResourceId", resource_id.as_str())
            .with("ScalableDimension", "ecs:service:DesiredCount")
            .with("PolicyType", "TargetTrackingScaling")
            .with("TargetTrackingScalingPolicyConfiguration", config);
        policies.push_commented(policy, from(&[&field.key]));
        report.imported(
            &field.key,
            "target tracking policy",
            format!(
                "{name} target {}, ScaleInCooldown {} s, ScaleOutCooldown {} s",
                field.metric.target_value(),
                scale_in.seconds,
                scale_out.seconds
            ),
        );
    }
    block.insert("scalingPolicies", policies);
    (block, extras)
}

/// Where a cooldown came from: its key, or Copilot's template default.
fn cooldown_source(c: &ResolvedCooldown, default: &str) -> String {
    match &c.key {
        Some(k) => from(&[k]),
        None => format!("Copilot's template default ({default} s)"),
    }
}

/// The policy's name part and its metric specification (key and value).
fn metric_specification(
    m: &Manifest,
    field: &ScalingField,
    names: &Names,
    extras: &mut Extras,
    report: &mut ImportReport,
) -> (&'static str, (&'static str, Map)) {
    let predefined = |kind: &str| Map::new().with("PredefinedMetricType", kind);
    match field.metric {
        ScalingMetric::CpuPercentage(_) => (
            "ECSServiceAverageCPUUtilization",
            (
                "PredefinedMetricSpecification",
                predefined("ECSServiceAverageCPUUtilization"),
            ),
        ),
        ScalingMetric::MemoryPercentage(_) => (
            "ECSServiceAverageMemoryUtilization",
            (
                "PredefinedMetricSpecification",
                predefined("ECSServiceAverageMemoryUtilization"),
            ),
        ),
        // Copilot writes the same metric as a CustomizedMetricSpecification (RequestCountPerTarget,
        // Sum, by LoadBalancer and TargetGroup): the predefined type is that metric.
        ScalingMetric::Requests(_) => (
            "ALBRequestCountPerTarget",
            (
                "PredefinedMetricSpecification",
                predefined("ALBRequestCountPerTarget").with(
                    "ResourceLabel",
                    format!("{}/{}", names.load_balancer, names.target_group_label()),
                ),
            ),
        ),
        ScalingMetric::ResponseTime(ms) => {
            let dimensions = Seq::new()
                .with(
                    Map::new()
                        .with("Name", "LoadBalancer")
                        .with("Value", names.load_balancer.as_str()),
                )
                .with(
                    Map::new()
                        .with("Name", "TargetGroup")
                        .with("Value", names.target_group_label()),
                );
            let spec = Map::new()
                .with("Namespace", "AWS/ApplicationELB")
                .with("MetricName", "TargetResponseTime")
                .with("Statistic", "Average")
                .with("Dimensions", dimensions);
            // Response times come from a service model: a guess, sized so that a task answers
            // well within the target when it is not queueing.
            let mean_ms = (ms / 4).max(1);
            let model = Map::new()
                .with(
                    "serviceTime",
                    Map::new()
                        .with("distribution", "exponential")
                        .with("mean", format!("{mean_ms}ms")),
                )
                .with("concurrency", 10u32);
            extras.behavior.insert_commented(
                m.name.as_str(),
                model,
                format!("GUESS: a request takes {mean_ms} ms on average, 10 at a time per task; TargetResponseTime needs a service model"),
            );
            report.guess(
                &field.key,
                "service model",
                format!("serviceTime mean {mean_ms} ms (a quarter of the {ms} ms target), concurrency 10: replace with measured values"),
            );
            ("ALBAverageResponseTime", ("CustomizedMetricSpecification", spec))
        }
        ScalingMetric::QueueDelay {
            msg_processing_time_ms, ..
        } => {
            let queue = format!("{}-events", m.name);
            extras.queue_name = Some(queue.clone());
            let per_task = 1000.0 / msg_processing_time_ms as f64;
            extras.behavior.insert_commented(
                m.name.as_str(),
                Map::new().with("messagesPerSecondPerTask", per_task),
                from(&[&format!("{}.msg_processing_time", field.key)]),
            );
            report.guess(&field.key, "backlog per task", backlog::modelled("EventsQueue", &queue));
            for topic in &m.topic_queues {
                report.ignored(
                    &topic.key,
                    "target tracking policy",
                    backlog::left_out(&topic.value, &queue),
                );
            }
            (
                "BacklogPerTask",
                (
                    "CustomizedMetricSpecification",
                    backlog::metric_specification(&queue, &names.cluster, &m.name),
                ),
            )
        }
    }
}
