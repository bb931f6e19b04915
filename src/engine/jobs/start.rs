//! A RunTask call: its tasks are created, each on the strategy item whose share is furthest
//! behind, and placed at once (Fargate, or an EC2 instance with room), left waiting for capacity
//! (a provider with managed scaling), or failed as RunTask returns them in `failures`.

use super::{JobPhase, JobRun};
use crate::engine::event::Event;
use crate::engine::world::World;
use crate::policy::capacity_provider_strategy::item_for_next_task;
use crate::sim::SimDuration;
use crate::trace::{EventKind, SinkError, TraceSink};

impl World<'_> {
    /// The RunTask call `index` of `Spec::run_tasks` is made now.
    pub(in crate::engine) fn on_run_task(&mut self, index: usize, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let request = &self.spec.run_tasks[index];
        let mut per_item = vec![0u32; request.capacity.strategy.len()];
        let mut created = Vec::with_capacity(request.count as usize);
        for _ in 0..request.count {
            let item = item_for_next_task(&request.capacity.strategy, &per_item);
            per_item[item] += 1;
            self.jobs.jobs_created += 1;
            let job_id = self.jobs.jobs_created;
            created.push(self.create_job_run(index, job_id, 1, item));
        }
        let label = &self.tasks.labels[request.task_definition];
        self.log(
            sink,
            EventKind::ServiceScheduler,
            request.trigger.name.clone(),
            format!(
                "RunTask ({} {}) started {} task(s) of {label} in group {}.",
                request.trigger.kind.as_str(),
                request.trigger.name,
                request.count,
                request.group
            ),
        )?;
        for run in created {
            self.begin_job_run(run, sink)?;
        }
        Ok(())
    }

    /// Adds attempt `attempt` of job `job_id` of request `request` on strategy item `item`.
    pub(in crate::engine) fn create_job_run(
        &mut self,
        request: usize,
        job_id: u64,
        attempt: u32,
        item: usize,
    ) -> usize {
        let provider = self.spec.run_tasks[request].capacity.strategy[item].provider;
        let run = self.jobs.runs.len();
        self.jobs.runs.push(JobRun {
            job_id,
            request,
            attempt,
            provider,
            instance: None,
            availability_zone: None,
            host_ports: Vec::new(),
            phase: JobPhase::Ended,
            generation: 0,
            created_at: self.now,
            placed_at: None,
            billing_from: None,
            started_at: None,
            ec2_usd_per_hour: 0.0,
        });
        self.jobs.interval.triggered += 1;
        run
    }

    /// A new run is placed, waits, or fails.
    pub(in crate::engine) fn begin_job_run(&mut self, run: usize, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let provider = self.jobs.runs[run].provider;
        if self.provider_is_fargate(provider) {
            let az = self.least_loaded_job_zone(run);
            let r = &mut self.jobs.runs[run];
            r.availability_zone = Some(az);
            r.placed_at = Some(self.now);
            let generation = self.jobs.set_phase(run, JobPhase::Provisioning);
            let td = self.spec.run_tasks[self.jobs.runs[run].request].task_definition;
            let d = self.spec.behavior.task_definitions[td].fargate_provisioning_time;
            let ms = crate::workload::lognormal_ms(d.median_ms, d.p95_ms, &mut self.jobs.timing_rng);
            self.schedule_in(SimDuration::from_millis(ms), Event::JobTimer { run, generation });
            return Ok(());
        }
        self.jobs.set_phase(run, JobPhase::Waiting);
        self.jobs.waiting[provider.index()].push(run);
        if self.try_place_job(run) {
            return Ok(());
        }
        let request = &self.spec.run_tasks[self.jobs.runs[run].request];
        let managed = self.spec.capacity_providers[provider].managed_scaling.is_some();
        if managed && !request.capacity.uses_launch_type {
            // It waits in PROVISIONING: the provider's managed scaling counts it (reference 6.4).
            return Ok(());
        }
        let reason = self.job_placement_failure(run).unwrap_or("RESOURCE:CPU");
        self.fail_unplaced_job(run, reason.to_string(), sink)
    }

    /// The zone with the fewest live tasks of the run's group (Fargate balances by zone).
    fn least_loaded_job_zone(&self, run: usize) -> usize {
        let group = &self.spec.run_tasks[self.jobs.runs[run].request].group;
        let mut counts = vec![0u32; self.spec.availability_zones.len()];
        for r in self.live_runs_of_group(group) {
            if let Some(az) = r.availability_zone {
                counts[az] += 1;
            }
        }
        let impaired = &self.capacity.impaired_zones;
        (0..counts.len())
            .min_by_key(|az| (impaired[*az], counts[*az], *az))
            .expect("at least one AZ")
    }

    /// Live runs of task group `group`.
    pub(in crate::engine) fn live_runs_of_group<'a>(&'a self, group: &'a str) -> impl Iterator<Item = &'a JobRun> + 'a {
        self.jobs
            .live_runs
            .iter()
            .map(|&run| &self.jobs.runs[run])
            .filter(move |r| self.spec.run_tasks[r.request].group == group)
    }
}
