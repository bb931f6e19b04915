//! kube-scheduler passes: pending pods in priority and creation order, each bound to the node
//! `policy::k8s::scheduler` picks, or left Pending with the scheduler's reason. A pass runs
//! when a pod is created, a node turns Ready or a pod leaves a node (k8s-semantics 4.1, 9.6).

use std::collections::BTreeMap;

use super::EksEvent;
use super::policies;
use crate::engine::event::Event;
use crate::engine::world::World;
use crate::sim::SimDuration;
use crate::trace::{EventKind, SinkError, TraceSink};

impl World<'_> {
    /// Asks for a scheduler pass (once, however often it is asked).
    pub(super) fn request_schedule(&mut self) {
        if !self.eks.schedule_queued {
            self.eks.schedule_queued = true;
            self.schedule_in(SimDuration::ZERO, Event::Eks(EksEvent::Schedule));
        }
    }

    /// One pass over the pending pods.
    pub(super) fn schedule_pending(&mut self, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        self.eks.schedule_queued = false;
        let mut pending: Vec<(i32, u64, u64)> = self
            .eks
            .pods
            .pending()
            .filter(|(_, p)| p.fargate.is_none())
            .map(|(id, p)| {
                let priority = self.spec.eks.deployments[p.deployment].revisions[p.revision]
                    .template
                    .priority;
                (-priority, p.created.0, id)
            })
            .collect();
        pending.sort_unstable();
        let pods: Vec<u64> = pending.iter().map(|(_, _, id)| *id).collect();
        let results = policies::schedule_pods(self, &pods);
        // Newly unschedulable pods per Deployment, with the scheduler's message.
        let mut failed: BTreeMap<usize, (u32, String)> = BTreeMap::new();
        let mut newly_unschedulable = 0;
        for (pod, result) in pods.into_iter().zip(results) {
            match result {
                Ok(node) => self.bind_pod(pod, node),
                Err(message) => {
                    let p = self.eks.pods.get_mut(pod).expect("pending pod");
                    if p.unschedulable.is_none() {
                        newly_unschedulable += 1;
                        let entry = failed.entry(p.deployment).or_insert((0, String::new()));
                        entry.0 += 1;
                        entry.1.clone_from(&message);
                    }
                    p.unschedulable = Some(message);
                }
            }
        }
        for (deployment, (count, message)) in failed {
            let name = self.spec.eks.deployments[deployment].name.clone();
            let text = format!("{count} pod(s) of {name} are Pending (PodScheduled=False, Unschedulable): {message}");
            self.log(sink, EventKind::PlacementFailure, name, text)?;
        }
        if newly_unschedulable > 0 {
            self.on_pods_unschedulable();
        }
        Ok(())
    }
}
