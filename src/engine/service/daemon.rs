//! DAEMON services (reference 8.6): one task on each ACTIVE container instance that matches the
//! service's placement constraints, placed before any other task when an instance registers,
//! stopped last when it drains (after every other task on it), never on a DRAINING instance.
//! The desired count is the number of matching ACTIVE instances. A deployment replaces the task
//! of each instance in place: with `maximumPercent` 100 the old task stops before the new one
//! starts, while `minimumHealthyPercent` of the desired count stay healthy (reference 8.1).

use crate::engine::world::World;
use crate::model::{InstanceId, InstanceState, StopReason, TaskId};
use crate::policy::capacity_provider_strategy::item_for_next_task;
use crate::policy::placement::{PlacementConstraint, PlacementRequest, allows, place_task};
use crate::sim::ServiceIdx;
use crate::trace::{EventKind, SinkError, TraceSink};

use super::placement::ServiceView;

impl World<'_> {
    /// One pass of the scheduler over DAEMON service `service`: a task for every matching ACTIVE
    /// instance without one, the deployment's old tasks replaced, the desired count updated.
    pub(in crate::engine) fn reconcile_daemon(
        &mut self,
        service: ServiceIdx,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let instances = self.daemon_instances(service);
        self.services[service].desired = instances.len() as u32;
        // A deployment the circuit breaker or an alarm failed replaces no more tasks (with
        // rollback, the rollback is a new deployment that replaces them back).
        if self.services[service].deployment.as_ref().is_some_and(|d| !d.failed) {
            self.stop_old_daemon_tasks(service, sink)?;
        }
        let mut started = Vec::new();
        if !self.start_throttled(service) {
            for instance in instances {
                if let Some(id) = self.place_daemon_task(service, instance, sink)? {
                    started.push(id);
                }
            }
        }
        self.log_task_list(service, "started", &started, sink)?;
        self.complete_daemon_deployment(service, sink)?;
        self.update_steady_state(service, sink)
    }

    /// A container instance registered: every DAEMON service it matches gets its task there
    /// before any other service or standalone task is placed (reference 8.6).
    pub(in crate::engine) fn place_daemon_tasks_on(
        &mut self,
        instance: InstanceId,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        for service in ServiceIdx::all(self.services.len()) {
            if !self.spec.services[service].daemon || !self.daemon_runs_on(service, instance) {
                continue;
            }
            self.services[service].desired += 1;
            if !self.start_throttled(service) {
                if let Some(id) = self.place_daemon_task(service, instance, sink)? {
                    self.log_task_list(service, "started", &[id], sink)?;
                }
            }
            self.update_steady_state(service, sink)?;
        }
        Ok(())
    }

    /// A DRAINING instance whose other tasks are all gone stops its daemon tasks: they are stopped
    /// last (reference 8.6).
    pub(in crate::engine) fn stop_daemon_tasks_if_last(
        &mut self,
        instance: InstanceId,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let Some(inst) = self.capacity.instances.get(instance) else {
            return Ok(());
        };
        if inst.state != InstanceState::Draining || inst.daemon_tasks == 0 || inst.is_busy() {
            return Ok(());
        }
        let daemon_tasks: Vec<TaskId> = inst
            .tasks
            .iter()
            .copied()
            .filter(|t| self.tasks[t].state.is_starting_or_running())
            .collect();
        for id in daemon_tasks {
            let service = self.tasks[&id].service;
            self.stop_task(id, StopReason::InstanceDraining, sink)?;
            self.log_task_list(service, "stopped", &[id], sink)?;
            self.request_reconcile(service);
        }
        Ok(())
    }

    /// The ACTIVE instances `service` runs on: of its capacity providers, matching its placement
    /// constraints, in launch order.
    fn daemon_instances(&self, service: ServiceIdx) -> Vec<InstanceId> {
        let mut out = Vec::new();
        for item in &self.spec.services[service].strategy {
            out.extend(
                self.instances_of_provider(item.provider)
                    .filter(|i| self.daemon_runs_on(service, *i)),
            );
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// True when `instance` is ACTIVE, belongs to one of the service's providers and matches its
    /// `memberOf` constraints (a daemon's tasks are on distinct instances by definition).
    fn daemon_runs_on(&self, service: ServiceIdx, instance: InstanceId) -> bool {
        let Some(inst) = self.capacity.instances.get(instance) else {
            return false;
        };
        let svc = &self.spec.services[service];
        let on_provider = inst
            .capacity_provider
            .is_some_and(|p| svc.strategy.iter().any(|i| i.provider == p));
        if inst.state != InstanceState::Active || !on_provider {
            return false;
        }
        let view = ServiceView::new(self, service, &[]);
        let td = self.services[service].task_definition;
        svc.placement_constraints
            .iter()
            .chain(&self.spec.task_definitions[td].placement_constraints)
            .filter(|c| !matches!(c, PlacementConstraint::DistinctInstance))
            .all(|c| allows(c, inst, &view))
    }

    /// The service's task on `instance`, if any (a stopping one too: it holds its place until
    /// STOPPED, as `maximumPercent` 100 allows no second task).
    fn daemon_task_on(&self, service: ServiceIdx, instance: InstanceId) -> Option<TaskId> {
        self.capacity.instances[instance]
            .tasks
            .iter()
            .copied()
            .find(|t| self.tasks[t].service == service)
    }

    /// Creates and places the service's task on `instance` unless a task of the service is
    /// still there (a stopping one holds its place: `maximumPercent` 100). A task that does not
    /// fit is not created; the failure is logged once.
    fn place_daemon_task(
        &mut self,
        service: ServiceIdx,
        instance: InstanceId,
        sink: &mut dyn TraceSink,
    ) -> Result<Option<TaskId>, SinkError> {
        if self.daemon_task_on(service, instance).is_some() {
            return Ok(None);
        }
        let td = self.services[service].task_definition;
        let resources = self.spec.task_definitions[td].resources();
        let placement = {
            let request = PlacementRequest {
                resources: &resources,
                strategy: &[],
                constraints: &[],
                dynamic_port_range: self.spec.behavior.instances.dynamic_port_range,
            };
            let view = ServiceView::new(self, service, &[]);
            let inst = &self.capacity.instances[instance];
            let mut rng = self.services[service].placement_rng.borrow_mut();
            place_task(&request, &[inst], &view, &mut rng)
        };
        match placement {
            Ok(placement) => {
                let provider = self.capacity.instances[instance].capacity_provider;
                let strategy = &self.spec.services[service].strategy;
                let item = strategy
                    .iter()
                    .position(|i| Some(i.provider) == provider)
                    .unwrap_or_else(|| item_for_next_task(strategy, &self.services[service].per_strategy_item));
                let id = self.create_task(service, item);
                self.occupy(id, placement, sink)?;
                Ok(Some(id))
            }
            Err(failure) => {
                let code = failure.reason_code();
                if self.services[service].last_placement_failure != Some(code) {
                    self.services[service].last_placement_failure = Some(code);
                    self.accounting.placement_failures += 1;
                    let name = self.spec.services[service].name.clone();
                    let inst = &self.capacity.instances[instance].ec2_instance_id;
                    self.log(
                        sink,
                        EventKind::PlacementFailure,
                        name.clone(),
                        format!(
                            "(service {name}) was unable to place its daemon task on container-instance {inst}, which encountered error \"{code}\"."
                        ),
                    )?;
                }
                Ok(None)
            }
        }
    }

    /// During a deployment: tasks of older deployments (another revision, or the same one with
    /// `forceNewDeployment`) on ACTIVE instances stop (starting ones at
    /// once, healthy ones while more than L = ceil(desired x minimumHealthyPercent / 100)
    /// healthy tasks remain); each instance's new task starts once its old one is gone.
    fn stop_old_daemon_tasks(&mut self, service: ServiceIdx, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let newest = self.services[service].deployment_number;
        let mut may_stop_healthy = self.service_rolling_bounds(service).may_stop_healthy;
        let s = &self.services[service];
        let mut stopping = Vec::new();
        for id in &s.tasks {
            let t = &self.tasks[id];
            let active_instance = t
                .instance
                .is_some_and(|i| self.capacity.instances[i].state == InstanceState::Active);
            if t.deployment == newest || !t.state.is_starting_or_running() || !active_instance {
                continue;
            }
            if t.healthy {
                if may_stop_healthy == 0 {
                    continue;
                }
                may_stop_healthy -= 1;
            }
            stopping.push(*id);
        }
        for id in &stopping {
            self.stop_task(*id, StopReason::Deployment, sink)?;
        }
        self.log_task_list(service, "stopped", &stopping, sink)
    }

    /// A deployment is complete when every matching instance runs a healthy task of it and no
    /// older task is left.
    fn complete_daemon_deployment(&mut self, service: ServiceIdx, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let s = &self.services[service];
        let Some(run) = s.deployment.as_ref().filter(|d| !d.failed) else {
            return Ok(());
        };
        let all_new = s.tasks.iter().all(|t| {
            let t = &self.tasks[t];
            t.deployment == run.number && t.healthy
        });
        if !all_new || s.tasks.len() as u32 != s.desired {
            return Ok(());
        }
        let run = self.services[service]
            .deployment
            .take()
            .expect("a deployment is in progress");
        self.services[service].last_completed_revision = run.revision;
        let name = self.spec.services[service].name.clone();
        let took = self.now.since(run.started_at);
        self.log(
            sink,
            EventKind::DeploymentCompleted,
            name.clone(),
            format!(
                "(service {name}) {} ecs-svc/{} completed in {took}: rolloutState COMPLETED.",
                if run.rollback { "rollback" } else { "deployment" },
                run.number
            ),
        )
    }
}
