//! Standalone tasks interrupted from outside: FARGATE_SPOT reclaiming a RUNNING task (the seeded
//! process at `behavior.fargateSpot.interruptionsPerTaskHour`, or a `spotInterruption` burst), the
//! termination of its EC2 instance (an injected failure, an AZ outage, a Spot Instance reclaimed),
//! and an AZ outage stopping its Fargate task.
//!
//! Each ends the attempt `interrupted`. AWS starts nothing again: EventBridge's `RetryPolicy`
//! governs the delivery of the RunTask call, which succeeded. With
//! `behavior.eventBridge.retryInterruptedTasks` (docs/aws-behaviour.md, A18) the trigger's
//! `RetryPolicy` is the budget of a retry wrapper instead: another attempt starts at once while it
//! allows, and the last attempt it refuses is `abandoned`.
//!
//! The interruption draws come from the jobs' own stream (`job-spot-interruptions`), so a
//! scenario's service tasks are interrupted at the same times with or without jobs.

use super::{JobEnd, JobPhase};
use crate::engine::event::Event;
use crate::engine::world::World;
use crate::model::{InstanceId, StopReason};
use crate::sim::SimDuration;
use crate::spec::CapacityProviderKind;
use crate::trace::{EventKind, JobOutcome, SinkError, TraceSink};
use crate::workload::{exponential_ms, lognormal_ms};

const MS_PER_HOUR: f64 = 3_600_000.0;

