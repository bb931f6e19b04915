//! An index of ACTIVE instances that can hold each task shape, by free CPU and free memory, per
//! capacity provider and zone, so the common strategies place a task without scanning instances.
//!
//! A shape is the resources of one task definition (CPU, memory, ports, ENIs); the run knows them
//! all up front. For each shape the index keeps, per provider and zone, the instances on which a
//! task of that shape fits now, ordered by (free amount, instance id). `binpack(field)` wants the
//! instance left with the least of `field`, which is then the first entry of the set: one lookup.
//! `spread(attribute:ecs.availability-zone)` before it only decides which zones are looked at:
//! the zones with the fewest tasks of the service first, the best fit over the tied zones. The
//! result is the same as ranking a full scan (a seeded randomised test in `tests.rs` checks it);
//! other strategies, any constraint and an unknown shape use the scan.

use std::collections::BTreeSet;

use super::feasibility::{Shortfall, check_fit};
use super::ranking::SpreadCounts;
use super::strategy::{AVAILABILITY_ZONE_ATTRIBUTE, BinpackField, PlacementStrategy, SpreadField};
use super::{PlacementFailure, PlacementRequest};
use crate::model::{ContainerInstance, InstanceId, InstanceState, TaskResources};
use crate::sim::{IdMap, ProviderIdx};

/// Most task shapes the index keeps sets for; tasks of other shapes are placed by scanning.
pub const MAX_INDEXED_SHAPES: usize = 64;

/// The shortfall of an instance that passed 0, 1, 2 or 3 of the checks (see `check_fit`).
const SHORTFALL_BY_CHECKS_PASSED: [Shortfall; 4] =
    [Shortfall::Cpu, Shortfall::Memory, Shortfall::Ports, Shortfall::Eni];

/// Where one instance is filed: its slot, the free amounts, and the shapes that fit on it.
#[derive(Clone, Copy, Debug)]
struct Entry {
    slot: usize,
    cpu: u64,
    memory: u64,
    /// Bit `k` set: a task of shape `k` fits.
    fits: u64,
    /// Bits `2k..2k+2`: where a shape `k` that does not fit falls short (checks passed, 0-3).
    misfits: u128,
}

/// The ACTIVE instances each task shape fits on, by capacity provider and Availability Zone.
#[derive(Clone, Debug, Default)]
pub struct FreeCapacityIndex {
    zones: usize,
    providers: usize,
    shapes: Vec<TaskResources>,
    dynamic_port_range: (u16, u16),
    /// Per shape and slot (`(shape * providers + provider) * zones + zone`): (free CPU, id).
    by_cpu: Vec<BTreeSet<(u64, u32)>>,
    /// Per shape and slot: (free memory MiB, id).
    by_memory: Vec<BTreeSet<(u64, u32)>>,
    /// Per shape, provider and checks passed (`(shape * providers + provider) * 4 + passed`): the
    /// ids of the ACTIVE instances where a task of the shape does not fit, to explain a failure.
    misfits: Vec<BTreeSet<u32>>,
    /// Per instance id: where it is filed, if it is (ACTIVE instances only).
    entries: IdMap<Entry>,
}

impl FreeCapacityIndex {
    /// An empty index for `providers` capacity providers over `zones` zones, for tasks of the
    /// given shapes (duplicates are kept once; beyond `MAX_INDEXED_SHAPES` they are not indexed).
    pub fn new(providers: usize, zones: usize, shapes: &[TaskResources], dynamic_port_range: (u16, u16)) -> Self {
        let mut distinct: Vec<TaskResources> = Vec::new();
        for shape in shapes {
            if !distinct.contains(shape) && distinct.len() < MAX_INDEXED_SHAPES {
                distinct.push(shape.clone());
            }
        }
        let sets = distinct.len() * providers * zones;
        let misfit_sets = distinct.len() * providers * 4;
        FreeCapacityIndex {
            zones,
            providers,
            shapes: distinct,
            dynamic_port_range,
            by_cpu: vec![BTreeSet::new(); sets],
            by_memory: vec![BTreeSet::new(); sets],
            misfits: vec![BTreeSet::new(); misfit_sets],
            entries: IdMap::new(),
        }
    }

    /// Files `instance` under its current free resources (or removes it unless ACTIVE). Call it
    /// after every change of an instance's state, used resources or ports.
    pub fn update(&mut self, instance: &ContainerInstance) {
        let id = u64::from(instance.id.0);
        if let Some(old) = self.entries.remove(id) {
            self.file(old, instance.id.0, false);
        }
        let provider = instance.capacity_provider.filter(|p| p.index() < self.providers);
        let indexed = instance.state == InstanceState::Active && instance.availability_zone < self.zones;
        if let (Some(provider), true) = (provider, indexed) {
            let (mut fits, mut misfits) = (0u64, 0u128);
            for (k, shape) in self.shapes.iter().enumerate() {
                match check_fit(shape, instance, self.dynamic_port_range) {
                    Ok(()) => fits |= 1 << k,
                    Err((passed, _)) => misfits |= (passed as u128 & 3) << (2 * k),
                }
            }
            let entry = Entry {
                slot: provider.index() * self.zones + instance.availability_zone,
                cpu: u64::from(instance.free_cpu_units()),
                memory: instance.free_memory_mib(),
                fits,
                misfits,
            };
            self.file(entry, instance.id.0, true);
            self.entries.insert(id, entry);
        }
    }

