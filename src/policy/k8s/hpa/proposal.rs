//! One metric's replica proposal: what goes in, what comes out, and the dispatch by metric
//! source and target type (k8s-semantics 1.3).

use super::conditions::HpaReason;
use super::object_external::{average_value_replicas, value_replicas};
use super::pod_groups::{MetricPod, PodPhase, ReadinessRules};
use super::replica_calc::{average_usage_replicas, utilization_replicas};
use super::{ControllerSettings, Tolerances};
use crate::model::k8s::{HpaMetric, MetricSource, MetricTarget};
use crate::sim::SimTime;

/// Everything one metric's proposal reads at one tick.
#[derive(Clone, Copy, Debug)]
pub struct ProposalInput<'a> {
    /// The `spec.metrics` entry.
    pub metric: &'a HpaMetric,
    /// `cur`: the Deployment's `spec.replicas` (desired, not running).
    pub current_replicas: u32,
    /// The Deployment's `status.replicas` (pods that exist, old and new ReplicaSets): the
    /// divisor of Object and External `AverageValue` targets.
    pub status_replicas: u32,
    /// The pods the HPA's selector matches, with this metric's request and sample (Object and
    /// External `Value` targets read only which are Running and Ready).
    pub pods: &'a [MetricPod],
    /// Object and External metrics: the value in milli-units (External: the sum of the returned
    /// series, a queue's 95 messages = 95 000); `None` when it could not be fetched.
    pub object_value_milli: Option<u64>,
    /// The HPA's tolerance band ([`Tolerances::for_hpa`]).
    pub tolerances: Tolerances,
    /// The controller's flags.
    pub settings: &'a ControllerSettings,
    /// The tick.
    pub now: SimTime,
}

/// The metric's current value, as `status.currentMetrics` reports it: undampened, before the
/// unready and missing pods are folded in (k8s-semantics 1.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetricCurrent {
    /// `averageUtilization` percent (truncated) and `averageValue` (milli-units per pod).
    Utilization {
        /// Percent of the requests, truncated.
        percent: u32,
        /// Usage per counted pod, milli-units, truncated.
        average_milli: u64,
    },
    /// `averageValue`, milli-units per pod.
    AverageValue(u64),
    /// `value`, milli-units.
    Value(u64),
}

/// A metric's replica count and the value it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MetricProposal {
    /// The replica count this metric asks for (before stabilization and limits).
    pub replicas: u32,
    /// What the metric measured.
    pub current: MetricCurrent,
}

/// Why a metric gave no proposal: the `ScalingActive=False` reason and Kubernetes' message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MetricError {
    /// `FailedGetResourceMetric`, `FailedGetExternalMetric`, ...
    pub reason: HpaReason,
    /// What went wrong ("failed to get cpu utilization: missing request for cpu").
    pub message: String,
}

/// A metric's replica proposal (k8s-semantics 1.3, 1.4, 1.5).
pub fn propose(input: &ProposalInput<'_>) -> Result<MetricProposal, MetricError> {
    let failed = |what: String| MetricError {
        reason: failure_reason(&input.metric.source),
        message: what,
    };
    match &input.metric.source {
        MetricSource::Resource { name } | MetricSource::ContainerResource { name, .. } => {
            let rules = readiness(input, name == "cpu");
            match input.metric.target {
                MetricTarget::Utilization(target) => utilization_replicas(input, target, &rules)
                    .map_err(|e| failed(format!("failed to get {name} utilization: {e}"))),
                MetricTarget::AverageValue(target) | MetricTarget::Value(target) => {
                    average_usage_replicas(input, target, &rules)
                        .map_err(|e| failed(format!("failed to get {name} usage: {e}")))
                }
            }
        }
        MetricSource::Pods { metric } => {
            let target = match input.metric.target {
                MetricTarget::AverageValue(v) | MetricTarget::Value(v) => v,
                MetricTarget::Utilization(p) => u64::from(p),
            };
            average_usage_replicas(input, target, &readiness(input, false))
                .map_err(|e| failed(format!("failed to get pods metric value {metric}: {e}")))
        }
        MetricSource::Object { metric, .. } | MetricSource::External { metric } => {
            let Some(value) = input.object_value_milli else {
                return Err(failed(format!("unable to fetch metric {metric}")));
            };
            match input.metric.target {
                MetricTarget::AverageValue(target) if target > 0 => average_value_replicas(input, value, target),
                MetricTarget::Value(target) if target > 0 => value_replicas(input, value, target),
                _ => Err("the target must be a value or averageValue above 0".to_string()),
            }
            .map_err(|e| {
                failed(format!(
                    "failed to get {} metric {metric}: {e}",
                    kind(&input.metric.source)
                ))
            })
        }
    }
}

