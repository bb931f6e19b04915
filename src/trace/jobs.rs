//! The records of standalone tasks ("jobs"): one `jobs.csv` row per task run, one `jobs-trace.csv`
//! row per trace interval, and their column tables.

use super::columns::Column;
use super::format::RowWriter;

/// How a job run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum JobOutcome {
    /// Its essential container exited with code 0 at the end of its run time.
    Completed,
    /// Its essential container exited with code 1, or RunTask could not place it (the
    /// `reason` says which), or it waited in PROVISIONING longer than ECS waits for capacity.
    Failed,
    /// Its instance was terminated (a fault, a Spot interruption) while it ran; another
    /// attempt follows, or none was asked for.
    Interrupted,
    /// Interrupted, and its retry policy allowed no further attempt (attempts or event age).
    Abandoned,
    /// Still waiting or running when the run ended.
    Unfinished,
}

impl JobOutcome {
    /// The spelling in `jobs.csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            JobOutcome::Completed => "completed",
            JobOutcome::Failed => "failed",
            JobOutcome::Interrupted => "interrupted",
            JobOutcome::Abandoned => "abandoned",
            JobOutcome::Unfinished => "unfinished",
        }
    }
}

/// One row of `jobs.csv`: one attempt of one standalone task.
#[derive(Clone, Debug, PartialEq)]
pub struct JobRecord<'a> {
    /// `j-<n>`, the same for every attempt of one task.
    pub job_id: u64,
    /// `runTask`, `schedule` or `rule`.
    pub trigger_kind: &'a str,
    /// The schedule's or rule's name; a `runTask` event's `startedBy`.
    pub trigger_name: &'a str,
    /// When the trigger fired, ms.
    pub fired_ms: u64,
    /// 1 for the first attempt.
    pub attempt: u32,
    /// `family:revision`.
    pub task_definition: &'a str,
    /// The task group.
    pub group: &'a str,
    /// Capacity provider name.
    pub capacity_provider: &'a str,
    /// When this attempt's RunTask call was made, ms.
    pub created_ms: u64,
    /// When it was placed (on an instance, or by Fargate), ms.
    pub placed_ms: Option<u64>,
    /// When it reached RUNNING, ms.
    pub started_ms: Option<u64>,
    /// When it ended, ms.
    pub ended_ms: Option<u64>,
    /// EC2 instance id, or `FARGATE` for Fargate capacity; empty if never placed.
    pub instance: &'a str,
    /// How it ended.
    pub outcome: JobOutcome,
    /// The essential container's exit code, if it exited.
    pub exit_code: Option<u8>,
    /// Why it failed or stopped (a RunTask failure reason such as `RESOURCE:MEMORY`); empty
    /// when it completed.
    pub reason: &'a str,
    /// What it cost, USD: Fargate per second with a one-minute minimum, EC2 by reserved share.
    pub cost_usd: f64,
}

impl JobRecord<'_> {
    /// Whether the attempt became a task: every attempt but one RunTask refused at the call
    /// (returned in `failures`, never placed, ended when it was asked for). A task that waited
    /// in PROVISIONING is a task, even if it never found capacity.
    pub fn created_a_task(&self) -> bool {
        let refused_at_the_call =
            self.placed_ms.is_none() && self.outcome == JobOutcome::Failed && self.ended_ms == Some(self.created_ms);
        !refused_at_the_call
    }

    /// Seconds from the RunTask call to placement (to the end, if never placed).
    pub fn wait_s(&self) -> f64 {
        let until = self.placed_ms.or(self.ended_ms).unwrap_or(self.created_ms);
        until.saturating_sub(self.created_ms) as f64 / 1000.0
    }

    /// Seconds in RUNNING.
    pub fn run_s(&self) -> f64 {
        match (self.started_ms, self.ended_ms) {
            (Some(s), Some(e)) => e.saturating_sub(s) as f64 / 1000.0,
            _ => 0.0,
        }
    }
}

/// One row of `jobs-trace.csv`: the standalone tasks at one trace tick.
#[derive(Clone, Debug, PartialEq)]
pub struct JobTraceRow {
    /// Time, ms since start.
    pub time_ms: u64,
    /// Tasks RunTask was asked for during the interval (attempts included).
    pub triggered: u32,
    /// Tasks waiting in PROVISIONING for capacity now.
    pub waiting: u32,
    /// Tasks placed and starting (PENDING) now.
    pub starting: u32,
    /// Tasks RUNNING now.
    pub running: u32,
    /// Tasks that completed during the interval.
    pub completed: u32,
    /// Tasks that failed during the interval (exit 1 or a RunTask failure).
    pub failed: u32,
    /// Tasks interrupted or abandoned during the interval.
    pub interrupted: u32,
}

/// `jobs.csv`.
pub mod job_runs {
    use super::*;

