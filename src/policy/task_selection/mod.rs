//! Which tasks the service scheduler stops on scale-in (reference 8.6), without a placement
//! strategy (`choose_tasks_to_stop`) and with one (`choose_tasks_to_stop_by_strategy`).

mod default_order;
mod rule_values;

use std::collections::{BTreeMap, BinaryHeap};

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use crate::policy::placement::MAX_STRATEGY_RULES;

pub use default_order::{StopCandidate, choose_tasks_to_stop};
pub use rule_values::RuleValues;

/// What one placement strategy rule prefers when a task must stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopRule {
    /// `spread`: stop from the value (zone, instance, attribute value) with the most tasks.
    Spread,
    /// `binpack`: stop the task whose instance has the most of the field free after the stop.
    Binpack,
    /// `random`: any remaining task, from the service's seeded stream.
    Random,
}

/// A task that could be stopped, with what each strategy rule looks at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RankedStopCandidate {
    /// Position in the caller's list.
    pub index: usize,
    /// True if the task has not reached RUNNING (these go first).
    pub not_yet_running: bool,
    /// Creation order: newer tasks go first among equals.
    pub created_seq: u64,
    /// Its container instance (`None` on Fargate).
    pub instance: Option<u32>,
    /// Per rule: for `Spread`, the value the task counts under (tasks sharing it are balanced);
    /// for `Binpack`, the amount of the field free on its instance now; unused for `Random`.
    pub keys: RuleValues,
    /// Per rule: for `Binpack`, the amount of the field the task holds (freed by its stop).
    pub amounts: RuleValues,
}

/// Picks `n` tasks to stop as a placement strategy asks (reference 8.6): tasks not yet running
/// first (newest first), then one at a time by the rules in order, each keeping the tasks it
/// prefers: `spread` those of the value with the most remaining tasks, `binpack` those whose
/// instance will have the most free after the stop (case 34). A tie after the last rule goes to
/// the newest task. Counts and free amounts are updated after each pick.
pub fn choose_tasks_to_stop_by_strategy(
    candidates: &[RankedStopCandidate],
    rules: &[StopRule],
    n: usize,
    rng: &mut ChaCha8Rng,
) -> Vec<usize> {
    // The common shapes (an optional leading rule, then only `binpack` rules) are kept in heaps
    // and cost O(log) per pick; the others (`random`, or a `spread` after the first rule, whose
    // counts move under every task) scan the remaining tasks on each pick.
    let incremental = match rules.split_first() {
        None => true,
        Some((first, rest)) => *first != StopRule::Random && rest.iter().all(|r| *r == StopRule::Binpack),
    };
    if incremental {
        choose_incrementally(candidates, rules, n)
    } else {
        choose_by_scanning(candidates, rules, n, rng)
    }
}

/// Tasks not yet running, newest first (a stable sort: equal sequences keep list order).
fn not_running_newest_first(candidates: &[RankedStopCandidate]) -> Vec<usize> {
    let mut not_running: Vec<usize> = (0..candidates.len())
        .filter(|i| candidates[*i].not_yet_running)
        .collect();
    not_running.sort_by_key(|i| std::cmp::Reverse(candidates[*i].created_seq));
    not_running
}

/// A heap entry: a cell's key (the binpack scores of its best task, then its sequence and
/// position, then zeros), the cell, and the cell's version when pushed (older versions are stale).
type CellEntry = ([u64; MAX_STRATEGY_RULES + 2], usize, u64);

