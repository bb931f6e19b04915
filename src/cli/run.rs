//! `ecsim run`: simulate one scenario and write its run directory.

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::budget::BudgetArgs;
use super::chart_files::{RunDirTexts, TraceInput};
use super::chart_window::ChartWindowArgs;
use super::expectations::{ParsedExpectation, RunTexts, judge, parse_expectations};
use super::files::{
    AllowPathArgs, FsLoader, KeptTraces, commit_run_files, create_run_files, discard_run_files, read_scenario,
    read_text, write_atomic,
};
use super::interrupt::{StopReason, StopWatch};
use super::plot::{FormatArg, PlotFailure, render_texts};
use super::run_dir::StagedRunDir;
use super::traces::{Destination, Trace, TraceArgs};
use super::{EXIT_BAD_INPUT, EXIT_EXPECTATION_FAILED, EXIT_INTERNAL};
use crate::engine::{self, EngineError, RunOptions};
use crate::output::charts::ChartFormat;
use crate::output::{AlarmRows, CsvSink, SummaryBuilder};
use crate::scenario::{self, LoadedScenario};
use crate::spec::budget::TraceCost;
use crate::trace::summary::{self, ChartWindow};

/// Arguments of `ecsim run`.
#[derive(Args, Debug)]
pub struct RunArgs {
    /// The scenario file (YAML or JSON).
    scenario: PathBuf,
    /// Output directory [default: output/<scenario file stem>].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Seed of every random stream (overrides the scenario's `seed`).
    #[arg(long)]
    seed: Option<u64>,
    /// Override any scenario value, e.g. `--set ecs.services[0].desiredCount=8` (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
    /// Add one events.csv row per task state transition (there are many).
    #[arg(long)]
    task_events: bool,
    /// Exit 1 when an `expect:` line fails (by default a run reports verdicts and exits 0).
    #[arg(long)]
    strict: bool,
    /// Do not draw charts/ and report.html.
    #[arg(long)]
    no_charts: bool,
    /// Which chart files to write.
    #[arg(long, value_enum, default_value_t = FormatArg::Both)]
    format: FormatArg,
    #[command(flatten)]
    traces: TraceArgs,
    #[command(flatten)]
    files: AllowPathArgs,
    #[command(flatten)]
    window: ChartWindowArgs,
    #[command(flatten)]
    budget: BudgetArgs,
    /// Stop the run after this much wall-clock time (`30s`, `5m`), exit 2 and write nothing: a
    /// budget for untrusted scenarios in CI.
    #[arg(long, value_name = "DURATION", value_parser = parse_timeout)]
    timeout: Option<std::time::Duration>,
}

/// `--timeout`: a duration as scenarios write them (`90s`, `5m`, `1h`).
fn parse_timeout(text: &str) -> Result<std::time::Duration, String> {
    let d = crate::sim::time::parse_duration(text)?;
    if d.as_millis() == 0 {
        return Err("the timeout must be longer than zero".into());
    }
    Ok(std::time::Duration::from_millis(d.as_millis()))
}

/// Splits `PATH=VALUE` arguments.
pub fn parse_sets(sets: &[String]) -> Result<Vec<(String, String)>, String> {
    sets.iter()
        .map(|s| {
            scenario::split_assignment(s)
                .map(|(p, v)| (p.trim().to_string(), v.to_string()))
                .ok_or_else(|| {
                    format!("error: --set expects PATH=VALUE, e.g. --set ecs.services[0].desiredCount=8 or --set 'ecs.services[name=web].desiredCount=8'; found `{s}`")
                })
        })
        .collect()
}

