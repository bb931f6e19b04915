//! Placing a standalone task on an EC2 instance: the same filters, constraints and strategies as
//! a service task, with spread counted over the task group (reference 9.2: "tasks of the same
//! task group (standalone)"); without a placement strategy, spread over zones by group.

use std::collections::BTreeMap;

use super::JobPhase;
use crate::engine::event::Event;
use crate::engine::world::World;
use crate::model::{ContainerInstance, InstanceId, TaskState};
use crate::policy::placement::{
    IndexAnswer, Placement, PlacementConstraint, PlacementContext, PlacementFailure, PlacementRequest, SpreadCounts,
    host_ports, place_task, place_with_index,
};
use crate::sim::{ProviderIdx, SimDuration};

/// The live tasks of one task group, as placement counts them.
struct GroupView<'w, 's> {
    world: &'w World<'s>,
    on_instance: BTreeMap<InstanceId, u32>,
    in_az: Vec<u32>,
}

impl<'w, 's> GroupView<'w, 's> {
    fn new(world: &'w World<'s>, group: &'w str) -> Self {
        let mut on_instance = BTreeMap::new();
        let mut in_az = vec![0; world.spec.availability_zones.len()];
        for r in world.live_runs_of_group(group) {
            if let Some(i) = r.instance {
                *on_instance.entry(i).or_insert(0) += 1;
            }
            if let Some(az) = r.availability_zone {
                in_az[az] += 1;
            }
        }
        GroupView {
            world,
            on_instance,
            in_az,
        }
    }
}

impl SpreadCounts for GroupView<'_, '_> {
    fn service_tasks_on_instance(&self, instance: InstanceId) -> u32 {
        self.on_instance.get(&instance).copied().unwrap_or(0)
    }
    fn service_tasks_in_az(&self, az: usize) -> u32 {
        self.in_az[az]
    }
    fn service_tasks_with_attribute(&self, name: &str, value: Option<&str>) -> u32 {
        self.on_instance
            .iter()
            .filter(|(i, _)| {
                self.world
                    .capacity
                    .instances
                    .get(**i)
                    .is_some_and(|inst| inst.attribute(name) == value)
            })
            .map(|(_, n)| *n)
            .sum()
    }
}

impl PlacementContext for GroupView<'_, '_> {
    fn running_tasks_on(&self, instance: &ContainerInstance) -> u64 {
        let tasks = &self.world.tasks;
        let services = instance
            .tasks
            .iter()
            .filter(|t| tasks[*t].state == TaskState::Running)
            .count();
        let jobs = instance
            .jobs
            .iter()
            .filter(|j| self.world.jobs.runs[**j as usize].phase == JobPhase::Running)
            .count();
        (services + jobs) as u64
    }
    fn any_task_group_on(&self, instance: &ContainerInstance, f: &mut dyn FnMut(&str) -> bool) -> bool {
        let world = self.world;
        instance
            .jobs
            .iter()
            .any(|j| f(&world.spec.run_tasks[world.jobs.runs[*j as usize].request].group))
            || instance.tasks.iter().any(|t| {
                let service = &world.spec.services[world.tasks[t].service];
                f(&format!("service:{}", service.name))
            })
    }
    fn start_epoch_ms(&self) -> i64 {
        self.world.spec.start_epoch_ms
    }
}

