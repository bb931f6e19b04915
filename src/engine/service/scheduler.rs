//! The ECS service scheduler: keeps `desiredCount` tasks, places waiting tasks, stops extras.

use crate::engine::world::World;
use crate::model::{StopReason, TaskId, TaskState};
use crate::policy::capacity_provider_strategy::item_for_next_task;
use crate::policy::task_selection::{StopCandidate, choose_tasks_to_stop};
use crate::sim::{ProviderIdx, ServiceIdx};
use crate::trace::{EventKind, SinkError, TraceSink};

impl World<'_> {
    /// One pass of the service scheduler over `service`. Tasks on DRAINING instances do not count
    /// toward the desired count: they are replaced, then stopped (see `draining`).
    pub fn reconcile(&mut self, service: ServiceIdx, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        self.services[service].reconcile_queued = false;
        if self.spec.services[service].daemon {
            return self.reconcile_daemon(service, sink);
        }
        if self.services[service].deployment.is_some() {
            // A deployment replaces every task: a rebalancing move under way is dropped.
            self.services[service].rebalancing.step = None;
            return self.reconcile_deployment(service, sink);
        }
        self.settle_rebalancing(service, sink)?;
        let draining = if self.any_draining() {
            self.tasks_on_draining(service)
        } else {
            Vec::new()
        };
        let active = self.services[service].active_count();
        let counted = active - draining.len() as u32;
        // A rebalancing move keeps its task beyond the desired count until it is healthy.
        let desired = self.services[service].desired + self.rebalancing_extra(service);
        // The restart throttle (reference 8.5) holds new tasks back; a timer reconciles at its end.
        if counted < desired && !self.start_throttled(service) {
            // maximumPercent bounds the replacements of draining tasks (reference 8.1).
            let room = match self.any_draining() {
                true => self.draining_room(service, &draining).unwrap_or(u32::MAX),
                false => u32::MAX,
            };
            let started = self.start_tasks(service, (desired - counted).min(room), sink)?;
            self.log_task_list(service, "started", &started, sink)?;
        }
        self.place_waiting_tasks(service, sink)?;
        if counted > desired {
            let surplus = counted - desired;
            let stopped = self.stop_surplus_tasks(service, surplus, &draining, sink)?;
            self.log_task_list(service, "stopped", &stopped, sink)?;
            self.note_scale_in_shortfall(service, surplus, stopped.len() as u32, sink)?;
        } else {
            self.services[service].scale_in_blocked_logged = false;
        }
        if !draining.is_empty() {
            let stopped = self.stop_replaced_draining_tasks(service, sink)?;
            self.log_task_list(service, "stopped", &stopped, sink)?;
        }
        self.consider_rebalancing(service, sink)?;
        self.update_steady_state(service, sink)
    }

    /// Creates `n` tasks, each on the strategy item whose share is furthest behind.
    pub(in crate::engine) fn start_tasks(
        &mut self,
        service: ServiceIdx,
        n: u32,
        sink: &mut dyn TraceSink,
    ) -> Result<Vec<TaskId>, SinkError> {
        let mut started = Vec::with_capacity(n as usize);
        for _ in 0..n {
            let strategy = &self.spec.services[service].strategy;
            let item = item_for_next_task(strategy, &self.services[service].per_strategy_item);
            let id = self.create_task(service, item);
            started.push(id);
            if self.provider_is_fargate(strategy[item].provider) {
                self.assign_fargate_zone(id);
                self.arm_task_timer(id, sink)?;
            } else {
                self.services[service].unplaced.push(id);
            }
        }
        Ok(started)
    }

    /// Fargate tasks are balanced over the Availability Zones of the cluster (reference 8.6).
    fn assign_fargate_zone(&mut self, id: TaskId) {
        let service = self.tasks[&id].service;
        let impaired = &self.capacity.impaired_zones;
        let s = &mut self.services[service];
        let az = (0..s.tasks_in_az.len())
            .min_by_key(|az| (impaired[*az], s.tasks_in_az[*az], *az))
            .expect("at least one AZ");
        s.count_placed(az, None);
        self.tasks.get_mut(&id).expect("task exists").availability_zone = Some(az);
    }

    /// Tries to place every task of the service waiting in PROVISIONING without an instance.
    pub(in crate::engine) fn place_waiting_tasks(
        &mut self,
        service: ServiceIdx,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        // The list as it is now (placing changes it), copied into a buffer kept between calls.
        let mut waiting = std::mem::take(&mut self.services[service].placing);
        waiting.clear();
        waiting.extend_from_slice(&self.services[service].unplaced);
        let mut result = Ok(());
        for id in &waiting {
            match self.try_place(*id, sink) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        self.services[service].placing = waiting;
        result
    }

    /// Places one task on an instance of its capacity provider; logs why when it cannot.
    pub fn try_place(&mut self, id: TaskId, sink: &mut dyn TraceSink) -> Result<bool, SinkError> {
        let (service, provider, td) = {
            let t = &self.tasks[&id];
            (t.service, t.capacity_provider, t.task_definition)
        };
        let resources = self.spec.task_definitions[td].resources();
        match self.choose_placement(service, provider, td, &resources) {
            Ok(placement) => {
                let s = &mut self.services[service];
                let pos = s.unplaced.binary_search(&id).expect("unplaced tasks are listed");
                s.unplaced.remove(pos);
                let instance = placement.instance;
                let recovered = self.occupy(id, placement, sink)?;
                if recovered {
                    let name = &self.spec.services[service].name;
                    let instance = &self.capacity.instances[instance].ec2_instance_id;
                    self.log(
                        sink,
                        EventKind::PlacementRecovered,
                        name.clone(),
                        format!(
                            "(service {name}) placed waiting task {} on {instance}.",
                            World::task_label(id)
                        ),
                    )?;
                }
                Ok(true)
            }
            Err(failure) => {
                let code = failure.reason_code();
                if self.services[service].last_placement_failure != Some(code) {
                    self.services[service].last_placement_failure = Some(code);
                    self.accounting.placement_failures += 1;
                    let name = &self.spec.services[service].name;
                    let closest = failure
                        .closest
                        .map(|i| self.capacity.instances[i].ec2_instance_id.clone());
                    let detail = match (failure.shortfall, closest) {
                        (None, Some(i)) => {
                            format!(" The closest matching (container-instance {i}) encountered error \"{code}\".")
                        }
                        (Some(s), Some(i)) => format!(
                            " The closest matching (container-instance {i}) has insufficient {} available.",
                            shortfall_words(s)
                        ),
                        _ => " No container instance is registered with its capacity provider.".to_string(),
                    };
                    let provider_name = &self.spec.capacity_providers[provider].name;
                    self.log(
                        sink,
                        EventKind::PlacementFailure,
                        name.clone(),
                        format!(
                            "(service {name}) was unable to place a task on {provider_name} because no container instance met all of its requirements.{detail} Reason: {code}."
                        ),
                    )?;
                }
                Ok(false)
            }
        }
    }

    /// Puts task `id` on the instance `placement` chose: the instance holds its resources and
    /// ports, the service counts it there, and its timer starts. Returns whether the service had
    /// a placement failure logged (the task's placement recovers from it).
    pub(in crate::engine) fn occupy(
        &mut self,
        id: TaskId,
        placement: crate::policy::placement::Placement,
        sink: &mut dyn TraceSink,
    ) -> Result<bool, SinkError> {
        let (service, td) = (self.tasks[&id].service, self.tasks[&id].task_definition);
        let resources = self.spec.task_definitions[td].resources();
        let daemon = self.spec.services[service].daemon;
        let inst = &mut self.capacity.instances[placement.instance];
        inst.used_cpu_units += resources.cpu_units;
        inst.used_memory_mib += resources.memory_mib;
        inst.used_enis += resources.enis;
        inst.ports_in_use.extend(placement.host_ports.iter().copied());
        inst.tasks.push(id);
        inst.daemon_tasks += u32::from(daemon);
        let az = inst.availability_zone;
        self.reindex_instance(placement.instance);
        let s = &mut self.services[service];
        s.count_placed(az, Some(placement.instance));
        let recovered = s.last_placement_failure.take().is_some();
        let task = self.tasks.get_mut(&id).expect("task exists");
        task.instance = Some(placement.instance);
        self.charge_instance_share(service, td, placement.instance, true);
        let task = self.tasks.get_mut(&id).expect("task exists");
        task.availability_zone = Some(az);
        task.host_ports = placement.host_ports;
        self.arm_task_timer(id, sink)?;
        Ok(recovered)
    }

    /// Stops `n` tasks, chosen as ECS does on scale-in (by the placement strategy when set).
    /// Tasks on draining instances (`draining`) are left to the drain; protected tasks are never
    /// chosen (reference 8.6), so fewer than `n` may stop.
    fn stop_surplus_tasks(
        &mut self,
        service: ServiceIdx,
        n: u32,
        draining: &[TaskId],
        sink: &mut dyn TraceSink,
    ) -> Result<Vec<TaskId>, SinkError> {
        let ids = if self.spec.services[service].placement_strategy.is_empty() {
            self.tasks_to_stop_by_default(service, n, draining)
        } else {
            self.tasks_to_stop_by_strategy(service, n, draining)
        };
        for id in &ids {
            self.stop_task(*id, StopReason::ScaleIn, sink)?;
        }
        Ok(ids)
    }

    /// Without a strategy: the fullest zone, then the fullest instance (reference 8.6).
    fn tasks_to_stop_by_default(&self, service: ServiceIdx, n: u32, draining: &[TaskId]) -> Vec<TaskId> {
        let s = &self.services[service];
        let candidates: Vec<StopCandidate> = s
            .tasks
            .iter()
            .enumerate()
            .filter_map(|(index, id)| {
                let t = &self.tasks[id];
                let eligible = t.state.is_starting_or_running() && !draining.contains(id) && !t.is_protected(self.now);
                eligible.then(|| StopCandidate {
                    index,
                    not_yet_running: t.state != TaskState::Running,
                    availability_zone: t.availability_zone.unwrap_or(0),
                    instance: t.instance.map(|i| i.0),
                    created_seq: id.0,
                })
            })
            .collect();
        choose_tasks_to_stop(&candidates, n as usize)
            .into_iter()
            .map(|i| self.services[service].tasks[i])
            .collect()
    }

    pub(in crate::engine) fn log_task_list(
        &self,
        service: ServiceIdx,
        verb: &str,
        ids: &[TaskId],
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        if ids.is_empty() {
            return Ok(());
        }
        let name = &self.spec.services[service].name;
        let list: Vec<String> = ids
            .iter()
            .map(|id| format!("(task {})", World::task_label(*id)))
            .collect();
        let what = if verb == "stopped" { "running tasks" } else { "tasks" };
        self.log(
            sink,
            EventKind::ServiceScheduler,
            name.clone(),
            format!("(service {name}) has {verb} {} {what}: {}.", ids.len(), list.join(" ")),
        )
    }

    /// Asks the scheduler to retry placement for services with tasks waiting on `provider`.
    /// Standalone tasks waiting on it get a placement pass too.
    pub fn request_reconcile_waiting_on(&mut self, provider: ProviderIdx) {
        self.request_job_placement(provider);
        for service in ServiceIdx::all(self.services.len()) {
            let uses = self.spec.services[service]
                .strategy
                .iter()
                .any(|i| i.provider == provider);
            if uses && !self.services[service].unplaced.is_empty() {
                self.request_reconcile(service);
            }
        }
    }
}

fn shortfall_words(s: crate::policy::placement::Shortfall) -> &'static str {
    use crate::policy::placement::Shortfall;
    match s {
        Shortfall::Cpu => "CPU units",
        Shortfall::Memory => "memory",
        Shortfall::Ports => "ports (a required host port is in use)",
        Shortfall::Eni => "elastic network interfaces",
    }
}
