//! `ecsim sweep`: run a scenario over a grid of settings with replicates, write `sweep.csv`,
//! `sweep_summary.csv` and `best.json`, and print the best setting; or, as one shard of a sweep
//! spread over machines, write `runs.csv` and `shard.json` for `ecsim sweep merge`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{Args, Subcommand};

use super::chart_files::write_charts;
use super::files::{AllowPathArgs, create_dir, write_atomic};
use super::interrupt::{StopReason, StopWatch};
use super::run_dir::{StagedRunDir, lock_out};
use super::sweep_charts::{self, SweepChartArgs};
use super::sweep_merge::{self, MergeArgs};
use super::sweep_runs::{Job, run_all};
use super::sweep_setup::{Setup, prepare};
use super::{EXIT_BAD_INPUT, EXIT_INTERNAL};
use crate::sweep::manifest::Manifest;
use crate::sweep::report::{Report, report};
use crate::sweep::shard::{self, Shard};
use crate::sweep::shard_rows::write_runs;
use crate::sweep::{BEST_JSON, RUNS_CSV, RunFigures, SHARD_JSON, SUMMARY_CSV, SWEEP_CSV};

/// Arguments of `ecsim sweep`.
#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct SweepArgs {
    #[command(subcommand)]
    command: Option<SweepCommand>,
    /// The scenario file (YAML or JSON); its `sweep:` block, if any, gives defaults for the flags.
    #[arg(required = true)]
    pub(super) scenario: Option<PathBuf>,
    /// A setting to vary, in `--set` path syntax: `PATH=V1,V2,...` or `PATH=START..END:STEP`
    /// (both ends included); repeatable, the first varies slowest.
    #[arg(long, value_name = "PATH=V1,V2,...")]
    pub(super) vary: Vec<String>,
    /// Runs per combination, each with its own seed (replicate 0 uses the scenario's seed).
    #[arg(long, value_name = "N")]
    pub(super) replicas: Option<u32>,
    /// The figure whose replicate mean is to be smallest [default: cost_usd]; ties go to the
    /// earliest combination in grid order.
    #[arg(long, value_name = "FIGURE", conflicts_with = "maximize")]
    pub(super) minimize: Option<String>,
    /// The figure whose replicate mean is to be largest.
    #[arg(long, value_name = "FIGURE")]
    pub(super) maximize: Option<String>,
    /// Constraints on replicate means, `FIGURE OP NUMBER [and ...]` with OP one of < <= > >= ==
    /// (repeatable; all must hold).
    #[arg(long = "where", value_name = "CONDITIONS")]
    pub(super) constraints: Vec<String>,
    /// Runs at once [default: the number of CPUs].
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,
    /// Run only N combinations of the grid, chosen at random from the scenario's seed (kept in
    /// grid order).
    #[arg(long, value_name = "N")]
    pub(super) sample: Option<usize>,
    /// The scenario's seed, replicate 0's (overrides the scenario's `seed`).
    #[arg(long)]
    pub(super) seed: Option<u64>,
    /// Also write each run's directory (CSV traces and summary.json, no charts) under OUT/runs/<index>/.
    #[arg(long)]
    pub(super) keep_runs: bool,
    /// Run only shard I of N: the runs whose index is I modulo N (0 <= I < N). Without it, the
    /// shard comes from JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX or SLURM_ARRAY_TASK_ID.
    #[arg(long, value_name = "I/N")]
    shard: Option<String>,
    /// The number of shards, for an index taken from the environment.
    #[arg(long, value_name = "N")]
    shards: Option<u32>,
    /// Output directory [default: output/<scenario file stem>-sweep]; a shard writes into its
    /// `shard-I-of-N/` sub-directory.
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    pub(super) charts: SweepChartArgs,
    #[command(flatten)]
    pub(super) files: AllowPathArgs,
    #[command(flatten)]
    pub(super) budget: super::budget::BudgetArgs,
}

