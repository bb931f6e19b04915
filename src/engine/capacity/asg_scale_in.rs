//! How an Auto Scaling group leaves instances on scale-in: which ones it terminates, and how.

use rand::RngExt;

use crate::engine::world::World;
use crate::model::{InstanceId, InstanceState};
use crate::trace::{SinkError, TraceSink};

impl World<'_> {
    /// Instances group `group` terminates on scale-in: from the Availability Zone with the most
    /// instances (the default termination policy balances zones), then at random (seeded). With
    /// `only_empty` (managed termination protection) only registered instances without tasks may
    /// go, so fewer than `count` may come back.
    pub fn choose_instances_to_terminate(&mut self, group: usize, count: usize, only_empty: bool) -> Vec<InstanceId> {
        let mut candidates: Vec<InstanceId> = self.capacity.groups[group]
            .live
            .iter()
            .copied()
            .filter(|id| {
                let i = &self.capacity.instances[id];
                let alive = matches!(i.state, InstanceState::Launching | InstanceState::Active);
                alive && (!only_empty || (i.state == InstanceState::Active && !i.is_busy()))
            })
            .collect();
        let mut per_zone = vec![0usize; self.spec.availability_zones.len()];
        for id in &self.capacity.groups[group].live {
            let i = &self.capacity.instances[id];
            if matches!(i.state, InstanceState::Launching | InstanceState::Active) {
                per_zone[i.availability_zone] += 1;
            }
        }
        let mut chosen = Vec::with_capacity(count);
        while chosen.len() < count && !candidates.is_empty() {
            let zone_of = |id: &InstanceId| self.capacity.instances[id].availability_zone;
            let busiest = candidates
                .iter()
                .map(zone_of)
                .max_by_key(|z| (per_zone[*z], std::cmp::Reverse(*z)))
                .expect("candidates is not empty");
            let in_zone: Vec<usize> = (0..candidates.len())
                .filter(|i| zone_of(&candidates[*i]) == busiest)
                .collect();
            let pick = in_zone[self.capacity.groups[group]
                .termination_rng
                .random_range(0..in_zone.len())];
            let id = candidates.remove(pick);
            per_zone[busiest] -= 1;
            chosen.push(id);
        }
        chosen
    }

    /// An instance leaves its group on scale-in (the group's desired capacity is already lower,
    /// so it is not replaced). With `managedDraining` on its capacity provider a registered
    /// instance drains first: its service tasks are replaced elsewhere and it terminates once
    /// empty (reference 6.5); otherwise EC2 terminates it at once and its tasks stop with it.
    pub fn retire_instance(&mut self, id: InstanceId, cause: &str, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let inst = &self.capacity.instances[id];
        let managed_draining = inst
            .capacity_provider
            .is_some_and(|p| self.spec.capacity_providers[p].managed_draining);
        if managed_draining && inst.state == InstanceState::Active {
            self.drain_instance(id, &format!("{cause} (managed draining)"), true, sink)
        } else {
            self.terminate_instance(id, cause, sink)
        }
    }
}