/// `choose_tasks_to_stop_by_strategy` when the rules are an optional `spread` or `binpack`
/// followed only by `binpack` rules.
///
/// The pick is the lexicographic maximum of (leading spread count, binpack scores, created_seq,
/// position). Tasks are grouped by the leading spread value (one group otherwise), and within a
/// group into cells by instance (Fargate tasks of a group share one cell). In a cell the spread
/// count is common and each binpack score is a fixed per-task part (free now plus the task's
/// amount) plus what earlier stops freed on the instance, common to the cell, so the order inside
/// a cell never changes: each cell keeps its tasks sorted once, best last. Each group keeps a
/// max-heap of its cells keyed by their best task; a stop re-keys only the cells of its instance.
fn choose_incrementally(candidates: &[RankedStopCandidate], rules: &[StopRule], n: usize) -> Vec<usize> {
    let len = candidates.len();
    let spread_first = rules.first() == Some(&StopRule::Spread);
    let binpack: Vec<usize> = (0..rules.len()).filter(|r| rules[*r] == StopRule::Binpack).collect();
    let nb = binpack.len();

    // One sort by (instance, leading spread value, fixed binpack parts, created_seq, position)
    // lays the tasks out as runs: one per instance (Fargate tasks first), split into cells by the
    // spread value, each cell already in its lasting order, best last.
    let spread_value = |i: usize| if spread_first { candidates[i].keys[0] } else { 0 };
    let fixed = |i: usize, b: usize| candidates[i].keys[binpack[b]] + candidates[i].amounts[binpack[b]];
    // The sort keys side by side (instance as 0 for Fargate, else id + 1), compared as slices.
    let width = nb + 4;
    let mut sort_keys: Vec<u64> = Vec::with_capacity(len * width);
    for (i, c) in candidates.iter().enumerate() {
        sort_keys.push(c.instance.map_or(0, |inst| u64::from(inst) + 1));
        sort_keys.push(spread_value(i));
        sort_keys.extend((0..nb).map(|b| fixed(i, b)));
        sort_keys.push(c.created_seq);
        sort_keys.push(i as u64);
    }
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_unstable_by(|x, y| sort_keys[x * width..(x + 1) * width].cmp(&sort_keys[y * width..(y + 1) * width]));

    // Groups: the leading spread rule's values (dense ids, with the remaining tasks of each).
    let mut group_ids: BTreeMap<u64, usize> = BTreeMap::new();
    let mut group_count: Vec<u64> = Vec::new();
    let mut group_of = vec![0usize; len];
    // Instances (dense slots) with what stops have freed on them so far, per binpack rule.
    let mut slot_of: Vec<Option<usize>> = vec![None; len];
    // Per slot, its cells (consecutive ids: the sort puts an instance's cells together).
    let mut slot_cells: Vec<std::ops::Range<usize>> = Vec::new();
    // Cells: (group, instance); each with its slot and its tasks.
    let mut cell_of = vec![0usize; len];
    let mut cell_group: Vec<usize> = Vec::new();
    let mut cell_slot: Vec<Option<usize>> = Vec::new();
    // Per cell, its tasks' positions in `order`; the end moves back as they stop.
    let mut cell_tasks: Vec<(usize, usize)> = Vec::new();
    let mut previous: Option<usize> = None;
    for (position, &i) in order.iter().enumerate() {
        let c = &candidates[i];
        let same_instance = previous.is_some_and(|p| candidates[p].instance == c.instance);
        let same_cell = same_instance && previous.is_some_and(|p| spread_value(p) == spread_value(i));
        if !same_cell {
            let next = group_ids.len();
            let g = *group_ids.entry(spread_value(i)).or_insert(next);
            if g == group_count.len() {
                group_count.push(0);
            }
            let slot = match (c.instance, same_instance) {
                (None, _) => None,
                (Some(_), true) => previous.and_then(|p| slot_of[p]),
                (Some(_), false) => {
                    slot_cells.push(cell_tasks.len()..cell_tasks.len());
                    Some(slot_cells.len() - 1)
                }
            };
            if let Some(s) = slot {
                slot_cells[s].end = cell_tasks.len() + 1;
            }
            cell_group.push(g);
            cell_slot.push(slot);
            cell_tasks.push((position, position));
        }
        let cell = cell_tasks.len() - 1;
        cell_tasks[cell].1 += 1;
        cell_of[i] = cell;
        group_of[i] = cell_group[cell];
        slot_of[i] = cell_slot[cell];
        group_count[cell_group[cell]] += 1;
        previous = Some(i);
    }
    if !spread_first {
        // One group; its count is not a rule's score.
        group_count.iter_mut().for_each(|c| *c = 0);
    }
    let mut freed = vec![0u64; slot_cells.len() * nb];

    let mut removed = vec![false; len];
    let mut version = vec![0u64; cell_tasks.len()];
    let mut heaps: Vec<BinaryHeap<CellEntry>> = vec![BinaryHeap::new(); group_count.len()];
    // Drops the cell's stopped tasks from its end and pushes its best task's key.
    let push_cell = |cell: usize,
                     version: &mut [u64],
                     cell_tasks: &mut [(usize, usize)],
                     removed: &[bool],
                     freed: &[u64],
                     heaps: &mut [BinaryHeap<CellEntry>]| {
        version[cell] += 1;
        let (start, end) = &mut cell_tasks[cell];
        while *end > *start && removed[order[*end - 1]] {
            *end -= 1;
        }
        if *end == *start {
            return;
        }
        let t = order[*end - 1];
        let mut key = [0; MAX_STRATEGY_RULES + 2];
        for b in 0..nb {
            let on_instance = cell_slot[cell].map_or(0, |s| freed[s * nb + b]);
            key[b] = candidates[t].keys[binpack[b]] + on_instance + candidates[t].amounts[binpack[b]];
        }
        key[nb] = candidates[t].created_seq;
        key[nb + 1] = t as u64;
        heaps[cell_group[cell]].push((key, cell, version[cell]));
    };
    for cell in 0..cell_tasks.len() {
        push_cell(cell, &mut version, &mut cell_tasks, &removed, &freed, &mut heaps);
    }

    let mut chosen = Vec::with_capacity(n.min(len));
    let mut queue = not_running_newest_first(candidates).into_iter().take(n);
    while chosen.len() < n && chosen.len() < len {
        let pick = match queue.next() {
            Some(i) => i,
            None => {
                // The group with the most remaining tasks (if spread), then the best cell top.
                for heap in &mut heaps {
                    while heap.peek().is_some_and(|e| e.2 != version[e.1]) {
                        heap.pop();
                    }
                }
                let best = heaps
                    .iter()
                    .enumerate()
                    .filter_map(|(g, heap)| heap.peek().map(|e| (group_count[g], &e.0)))
                    .max()
                    .expect("a task remains");
                best.1[nb + 1] as usize
            }
        };
        removed[pick] = true;
        if spread_first {
            group_count[group_of[pick]] -= 1;
        }
        match slot_of[pick] {
            Some(s) => {
                for b in 0..nb {
                    freed[s * nb + b] += candidates[pick].amounts[binpack[b]];
                }
                for cell in slot_cells[s].clone() {
                    push_cell(cell, &mut version, &mut cell_tasks, &removed, &freed, &mut heaps);
                }
            }
            None => {
                let cell = cell_of[pick];
                push_cell(cell, &mut version, &mut cell_tasks, &removed, &freed, &mut heaps);
            }
        }
        chosen.push(candidates[pick].index);
    }
    chosen
}

