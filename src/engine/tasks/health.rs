//! Task health (reference 8.1 and 8.5, case 30): without a container health check a task counts
//! as healthy 40 s after RUNNING; with one it is HEALTHY after its first passing check, or
//! UNHEALTHY after `retries` failed checks, and the scheduler replaces it (not before
//! `healthCheckGracePeriodSeconds` since it started). A bad revision's behaviour settings decide
//! whether its essential container exits before RUNNING or its health check fails.

use rand::RngExt;

use crate::engine::event::Event;
use crate::engine::world::World;
use crate::model::{StopReason, TaskId, TaskState};
use crate::policy::deployment::{
    container_healthy_after_ms, container_unhealthy_after_ms, target_healthy_after_ms, target_unhealthy_after_ms,
};
use crate::sim::{ServiceIdx, SimDuration};
use crate::trace::{SinkError, TraceSink};

impl World<'_> {
    /// Draws whether the task's essential container exits instead of reaching RUNNING.
    pub fn essential_container_exits(&mut self, id: TaskId) -> bool {
        let td = self.tasks[&id].task_definition;
        let p = self.spec.behavior.task_definitions[td].start_failure_probability;
        p > 0.0 && self.tasks.failure_rng.random::<f64>() < p
    }

    /// Schedules when a task that just reached RUNNING turns healthy or unhealthy.
    pub fn arm_health(&mut self, id: TaskId) {
        let (td, generation, service) = {
            let t = &self.tasks[&id];
            (t.task_definition, t.generation, t.service)
        };
        let behavior = &self.spec.behavior.task_definitions[td];
        let check = self.spec.task_definitions[td]
            .containers
            .iter()
            .filter(|c| c.essential)
            .find_map(|c| c.health_check);
        // The target registered with each of the service's target groups is checked too.
        let target_groups: Vec<_> = self.spec.services[service]
            .target_groups
            .iter()
            .map(|g| &self.spec.target_groups[*g])
            .collect();
        if check.is_none() && target_groups.is_empty() {
            self.schedule_in(
                behavior.healthy_after_running,
                Event::TaskHealthy { task: id, generation },
            );
            return;
        }
        let p = behavior.health_check_failure_probability;
        let fails = p > 0.0 && self.tasks.failure_rng.random::<f64>() < p;
        let secs = |d: crate::sim::SimDuration| (d.as_millis() / 1000) as u32;
        if fails {
            // The first check to give up: the container's, or a target group's.
            let container =
                check.map(|c| container_unhealthy_after_ms(secs(c.interval), c.retries, secs(c.start_period)));
            let targets = target_groups
                .iter()
                .map(|g| target_unhealthy_after_ms(secs(g.health_check_interval), g.unhealthy_threshold))
                .min();
            let unhealthy = container.into_iter().chain(targets).min().expect("a check exists");
            let grace = self.spec.services[service].health_check_grace_period.as_millis();
            self.schedule_in(
                SimDuration::from_millis(unhealthy.max(grace)),
                Event::TaskUnhealthy { task: id, generation },
            );
        } else {
            // Healthy once every check has passed once.
            let container = check.map(|c| container_healthy_after_ms(secs(c.interval), secs(c.start_period)));
            let targets = target_groups
                .iter()
                .map(|g| target_healthy_after_ms(secs(g.health_check_interval)));
            let delay = container.into_iter().chain(targets).max().expect("a check exists");
            self.schedule_in(
                SimDuration::from_millis(delay),
                Event::TaskHealthy { task: id, generation },
            );
        }
    }

    /// The longest deregistration delay of the service's target groups, if it has any.
    pub fn deregistration_delay_ms(&self, service: ServiceIdx) -> Option<u64> {
        self.spec.services[service]
            .target_groups
            .iter()
            .map(|g| self.spec.target_groups[*g].deregistration_delay.as_millis())
            .max()
    }

    /// A RUNNING task's health check failed: the service scheduler stops it and starts another.
    pub fn mark_unhealthy(&mut self, id: TaskId, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let task = &self.tasks[&id];
        if task.state != TaskState::Running {
            return Ok(());
        }
        let container_check = self.spec.task_definitions[task.task_definition]
            .containers
            .iter()
            .any(|c| c.essential && c.health_check.is_some());
        let reason = if container_check {
            StopReason::UnhealthyTask
        } else {
            StopReason::UnhealthyTarget
        };
        self.stop_task(id, reason, sink)
    }
}
