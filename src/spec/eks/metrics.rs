//! Where an HPA's Pods, Object and External metrics come from, and KEDA's ScaledObjects: on a
//! cluster an adapter (prometheus-adapter, KEDA's metrics server) serves them; in a scenario
//! the data comes from the Deployments' load and queues.

use crate::sim::SimDuration;

/// An attribute of an SQS queue (`GetQueueAttributes`), as KEDA's `aws-sqs-queue` scaler and
/// a CloudWatch adapter read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum QueueAttribute {
    /// `ApproximateNumberOfMessages` (CloudWatch: `ApproximateNumberOfMessagesVisible`):
    /// messages waiting.
    Visible,
    /// `ApproximateNumberOfMessagesNotVisible`: messages received by a worker and not yet
    /// deleted (in flight).
    NotVisible,
    /// `ApproximateNumberOfMessagesDelayed`: messages in a delay period (none: ecsim's queues
    /// have no delay).
    Delayed,
    /// `ApproximateAgeOfOldestMessage`, seconds.
    AgeOfOldestMessage,
}

impl QueueAttribute {
    /// Every attribute with its SQS names (the `GetQueueAttributes` name first).
    pub const NAMES: &'static [(&'static str, QueueAttribute)] = &[
        ("ApproximateNumberOfMessages", QueueAttribute::Visible),
        ("ApproximateNumberOfMessagesVisible", QueueAttribute::Visible),
        ("ApproximateNumberOfMessagesNotVisible", QueueAttribute::NotVisible),
        ("ApproximateNumberOfMessagesDelayed", QueueAttribute::Delayed),
        ("ApproximateAgeOfOldestMessage", QueueAttribute::AgeOfOldestMessage),
    ];
}

/// What serves one `spec.metrics` entry of an HPA.
#[derive(Clone, Debug, PartialEq)]
pub enum MetricBinding {
    /// Resource and ContainerResource metrics: metrics-server.
    MetricsServer,
    /// Nothing in the scenario serves it: the HPA fails to get it (`FailedGet*Metric`).
    Unbound,
    /// An External metric read from the queue a Deployment consumes: the sum of `attributes`,
    /// in whole messages (or seconds of age).
    Queue {
        /// Index into `EksSpec::deployments` of the queue's consumer.
        deployment: usize,
        /// The attributes summed.
        attributes: Vec<QueueAttribute>,
        /// KEDA with `useCachedMetrics`: the value of the last poll of this ScaledObject
        /// (index into `EksSpec::scaled_objects`) instead of the queue at the HPA's sync.
        cached_by: Option<usize>,
    },
    /// A Pods metric named `...requests_per_second`: requests per second each Ready pod of
    /// the HPA's Deployment receives, averaged over metrics-server's window.
    PodRequestsPerSecond,
    /// An Object metric named `...requests_per_second` (an Ingress's, a Service's): requests per
    /// second arriving at the HPA's Deployment, averaged over the same window.
    DeploymentRequestsPerSecond,
}

/// A `keda.sh/v1alpha1` ScaledObject with one `aws-sqs-queue` trigger: the HPA it creates is
/// in `EksSpec::hpas` (`hpa`); this is KEDA's own loop, which scales 0 <-> 1 (k8s-semantics
/// 1.10).
#[derive(Clone, Debug, PartialEq)]
pub struct ScaledObjectSpec {
    /// `metadata.name`.
    pub name: String,
    /// Index into `EksSpec::deployments` of `scaleTargetRef`.
    pub deployment: usize,
    /// Index into `EksSpec::hpas` of the HPA KEDA creates (`keda-hpa-<name>`).
    pub hpa: usize,
    /// `pollingInterval` (30 s): how often KEDA checks whether the trigger is active.
    pub polling_interval: SimDuration,
    /// `cooldownPeriod` (300 s): how long after the trigger was last active KEDA scales to 0.
    pub cooldown_period: SimDuration,
    /// `initialCooldownPeriod` (0 s): no scaling to 0 this long after the ScaledObject is created.
    pub initial_cooldown_period: SimDuration,
    /// `minReplicaCount` (0): 0 lets KEDA scale the Deployment to zero.
    pub min_replica_count: u32,
    /// `activationQueueLength` (0): the trigger is active when the counted messages are above it.
    pub activation_queue_length: u64,
    /// Index into `EksSpec::deployments` of the queue's consumer, and the attributes counted
    /// (`ApproximateNumberOfMessages`, `+NotVisible` with `scaleOnInFlight`, `+Delayed` with
    /// `scaleOnDelayed`).
    pub queue_deployment: usize,
    /// The attributes counted.
    pub attributes: Vec<QueueAttribute>,
}
