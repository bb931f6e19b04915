//! Which tasks the service scheduler stops on scale-in without a placement strategy (reference
//! 8.6): the fullest zone, then the fullest instance, newest first.

use std::collections::{BTreeMap, BTreeSet};

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
/// Counts are updated after each pick. Cost: O(n x (zones + log instances)).
pub fn choose_tasks_to_stop(candidates: &[StopCandidate], n: usize) -> Vec<usize> {
    let mut layout = Layout::new(candidates);
    let mut chosen = Vec::with_capacity(n.min(candidates.len()));
    let mut not_running: Vec<usize> = (0..candidates.len())
        .filter(|i| candidates[*i].not_yet_running)
        .collect();
    not_running.sort_by_key(|i| std::cmp::Reverse(candidates[*i].created_seq));
    for i in not_running.into_iter().take(n) {
        layout.take(candidates, i);
        chosen.push(candidates[i].index);
    }
    while chosen.len() < n {
        let Some(i) = layout.best(candidates) else { break };
        layout.take(candidates, i);
        chosen.push(candidates[i].index);
    }
    chosen
}

/// The candidates by group (one per instance, and one per zone for Fargate tasks), each oldest
/// first, and per zone its groups ordered by (tasks, newest task) so the best is the last.
struct Layout {
    az_count: Vec<u32>,
    /// Per group: its zone and its candidates' positions, oldest first.
    groups: Vec<(usize, Vec<usize>)>,
    group_of: BTreeMap<(Option<u32>, usize), usize>,
    /// Per zone: (tasks in the group, newest task's sequence, group) of its non-empty groups.
    ranked: Vec<BTreeSet<(usize, u64, usize)>>,
}

impl Layout {
    fn new(candidates: &[StopCandidate]) -> Layout {
        let zones = candidates.iter().map(|c| c.availability_zone + 1).max().unwrap_or(0);
        let mut layout = Layout {
            az_count: vec![0; zones],
            groups: Vec::new(),
            group_of: BTreeMap::new(),
            ranked: vec![BTreeSet::new(); zones],
        };
        let mut order: Vec<usize> = (0..candidates.len()).collect();
        order.sort_by_key(|i| candidates[*i].created_seq);
        for i in order {
            let c = &candidates[i];
            layout.az_count[c.availability_zone] += 1;
            let groups = &mut layout.groups;
            let g = *layout
                .group_of
                .entry((c.instance, c.availability_zone))
                .or_insert_with(|| {
                    groups.push((c.availability_zone, Vec::new()));
                    groups.len() - 1
                });
            groups[g].1.push(i);
        }
        for g in 0..layout.groups.len() {
            layout.rank(candidates, g);
        }
        layout
    }

    /// Files group `g` under its zone by its current size and newest task (if it has any).
    fn rank(&mut self, candidates: &[StopCandidate], g: usize) {
        let (zone, members) = &self.groups[g];
        if let Some(newest) = members.last() {
            self.ranked[*zone].insert((members.len(), candidates[*newest].created_seq, g));
        }
    }

    /// The newest task of the best group: the zone with the most tasks, then the group with the
    /// most tasks, then the newest task (sequences are unique, so there is no tie).
    fn best(&self, candidates: &[StopCandidate]) -> Option<usize> {
        let (_, (_, _, g)) = self
            .ranked
            .iter()
            .enumerate()
            .filter_map(|(zone, groups)| groups.last().map(|top| (self.az_count[zone], *top)))
            .max_by_key(|(count, (len, newest, _))| (*count, *len, *newest))?;
        let newest = *self.groups[g].1.last().expect("ranked groups are not empty");
        debug_assert!(candidates[newest].availability_zone == self.groups[g].0);
        Some(newest)
    }

    /// Removes candidate `i` from its group and its zone's count.
    fn take(&mut self, candidates: &[StopCandidate], i: usize) {
        let c = &candidates[i];
        let g = self.group_of[&(c.instance, c.availability_zone)];
        let (zone, members) = &self.groups[g];
        let newest = *members.last().expect("a candidate's group holds it");
        self.ranked[*zone].remove(&(members.len(), candidates[newest].created_seq, g));
        self.groups[g].1.retain(|x| *x != i);
        self.az_count[c.availability_zone] -= 1;
        self.rank(candidates, g);
    }
}

#[cfg(test)]
mod tests {
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::*;

    /// The selection before it was made incremental, kept as the reference: picks `n` tasks to stop as ECS does without a placement strategy: tasks that
    /// are not running yet first (newest first); then always a task in the AZ with the most tasks of
    /// the service, on the instance with the most tasks of the service, newest first among equals.
    /// Counts are updated after each pick. Cost: O(n x instances), not O(n x tasks).
    pub(super) fn choose_by_scanning(candidates: &[StopCandidate], n: usize) -> Vec<usize> {
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

    #[test]
    fn incremental_selection_matches_the_scan() {
        let mut rng = ChaCha8Rng::seed_from_u64(8_6);
        for round in 0..300 {
            let zones = rng.random_range(1..5usize);
            let instances = rng.random_range(0..40u32);
            let n_tasks = rng.random_range(0..200usize);
            let mut seqs: Vec<u64> = (0..n_tasks as u64).map(|s| s * 3 + 1).collect();
            // Creation order unrelated to list order, as after replacements.
            for i in (1..seqs.len()).rev() {
                seqs.swap(i, rng.random_range(0..=i));
            }
            let tasks: Vec<StopCandidate> = seqs
                .iter()
                .enumerate()
                .map(|(index, seq)| {
                    let fargate = instances == 0 || rng.random_range(0..10) == 0;
                    let instance = (!fargate).then(|| rng.random_range(0..instances.max(1)));
                    // An instance lives in one zone.
                    let az = instance.map_or_else(|| rng.random_range(0..zones), |i| i as usize % zones);
                    c(index, rng.random_range(0..8) == 0, az, instance, *seq)
                })
                .collect();
            let n = rng.random_range(0..n_tasks + 3);
            assert_eq!(
                choose_tasks_to_stop(&tasks, n),
                choose_by_scanning(&tasks, n),
                "round {round}: {n} of {n_tasks}"
            );
        }
    }
}
