//! The files `ecsim check` writes besides its report: with `--out DIR`, every scenario's run
//! directory (as `ecsim run` writes it); with `--report DIR`, the `report.html`, `charts/` and
//! `summary.json` of each scenario that failed, for a CI job to upload as an artifact. Each goes
//! into `DIR/<scenario file stem>/`, replaced whole like any run directory.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::chart_files::{RunDirTexts, TraceInput};
use super::chart_window::ChartWindowArgs;
use super::files::write_atomic;
use super::plot::{PlotFailure, render_texts};
use super::run_dir::StagedRunDir;
use crate::output::charts::ChartFormat;
use crate::trace::columns::{alarms, cluster, events, services, tasks};
use crate::trace::jobs::{job_runs, job_trace};
use crate::trace::summary;

/// Where `ecsim check` writes run directories.
#[derive(Clone, Debug, Default)]
pub struct CheckOutputs {
    /// `--out`: every scenario's run directory.
    pub out: Option<PathBuf>,
    /// `--report`: the report and charts of the scenarios that failed.
    pub report: Option<PathBuf>,
}

impl CheckOutputs {
    /// Whether anything is written (the run then writes every trace to disk).
    pub fn any(&self) -> bool {
        self.out.is_some() || self.report.is_some()
    }

    /// Checks the flags before anything runs.
    pub fn validate(&self) -> Result<(), String> {
        match (&self.out, &self.report) {
            (Some(out), Some(report)) if out == report => Err(format!(
                "--out and --report name the same folder {}; --report writes a subset of --out's files, so give it a folder of its own",
                out.display()
            )),
            _ => Ok(()),
        }
    }
}

/// One folder name per scenario file: its stem, and `-2`, `-3`, ... after a stem already taken
/// (two `web.yaml` in different folders), in the order of `files`.
pub fn dir_names(files: &[PathBuf]) -> Vec<String> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    files
        .iter()
        .map(|f| {
            let stem = f
                .file_stem()
                .map_or_else(|| "scenario".to_string(), |s| s.to_string_lossy().into_owned());
            let n = seen.entry(stem.clone()).or_insert(0);
            *n += 1;
            if *n == 1 { stem } else { format!("{stem}-{n}") }
        })
        .collect()
}

/// The directory one scenario's traces are written into while `ecsim check` runs it, streamed
/// to disk as `ecsim run` writes them: its `--out` run directory (staged), or, with `--report`
/// alone, a staging directory that becomes its report only if an expectation fails.
pub struct TraceDir {
    dir: StagedRunDir,
    /// `--report`'s folder for this scenario, if asked for.
    report: Option<PathBuf>,
    /// Whether the traces are to be kept (`--out`), not only drawn.
    keep_traces: bool,
}

impl CheckOutputs {
    /// Creates the staging directory of scenario `name` (under `--out`, else under `--report`).
    pub fn trace_dir(&self, name: &str) -> Result<TraceDir, String> {
        let report = self.report.as_ref().map(|r| r.join(name));
        let (target, keep_traces) = match (&self.out, &report) {
            (Some(out), _) => (out.join(name), true),
            (None, Some(report)) => (report.clone(), false),
            (None, None) => return Err("neither --out nor --report was given".into()),
        };
        Ok(TraceDir {
            dir: StagedRunDir::create(&target)?,
            report,
            keep_traces,
        })
    }
}

impl TraceDir {
    /// Where the traces go now.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `summary.json`, the charts and the report, and puts the directories in place: the
    /// run directory under `--out`; the report of a failed scenario under `--report` (its
    /// charts, report and summary, not its traces). A scenario that passed with `--report` alone
    /// leaves nothing.
    pub fn finish(self, summary_json: &str, failed: bool) -> Result<(), String> {
        let traces = self.dir.path();
        let shown = self.dir.target().to_path_buf();
        let io = |e: std::io::Error| format!("cannot write to {}: {e}", shown.display());
        if !self.keep_traces && !failed {
            return Ok(()); // Dropping the staging directory removes it.
        }
        write_atomic(traces, summary::FILE, summary_json).map_err(io)?;
        if !self.keep_traces {
            draw(traces, &self.dir, summary_json, ChartFormat::Svg)?;
            for file in TRACE_FILES {
                match std::fs::remove_file(traces.join(file)) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(e)),
                    _ => {}
                }
            }
            return self.dir.publish();
        }
        if let (Some(report), true) = (&self.report, failed) {
            let dir = StagedRunDir::create(report)?;
            write_atomic(dir.path(), summary::FILE, summary_json)
                .map_err(|e| format!("cannot write to {}: {e}", report.display()))?;
            draw(traces, &dir, summary_json, ChartFormat::Svg)?;
            dir.publish()?;
        }
        draw(traces, &self.dir, summary_json, ChartFormat::Both)?;
        self.dir.publish()
    }
}

/// Every trace file a run may write.
const TRACE_FILES: [&str; 8] = [
    services::FILE,
    cluster::FILE,
    events::FILE,
    tasks::FILE,
    alarms::FILE,
    job_runs::FILE,
    job_trace::FILE,
    crate::trace::forecast::hourly::FILE,
];

/// Draws the charts and report of the traces in `traces` into the staged directory `into`.
fn draw(traces: &Path, into: &StagedRunDir, summary_json: &str, format: ChartFormat) -> Result<(), String> {
    let file = |name: &str| TraceInput::file(traces.join(name));
    let forecast_file = crate::trace::forecast::hourly::FILE;
    let inputs = RunDirTexts {
        services: file(services::FILE),
        cluster: file(cluster::FILE),
        events: file(events::FILE),
        summary: summary_json.to_string(),
        alarms: Some(file(alarms::FILE)),
        jobs_trace: traces.join(job_trace::FILE).is_file().then(|| file(job_trace::FILE)),
        jobs: traces.join(job_runs::FILE).is_file().then(|| file(job_runs::FILE)),
        forecast: traces.join(forecast_file).is_file().then(|| file(forecast_file)),
    };
    render_texts(into.path(), into.target(), &inputs, format, &ChartWindowArgs::default()).map_err(|e| match e {
        PlotFailure::BadInput(m) | PlotFailure::Internal(m) => m,
    })
}
