//! The Deployment and ReplicaSet controllers: a sync runs the rollout step of
//! `policy::k8s::deployment` over the Deployment's ReplicaSets, then each ReplicaSet creates or
//! deletes pods to match its `spec.replicas`; progress and the progress deadline are tracked.

use super::EksEvent;
use super::policies::{self, ReplicaSetView};
use crate::engine::event::Event;
use crate::engine::world::World;
use crate::sim::{SimDuration, SimTime};
use crate::trace::{DesiredCause, EventDetail, EventKind, SinkError, TraceSink};

impl World<'_> {
    /// Asks the Deployment controller to look at `deployment` (once, however often it is asked).
    pub(super) fn request_sync(&mut self, deployment: usize) {
        if !self.eks.deployments[deployment].sync_queued {
            self.eks.deployments[deployment].sync_queued = true;
            self.schedule_in(SimDuration::ZERO, Event::Eks(EksEvent::SyncDeployment { deployment }));
        }
    }

    /// The ReplicaSets of `deployment` as the rollout step sees them.
    fn replica_set_views(&self, deployment: usize) -> Vec<ReplicaSetView> {
        let d = &self.eks.deployments[deployment];
        let min_ready = SimDuration::from_secs(u64::from(self.spec.eks.deployments[deployment].min_ready_seconds));
        d.replica_sets
            .iter()
            .enumerate()
            .filter(|(_, rs)| rs.exists)
            .map(|(revision, rs)| {
                let (mut ready, mut available) = (0, 0);
                for id in &rs.pods {
                    if let Some(since) = self.eks.pods[id].ready_since {
                        ready += 1;
                        available += u32::from(since + min_ready < self.now || min_ready == SimDuration::ZERO);
                    }
                }
                ReplicaSetView {
                    revision,
                    is_new: revision == d.revision,
                    replicas: rs.replicas,
                    pods: rs.pods.len() as u32,
                    ready,
                    available,
                    desired_annotation: rs.desired_annotation,
                    max_annotation: rs.max_annotation,
                }
            })
            .collect()
    }

    /// One sync of the Deployment controller.
    pub(super) fn sync_deployment(&mut self, deployment: usize, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        self.eks.deployments[deployment].sync_queued = false;
        let spec = &self.spec.eks.deployments[deployment];
        let d = &self.eks.deployments[deployment];
        let current = d.revision;
        if !d.replica_sets[current].exists {
            self.eks.deployments[deployment].replica_sets[current].exists = true;
        }
        // Pods of old ReplicaSets that still exist (terminating ones too): Recreate waits for them.
        let old_pods = self
            .eks
            .pods
            .values()
            .filter(|p| p.deployment == deployment && p.revision != current)
            .count() as u32;
        let views = self.replica_set_views(deployment);
        let replicas = self.eks.deployments[deployment].replicas;
        let before: Vec<(usize, u32, u32)> = views.iter().map(|v| (v.revision, v.replicas, v.available)).collect();
        let step = policies::rollout_step(&spec.strategy, replicas, &views, old_pods);
        for change in &step.replica_sets {
            let rs = &mut self.eks.deployments[deployment].replica_sets[change.revision];
            rs.replicas = change.replicas;
            rs.desired_annotation = Some(change.desired_annotation);
            rs.max_annotation = Some(change.max_annotation);
        }
        self.reconcile_replica_sets(deployment);
        self.track_progress(deployment, &before, sink)
    }

    /// The ReplicaSet controller: each ReplicaSet creates pods up to its replicas or deletes the
    /// ones Kubernetes ranks first for deletion.
    fn reconcile_replica_sets(&mut self, deployment: usize) {
        for revision in 0..self.eks.deployments[deployment].replica_sets.len() {
            let rs = &self.eks.deployments[deployment].replica_sets[revision];
            let (want, have) = (rs.replicas as usize, rs.pods.len());
            if have < want {
                for _ in have..want {
                    self.create_pod(deployment, revision);
                }
            } else if have > want {
                let victims = policies::pods_to_delete(self, &rs.pods.clone(), have - want);
                for pod in victims {
                    self.delete_pod(pod);
                }
            }
        }
    }

    /// Updates the rollout's progress: a new ReplicaSet scaled up or more pods available is
    /// progress; all replicas updated and available completes the rollout; no progress for
    /// `progressDeadlineSeconds` reports ProgressDeadlineExceeded (and nothing else happens).
    fn track_progress(
        &mut self,
        deployment: usize,
        before: &[(usize, u32, u32)],
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        if !self.eks.deployments[deployment].rolling_out {
            return Ok(());
        }
        let after = self.replica_set_views(deployment);
        let d = &self.eks.deployments[deployment];
        let new = after.iter().find(|v| v.is_new);
        let progressed = after.iter().any(|v| {
            let was = before.iter().find(|b| b.0 == v.revision);
            v.is_new && was.is_none_or(|b| v.replicas > b.1 || v.available > b.2)
        });
        let replicas = d.replicas;
        let complete = new.is_some_and(|n| n.replicas == replicas && n.available >= replicas)
            && after.iter().filter(|v| !v.is_new).all(|v| v.replicas == 0 && v.pods == 0);
        let name = self.spec.eks.deployments[deployment].name.clone();
        if progressed {
            let d = &mut self.eks.deployments[deployment];
            d.last_progress = self.now;
            let deadline = self.spec.eks.deployments[deployment].progress_deadline_seconds;
            let at = self.now + SimDuration::from_secs(u64::from(deadline) + 1);
            self.queue.push(at, Event::Eks(EksEvent::ProgressCheck { deployment }));
        }
        if complete {
            let d = &mut self.eks.deployments[deployment];
            d.rolling_out = false;
            let revision = d.revision + 1;
            let message = format!(
                "Deployment {name} has successfully progressed: ReplicaSet {name}:{revision} is available \
                 (NewReplicaSetAvailable)."
            );
            self.log(sink, EventKind::DeploymentCompleted, name, message)?;
        }
        Ok(())
    }

    /// The progress deadline may have passed: Kubernetes sets Progressing=False with reason
    /// ProgressDeadlineExceeded and takes no other action (k8s-semantics 2.5).
    pub(super) fn check_progress_deadline(
        &mut self,
        deployment: usize,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let d = &self.eks.deployments[deployment];
        let deadline = SimDuration::from_secs(u64::from(self.spec.eks.deployments[deployment].progress_deadline_seconds));
        if !d.rolling_out || d.deadline_exceeded || self.now < d.last_progress + deadline + SimDuration::from_secs(1) {
            return Ok(());
        }
        let quiet_s = self.now.since(d.last_progress).as_secs_f64().round();
        self.eks.deployments[deployment].deadline_exceeded = true;
        let name = self.spec.eks.deployments[deployment].name.clone();
        let message = format!(
            "Deployment {name} has timed out progressing (Progressing=False, reason ProgressDeadlineExceeded) \
             {quiet_s} s after its last progress; Kubernetes takes no further action and does not roll back."
        );
        self.log(sink, EventKind::DeploymentStalled, name, message)
    }

    /// `kubectl apply` of a new template and/or `kubectl scale` (a timeline `updateDeployment`).
    pub(crate) fn eks_update_deployment(
        &mut self,
        deployment: usize,
        revision: Option<usize>,
        replicas: Option<u32>,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let name = self.spec.eks.deployments[deployment].name.clone();
        if let Some(to) = replicas {
            let from = self.eks.deployments[deployment].replicas;
            self.eks.deployments[deployment].replicas = to;
            let detail = EventDetail::DesiredChange {
                from,
                to,
                cause: DesiredCause::UpdateService,
                name: String::new(),
            };
            let message = format!("kubectl scale: Deployment {name} spec.replicas {from} -> {to}.");
            self.log_detail(sink, EventKind::ServiceUpdate, name.clone(), message, detail)?;
        }
        if let Some(revision) = revision.filter(|r| *r != self.eks.deployments[deployment].revision) {
            let d = &mut self.eks.deployments[deployment];
            d.revision = revision;
            d.rolling_out = true;
            d.deadline_exceeded = false;
            d.last_progress = self.now;
            let deadline = self.spec.eks.deployments[deployment].progress_deadline_seconds;
            let at = self.now + SimDuration::from_secs(u64::from(deadline) + 1);
            self.queue.push(at, Event::Eks(EksEvent::ProgressCheck { deployment }));
            let detail = EventDetail::Deployment {
                task_definition: format!("{name}:{}", revision + 1),
            };
            let message = format!(
                "Deployment {name} rolls out ReplicaSet {name}:{} ({}).",
                revision + 1,
                policies::strategy_text(&self.spec.eks.deployments[deployment].strategy, self.eks.deployments[deployment].replicas)
            );
            self.log_detail(sink, EventKind::DeploymentStarted, name, message, detail)?;
        }
        self.request_sync(deployment);
        Ok(())
    }

    /// Creates every Deployment's first ReplicaSet at time zero.
    pub(super) fn start_deployments(&mut self) {
        for deployment in 0..self.eks.deployments.len() {
            self.eks.deployments[deployment].last_progress = SimTime::ZERO;
            self.request_sync(deployment);
        }
    }
}
