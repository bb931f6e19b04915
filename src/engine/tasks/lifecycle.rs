//! Task lifecycle in the world: creating tasks, moving them through their states, stopping them.

use crate::engine::event::Event;
use crate::engine::world::World;
use crate::model::fargate::{FargatePrice, ephemeral_storage_usd_per_hour, spot_price};
use crate::model::task::is_legal_transition;
use crate::model::{StopReason, Task, TaskId, TaskState};
use crate::sim::{ServiceIdx, SimDuration, SimTime};
use crate::spec::{CapacityProviderKind, DependencyStart, DurationDistribution, NetworkMode};
use crate::trace::{EventKind, SinkError, TaskRecord, TraceSink};
use crate::workload::lognormal_ms;

impl World<'_> {
    /// Creates a task of `service` on strategy item `item`, in PROVISIONING.
    pub fn create_task(&mut self, service: ServiceIdx, item: usize) -> TaskId {
        let spec = &self.spec.services[service];
        let id = self.tasks.create(|id| Task {
            id,
            service,
            task_definition: self.services[service].task_definition,
            capacity_provider: spec.strategy[item].provider,
            instance: None,
            availability_zone: None,
            host_ports: Vec::new(),
            state: TaskState::Provisioning,
            healthy: false,
            generation: 0,
            created_at: self.now,
            deployment: self.services[service].deployment_number,
            billing_started_at: None,
            running_at: None,
            stop_reason: None,
            protected_until: None,
        });
        let s = &mut self.services[service];
        s.tasks.push(id);
        s.count_created(item);
        id
    }

    fn sample(&mut self, d: DurationDistribution) -> u64 {
        lognormal_ms(d.median_ms, d.p95_ms, &mut self.tasks.timing_rng)
    }

    /// How long `task` stays in its current state before its timer fires; `None` = no timer.
    fn state_duration_ms(&mut self, id: TaskId) -> Option<u64> {
        let task = &self.tasks[&id];
        let td = &self.spec.task_definitions[task.task_definition];
        let b = &self.spec.behavior.task_definitions[task.task_definition];
        let fargate = self.provider_is_fargate(task.capacity_provider);
        let awsvpc = td.network_mode == NetworkMode::Awsvpc;
        let d = match task.state {
            TaskState::Provisioning if fargate => b.fargate_provisioning_time,
            TaskState::Provisioning if task.instance.is_none() => return None,
            TaskState::Provisioning if awsvpc => b.eni_attach_time,
            TaskState::Provisioning => DurationDistribution::fixed(0),
            TaskState::Pending => {
                // The containers start after the image pull; those with dependencies wait for
                // them, or give up at their startTimeout (reference 8.5, case 46).
                let extra = match td.start_dependencies() {
                    DependencyStart::Ready { wait_ms } => wait_ms,
                    DependencyStart::TimedOut { after_ms, .. } => after_ms,
                };
                let d = b.start_time;
                return Some(self.sample(d) + extra);
            }
            TaskState::Activating => b.activating_time,
            TaskState::Running | TaskState::Stopped => return None,
            // A target deregistered from its load balancer drains for the deregistration delay
            // (reference 8.5, case 29) before the containers get SIGTERM.
            TaskState::Deactivating => match self.deregistration_delay_ms(task.service) {
                Some(ms) => DurationDistribution::fixed(ms),
                None => b.deactivating_time,
            },
            // Each container exits after SIGTERM or is killed at its stopTimeout; dependencies
            // stop after the containers that depend on them (reference 8.5).
            TaskState::Stopping => {
                let td = &self.spec.task_definitions[task.task_definition];
                let d = b.stop_time;
                let exit = self.sample(d);
                return Some(td.stopping_ms(exit));
            }
            TaskState::Deprovisioning if fargate || awsvpc => b.deprovisioning_time,
            TaskState::Deprovisioning => DurationDistribution::fixed(0),
        };
        Some(self.sample(d))
    }

    /// Arms the timer of the task's current state (or moves on at once if it takes no time).
    pub fn arm_task_timer(&mut self, id: TaskId, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        if self.warm_starting {
            return Ok(());
        }
        match self.state_duration_ms(id) {
            None => Ok(()),
            Some(0) => {
                let next = self.tasks[&id].state.next();
                self.transition(id, next, sink)
            }
            Some(ms) => {
                let generation = self.tasks[&id].generation;
                self.schedule_in(SimDuration::from_millis(ms), Event::TaskTimer { task: id, generation });
                Ok(())
            }
        }
    }

    /// Moves a task to `to`, keeping every counter right, and arms the next timer.
    pub fn transition(&mut self, id: TaskId, to: TaskState, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let from = self.tasks[&id].state;
        assert!(
            is_legal_transition(from, to),
            "illegal task transition {from:?} -> {to:?}"
        );
        // A container that gave up on its dependency ends the start: PENDING -> STOPPING
        // (reference 8.5, case 46).
        let gave_up = from == TaskState::Pending
            && matches!(to, TaskState::Activating | TaskState::Running)
            && matches!(
                self.spec.task_definitions[self.tasks[&id].task_definition].start_dependencies(),
                DependencyStart::TimedOut { .. }
            );
        if gave_up {
            return self.stop_task(id, StopReason::DependencyTimedOut, sink);
        }
        self.enter_state(id, to, sink)
    }

    /// Stops a task at once, skipping its lifecycle: its instance is gone.
    pub fn abort_task(&mut self, id: TaskId, reason: StopReason, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        self.tasks.get_mut(&id).expect("task exists").stop_reason = Some(reason);
        self.enter_state(id, TaskState::Stopped, sink)
    }

    /// Puts a freshly placed task straight into RUNNING and healthy: the warm start of a run,
    /// where services already run their desired tasks when the simulation begins.
    pub fn warm_start_task(&mut self, id: TaskId) {
        let (service, from) = (self.tasks[&id].service, self.tasks[&id].state);
        assert_eq!(
            from,
            TaskState::Provisioning,
            "warm start happens before any timer runs"
        );
        let revision = self.tasks[&id].task_definition;
        let s = &mut self.services[service];
        s.count_state_change(from, TaskState::Running);
        s.count_healthy(self.spec, service, revision, true);
        let task = self.tasks.get_mut(&id).expect("task exists");
        task.state = TaskState::Running;
        task.healthy = true;
        task.generation += 1;
        task.running_at = Some(self.now);
        self.start_task_billing(id);
        self.arm_spot_interruption(id);
    }

    fn enter_state(&mut self, id: TaskId, to: TaskState, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let (service, from) = {
            let t = &self.tasks[&id];
            (t.service, t.state)
        };
        // Utilization and serving change with RUNNING/healthy counts: close the sub-interval first.
        self.accumulate_load(service);
        let was_counted = from.is_starting_or_running();
        self.services[service].count_state_change(from, to);
        let task = self.tasks.get_mut(&id).expect("task exists");
        task.state = to;
        task.generation += 1;
        if task.healthy && to != TaskState::Running {
            task.healthy = false;
            let revision = task.task_definition;
            self.services[service].count_healthy(self.spec, service, revision, false);
        }
        if was_counted && !to.is_starting_or_running() {
            self.leave_service_counts(id);
        }
        if self.spec.behavior.task_events {
            self.log(
                sink,
                EventKind::TaskState,
                World::task_label(id),
                format!("{} -> {}", from.as_str(), to.as_str()),
            )?;
        }
        match to {
            TaskState::Pending => self.start_task_billing(id),
            TaskState::Running => {
                if self.essential_container_exits(id) {
                    self.stop_task(id, StopReason::EssentialContainerExited, sink)?;
                    return self.update_steady_state(service, sink);
                }
                let task = self.tasks.get_mut(&id).expect("task exists");
                task.running_at = Some(self.now);
                // A task that reaches RUNNING ends the restart throttle's count (reference 8.5).
                self.services[service].start_failures = 0;
                self.arm_health(id);
                self.arm_spot_interruption(id);
            }
            TaskState::Stopped => return self.finish_task(id, sink),
            _ => {}
        }
        self.arm_task_timer(id, sink)?;
        self.update_steady_state(service, sink)
    }

    /// A RUNNING task now counts as healthy.
    pub fn mark_healthy(&mut self, id: TaskId, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let service = self.tasks[&id].service;
        self.accumulate_load(service);
        let task = self.tasks.get_mut(&id).expect("task exists");
        task.healthy = true;
        let (deployment, revision) = (task.deployment, task.task_definition);
        self.services[service].count_healthy(self.spec, service, revision, true);
        if self.services[service].deployment.is_some() {
            // A new task may let the deployment stop an old one.
            self.on_deployment_task_healthy(service, deployment);
            self.request_reconcile(service);
        } else if self.any_draining() || self.services[service].rebalancing.step.is_some() {
            // A replacement became healthy: a task on a draining instance, or in the zone a
            // rebalancing move empties, may stop now.
            self.request_reconcile(service);
        }
        self.update_steady_state(service, sink)
    }

    /// Begins stopping a task for `reason`.
    pub fn stop_task(&mut self, id: TaskId, reason: StopReason, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let task = self.tasks.get_mut(&id).expect("task exists");
        let Some(entry) = task.state.stop_entry() else {
            return Ok(());
        };
        task.stop_reason = Some(reason);
        if task.state == TaskState::Provisioning && task.instance.is_none() {
            // Fargate tasks never wait in the list; EC2 ones always do.
            let waiting = &mut self.services[task.service].unplaced;
            if let Ok(pos) = waiting.binary_search(&id) {
                waiting.remove(pos);
            }
        }
        self.transition(id, entry, sink)
    }

    /// Removes a task from the per-service counters used by placement and strategies.
    fn leave_service_counts(&mut self, id: TaskId) {
        let task = &self.tasks[&id];
        let spec = &self.spec.services[task.service];
        let item = spec
            .strategy
            .iter()
            .position(|i| i.provider == task.capacity_provider)
            .expect("provider from strategy");
        self.services[task.service].count_left(item, task.availability_zone, task.instance);
    }

    /// USD per hour of a Fargate task; `None` for tasks on EC2 capacity.
    fn fargate_price(&self, task: &Task) -> Option<f64> {
        self.fargate_usd_per_hour(task.capacity_provider, task.task_definition)
    }

    /// USD per hour of a task of task definition `td` on provider `p`; `None` for EC2 capacity.
    pub(in crate::engine) fn fargate_usd_per_hour(&self, p: crate::sim::ProviderIdx, td: usize) -> Option<f64> {
        let kind = &self.spec.capacity_providers[p].kind;
        let td = &self.spec.task_definitions[td];
        let prices = &self.spec.behavior.cost;
        let on_demand: FargatePrice = if td.cpu_architecture == "ARM64" {
            prices.fargate_linux_arm
        } else {
            prices.fargate_linux_x86
        };
        let price = match kind {
            CapacityProviderKind::Fargate => on_demand,
            CapacityProviderKind::FargateSpot => spot_price(&on_demand, prices.fargate_spot_discount_percent / 100.0),
            CapacityProviderKind::AutoScalingGroup(_) => return None,
        };
        let r = td.resources();
        Some(
            f64::from(r.cpu_units) / 1024.0 * price.usd_per_vcpu_hour
                + r.memory_mib as f64 / 1024.0 * price.usd_per_gb_hour
                + ephemeral_storage_usd_per_hour(td.ephemeral_storage_gib, &price),
        )
    }

    /// Fargate bills from the start of the image download (PENDING) until the task stops.
    fn start_task_billing(&mut self, id: TaskId) {
        if let Some(rate) = self.fargate_price(&self.tasks[&id]) {
            let (p, service) = (self.tasks[&id].capacity_provider, self.tasks[&id].service);
            self.accounting.cost.start_billing(p, rate, self.now);
            self.accounting.service_cost.start_billing(service, rate, self.now);
            self.tasks.get_mut(&id).expect("task exists").billing_started_at = Some(self.now);
        }
    }

    /// A task reached STOPPED: release what it held, bill it, write its row and forget it.
    fn finish_task(&mut self, id: TaskId, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let task = self.tasks.remove(&id).expect("task exists");
        if let (Some(rate), Some(since)) = (self.fargate_price(&task), task.billing_started_at) {
            self.accounting
                .cost
                .stop_billing(task.capacity_provider, rate, since, self.now);
            self.accounting
                .service_cost
                .stop_billing(task.service, rate, since, self.now);
        }
        if let Some(instance) = task.instance {
            self.release_on_instance(&task, instance);
            self.charge_instance_share(task.service, task.task_definition, instance, false);
            self.request_reconcile_waiting_on(task.capacity_provider);
        }
        let s = &mut self.services[task.service];
        // Task ids grow with creation and the list is in creation order: binary search.
        let pos = s.tasks.binary_search(&id).expect("service lists its tasks");
        s.tasks.remove(pos);
        // A deployment in progress looks again whenever a task is gone: the room it frees may let
        // a new task start, and the last old task gone completes the deployment.
        let replace = !matches!(task.stop_reason, Some(StopReason::ScaleIn | StopReason::Deployment))
            || self.services[task.service].deployment.is_some();
        self.write_task_row(&task, Some(self.now), sink)?;
        let failed_to_start = matches!(
            task.stop_reason,
            Some(StopReason::EssentialContainerExited | StopReason::DependencyTimedOut)
        );
        if failed_to_start && task.running_at.is_none() {
            self.throttle_restarts(task.service, sink)?;
        }
        if let Some(what) = match task.stop_reason {
            Some(StopReason::EssentialContainerExited | StopReason::DependencyTimedOut) => Some("task failed to start"),
            Some(StopReason::UnhealthyTask | StopReason::UnhealthyTarget) => Some("task failed its health checks"),
            _ => None,
        } {
            self.count_deployment_failure(task.service, task.deployment, task.id, what, sink)?;
        }
        if replace {
            self.request_reconcile(task.service);
        }
        if let Some(instance) = task.instance {
            self.on_task_left_instance(instance, sink)?;
        }
        self.update_steady_state(task.service, sink)
    }

    fn release_on_instance(&mut self, task: &Task, instance: crate::model::InstanceId) {
        let r = self.spec.task_definitions[task.task_definition].resources();
        let inst = &mut self.capacity.instances[instance];
        inst.used_cpu_units -= r.cpu_units;
        inst.used_memory_mib -= r.memory_mib;
        inst.used_enis -= r.enis;
        for p in &task.host_ports {
            inst.ports_in_use.remove(p);
        }
        let pos = inst
            .tasks
            .iter()
            .position(|t| *t == task.id)
            .expect("instance lists its tasks");
        inst.tasks.remove(pos);
        inst.daemon_tasks -= u32::from(self.spec.services[task.service].daemon);
        self.reindex_instance(instance);
    }

    /// Writes the `tasks.csv` row of a task.
    pub fn write_task_row(
        &self,
        task: &Task,
        stopped: Option<SimTime>,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let instance = task.instance.map(|i| &self.capacity.instances[i]);
        sink.task(&TaskRecord {
            task_id: task.id.0,
            service: &self.spec.services[task.service].name,
            task_definition: &self.tasks.labels[task.task_definition],
            capacity_provider: &self.spec.capacity_providers[task.capacity_provider].name,
            instance_id: instance.map(|i| i.ec2_instance_id.as_str()),
            availability_zone: task
                .availability_zone
                .map(|az| self.spec.availability_zones[az].as_str()),
            host_ports: &task.host_ports,
            created_ms: task.created_at.0,
            running_ms: task.running_at.map(|t| t.0),
            stopped_ms: stopped.map(|t| t.0),
            stop_reason: task.stop_reason.map_or("", StopReason::as_str),
        })
    }

    /// Logs "has reached a steady state" when a service first gets there (reference 8.4).
    pub fn update_steady_state(&mut self, service: ServiceIdx, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let s = &self.services[service];
        let running = s.counts[TaskState::Running.index()];
        let steady = running == s.desired
            && s.healthy == s.desired
            && s.starting_count() == 0
            && s.stopping_count() == 0
            && s.deployment.is_none();
        if steady == s.steady {
            return Ok(());
        }
        self.services[service].steady = steady;
        if steady {
            let name = &self.spec.services[service].name;
            self.log(
                sink,
                EventKind::SteadyState,
                name.clone(),
                format!("(service {name}) has reached a steady state."),
            )?;
        }
        Ok(())
    }
}
