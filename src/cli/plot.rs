//! `ecsim plot RUN_DIR`: draw the charts and the report of a finished run from its files. `ecsim
//! run` calls [`render_run_dir`] too, so both give the same bytes.

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{Args, ValueEnum};

use super::chart_files::{CHARTS_DIR, REPORT_FILE, RunDirTexts, TraceInput, read_run_dir, write_charts};
use super::chart_window::ChartWindowArgs;
use super::{EXIT_BAD_INPUT, EXIT_INTERNAL};
use crate::output::charts::{ChartFormat, RunData, RunSources, Source, render_charts};
use crate::output::report::render_report;

/// Arguments of `ecsim plot`.
#[derive(Args, Debug)]
pub struct PlotArgs {
    /// A run directory written by `ecsim run` (holds services.csv, cluster.csv, events.csv, summary.json).
    run_dir: PathBuf,
    /// Which chart files to write.
    #[arg(long, value_enum, default_value_t = FormatArg::Both)]
    format: FormatArg,
    #[command(flatten)]
    window: ChartWindowArgs,
}

/// `--format` of `ecsim run` and `ecsim plot`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// PNG images.
    Png,
    /// SVG images.
    Svg,
    /// PNG and SVG.
    Both,
}

impl From<FormatArg> for ChartFormat {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Png => ChartFormat::Png,
            FormatArg::Svg => ChartFormat::Svg,
            FormatArg::Both => ChartFormat::Both,
        }
    }
}

/// Why charts were not drawn.
pub enum PlotFailure {
    /// The run directory is missing files or holds files that do not parse (exit 2).
    BadInput(String),
    /// Drawing or writing failed (exit 3).
    Internal(String),
}

/// Runs the command; returns the exit code.
pub fn plot(args: PlotArgs) -> u8 {
    match render_run_dir(&args.run_dir, args.format.into(), &args.window) {
        Ok(()) => 0,
        Err(PlotFailure::BadInput(m)) => {
            eprintln!("error: {m}");
            EXIT_BAD_INPUT
        }
        Err(PlotFailure::Internal(m)) => {
            eprintln!("error: {m}");
            EXIT_INTERNAL
        }
    }
}

/// Reads the run in `dir`, draws its charts and report, and writes them into `dir`. A trace file
/// the run did not write leaves out the charts drawn from it, with a note saying which.
/// `window` overrides the window the run recorded (`summary.json`'s `chart_window`).
pub fn render_run_dir(dir: &Path, format: ChartFormat, window: &ChartWindowArgs) -> Result<(), PlotFailure> {
    let (texts, notes) = read_run_dir(dir).map_err(PlotFailure::BadInput)?;
    for note in notes {
        eprintln!("note: {note}");
    }
    render_texts(dir, dir, &texts, format, window)
}

/// Draws the charts and report of a run from the texts of its files and writes them into `dir`.
/// `dir` is where the files go; `shown` is the directory named in messages (the run directory a
/// staged run becomes).
pub fn render_texts(
    dir: &Path,
    shown: &Path,
    texts: &RunDirTexts,
    format: ChartFormat,
    window: &ChartWindowArgs,
) -> Result<(), PlotFailure> {
    let started = Instant::now();
    let mut run = RunData::from_sources(RunSources {
        services_csv: texts.services.source(),
        cluster_csv: texts.cluster.source(),
        events_csv: texts.events.source(),
        summary_json: &texts.summary,
    })
    .and_then(|run| run.with_alarms_from(texts.alarms.as_ref().map_or(Source::Text(""), TraceInput::source)))
    .and_then(|run| run.with_jobs_trace_from(texts.jobs_trace.as_ref().map(TraceInput::source)))
    .and_then(|run| run.with_job_firings_from(texts.jobs.as_ref().map(TraceInput::source)))
    .and_then(|run| run.with_forecast_from(texts.forecast.as_ref().map(TraceInput::source)))
    .map_err(|e| PlotFailure::BadInput(format!("{}: {e}", shown.display())))?;
    // The deadlines of standalone tasks, from the makespan expectations the run recorded.
    run.makespan_bounds = super::makespan_bounds(run.summary.expectations.iter().map(|e| e.expression.as_str()));
    run.summary.chart_window = window
        .resolve(run.summary.chart_window, run.end_s())
        .map_err(PlotFailure::BadInput)?;
    let charts = render_charts(&run, format).map_err(|e| PlotFailure::Internal(e.to_string()))?;
    let report = render_report(&run, &charts);
    write_charts(dir, &charts, &report)
        .map_err(|e| PlotFailure::Internal(format!("cannot write charts to {}: {e}", shown.display())))?;
    eprintln!(
        "drew {} chart file(s) and {REPORT_FILE} in {:.3} s; wrote {}",
        charts.len(),
        started.elapsed().as_secs_f64(),
        shown.join(CHARTS_DIR).display()
    );
    Ok(())
}
