//! Which tasks the service scheduler stops on scale-in (reference 8.6, no placement strategy).

/// A starting or running task of the service that could be stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StopCandidate {
    /// Position in the caller's list.
    pub index: usize,
    /// True if the task has not reached RUNNING (these go first: they serve nothing yet).
    pub not_yet_running: bool,
    /// Its Availability Zone.
    pub availability_zone: usize,
    /// Its container instance (`None` on Fargate).
    pub instance: Option<u32>,
    /// Creation order: newer tasks go first among equals.
    pub created_seq: u64,
}

/// Picks `n` tasks to stop, one at a time, as ECS does without a placement strategy: tasks that
/// are not running yet first (newest first); then always a task in the AZ with the most tasks of
/// the service, on the instance with the most tasks of the service, newest first among equals.
/// Counts are updated after each pick. Cost: O(n x instances), not O(n x tasks).
pub fn choose_tasks_to_stop(candidates: &[StopCandidate], n: usize) -> Vec<usize> {
    let zones = candidates.iter().map(|c| c.availability_zone + 1).max().unwrap_or(0);
    let mut az_count = vec![0u32; zones];
    // Groups: one per instance, and one per AZ for Fargate tasks; each holds candidate positions
    // sorted oldest first, so the newest is at the end.
    let mut groups: Vec<(Option<u32>, usize, Vec<usize>)> = Vec::new();
    let mut by_key: std::collections::BTreeMap<(Option<u32>, usize), usize> = std::collections::BTreeMap::new();
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    order.sort_by_key(|i| candidates[*i].created_seq);
    for i in order {
        let c = &candidates[i];
        az_count[c.availability_zone] += 1;
        let key = (c.instance, c.availability_zone);
        let g = *by_key.entry(key).or_insert_with(|| {
            groups.push((c.instance, c.availability_zone, Vec::new()));
            groups.len() - 1
        });
        groups[g].2.push(i);
    }
    let mut chosen = Vec::with_capacity(n.min(candidates.len()));
    let mut not_running: Vec<usize> = (0..candidates.len())
        .filter(|i| candidates[*i].not_yet_running)
        .collect();
    not_running.sort_by_key(|i| std::cmp::Reverse(candidates[*i].created_seq));
    for i in not_running.into_iter().take(n) {
        let c = &candidates[i];
        az_count[c.availability_zone] -= 1;
        let g = by_key[&(c.instance, c.availability_zone)];
        groups[g].2.retain(|x| *x != i);
        chosen.push(c.index);
    }
    while chosen.len() < n {
        let best = groups
            .iter()
            .enumerate()
            .filter(|(_, g)| !g.2.is_empty())
            .max_by_key(|(_, g)| {
                let newest = candidates[*g.2.last().expect("non-empty")].created_seq;
                (az_count[g.1], g.2.len(), newest)
            })
            .map(|(i, _)| i);
        let Some(g) = best else { break };
        let i = groups[g].2.pop().expect("non-empty");
        az_count[groups[g].1] -= 1;
        chosen.push(candidates[i].index);
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(index: usize, pending: bool, az: usize, instance: Option<u32>, seq: u64) -> StopCandidate {
        StopCandidate {
            index,
            not_yet_running: pending,
            availability_zone: az,
            instance,
            created_seq: seq,
        }
    }

    #[track_caller]
    fn check(candidates: &[StopCandidate], n: usize, expected: &[usize]) {
        assert_eq!(choose_tasks_to_stop(candidates, n), expected);
    }

    #[test]
    fn stops_from_the_fullest_zone_and_instance() {
        // Case 35: AZ counts (1,2,2): stop one from b or c, on the instance with the most tasks.
        let tasks = [
            c(0, false, 0, Some(0), 0),
            c(1, false, 1, Some(1), 1),
            c(2, false, 1, Some(1), 2),
            c(3, false, 2, Some(2), 3),
            c(4, false, 2, Some(3), 4),
        ];
        check(&tasks, 1, &[2]);
        // Then zones are (1,1,2): the next comes from c, newest first.
        check(&tasks, 2, &[2, 4]);
        check(&tasks, 5, &[2, 4, 3, 1, 0]);
    }

    #[test]
    fn tasks_not_yet_running_go_first() {
        check(&[c(0, false, 0, Some(0), 9), c(1, true, 1, Some(1), 0)], 1, &[1]);
        check(&[], 3, &[]);
    }

    #[test]
    fn fargate_tasks_are_balanced_over_zones() {
        let tasks = [
            c(0, false, 0, None, 0),
            c(1, false, 0, None, 1),
            c(2, false, 1, None, 2),
            c(3, false, 0, None, 3),
        ];
        check(&tasks, 2, &[3, 1]);
    }
}