#[derive(Subcommand, Debug)]
enum SweepCommand {
    /// Merge the shards of a sweep into the files one machine would have written.
    #[command(after_help = "Example:\n  ecsim sweep merge output/web-sweep --out output/web-sweep")]
    Merge(MergeArgs),
}

/// A failure of the command, by exit code.
pub(super) enum Failure {
    /// Exit 2.
    BadInput(String),
    /// Exit 3.
    Internal(String),
    /// SIGINT or SIGTERM arrived: exit 130 or 143.
    Stopped(StopReason),
}

impl Failure {
    /// Prints the message and returns the exit code.
    pub(super) fn report(self) -> u8 {
        match self {
            Failure::BadInput(m) => {
                // A scenario's rendered errors end with their own newline.
                if m.ends_with('\n') {
                    eprint!("{m}");
                } else {
                    eprintln!("{m}");
                }
                EXIT_BAD_INPUT
            }
            Failure::Internal(m) => {
                eprintln!("error: {m}");
                EXIT_INTERNAL
            }
            Failure::Stopped(reason) => {
                eprintln!("error: the sweep was {}; nothing was written", reason.describe());
                reason.exit_code()
            }
        }
    }
}

/// Runs the command with the shard variables of the environment in `env`; returns the exit code.
pub fn sweep(args: SweepArgs, env: &BTreeMap<String, String>) -> u8 {
    match args.command {
        Some(SweepCommand::Merge(m)) => sweep_merge::merge(m),
        None => run_sweep(&args, env).map_or_else(Failure::report, |()| 0),
    }
}

fn run_sweep(args: &SweepArgs, env: &BTreeMap<String, String>) -> Result<(), Failure> {
    let shard = shard::resolve(args.shard.as_deref(), args.shards, env)
        .map_err(|e| Failure::BadInput(format!("error: {e}")))?;
    let jobs = match args.jobs {
        Some(0) => return Err(Failure::BadInput("error: --jobs must be at least 1".into())),
        Some(n) => n,
        None => std::thread::available_parallelism().map_or(1, usize::from),
    };
    let setup = prepare(args)?;
    args.charts
        .check_axes(&setup.sweep.figures)
        .map_err(Failure::BadInput)?;
    let base = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(format!("{}-sweep", setup.stem)));
    let out = match &shard {
        Some((s, source)) => {
            eprintln!("shard {s} (from {source})");
            base.join(s.dir_name())
        }
        None => base,
    };
    let indices: Vec<usize> = match &shard {
        Some((s, _)) => s.runs(setup.sweep.run_count()).collect(),
        None => (0..setup.sweep.run_count()).collect(),
    };
    // With --keep-runs the directory is staged and renamed into place whole, as `ecsim run`'s is;
    // without, the report's files are written into it under the same lock. Either way a run or
    // another sweep into the same --out fails at once instead of mixing files with this one.
    let bad_out = |m: String| Failure::BadInput(format!("error: {m}"));
    // Watched from before the staging directory exists, so an interrupt at any point after it
    // does reaches the code that removes it.
    let stop = StopWatch::install(None);
    let staged = if args.keep_runs {
        Some(StagedRunDir::create(&out).map_err(bad_out)?)
    } else {
        None
    };
    let _lock = if staged.is_none() {
        Some(lock_out(&out).map_err(bad_out)?)
    } else {
        None
    };
    let dir = Dir {
        path: staged.as_ref().map_or(out.as_path(), StagedRunDir::path),
        shown: &out,
    };
    let job = Job {
        setup: &setup,
        keep_runs: args.keep_runs.then_some(dir.path),
        stop: &stop,
    };
    let started = Instant::now();
    let results = run_all(&job, &indices, jobs)?;
    if let Some(reason) = stop.reason() {
        return Err(Failure::Stopped(reason));
    }
    let secs = started.elapsed().as_secs_f64().max(1e-9);
    eprintln!(
        "ran {} runs in {secs:.3} s ({:.1} runs/s, {} jobs)",
        indices.len(),
        indices.len() as f64 / secs,
        jobs.min(indices.len()).max(1)
    );
    match shard {
        Some((s, _)) => write_shard(&setup, s, &results, &dir)?,
        None => {
            let runs: Vec<RunFigures> = results.into_iter().map(|(_, v)| v).collect();
            let report = report(&setup.sweep, &runs);
            write_report(&report, &dir, &args.charts)?;
        }
    }
    match staged {
        Some(staged) => staged.publish().map_err(Failure::Internal),
        None => Ok(()),
    }
}