/// Runs the command; returns the exit code.
pub fn run(args: RunArgs) -> u8 {
    let plan = match args.traces.plan() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_BAD_INPUT;
        }
    };
    let (mut loaded, expectations) = match load_for_run(&args) {
        Ok(v) => v,
        Err(code) => return code,
    };
    let stem = args
        .scenario
        .file_stem()
        .map_or_else(|| "run".into(), |s| s.to_string_lossy().into_owned());
    let out = args.out.clone().unwrap_or_else(|| Path::new("output").join(stem));
    let charts = (!args.no_charts).then_some(args.format.into());
    let scenario_window = loaded.charts.window.map(|(from, to)| ChartWindow {
        from_s: from.as_millis() as f64 / 1000.0,
        to_s: to.as_millis() as f64 / 1000.0,
    });
    let duration_s = loaded.spec.duration.as_millis() as f64 / 1000.0;
    let window = match args.window.resolve(scenario_window, duration_s) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_BAD_INPUT;
        }
    };
    let destination = |t| plan.destination(t, !expectations.is_empty(), charts.is_some());
    let traces = TraceCost {
        traces: destination(Trace::Services) != Destination::Skip || destination(Trace::Cluster) != Destination::Skip,
        alarm_evaluations: plan.alarm_rows == AlarmRows::Evaluations && destination(Trace::Alarms) != Destination::Skip,
    };
    let budget = args.budget.budget();
    if let Err(e) = super::budget::apply(&budget, &mut loaded.spec, traces) {
        eprintln!("error: {}: {e}", args.scenario.display());
        return EXIT_BAD_INPUT;
    }
    let stop = StopWatch::install(args.timeout);
    let written = StagedRunDir::create(&out).map_err(Failure::BadInput).and_then(|dir| {
        let limits = Limits {
            alarm_rows: plan.alarm_rows,
            bytes: budget.bytes,
            stop: &stop,
        };
        let (mut summary, kept) = simulate(&loaded, &dir, destination, &limits)?;
        summary.set_chart_window(window);
        summary.set_chart_compare(scenario::charts::compared_services(&loaded.charts, &loaded.spec));
        if let Some(zone) = loaded.charts.time_zone {
            summary.set_chart_time_zone(zone);
        }
        let passed = write_outputs(&expectations, Texts { out: &dir, kept }, summary, charts)?;
        dir.publish().map_err(Failure::Internal)?;
        Ok(passed)
    });
    match written {
        Ok(false) if args.strict => EXIT_EXPECTATION_FAILED,
        Ok(_) => 0,
        Err(Failure::BadInput(m)) => {
            eprintln!("error: {m}");
            EXIT_BAD_INPUT
        }
        Err(Failure::Internal(m)) => {
            eprintln!("error: {m}");
            EXIT_INTERNAL
        }
        Err(Failure::Stopped(reason, at)) => {
            eprintln!(
                "error: the run was {} at simulated time {at}; nothing was written ({} is as it was)",
                reason.describe(),
                out.display()
            );
            reason.exit_code()
        }
    }
}

/// Reads and loads the scenario with the run's overrides and parses its expectations; on bad
/// input, prints the problem and returns the exit code.
fn load_for_run(args: &RunArgs) -> Result<(LoadedScenario, Vec<ParsedExpectation>), u8> {
    let bad_input = |message: String| {
        eprint!("{message}");
        EXIT_BAD_INPUT
    };
    let mut sets = parse_sets(&args.set).map_err(|e| bad_input(e + "\n"))?;
    if let Some(seed) = args.seed {
        sets.push(("seed".into(), seed.to_string()));
    }
    if args.task_events {
        sets.push(("behavior.taskEvents".into(), "true".into()));
    }
    let text = read_scenario(&args.scenario).map_err(|e| bad_input(e + "\n"))?;
    let name = args.scenario.display().to_string();
    let loaded = scenario::load(
        &name,
        &text,
        &FsLoader::for_scenario(&args.scenario, &args.files),
        &sets,
    )
    .map_err(|e| bad_input(e.to_string()))?;
    report_notes(&loaded);
    let expectations = parse_expectations(&loaded).map_err(bad_input)?;
    Ok((loaded, expectations))
}

