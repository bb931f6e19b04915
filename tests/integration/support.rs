//! Helpers shared by the integration tests: loading scenarios from disk and running them in memory.

use std::path::{Path, PathBuf};
use std::process::Command;

use ecsim::engine::{RunOptions, run};
use ecsim::output::charts::{RunData, RunTexts, Source};
use ecsim::output::{AlarmRows, CsvSink, RunFiles, SummaryBuilder};
use ecsim::scenario::{self, LoadedScenario, ScenarioError, SourceLoader};

/// Reads files next to a scenario.
pub struct DirLoader(pub PathBuf);

impl SourceLoader for DirLoader {
    fn read_relative(&self, relative: &str) -> Result<(String, String), String> {
        let p = self.0.join(relative);
        std::fs::read_to_string(&p)
            .map(|t| (p.display().to_string(), t))
            .map_err(|e| e.to_string())
    }
}

/// The project root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Loads a scenario file with overrides.
pub fn load_file(path: &Path, sets: &[(&str, &str)]) -> Result<LoadedScenario, ScenarioError> {
    let text = std::fs::read_to_string(path).expect("scenario readable");
    let sets: Vec<(String, String)> = sets.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
    let name = path.strip_prefix(root()).unwrap_or(path).display().to_string();
    scenario::load(
        &name,
        &text,
        &DirLoader(path.parent().expect("dir").to_path_buf()),
        &sets,
    )
}

/// Loads a scenario given as text (for malformed-input tests); files resolve under `scenarios/`.
pub fn load_text(name: &str, text: &str) -> Result<LoadedScenario, ScenarioError> {
    scenario::load(name, text, &DirLoader(root().join("scenarios")), &[])
}

/// The output files of one run, in memory.
pub struct RunOutput {
    pub services: String,
    pub cluster: String,
    pub events: String,
    pub tasks: String,
    pub summary: String,
    pub alarms: String,
    /// `jobs.csv` and `jobs-trace.csv`, in runs with standalone tasks.
    pub jobs: Option<(String, String)>,
    /// `forecast.csv`, in runs with predictive scaling policies.
    pub forecast: Option<String>,
}

/// Runs a loaded scenario with invariant checks and returns its files as text (`alarms.csv`
/// with the alarms' changes of state, as `ecsim run` writes it by default).
pub fn run_to_strings(loaded: &LoadedScenario) -> RunOutput {
    run_to_strings_with(loaded, AlarmRows::StateChanges)
}

/// [`run_to_strings`] with `alarms.csv` holding `alarm_rows`.
pub fn run_to_strings_with(loaded: &LoadedScenario, alarm_rows: AlarmRows) -> RunOutput {
    let spec = &loaded.spec;
    let files = match spec.has_jobs() {
        true => RunFiles::in_memory(),
        false => RunFiles::in_memory().without_jobs(),
    };
    let files = match spec.has_predictive_scaling() {
        true => files,
        false => files.without_forecast(),
    };
    // As `ecsim run` writes it: with the scenario's hash, header and overrides.
    let builder = SummaryBuilder::new(spec).with_provenance(&loaded.provenance);
    let mut sink = CsvSink::new(files, spec.start_epoch_ms, builder)
        .expect("headers")
        .with_alarm_rows(alarm_rows);
    run(
        spec,
        &mut sink,
        RunOptions {
            check_invariants: true,
            progress: None,
        },
    )
    .expect("run succeeds");
    let (files, mut summary) = sink.into_inner().expect("flush");
    // As `ecsim run` records them: the alternatives a scenario compares.
    summary.set_chart_compare(ecsim::scenario::charts::compared_services(&loaded.charts, spec));
    if let Some(zone) = loaded.charts.time_zone {
        summary.set_chart_time_zone(zone);
    }
    let s = |b: Option<Vec<u8>>| String::from_utf8(b.expect("every file is written")).expect("utf-8");
    RunOutput {
        services: s(files.services),
        cluster: s(files.cluster),
        events: s(files.events),
        tasks: s(files.tasks),
        summary: summary.to_json(),
        alarms: s(files.alarms),
        jobs: match (files.jobs, files.job_trace) {
            (Some(j), Some(t)) => Some((s(Some(j)), s(Some(t)))),
            _ => None,
        },
        forecast: files.forecast.map(|f| s(Some(f))),
    }
}

/// Every scenario file under `scenarios/`, sorted.
pub fn scenario_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("scenarios"))
        .expect("scenarios dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json")))
        .collect();
    files.sort();
    files
}

/// Column `name` of a CSV text, for rows whose `filter_col` equals `filter_val`.
pub fn column(csv_text: &str, name: &str, filter: Option<(&str, &str)>) -> Vec<String> {
    let mut lines = csv_text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let idx = header
        .iter()
        .position(|h| *h == name)
        .unwrap_or_else(|| panic!("no column {name}"));
    let fidx = filter.map(|(c, _)| header.iter().position(|h| *h == c).expect("filter column"));
    lines
        .map(|l| l.split(',').map(str::to_string).collect::<Vec<_>>())
        .filter(|row| match (fidx, filter) {
            (Some(i), Some((_, v))) => row[i] == v,
            _ => true,
        })
        .map(|row| row[idx].clone())
        .collect()
}

/// Times (s) and messages of the scaling activities that changed the desired count.
pub fn activities(events_csv: &str) -> Vec<(f64, String)> {
    events_csv
        .lines()
        .filter(|l| l.contains(",scaling_activity,") && l.contains(" -> ") && l.contains("desired"))
        .map(|l| {
            (
                l.split(',').next().expect("time").parse().expect("number"),
                l.to_string(),
            )
        })
        .collect()
}

/// A fresh directory under the system temp dir, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// Creates `ecsim-<name>-<pid>` afresh.
    pub fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("ecsim-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs the `ecsim` binary in the project root.
pub fn ecsim(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_ecsim"))
        .args(args)
        .current_dir(root())
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE")
        .output()
        .expect("ecsim runs")
}

/// The chart files and the report of a run directory, sorted by name.
pub fn drawn_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir.join("charts"))
        .expect("charts dir")
        .map(|e| {
            let path = e.expect("entry").path();
            let name = path.file_name().expect("name").to_string_lossy().into_owned();
            (name, std::fs::read(&path).expect("readable"))
        })
        .collect();
    files.push((
        "report.html".into(),
        std::fs::read(dir.join("report.html")).expect("report"),
    ));
    files.sort();
    files
}

/// The figures' data of a run's files, as `ecsim plot` reads them (with `alarms.csv`).
pub fn chart_data(output: &RunOutput) -> RunData {
    RunData::from_texts(RunTexts {
        services_csv: &output.services,
        cluster_csv: &output.cluster,
        events_csv: &output.events,
        summary_json: &output.summary,
    })
    .and_then(|run| run.with_alarms(&output.alarms))
    .and_then(|run| run.with_forecast_from(output.forecast.as_deref().map(Source::Text)))
    .expect("the run's own files load")
}
