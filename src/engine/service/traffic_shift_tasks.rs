//! The tasks of a BLUE_GREEN, LINEAR or CANARY deployment (reference 8.7): the scheduler pass
//! that keeps green at the desired count and ends SCALE_UP and CLEAN_UP, the completion, and a
//! failure at any stage returning every request to blue and stopping green. The stages
//! themselves are walked in `traffic_shift`.

use crate::engine::world::World;
use crate::model::{StopReason, TaskId, TaskState};
use crate::policy::deployment::{green_task_count, rollback_plan};
use crate::sim::ServiceIdx;
use crate::trace::{EventDetail, EventKind, SinkError, TraceSink};

use super::traffic_shift::ShiftWait;

impl World<'_> {
    /// A scheduler pass while a traffic-shifting deployment is in progress: green is kept at
    /// the desired count (failed green tasks are replaced), SCALE_UP ends when every green task
    /// is healthy, CLEAN_UP when every blue task has stopped.
    pub(in crate::engine) fn reconcile_traffic_shift(
        &mut self,
        service: ServiceIdx,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let wait = self.shift(service).expect("shifting").wait;
        let (active, healthy) = self.green_counts(service);
        let failed = self.services[service].deployment.as_ref().is_some_and(|d| d.failed);
        let target = green_task_count(self.services[service].desired);
        if active < target && !failed && !self.start_throttled(service) && wait != ShiftWait::BlueStopped {
            let started = self.start_tasks(service, target - active, sink)?;
            self.log_task_list(service, "started", &started, sink)?;
        }
        self.place_waiting_tasks(service, sink)?;
        match wait {
            ShiftWait::GreenHealthy if healthy >= target && !failed => self.stage_done(service, sink)?,
            ShiftWait::BlueStopped if self.tasks_of_other_deployments_left(service) == 0 => {
                self.complete_traffic_shift(service, sink)?
            }
            _ => {}
        }
        self.update_steady_state(service, sink)
    }

    /// Green's tasks that are starting or running, and those healthy.
    fn green_counts(&self, service: ServiceIdx) -> (u32, u32) {
        let s = &self.services[service];
        let mut counts = (0, 0);
        for id in &s.tasks {
            let t = &self.tasks[id];
            if t.deployment != s.deployment_number || !t.state.is_starting_or_running() {
                continue;
            }
            counts.0 += 1;
            counts.1 += u32::from(t.state == TaskState::Running && t.healthy);
        }
        counts
    }

    /// Tasks of older deployments (blue) that are starting or running.
    pub(super) fn tasks_of_other_deployments(&self, service: ServiceIdx) -> Vec<TaskId> {
        let s = &self.services[service];
        s.tasks
            .iter()
            .copied()
            .filter(|id| {
                let t = &self.tasks[id];
                t.deployment != s.deployment_number && t.state.is_starting_or_running()
            })
            .collect()
    }

    /// Tasks of older deployments not yet STOPPED.
    pub(in crate::engine) fn tasks_of_other_deployments_left(&self, service: ServiceIdx) -> usize {
        let s = &self.services[service];
        s.tasks
            .iter()
            .filter(|id| self.tasks[*id].deployment != s.deployment_number)
            .count()
    }

    /// CLEAN_UP is over: the deployment is COMPLETED.
    fn complete_traffic_shift(&mut self, service: ServiceIdx, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let run = self.services[service].deployment.take().expect("in progress");
        self.services[service].last_completed_revision = run.revision;
        let took = self.now.since(run.started_at);
        let name = self.spec.services[service].name.clone();
        let strategy = run.shift.as_ref().map_or("ROLLING", |s| s.strategy.as_str());
        self.log(
            sink,
            EventKind::DeploymentCompleted,
            name.clone(),
            format!(
                "(service {name}) {strategy} deployment ecs-svc/{} completed in {took}: rolloutState COMPLETED.",
                run.number
            ),
        )
    }

    /// The traffic-shifting deployment in progress fails at its current stage (reference 8.7):
    /// production and test traffic go back to blue and green's tasks stop; with `rollback` a
    /// rollback deployment owns blue's tasks until green's have stopped, without it the
    /// deployment stays FAILED. At CLEAN_UP nothing can fail any more. `cause` is the payload of
    /// the `deployment_failed` row: the breaker, the alarm, or the hook that failed it.
    pub(in crate::engine) fn fail_traffic_shift(
        &mut self,
        service: ServiceIdx,
        reason: &str,
        cause: EventDetail,
        rollback: bool,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let shift = self.shift(service).expect("shifting");
        let Some(plan) = rollback_plan(shift.stage) else {
            return Ok(());
        };
        let (number, stage) = (
            self.services[service].deployment.as_ref().expect("in progress").number,
            shift.stage,
        );
        let name = self.spec.services[service].name.clone();
        let message = format!(
            "(service {name}) deployment ecs-svc/{number} failed at {}: {reason}: rolloutState FAILED.",
            stage.as_str()
        );
        self.log_detail(sink, EventKind::DeploymentFailed, name.clone(), message, cause)?;
        let run = self.shift_mut(service);
        run.timer += 1;
        run.green_permille = 0;
        run.test_on_green = false;
        if plan.production_back_to_blue || plan.test_back_to_blue {
            self.log_traffic(service, "production", sink)?;
        }
        let green: Vec<TaskId> = {
            let s = &self.services[service];
            s.tasks
                .iter()
                .copied()
                .filter(|id| {
                    let t = &self.tasks[id];
                    t.deployment == s.deployment_number && t.state.is_starting_or_running()
                })
                .collect()
        };
        for id in &green {
            self.stop_task(*id, StopReason::Deployment, sink)?;
        }
        self.log_task_list(service, "stopped", &green, sink)?;
        self.return_to_blue(service, rollback, sink)
    }

    /// Blue's tasks become the service's PRIMARY tasks again: a rollback deployment of blue's
    /// revision that completes when green's tasks have stopped, or (without rollback) no
    /// deployment at all, the failed one's state kept in the events.
    fn return_to_blue(
        &mut self,
        service: ServiceIdx,
        rollback: bool,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let run = self.services[service].deployment.take().expect("in progress");
        let blue_revision = run.shift.as_ref().expect("shifting").blue_revision;
        let blue = self.tasks_of_other_deployments(service);
        let s = &mut self.services[service];
        s.deployment_number += 1;
        s.task_definition = blue_revision;
        let number = s.deployment_number;
        for id in &blue {
            self.tasks.get_mut(id).expect("task exists").deployment = number;
        }
        if !rollback {
            self.request_reconcile(service);
            return Ok(());
        }
        let s = &mut self.services[service];
        s.deployment = Some(super::deployments::DeploymentRun {
            number,
            started_at: self.now,
            revision: blue_revision,
            rollback: true,
            failures: 0,
            failed: false,
            alarms_ignored: false,
            stalled_logged: false,
            desired_at_start: s.desired,
            healthy_at_start: s.healthy,
            shift: None,
            await_old_stopped: true,
            bake_until: None,
        });
        let name = self.spec.services[service].name.clone();
        let label = self.tasks.labels[blue_revision].clone();
        self.log_detail(
            sink,
            EventKind::RollbackStarted,
            name.clone(),
            format!(
                "(service {name}) rollback ecs-svc/{number} of {label} started: production traffic is back on blue; green's tasks stop."
            ),
            EventDetail::Deployment {
                task_definition: label.clone(),
            },
        )?;
        self.request_reconcile(service);
        Ok(())
    }
}
