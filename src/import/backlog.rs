//! Copilot's backlog per task, as both importers write it. A Worker Service scaled on
//! `queue_delay` gets, per queue it consumes, a target tracking policy on the custom metric
//! `BacklogPerTask` (namespace `<app>-<env>-<service>`, dimension `QueueName`) that a Lambda of
//! its stack publishes every minute: `ceil(ApproximateNumberOfMessages / running tasks)`, the
//! whole backlog when no task runs. ecsim publishes no custom metric but computes the same
//! quotient as metric math (`ApproximateNumberOfMessagesVisible / RunningTaskCount`), so the
//! policy is written that way; the two differences are said in the report.
//!
//! An ecsim worker consumes one queue (`load.<service>.queueName`). The policies on Copilot's
//! other queues (one per topic with its own `queue`) read queues no simulated message reaches:
//! their backlog is 0, they ask for the minimum capacity, and target tracking, which follows the
//! policy asking for the most, never acts on them. They are left out, with that reason.

use super::doc::{Map, Seq};

/// The metric name Copilot's Lambda publishes.
pub const METRIC_NAME: &str = "BacklogPerTask";

/// Whether a customized metric is Copilot's backlog per task: `BacklogPerTask` in a namespace of
/// its own (not an `AWS/` one) with the one dimension `QueueName`.
pub fn is_copilot_backlog(namespace: &str, metric_name: &str, dimension_names: &[&str]) -> bool {
    metric_name == METRIC_NAME
        && !namespace.is_empty()
        && !namespace.starts_with("AWS/")
        && dimension_names == ["QueueName"]
}

/// The `CustomizedMetricSpecification` that tracks visible messages of `queue` per RUNNING task of
/// `service` in `cluster`: `m1 / m2` (reference 11's SQS pattern).
pub fn metric_specification(queue: &str, cluster: &str, service: &str) -> Map {
    let query = |id: &str, namespace: &str, metric: &str, dimensions: Seq, stat: &str| {
        let metric = Map::new()
            .with("Namespace", namespace)
            .with("MetricName", metric)
            .with("Dimensions", dimensions);
        Map::new()
            .with("Id", id)
            .with("ReturnData", false)
            .with("MetricStat", Map::new().with("Metric", metric).with("Stat", stat))
    };
    let dimension = |n: &str, v: &str| Map::new().with("Name", n).with("Value", v);
    let metrics = Seq::new()
        .with(query(
            "m1",
            "AWS/SQS",
            "ApproximateNumberOfMessagesVisible",
            Seq::new().with(dimension("QueueName", queue)),
            "Sum",
        ))
        .with(query(
            "m2",
            "ECS/ContainerInsights",
            "RunningTaskCount",
            Seq::new()
                .with(dimension("ClusterName", cluster))
                .with(dimension("ServiceName", service)),
            "Average",
        ))
        .with(
            Map::new()
                .with("Id", "e1")
                .with("Expression", "m1 / m2")
                .with("Label", "backlog per task")
                .with("ReturnData", true),
        );
    Map::new().with("Metrics", metrics)
}

/// The report sentence of the queue whose policy is written: Copilot's `copilot_queue` is the
/// scenario's queue `queue`.
pub fn modelled(copilot_queue: &str, queue: &str) -> String {
    format!(
        "Copilot's BacklogPerTask metric of queue {copilot_queue}: modelled as ApproximateNumberOfMessagesVisible / RunningTaskCount of the worker's queue `{queue}` (metric math, 60 s periods); Copilot's Lambda publishes ceil(messages / running tasks) once a minute, rounded up where ecsim's quotient is not, and the whole backlog when no task runs, where ecsim's has no datapoint (so from 0 tasks ecsim does not scale out on it)"
    )
}

/// The report sentence of a queue whose policy is left out: ecsim's worker consumes `queue`.
pub fn left_out(copilot_queue: &str, queue: &str) -> String {
    format!(
        "Copilot's BacklogPerTask metric of queue {copilot_queue}: not modelled, policy left out: an ecsim worker consumes one queue (`{queue}`, where the load arrives), so no message reaches {copilot_queue}; its backlog would stay 0 and its policy ask for MinCapacity, which never changes the desired count (target tracking follows the policy asking for the most)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copilot_backlog_is_recognised_by_name_namespace_and_dimension() {
        let check = |namespace, metric, dims: &[&str], expected| {
            assert_eq!(
                is_copilot_backlog(namespace, metric, dims),
                expected,
                "{namespace} {metric} {dims:?}"
            );
        };
        check("my-app-test-dogworker", "BacklogPerTask", &["QueueName"], true);
        check("AWS/SQS", "BacklogPerTask", &["QueueName"], false);
        check("my-app-test-dogworker", "Backlog", &["QueueName"], false);
        check("my-app-test-dogworker", "BacklogPerTask", &[], false);
        check(
            "my-app-test-dogworker",
            "BacklogPerTask",
            &["QueueName", "ServiceName"],
            false,
        );
        check("", "BacklogPerTask", &["QueueName"], false);
    }

    #[test]
    fn the_metric_divides_the_queue_by_the_running_tasks() {
        let yaml = super::super::doc::Doc {
            root: Map::new().with("spec", metric_specification("q", "c", "s")),
        }
        .to_yaml("");
        for expected in [
            "MetricName: ApproximateNumberOfMessagesVisible",
            "Value: q",
            "Value: c",
            "Value: s",
            "Expression: m1 / m2",
        ] {
            assert!(yaml.contains(expected), "{expected} in\n{yaml}");
        }
    }
}