/// After the run: judges the expectations, writes `summary.json`, draws the charts (with
/// `charts`); returns whether every expectation passed.
fn write_outputs(
    expectations: &[ParsedExpectation],
    texts: Texts<'_>,
    summary: SummaryBuilder,
    charts: Option<ChartFormat>,
) -> Result<bool, Failure> {
    let out = texts.out;
    let (passed, summary) = judge_and_report(expectations, &texts, summary)?;
    let json = summary.to_json();
    write_atomic(out.path(), summary::FILE, &json)
        .map_err(|e| Failure::Internal(format!("cannot write to {}: {e}", out.target().display())))?;
    let Some(format) = charts else {
        return Ok(passed);
    };
    // Charts are drawn from the files just written (or their copies in memory, for the files not
    // written), exactly as `ecsim plot` draws them from a run directory.
    let dir_texts = RunDirTexts {
        services: texts.input(Trace::Services),
        cluster: texts.input(Trace::Cluster),
        events: texts.input(Trace::Events),
        summary: json,
        alarms: Some(texts.input(Trace::Alarms)),
        // Only a run with standalone tasks has it (written or kept).
        jobs_trace: texts
            .has(Trace::JobsPerInterval)
            .then(|| texts.input(Trace::JobsPerInterval)),
        jobs: texts.has(Trace::Jobs).then(|| texts.input(Trace::Jobs)),
        forecast: texts.has(Trace::Forecast).then(|| texts.input(Trace::Forecast)),
    };
    render_texts(
        out.path(),
        out.target(),
        &dir_texts,
        format,
        &ChartWindowArgs::default(),
    )
    .map_err(|e| match e {
        PlotFailure::BadInput(m) | PlotFailure::Internal(m) => Failure::Internal(m),
    })?;
    Ok(passed)
}

/// Prints a note for each `UpdateService` that started no deployment because it named the
/// revision the service already ran (the scenario may have meant another revision).
fn report_updates_without_deployment(summary: &crate::trace::summary::Summary) {
    for s in &summary.services {
        for t in &s.updates_without_deployment_s {
            eprintln!(
                "note: service {}: the UpdateService at {} named the revision it already runs, without forceNewDeployment: no deployment started, as in ECS (events.csv: deployment_not_started)",
                s.service,
                crate::sim::SimDuration::from_millis((t * 1000.0).round() as u64)
            );
        }
    }
}

/// Prints the scenario's notes: parts not simulated yet, AWS fields accepted but not modelled.
pub(super) fn report_notes(loaded: &LoadedScenario) {
    for note in &loaded.spec.not_yet_simulated {
        eprintln!("note: {note}");
    }
    if !loaded.spec.ignored_fields.is_empty() {
        // Name each field once (`logConfiguration`, not one path per container); summary.json
        // lists every path.
        let mut names: Vec<&str> = loaded
            .spec
            .ignored_fields
            .iter()
            .map(|p| p.rsplit('.').next().unwrap_or(p))
            .collect();
        names.sort_unstable();
        names.dedup();
        eprintln!(
            "note: {} AWS field(s) accepted but not modelled: {} (every path is in summary.json)",
            loaded.spec.ignored_fields.len(),
            names.join(", ")
        );
    }
}

enum Failure {
    BadInput(String),
    Internal(String),
    /// A signal or the timeout stopped the run at this simulated time.
    Stopped(StopReason, crate::sim::SimTime),
}

/// The traces of a finished run: the files written in `out`, and the texts kept in memory.
struct Texts<'a> {
    out: &'a StagedRunDir,
    kept: KeptTraces,
}

impl Texts<'_> {
    /// `trace` for the charts: its text kept in memory, or its file, read as they are drawn.
    fn input(&self, trace: Trace) -> TraceInput {
        match self.kept.get(trace) {
            Some(text) => TraceInput::Text(text.to_string()),
            None => TraceInput::file(self.out.path().join(trace.file())),
        }
    }

    /// Whether the run made `trace` (kept or written).
    fn has(&self, trace: Trace) -> bool {
        self.kept.get(trace).is_some() || self.out.path().join(trace.file()).is_file()
    }

    /// The text of `trace`: kept in memory, or read back from its file.
    fn read(&self, trace: Trace) -> Result<String, Failure> {
        match self.kept.get(trace) {
            Some(text) => Ok(text.to_string()),
            None => read_text(self.out.path(), trace.file())
                .map_err(|e| Failure::Internal(format!("cannot read back {}: {e}", trace.file()))),
        }
    }
}