fn kind(source: &MetricSource) -> &'static str {
    match source {
        MetricSource::Object { .. } => "object",
        _ => "external",
    }
}

fn readiness(input: &ProposalInput<'_>, cpu: bool) -> ReadinessRules {
    ReadinessRules {
        cpu,
        cpu_initialization_period: input.settings.cpu_initialization_period,
        initial_readiness_delay: input.settings.initial_readiness_delay,
        metric_window: input.settings.metric_window,
        now: input.now,
    }
}

/// The `ScalingActive=False` reason of a metric that fails.
pub fn failure_reason(source: &MetricSource) -> HpaReason {
    match source {
        MetricSource::Resource { .. } => HpaReason::FailedGetResourceMetric,
        MetricSource::ContainerResource { .. } => HpaReason::FailedGetContainerResourceMetric,
        MetricSource::Pods { .. } => HpaReason::FailedGetPodsMetric,
        MetricSource::Object { .. } => HpaReason::FailedGetObjectMetric,
        MetricSource::External { .. } => HpaReason::FailedGetExternalMetric,
    }
}

/// How Kubernetes names a metric in "New size: N; reason: `<name>` above target".
pub fn metric_description(metric: &HpaMetric) -> String {
    let percent = matches!(metric.target, MetricTarget::Utilization(_));
    match &metric.source {
        MetricSource::Resource { name } if percent => format!("{name} resource utilization (percentage of request)"),
        MetricSource::Resource { name } => format!("{name} resource"),
        MetricSource::ContainerResource { name, .. } if percent => {
            format!("{name} container resource utilization (percentage of request)")
        }
        MetricSource::ContainerResource { name, .. } => format!("{name} container resource"),
        MetricSource::Pods { metric } => format!("pods metric {metric}"),
        MetricSource::Object {
            metric,
            described_object,
        } => {
            let kind = described_object.split('/').next().unwrap_or(described_object);
            format!("{kind} metric {metric}")
        }
        MetricSource::External { metric } => format!("external metric {metric}"),
    }
}

/// Pods counted ready for Object and External `Value` targets: Running with Ready True.
pub fn running_and_ready(pods: &[MetricPod]) -> u32 {
    let n = pods
        .iter()
        .filter(|p| p.phase == PodPhase::Running && p.ready.is_some_and(|c| c.ready))
        .count();
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// `int32(math.Ceil(x))` as Go computes it: no guard against float noise (Kubernetes has
/// none), negatives and NaN to 0, capped at `i32::MAX`.
pub fn ceil_replicas(x: f64) -> u32 {
    let c = x.ceil();
    if c.is_nan() || c <= 0.0 {
        0
    } else if c >= f64::from(i32::MAX) {
        i32::MAX as u32
    } else {
        c as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metric(source: MetricSource, target: MetricTarget) -> HpaMetric {
        HpaMetric { source, target }
    }

    #[track_caller]
    fn check(m: HpaMetric, expected: &str) {
        assert_eq!(metric_description(&m), expected);
    }

    #[test]
    fn metrics_are_named_as_in_kubernetes_events() {
        let cpu = MetricSource::Resource { name: "cpu".into() };
        check(
            metric(cpu.clone(), MetricTarget::Utilization(50)),
            "cpu resource utilization (percentage of request)",
        );
        check(metric(cpu, MetricTarget::AverageValue(500)), "cpu resource");
        let container = MetricSource::ContainerResource {
            name: "memory".into(),
            container: "app".into(),
        };
        check(
            metric(container, MetricTarget::Utilization(60)),
            "memory container resource utilization (percentage of request)",
        );
        let pods = MetricSource::Pods { metric: "rps".into() };
        check(metric(pods, MetricTarget::AverageValue(1)), "pods metric rps");
        let object = MetricSource::Object {
            metric: "requests".into(),
            described_object: "Ingress/main".into(),
        };
        check(metric(object, MetricTarget::Value(1)), "Ingress metric requests");
        let external = MetricSource::External { metric: "sqs".into() };
        check(metric(external, MetricTarget::AverageValue(1)), "external metric sqs");
    }

    #[test]
    fn ceil_is_gos_without_a_noise_guard() {
        assert_eq!(ceil_replicas(4.000_000_000_1), 5);
        assert_eq!(ceil_replicas(4.0), 4);
        assert_eq!(ceil_replicas(-1.0), 0);
        assert_eq!(ceil_replicas(f64::NAN), 0);
        assert_eq!(ceil_replicas(f64::INFINITY), i32::MAX as u32);
    }
}
