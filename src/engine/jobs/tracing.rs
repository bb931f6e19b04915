//! What jobs write: a `jobs.csv` row when an attempt ends, a `jobs-trace.csv` row per tick.

use super::{JobEnd, JobPhase};
use crate::engine::world::World;
use crate::sim::SimTime;
use crate::trace::{JobRecord, JobTraceRow, SinkError, TraceSink};

/// What `jobs.csv` says in `instance` for a task on Fargate capacity.
pub(in crate::engine) const FARGATE_INSTANCE: &str = "FARGATE";

impl World<'_> {
    /// Writes the `jobs.csv` row of run `run`, ended at `ended` (`None`: still going).
    pub(in crate::engine) fn write_job_record(
        &self,
        run: usize,
        end: &JobEnd,
        ended: Option<SimTime>,
        cost_usd: f64,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let r = &self.jobs.runs[run];
        let request = &self.spec.run_tasks[r.request];
        let instance = match (
            r.instance,
            self.provider_is_fargate(r.provider) && r.placed_at.is_some(),
        ) {
            (_, true) => FARGATE_INSTANCE,
            (Some(id), false) => self
                .capacity
                .instances
                .get(id)
                .map_or("", |i| i.ec2_instance_id.as_str()),
            (None, false) => "",
        };
        sink.job(&JobRecord {
            job_id: r.job_id,
            trigger_kind: request.trigger.kind.as_str(),
            trigger_name: &request.trigger.name,
            fired_ms: request.trigger.fired_at.0,
            attempt: r.attempt,
            task_definition: &self.tasks.labels[request.task_definition],
            group: &request.group,
            capacity_provider: &self.spec.capacity_providers[r.provider].name,
            created_ms: r.created_at.0,
            placed_ms: r.placed_at.map(|t| t.0),
            started_ms: r.started_at.map(|t| t.0),
            ended_ms: ended.map(|t| t.0),
            instance,
            outcome: end.outcome,
            exit_code: end.exit_code,
            reason: &end.reason,
            cost_usd,
        })
    }

    /// The `jobs-trace.csv` row of this tick (only in runs with jobs); starts the next interval.
    pub(in crate::engine) fn write_job_trace_row(&mut self, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        if !self.spec.has_jobs() {
            return Ok(());
        }
        let counts = std::mem::take(&mut self.jobs.interval);
        let live = self.jobs.live;
        sink.job_row(&JobTraceRow {
            time_ms: self.now.0,
            triggered: counts.triggered,
            waiting: live[0],
            starting: live[1] + live[2],
            // A task stopping after a Spot notice is still RUNNING until its container exits.
            running: live[3] + live[4],
            completed: counts.completed,
            failed: counts.failed,
            interrupted: counts.interrupted,
        })
    }

    /// Runs not yet ended, for the invariants.
    pub(in crate::engine) fn live_job_runs(&self) -> impl Iterator<Item = (usize, &super::JobRun)> {
        self.jobs
            .runs
            .iter()
            .enumerate()
            .filter(|(_, r)| r.phase != JobPhase::Ended)
    }
}
