//! Which task the service scheduler stops on scale-in (reference 8.6, no placement strategy).

/// A running or starting task that could be stopped, with the counts the rule needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StopCandidate {
    /// Position in the caller's list.
    pub index: usize,
    /// True if the task has not reached RUNNING (these go first: they serve nothing yet).
    pub not_yet_running: bool,
    /// Tasks of the service in the task's AZ.
    pub service_tasks_in_az: u32,
    /// Tasks of the service on the task's instance (0 for Fargate).
    pub service_tasks_on_instance: u32,
    /// Creation order: newer tasks go first among equals.
    pub created_seq: u64,
}

/// Picks the task to stop: not-yet-running tasks first, then one in the AZ with the most tasks of
/// the service, on the instance with the most tasks of the service, newest first among equals.
pub fn choose_task_to_stop(candidates: &[StopCandidate]) -> Option<usize> {
    candidates
        .iter()
        .max_by_key(|c| {
            (
                c.not_yet_running,
                c.service_tasks_in_az,
                c.service_tasks_on_instance,
                c.created_seq,
            )
        })
        .map(|c| c.index)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(index: usize, pending: bool, in_az: u32, on_instance: u32, seq: u64) -> StopCandidate {
        StopCandidate {
            index,
            not_yet_running: pending,
            service_tasks_in_az: in_az,
            service_tasks_on_instance: on_instance,
            created_seq: seq,
        }
    }

    #[track_caller]
    fn check(candidates: &[StopCandidate], expected: Option<usize>) {
        assert_eq!(choose_task_to_stop(candidates), expected);
    }

    #[test]
    fn stops_from_the_fullest_zone() {
        // Case 35: AZ counts (1,2,2): stop one from b or c, on the instance with most tasks.
        check(
            &[
                c(0, false, 1, 1, 0),
                c(1, false, 2, 1, 1),
                c(2, false, 2, 2, 2),
                c(3, false, 2, 1, 3),
                c(4, false, 2, 2, 4),
            ],
            Some(4),
        );
        // A task not yet running goes before any running one.
        check(&[c(0, false, 5, 5, 9), c(1, true, 1, 1, 0)], Some(1));
        check(&[], None);
    }
}
