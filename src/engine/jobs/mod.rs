//! Standalone tasks ("jobs"): RunTask calls from any trigger, their placement on the same
//! capacity as service tasks, their run to completion or failure, retries, cost and trace rows.
//!
//! A job run is one attempt of one task of one RunTask call. It holds CPU, memory, ports and an
//! ENI on its instance like a service task (the instance lists it in `jobs`), waits in
//! PROVISIONING on a provider with managed scaling (counted in its CapacityProviderReservation),
//! or fails at once as RunTask does without one. Its random draws come from streams of its own,
//! so adding jobs to a scenario does not move any other draw.

pub(super) mod interruption;
pub(super) mod invariants;
pub(super) mod lifecycle;
pub(super) mod placement;
pub(super) mod start;
pub(super) mod tracing;

use rand_chacha::ChaCha8Rng;

use crate::model::InstanceId;
use crate::sim::{ProviderIdx, RngStreams, SimTime};
use crate::trace::JobOutcome;

/// Where a job run is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(in crate::engine) enum JobPhase {
    /// Waiting in PROVISIONING for an instance of its provider.
    Waiting,
    /// Fargate PROVISIONING (capacity and ENI), or EC2 awsvpc ENI attachment.
    Provisioning,
    /// PENDING: image pull and container start.
    Pending,
    /// RUNNING until its run time ends.
    Running,
    /// Interrupted while RUNNING (a FARGATE_SPOT notice): SIGTERM sent, stopping.
    Stopping,
    /// Ended (its row is written).
    Ended,
}

/// One attempt of one standalone task.
#[derive(Clone, Debug)]
pub(in crate::engine) struct JobRun {
    /// The job (the same for every attempt of one task), from 1.
    pub job_id: u64,
    /// Index into `Spec::run_tasks`.
    pub request: usize,
    /// 1 for the first attempt.
    pub attempt: u32,
    /// Its capacity provider.
    pub provider: ProviderIdx,
    /// Its instance, once placed on EC2.
    pub instance: Option<InstanceId>,
    /// Its Availability Zone, once placed.
    pub availability_zone: Option<usize>,
    /// Host ports it holds.
    pub host_ports: Vec<u16>,
    /// Where it is.
    pub phase: JobPhase,
    /// Bumped on every phase change: a timer of an older phase is dropped.
    pub generation: u32,
    /// When its RunTask call was made.
    pub created_at: SimTime,
    /// When it was placed.
    pub placed_at: Option<SimTime>,
    /// When Fargate billing started (PENDING).
    pub billing_from: Option<SimTime>,
    /// When it reached RUNNING.
    pub started_at: Option<SimTime>,
    /// EC2 reserved-share rate, USD per hour, while placed on an instance.
    pub ec2_usd_per_hour: f64,
}

/// Every job run of the run, the waiting lists and the interval counters.
pub(in crate::engine) struct JobTable {
    /// Every run, in creation order (its index is its run id).
    pub runs: Vec<JobRun>,
    /// Per provider: runs waiting for an instance, oldest first.
    pub waiting: Vec<Vec<usize>>,
    /// Per provider: a placement pass is already scheduled.
    pub placement_queued: Vec<bool>,
    /// Jobs created so far (the next job id is this plus one).
    pub jobs_created: u64,
    /// Draws run times (`job-run-time`).
    pub run_time_rng: ChaCha8Rng,
    /// Draws exit codes (`job-exit`).
    pub exit_rng: ChaCha8Rng,
    /// Draws start and provisioning times (`job-timing`).
    pub timing_rng: ChaCha8Rng,
    /// Draws FARGATE_SPOT interruptions of RUNNING jobs (`job-spot-interruptions`).
    pub spot_rng: ChaCha8Rng,
    /// Draws placement ties (`job-placement`).
    pub placement_rng: std::cell::RefCell<ChaCha8Rng>,
    /// Counters of the current trace interval.
    pub interval: IntervalCounts,
    /// Runs ended (each exactly once: the invariants check it).
    pub ended: u64,
    /// Runs not yet ended, per phase (waiting, provisioning, pending, running, stopping).
    pub live: [u32; 5],
    /// The runs not yet ended, by run id: placement counts a group's live tasks over these, not
    /// over every run so far.
    pub live_runs: std::collections::BTreeSet<usize>,
}

/// What happened to jobs since the last trace tick.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(in crate::engine) struct IntervalCounts {
    /// Attempts created.
    pub triggered: u32,
    /// Attempts completed.
    pub completed: u32,
    /// Attempts failed.
    pub failed: u32,
    /// Attempts interrupted or abandoned.
    pub interrupted: u32,
}

impl JobTable {
    /// No jobs yet.
    pub fn new(providers: usize, streams: &RngStreams) -> JobTable {
        JobTable {
            runs: Vec::new(),
            waiting: vec![Vec::new(); providers],
            placement_queued: vec![false; providers],
            jobs_created: 0,
            run_time_rng: streams.stream("job-run-time"),
            exit_rng: streams.stream("job-exit"),
            timing_rng: streams.stream("job-timing"),
            spot_rng: streams.stream("job-spot-interruptions"),
            placement_rng: std::cell::RefCell::new(streams.stream("job-placement")),
            interval: IntervalCounts::default(),
            live: [0; 5],
            live_runs: std::collections::BTreeSet::new(),
            ended: 0,
        }
    }

    /// Moves run `run` to `to`, keeping the live counts, and returns its new generation.
    pub fn set_phase(&mut self, run: usize, to: JobPhase) -> u32 {
        let r = &mut self.runs[run];
        if let Some(i) = live_index(r.phase) {
            self.live[i] -= 1;
        }
        if let Some(i) = live_index(to) {
            self.live[i] += 1;
            self.live_runs.insert(run);
        } else {
            self.live_runs.remove(&run);
        }
        r.phase = to;
        r.generation += 1;
        r.generation
    }
}

fn live_index(phase: JobPhase) -> Option<usize> {
    match phase {
        JobPhase::Waiting => Some(0),
        JobPhase::Provisioning => Some(1),
        JobPhase::Pending => Some(2),
        JobPhase::Running => Some(3),
        JobPhase::Stopping => Some(4),
        JobPhase::Ended => None,
    }
}

/// How an attempt ends, with its exit code and reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(in crate::engine) struct JobEnd {
    /// The outcome.
    pub outcome: JobOutcome,
    /// The essential container's exit code, if it ran.
    pub exit_code: Option<u8>,
    /// Why, in ECS's words.
    pub reason: String,
}
