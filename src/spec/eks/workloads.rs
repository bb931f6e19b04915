//! The workloads of an EKS cluster: Deployments, their HPAs and PodDisruptionBudgets.

use super::MetricBinding;
use crate::model::k8s::{DeploymentStrategy, DisruptionBudget, HpaBehavior, HpaMetric, LabelSelector, PodTemplate};
use crate::spec::WorkerQueue;
use crate::workload::{LoadProfile, ServingModel};

/// One revision of a Deployment's pod template: the first is what the cluster runs at time
/// zero; a timeline `updateDeployment` rolls out a later one.
#[derive(Clone, Debug)]
pub struct PodRevision {
    /// The pod template.
    pub template: PodTemplate,
    /// How a pod of this revision serves requests (`behavior.deployments`).
    pub serving: ServingModel,
    /// Simulator setting: the revision's pods never pass their readiness probe (a bad image).
    pub never_ready: bool,
    /// Seconds from container start until the app answers its probes (default 0).
    pub app_start_s: u32,
    /// A queue worker's pods: messages one pod processes per second at full CPU
    /// (`messagesPerSecondPerPod`; required when the Deployment consumes a queue).
    pub messages_per_second_per_pod: Option<f64>,
}

/// An `apps/v1` Deployment.
#[derive(Clone, Debug)]
pub struct DeploymentSpec {
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace` (default `default`).
    pub namespace: String,
    /// `spec.replicas` at time zero (default 1).
    pub replicas: u32,
    /// `spec.selector`.
    pub selector: LabelSelector,
    /// The revisions: `[0]` is `spec.template`; later ones come from the timeline.
    pub revisions: Vec<PodRevision>,
    /// `spec.strategy`.
    pub strategy: DeploymentStrategy,
    /// `spec.minReadySeconds` (0).
    pub min_ready_seconds: u32,
    /// `spec.progressDeadlineSeconds` (600).
    pub progress_deadline_seconds: u32,
    /// `spec.revisionHistoryLimit` (10).
    pub revision_history_limit: u32,
    /// The requests this Deployment's pods serve (`load.<name>`); for a queue worker, the
    /// messages per second arriving on its queue.
    pub load: Option<LoadProfile>,
    /// The SQS queue a worker Deployment consumes (`load.<name>.messagesPerSecond`, named by
    /// `queueName` or after the Deployment), as an ECS worker service does.
    pub queue: Option<WorkerQueue>,
}

/// An `autoscaling/v2` HorizontalPodAutoscaler.
#[derive(Clone, Debug)]
pub struct HpaSpec {
    /// `metadata.name`.
    pub name: String,
    /// Index into `EksSpec::deployments` of `spec.scaleTargetRef`.
    pub deployment: usize,
    /// `spec.minReplicas` (1).
    pub min_replicas: u32,
    /// `spec.maxReplicas`.
    pub max_replicas: u32,
    /// `spec.metrics` (default: CPU Utilization 80 %).
    pub metrics: Vec<HpaMetric>,
    /// `spec.behavior` with its defaults filled in; `None` = the legacy path.
    pub behavior: Option<HpaBehavior>,
    /// What serves each of `metrics`, in the same order.
    pub bindings: Vec<MetricBinding>,
}

/// A `policy/v1` PodDisruptionBudget.
#[derive(Clone, Debug)]
pub struct PdbSpec {
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace`.
    pub namespace: String,
    /// `spec.selector`.
    pub selector: LabelSelector,
    /// `spec.minAvailable` or `spec.maxUnavailable`.
    pub budget: DisruptionBudget,
}
