//! What placement sees of the world: the service's task counts, task groups and running tasks,
//! the index of free capacity, custom attributes and ENI limits of new instances.

use std::collections::BTreeMap;

use crate::engine::world::World;
use crate::model::catalog::InstanceType;
use crate::model::{ContainerInstance, InstanceId, TaskId, TaskResources, TaskState};
use crate::policy::placement::{
    AVAILABILITY_ZONE_ATTRIBUTE, BinpackField, IndexAnswer, Placement, PlacementConstraint, PlacementContext,
    PlacementFailure, PlacementRequest, PlacementStrategy, SpreadCounts, SpreadField, host_ports, place_task,
    place_with_index,
};
use crate::policy::task_selection::{RankedStopCandidate, RuleValues, StopRule, choose_tasks_to_stop_by_strategy};
use crate::sim::{ProviderIdx, ServiceIdx};

/// The counts of one service's tasks, as the placement policy asks for them.
pub(in crate::engine) struct ServiceView<'w, 's> {
    world: &'w World<'s>,
    service: ServiceIdx,
    /// Tasks of the service per (attribute, value), for `spread(attribute:...)` rules other than
    /// the zone (the zone is counted by the service already).
    by_attribute: BTreeMap<(String, Option<String>), u32>,
}

impl<'w, 's> ServiceView<'w, 's> {
    /// The view of `service` for ranking with `rules`.
    pub fn new(world: &'w World<'s>, service: ServiceIdx, rules: &[PlacementStrategy]) -> Self {
        let mut by_attribute = BTreeMap::new();
        for rule in rules {
            let PlacementStrategy::Spread(SpreadField::Attribute(name)) = rule else {
                continue;
            };
            if name == AVAILABILITY_ZONE_ATTRIBUTE {
                continue;
            }
            for (i, n) in world.services[service].tasks_on_instance.iter() {
                let instance = &world.capacity.instances[InstanceId(i as u32)];
                let value = instance.attribute(name).map(str::to_string);
                *by_attribute.entry((name.clone(), value)).or_insert(0) += *n;
            }
        }
        ServiceView {
            world,
            service,
            by_attribute,
        }
    }
}

impl SpreadCounts for ServiceView<'_, '_> {
    fn service_tasks_on_instance(&self, instance: InstanceId) -> u32 {
        let s = &self.world.services[self.service];
        s.tasks_on_instance.get(u64::from(instance.0)).copied().unwrap_or(0)
    }
    fn service_tasks_in_az(&self, az: usize) -> u32 {
        self.world.services[self.service].tasks_in_az[az]
    }
    fn service_tasks_with_attribute(&self, name: &str, value: Option<&str>) -> u32 {
        let key = (name.to_string(), value.map(str::to_string));
        self.by_attribute.get(&key).copied().unwrap_or(0)
    }
}

impl PlacementContext for ServiceView<'_, '_> {
    fn running_tasks_on(&self, instance: &ContainerInstance) -> u64 {
        let tasks = &self.world.tasks;
        instance
            .tasks
            .iter()
            .filter(|t| tasks[*t].state == TaskState::Running)
            .count() as u64
    }
    fn any_task_group_on(&self, instance: &ContainerInstance, f: &mut dyn FnMut(&str) -> bool) -> bool {
        instance.tasks.iter().any(|t| {
            let service = &self.world.spec.services[self.world.tasks[t].service];
            f(&format!("service:{}", service.name))
        })
    }
    fn start_epoch_ms(&self) -> i64 {
        self.world.spec.start_epoch_ms
    }
}

impl World<'_> {
    /// Chooses the instance of `provider` for a task of `service` using task definition `td`:
    /// through the free-capacity index when the strategy allows it, else by scanning.
    pub(in crate::engine) fn choose_placement(
        &self,
        service: ServiceIdx,
        provider: ProviderIdx,
        td: usize,
        resources: &TaskResources,
    ) -> Result<Placement, PlacementFailure> {
        let svc = &self.spec.services[service];
        let constraints: Vec<&PlacementConstraint> = svc
            .placement_constraints
            .iter()
            .chain(&self.spec.task_definitions[td].placement_constraints)
            .collect();
        let request = PlacementRequest {
            resources,
            strategy: &svc.placement_strategy,
            constraints: &constraints,
            dynamic_port_range: self.spec.behavior.instances.dynamic_port_range,
        };
        let view = ServiceView::new(self, service, request.rules());
        match place_with_index(&request, provider, &self.capacity.free_capacity, &view) {
            IndexAnswer::Chosen(id) => {
                return Ok(Placement {
                    instance: id,
                    host_ports: host_ports(&request, &self.capacity.instances[id]),
                });
            }
            IndexAnswer::NoFit(failure) => return Err(failure),
            IndexAnswer::NotApplicable => {}
        }
        let candidates: Vec<&ContainerInstance> = self
            .instances_of_provider(provider)
            .map(|i| &self.capacity.instances[i])
            .collect();
        let mut rng = self.services[service].placement_rng.borrow_mut();
        place_task(&request, &candidates, &view, &mut rng)
    }

    /// Files instance `id` in the free-capacity index and the group totals again after a change.
    pub(in crate::engine) fn reindex_instance(&mut self, id: InstanceId) {
        let instance = &self.capacity.instances[id];
        self.capacity.free_capacity.update(instance);
        self.capacity.tally.update(instance);
    }

    /// The built-in attributes of a new instance plus the custom ones of its group, sorted by name.
    pub(in crate::engine) fn with_custom_attributes(
        &self,
        group: usize,
        mut attributes: Vec<(String, String)>,
    ) -> Vec<(String, String)> {
        for a in self
            .spec
            .instance_attributes
            .iter()
            .filter(|a| a.auto_scaling_group == group)
        {
            attributes.push((a.name.clone(), a.value.clone()));
        }
        attributes.sort();
        attributes
    }

    /// awsvpc tasks a new instance of `itype` holds: with the `awsvpcTrunking` account setting,
    /// the trunking figure of reference 9.6 when the type supports it.
    pub(in crate::engine) fn awsvpc_task_limit(&self, itype: &InstanceType) -> u32 {
        match (self.spec.awsvpc_trunking, itype.awsvpc_tasks_with_trunking()) {
            (true, Some(n)) => n,
            _ => itype.awsvpc_tasks_without_trunking(),
        }
    }
}

