//! Splitting a service's tasks over capacity providers by `base` and `weight` (reference 6.7).

use crate::model::StrategyItem;

/// How many of `desired` tasks each strategy item gets: bases first, in list order, then the rest
/// one at a time to the item with the largest weighted deficit, ties to the earlier item
/// (reference section 12, A11; case 26).
pub fn split_desired_count(strategy: &[StrategyItem], desired: u32) -> Vec<u32> {
    let mut assigned = vec![0u32; strategy.len()];
    let mut remaining = desired;
    for (i, item) in strategy.iter().enumerate() {
        let take = item.base.min(remaining);
        assigned[i] += take;
        remaining -= take;
    }
    let total_weight: u64 = strategy.iter().map(|s| u64::from(s.weight)).sum();
    if total_weight == 0 {
        return assigned;
    }
    let mut by_weight = vec![0u64; strategy.len()];
    for step in 1..=u64::from(remaining) {
        // Deficit of item i after `step` weighted tasks: weight_i * step / W - by_weight_i,
        // compared in integers as weight_i * step - by_weight_i * W.
        let best = (0..strategy.len())
            .filter(|i| strategy[*i].weight > 0)
            .max_by(|a, b| {
                let da = i128::from(strategy[*a].weight) * i128::from(step)
                    - i128::from(by_weight[*a]) * i128::from(total_weight);
                let db = i128::from(strategy[*b].weight) * i128::from(step)
                    - i128::from(by_weight[*b]) * i128::from(total_weight);
                da.cmp(&db).then(b.cmp(a))
            })
            .expect("some weight is positive");
        by_weight[best] += 1;
        assigned[best] += 1;
    }
    assigned
}

/// Which strategy item the next task should go to, given the tasks each item already has: the one
/// whose share of `current + 1` tasks is furthest above what it holds.
pub fn item_for_next_task(strategy: &[StrategyItem], current: &[u32]) -> usize {
    if strategy.len() == 1 {
        return 0;
    }
    let total: u32 = current.iter().sum();
    let target = split_desired_count(strategy, total + 1);
    (0..strategy.len())
        .max_by(|a, b| {
            let da = i64::from(target[*a]) - i64::from(current[*a]);
            let db = i64::from(target[*b]) - i64::from(current[*b]);
            da.cmp(&db).then(b.cmp(a))
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::ProviderIdx;

    fn s(items: &[(u32, u32)]) -> Vec<StrategyItem> {
        items
            .iter()
            .enumerate()
            .map(|(i, (base, weight))| StrategyItem {
                provider: ProviderIdx(i),
                base: *base,
                weight: *weight,
            })
            .collect()
    }

    #[track_caller]
    fn check(items: &[(u32, u32)], desired: u32, expected: &[u32]) {
        assert_eq!(split_desired_count(&s(items), desired), expected);
    }

    #[test]
    fn case_26_base_and_weight() {
        check(&[(2, 1), (0, 3)], 10, &[4, 6]);
        check(&[(0, 1), (0, 4)], 10, &[2, 8]);
        check(&[(5, 0), (0, 1)], 3, &[3, 0]);
        check(&[(0, 1), (0, 1)], 3, &[2, 1]);
        check(&[(0, 1)], 7, &[7]);
    }

    #[test]
    fn next_task_follows_the_split() {
        let strategy = s(&[(2, 1), (0, 3)]);
        let mut current = vec![0, 0];
        for _ in 0..10 {
            let i = item_for_next_task(&strategy, &current);
            current[i] += 1;
        }
        assert_eq!(current, vec![4, 6]);
    }
}
