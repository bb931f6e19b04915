//! The runs of a sweep, in parallel: `jobs` threads take the next run in order, each run loads
//! the scenario with its overrides and runs the engine into a summary-only sink (or, with
//! `--keep-runs`, into a run directory). Results are placed by run index, so the files do not
//! depend on the number of jobs or on which thread finished first.

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::files::{commit_run_files, create_run_files, discard_run_files, write_atomic};
use super::interrupt::StopWatch;
use super::sweep::Failure;
use super::sweep_setup::Setup;
use super::traces::TracePlan;
use crate::engine::{self, EngineError, RunOptions};
use crate::output::{CsvSink, SummaryBuilder, SummarySink};
use crate::scenario::{self, LoadedScenario};
use crate::sweep::{RUNS_DIR, RunFigures};
use crate::trace::summary;

/// What every run shares.
pub(super) struct Job<'a> {
    /// The scenario and the sweep.
    pub setup: &'a Setup,
    /// With `--keep-runs`: the directory under which `runs/<index>/` are written.
    pub keep_runs: Option<&'a Path>,
    /// SIGINT and SIGTERM: asked before each run and at the engine's event boundaries.
    pub stop: &'a StopWatch,
}

/// The figures of each run of `indices` (run indices, ascending), in that order. The first
/// failure in run order stops the sweep and is returned.
pub(super) fn run_all(job: &Job<'_>, indices: &[usize], jobs: usize) -> Result<Vec<(usize, RunFigures)>, Failure> {
    let bar = progress_bar(indices.len());
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let workers = jobs.clamp(1, indices.len().max(1));
    let mut outcomes: Vec<(usize, Result<RunFigures, Failure>)> = Vec::with_capacity(indices.len());
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    // Positions are taken in order, so every run before a failed one has run:
                    // the first failure in run order is the same whatever the number of jobs.
                    while !stop.load(Ordering::Relaxed) {
                        if job.stop.reason().is_some() {
                            break;
                        }
                        let position = next.fetch_add(1, Ordering::Relaxed);
                        let Some(&index) = indices.get(position) else { break };
                        let outcome = run_one(job, index);
                        if outcome.is_err() {
                            stop.store(true, Ordering::Relaxed);
                        }
                        mine.push((position, outcome));
                        bar.inc(1);
                    }
                    mine
                })
            })
            .collect();
        for handle in handles {
            match handle.join() {
                Ok(mine) => outcomes.extend(mine),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
    });
    bar.finish_and_clear();
    // An interrupt wins over any other outcome: the user asked the sweep to end.
    if let Some(reason) = job.stop.reason() {
        return Err(Failure::Stopped(reason));
    }
    outcomes.sort_by_key(|(position, _)| *position);
    outcomes
        .into_iter()
        .map(|(position, outcome)| outcome.map(|figures| (indices[position], figures)))
        .collect()
}

/// Run `index`: load the scenario with its overrides, run it, measure its summary.
fn run_one(job: &Job<'_>, index: usize) -> Result<RunFigures, Failure> {
    let setup = job.setup;
    let sweep = &setup.sweep;
    let describe = || {
        let run = sweep.run(index);
        format!(
            "run {index} ({}, replica {}, seed {})",
            sweep.grid.describe(run.combination),
            run.replica,
            run.seed
        )
    };
    let mut loaded = scenario::load(&setup.name, &setup.text, &setup.loader, &sweep.overrides(index))
        .map_err(|e| Failure::BadInput(format!("error: {}:\n{}", describe(), e.rendered)))?;
    let (budget, traces) = &setup.budget;
    super::budget::apply(budget, &mut loaded.spec, *traces)
        .map_err(|e| Failure::BadInput(format!("error: {}: {e}", describe())))?;
    let spec = &loaded.spec;
    let engine_failure = |e: EngineError| match e {
        EngineError::EventBudgetExceeded { .. } => Failure::BadInput(format!("error: {}: {e}", describe())),
        EngineError::Stopped { .. } => match job.stop.reason() {
            Some(reason) => Failure::Stopped(reason),
            None => Failure::Internal(format!("{}: {e}", describe())),
        },
        EngineError::Sink(_) => Failure::Internal(format!("{}: {e}", describe())),
    };
    let mut go_on = |_: crate::sim::SimTime| job.stop.reason().is_none();
    let options = RunOptions {
        check_invariants: false,
        progress: Some(&mut go_on),
    };
    let summary = match job.keep_runs {
        None => {
            let mut sink = SummarySink::new(SummaryBuilder::new(spec).with_provenance(&loaded.provenance));
            engine::run(spec, &mut sink, options).map_err(engine_failure)?;
            sink.into_summary()
        }
        Some(out) => {
            let dir = out.join(RUNS_DIR).join(index.to_string());
            write_run_dir(&loaded, &dir, options, engine_failure)?
        }
    };
    Ok(sweep.figures.measure(summary.summary()))
}

/// Runs `spec` into a run directory at `dir` (CSV traces and `summary.json`, as `ecsim run`
/// writes them, without expectations' verdicts or charts).
fn write_run_dir(
    loaded: &LoadedScenario,
    dir: &Path,
    options: RunOptions<'_>,
    engine_failure: impl Fn(EngineError) -> Failure,
) -> Result<SummaryBuilder, Failure> {
    let spec = &loaded.spec;
    let internal = |e: std::io::Error| Failure::Internal(format!("cannot write to {}: {e}", dir.display()));
    let plan = TracePlan::all();
    let files = create_run_files(dir, spec, |t| plan.destination(t, false, false)).map_err(internal)?;
    let sink_failure = |e: crate::trace::SinkError| Failure::Internal(format!("{}: {e}", dir.display()));
    let builder = SummaryBuilder::new(spec).with_provenance(&loaded.provenance);
    let mut sink = CsvSink::new(files, spec.start_epoch_ms, builder).map_err(sink_failure)?;
    let result = engine::run(spec, &mut sink, options);
    let (files, summary) = sink.into_inner().map_err(sink_failure)?;
    if let Err(e) = result {
        discard_run_files(files);
        return Err(engine_failure(e));
    }
    commit_run_files(files).map_err(internal)?;
    write_atomic(dir, summary::FILE, &summary.to_json()).map_err(internal)?;
    Ok(summary)
}

fn progress_bar(runs: usize) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(runs as u64), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} runs, {eta} left")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}
