//! The service scheduler's restart throttle (reference 8.5): tasks that stop without ever
//! reaching RUNNING make the scheduler wait, longer after each such task, before it starts more.

use crate::engine::world::World;
use crate::policy::deployment::restart_throttle_ms;
use crate::sim::{ServiceIdx, SimDuration};
use crate::trace::{EventKind, SinkError, TraceSink};

impl World<'_> {
    /// A task of `service` stopped before RUNNING (its essential container exited): the count of
    /// such tasks in a row grows and, unless a throttle is already running, the scheduler waits
    /// `restart_throttle_ms(count)` before starting tasks again (the plain scheduler and the
    /// deployment path alike). Failures during a throttle only raise the count, so the next wait
    /// is longer; the wait is fixed when it starts and logged once. A task reaching RUNNING resets
    /// the count (`lifecycle`), and so does a new deployment (`start_deployment`).
    pub fn throttle_restarts(&mut self, service: ServiceIdx, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let throttled = self.start_throttled(service);
        let s = &mut self.services[service];
        s.start_failures = s.start_failures.saturating_add(1);
        if throttled {
            return Ok(());
        }
        let failures = s.start_failures;
        let wait = SimDuration(restart_throttle_ms(failures));
        let until = self.now.plus(wait);
        s.throttled_until = until;
        self.request_reconcile_at(service, until);
        let name = self.spec.services[service].name.clone();
        let tasks = if failures == 1 { "task" } else { "tasks in a row" };
        self.log(
            sink,
            EventKind::TaskStartThrottled,
            name.clone(),
            format!(
                "(service {name}) is unable to consistently start tasks successfully: {failures} {tasks} stopped before RUNNING; the scheduler waits {wait} before starting more."
            ),
        )
    }
}
