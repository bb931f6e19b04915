//! Availability Zone rebalancing of a service (`availabilityZoneRebalancing: ENABLED`): whether
//! its tasks are balanced over the zones it can use, and which zone gains and which loses a task.
//!
//! AWS: "When ECS detects an imbalanced task distribution across AZs, it will proactively launch
//! tasks in the AZs with the fewest tasks and terminate excess tasks in the AZs with the most
//! tasks" (service-rebalancing.html). AWS does not publish its threshold; ecsim calls a service
//! balanced when its zones differ by at most one task, the closest split a count allows.

/// One rebalancing move: start a task in `to`, then stop one in `from`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RebalanceMove {
    /// The zone with the fewest tasks (the first such zone on ties).
    pub to: usize,
    /// The zone with the most tasks (the first such zone on ties).
    pub from: usize,
}

/// The move that brings `tasks_in_az` closer to balance over the zones marked `usable`, or
/// `None` when they are balanced (at most one task apart) or fewer than two zones are usable.
pub fn next_move(tasks_in_az: &[u32], usable: &[bool]) -> Option<RebalanceMove> {
    let zones = || (0..tasks_in_az.len()).filter(|z| usable.get(*z).copied().unwrap_or(false));
    let to = zones().min_by_key(|z| (tasks_in_az[*z], *z))?;
    let from = zones().max_by_key(|z| (tasks_in_az[*z], std::cmp::Reverse(*z)))?;
    (tasks_in_az[from] >= tasks_in_az[to] + 2).then_some(RebalanceMove { to, from })
}

/// Whether the usable zones are balanced (at most one task apart).
pub fn is_balanced(tasks_in_az: &[u32], usable: &[bool]) -> bool {
    next_move(tasks_in_az, usable).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zone_back_from_an_outage_gains_tasks_from_the_fullest() {
        // 5 + 0 + 4 after us-east-1b recovers: start in b (index 1), stop in a (index 0).
        let m = next_move(&[5, 0, 4], &[true, true, true]);
        assert_eq!(m, Some(RebalanceMove { to: 1, from: 0 }));
    }

    #[test]
    fn one_task_apart_is_balanced() {
        assert!(is_balanced(&[4, 3, 3], &[true, true, true]));
        assert!(is_balanced(&[1, 0, 0], &[true, true, true]));
        assert!(!is_balanced(&[3, 1, 3], &[true, true, true]));
    }

    #[test]
    fn zones_the_service_cannot_use_do_not_count() {
        // us-east-1b impaired (or without instances): 5 + 0 + 4 is balanced over a and c.
        assert_eq!(next_move(&[5, 0, 4], &[true, false, true]), None);
        assert_eq!(
            next_move(&[6, 0, 3], &[true, false, true]),
            Some(RebalanceMove { to: 2, from: 0 })
        );
        assert_eq!(next_move(&[6, 0, 0], &[true, false, false]), None);
    }

    #[test]
    fn ties_go_to_the_first_zone() {
        assert_eq!(
            next_move(&[4, 4, 1], &[true; 3]),
            Some(RebalanceMove { to: 2, from: 0 })
        );
        assert_eq!(
            next_move(&[0, 3, 0], &[true; 3]),
            Some(RebalanceMove { to: 0, from: 1 })
        );
    }
}
