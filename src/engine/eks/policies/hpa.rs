//! HorizontalPodAutoscaler: each metric's pods as the controller sees them (metrics-server's
//! last samples, readiness), the proposals, and one reconcile over the controller's memory.

use super::metric_sources::{object_value_milli, pods_metric_sample};
use crate::engine::eks::state::{Pod, PodPhase};
use crate::engine::world::World;
use crate::model::k8s::{ContainerSpec, HpaMetric, MetricSource, PodTemplate};
use crate::policy::k8s::hpa::{
    self, ControllerSettings, HpaHistory, HpaRules, MetricPod, MetricSample, ProposalInput, ReadyCondition, Tolerances,
};
use crate::spec::eks::{HpaControllerSettings, MetricBinding};

/// What the HPA controller remembers of one HPA between syncs, and reused buffers.
#[derive(Default)]
pub(crate) struct HpaRuntime {
    history: HpaHistory,
    pods: Vec<MetricPod>,
    /// Per revision, what its pods report for the metric at hand.
    revisions: Vec<RevisionMetric>,
    /// The metric error of the last sync, so that a failing metric is reported once.
    last_error: Option<String>,
}

/// What one sync decided: a rescale, and a metric error newly seen (for events.csv).
pub(in crate::engine::eks) struct HpaDecision {
    /// The new `spec.replicas` and Kubernetes' reason.
    pub rescale: Option<(u32, String)>,
    /// `FailedGetExternalMetric: ...`, when this sync's metric error differs from the last.
    pub new_error: Option<String>,
}

/// The controller flags as the pure HPA functions take them.
fn controller_settings(s: &HpaControllerSettings) -> ControllerSettings {
    ControllerSettings {
        tolerance: s.tolerance,
        downscale_stabilization: s.downscale_stabilization,
        cpu_initialization_period: s.cpu_initialization_period,
        initial_readiness_delay: s.initial_readiness_delay,
        metric_window: s.metric_resolution,
    }
}

/// One reconcile of HPA `index`.
pub(in crate::engine::eks) fn hpa_reconcile(world: &World<'_>, index: usize, runtime: &mut HpaRuntime) -> HpaDecision {
    let spec = &world.spec.eks.hpas[index];
    let settings = controller_settings(&world.spec.eks.hpa_controller);
    let d = &world.eks.deployments[spec.deployment];
    let status_replicas: u32 = d.replica_sets.iter().map(|rs| rs.pods.len() as u32).sum();
    let tolerances = Tolerances::for_hpa(settings.tolerance, spec.behavior.as_ref());
    let mut proposals = Vec::with_capacity(spec.metrics.len());
    for (metric, binding) in spec.metrics.iter().zip(&spec.bindings) {
        runtime.revisions.clear();
        for revision in 0..d.replica_sets.len() {
            runtime
                .revisions
                .push(revision_metric(world, spec.deployment, revision, metric));
        }
        runtime.pods.clear();
        for rs in &d.replica_sets {
            for id in &rs.pods {
                runtime
                    .pods
                    .push(metric_pod(world, &world.eks.pods[id], &runtime.revisions, binding));
            }
        }
        proposals.push(hpa::propose(&ProposalInput {
            metric,
            current_replicas: d.replicas,
            status_replicas,
            pods: &runtime.pods,
            object_value_milli: object_value_milli(world, spec, binding),
            tolerances,
            settings: &settings,
            now: world.now,
        }));
    }
    let rules = HpaRules {
        min_replicas: spec.min_replicas,
        max_replicas: spec.max_replicas,
        metrics: &spec.metrics,
        behavior: spec.behavior.as_ref(),
    };
    let tick = hpa::reconcile(
        &rules,
        &settings,
        d.replicas,
        &proposals,
        &mut runtime.history,
        world.now,
    );
    let error = tick
        .metric_error
        .as_ref()
        .map(|e| format!("{}: {}", e.reason.as_str(), e.message));
    let new_error = error.clone().filter(|e| runtime.last_error.as_ref() != Some(e));
    runtime.last_error = error;
    HpaDecision {
        rescale: tick
            .rescale_reason
            .clone()
            .filter(|_| tick.rescaled)
            .map(|reason| (tick.desired_replicas, reason)),
        new_error,
    }
}

