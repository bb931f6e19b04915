//! Pods: created by a ReplicaSet, bound by the scheduler (or placed on Fargate), started after
//! the image pull, Ready when the readiness probe passes, deleted with a grace period.

use rand::RngExt;

use super::EksEvent;
use super::policies;
use super::state::{Node, Pod, PodPhase};
use crate::engine::event::Event;
use crate::engine::world::World;
use crate::sim::{SimDuration, SimTime};
use crate::trace::{SinkError, TaskRecord, TraceSink};

impl World<'_> {
    /// A ReplicaSet creates a pod of `revision`: on Fargate if a profile selects it, else
    /// Pending for the scheduler.
    pub(super) fn create_pod(&mut self, deployment: usize, revision: usize) -> u64 {
        let spec = &self.spec.eks.deployments[deployment];
        let template = &spec.revisions[revision].template;
        let id = self.eks.next_pod;
        self.eks.next_pod += 1;
        self.eks.pods_created += 1;
        let fargate = policies::fargate_profile(&self.spec.eks.fargate_profiles, &spec.namespace, &template.labels);
        let sized = fargate.map(|_| policies::fargate_size(template));
        let (requests, fargate_usd_per_hour) = match sized {
            Some(Some(size)) => size,
            _ => (template.requests(), 0.0),
        };
        let non_zero_requests = match fargate {
            Some(_) => requests,
            None => template.non_zero_requests(),
        };
        self.eks.pods.insert(
            id,
            Pod {
                deployment,
                revision,
                phase: PodPhase::Pending,
                node: None,
                fargate,
                requests,
                non_zero_requests,
                created: self.now,
                started: None,
                ready_since: None,
                unschedulable: None,
                generation: 0,
                fargate_usd_per_hour,
            },
        );
        self.eks.deployments[deployment].replica_sets[revision].pods.push(id);
        match (fargate, sized) {
            (Some(_), Some(None)) => {
                let pod = self.eks.pods.get_mut(id).expect("just inserted");
                pod.unschedulable = Some("Fargate: no Fargate size holds the pod's requests".into());
            }
            (Some(_), _) => {
                let t = &self.spec.eks.timings;
                let (lo, hi) = (t.fargate_start_min.as_millis(), t.fargate_start_max.as_millis());
                let start = self.eks.rng_nodes.random_range(lo..=hi.max(lo)) + t.image_pull.as_millis();
                self.eks.pods.set_phase(id, PodPhase::Starting);
                self.schedule_in(
                    SimDuration::from_millis(start),
                    Event::Eks(EksEvent::PodStarted { pod: id, generation: 0 }),
                );
            }
            (None, _) => self.request_schedule(),
        }
        id
    }

    /// The scheduler bound `pod` to `node`: the node's resources are taken and the image pull
    /// starts.
    pub(super) fn bind_pod(&mut self, pod: u64, node: usize) {
        self.accrue_node_cost(node);
        self.eks.pods.set_phase(pod, PodPhase::Starting);
        let p = self.eks.pods.get_mut(pod).expect("binding a live pod");
        p.node = Some(node);
        p.unschedulable = None;
        p.generation += 1;
        let (requests, non_zero, generation) = (p.requests, p.non_zero_requests, p.generation);
        let n = &mut self.eks.nodes[node];
        n.requested = n.requested.plus(requests);
        n.nonzero_requested = n.nonzero_requested.plus(non_zero);
        n.pods.push(pod);
        n.last_pod_change = self.now;
        let pull = self.spec.eks.timings.image_pull;
        self.schedule_in(pull, Event::Eks(EksEvent::PodStarted { pod, generation }));
    }

    /// The containers started: Running, and Ready when the readiness probe first passes.
    pub(super) fn on_pod_started(&mut self, pod: u64, generation: u32) {
        let Some(p) = self.eks.pods.get_mut(pod) else {
            return;
        };
        if p.generation != generation || p.phase != PodPhase::Starting {
            return;
        }
        p.phase = PodPhase::Running;
        p.started = Some(self.now);
        p.generation += 1;
        let generation = p.generation;
        let (deployment, revision) = (p.deployment, p.revision);
        // The phase changed before the stretch is closed, so the stretch counts this pod
        // Running (as the recount this counter replaced did).
        self.eks.deployments[deployment].replica_sets[revision].running_not_ready += 1;
        self.accumulate_eks_load(deployment);
        let r = &self.spec.eks.deployments[deployment].revisions[revision];
        if let Some(delay) = policies::ready_delay(r) {
            self.schedule_in(delay, Event::Eks(EksEvent::PodReady { pod, generation }));
        }
        self.request_sync(deployment);
    }

    /// The readiness probe passed.
    pub(super) fn on_pod_ready(&mut self, pod: u64, generation: u32) {
        let Some(p) = self.eks.pods.get(pod) else {
            return;
        };
        if p.generation != generation || p.phase != PodPhase::Running {
            return;
        }
        let (deployment, revision) = (p.deployment, p.revision);
        self.accumulate_eks_load(deployment);
        self.eks.pods.get_mut(pod).expect("checked").ready_since = Some(self.now);
        let rs = &mut self.eks.deployments[deployment].replica_sets[revision];
        rs.running_not_ready -= 1;
        rs.ready += 1;
        self.request_sync(deployment);
        // minReadySeconds: the Deployment counts the pod available only later.
        let min_ready = self.spec.eks.deployments[deployment].min_ready_seconds;
        if min_ready > 0 {
            let at = self.now + SimDuration::from_secs(u64::from(min_ready)) + SimDuration::from_millis(1);
            self.queue.push(at, Event::Eks(EksEvent::SyncDeployment { deployment }));
        }
    }

    /// Deletes a pod (its ReplicaSet scaled down, or an eviction): it stops counting and serving
    /// at once and holds its node until its containers exit.
    pub(super) fn delete_pod(&mut self, pod: u64) {
        let Some(p) = self.eks.pods.get(pod) else {
            return;
        };
        if p.phase == PodPhase::Terminating {
            return;
        }
        let (deployment, revision) = (p.deployment, p.revision);
        let (ready, running) = (p.is_ready(), p.phase == PodPhase::Running);
        self.accumulate_eks_load(deployment);
        let rs = &mut self.eks.deployments[deployment].replica_sets[revision];
        rs.pods.retain(|id| *id != pod);
        if ready {
            rs.ready -= 1;
        } else if running {
            rs.running_not_ready -= 1;
        }
        self.eks.pods.set_phase(pod, PodPhase::Terminating);
        let p = self.eks.pods.get_mut(pod).expect("checked");
        let was_bound = p.node.is_some() || p.fargate.is_some();
        p.ready_since = None;
        p.generation += 1;
        let template = &self.spec.eks.deployments[deployment].revisions[revision].template;
        let exit = match was_bound {
            true => policies::termination_time(template),
            false => SimDuration::ZERO,
        };
        self.schedule_in(exit, Event::Eks(EksEvent::PodGone { pod }));
        self.request_sync(deployment);
    }

    /// A terminating pod's containers exited: it frees its node and leaves the cluster.
    pub(super) fn on_pod_gone(&mut self, pod: u64, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        if let Some(node) = self.eks.pods.get(pod).and_then(|p| p.node) {
            self.accrue_node_cost(node);
        }
        let Some(p) = self.eks.pods.remove(pod) else {
            return Ok(());
        };
        self.release_node(pod, &p);
        self.write_pod_row(pod, &p, Some(self.now), "Deleted", sink)?;
        if let Some(f) = p.fargate {
            let cost = fargate_cost(&p, self.now);
            self.eks.fargate_cost_done[f] += cost;
            self.eks.fargate_cost_by_deployment[p.deployment] += cost;
        }
        self.request_schedule();
        Ok(())
    }

    /// The pod's node went away under it: the pod is gone (its ReplicaSet replaces it).
    pub(super) fn pod_lost(&mut self, pod: u64, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let Some(p) = self.eks.pods.get(pod) else {
            return Ok(());
        };
        let deployment = p.deployment;
        if p.phase != PodPhase::Terminating {
            self.delete_pod(pod);
        }
        self.request_sync(deployment);
        let Some(mut p) = self.eks.pods.remove(pod) else {
            return Ok(());
        };
        p.node = None;
        self.write_pod_row(pod, &p, Some(self.now), "NodeTerminated", sink)
    }

    fn release_node(&mut self, pod: u64, p: &Pod) {
        let Some(node) = p.node else {
            return;
        };
        let Some(n) = self.eks.nodes.get_mut(node) else {
            return;
        };
        n.requested = n.requested.saturating_minus(p.requests);
        n.nonzero_requested = n.nonzero_requested.saturating_minus(p.non_zero_requests);
        n.pods.retain(|id| *id != pod);
        n.last_pod_change = self.now;
    }

    /// Writes the `tasks.csv` row of a pod.
    pub(super) fn write_pod_row(
        &self,
        pod: u64,
        p: &Pod,
        stopped: Option<SimTime>,
        reason: &str,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let node = p.node.map(|n| &self.eks.nodes[n]);
        self.write_pod_row_on(pod, p, node, stopped, reason, sink)
    }

    /// A `tasks.csv` row for pod `pod` on `node` (which may have left the node table).
    pub(super) fn write_pod_row_on(
        &self,
        pod: u64,
        p: &Pod,
        node: Option<&Node>,
        stopped: Option<SimTime>,
        reason: &str,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let eks = &self.spec.eks;
        let d = &eks.deployments[p.deployment];
        let label = format!("{}:{}", d.name, p.revision + 1);
        let provider = match (node, p.fargate) {
            (Some(n), _) => self.node_source_name(n.source),
            (None, Some(f)) => eks.fargate_profiles[f].name.as_str(),
            (None, None) => "",
        };
        sink.task(&TaskRecord {
            task_id: pod,
            service: &d.name,
            task_definition: &label,
            capacity_provider: provider,
            instance_id: node.map(|n| n.name.as_str()),
            availability_zone: node.map(|n| self.spec.availability_zones[n.zone].as_str()),
            host_ports: &[],
            created_ms: p.created.0,
            running_ms: p.started.map(|t| t.0),
            stopped_ms: stopped.map(|t| t.0),
            stop_reason: if stopped.is_some() { reason } else { "" },
        })
    }
}

/// What a Fargate pod cost from its start until `now` (per second, one-minute minimum).
pub(super) fn fargate_cost(p: &Pod, now: SimTime) -> f64 {
    let Some(started) = p.started.or(Some(p.created)) else {
        return 0.0;
    };
    let ran = now.since(started).as_millis().max(60_000);
    p.fargate_usd_per_hour * ran as f64 / 3_600_000.0
}
