//! Task health (reference 8.1 and 8.5, case 30): without a container health check a task counts
//! as healthy 40 s after RUNNING; with one it is HEALTHY after its first passing check, or
//! UNHEALTHY after `retries` failed checks, and the scheduler replaces it (not before
//! `healthCheckGracePeriodSeconds` since it started). A bad revision's behaviour settings decide
//! whether its essential container exits before RUNNING or its health check fails.

use rand::RngExt;

use super::event::Event;
use super::world::World;
use crate::model::{StopReason, TaskId, TaskState};
use crate::policy::deployment::{container_healthy_after_ms, container_unhealthy_after_ms};
use crate::trace::{SinkError, TraceSink};

impl World<'_> {
    /// Draws whether the task's essential container exits instead of reaching RUNNING.
    pub fn essential_container_exits(&mut self, id: TaskId) -> bool {
        let td = self.tasks[&id].task_definition;
        let p = self.spec.behavior.task_definitions[td].start_failure_probability;
        p > 0.0 && self.failure_rng.random::<f64>() < p
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
        let Some(check) = check else {
            let delay = behavior.healthy_after_running.as_millis();
            self.schedule_in(delay, Event::TaskHealthy { task: id, generation });
            return;
        };
        let p = behavior.health_check_failure_probability;
        let fails = p > 0.0 && self.failure_rng.random::<f64>() < p;
        let interval_s = (check.interval.as_millis() / 1000) as u32;
        let start_period_s = (check.start_period.as_millis() / 1000) as u32;
        if fails {
            let unhealthy = container_unhealthy_after_ms(interval_s, check.retries, start_period_s);
            let grace = self.spec.services[service].health_check_grace_period.as_millis();
            self.schedule_in(unhealthy.max(grace), Event::TaskUnhealthy { task: id, generation });
        } else {
            let delay = container_healthy_after_ms(interval_s, start_period_s);
            self.schedule_in(delay, Event::TaskHealthy { task: id, generation });
        }
    }

    /// A RUNNING task's health check failed: the service scheduler stops it and starts another.
    pub fn mark_unhealthy(&mut self, id: TaskId, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        if self.tasks[&id].state != TaskState::Running {
            return Ok(());
        }
        self.stop_task(id, StopReason::UnhealthyTask, sink)
    }
}