impl World<'_> {
    /// Draws the interruption of run `run`, which just reached RUNNING with `generation`, when
    /// it runs on FARGATE_SPOT and interruptions are on (an exponential time at the rate).
    pub(in crate::engine) fn arm_job_spot_interruption(&mut self, run: usize, generation: u32) {
        let rate = self.spec.behavior.fargate_spot.interruptions_per_task_hour;
        let provider = self.jobs.runs[run].provider;
        if rate <= 0.0 || self.spec.capacity_providers[provider].kind != CapacityProviderKind::FargateSpot {
            return;
        }
        let delay = SimDuration::from_millis(exponential_ms(MS_PER_HOUR / rate, &mut self.jobs.spot_rng));
        if self.now + delay <= self.end {
            self.schedule_in(delay, Event::JobSpotInterruption { run, generation });
        }
    }

    /// The interruption drawn for run `run` is due, if the run is still where it was drawn.
    pub(in crate::engine) fn on_job_spot_interruption(
        &mut self,
        run: usize,
        generation: u32,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        if self.jobs.runs[run].generation != generation {
            return Ok(());
        }
        self.interrupt_spot_job(run, sink)
    }

    /// A RUNNING FARGATE_SPOT job gets its interruption (case 42): the notice with stopCode
    /// `TerminationNotice` and SIGTERM at once; it stops after its containers' stop time capped
    /// by `stopTimeout` (well inside the two minutes before the capacity is reclaimed), and ends
    /// `interrupted` then, billed until that moment.
    pub(in crate::engine) fn interrupt_spot_job(
        &mut self,
        run: usize,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        if self.jobs.runs[run].phase != JobPhase::Running {
            return Ok(());
        }
        let r = &self.jobs.runs[run];
        let request = &self.spec.run_tasks[r.request];
        let td = request.task_definition;
        let provider = r.provider;
        self.faults.spot_interruptions_per_provider[provider] += 1;
        let timeout_ms = self.spec.task_definitions[td].stop_timeout_ms();
        self.log(
            sink,
            EventKind::SpotInterruption,
            request.trigger.name.clone(),
            format!(
                "({} {}) job j-{} attempt {} ({}) on {}: stopCode TerminationNotice, \"Your Spot Task was interrupted.\" SIGTERM sent; SIGKILL after stopTimeout {}s.",
                request.trigger.kind.as_str(),
                request.trigger.name,
                r.job_id,
                r.attempt,
                self.tasks.labels[td],
                self.spec.capacity_providers[provider].name,
                timeout_ms / 1000
            ),
        )?;
        let generation = self.jobs.set_phase(run, JobPhase::Stopping);
        let d = self.spec.behavior.task_definitions[td].stop_time;
        let exit_ms = lognormal_ms(d.median_ms, d.p95_ms, &mut self.jobs.timing_rng);
        // Containers stop after those that depend on them, each killed at its stopTimeout.
        let ms = self.spec.task_definitions[td].stopping_ms(exit_ms);
        self.schedule_in(SimDuration::from_millis(ms), Event::JobTimer { run, generation });
        Ok(())
    }

    /// Instance `instance` is terminated: the runs placed on it end `interrupted`.
    pub(in crate::engine) fn interrupt_jobs_on(
        &mut self,
        instance: InstanceId,
        cause: &str,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let Some(inst) = self.capacity.instances.get(instance) else {
            return Ok(());
        };
        let runs: Vec<usize> = inst.jobs.iter().map(|j| *j as usize).collect();
        for run in runs {
            self.end_interrupted_job(run, cause, sink)?;
        }
        Ok(())
    }

    /// The runs on Fargate placed in zone `az` and not yet ended, in run order.
    pub(in crate::engine) fn fargate_jobs_in_zone(&self, az: usize) -> Vec<usize> {
        self.jobs
            .live_runs
            .iter()
            .copied()
            .filter(|run| {
                let r = &self.jobs.runs[*run];
                r.availability_zone == Some(az) && r.phase != JobPhase::Waiting && self.provider_is_fargate(r.provider)
            })
            .collect()
    }

    /// Runs `runs` (Fargate, in a zone that went out) end `interrupted`.
    pub(in crate::engine) fn interrupt_fargate_jobs(
        &mut self,
        runs: Vec<usize>,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        for run in runs {
            if self.jobs.runs[run].phase != JobPhase::Ended {
                self.end_interrupted_job(run, StopReason::ZoneOutage.as_str(), sink)?;
            }
        }
        Ok(())
    }

    /// Run `run` was interrupted: it ends `interrupted` (or `abandoned`, see the module's doc).
    /// A retry starts once the current event is done, so it never lands on the instance that is
    /// being terminated.
    pub(in crate::engine) fn end_interrupted_job(
        &mut self,
        run: usize,
        reason: &str,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let r = &self.jobs.runs[run];
        let request = &self.spec.run_tasks[r.request];
        let retries =
            self.spec.behavior.event_bridge.retry_interrupted_tasks && request.retry.maximum_retry_attempts > 0;
        let retry = retries
            && request
                .retry
                .allows_retry(r.attempt, request.trigger.fired_at, self.now);
        let outcome = match (retries, retry) {
            (true, false) => JobOutcome::Abandoned,
            _ => JobOutcome::Interrupted,
        };
        let end = JobEnd {
            outcome,
            exit_code: None,
            reason: reason.to_string(),
        };
        self.end_job_run(run, end, sink)?;
        if retry {
            self.schedule_in(SimDuration::ZERO, Event::RetryJob { run });
        }
        Ok(())
    }

    /// Starts the next attempt of interrupted run `run`, on the same strategy item.
    pub(in crate::engine) fn retry_job(&mut self, run: usize, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let r = &self.jobs.runs[run];
        let (request_index, job_id, attempt, provider) = (r.request, r.job_id, r.attempt, r.provider);
        let request = &self.spec.run_tasks[request_index];
        let item = request
            .capacity
            .strategy
            .iter()
            .position(|i| i.provider == provider)
            .expect("the run's provider is in its strategy");
        self.log(
            sink,
            EventKind::ServiceScheduler,
            request.trigger.name.clone(),
            format!(
                "RetryPolicy of {} {} (retryInterruptedTasks): job j-{job_id} attempt {} started after attempt {attempt} was interrupted ({} of MaximumRetryAttempts {}, the event {} old of MaximumEventAge {}).",
                request.trigger.kind.as_str(),
                request.trigger.name,
                attempt + 1,
                attempt,
                request.retry.maximum_retry_attempts,
                self.now.since(request.trigger.fired_at),
                request.retry.maximum_event_age
            ),
        )?;
        let next = self.create_job_run(request_index, job_id, attempt + 1, item);
        self.begin_job_run(next, sink)
    }
}
