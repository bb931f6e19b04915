//! Task scale-in protection (reference 8.6, case 41): `UpdateTaskProtection` marks RUNNING tasks
//! of a service as protected until an expiry; the scheduler never picks them on scale-in, and
//! when they outnumber the desired count it stops only the unprotected ones and says so once.
//! Deployments do not stop protected tasks either (AWS's UpdateTaskProtection: "from termination
//! during scale-in events from Service Autoscaling or deployments"): a deployment waits for the
//! protection to end before it stops them (`deployments::old_tasks_to_stop`).

use crate::engine::world::World;
use crate::model::{TaskId, TaskState};
use crate::sim::{ServiceIdx, SimDuration};
use crate::trace::{EventDetail, EventKind, ProtectionChange, SinkError, TraceSink};

impl World<'_> {
    /// The timeline's `updateTaskProtection`: with `enabled`, `count` RUNNING tasks of the
    /// service, the oldest first, are protected for `expires_in` (a task already protected gets
    /// the new expiry); without, the protection of `count` protected tasks, the oldest first, is
    /// removed. The scheduler looks again now and when the protection expires.
    pub fn update_task_protection(
        &mut self,
        service: ServiceIdx,
        count: u32,
        enabled: bool,
        expires_in: SimDuration,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let now = self.now;
        let chosen: Vec<TaskId> = self.services[service]
            .tasks
            .iter()
            .copied()
            .filter(|id| {
                let t = &self.tasks[id];
                if enabled {
                    t.state == TaskState::Running
                } else {
                    t.is_protected(now)
                }
            })
            .take(count as usize)
            .collect();
        let until = now.plus(expires_in);
        for id in &chosen {
            self.tasks.get_mut(id).expect("task exists").protected_until = enabled.then_some(until);
        }
        let name = self.spec.services[service].name.clone();
        let list: Vec<String> = chosen
            .iter()
            .map(|id| format!("(task {})", World::task_label(*id)))
            .collect();
        let expiry = if enabled {
            format!(", expiring in {expires_in}")
        } else {
            String::new()
        };
        let short = if (chosen.len() as u32) < count {
            format!(
                " (asked for {count}; only {} {})",
                chosen.len(),
                if enabled { "RUNNING" } else { "protected" }
            )
        } else {
            String::new()
        };
        let change = if enabled {
            ProtectionChange::Enabled
        } else {
            ProtectionChange::Disabled
        };
        self.log_detail(
            sink,
            EventKind::ServiceUpdate,
            name,
            format!(
                "UpdateTaskProtection: protectionEnabled {enabled} for {} tasks{short}{expiry}: {}.",
                chosen.len(),
                list.join(" ")
            ),
            EventDetail::TaskProtection { change },
        )?;
        if enabled && !chosen.is_empty() {
            self.request_reconcile_at(service, until);
        }
        self.request_reconcile(service);
        Ok(())
    }

    /// After a scale-in pass that wanted to stop `surplus` tasks and stopped `stopped`: when
    /// protected tasks kept it short, logs ECS's event once per shortfall (case 41).
    pub(in crate::engine) fn note_scale_in_shortfall(
        &mut self,
        service: ServiceIdx,
        surplus: u32,
        stopped: u32,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let now = self.now;
        let s = &self.services[service];
        let protected = s
            .tasks
            .iter()
            .filter(|id| {
                let t = &self.tasks[*id];
                t.state.is_starting_or_running() && t.is_protected(now)
            })
            .count();
        if stopped >= surplus || protected == 0 || s.scale_in_blocked_logged {
            return Ok(());
        }
        let desired = s.desired;
        self.services[service].scale_in_blocked_logged = true;
        let name = self.spec.services[service].name.clone();
        self.log(
            sink,
            EventKind::ScaleInBlocked,
            name.clone(),
            format!(
                "(service {name}) was unable to scale in due to a reason: protected tasks are more than the desired count. ({protected} protected tasks, desiredCount {desired}.)"
            ),
        )
    }
}
