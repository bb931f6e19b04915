//! `kubectl rollout undo`, `pause` and `resume` from the timeline (k8s-semantics 2.8 and 2.5):
//! undo makes an earlier revision's ReplicaSet the new one again, which the Deployment
//! controller then rolls forward by the same RollingUpdate (or Recreate) rules; pause stops the
//! rollout but not scaling; resume continues it, the progress deadline counting from then.

use super::policies;
use crate::engine::world::World;
use crate::policy::k8s::deployment::{RevisionRecord, rollback_target};
use crate::trace::{EventDetail, EventKind, SinkError, TraceSink};

impl World<'_> {
    /// `kubectl rollout undo deployment/NAME [--to-revision=N]`.
    pub(crate) fn eks_rollout_undo(
        &mut self,
        deployment: usize,
        to_revision: Option<u32>,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let name = self.spec.eks.deployments[deployment].name.clone();
        let d = &self.eks.deployments[deployment];
        let records: Vec<RevisionRecord> = d
            .replica_sets
            .iter()
            .enumerate()
            .filter(|(_, rs)| rs.exists)
            .map(|(index, rs)| RevisionRecord {
                index,
                revision: rs.revision_number,
                replicas: rs.replicas,
            })
            .collect();
        let limit = self.spec.eks.deployments[deployment].revision_history_limit;
        let target = match rollback_target(&records, d.revision, to_revision, limit, d.paused) {
            Ok(target) => target,
            Err(refusal) => {
                let message = format!("kubectl rollout undo: {}", refusal.message(&name));
                return self.log(sink, EventKind::DeploymentNotStarted, name, message);
            }
        };
        let (from, old_number) = (d.revision, d.replica_sets[target].revision_number);
        self.retarget_deployment(deployment, target);
        let d = &self.eks.deployments[deployment];
        let strategy = &self.spec.eks.deployments[deployment].strategy;
        let message = format!(
            "kubectl rollout undo: {name} rolled back to revision {old_number}: ReplicaSet {name}:{} is the new \
             one again (revision {}), replacing {name}:{} ({}).",
            target + 1,
            d.replica_sets[target].revision_number,
            from + 1,
            policies::strategy_text(strategy, d.replicas)
        );
        let detail = EventDetail::Deployment {
            task_definition: format!("{name}:{}", target + 1),
        };
        self.log_detail(sink, EventKind::RollbackStarted, name, message, detail)?;
        self.request_sync(deployment);
        Ok(())
    }

    /// `kubectl rollout pause` (true) or `resume` (false).
    pub(crate) fn eks_rollout_pause(
        &mut self,
        deployment: usize,
        pause: bool,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let name = self.spec.eks.deployments[deployment].name.clone();
        let d = &mut self.eks.deployments[deployment];
        let message = match (pause, d.paused) {
            (true, true) => format!("kubectl rollout pause: deployment.apps/{name} is already paused."),
            (false, false) => format!("kubectl rollout resume: deployment.apps/{name} is not paused."),
            (true, false) => {
                d.paused = true;
                format!(
                    "kubectl rollout pause: Deployment {name} paused (Progressing=Unknown, reason DeploymentPaused): \
                     template changes wait, scaling goes on."
                )
            }
            (false, true) => {
                d.paused = false;
                let rolling = d.rolling_out;
                if rolling {
                    // Resuming resets the Progressing condition (reason DeploymentResumed).
                    self.restart_progress_clock(deployment);
                }
                self.request_sync(deployment);
                format!(
                    "kubectl rollout resume: Deployment {name} resumed{}.",
                    if rolling { "; its rollout continues" } else { "" }
                )
            }
        };
        self.log(sink, EventKind::ServiceUpdate, name, message)
    }
}
