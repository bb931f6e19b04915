//! An index of ACTIVE instances by free CPU and free memory, per capacity provider and zone, so
//! the common strategies place a task without scanning every instance.
//!
//! `binpack(field)` wants the instance left with the least of `field`: in a set ordered by
//! (free amount, instance id) that is the first entry at or above the task's need, a range query.
//! `spread(attribute:ecs.availability-zone)` before it only decides which zones are looked at:
//! the zones with the fewest tasks of the service first, the best fit over the tied zones. An
//! entry that has the memory but lacks CPU, ports or ENIs is skipped, so the walk is short unless
//! the cluster is nearly full. The result is the same as ranking a full scan (a seeded randomised
//! test in `tests.rs` checks it); other strategies and any constraint use the scan.

use std::collections::BTreeSet;

use super::PlacementRequest;
use super::feasibility::check_fit;
use super::ranking::SpreadCounts;
use super::strategy::{AVAILABILITY_ZONE_ATTRIBUTE, BinpackField, PlacementStrategy, SpreadField};
use crate::model::{ContainerInstance, InstanceId, InstanceState};
use crate::sim::ProviderIdx;

/// Free CPU and memory of every ACTIVE instance, by capacity provider and Availability Zone.
#[derive(Clone, Debug, Default)]
pub struct FreeCapacityIndex {
    zones: usize,
    providers: usize,
    /// Per slot (`provider * zones + zone`): (free CPU units, instance id).
    by_cpu: Vec<BTreeSet<(u64, u32)>>,
    /// Per slot: (free memory MiB, instance id).
    by_memory: Vec<BTreeSet<(u64, u32)>>,
    /// Per instance id: its slot and the keys it is filed under.
    entries: Vec<Option<(usize, u64, u64)>>,
}

impl FreeCapacityIndex {
    /// An empty index for `providers` capacity providers over `zones` zones.
    pub fn new(providers: usize, zones: usize) -> Self {
        FreeCapacityIndex {
            zones,
            providers,
            by_cpu: vec![BTreeSet::new(); providers * zones],
            by_memory: vec![BTreeSet::new(); providers * zones],
            entries: Vec::new(),
        }
    }

    /// Files `instance` under its current free resources (or removes it unless ACTIVE). Call it
    /// after every change of an instance's state or used resources.
    pub fn update(&mut self, instance: &ContainerInstance) {
        let id = instance.id.index();
        if self.entries.len() <= id {
            self.entries.resize(id + 1, None);
        }
        if let Some((slot, cpu, memory)) = self.entries[id].take() {
            self.by_cpu[slot].remove(&(cpu, instance.id.0));
            self.by_memory[slot].remove(&(memory, instance.id.0));
        }
        let provider = instance.capacity_provider.filter(|p| p.index() < self.providers);
        let indexed = instance.state == InstanceState::Active && instance.availability_zone < self.zones;
        if let (Some(provider), true) = (provider, indexed) {
            let slot = provider.index() * self.zones + instance.availability_zone;
            let (cpu, memory) = (u64::from(instance.free_cpu_units()), instance.free_memory_mib());
            self.by_cpu[slot].insert((cpu, instance.id.0));
            self.by_memory[slot].insert((memory, instance.id.0));
            self.entries[id] = Some((slot, cpu, memory));
        }
    }

    /// The free (CPU units, memory MiB) instance `id` is filed under, if it is indexed.
    pub fn filed_as(&self, id: InstanceId) -> Option<(u64, u64)> {
        self.entries
            .get(id.index())
            .copied()
            .flatten()
            .map(|(_, cpu, memory)| (cpu, memory))
    }

    /// Instances in the index.
    pub fn len(&self) -> usize {
        self.entries.iter().flatten().count()
    }

    /// True if no instance is indexed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// In `provider`'s `zone`, the instance with the least free `field` among those with at least
    /// `need` of it for which `fits` holds: (free amount, id).
    fn tightest_fit(
        &self,
        provider: ProviderIdx,
        zone: usize,
        field: BinpackField,
        need: u64,
        fits: &mut dyn FnMut(u32) -> bool,
    ) -> Option<(u64, u32)> {
        let slot = provider.index() * self.zones + zone;
        let set = match field {
            BinpackField::Cpu => &self.by_cpu[slot],
            BinpackField::Memory => &self.by_memory[slot],
        };
        set.range((need, 0)..).find(|(_, id)| fits(*id)).copied()
    }
}

/// The rules the index can answer: `[binpack(f)]` or `[spread(zone), binpack(f)]`, no constraint.
/// Returns whether zones are spread first, and the binpack field.
pub fn index_applies(request: &PlacementRequest<'_>) -> Option<(bool, BinpackField)> {
    if !request.constraints.is_empty() {
        return None;
    }
    match request.strategy {
        [PlacementStrategy::Binpack(f)] => Some((false, *f)),
        [
            PlacementStrategy::Spread(SpreadField::Attribute(a)),
            PlacementStrategy::Binpack(f),
        ] if a == AVAILABILITY_ZONE_ATTRIBUTE => Some((true, *f)),
        _ => None,
    }
}

/// The instance the rules choose, found through the index; `None` when the index does not apply
/// or finds no instance (the caller then scans, which also explains a failure).
/// `instances` is every instance of the world, indexed by id.
pub fn place_with_index(
    request: &PlacementRequest<'_>,
    provider: ProviderIdx,
    index: &FreeCapacityIndex,
    instances: &[ContainerInstance],
    counts: &dyn SpreadCounts,
) -> Option<InstanceId> {
    let (spread_zones, field) = index_applies(request)?;
    if provider.index() >= index.providers {
        return None;
    }
    let need = match field {
        BinpackField::Cpu => u64::from(request.resources.cpu_units),
        BinpackField::Memory => request.resources.memory_mib,
    };
    let mut fits = |id: u32| check_fit(request.resources, &instances[id as usize], request.dynamic_port_range).is_ok();
    let best_in = |zones: &mut dyn Iterator<Item = usize>, fits: &mut dyn FnMut(u32) -> bool| {
        zones
            .filter_map(|z| index.tightest_fit(provider, z, field, need, fits))
            .min()
            .map(|(_, id)| InstanceId(id))
    };
    if !spread_zones {
        return best_in(&mut (0..index.zones), &mut fits);
    }
    // Zones by the service's task count; the first count group with any fit wins.
    let mut zones: Vec<(u32, usize)> = (0..index.zones).map(|z| (counts.service_tasks_in_az(z), z)).collect();
    zones.sort_unstable();
    let mut start = 0;
    while start < zones.len() {
        let count = zones[start].0;
        let end = start + zones[start..].iter().take_while(|(c, _)| *c == count).count();
        if let Some(id) = best_in(&mut zones[start..end].iter().map(|(_, z)| *z), &mut fits) {
            return Some(id);
        }
        start = end;
    }
    None
}
