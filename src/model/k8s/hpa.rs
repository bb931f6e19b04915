//! An `autoscaling/v2` HorizontalPodAutoscaler's metrics and behavior.

/// `target` of a metric.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum MetricTarget {
    /// `type: Utilization`, `averageUtilization` percent of the pods' requests.
    Utilization(u32),
    /// `type: AverageValue`, `averageValue` per pod (milli-units: `500m` CPU = 500, `100Mi` =
    /// 100 MiB expressed in MiB × 1000, a plain number `10` = 10 000).
    AverageValue(u64),
    /// `type: Value`, `value` in milli-units.
    Value(u64),
}

/// Where a metric comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum MetricSource {
    /// `type: Resource`: `cpu` or `memory` of the whole pod.
    Resource {
        /// `cpu` or `memory`.
        name: String,
    },
    /// `type: ContainerResource`: one container's `cpu` or `memory`.
    ContainerResource {
        /// `cpu` or `memory`.
        name: String,
        /// The container.
        container: String,
    },
    /// `type: Pods`: a custom per-pod metric.
    Pods {
        /// The metric name.
        metric: String,
    },
    /// `type: Object`: a metric of one other object (an Ingress's requests per second).
    Object {
        /// The metric name.
        metric: String,
        /// `describedObject` as `Kind/name`.
        described_object: String,
    },
    /// `type: External`: a metric from outside the cluster (an SQS queue's length via KEDA).
    External {
        /// The metric name.
        metric: String,
    },
}

/// One entry of `spec.metrics`.
#[derive(Clone, Debug, PartialEq)]
pub struct HpaMetric {
    /// The source.
    pub source: MetricSource,
    /// The target.
    pub target: MetricTarget,
}

/// `type` of a scaling policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalingPolicyKind {
    /// An absolute number of pods per period.
    Pods,
    /// A percentage of the pods at the start of the period.
    Percent,
}

/// One `behavior.scaleUp/scaleDown.policies` entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HpaScalingPolicy {
    /// Pods or Percent.
    pub kind: ScalingPolicyKind,
    /// The amount, > 0.
    pub value: u32,
    /// The period, 1..=1800 s.
    pub period_s: u32,
}

/// `selectPolicy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SelectPolicy {
    /// The policy that allows the largest change (default).
    Max,
    /// The policy that allows the smallest change.
    Min,
    /// No scaling in this direction.
    Disabled,
}

/// `behavior.scaleUp` or `behavior.scaleDown`, defaults filled in.
#[derive(Clone, Debug, PartialEq)]
pub struct ScalingRules {
    /// `stabilizationWindowSeconds`; `None` on scale-down means the controller's
    /// `--horizontal-pod-autoscaler-downscale-stabilization` (300 s).
    pub stabilization_window_s: Option<u32>,
    /// `selectPolicy`.
    pub select_policy: SelectPolicy,
    /// `policies`.
    pub policies: Vec<HpaScalingPolicy>,
    /// `tolerance` (HPAConfigurableTolerance); `None` = the controller's `--horizontal-pod-autoscaler-tolerance`.
    pub tolerance: Option<f64>,
}

impl ScalingRules {
    /// The scale-up rules Kubernetes fills in when `behavior` is set (k8s-semantics 1.8).
    pub fn default_scale_up() -> ScalingRules {
        ScalingRules {
            stabilization_window_s: Some(0),
            select_policy: SelectPolicy::Max,
            policies: vec![
                HpaScalingPolicy {
                    kind: ScalingPolicyKind::Pods,
                    value: 4,
                    period_s: 15,
                },
                HpaScalingPolicy {
                    kind: ScalingPolicyKind::Percent,
                    value: 100,
                    period_s: 15,
                },
            ],
            tolerance: None,
        }
    }

    /// The scale-down rules Kubernetes fills in when `behavior` is set.
    pub fn default_scale_down() -> ScalingRules {
        ScalingRules {
            stabilization_window_s: None,
            select_policy: SelectPolicy::Max,
            policies: vec![HpaScalingPolicy {
                kind: ScalingPolicyKind::Percent,
                value: 100,
                period_s: 15,
            }],
            tolerance: None,
        }
    }
}

/// `spec.behavior`, defaults filled in field by field.
#[derive(Clone, Debug, PartialEq)]
pub struct HpaBehavior {
    /// `scaleUp`.
    pub scale_up: ScalingRules,
    /// `scaleDown`.
    pub scale_down: ScalingRules,
}
