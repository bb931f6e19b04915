//! The ECS deployment controller (reference 8.1 to 8.4): an `UpdateService` with a new revision
//! (or `forceNewDeployment`) makes a new PRIMARY deployment; the older tasks belong to the ACTIVE
//! one. Each pass of the service scheduler asks `policy::deployment::rolling_step` how many new
//! tasks to start and old ones to stop within minimumHealthyPercent and maximumPercent; the
//! circuit breaker counts new tasks that fail, a named CloudWatch alarm entering ALARM fails the
//! deployment too (reference 8.3), and either can roll back to the last COMPLETED revision.

use crate::engine::world::World;
use crate::model::{StopReason, TaskId, TaskState};
use crate::policy::deployment::{
    BoundsCounts, RollingBounds, RollingSettings, RollingState, ThresholdType, circuit_breaker_threshold,
    rolling_alarm_bake, rolling_bounds, rolling_step,
};
use crate::sim::{ServiceIdx, SimDuration, SimTime};
use crate::spec::FailureThreshold;
use crate::trace::{EventDetail, EventKind, FailureCause, SinkError, TraceSink};

/// A deployment that has not reached COMPLETED.
#[derive(Clone, Debug)]
pub(in crate::engine) struct DeploymentRun {
    /// `ecs-svc/<n>`: the service's n-th deployment (the first is the one the service was
    /// created with).
    pub number: u32,
    pub started_at: SimTime,
    /// The revision the deployment rolls out.
    pub revision: usize,
    /// A rollback started by the circuit breaker.
    pub rollback: bool,
    /// New tasks that failed, for the circuit breaker.
    pub failures: u32,
    /// The breaker tripped without rollback: rolloutState FAILED, no new tasks are launched.
    pub failed: bool,
    /// A named deployment alarm was already in ALARM when the deployment started: alarms are
    /// ignored for this deployment (reference 8.3).
    pub alarms_ignored: bool,
    /// The "unable to stop or start tasks" event was written for the current stall.
    pub stalled_logged: bool,
    /// desiredCount when the deployment started.
    pub desired_at_start: u32,
    /// Healthy tasks when the deployment started.
    pub healthy_at_start: u32,
    /// The stages and traffic weights of a BLUE_GREEN, LINEAR or CANARY deployment (`None`:
    /// rolling, and every rollback).
    pub shift: Option<Box<super::traffic_shift::ShiftRun>>,
    /// The rollback of a traffic-shifting deployment: complete only once green's tasks have
    /// stopped (A21), not when they start stopping.
    pub await_old_stopped: bool,
    /// A rolling deployment with deployment alarms whose tasks are all replaced: it stays in
    /// progress, watching its alarms, until then (reference 8.3, A24).
    pub bake_until: Option<SimTime>,
}

