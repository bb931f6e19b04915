//! `kubectl rollout undo [--to-revision=N]` (k8s-semantics 2.8): which ReplicaSet's template the
//! Deployment goes back to, or why kubectl refuses.

/// One ReplicaSet as `kubectl rollout undo` sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RevisionRecord {
    /// The caller's index of the ReplicaSet.
    pub index: usize,
    /// Annotation `deployment.kubernetes.io/revision`.
    pub revision: u32,
    /// `spec.replicas`.
    pub replicas: u32,
}

/// Why `kubectl rollout undo` changes nothing, with kubectl's wording.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RollbackRefusal {
    /// The Deployment is paused: "you cannot rollback a paused deployment; resume it first".
    Paused,
    /// No previous revision is left: "no rollout history found".
    NoHistory,
    /// `--to-revision=N` names no ReplicaSet left: "unable to find specified revision N in history".
    RevisionNotFound(u32),
    /// `--to-revision=N` is the current revision: "skipped rollback (current template already
    /// matches revision N)".
    AlreadyCurrent(u32),
}

impl RollbackRefusal {
    /// kubectl's message for it.
    pub fn message(&self, deployment: &str) -> String {
        match self {
            RollbackRefusal::Paused => format!(
                "error: you cannot rollback a paused deployment; resume it first with \
                 'kubectl rollout resume deployment/{deployment}' and try again"
            ),
            RollbackRefusal::NoHistory => format!("error: no rollout history found for deployment \"{deployment}\""),
            RollbackRefusal::RevisionNotFound(n) => format!("error: unable to find specified revision {n} in history"),
            RollbackRefusal::AlreadyCurrent(n) => {
                format!("deployment.apps/{deployment} skipped rollback (current template already matches revision {n})")
            }
        }
    }
}

/// The index of the ReplicaSet `kubectl rollout undo` makes the new one: revision `to_revision`,
/// or without it the previous revision (the second highest). `replica_sets` are the existing
/// ones, `current` the index of the new one. An old ReplicaSet scaled to 0 survives only among the
/// `history_limit` most recent such ones (`revisionHistoryLimit`; the controller deletes the rest
/// once a rollout completes, k8s-semantics 2.3 step 3, taken here as already done).
pub fn rollback_target(
    replica_sets: &[RevisionRecord],
    current: usize,
    to_revision: Option<u32>,
    history_limit: u32,
    paused: bool,
) -> Result<usize, RollbackRefusal> {
    if paused {
        return Err(RollbackRefusal::Paused);
    }
    let mut idle: Vec<&RevisionRecord> = replica_sets
        .iter()
        .filter(|rs| rs.index != current && rs.replicas == 0)
        .collect();
    idle.sort_by_key(|rs| std::cmp::Reverse(rs.revision));
    let deleted: Vec<usize> = idle.iter().skip(history_limit as usize).map(|rs| rs.index).collect();
    let mut history: Vec<&RevisionRecord> = replica_sets.iter().filter(|rs| !deleted.contains(&rs.index)).collect();
    history.sort_by_key(|rs| rs.revision);
    let current_revision = replica_sets.iter().find(|rs| rs.index == current).map(|rs| rs.revision);
    let wanted = match to_revision {
        Some(n) => n,
        None if history.len() < 2 => return Err(RollbackRefusal::NoHistory),
        None => history[history.len() - 2].revision,
    };
    if current_revision == Some(wanted) {
        return Err(RollbackRefusal::AlreadyCurrent(wanted));
    }
    history
        .iter()
        .find(|rs| rs.revision == wanted)
        .map(|rs| rs.index)
        .ok_or(RollbackRefusal::RevisionNotFound(wanted))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rs(index: usize, revision: u32, replicas: u32) -> RevisionRecord {
        RevisionRecord {
            index,
            revision,
            replicas,
        }
    }

    #[test]
    fn undo_goes_to_the_previous_revision() {
        // A stuck rollout: revision 1 keeps 8 pods, revision 2 is new.
        let sets = [rs(0, 1, 8), rs(1, 2, 5)];
        assert_eq!(rollback_target(&sets, 1, None, 10, false), Ok(0));
        // After an undo revision 1's ReplicaSet is revision 3; undo again goes back to 2.
        let sets = [rs(0, 3, 10), rs(1, 2, 0)];
        assert_eq!(rollback_target(&sets, 0, None, 10, false), Ok(1));
    }

    #[test]
    fn to_revision_picks_that_revision() {
        let sets = [rs(0, 1, 0), rs(1, 2, 0), rs(2, 3, 4)];
        assert_eq!(rollback_target(&sets, 2, Some(1), 10, false), Ok(0));
        assert_eq!(
            rollback_target(&sets, 2, Some(3), 10, false),
            Err(RollbackRefusal::AlreadyCurrent(3))
        );
        assert_eq!(
            rollback_target(&sets, 2, Some(7), 10, false),
            Err(RollbackRefusal::RevisionNotFound(7))
        );
    }

    #[test]
    fn refusals() {
        assert_eq!(
            rollback_target(&[rs(0, 1, 3)], 0, None, 10, false),
            Err(RollbackRefusal::NoHistory)
        );
        let sets = [rs(0, 1, 8), rs(1, 2, 5)];
        assert_eq!(rollback_target(&sets, 1, None, 10, true), Err(RollbackRefusal::Paused));
        assert!(
            RollbackRefusal::Paused
                .message("web")
                .contains("kubectl rollout resume deployment/web")
        );
    }

    #[test]
    fn the_history_limit_deletes_idle_replica_sets() {
        // revisionHistoryLimit 0: an old ReplicaSet scaled to 0 is gone; one with pods is not.
        let idle = [rs(0, 1, 0), rs(1, 2, 4)];
        assert_eq!(
            rollback_target(&idle, 1, None, 0, false),
            Err(RollbackRefusal::NoHistory)
        );
        let stuck = [rs(0, 1, 8), rs(1, 2, 5)];
        assert_eq!(rollback_target(&stuck, 1, None, 0, false), Ok(0));
        // Limit 1 keeps the most recent idle one only.
        let sets = [rs(0, 1, 0), rs(1, 2, 0), rs(2, 3, 4)];
        assert_eq!(rollback_target(&sets, 2, None, 1, false), Ok(1));
        assert_eq!(
            rollback_target(&sets, 2, Some(1), 1, false),
            Err(RollbackRefusal::RevisionNotFound(1))
        );
    }
}
