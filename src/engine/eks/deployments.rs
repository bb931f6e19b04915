//! The Deployment and ReplicaSet controllers: a sync runs `policy::k8s::deployment::sync` over
//! the Deployment's ReplicaSets until it settles, each ReplicaSet creating or deleting pods to
//! match its `spec.replicas` after every step; progress and the progress deadline are tracked.

use super::EksEvent;
use super::policies;
use crate::engine::event::Event;
use crate::engine::world::World;
use crate::policy::k8s::deployment::{self, DeploymentTarget};
use crate::sim::{SimDuration, SimTime};
use crate::trace::{DesiredCause, EventDetail, EventKind, SinkError, TraceSink};

/// Syncs one Deployment settles in; Kubernetes needs at most a handful (scale event, new RS,
/// old RSs).
const MAX_STEPS_PER_SYNC: usize = 16;

impl World<'_> {
    /// Asks the Deployment controller to look at `deployment` (once, however often it is asked).
    pub(super) fn request_sync(&mut self, deployment: usize) {
        if !self.eks.deployments[deployment].sync_queued {
            self.eks.deployments[deployment].sync_queued = true;
            self.schedule_in(SimDuration::ZERO, Event::Eks(EksEvent::SyncDeployment { deployment }));
        }
    }

    /// One sync of the Deployment controller, settled: after every step that changes a
    /// ReplicaSet, the ReplicaSet controller creates or deletes pods and the controller syncs
    /// again.
    pub(super) fn sync_deployment(&mut self, deployment: usize, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        self.eks.deployments[deployment].sync_queued = false;
        let current = self.eks.deployments[deployment].revision;
        self.eks.deployments[deployment].replica_sets[current].exists = true;
        let before = self.new_replica_set_progress(deployment);
        for _ in 0..MAX_STEPS_PER_SYNC {
            let old_pods_remaining =
                self.eks
                    .pods
                    .count_where(|p| p.deployment == deployment && p.revision != current) as u32;
            let target = DeploymentTarget {
                replicas: self.eks.deployments[deployment].replicas,
                strategy: self.spec.eks.deployments[deployment].strategy,
                old_pods_remaining,
            };
            let (revisions, mut records): (Vec<usize>, Vec<_>) =
                policies::replica_set_records(self, deployment).into_iter().unzip();
            let step = if self.eks.deployments[deployment].paused {
                deployment::sync_paused(&target, &mut records)
            } else {
                deployment::sync(&target, &mut records)
            };
            for (revision, record) in revisions.iter().zip(&records) {
                let rs = &mut self.eks.deployments[deployment].replica_sets[*revision];
                rs.replicas = record.replicas;
                rs.desired_annotation = record.desired_replicas;
                rs.max_annotation = record.max_replicas;
            }
            self.reconcile_replica_sets(deployment);
            if !step.changed() {
                break;
            }
        }
        self.track_progress(deployment, before, sink)
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
                let pods = rs.pods.clone();
                for pod in policies::pods_to_delete(self, deployment, &pods, have - want) {
                    self.delete_pod(pod);
                }
            }
        }
    }

    /// The new ReplicaSet's (replicas, available pods): a rollout progresses when either grows.
    fn new_replica_set_progress(&self, deployment: usize) -> (u32, u32) {
        let d = &self.eks.deployments[deployment];
        let min_ready = self.spec.eks.deployments[deployment].min_ready_seconds;
        let rs = &d.replica_sets[d.revision];
        let available = rs
            .pods
            .iter()
            .filter(|id| deployment::is_available(self.eks.pods[id].ready_since, min_ready, self.now))
            .count() as u32;
        (rs.replicas, available)
    }

    /// Updates the rollout's progress: the new ReplicaSet scaled up or more of its pods available
    /// is progress; all replicas updated and available, with no old pod left, completes it.
    fn track_progress(
        &mut self,
        deployment: usize,
        before: (u32, u32),
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        // A paused Deployment's status keeps no progress (reason DeploymentPaused).
        if !self.eks.deployments[deployment].rolling_out || self.eks.deployments[deployment].paused {
            return Ok(());
        }
        let after = self.new_replica_set_progress(deployment);
        if after.0 > before.0 || after.1 > before.1 {
            self.eks.deployments[deployment].last_progress = self.now;
            let deadline = self.spec.eks.deployments[deployment].progress_deadline_seconds;
            let at = self.now + SimDuration::from_secs(u64::from(deadline) + 1);
            self.queue.push(at, Event::Eks(EksEvent::ProgressCheck { deployment }));
        }
        let d = &self.eks.deployments[deployment];
        let old_left = d
            .replica_sets
            .iter()
            .enumerate()
            .any(|(r, rs)| r != d.revision && (rs.replicas > 0 || !rs.pods.is_empty()));
        let terminating_old = self
            .eks
            .pods
            .count_where(|p| p.deployment == deployment && p.revision != d.revision)
            > 0;
        if after.0 == d.replicas && after.1 >= d.replicas && !old_left && !terminating_old {
            let d = &mut self.eks.deployments[deployment];
            d.rolling_out = false;
            let revision = d.revision + 1;
            let name = self.spec.eks.deployments[deployment].name.clone();
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
        let deadline = SimDuration::from_secs(u64::from(
            self.spec.eks.deployments[deployment].progress_deadline_seconds,
        ));
        if !d.rolling_out
            || d.paused
            || d.deadline_exceeded
            || self.now < d.last_progress + deadline + SimDuration::from_secs(1)
        {
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
            self.retarget_deployment(deployment, revision);
            let detail = EventDetail::Deployment {
                task_definition: format!("{name}:{}", revision + 1),
            };
            let strategy = &self.spec.eks.deployments[deployment].strategy;
            let paused = if self.eks.deployments[deployment].paused {
                " Paused: it waits for kubectl rollout resume."
            } else {
                ""
            };
            let message = format!(
                "Deployment {name} rolls out ReplicaSet {name}:{} ({}).{paused}",
                revision + 1,
                policies::strategy_text(strategy, self.eks.deployments[deployment].replicas)
            );
            self.log_detail(sink, EventKind::DeploymentStarted, name, message, detail)?;
        }
        self.request_sync(deployment);
        Ok(())
    }

    /// Makes `revision`'s template the Deployment's (its ReplicaSet the new one, with the next
    /// revision number) and starts the rollout's progress clock.
    pub(super) fn retarget_deployment(&mut self, deployment: usize, revision: usize) {
        let d = &mut self.eks.deployments[deployment];
        let next = d.replica_sets.iter().map(|rs| rs.revision_number).max().unwrap_or(0) + 1;
        d.replica_sets[revision].revision_number = next;
        d.revision = revision;
        d.rolling_out = true;
        d.deadline_exceeded = false;
        self.restart_progress_clock(deployment);
    }

    /// The rollout's progress counts from now: the deadline is checked again 1 s after it.
    pub(super) fn restart_progress_clock(&mut self, deployment: usize) {
        self.eks.deployments[deployment].last_progress = self.now;
        let deadline = self.spec.eks.deployments[deployment].progress_deadline_seconds;
        let at = self.now + SimDuration::from_secs(u64::from(deadline) + 1);
        self.queue.push(at, Event::Eks(EksEvent::ProgressCheck { deployment }));
    }

    /// Creates every Deployment's first ReplicaSet at time zero.
    pub(super) fn start_deployments(&mut self) {
        for deployment in 0..self.eks.deployments.len() {
            self.eks.deployments[deployment].last_progress = SimTime::ZERO;
            self.request_sync(deployment);
        }
    }
}
