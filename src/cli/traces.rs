//! Which trace files a run writes (`--traces`, `--no-traces`, `--alarm-evaluations`), and where
//! each goes: to its file, to memory (not written, but the expectations or the
//! charts read it), or nowhere (not even formatted).

use clap::{Args, ValueEnum};

use crate::output::AlarmRows;
use crate::trace::columns::{alarms, cluster, events, services, tasks};
use crate::trace::jobs::{job_runs, job_trace};

/// A trace file of a run directory, by its `--traces` name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum Trace {
    /// `services.csv`.
    Services,
    /// `cluster.csv`.
    Cluster,
    /// `tasks.csv`.
    Tasks,
    /// `events.csv`.
    Events,
    /// `alarms.csv`.
    Alarms,
    /// `jobs.csv` (runs with standalone tasks only).
    Jobs,
    /// `jobs-trace.csv` (runs with standalone tasks only).
    #[value(name = "jobs-trace")]
    JobsPerInterval,
    /// `forecast.csv` (runs with predictive scaling policies only).
    Forecast,
}

impl Trace {
    /// Every trace file.
    pub const ALL: [Trace; 8] = [
        Trace::Services,
        Trace::Cluster,
        Trace::Tasks,
        Trace::Events,
        Trace::Alarms,
        Trace::Jobs,
        Trace::JobsPerInterval,
        Trace::Forecast,
    ];

    /// A trace of standalone tasks: a run without them has no such file.
    pub fn is_jobs(self) -> bool {
        matches!(self, Trace::Jobs | Trace::JobsPerInterval)
    }

    /// The file's name in the run directory.
    pub fn file(self) -> &'static str {
        match self {
            Trace::Services => services::FILE,
            Trace::Cluster => cluster::FILE,
            Trace::Tasks => tasks::FILE,
            Trace::Events => events::FILE,
            Trace::Alarms => alarms::FILE,
            Trace::Jobs => job_runs::FILE,
            Trace::JobsPerInterval => job_trace::FILE,
            Trace::Forecast => crate::trace::forecast::hourly::FILE,
        }
    }

    /// What `expect:` lines read: `services.csv`, `cluster.csv`, `events.csv` (and the summary).
    fn read_by_expectations(self) -> bool {
        matches!(self, Trace::Services | Trace::Cluster | Trace::Events)
    }

    /// What charts and the report read: every trace but `tasks.csv` (and the summary;
    /// `jobs.csv` for the firings its deadlines start from).
    fn read_by_charts(self) -> bool {
        !matches!(self, Trace::Tasks)
    }
}

/// The trace options of `ecsim run`.
#[derive(Args, Debug, Default)]
pub struct TraceArgs {
    /// Trace files to write, a comma list of services, cluster, tasks, events, alarms, jobs,
    /// jobs-trace, forecast [default: all; the jobs files only in runs with standalone tasks,
    /// forecast.csv only in runs with predictive scaling policies].
    /// summary.json is always written.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        value_name = "LIST",
        conflicts_with = "no_traces"
    )]
    traces: Option<Vec<Trace>>,
    /// Write no trace file: summary.json only, with charts/ and report.html unless --no-charts.
    #[arg(long)]
    no_traces: bool,
    /// alarms.csv gets one row per alarm evaluation instead of one per change of state.
    #[arg(long)]
    alarm_evaluations: bool,
}

/// Where one trace file's rows go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Destination {
    /// Its file in the run directory.
    File,
    /// A buffer in memory: not written, but read by the expectations or the charts.
    Memory,
    /// Nowhere: its rows are not formatted.
    Skip,
}

/// What a run writes and keeps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TracePlan {
    /// The trace files written, in `Trace::ALL` order.
    pub written: Vec<Trace>,
    /// The rows of `alarms.csv`.
    pub alarm_rows: AlarmRows,
}

impl TraceArgs {
    /// The files the options ask for; an error (exit 2) for `--alarm-evaluations` without
    /// `alarms.csv`.
    pub fn plan(&self) -> Result<TracePlan, String> {
        let written: Vec<Trace> = match (&self.traces, self.no_traces) {
            (_, true) => Vec::new(),
            (Some(list), false) => Trace::ALL.into_iter().filter(|t| list.contains(t)).collect(),
            (None, false) => Trace::ALL.to_vec(),
        };
        if self.alarm_evaluations && !written.contains(&Trace::Alarms) {
            return Err(
                "--alarm-evaluations writes every evaluation into alarms.csv, which this run does not \
                        write: add `alarms` to --traces (or drop --no-traces)"
                    .into(),
            );
        }
        Ok(TracePlan {
            written,
            alarm_rows: if self.alarm_evaluations {
                AlarmRows::Evaluations
            } else {
                AlarmRows::StateChanges
            },
        })
    }
}

impl TracePlan {
    /// Every file, every alarm evaluation only if asked (`ecsim sweep --keep-runs`).
    pub fn all() -> TracePlan {
        TracePlan {
            written: Trace::ALL.to_vec(),
            alarm_rows: AlarmRows::StateChanges,
        }
    }

    /// Where `trace` goes when the run judges expectations (`expectations`) and draws charts
    /// (`charts`).
    pub fn destination(&self, trace: Trace, expectations: bool, charts: bool) -> Destination {
        if self.written.contains(&trace) {
            Destination::File
        } else if (expectations && trace.read_by_expectations()) || (charts && trace.read_by_charts()) {
            Destination::Memory
        } else {
            Destination::Skip
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(traces: Option<&[Trace]>, no_traces: bool, alarm_evaluations: bool) -> TraceArgs {
        TraceArgs {
            traces: traces.map(<[Trace]>::to_vec),
            no_traces,
            alarm_evaluations,
        }
    }

    #[test]
    fn by_default_every_file_is_written_with_the_alarm_history() {
        let plan = args(None, false, false).plan().expect("valid");
        assert_eq!(plan, TracePlan::all());
        assert_eq!(plan.destination(Trace::Tasks, false, false), Destination::File);
    }

    #[test]
    fn files_not_written_go_to_memory_only_when_something_reads_them() {
        let plan = args(Some(&[Trace::Events, Trace::Services]), false, false)
            .plan()
            .expect("valid");
        assert_eq!(plan.written, [Trace::Services, Trace::Events], "in file order");
        let d = |t, e, c| plan.destination(t, e, c);
        assert_eq!(d(Trace::Services, false, false), Destination::File);
        assert_eq!(d(Trace::Cluster, true, false), Destination::Memory);
        assert_eq!(
            d(Trace::Alarms, true, false),
            Destination::Skip,
            "expect: never reads alarms.csv"
        );
        assert_eq!(d(Trace::Alarms, false, true), Destination::Memory);
        assert_eq!(
            d(Trace::Tasks, true, true),
            Destination::Skip,
            "nothing reads tasks.csv"
        );
        assert_eq!(d(Trace::Cluster, false, false), Destination::Skip);
    }

    #[test]
    fn no_traces_writes_none_and_alarm_evaluations_need_alarms_csv() {
        assert!(args(None, true, false).plan().expect("valid").written.is_empty());
        let err = args(Some(&[Trace::Services]), false, true)
            .plan()
            .expect_err("no alarms.csv");
        assert!(err.contains("add `alarms` to --traces"), "{err}");
        assert!(args(None, true, true).plan().is_err());
        let plan = args(Some(&[Trace::Alarms]), false, true).plan().expect("valid");
        assert_eq!(plan.alarm_rows, AlarmRows::Evaluations);
    }
}
