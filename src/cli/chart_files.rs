//! Filesystem adapters for charts: reading a finished run directory, writing `charts/*` and
//! `report.html` atomically.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::files::{AtomicFile, write_atomic};
use crate::output::charts::{ChartFile, Source};
use crate::trace::columns::{Column, alarms, cluster, events, header, services};
use crate::trace::summary;

/// Sub-directory of a run directory that holds the chart files.
pub const CHARTS_DIR: &str = "charts";
/// The report's file name, in the run directory.
pub const REPORT_FILE: &str = "report.html";

/// One trace charts are drawn from: its text in memory (a trace the run kept rather than wrote),
/// or its file, read row by row so that a long run's traces need not fit in memory.
pub enum TraceInput {
    /// The whole text.
    Text(String),
    /// A file, opened for each pass over it.
    File(Box<dyn Fn() -> std::io::Result<Box<dyn Read>>>),
}

impl TraceInput {
    /// The file at `path`, read when the charts are drawn.
    pub fn file(path: PathBuf) -> TraceInput {
        TraceInput::File(Box::new(move || {
            fs::File::open(&path).map(|f| Box::new(f) as Box<dyn Read>)
        }))
    }

    /// Where the charts read it from.
    pub fn source(&self) -> Source<'_> {
        match self {
            TraceInput::Text(text) => Source::Text(text),
            TraceInput::File(open) => Source::Reader(&**open),
        }
    }
}

/// The files charts are drawn from.
pub struct RunDirTexts {
    /// `services.csv`.
    pub services: TraceInput,
    /// `cluster.csv`.
    pub cluster: TraceInput,
    /// `events.csv`.
    pub events: TraceInput,
    /// `summary.json`.
    pub summary: String,
    /// `alarms.csv`; `None` when the run did not write it.
    pub alarms: Option<TraceInput>,
    /// `jobs-trace.csv`; `None` in a run without standalone tasks (or not written).
    pub jobs_trace: Option<TraceInput>,
    /// `jobs.csv`, for the firings the jobs chart's deadlines start from; `None` in a run
    /// without standalone tasks (or not written).
    pub jobs: Option<TraceInput>,
    /// `forecast.csv`; `None` in a run without predictive scaling policies (or not written).
    pub forecast: Option<TraceInput>,
}

/// Reads a run directory; the error names the file. A trace file the run did not write (see
/// `--traces`) reads as a header without rows, and a note says which charts it leaves out;
/// `summary.json` must be there.
pub fn read_run_dir(dir: &Path) -> Result<(RunDirTexts, Vec<String>), String> {
    if dir.is_file() {
        let stem = dir
            .file_stem()
            .map_or_else(|| "run".into(), |s| s.to_string_lossy().into_owned());
        return Err(format!(
            "{} is a file: plot draws a finished run's directory (for a scenario, `ecsim run {}` writes output/{stem}/ and draws it; then `ecsim plot output/{stem}`)",
            dir.display(),
            dir.display()
        ));
    }
    let summary_path = dir.join(summary::FILE);
    let summary =
        fs::read_to_string(&summary_path).map_err(|e| format!("cannot read {}: {e}", summary_path.display()))?;
    let mut notes = Vec::new();
    let mut trace = |file: &str, header: String, missing: &str| -> Result<TraceInput, String> {
        let path = dir.join(file);
        Ok(optional_file(&path)?.unwrap_or_else(|| {
            notes.push(format!(
                "{} is not there (not in the run's --traces): {missing}",
                path.display()
            ));
            TraceInput::Text(header)
        }))
    };
    let services = trace(
        services::FILE,
        header_line(services::COLUMNS),
        "no load, tasks, utilization or deployment charts",
    )?;
    let cluster = trace(
        cluster::FILE,
        header_line(cluster::COLUMNS),
        "no capacity or cost charts",
    )?;
    let events = trace(
        events::FILE,
        header_line(events::COLUMNS),
        "the charts have no annotations (scaling activities, deployments, faults)",
    )?;
    let alarms = optional_file(&dir.join(alarms::FILE))?;
    if alarms.is_none() {
        notes.push(format!(
            "{} is not there: the utilization charts show no alarm periods or alarm thresholds",
            dir.join(alarms::FILE).display()
        ));
    }
    Ok((
        RunDirTexts {
            services,
            cluster,
            events,
            summary,
            alarms,
            jobs_trace: optional_file(&dir.join(crate::trace::jobs::job_trace::FILE))?,
            jobs: optional_file(&dir.join(crate::trace::jobs::job_runs::FILE))?,
            forecast: optional_file(&dir.join(crate::trace::forecast::hourly::FILE))?,
        },
        notes,
    ))
}

/// The header line of a file with `columns`: the text of a trace file without rows.
fn header_line<F>(columns: &[Column<F>]) -> String {
    let mut line = header(columns).collect::<Vec<_>>().join(",");
    line.push('\n');
    line
}

/// The file at `path`, to be read when the charts are drawn, or `None` when it does not exist.
/// Only a regular file is read (not a directory, a FIFO or a device).
fn optional_file(path: &Path) -> Result<Option<TraceInput>, String> {
    match fs::metadata(path) {
        Ok(m) if m.is_file() => Ok(Some(TraceInput::file(path.to_path_buf()))),
        Ok(_) => Err(format!("cannot read {}: not a regular file", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

/// Writes every chart into `<dir>/charts/` and the report into `<dir>/report.html`, each under
/// a temporary name renamed into place.
pub fn write_charts(dir: &Path, charts: &[ChartFile], report: &str) -> std::io::Result<()> {
    // The charts go into a fresh directory that then replaces `charts/` whole: no chart of an
    // earlier drawing stays beside the new ones, and a `charts` planted as a symbolic link is
    // replaced, never written through.
    let charts_dir = dir.join(CHARTS_DIR);
    let staging = dir.join(format!(".{CHARTS_DIR}.staging-{}", std::process::id()));
    remove_entry(&staging)?;
    fs::create_dir(&staging)?;
    for chart in charts {
        let mut file = AtomicFile::create(&staging, &chart.name)?;
        file.write_all(&chart.bytes)?;
        file.commit()?;
    }
    remove_entry(&charts_dir)?;
    fs::rename(&staging, &charts_dir)?;
    write_atomic(dir, REPORT_FILE, report)
}

/// Removes whatever is at `path` (a directory with its contents, a file, or a symbolic link
/// itself, never its target); nothing there is fine.
fn remove_entry(path: &Path) -> std::io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}