impl World<'_> {
    /// Where run `run` would go now, or why it cannot.
    fn choose_job_placement(&self, run: usize) -> Result<Placement, PlacementFailure> {
        let r = &self.jobs.runs[run];
        let request = &self.spec.run_tasks[r.request];
        let td = request.task_definition;
        let resources = self.spec.task_definitions[td].resources();
        let constraints: Vec<&PlacementConstraint> = request
            .placement_constraints
            .iter()
            .chain(&self.spec.task_definitions[td].placement_constraints)
            .collect();
        let placement = PlacementRequest {
            resources: &resources,
            strategy: &request.placement_strategy,
            constraints: &constraints,
            dynamic_port_range: self.spec.behavior.instances.dynamic_port_range,
        };
        let view = GroupView::new(self, &request.group);
        match place_with_index(&placement, r.provider, &self.capacity.free_capacity, &view) {
            IndexAnswer::Chosen(id) => {
                return Ok(Placement {
                    instance: id,
                    host_ports: host_ports(&placement, &self.capacity.instances[id]),
                });
            }
            IndexAnswer::NoFit(failure) => return Err(failure),
            IndexAnswer::NotApplicable => {}
        }
        let candidates: Vec<&ContainerInstance> = self
            .instances_of_provider(r.provider)
            .map(|i| &self.capacity.instances[i])
            .collect();
        let mut rng = self.jobs.placement_rng.borrow_mut();
        place_task(&placement, &candidates, &view, &mut rng)
    }

    /// The RunTask failure reason for run `run` now (`RESOURCE:MEMORY`, ...), if it cannot go.
    pub(in crate::engine) fn job_placement_failure(&self, run: usize) -> Option<&'static str> {
        self.choose_job_placement(run).err().map(|f| f.reason_code())
    }

    /// Places waiting run `run` if an instance has room; then it starts (PROVISIONING for an
    /// awsvpc ENI, else PENDING).
    pub(in crate::engine) fn try_place_job(&mut self, run: usize) -> bool {
        let Ok(placement) = self.choose_job_placement(run) else {
            return false;
        };
        let td = self.spec.run_tasks[self.jobs.runs[run].request].task_definition;
        let resources = self.spec.task_definitions[td].resources();
        let inst = &mut self.capacity.instances[placement.instance];
        inst.used_cpu_units += resources.cpu_units;
        inst.used_memory_mib += resources.memory_mib;
        inst.used_enis += resources.enis;
        inst.ports_in_use.extend(placement.host_ports.iter().copied());
        inst.jobs.push(run as u64);
        let az = inst.availability_zone;
        self.reindex_instance(placement.instance);
        let rate = self.instance_share_usd_per_hour(td, placement.instance);
        let provider = self.jobs.runs[run].provider;
        let waiting = &mut self.jobs.waiting[provider.index()];
        if let Some(pos) = waiting.iter().position(|w| *w == run) {
            waiting.remove(pos);
        }
        let r = &mut self.jobs.runs[run];
        r.instance = Some(placement.instance);
        r.availability_zone = Some(az);
        r.host_ports = placement.host_ports;
        r.placed_at = Some(self.now);
        r.ec2_usd_per_hour = rate;
        let awsvpc = self.spec.task_definitions[td].network_mode == crate::spec::NetworkMode::Awsvpc;
        let (phase, d) = match awsvpc {
            true => (
                JobPhase::Provisioning,
                self.spec.behavior.task_definitions[td].eni_attach_time,
            ),
            false => (JobPhase::Pending, self.spec.behavior.task_definitions[td].start_time),
        };
        let generation = self.jobs.set_phase(run, phase);
        if phase == JobPhase::Pending {
            self.jobs.runs[run].billing_from = Some(self.now);
        }
        let ms = crate::workload::lognormal_ms(d.median_ms, d.p95_ms, &mut self.jobs.timing_rng);
        self.schedule_in(SimDuration::from_millis(ms), Event::JobTimer { run, generation });
        true
    }

    /// Places the runs waiting on `provider`, oldest first, until one does not fit.
    pub(in crate::engine) fn place_waiting_jobs(&mut self, provider: ProviderIdx) {
        self.jobs.placement_queued[provider.index()] = false;
        let waiting = self.jobs.waiting[provider.index()].clone();
        for run in waiting {
            if !self.try_place_job(run) {
                break;
            }
        }
    }

    /// Asks for a placement pass over the runs waiting on `provider` (capacity was freed or
    /// registered), once per moment.
    pub(in crate::engine) fn request_job_placement(&mut self, provider: ProviderIdx) {
        let p = provider.index();
        if !self.jobs.waiting[p].is_empty() && !self.jobs.placement_queued[p] {
            self.jobs.placement_queued[p] = true;
            self.schedule_in(SimDuration::ZERO, Event::PlaceJobs { provider });
        }
    }
}
