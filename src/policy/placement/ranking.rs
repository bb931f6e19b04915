//! Ranking feasible instances: the service default, spread over Availability Zones (reference 9.1).

use crate::model::InstanceId;

/// A feasible instance with the counts the ranking needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlacementCandidate {
    /// The instance.
    pub instance: InstanceId,
    /// Its Availability Zone index.
    pub availability_zone: usize,
    /// Tasks of the service already on it.
    pub service_tasks_on_instance: u32,
    /// Tasks of the service already in its AZ.
    pub service_tasks_in_az: u32,
}

/// The default service strategy `spread(attribute:ecs.availability-zone)`: the AZ with the fewest
/// tasks of the service, then the instance with the fewest, then the earliest launched (a
/// deterministic stand-in for AWS's random tie-break).
pub fn rank_default_az_spread(candidates: &[PlacementCandidate]) -> Option<InstanceId> {
    candidates
        .iter()
        .min_by_key(|c| (c.service_tasks_in_az, c.service_tasks_on_instance, c.instance))
        .map(|c| c.instance)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(id: u32, az: usize, on_instance: u32, in_az: u32) -> PlacementCandidate {
        PlacementCandidate {
            instance: InstanceId(id),
            availability_zone: az,
            service_tasks_on_instance: on_instance,
            service_tasks_in_az: in_az,
        }
    }

    #[track_caller]
    fn check(candidates: &[PlacementCandidate], expected: Option<u32>) {
        assert_eq!(rank_default_az_spread(candidates), expected.map(InstanceId));
    }

    #[test]
    fn spreads_over_zones_then_instances() {
        // Case 35: AZ counts (1,0,0): place in b or c (b first by launch order).
        check(&[c(0, 0, 1, 1), c(1, 1, 0, 0), c(2, 2, 0, 0)], Some(1));
        // Same AZ counts: fewer tasks on the instance wins.
        check(&[c(0, 0, 2, 2), c(1, 0, 0, 2), c(2, 1, 1, 2)], Some(1));
        check(&[], None);
    }
}