impl World<'_> {
    /// `UpdateService` with a task definition (or `forceNewDeployment`): a new deployment starts.
    pub fn start_deployment(
        &mut self,
        service: ServiceIdx,
        revision: usize,
        desired: Option<u32>,
        rollback: bool,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        if let Some(d) = desired {
            self.services[service].desired = d;
        }
        // Deployment alarms already in ALARM are ignored for this deployment (reference 8.3).
        let in_alarm: Vec<&str> = self.spec.services[service]
            .deployment
            .alarms
            .iter()
            .flat_map(|a| a.alarms.iter().zip(&a.alarm_names))
            .filter(|(i, _)| self.user_alarm_in_alarm(**i))
            .map(|(_, name)| name.as_str())
            .collect();
        let ignored_note = match in_alarm.as_slice() {
            [] => String::new(),
            names => format!(
                " CloudWatch alarm {} already in ALARM: deployment alarms are ignored for this deployment.",
                names.join(", ")
            ),
        };
        let s = &mut self.services[service];
        // A new deployment resets the restart throttle (reference 8.5).
        s.start_failures = 0;
        s.throttled_until = self.now;
        let from = s.task_definition;
        s.task_definition = revision;
        s.deployment_number += 1;
        let number = s.deployment_number;
        s.deployment = Some(DeploymentRun {
            number,
            started_at: self.now,
            revision,
            rollback,
            failures: 0,
            failed: false,
            alarms_ignored: !ignored_note.is_empty(),
            stalled_logged: false,
            desired_at_start: s.desired,
            healthy_at_start: s.healthy,
            shift: None,
            await_old_stopped: false,
            bake_until: None,
        });
        let name = self.spec.services[service].name.clone();
        let config = &self.services[service].deployment_config;
        let shifts_traffic = !rollback && config.strategy.shifts_traffic();
        let what = match (rollback, shifts_traffic) {
            (true, _) => "rollback".to_string(),
            (false, true) => format!("{} deployment", config.strategy.as_str()),
            (false, false) => "deployment".to_string(),
        };
        self.log_detail(
            sink,
            if rollback {
                EventKind::RollbackStarted
            } else {
                EventKind::DeploymentStarted
            },
            name.clone(),
            format!(
                "(service {name}) {what} ecs-svc/{number} of {} started, replacing {} (desiredCount {}, minimumHealthyPercent {}, maximumPercent {}).{ignored_note}",
                self.tasks.labels[revision],
                self.tasks.labels[from],
                self.services[service].desired,
                config.minimum_healthy_percent,
                config.maximum_percent
            ),
            EventDetail::Deployment {
                task_definition: self.tasks.labels[revision].clone(),
            },
        )?;
        if shifts_traffic {
            return self.start_traffic_shift(service, from, sink);
        }
        self.request_reconcile(service);
        Ok(())
    }

    /// A scheduler pass while a deployment is in progress.
    pub fn reconcile_deployment(&mut self, service: ServiceIdx, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        if self.services[service]
            .deployment
            .as_ref()
            .is_some_and(|d| d.shift.is_some())
        {
            return self.reconcile_traffic_shift(service, sink);
        }
        let state = self.rolling_state(service);
        let settings = self.rolling_settings(service);
        let step = rolling_step(&state, &settings);
        let failed = self.services[service].deployment.as_ref().is_some_and(|d| d.failed);
        if step.start_new > 0 && !failed && !self.start_throttled(service) {
            let started = self.start_tasks(service, step.start_new, sink)?;
            self.log_task_list(service, "started", &started, sink)?;
        }
        let stopping = self.old_tasks_to_stop(
            service,
            [step.stop_old_starting, step.stop_old_unhealthy, step.stop_old_healthy],
        );
        for id in &stopping {
            self.stop_task(*id, StopReason::Deployment, sink)?;
        }
        self.log_task_list(service, "stopped", &stopping, sink)?;
        self.place_waiting_tasks(service, sink)?;
        let name = self.spec.services[service].name.clone();
        let awaiting = self.services[service]
            .deployment
            .as_ref()
            .is_some_and(|d| d.await_old_stopped && self.tasks_of_other_deployments_left(service) > 0);
        if step.complete && !failed && !awaiting && self.baking(service, sink)? {
            return Ok(());
        }
        if step.complete && !failed && !awaiting {
            let run = self.services[service]
                .deployment
                .take()
                .expect("a deployment is in progress");
            self.services[service].last_completed_revision = run.revision;
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
            )?;
        } else if step.stalled && step.start_new == 0 && stopping.is_empty() {
            let run = self.services[service]
                .deployment
                .as_mut()
                .expect("a deployment is in progress");
            if !run.stalled_logged {
                run.stalled_logged = true;
                let b = rolling_bounds(state.desired, &settings, &state.counts());
                self.log(
                    sink,
                    EventKind::DeploymentStalled,
                    name.clone(),
                    format!(
                        "(service {name}) was unable to stop or start tasks during a deployment because of the service deployment configuration (minimumHealthyPercent {} keeps {} healthy, maximumPercent {} allows {} tasks). Update the minimumHealthyPercent or maximumPercent value and try again.",
                        settings.minimum_healthy_percent, b.lower, settings.maximum_percent, b.upper
                    ),
                )?;
            }
        } else if let Some(run) = self.services[service].deployment.as_mut() {
            run.stalled_logged = false;
        }
        self.update_steady_state(service, sink)
    }

    /// The service's `deploymentConfiguration` bounds settings, with the scenario's choice for
    /// stopping tasks (reference A7).
    /// A rolling deployment whose tasks are all replaced bakes before COMPLETED when it has
    /// deployment alarms (reference 8.3): the first time, the bake starts and a scheduler pass is
    /// asked for at its end; true while it lasts. A rollback, and a deployment whose alarms are
    /// ignored, do not bake.
    fn baking(&mut self, service: ServiceIdx, sink: &mut dyn TraceSink) -> Result<bool, SinkError> {
        let Some(run) = self.services[service].deployment.as_ref() else {
            return Ok(false);
        };
        if let Some(until) = run.bake_until {
            return Ok(self.now < until);
        }
        let Some(alarms) = self.services[service].deployment_config.alarms.as_ref() else {
            return Ok(false);
        };
        if run.rollback || run.alarms_ignored {
            return Ok(false);
        }
        let windows = alarms.alarms.iter().map(|&a| {
            let alarm = &self.spec.auto_scaling.alarms[a];
            let period_ms = crate::engine::scaling::datapoint_ms(alarm.stream.high_resolution)
                * u64::from(alarm.datapoints_per_period);
            SimDuration::from_millis(period_ms * u64::from(alarm.config.evaluation_periods))
        });
        let bake = rolling_alarm_bake(windows, self.spec.behavior.deployment.rolling_alarm_bake_time);
        if bake == SimDuration::ZERO {
            return Ok(false);
        }
        let until = self.now + bake;
        let number = run.number;
        self.services[service]
            .deployment
            .as_mut()
            .expect("a deployment is in progress")
            .bake_until = Some(until);
        self.request_reconcile_at(service, until);
        let name = self.spec.services[service].name.clone();
        self.log_detail(
            sink,
            EventKind::DeploymentStage,
            name.clone(),
            format!(
                "(service {name}) deployment ecs-svc/{number} replaced its tasks; it watches its deployment alarms for a bake time of {bake} before COMPLETED."
            ),
            EventDetail::Stage {
                strategy: crate::trace::StrategyCause::Rolling,
                stage: "BAKE_TIME".into(),
            },
        )?;
        Ok(true)
    }

    pub(in crate::engine) fn rolling_settings(&self, service: ServiceIdx) -> RollingSettings {
        let config = &self.services[service].deployment_config;
        RollingSettings {
            minimum_healthy_percent: config.minimum_healthy_percent,
            maximum_percent: config.maximum_percent,
            stopping_counts_toward_upper: self.spec.behavior.deployment.stopping_counts_toward_maximum,
        }
    }

    /// L and U of the service at its current desired count (reference 8.1), over all its tasks
    /// (any revision, any instance), and the starts and healthy stops they allow now.
    pub(in crate::engine) fn service_rolling_bounds(&self, service: ServiceIdx) -> RollingBounds {
        let s = &self.services[service];
        let counts = BoundsCounts {
            active: s.active_count(),
            stopping: s.stopping_count(),
            healthy: s.healthy,
        };
        rolling_bounds(s.desired, &self.rolling_settings(service), &counts)
    }

    /// The service's tasks split into the PRIMARY deployment (its current revision) and the rest.
    fn rolling_state(&self, service: ServiceIdx) -> RollingState {
        let s = &self.services[service];
        let mut st = RollingState {
            desired: s.desired,
            new_starting: 0,
            new_healthy: 0,
            new_unhealthy: 0,
            old_starting: 0,
            old_healthy: 0,
            old_unhealthy: 0,
            stopping: 0,
        };
        for id in &s.tasks {
            let t = &self.tasks[id];
            let primary = t.deployment == s.deployment_number;
            match (t.state, primary) {
                (TaskState::Running, true) if t.healthy => st.new_healthy += 1,
                (TaskState::Running, true) => st.new_unhealthy += 1,
                (TaskState::Running, false) if t.healthy => st.old_healthy += 1,
                (TaskState::Running, false) => st.old_unhealthy += 1,
                (s, true) if s.is_starting_or_running() => st.new_starting += 1,
                (s, false) if s.is_starting_or_running() => st.old_starting += 1,
                (TaskState::Stopped, _) => {}
                _ => st.stopping += 1,
            }
        }
        st
    }

    /// Old tasks to stop: `counts` of starting, unhealthy and healthy ones, oldest first.
    /// Protected tasks are kept until their protection ends (AWS: task scale-in protection holds
    /// against deployments too), so the deployment completes only then.
    fn old_tasks_to_stop(&self, service: ServiceIdx, counts: [u32; 3]) -> Vec<TaskId> {
        let s = &self.services[service];
        let mut out = Vec::new();
        for (kind, want) in counts.into_iter().enumerate() {
            let matching = s.tasks.iter().copied().filter(|id| {
                let t = &self.tasks[id];
                if t.deployment == s.deployment_number || t.is_protected(self.now) {
                    return false;
                }
                match kind {
                    0 => t.state.is_starting_or_running() && t.state != TaskState::Running,
                    1 => t.state == TaskState::Running && !t.healthy,
                    _ => t.state == TaskState::Running && t.healthy,
                }
            });
            out.extend(matching.take(want as usize));
        }
        out
    }

    /// A task of the PRIMARY deployment failed (it stopped before RUNNING, or its health check
    /// failed): the circuit breaker counts it and may trip.
    pub fn count_deployment_failure(
        &mut self,
        service: ServiceIdx,
        task_deployment: u32,
        task: TaskId,
        what: &str,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let s = &self.services[service];
        let Some(run) = s.deployment.as_ref() else {
            return Ok(());
        };
        if run.number != task_deployment || run.failed {
            return Ok(());
        }
        let Some(breaker) = self.services[service].deployment_config.circuit_breaker.clone() else {
            return Ok(());
        };
        let (kind, value) = match breaker.threshold {
            FailureThreshold::BoundedPercent(v) => (ThresholdType::BoundedPercent, v),
            FailureThreshold::UnboundedPercent(v) => (ThresholdType::UnboundedPercent, v),
            FailureThreshold::Count(n) => (ThresholdType::Count, f64::from(n)),
        };
        let threshold = circuit_breaker_threshold(
            s.desired,
            kind,
            value,
            self.spec.behavior.deployment.legacy_circuit_breaker_minimum,
        );
        let run = self.services[service].deployment.as_mut().expect("checked");
        run.failures += 1;
        let (failures, number) = (run.failures, run.number);
        let name = self.spec.services[service].name.clone();
        let task = World::task_label(task);
        self.log(
            sink,
            EventKind::DeploymentTaskFailed,
            name.clone(),
            format!(
                "(service {name}) deployment ecs-svc/{number}: a {what} (task {task}); the circuit breaker counts failure {failures} of {threshold}."
            ),
        )?;
        if failures < threshold {
            return Ok(());
        }
        let reason = format!(
            "the circuit breaker tripped after {failures} failed tasks (threshold {threshold}; the last {what})"
        );
        let cause = EventDetail::DeploymentFailed {
            cause: FailureCause::CircuitBreaker,
            name: String::new(),
        };
        self.fail_deployment(service, &reason, cause, breaker.rollback, sink)
    }

    /// User alarm `alarm` (an index into `cloudWatch.alarms`) went to ALARM: every deployment in
    /// progress that names it fails (reference 8.3), unless alarms are ignored for it or it has
    /// already failed. A rollback that an alarm fails does not roll back again.
    pub fn on_deployment_alarm(&mut self, alarm: usize, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        for service in ServiceIdx::all(self.services.len()) {
            let Some(config) = &self.spec.services[service].deployment.alarms else {
                continue;
            };
            let Some(run) = &self.services[service].deployment else {
                continue;
            };
            if run.failed || run.alarms_ignored || !config.alarms.contains(&alarm) {
                continue;
            }
            let rollback = config.rollback && !run.rollback;
            let reason = format!(
                "CloudWatch alarm {} went to ALARM",
                self.spec.auto_scaling.alarms[alarm].name
            );
            let cause = EventDetail::DeploymentFailed {
                cause: FailureCause::Alarm,
                name: self.spec.auto_scaling.alarms[alarm].name.clone(),
            };
            self.fail_deployment(service, &reason, cause, rollback, sink)?;
        }
        Ok(())
    }

    /// The deployment in progress fails for `reason` (rolloutState FAILED): with `rollback` a
    /// deployment of the last COMPLETED revision starts; without, no new task is launched for it.
    /// The circuit breaker and the deployment alarms share it; whichever fails first wins.
    /// `cause` is the payload of the `deployment_failed` row.
    pub fn fail_deployment(
        &mut self,
        service: ServiceIdx,
        reason: &str,
        cause: EventDetail,
        rollback: bool,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let run = self.services[service]
            .deployment
            .as_ref()
            .expect("a deployment is in progress");
        if run.shift.is_some() {
            return self.fail_traffic_shift(service, reason, cause, rollback, sink);
        }
        let number = run.number;
        let name = self.spec.services[service].name.clone();
        self.log_detail(
            sink,
            EventKind::DeploymentFailed,
            name.clone(),
            format!("(service {name}) deployment ecs-svc/{number} failed: {reason}: rolloutState FAILED."),
            cause,
        )?;
        if rollback {
            let back = self.services[service].last_completed_revision;
            self.start_deployment(service, back, None, true, sink)
        } else {
            self.services[service].deployment.as_mut().expect("checked").failed = true;
            Ok(())
        }
    }

    /// A new task became healthy: with `resetOnHealthyTask` the failure count starts again.
    pub fn on_deployment_task_healthy(&mut self, service: ServiceIdx, task_deployment: u32) {
        let reset = self.services[service]
            .deployment_config
            .circuit_breaker
            .as_ref()
            .is_some_and(|b| b.reset_on_healthy_task);
        if let Some(run) = self.services[service].deployment.as_mut() {
            if reset && run.number == task_deployment {
                run.failures = 0;
            }
        }
    }

    /// `primary_running` and `active_running` of `services.csv`.
    pub fn primary_and_active_running(&self, service: ServiceIdx) -> (u32, u32) {
        let s = &self.services[service];
        let running = s.counts[TaskState::Running.index()];
        if s.deployment.is_none() {
            return (running, 0);
        }
        let primary = s
            .tasks
            .iter()
            .filter(|id| {
                let t = &self.tasks[id];
                t.state == TaskState::Running && t.deployment == s.deployment_number
            })
            .count() as u32;
        (primary, running - primary)
    }
}