/// `choose_tasks_to_stop_by_strategy` for any rules: each pick ranks every remaining task.
fn choose_by_scanning(
    candidates: &[RankedStopCandidate],
    rules: &[StopRule],
    n: usize,
    rng: &mut ChaCha8Rng,
) -> Vec<usize> {
    let mut free: Vec<RuleValues> = candidates.iter().map(|c| c.keys).collect();
    let mut remaining: Vec<usize> = (0..candidates.len()).collect();
    // Per spread rule, how many remaining tasks hold each value (kept up to date on each pick, so
    // a pick costs O(tasks) rather than O(tasks^2)).
    let mut value_counts: Vec<BTreeMap<u64, u64>> = rules
        .iter()
        .enumerate()
        .map(|(r, rule)| {
            let mut counts = BTreeMap::new();
            if *rule == StopRule::Spread {
                for c in candidates {
                    *counts.entry(c.keys[r]).or_insert(0) += 1;
                }
            }
            counts
        })
        .collect();
    let mut chosen = Vec::with_capacity(n.min(candidates.len()));
    let mut queue = not_running_newest_first(candidates).into_iter().take(n);
    while chosen.len() < n && !remaining.is_empty() {
        let pick = match queue.next() {
            Some(i) => i,
            None => pick_by_rules(candidates, &free, &value_counts, &remaining, rules, rng),
        };
        remaining.retain(|i| *i != pick);
        for (r, rule) in rules.iter().enumerate() {
            if *rule == StopRule::Spread {
                if let Some(count) = value_counts[r].get_mut(&candidates[pick].keys[r]) {
                    *count -= 1;
                }
            }
        }
        chosen.push(candidates[pick].index);
        // The stop frees the task's amounts on its instance for the tasks still there.
        for (r, rule) in rules.iter().enumerate() {
            if *rule != StopRule::Binpack || candidates[pick].instance.is_none() {
                continue;
            }
            for i in &remaining {
                if candidates[*i].instance == candidates[pick].instance {
                    free[*i][r] += candidates[pick].amounts[r];
                }
            }
        }
    }
    chosen
}

