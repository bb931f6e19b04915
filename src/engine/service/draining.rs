//! Draining container instances (reference 8.6): no new placements, PENDING service tasks stop at
//! once, RUNNING ones are replaced elsewhere before they stop, daemon tasks stop after every other
//! task is gone, and the instance can be terminated when its last task is gone.
//!
//! The replacement follows the service's `deploymentConfiguration` (reference 8.1: the same two
//! bounds govern draining), through `policy::deployment::rolling_bounds`, the rule deployments
//! use: the scheduler starts a replacement for a task on a draining instance only while the
//! service's tasks stay within U = floor(desired x maximumPercent / 100), counting the tasks still
//! stopping when they count toward maximumPercent (reference A7, the default), and stops a
//! draining task only while L = ceil(desired x minimumHealthyPercent / 100) healthy tasks remain
//! without it; with the defaults (100/200), once its replacement is RUNNING and healthy. Draining
//! tasks that are RUNNING but not yet healthy count for nothing and stop at once. The bound holds
//! until no task of the drain counts toward U any more: while the last draining tasks are still
//! stopping, replacements wait for the room they free.

use crate::engine::capacity::faults::DrainingInstance;
use crate::engine::world::World;
use crate::model::{InstanceId, InstanceState, StopReason, TaskId, TaskState};
use crate::sim::ServiceIdx;
use crate::trace::{EventKind, SinkError, TraceSink};