/// Judges the expectations on the traces just written (or kept) and prints one line per
/// expectation.
fn judge_and_report(
    expectations: &[ParsedExpectation],
    texts: &Texts<'_>,
    mut summary: SummaryBuilder,
) -> Result<(bool, SummaryBuilder), Failure> {
    if expectations.is_empty() {
        return Ok((true, summary));
    }
    let (services, cluster, events) = (
        texts.read(Trace::Services)?,
        texts.read(Trace::Cluster)?,
        texts.read(Trace::Events)?,
    );
    let texts = RunTexts {
        services: &services,
        cluster: &cluster,
        events: &events,
    };
    let records = judge(expectations, &texts, &mut summary).map_err(Failure::Internal)?;
    // Verdicts are results: stdout, like the summary line; notes and errors go to stderr.
    for r in &records {
        println!(
            "{} line {}: {}  ({})",
            if r.passed { "pass" } else { "FAIL" },
            r.line,
            r.expression,
            r.message
        );
    }
    Ok((records.iter().all(|r| r.passed), summary))
}

/// What bounds a run as it goes.
struct Limits<'a> {
    /// The rows of `alarms.csv`.
    alarm_rows: AlarmRows,
    /// `--budget bytes=N`: the trace bytes the run may make, written or kept in memory.
    bytes: u64,
    /// Signals and `--timeout`.
    stop: &'a StopWatch,
}

/// Runs the scenario into the trace files (each where `destination` sends it); returns the
/// summary and the traces kept in memory.
fn simulate(
    loaded: &LoadedScenario,
    dir: &StagedRunDir,
    destination: impl Fn(Trace) -> Destination,
    limits: &Limits<'_>,
) -> Result<(SummaryBuilder, KeptTraces), Failure> {
    let stop = limits.stop;
    let spec = &loaded.spec;
    let out = dir.path();
    let internal = |e: std::io::Error| Failure::Internal(format!("cannot write to {}: {e}", dir.target().display()));
    let files = create_run_files(out, &loaded.spec, destination).map_err(internal)?;
    let builder = SummaryBuilder::new(spec).with_provenance(&loaded.provenance);
    let mut sink = CsvSink::new(files, spec.start_epoch_ms, builder)
        .map_err(|e| Failure::Internal(e.to_string()))?
        .with_alarm_rows(limits.alarm_rows)
        .with_byte_limit(limits.bytes);
    let bar = progress_bar(spec.duration.as_millis());
    let mut stopped = None;
    let mut progress = |t: crate::sim::SimTime| {
        bar.set_position(t.0 / 1000);
        stopped = stop.reason();
        stopped.is_none()
    };
    let started = Instant::now();
    let result = engine::run(
        spec,
        &mut sink,
        RunOptions {
            check_invariants: false,
            progress: Some(&mut progress),
        },
    );
    bar.finish_and_clear();
    let wall = started.elapsed();
    let bytes = sink.byte_budget();
    let (files, summary) = sink.into_inner().map_err(|e| Failure::Internal(e.to_string()))?;
    let totals = match result {
        Ok(t) => t,
        Err(e) => {
            discard_run_files(files);
            return Err(match e {
                EngineError::EventBudgetExceeded { .. } => Failure::BadInput(e.to_string()),
                EngineError::Stopped { at } => match stopped {
                    Some(reason) => Failure::Stopped(reason, at),
                    None => Failure::Internal(e.to_string()),
                },
                EngineError::Sink(_) if bytes.exceeded => Failure::BadInput(format!(
                    "{}: {}; nothing was written ({} is as it was)",
                    loaded.sources.name(0),
                    bytes.message(),
                    dir.target().display()
                )),
                EngineError::Sink(_) => Failure::Internal(e.to_string()),
            });
        }
    };
    let kept = commit_run_files(files).map_err(internal)?;
    let secs = wall.as_secs_f64().max(1e-9);
    // The summary line is the run's result (stdout, the same for the same run); the wall time
    // is a diagnostic of this machine (stderr, never in a file or on stdout).
    println!(
        "simulated {} of \"{}\" ({} events); cost ${:.2}; wrote {}",
        spec.duration,
        spec.name,
        totals.events_processed,
        summary.summary().cost_usd,
        dir.target().display()
    );
    eprintln!(
        "took {secs:.3} s of wall time ({:.0} events/s)",
        totals.events_processed as f64 / secs
    );
    report_updates_without_deployment(summary.summary());
    Ok((summary, kept))
}

fn progress_bar(duration_ms: u64) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(duration_ms / 1000), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {percent:>3}% simulated, {eta} left")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}