fn pick_by_rules(
    candidates: &[RankedStopCandidate],
    free: &[RuleValues],
    value_counts: &[BTreeMap<u64, u64>],
    remaining: &[usize],
    rules: &[StopRule],
    rng: &mut ChaCha8Rng,
) -> usize {
    let mut pool: Vec<usize> = remaining.to_vec();
    for (r, rule) in rules.iter().enumerate() {
        if pool.len() <= 1 {
            break;
        }
        let score = |i: usize| -> u64 {
            match rule {
                StopRule::Spread => value_counts[r].get(&candidates[i].keys[r]).copied().unwrap_or(0),
                StopRule::Binpack => free[i][r] + candidates[i].amounts[r],
                StopRule::Random => 0,
            }
        };
        if *rule == StopRule::Random {
            return pool[rng.random_range(0..pool.len())];
        }
        let scores: Vec<u64> = pool.iter().map(|i| score(*i)).collect();
        let best = *scores.iter().max().expect("pool is not empty");
        let mut s = scores.iter();
        pool.retain(|_| *s.next().expect("one score per task") == best);
    }
    *pool
        .iter()
        .max_by_key(|i| candidates[**i].created_seq)
        .expect("pool is not empty")
}

#[cfg(test)]
mod strategy_tests {
    use rand::SeedableRng;

    use super::*;

    fn c(index: usize, instance: u32, seq: u64, keys: &[u64], amounts: &[u64]) -> RankedStopCandidate {
        RankedStopCandidate {
            index,
            not_yet_running: false,
            created_seq: seq,
            instance: Some(instance),
            keys: keys.into(),
            amounts: amounts.into(),
        }
    }

    #[track_caller]
    fn check(candidates: &[RankedStopCandidate], rules: &[StopRule], n: usize, expected: &[usize]) {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        assert_eq!(
            choose_tasks_to_stop_by_strategy(candidates, rules, n, &mut rng),
            expected
        );
    }

    #[test]
    fn binpack_stops_where_the_most_is_free_afterwards() {
        // Case 34, second line: free memory 1000 / 3000 / 6000, tasks of 800: stop on i-3 first.
        let tasks = [
            c(0, 1, 0, &[1000], &[800]),
            c(1, 2, 1, &[3000], &[800]),
            c(2, 3, 2, &[6000], &[800]),
            c(3, 3, 3, &[6000], &[800]),
        ];
        check(&tasks, &[StopRule::Binpack], 1, &[3]);
        // After two stops on i-3 it has 7600 free, still the most.
        check(&tasks, &[StopRule::Binpack], 3, &[3, 2, 1]);
    }

    #[test]
    fn spread_keeps_values_balanced() {
        // Zones (keys) a=0: 1 task, b=1: 2 tasks, c=2: 2 tasks: stop from b or c, newest first.
        let tasks = [
            c(0, 0, 0, &[0, 1000], &[0, 500]),
            c(1, 1, 1, &[1, 900], &[0, 500]),
            c(2, 1, 2, &[1, 900], &[0, 500]),
            c(3, 2, 3, &[2, 4000], &[0, 500]),
            c(4, 3, 4, &[2, 100], &[0, 500]),
        ];
        check(&tasks, &[StopRule::Spread], 1, &[4]);
        check(&tasks, &[StopRule::Spread], 3, &[4, 2, 3]);
        // spread(zone) then binpack(memory): among b and c, the task whose instance frees the most.
        check(&tasks, &[StopRule::Spread, StopRule::Binpack], 2, &[3, 2]);
    }

    #[test]
    fn tasks_not_yet_running_still_go_first() {
        let mut tasks = vec![c(0, 1, 0, &[9000], &[1]), c(1, 2, 1, &[10], &[1])];
        tasks[1].not_yet_running = true;
        check(&tasks, &[StopRule::Binpack], 1, &[1]);
        check(&tasks, &[StopRule::Random], 2, &[1, 0]);
    }
}

/// The new selection against the algorithm it replaced, on many seeded random fleets.
#[cfg(test)]
mod equivalence_tests {
    use rand::{Rng, SeedableRng};

    use super::*;

    /// The selection before it was made incremental, which still serves the rule lists the
    /// incremental path does not: every pick filters all remaining tasks rule by rule.
    fn reference(candidates: &[RankedStopCandidate], rules: &[StopRule], n: usize, rng: &mut ChaCha8Rng) -> Vec<usize> {
        choose_by_scanning(candidates, rules, n, rng)
    }

    use StopRule::{Binpack, Random, Spread};