    /// File name in the run directory.
    pub const FILE: &str = "jobs.csv";
    /// `j-<n>`.
    pub const JOB_ID: &str = "job_id";
    /// Trigger kind.
    pub const TRIGGER: &str = "trigger";
    /// Trigger name.
    pub const TRIGGER_NAME: &str = "trigger_name";
    /// When the trigger fired, seconds.
    pub const FIRED_S: &str = "fired_s";
    /// Attempt number.
    pub const ATTEMPT: &str = "attempt";
    /// `family:revision`.
    pub const TASK_DEFINITION: &str = "task_definition";
    /// Task group.
    pub const GROUP: &str = "group";
    /// Capacity provider.
    pub const CAPACITY_PROVIDER: &str = "capacity_provider";
    /// RunTask call, seconds.
    pub const CREATED_S: &str = "created_s";
    /// Placed, seconds.
    pub const PLACED_S: &str = "placed_s";
    /// RUNNING, seconds.
    pub const STARTED_S: &str = "started_s";
    /// Ended, seconds.
    pub const ENDED_S: &str = "ended_s";
    /// Wait for capacity, seconds.
    pub const WAIT_S: &str = "wait_s";
    /// Time RUNNING, seconds.
    pub const RUN_S: &str = "run_s";
    /// Instance id or FARGATE.
    pub const INSTANCE: &str = "instance";
    /// Outcome.
    pub const OUTCOME: &str = "outcome";
    /// Exit code.
    pub const EXIT_CODE: &str = "exit_code";
    /// Reason.
    pub const REASON: &str = "reason";
    /// Cost, USD.
    pub const COST_USD: &str = "cost_usd";

    /// How a cell is formatted from a record.
    pub type Cell = for<'r, 'a> fn(&'r JobRecord<'a>, &mut RowWriter);

    /// The columns, in file order.
    pub const COLUMNS: &[Column<Cell>] = &[
        Column {
            name: JOB_ID,
            cell: |j, w| {
                w.plain("j-");
                w.int(j.job_id);
            },
        },
        Column {
            name: TRIGGER,
            cell: |j, w| w.text(j.trigger_kind),
        },
        Column {
            name: TRIGGER_NAME,
            cell: |j, w| w.text(j.trigger_name),
        },
        Column {
            name: FIRED_S,
            cell: |j, w| w.seconds(j.fired_ms),
        },
        Column {
            name: ATTEMPT,
            cell: |j, w| w.int(j.attempt),
        },
        Column {
            name: TASK_DEFINITION,
            cell: |j, w| w.text(j.task_definition),
        },
        Column {
            name: GROUP,
            cell: |j, w| w.text(j.group),
        },
        Column {
            name: CAPACITY_PROVIDER,
            cell: |j, w| w.text(j.capacity_provider),
        },
        Column {
            name: CREATED_S,
            cell: |j, w| w.seconds(j.created_ms),
        },
        Column {
            name: PLACED_S,
            cell: |j, w| w.opt_seconds(j.placed_ms),
        },
        Column {
            name: STARTED_S,
            cell: |j, w| w.opt_seconds(j.started_ms),
        },
        Column {
            name: ENDED_S,
            cell: |j, w| w.opt_seconds(j.ended_ms),
        },
        Column {
            name: WAIT_S,
            cell: |j, w| w.number(j.wait_s()),
        },
        Column {
            name: RUN_S,
            cell: |j, w| w.number(j.run_s()),
        },
        Column {
            name: INSTANCE,
            cell: |j, w| w.text(j.instance),
        },
        Column {
            name: OUTCOME,
            cell: |j, w| w.plain(j.outcome.as_str()),
        },
        Column {
            name: EXIT_CODE,
            cell: |j, w| w.opt_int(j.exit_code),
        },
        Column {
            name: REASON,
            cell: |j, w| w.text(j.reason),
        },
        Column {
            name: COST_USD,
            cell: |j, w| w.number(j.cost_usd),
        },
    ];
}

/// `jobs-trace.csv`.
pub mod job_trace {
    use super::*;
    pub use crate::trace::columns::{TIME_S, TIMESTAMP};

    /// File name in the run directory.
    pub const FILE: &str = "jobs-trace.csv";
    /// Triggered during the interval.
    pub const TRIGGERED: &str = "triggered";
    /// Waiting for capacity now.
    pub const WAITING: &str = "waiting_for_capacity";
    /// Starting now.
    pub const STARTING: &str = "starting";
    /// Running now.
    pub const RUNNING: &str = "running";
    /// Completed during the interval.
    pub const COMPLETED: &str = "completed";
    /// Failed during the interval.
    pub const FAILED: &str = "failed";
    /// Interrupted during the interval.
    pub const INTERRUPTED: &str = "interrupted";

    /// How a cell is formatted from a row.
    pub type Cell = for<'r> fn(&'r JobTraceRow, &mut RowWriter);

    /// The columns, in file order.
    pub const COLUMNS: &[Column<Cell>] = &[
        Column {
            name: TIME_S,
            cell: |r, w| w.seconds(r.time_ms),
        },
        Column {
            name: TIMESTAMP,
            cell: |r, w| w.timestamp(r.time_ms),
        },
        Column {
            name: TRIGGERED,
            cell: |r, w| w.int(r.triggered),
        },
        Column {
            name: WAITING,
            cell: |r, w| w.int(r.waiting),
        },
        Column {
            name: STARTING,
            cell: |r, w| w.int(r.starting),
        },
        Column {
            name: RUNNING,
            cell: |r, w| w.int(r.running),
        },
        Column {
            name: COMPLETED,
            cell: |r, w| w.int(r.completed),
        },
        Column {
            name: FAILED,
            cell: |r, w| w.int(r.failed),
        },
        Column {
            name: INTERRUPTED,
            cell: |r, w| w.int(r.interrupted),
        },
    ];
}
