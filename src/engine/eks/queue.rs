//! Queue workers and custom metrics of Deployments: the SQS queue a worker Deployment's Ready
//! pods drain (`workload::MessageQueue`, the same exact fluid FIFO queue as an ECS worker
//! service's), its attributes as KEDA and an external-metrics adapter read them, and the
//! requests-per-second window that Pods and Object metrics sample at each metrics-server scrape.

use super::state::DeploymentState;
use crate::engine::world::World;
use crate::sim::SimDuration;
use crate::spec::eks::{DeploymentSpec, QueueAttribute};

/// Requests per second arriving at a Deployment, and per Ready pod, integrated since the last
/// scrape; the scrape's window means are what Pods and Object metrics read (k8s-semantics
/// 1.11's freshness: the mean over the last window, up to one window old).
#[derive(Clone, Debug, Default)]
pub(crate) struct RequestWindow {
    /// Demand x ms since the last scrape.
    demand_rps_ms: f64,
    /// Demand per Ready pod x ms since the last scrape.
    per_pod_rps_ms: f64,
    /// The last scrape's mean demand, requests per second.
    pub demand_sample_rps: f64,
    /// The last scrape's mean demand per Ready pod.
    pub per_pod_sample_rps: f64,
}

impl RequestWindow {
    /// Adds `elapsed_ms` of constant demand and Ready pods.
    pub fn add(&mut self, elapsed_ms: u64, demand_rps: f64, per_pod_rps: f64) {
        self.demand_rps_ms += demand_rps * elapsed_ms as f64;
        self.per_pod_rps_ms += per_pod_rps * elapsed_ms as f64;
    }

    /// Closes a scrape window of `window_ms`: its means become the samples.
    pub fn scrape(&mut self, window_ms: u64) {
        if window_ms > 0 {
            self.demand_sample_rps = self.demand_rps_ms / window_ms as f64;
            self.per_pod_sample_rps = self.per_pod_rps_ms / window_ms as f64;
        }
        self.demand_rps_ms = 0.0;
        self.per_pod_rps_ms = 0.0;
    }
}

/// Messages per second a Deployment's Ready pods process at most: each pod its revision's
/// `messagesPerSecondPerPod`.
pub(super) fn worker_capacity(spec: &DeploymentSpec, d: &DeploymentState) -> f64 {
    d.replica_sets
        .iter()
        .zip(&spec.revisions)
        .map(|(rs, r)| f64::from(rs.ready) * r.messages_per_second_per_pod.unwrap_or(0.0).max(0.0))
        .sum()
}

/// A worker's pods over `elapsed_ms` of constant demand: the messages they process per second
/// and their capacity (the queue advances: exact at every event, as ECS's).
pub(super) fn drain_queue(
    spec: &DeploymentSpec,
    d: &mut DeploymentState,
    elapsed_ms: u64,
    load_step: SimDuration,
) -> Option<(f64, f64)> {
    d.queue.as_ref()?;
    let capacity = worker_capacity(spec, d);
    let step_started_ms = d.accumulated_until.floor_to(load_step).as_millis();
    let demand = d.demand_rps.max(0.0);
    let queue = d.queue.as_mut()?;
    let drained = queue.advance(step_started_ms, elapsed_ms, demand, capacity);
    Some((drained.processed_per_s, capacity))
}

impl World<'_> {
    /// The value of a queue attribute of Deployment `deployment`'s queue now, as SQS reports it
    /// (`GetQueueAttributes`: whole messages, or seconds). Messages in flight are those the
    /// Ready pods are processing: each busy pod holds one, so they are the pods' busy share
    /// (all of them while messages wait, else the arrivals over the capacity). No delay queue
    /// is modelled: `Delayed` is 0. The caller has accumulated the Deployment's load up to now.
    pub(crate) fn queue_attribute(&self, deployment: usize, attribute: QueueAttribute) -> u64 {
        let spec = &self.spec.eks.deployments[deployment];
        let d = &self.eks.deployments[deployment];
        let Some(queue) = d.queue.as_ref() else { return 0 };
        let value = match attribute {
            QueueAttribute::Visible => queue.visible(),
            QueueAttribute::AgeOfOldestMessage => queue.oldest_message_age_s(self.now.0),
            QueueAttribute::Delayed => 0.0,
            QueueAttribute::NotVisible => {
                let capacity = worker_capacity(spec, d);
                let ready: u32 = d.replica_sets.iter().map(|rs| rs.ready).sum();
                let busy_share = match (capacity > 0.0, queue.visible() > 0.0) {
                    (false, _) => 0.0,
                    (true, true) => 1.0,
                    (true, false) => (d.demand_rps.max(0.0) / capacity).min(1.0),
                };
                busy_share * f64::from(ready)
            }
        };
        // SQS counts whole messages; the fluid queue rounds to the nearest.
        value.round().max(0.0) as u64
    }

    /// The sum of `attributes` of Deployment `deployment`'s queue now.
    pub(crate) fn queue_attributes_sum(&self, deployment: usize, attributes: &[QueueAttribute]) -> u64 {
        attributes.iter().map(|a| self.queue_attribute(deployment, *a)).sum()
    }

    /// `queue_depth` and `oldest_message_age_s` of a Deployment's services.csv row (empty
    /// without a queue); its load is accumulated up to now.
    pub(super) fn deployment_queue_columns(&self, deployment: usize) -> (Option<f64>, Option<f64>) {
        match &self.eks.deployments[deployment].queue {
            Some(q) => (Some(q.visible()), Some(q.oldest_message_age_s(self.now.0))),
            None => (None, None),
        }
    }
}
