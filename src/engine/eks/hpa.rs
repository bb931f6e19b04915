//! HorizontalPodAutoscalers: every sync period each HPA reads the pods' metrics-server samples
//! (or the Deployment's external metric), runs the controller's reconcile of
//! `policy::k8s::hpa`, and writes the Deployment's `spec.replicas`.

use super::EksEvent;
use super::policies;
use crate::engine::event::Event;
use crate::engine::world::World;
use crate::trace::{DesiredCause, EventDetail, EventKind, SinkError, TraceSink};

impl World<'_> {
    /// One sync of HPA `hpa`.
    pub(super) fn on_hpa_sync(&mut self, hpa: usize, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let spec = &self.spec.eks.hpas[hpa];
        let deployment = spec.deployment;
        let from = self.eks.deployments[deployment].replicas;
        let queues: Vec<usize> = policies::queue_deployments(spec).collect();
        for queue in queues {
            self.accumulate_eks_load(queue);
        }
        let mut runtime = std::mem::take(&mut self.eks.hpas[hpa]);
        let decision = policies::hpa_reconcile(self, hpa, &mut runtime);
        self.eks.hpas[hpa] = runtime;
        if let Some(error) = decision.new_error {
            let name = self.spec.eks.deployments[deployment].name.clone();
            let hpa_name = &self.spec.eks.hpas[hpa].name;
            let message = format!("HorizontalPodAutoscaler {hpa_name}: {error}.");
            self.log(sink, EventKind::NotScaled, name, message)?;
        }
        if let Some((to, reason)) = decision.rescale.filter(|(to, _)| *to != from) {
            self.eks.deployments[deployment].replicas = to;
            self.request_sync(deployment);
            let name = self.spec.eks.deployments[deployment].name.clone();
            let hpa_name = self.spec.eks.hpas[hpa].name.clone();
            let message = format!("HorizontalPodAutoscaler {hpa_name}: New size: {to}; reason: {reason}.");
            let detail = EventDetail::DesiredChange {
                from,
                to,
                cause: DesiredCause::HorizontalPodAutoscaler,
                name: hpa_name,
            };
            self.log_detail(sink, EventKind::ScalingActivity, name, message, detail)?;
        }
        let next = self.now + self.spec.eks.hpa_controller.sync_period;
        if next < self.end {
            self.queue.push(next, Event::Eks(EksEvent::HpaSync { hpa }));
        }
        Ok(())
    }

    /// `min_capacity` and `max_capacity` of the Deployment's services.csv rows: its HPA's
    /// minReplicas (a ScaledObject's minReplicaCount) and maxReplicas, or 0 and 0 without one.
    pub(super) fn hpa_bounds(&self, deployment: usize) -> (u32, u32) {
        self.spec
            .eks
            .hpas
            .iter()
            .find(|h| h.deployment == deployment)
            .map_or((0, 0), |h| {
                // A ScaledObject's minReplicaCount: KEDA takes the Deployment below its HPA's 1.
                let keda_min = self.spec.eks.scaled_objects.iter().find(|s| s.deployment == deployment);
                (keda_min.map_or(h.min_replicas, |s| s.min_replica_count), h.max_replicas)
            })
    }
}