    /// Adds (or removes) instance `id` to the sets of every shape: those that fit on it by free
    /// amounts, the others by how far they got.
    fn file(&mut self, entry: Entry, id: u32, add: bool) {
        let per_shape = self.providers * self.zones;
        let provider = entry.slot / self.zones;
        for k in 0..self.shapes.len() {
            if entry.fits & (1 << k) != 0 {
                let set = k * per_shape + entry.slot;
                if add {
                    self.by_cpu[set].insert((entry.cpu, id));
                    self.by_memory[set].insert((entry.memory, id));
                } else {
                    self.by_cpu[set].remove(&(entry.cpu, id));
                    self.by_memory[set].remove(&(entry.memory, id));
                }
            } else {
                let passed = ((entry.misfits >> (2 * k)) & 3) as usize;
                let set = &mut self.misfits[(k * self.providers + provider) * 4 + passed];
                if add {
                    set.insert(id);
                } else {
                    set.remove(&id);
                }
            }
        }
    }

    /// Why a task of shape `shape` fits on no ACTIVE instance of `provider`: as a scan explains
    /// it, the earliest-launched instance that passed the most checks, and what it lacks.
    fn explain_no_fit(&self, shape: usize, provider: ProviderIdx) -> PlacementFailure {
        let base = (shape * self.providers + provider.index()) * 4;
        let closest = (0..4)
            .rev()
            .find_map(|passed| self.misfits[base + passed].first().map(|id| (passed, *id)));
        PlacementFailure {
            shortfall: closest.map(|(passed, _)| SHORTFALL_BY_CHECKS_PASSED[passed]),
            closest: closest.map(|(_, id)| InstanceId(id)),
            constraint: None,
        }
    }

    /// The free (CPU units, memory MiB) instance `id` is filed under, if it is indexed.
    pub fn filed_as(&self, id: InstanceId) -> Option<(u64, u64)> {
        self.entries.get(u64::from(id.0)).map(|e| (e.cpu, e.memory))
    }

    /// Instances in the index.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True if no instance is indexed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The position of `resources` among the indexed shapes.
    fn shape_of(&self, resources: &TaskResources) -> Option<usize> {
        self.shapes.iter().position(|s| s == resources)
    }

    /// In `provider`'s `zone`, the instance with the least free `field` on which a task of shape
    /// `shape` fits: (free amount, id).
    fn tightest_fit(
        &self,
        shape: usize,
        provider: ProviderIdx,
        zone: usize,
        field: BinpackField,
    ) -> Option<(u64, u32)> {
        let set = (shape * self.providers + provider.index()) * self.zones + zone;
        let set = match field {
            BinpackField::Cpu => &self.by_cpu[set],
            BinpackField::Memory => &self.by_memory[set],
        };
        set.first().copied()
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

/// What the index says of a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IndexAnswer {
    /// The instance the rules choose.
    Chosen(InstanceId),
    /// No ACTIVE instance of the provider can hold the task, and why (as a scan explains it).
    NoFit(PlacementFailure),
    /// The index cannot answer: other rules, a constraint, or a shape it does not keep.
    NotApplicable,
}

/// The instance the rules choose, found through the index.
pub fn place_with_index(
    request: &PlacementRequest<'_>,
    provider: ProviderIdx,
    index: &FreeCapacityIndex,
    counts: &dyn SpreadCounts,
) -> IndexAnswer {
    let Some((spread_zones, field)) = index_applies(request) else {
        return IndexAnswer::NotApplicable;
    };
    let Some(shape) = index.shape_of(request.resources) else {
        return IndexAnswer::NotApplicable;
    };
    if provider.index() >= index.providers {
        return IndexAnswer::NotApplicable;
    }
    let best_in = |zones: &mut dyn Iterator<Item = usize>| {
        zones
            .filter_map(|z| index.tightest_fit(shape, provider, z, field))
            .min()
            .map(|(_, id)| InstanceId(id))
    };
    if !spread_zones {
        return best_in(&mut (0..index.zones)).map_or_else(
            || IndexAnswer::NoFit(index.explain_no_fit(shape, provider)),
            IndexAnswer::Chosen,
        );
    }
    // Zones by the service's task count; the first count group with any fit wins.
    // On the stack for the zones a region has (no allocation per placement), else on the heap.
    let mut on_stack = [(0u32, 0usize); 8];
    let mut on_heap = Vec::new();
    let zones: &mut [(u32, usize)] = if index.zones <= on_stack.len() {
        &mut on_stack[..index.zones]
    } else {
        on_heap.resize(index.zones, (0, 0));
        &mut on_heap
    };
    for (z, slot) in zones.iter_mut().enumerate() {
        *slot = (counts.service_tasks_in_az(z), z);
    }
    zones.sort_unstable();
    let mut start = 0;
    while start < zones.len() {
        let count = zones[start].0;
        let end = start + zones[start..].iter().take_while(|(c, _)| *c == count).count();
        if let Some(id) = best_in(&mut zones[start..end].iter().map(|(_, z)| *z)) {
            return IndexAnswer::Chosen(id);
        }
        start = end;
    }
    IndexAnswer::NoFit(index.explain_no_fit(shape, provider))
}