impl World<'_> {
    /// With a placement strategy: the tasks its rules would stop first (reference 8.6).
    pub(in crate::engine) fn tasks_to_stop_by_strategy(
        &self,
        service: ServiceIdx,
        n: u32,
        draining: &[TaskId],
    ) -> Vec<TaskId> {
        let rules = &self.spec.services[service].placement_strategy;
        // Each attribute value of a spread rule gets a number, in value order.
        let mut values: BTreeMap<(usize, Option<&str>), u64> = BTreeMap::new();
        let s = &self.services[service];
        let mut resources = None;
        let candidates: Vec<RankedStopCandidate> = s
            .tasks
            .iter()
            .enumerate()
            .filter_map(|(index, id)| {
                let t = &self.tasks[id];
                if !t.state.is_starting_or_running() || draining.contains(id) || t.is_protected(self.now) {
                    return None;
                }
                let instance = t.instance.map(|i| &self.capacity.instances[i]);
                let az = t.availability_zone.unwrap_or(0);
                // A service's tasks share one or two revisions: their needs are summed once.
                let (cpu_units, memory_mib) = match resources {
                    Some((td, cpu, memory)) if td == t.task_definition => (cpu, memory),
                    _ => {
                        let r = self.spec.task_definitions[t.task_definition].resources();
                        resources = Some((t.task_definition, r.cpu_units, r.memory_mib));
                        (r.cpu_units, r.memory_mib)
                    }
                };
                let mut keys = RuleValues::default();
                let mut amounts = RuleValues::default();
                for (k, rule) in rules.iter().enumerate() {
                    let (key, amount) = match rule {
                        PlacementStrategy::Spread(SpreadField::InstanceId) => {
                            (instance.map_or(u64::MAX - az as u64, |i| u64::from(i.id.0)), 0)
                        }
                        PlacementStrategy::Spread(SpreadField::Attribute(a)) if a == AVAILABILITY_ZONE_ATTRIBUTE => {
                            (az as u64, 0)
                        }
                        PlacementStrategy::Spread(SpreadField::Attribute(a)) => {
                            let value = instance.and_then(|i| i.attribute(a));
                            let next = values.len() as u64;
                            (*values.entry((k, value)).or_insert(next), 0)
                        }
                        PlacementStrategy::Binpack(BinpackField::Cpu) => (
                            instance.map_or(0, |i| u64::from(i.free_cpu_units())),
                            u64::from(cpu_units),
                        ),
                        PlacementStrategy::Binpack(BinpackField::Memory) => {
                            (instance.map_or(0, |i| i.free_memory_mib()), memory_mib)
                        }
                        PlacementStrategy::Random => (0, 0),
                    };
                    keys.push(key);
                    amounts.push(amount);
                }
                Some(RankedStopCandidate {
                    index,
                    not_yet_running: t.state != TaskState::Running,
                    created_seq: id.0,
                    instance: t.instance.map(|i| i.0),
                    keys,
                    amounts,
                })
            })
            .collect();
        let stop_rules: Vec<StopRule> = rules
            .iter()
            .map(|r| match r {
                PlacementStrategy::Spread(_) => StopRule::Spread,
                PlacementStrategy::Binpack(_) => StopRule::Binpack,
                PlacementStrategy::Random => StopRule::Random,
            })
            .collect();
        let mut rng = self.services[service].placement_rng.borrow_mut();
        choose_tasks_to_stop_by_strategy(&candidates, &stop_rules, n as usize, &mut rng)
            .into_iter()
            .map(|i| s.tasks[i])
            .collect()
    }
}