impl World<'_> {
    /// Sets an instance to DRAINING for `cause`. Its service tasks are replaced elsewhere; with
    /// `terminate_when_empty` it is terminated (through [`World::terminate_instance`], so its
    /// Auto Scaling group replaces it up to the group's desired capacity) once no task is left.
    /// An instance that is still launching or already terminated is left alone.
    pub fn drain_instance(
        &mut self,
        id: InstanceId,
        cause: &str,
        terminate_when_empty: bool,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let Some(inst) = self.capacity.instances.get(id) else {
            return Ok(());
        };
        match inst.state {
            InstanceState::Launching | InstanceState::Terminated => return Ok(()),
            InstanceState::Draining => {
                if terminate_when_empty {
                    if let Some(d) = self.faults.draining.iter_mut().find(|d| d.instance == id) {
                        d.terminate_when_empty = true;
                    }
                    return self.terminate_if_drained(id, sink);
                }
                return Ok(());
            }
            InstanceState::Active => {}
        }
        let tasks = inst.tasks.clone();
        let name = inst.ec2_instance_id.clone();
        self.capacity.instances[id].state = InstanceState::Draining;
        // A DRAINING instance takes no new tasks: out of the free-capacity index.
        self.reindex_instance(id);
        self.faults
            .draining
            .retain(|d| self.capacity.instances.get(d.instance).is_some());
        self.faults.draining.push(DrainingInstance {
            instance: id,
            terminate_when_empty,
            tasks_at_drain: tasks.clone(),
        });
        // Running daemon tasks are not replaced: they stop last (reference 8.6). Starting tasks,
        // daemon ones too, stop at once.
        let is_daemon = |t: &TaskId| self.spec.services[self.tasks[t].service].daemon;
        let running = tasks
            .iter()
            .filter(|t| self.tasks[*t].state == TaskState::Running && !is_daemon(t))
            .count();
        let starting: Vec<TaskId> = tasks
            .iter()
            .copied()
            .filter(|t| self.tasks[t].state.is_starting_or_running() && self.tasks[t].state != TaskState::Running)
            .collect();
        self.log(
            sink,
            EventKind::Instance,
            name.clone(),
            format!(
                "Container instance {name} set to DRAINING ({cause}): {running} running task(s) to replace, {} starting task(s) stopped.",
                starting.len()
            ),
        )?;
        for task in starting {
            self.stop_task(task, StopReason::InstanceDraining, sink)?;
        }
        let mut services: Vec<ServiceIdx> = tasks
            .iter()
            .filter_map(|t| self.tasks.get(t))
            .map(|t| t.service)
            .collect();
        services.sort_unstable();
        services.dedup();
        for service in services {
            self.request_reconcile(service);
        }
        self.stop_daemon_tasks_if_last(id, sink)?;
        self.terminate_if_drained(id, sink)
    }

    /// True while some instance is DRAINING (the scheduler's drain bookkeeping is skipped otherwise).
    pub fn any_draining(&self) -> bool {
        !self.faults.draining.is_empty()
    }

    /// Tasks of `service` that count toward its desired count but sit on DRAINING instances, in
    /// drain order: the scheduler replaces them.
    pub fn tasks_on_draining(&self, service: ServiceIdx) -> Vec<TaskId> {
        let mut out = Vec::new();
        for d in &self.faults.draining {
            let Some(inst) = self.capacity.instances.get(d.instance) else {
                continue;
            };
            if inst.state != InstanceState::Draining {
                continue;
            }
            out.extend(inst.tasks.iter().copied().filter(|t| {
                let task = &self.tasks[t];
                task.service == service && task.state.is_starting_or_running()
            }));
        }
        out
    }

    /// True while a task of `service` on a DRAINING instance is still stopping (between RUNNING
    /// and STOPPED): it holds its place toward maximumPercent until STOPPED (reference A7).
    fn draining_task_stopping(&self, service: ServiceIdx) -> bool {
        self.faults.draining.iter().any(|d| {
            let Some(inst) = self.capacity.instances.get(d.instance) else {
                return false;
            };
            inst.state == InstanceState::Draining
                && inst.tasks.iter().any(|t| {
                    let task = &self.tasks[t];
                    task.service == service && task.state.is_stopping()
                })
        })
    }

    /// How many replacements the scheduler may start for `service` now, `draining` being its
    /// tasks on DRAINING instances ([`World::tasks_on_draining`]): the room U leaves (reference
    /// 8.1), or `None` when no drain concerns the service (no task of a drain counts toward U).
    pub fn draining_room(&self, service: ServiceIdx, draining: &[TaskId]) -> Option<u32> {
        let stopping_counts = self.spec.behavior.deployment.stopping_counts_toward_maximum;
        let concerned = !draining.is_empty() || (stopping_counts && self.draining_task_stopping(service));
        concerned.then(|| self.service_rolling_bounds(service).may_start)
    }

    /// Stops the draining tasks of `service` that it no longer needs to keep L healthy tasks
    /// (reference 8.1, minimumHealthyPercent): unhealthy ones at once, healthy ones while more
    /// than L healthy tasks remain (with the default 100 %, as their replacements become
    /// healthy). Returns the tasks stopped.
    pub fn stop_replaced_draining_tasks(
        &mut self,
        service: ServiceIdx,
        sink: &mut dyn TraceSink,
    ) -> Result<Vec<TaskId>, SinkError> {
        let draining = self.tasks_on_draining(service);
        let mut stopped = Vec::new();
        let mut spare_healthy = self.service_rolling_bounds(service).may_stop_healthy;
        for id in draining {
            let healthy = self.tasks[&id].healthy;
            if healthy {
                if spare_healthy == 0 {
                    continue;
                }
                spare_healthy -= 1;
            }
            self.stop_task(id, StopReason::InstanceDraining, sink)?;
            stopped.push(id);
        }
        Ok(stopped)
    }

    /// A task left `instance`: a draining instance that should go once empty is terminated.
    pub fn on_task_left_instance(&mut self, instance: InstanceId, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        if self
            .capacity
            .instances
            .get(instance)
            .is_some_and(|i| i.state == InstanceState::Draining)
        {
            self.stop_daemon_tasks_if_last(instance, sink)?;
            self.terminate_if_drained(instance, sink)?;
        }
        Ok(())
    }

    fn terminate_if_drained(&mut self, id: InstanceId, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let wanted = self
            .faults
            .draining
            .iter()
            .any(|d| d.instance == id && d.terminate_when_empty);
        // Empty of every task, its daemon tasks included (they stop last).
        let empty = self
            .capacity
            .instances
            .get(id)
            .is_some_and(|i| i.tasks.is_empty() && i.jobs.is_empty());
        if wanted && empty {
            self.terminate_instance(id, "the instance finished draining", sink)?;
        }
        Ok(())
    }
}