/// Where a sweep writes (`path`: a staging directory with `--keep-runs`) and what its messages
/// call it (`shown`: `--out`).
pub(super) struct Dir<'a> {
    /// The directory the files go into now.
    pub path: &'a Path,
    /// The directory they end up in.
    pub shown: &'a Path,
}

impl<'a> Dir<'a> {
    /// A directory written in place.
    pub fn in_place(path: &'a Path) -> Dir<'a> {
        Dir { path, shown: path }
    }
}

/// Writes a shard's `runs.csv`, then its `shard.json` (last: a shard with a manifest is whole).
fn write_shard(setup: &Setup, shard: Shard, rows: &[(usize, RunFigures)], dir: &Dir<'_>) -> Result<(), Failure> {
    let out = dir.path;
    let internal = |e: std::io::Error| Failure::Internal(format!("cannot write to {}: {e}", dir.shown.display()));
    create_dir(out).map_err(internal)?;
    write_atomic(out, RUNS_CSV, &write_runs(&setup.sweep, rows)).map_err(internal)?;
    let manifest = Manifest::new(
        setup.sweep.definition.clone(),
        setup.sweep.run_count(),
        shard,
        &setup.text,
    );
    write_atomic(out, SHARD_JSON, &manifest.to_json()).map_err(internal)?;
    eprintln!(
        "wrote shard {shard} ({} of {} runs) to {}; merge the shards with `ecsim sweep merge`",
        rows.len(),
        setup.sweep.run_count(),
        dir.shown.display()
    );
    Ok(())
}

/// Writes `sweep.csv`, `sweep_summary.csv` and `best.json` into `out`, runs the charts step and
/// prints the best setting: what a sweep on one machine and a merge of shards both end with.
pub(super) fn write_report(report: &Report, dir: &Dir<'_>, chart_args: &SweepChartArgs) -> Result<(), Failure> {
    let out = dir.path;
    let drawn = sweep_charts::draw(chart_args, report).map_err(|(bad_input, message)| {
        if bad_input {
            Failure::BadInput(format!("{message}; nothing was written"))
        } else {
            Failure::Internal(message)
        }
    })?;
    let internal = |e: std::io::Error| Failure::Internal(format!("cannot write to {}: {e}", dir.shown.display()));
    create_dir(out).map_err(internal)?;
    write_atomic(out, SWEEP_CSV, &report.sweep_csv).map_err(internal)?;
    write_atomic(out, SUMMARY_CSV, &report.summary_csv).map_err(internal)?;
    write_atomic(out, BEST_JSON, &report.best_json).map_err(internal)?;
    if let Some(drawn) = &drawn {
        write_charts(out, &drawn.charts, &drawn.report).map_err(internal)?;
    }
    print!("{}", report.stdout);
    match drawn {
        Some(d) => eprintln!(
            "wrote {SWEEP_CSV}, {SUMMARY_CSV}, {BEST_JSON}, {} chart file(s) and report.html to {}",
            d.charts.len(),
            dir.shown.display()
        ),
        None => eprintln!(
            "wrote {SWEEP_CSV}, {SUMMARY_CSV} and {BEST_JSON} to {}",
            dir.shown.display()
        ),
    }
    Ok(())
}
