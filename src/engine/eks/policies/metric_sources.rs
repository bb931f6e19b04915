//! What the HPA controller reads for Pods, Object and External metrics, from the binding the
//! scenario gave each metric (`spec::eks::MetricBinding`): a queue's attributes, live at the
//! sync or as KEDA's last poll cached them, or the Deployment's requests per second as the last
//! metrics-server window averaged them. An unbound metric has no value, as on a cluster where
//! no adapter serves it.

use crate::engine::eks::state::{Pod, PodPhase};
use crate::engine::world::World;
use crate::policy::k8s::hpa::MetricSample;
use crate::spec::eks::{HpaSpec, MetricBinding};

/// Milli-units of a per-second rate.
fn milli(rate: f64) -> u64 {
    (rate.max(0.0) * 1000.0).round() as u64
}

/// An Object or External metric's value in milli-units; `None` when nothing serves it.
pub(super) fn object_value_milli(world: &World<'_>, hpa: &HpaSpec, binding: &MetricBinding) -> Option<u64> {
    match binding {
        MetricBinding::Queue {
            cached_by: Some(scaled_object),
            ..
        } => world.eks.keda[*scaled_object].cached_milli,
        MetricBinding::Queue {
            deployment,
            attributes,
            cached_by: None,
        } => Some(world.queue_attributes_sum(*deployment, attributes).saturating_mul(1000)),
        MetricBinding::DeploymentRequestsPerSecond => {
            Some(milli(world.eks.deployments[hpa.deployment].requests.demand_sample_rps))
        }
        MetricBinding::PodRequestsPerSecond | MetricBinding::MetricsServer | MetricBinding::Unbound => None,
    }
}

/// A pod's sample of a Pods metric: the requests per second it received over the last
/// metrics-server window (the Deployment's mean per Ready pod; none for a pod not Ready then),
/// stamped with the scrape; none for a pod not running at the scrape or an unbound metric.
pub(super) fn pods_metric_sample(world: &World<'_>, pod: &Pod, binding: &MetricBinding) -> Option<MetricSample> {
    if *binding != MetricBinding::PodRequestsPerSecond {
        return None;
    }
    let scrape = world.eks.last_scrape;
    let ran_at_scrape = pod.started.is_some_and(|s| s < scrape) && pod.phase == PodPhase::Running;
    if !ran_at_scrape {
        return None;
    }
    let ready_at_scrape = pod.ready_since.is_some_and(|s| s < scrape);
    let rate = match ready_at_scrape {
        true => world.eks.deployments[pod.deployment].requests.per_pod_sample_rps,
        false => 0.0,
    };
    Some(MetricSample {
        value_milli: milli(rate),
        timestamp: scrape,
    })
}

/// The Deployments whose queues an HPA's metrics read live: their load is brought up to now
/// before the sync.
pub(in crate::engine::eks) fn queue_deployments(hpa: &HpaSpec) -> impl Iterator<Item = usize> + '_ {
    hpa.bindings.iter().filter_map(|b| match b {
        MetricBinding::Queue {
            deployment,
            cached_by: None,
            ..
        } => Some(*deployment),
        _ => None,
    })
}