    /// Rule lists the incremental path takes.
    const INCREMENTAL: &[&[StopRule]] = &[
        &[],
        &[Spread],
        &[Binpack],
        &[Spread, Binpack],
        &[Binpack, Binpack],
        &[Spread, Binpack, Binpack],
    ];
    /// Rule lists that scan.
    const SCANNING: &[&[StopRule]] = &[
        &[Random],
        &[Spread, Random],
        &[Binpack, Random],
        &[Spread, Spread],
        &[Binpack, Spread],
        &[Spread, Binpack, Spread],
        &[Binpack, Random, Spread],
    ];

    /// A random fleet for `rules`: tasks on a few instances (some on Fargate), spread values
    /// mostly following the instance, binpack free amounts per instance (sometimes per task),
    /// creation sequences usually distinct but sometimes equal, some tasks not yet running.
    fn fleet(rng: &mut ChaCha8Rng, rules: &[StopRule]) -> Vec<RankedStopCandidate> {
        let tasks = rng.random_range(0..60usize);
        let instances = rng.random_range(1..10u32);
        let zones = rng.random_range(1..4u64);
        let fargate = rng.random_range(0..4u32) == 0;
        let per_task_keys = rng.random_range(0..4u32) == 0;
        let equal_seqs = rng.random_range(0..4u32) == 0;
        let small_amounts = rng.random_range(0..2u32) == 0;
        let free_on: Vec<Vec<u64>> = (0..instances)
            .map(|_| rules.iter().map(|_| rng.random_range(0..5u64) * 500).collect())
            .collect();
        (0..tasks)
            .map(|index| {
                let inst = rng.random_range(0..instances);
                let instance = (!(fargate && rng.random_range(0..3u32) == 0)).then_some(inst);
                let mut keys = RuleValues::default();
                let mut amounts = RuleValues::default();
                for (r, rule) in rules.iter().enumerate() {
                    let (key, amount) = match rule {
                        Spread if rng.random_range(0..5u32) == 0 => (rng.random_range(0..4u64), 0),
                        Spread => (instance.map_or(99, |i| u64::from(i) % zones), 0),
                        Binpack => {
                            let key = if per_task_keys || instance.is_none() {
                                rng.random_range(0..5u64) * 500
                            } else {
                                free_on[inst as usize][r]
                            };
                            let amount = if small_amounts {
                                500
                            } else {
                                rng.random_range(0..4u64) * 250
                            };
                            (key, amount)
                        }
                        Random => (0, 0),
                    };
                    keys.push(key);
                    amounts.push(amount);
                }
                RankedStopCandidate {
                    index: index + 100,
                    not_yet_running: rng.random_range(0..6u32) == 0,
                    created_seq: if equal_seqs {
                        rng.random_range(0..8u64)
                    } else {
                        (index as u64 * 7919) % 1009
                    },
                    instance,
                    keys,
                    amounts,
                }
            })
            .collect()
    }

    #[test]
    fn incremental_selection_matches_the_reference() {
        let mut rng = ChaCha8Rng::seed_from_u64(42);
        for round in 0..3000 {
            let rules = INCREMENTAL[round % INCREMENTAL.len()];
            let tasks = fleet(&mut rng, rules);
            let n = rng.random_range(0..tasks.len() + 3);
            let mut unused = ChaCha8Rng::seed_from_u64(round as u64);
            let expected = reference(&tasks, rules, n, &mut unused);
            assert_eq!(
                choose_incrementally(&tasks, rules, n),
                expected,
                "round {round}, rules {rules:?}, n {n}, tasks {tasks:?}"
            );
        }
    }

    #[test]
    fn every_rule_list_matches_the_reference_with_the_same_draws() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let all: Vec<&[StopRule]> = INCREMENTAL.iter().chain(SCANNING).copied().collect();
        for round in 0..3000 {
            let rules = all[round % all.len()];
            let tasks = fleet(&mut rng, rules);
            let n = rng.random_range(0..tasks.len() + 3);
            let mut old = ChaCha8Rng::seed_from_u64(round as u64);
            let mut new = old.clone();
            let expected = reference(&tasks, rules, n, &mut old);
            let got = choose_tasks_to_stop_by_strategy(&tasks, rules, n, &mut new);
            assert_eq!(got, expected, "round {round}, rules {rules:?}, n {n}, tasks {tasks:?}");
            assert_eq!(new.next_u64(), old.next_u64(), "round {round}: the same draws");
        }
    }
}
