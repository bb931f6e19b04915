//! Which CloudWatch metrics ecsim produces, so an importer can leave out (and report) an alarm
//! or a policy on a metric that something ecsim does not simulate publishes.

use crate::workload::AlbMetric;

/// The metrics of `AWS/ECS` a service's alarm or policy may watch.
const ECS_METRICS: &[&str] = &["CPUUtilization", "MemoryUtilization"];

/// The metrics a customized target tracking metric may name beyond `AWS/ECS` and the load
/// balancer's: (namespace, metric name).
const OTHER_POLICY_METRICS: &[(&str, &str)] = &[
    ("AWS/SQS", "ApproximateNumberOfMessagesVisible"),
    ("AWS/SQS", "ApproximateAgeOfOldestMessage"),
    ("ECS/ContainerInsights", "RunningTaskCount"),
];

/// Whether ecsim produces `metric` of `namespace` for a CloudWatch alarm.
pub fn alarm_metric(namespace: &str, metric: &str) -> bool {
    match namespace {
        "AWS/ECS" => ECS_METRICS.contains(&metric),
        "AWS/ApplicationELB" => AlbMetric::from_name(metric).is_some(),
        _ => false,
    }
}

/// Whether ecsim produces `metric` of `namespace` for a target tracking policy's customized metric.
pub fn policy_metric(namespace: &str, metric: &str) -> bool {
    alarm_metric(namespace, metric) || OTHER_POLICY_METRICS.contains(&(namespace, metric))
}

/// Whether watching `metric` needs the service's tasks to serve requests as a queue (a service
/// model): response times and timeouts.
pub fn needs_service_model(namespace: &str, metric: &str) -> bool {
    namespace == "AWS/ApplicationELB" && AlbMetric::from_name(metric).is_some_and(AlbMetric::needs_service_model)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_what_ecsim_publishes() {
        assert!(alarm_metric("AWS/ECS", "CPUUtilization"));
        assert!(!alarm_metric("AWS/SQS", "ApproximateNumberOfMessagesDelayed"));
        assert!(alarm_metric("AWS/ApplicationELB", "TargetResponseTime"));
        assert!(policy_metric("AWS/SQS", "ApproximateNumberOfMessagesVisible"));
        assert!(!policy_metric("my-app-test-worker", "BacklogPerTask"));
        assert!(needs_service_model("AWS/ApplicationELB", "TargetResponseTime"));
        assert!(!needs_service_model("AWS/ApplicationELB", "RequestCount"));
    }
}