/// What every pod of one revision reports for a Resource or ContainerResource metric: its
/// request, and metrics-server's last sample of a pod Ready before the scrape (the mean
/// utilization of a Ready pod of the revision over the window) or not (idle utilization).
/// Worked out once per revision and sync, not once per pod.
#[derive(Clone, Copy)]
struct RevisionMetric {
    /// `None` for metrics other than a resource's.
    resource: Option<ResourceFigures>,
}

#[derive(Clone, Copy)]
struct ResourceFigures {
    request_milli: Option<u64>,
    ready_value_milli: Option<u64>,
    idle_value_milli: Option<u64>,
}

fn revision_metric(world: &World<'_>, deployment: usize, revision: usize, metric: &HpaMetric) -> RevisionMetric {
    let resource = match &metric.source {
        MetricSource::Resource { name } => Some((name.as_str(), None)),
        MetricSource::ContainerResource { name, container } => Some((name.as_str(), Some(container.as_str()))),
        _ => None,
    };
    let Some((name, container)) = resource else {
        return RevisionMetric { resource: None };
    };
    let d = &world.eks.deployments[deployment];
    let spec = &world.spec.eks.deployments[deployment].revisions[revision];
    let (serving, request) = (&spec.serving, resource_request_milli(&spec.template, name, container));
    let (ready_pct, idle_pct) = match name {
        "cpu" => (d.cpu_sample_pct[revision], serving.cpu_percent(0.0)),
        _ => (d.memory_sample_pct[revision], serving.memory_percent(0.0)),
    };
    let value = |pct: f64| request.map(|r| (r as f64 * pct / 100.0).round() as u64);
    RevisionMetric {
        resource: Some(ResourceFigures {
            request_milli: request,
            ready_value_milli: value(ready_pct),
            idle_value_milli: value(idle_pct),
        }),
    }
}

/// A pod as the HPA sees it for a metric: phase, readiness and metrics-server's last sample
/// (its revision's figures; none before its containers ran at a scrape); for a Pods metric,
/// the sample its binding gives.
fn metric_pod(world: &World<'_>, pod: &Pod, revisions: &[RevisionMetric], binding: &MetricBinding) -> MetricPod {
    let scrape = world.eks.last_scrape;
    let phase = match pod.phase {
        PodPhase::Running | PodPhase::Terminating => hpa::PodPhase::Running,
        PodPhase::Pending | PodPhase::Starting => hpa::PodPhase::Pending,
    };
    let ready = pod.started.map(|started| match pod.ready_since {
        Some(since) => ReadyCondition {
            ready: true,
            last_transition: since,
        },
        None => ReadyCondition {
            ready: false,
            last_transition: started,
        },
    });
    let (request_milli, sample) = match revisions[pod.revision].resource {
        Some(figures) => {
            let ran_at_scrape = pod.started.is_some_and(|s| s < scrape) && pod.phase == PodPhase::Running;
            let value = match pod.ready_since.is_some_and(|s| s < scrape) {
                true => figures.ready_value_milli,
                false => figures.idle_value_milli,
            };
            let sample = value.filter(|_| ran_at_scrape).map(|value_milli| MetricSample {
                value_milli,
                timestamp: scrape,
            });
            (figures.request_milli, sample)
        }
        None => (None, pods_metric_sample(world, pod, binding)),
    };
    MetricPod {
        phase,
        deleting: pod.phase == PodPhase::Terminating,
        start_time: pod.started,
        ready,
        request_milli,
        sample,
    }
}

/// The pod's (or one container's) request of `resource` in milli-units (CPU millicores, memory
/// MiB x 1000); `None` when a container leaves it unset.
fn resource_request_milli(template: &PodTemplate, resource: &str, container: Option<&str>) -> Option<u64> {
    let amount = |c: &ContainerSpec| match resource {
        "cpu" => c.cpu_request_milli,
        _ => c.memory_request_mib.map(|m| m * 1000),
    };
    let mut containers = template.containers.iter().chain(&template.sidecars);
    match container {
        Some(name) => containers.find(|c| c.name == name).and_then(amount),
        None => containers.map(amount).sum(),
    }
}
