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
use crate::output::{RunFiles, SummaryBuilder};
use crate::trace::columns::{alarms, cluster, events, services, tasks};
use crate::trace::jobs::{job_runs, job_trace};
use crate::trace::summary::{self, ChartWindow};

/// Where `ecsim check` writes run directories.
#[derive(Clone, Debug, Default)]
pub struct CheckOutputs {
    /// `--out`: every scenario's run directory.
    pub out: Option<PathBuf>,
    /// `--report`: the report and charts of the scenarios that failed.
    pub report: Option<PathBuf>,
}

impl CheckOutputs {
    /// Whether anything is written (the run then keeps every trace in memory).
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

/// A judged scenario's run, in memory.
pub struct JudgedRun<'a> {
    /// The traces (every one, since `CheckOutputs::any`).
    pub files: &'a RunFiles<Vec<u8>>,
    /// The summary, verdicts recorded.
    pub summary: &'a mut SummaryBuilder,
    /// The scenario's `charts.window`.
    pub window: Option<ChartWindow>,
    /// Whether an expectation failed.
    pub failed: bool,
}

/// Writes what `outputs` asks for of one scenario, into folders named `name`.
pub fn write(outputs: &CheckOutputs, name: &str, run: JudgedRun<'_>) -> Result<(), String> {
    run.summary.set_chart_window(run.window);
    let summary_json = run.summary.to_json();
    let text = |b: &Option<Vec<u8>>| String::from_utf8_lossy(b.as_deref().unwrap_or_default()).into_owned();
    let traces = RunDirTexts {
        services: TraceInput::Text(text(&run.files.services)),
        cluster: TraceInput::Text(text(&run.files.cluster)),
        events: TraceInput::Text(text(&run.files.events)),
        summary: summary_json,
        alarms: Some(TraceInput::Text(text(&run.files.alarms))),
        jobs_trace: run
            .files
            .job_trace
            .is_some()
            .then(|| TraceInput::Text(text(&run.files.job_trace))),
    };
    if let Some(out) = &outputs.out {
        let tasks_csv = text(&run.files.tasks);
        let jobs_csv = text(&run.files.jobs);
        let mut csv = vec![
            (services::FILE, in_memory(Some(&traces.services))),
            (cluster::FILE, in_memory(Some(&traces.cluster))),
            (events::FILE, in_memory(Some(&traces.events))),
            (tasks::FILE, tasks_csv.as_str()),
            (alarms::FILE, in_memory(traces.alarms.as_ref())),
        ];
        // A run with standalone tasks has their files, as `ecsim run` writes them.
        if let (Some(_), Some(trace)) = (&run.files.jobs, &traces.jobs_trace) {
            csv.push((job_runs::FILE, jobs_csv.as_str()));
            csv.push((job_trace::FILE, in_memory(Some(trace))));
        }
        write_dir(&out.join(name), &traces, &csv, ChartFormat::Both)?;
    }
    if let (Some(report), true) = (&outputs.report, run.failed) {
        write_dir(&report.join(name), &traces, &[], ChartFormat::Svg)?;
    }
    Ok(())
}

/// The text of a trace check keeps in memory ("" for one it does not have).
fn in_memory(input: Option<&TraceInput>) -> &str {
    match input {
        Some(TraceInput::Text(t)) => t.as_str(),
        _ => "",
    }
}

/// Writes `csv`, `summary.json`, the charts and the report into a staged `target`.
fn write_dir(target: &Path, traces: &RunDirTexts, csv: &[(&str, &str)], format: ChartFormat) -> Result<(), String> {
    let dir = StagedRunDir::create(target)?;
    let io = |e: std::io::Error| format!("cannot write to {}: {e}", target.display());
    for (file, text) in csv {
        write_atomic(dir.path(), file, text).map_err(io)?;
    }
    write_atomic(dir.path(), summary::FILE, &traces.summary).map_err(io)?;
    render_texts(dir.path(), dir.target(), traces, format, &ChartWindowArgs::default()).map_err(|e| match e {
        PlotFailure::BadInput(m) | PlotFailure::Internal(m) => m,
    })?;
    dir.publish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_names_are_stems_made_unique_in_order() {
        let files: Vec<PathBuf> = ["a/web.yaml", "b/web.yaml", "b/api.json", "c/web.yml"]
            .iter()
            .map(PathBuf::from)
            .collect();
        assert_eq!(dir_names(&files), ["web", "web-2", "api", "web-3"]);
    }

    #[test]
    fn out_and_report_must_differ() {
        let same = CheckOutputs {
            out: Some("x".into()),
            report: Some("x".into()),
        };
        assert!(same.validate().unwrap_err().contains("name the same folder x"));
        let fine = CheckOutputs {
            out: Some("x".into()),
            report: Some("y".into()),
        };
        assert!(fine.validate().is_ok() && fine.any() && !CheckOutputs::default().any());
    }
}
