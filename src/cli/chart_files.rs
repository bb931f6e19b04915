//! Filesystem adapters for charts: reading a finished run directory, writing `charts/*` and
//! `report.html` atomically.

use std::fs;
use std::io::Write;
use std::path::Path;

use super::files::{AtomicFile, write_atomic};
use crate::output::charts::ChartFile;
use crate::trace::columns::{alarms, cluster, events, services};
use crate::trace::summary;

/// Sub-directory of a run directory that holds the chart files.
pub const CHARTS_DIR: &str = "charts";
/// The report's file name, in the run directory.
pub const REPORT_FILE: &str = "report.html";

/// The text of the files charts are drawn from.
pub struct RunDirTexts {
    /// `services.csv`.
    pub services: String,
    /// `cluster.csv`.
    pub cluster: String,
    /// `events.csv`.
    pub events: String,
    /// `summary.json`.
    pub summary: String,
    /// `alarms.csv`; `None` for runs from before it was written.
    pub alarms: Option<String>,
}

/// Reads a run directory; the error names the file.
pub fn read_run_dir(dir: &Path) -> Result<RunDirTexts, String> {
    let read = |name: &str| {
        let path = dir.join(name);
        fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))
    };
    Ok(RunDirTexts {
        services: read(services::FILE)?,
        cluster: read(cluster::FILE)?,
        events: read(events::FILE)?,
        summary: read(summary::FILE)?,
        alarms: read_optional(&dir.join(alarms::FILE))?,
    })
}

/// The text of `path`, or `None` when it does not exist.
fn read_optional(path: &Path) -> Result<Option<String>, String> {
    match fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

/// Writes every chart into `<dir>/charts/` and the report into `<dir>/report.html`, each under
/// a temporary name renamed into place.
pub fn write_charts(dir: &Path, charts: &[ChartFile], report: &str) -> std::io::Result<()> {
    let charts_dir = dir.join(CHARTS_DIR);
    fs::create_dir_all(&charts_dir)?;
    for chart in charts {
        let mut file = AtomicFile::create(&charts_dir, &chart.name)?;
        file.write_all(&chart.bytes)?;
        file.commit()?;
    }
    write_atomic(dir, REPORT_FILE, report)
}
