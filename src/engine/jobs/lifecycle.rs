//! A job run's life after placement: PROVISIONING (Fargate capacity, an ENI), PENDING (image
//! pull and start), RUNNING for its run time, then the essential container's exit (0, or 1 with
//! the task definition's `failureProbability`); or an end before that: a RunTask failure, a
//! capacity wait that timed out, or an interruption (`interruption`).

use rand::RngExt;

use super::{JobEnd, JobPhase};
use crate::engine::event::Event;
use crate::engine::world::World;
use crate::model::cost::ec2_instance_cost_usd;
use crate::model::{InstanceId, StopReason};
use crate::sim::SimDuration;
use crate::trace::{EventKind, JobOutcome, SinkError, TraceSink};

impl World<'_> {
    /// The timer of run `run`'s phase fired (if `generation` is still its own).
    pub(in crate::engine) fn on_job_timer(
        &mut self,
        run: usize,
        generation: u32,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        if self.jobs.runs[run].generation != generation {
            return Ok(());
        }
        let td = self.spec.run_tasks[self.jobs.runs[run].request].task_definition;
        let behavior = &self.spec.behavior.task_definitions[td];
        match self.jobs.runs[run].phase {
            JobPhase::Provisioning => {
                let generation = self.jobs.set_phase(run, JobPhase::Pending);
                self.start_job_billing(run);
                let d = behavior.start_time;
                let ms = crate::workload::lognormal_ms(d.median_ms, d.p95_ms, &mut self.jobs.timing_rng);
                self.schedule_in(SimDuration::from_millis(ms), Event::JobTimer { run, generation });
            }
            JobPhase::Pending => {
                let generation = self.jobs.set_phase(run, JobPhase::Running);
                self.jobs.runs[run].started_at = Some(self.now);
                // Without a run time the task runs until the end of the simulation.
                if let Some(run_time) = &behavior.run_time {
                    let ms = run_time.sample_ms(&mut self.jobs.run_time_rng).round().max(1.0) as u64;
                    self.schedule_in(SimDuration::from_millis(ms), Event::JobTimer { run, generation });
                }
                self.arm_job_spot_interruption(run, generation);
            }
            JobPhase::Running => {
                let fails = self.jobs.exit_rng.random::<f64>() < behavior.failure_probability;
                let end = match fails {
                    true => JobEnd {
                        outcome: JobOutcome::Failed,
                        exit_code: Some(1),
                        reason: "Essential container in task exited (exit code 1)".into(),
                    },
                    false => JobEnd {
                        outcome: JobOutcome::Completed,
                        exit_code: Some(0),
                        reason: String::new(),
                    },
                };
                self.end_job_run(run, end, sink)?;
            }
            // SIGKILL, or the container's own exit after SIGTERM: the interrupted task stops.
            JobPhase::Stopping => self.end_interrupted_job(run, StopReason::SpotInterruption.as_str(), sink)?,
            JobPhase::Waiting | JobPhase::Ended => {}
        }
        Ok(())
    }

    /// Fargate bills from PENDING (the image pull) until the task stops.
    fn start_job_billing(&mut self, run: usize) {
        let r = &self.jobs.runs[run];
        let td = self.spec.run_tasks[r.request].task_definition;
        if let Some(rate) = self.fargate_usd_per_hour(r.provider, td) {
            self.accounting.cost.start_billing(r.provider, rate, self.now);
        }
        self.jobs.runs[run].billing_from = Some(self.now);
    }

    /// RunTask could not place run `run` and no managed scaling waits for capacity: it fails
    /// with the reason ECS returns in `failures`.
    pub(in crate::engine) fn fail_unplaced_job(
        &mut self,
        run: usize,
        reason: String,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        self.accounting.placement_failures += 1;
        let r = &self.jobs.runs[run];
        let request = &self.spec.run_tasks[r.request];
        let provider = &self.spec.capacity_providers[r.provider].name;
        self.log(
            sink,
            EventKind::PlacementFailure,
            request.trigger.name.clone(),
            format!(
                "RunTask of {} on {provider} returned a failure: reason {reason} (job j-{}).",
                self.tasks.labels[request.task_definition], r.job_id
            ),
        )?;
        let end = JobEnd {
            outcome: JobOutcome::Failed,
            exit_code: None,
            reason,
        };
        self.end_job_run(run, end, sink)
    }

    /// Runs waiting longer than `provisioningTimeout` for an instance stop, as ECS stops such
    /// tasks (reference 6.4); a standalone task is not replaced.
    pub(in crate::engine) fn stop_jobs_waiting_too_long(&mut self, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let timeout = self.spec.behavior.cluster_auto_scaling.provisioning_timeout;
        let expired: Vec<usize> = self
            .jobs
            .waiting
            .iter()
            .flatten()
            .copied()
            .filter(|r| self.now.since(self.jobs.runs[*r].created_at) >= timeout)
            .collect();
        for run in expired {
            let end = JobEnd {
                outcome: JobOutcome::Failed,
                exit_code: None,
                reason: StopReason::CapacityWaitTimedOut.as_str().into(),
            };
            self.end_job_run(run, end, sink)?;
        }
        Ok(())
    }

    /// Run `run` ends: it releases what it held, is billed, and its `jobs.csv` row is written.
    pub(in crate::engine) fn end_job_run(
        &mut self,
        run: usize,
        end: JobEnd,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let provider = self.jobs.runs[run].provider;
        if self.jobs.runs[run].phase == JobPhase::Waiting {
            let waiting = &mut self.jobs.waiting[provider.index()];
            if let Some(pos) = waiting.iter().position(|w| *w == run) {
                waiting.remove(pos);
            }
        }
        let cost = self.job_cost_usd(run, true);
        let instance = self.jobs.runs[run].instance;
        if let Some(id) = instance {
            self.release_job_on_instance(run, id);
        }
        assert_ne!(self.jobs.runs[run].phase, JobPhase::Ended, "job run {run} ends twice");
        self.jobs.set_phase(run, JobPhase::Ended);
        self.jobs.ended += 1;
        match end.outcome {
            JobOutcome::Completed => self.jobs.interval.completed += 1,
            JobOutcome::Failed => self.jobs.interval.failed += 1,
            JobOutcome::Interrupted | JobOutcome::Abandoned => self.jobs.interval.interrupted += 1,
            JobOutcome::Unfinished => {}
        }
        self.write_job_record(run, &end, Some(self.now), cost, sink)?;
        if let Some(id) = instance {
            self.request_job_placement(provider);
            self.request_reconcile_waiting_on(provider);
            self.on_task_left_instance(id, sink)?;
        }
        Ok(())
    }

    /// What run `run` has cost by now; with `stop`, Fargate billing stops (with its minimum).
    fn job_cost_usd(&mut self, run: usize, stop: bool) -> f64 {
        let r = &self.jobs.runs[run];
        let td = self.spec.run_tasks[r.request].task_definition;
        if let Some(rate) = self.fargate_usd_per_hour(r.provider, td) {
            let Some(since) = r.billing_from else { return 0.0 };
            let provider = r.provider;
            if stop {
                self.accounting.cost.stop_billing(provider, rate, since, self.now);
            }
            return ec2_instance_cost_usd(rate, self.now.since(since).as_millis());
        }
        match r.placed_at {
            Some(placed) => r.ec2_usd_per_hour * self.now.since(placed).as_millis() as f64 / 3_600_000.0,
            None => 0.0,
        }
    }

    /// Gives back what run `run` held on instance `id`.
    fn release_job_on_instance(&mut self, run: usize, id: InstanceId) {
        let td = self.spec.run_tasks[self.jobs.runs[run].request].task_definition;
        let r = self.spec.task_definitions[td].resources();
        let ports = std::mem::take(&mut self.jobs.runs[run].host_ports);
        let inst = &mut self.capacity.instances[id];
        inst.used_cpu_units -= r.cpu_units;
        inst.used_memory_mib -= r.memory_mib;
        inst.used_enis -= r.enis;
        for p in &ports {
            inst.ports_in_use.remove(p);
        }
        let pos = inst
            .jobs
            .iter()
            .position(|j| *j == run as u64)
            .expect("instance lists its jobs");
        inst.jobs.remove(pos);
        self.reindex_instance(id);
        self.jobs.runs[run].host_ports = ports;
    }

    /// At the end of the run: a row for every run still waiting or running (`unfinished`).
    pub(in crate::engine) fn write_unfinished_jobs(&mut self, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        for run in 0..self.jobs.runs.len() {
            if self.jobs.runs[run].phase == JobPhase::Ended {
                continue;
            }
            let cost = self.job_cost_usd(run, false);
            let end = JobEnd {
                outcome: JobOutcome::Unfinished,
                exit_code: None,
                reason: String::new(),
            };
            self.write_job_record(run, &end, None, cost, sink)?;
        }
        Ok(())
    }
}
