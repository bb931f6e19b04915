//! `ecsim check`: run scenarios in parallel, judge their expectations, report for people and CI.

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use clap::Args;

use super::budget::BudgetArgs;
use super::check_outputs::{CheckOutputs, dir_names};
use super::expectations::{ParsedExpectation, judge_tables, parse_expectations};
use super::files::{
    AllowPathArgs, FsLoader, collect_scenario_files, commit_run_files, create_run_files, discard_run_files,
    read_scenario, write_atomic,
};
use super::interrupt::{StopReason, StopWatch};
use super::traces::Destination;
use super::{EXIT_BAD_INPUT, EXIT_EXPECTATION_FAILED};
use crate::check::{RunTables, TraceFeed, TraceText};
use crate::engine::{self, RunOptions};
use crate::output::{CsvSink, ExpectationRecord, RunFiles, SummaryBuilder};
use crate::scenario;
use crate::spec::budget::{Budget, TraceCost};
use crate::trace::columns::{cluster, events, services};

/// Arguments of `ecsim check`.
#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Scenario files or directories (searched recursively for *.yaml, *.yml and *.json scenarios).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Also write a JUnit XML report here.
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Scenarios run at once [default: the number of cores].
    #[arg(long)]
    jobs: Option<usize>,
    /// Override a value in every scenario checked, e.g. `--set 'ecs.services[name=web].desiredCount=8'`
    /// (repeatable; a scenario the path does not fit is reported invalid).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
    /// Seed of every random stream of every scenario (overrides their `seed`).
    #[arg(long)]
    seed: Option<u64>,
    /// Also write each scenario's run directory (traces, summary.json, charts, report.html) into
    /// DIR/<scenario file stem>/.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Write report.html, charts/ and summary.json of each scenario that fails an expectation
    /// into DIR/<scenario file stem>/ (for CI to upload as an artifact).
    #[arg(long, value_name = "DIR")]
    report: Option<PathBuf>,
    #[command(flatten)]
    files: AllowPathArgs,
    #[command(flatten)]
    budget: BudgetArgs,
}

/// What happened to one scenario.
pub enum Outcome {
    /// It could not be read, or its expectations could not be parsed: the rendered message.
    Invalid(String),
    /// It ran; the verdicts of its expectations.
    Judged(Vec<ExpectationRecord>),
    /// ecsim itself failed (a panic) on this scenario: the rendered message. The other
    /// scenarios still run and report.
    Crashed(String),
}

/// What every scenario of one `ecsim check` shares.
pub struct CheckConfig<'a> {
    /// `--allow-path`.
    pub allowed: &'a AllowPathArgs,
    /// `--budget`.
    pub budget: &'a Budget,
    /// `--set`, then `seed=N` for `--seed`.
    pub sets: &'a [(String, String)],
    /// `--out` and `--report`.
    pub outputs: &'a CheckOutputs,
    /// SIGINT and SIGTERM: asked before each scenario and at the engine's event boundaries.
    pub stop: &'a StopWatch,
}

/// Runs every scenario; exit 2 on bad input, 1 on a failed expectation, 0 otherwise (3 when a
/// run directory could not be written).
pub fn check(args: CheckArgs) -> u8 {
    let mut sets = match super::run::parse_sets(&args.set) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return EXIT_BAD_INPUT;
        }
    };
    if let Some(seed) = args.seed {
        sets.push(("seed".into(), seed.to_string()));
    }
    let outputs = CheckOutputs {
        out: args.out.clone(),
        report: args.report.clone(),
    };
    if let Err(e) = outputs.validate() {
        eprintln!("error: {e}");
        return EXIT_BAD_INPUT;
    }
    let files = match collect_scenario_files(&args.paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_BAD_INPUT;
        }
    };
    if files.is_empty() {
        eprintln!(
            "error: no scenario files found in {}",
            args.paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        return EXIT_BAD_INPUT;
    }
    let started = Instant::now();
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let budget = args.budget.budget();
    let stop = StopWatch::install(None);
    let config = CheckConfig {
        allowed: &args.files,
        budget: &budget,
        sets: &sets,
        outputs: &outputs,
        stop: &stop,
    };
    let write_errors = Mutex::new(Vec::new());
    // Each scenario's result is printed as soon as it and every scenario before it have finished.
    let outcomes = run_all(&files, jobs, &config, &write_errors, |path, outcome| {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(render_one(path, outcome).as_bytes());
        let _ = out.flush();
    });
    let outcomes = match outcomes {
        Ok(o) => o,
        Err((reason, finished)) => {
            eprintln!(
                "error: the check was {} after {finished} of {} scenario(s) had finished (their results are above); \
                 no totals or JUnit file were written, and a run directory is written only for a finished scenario",
                reason.describe(),
                files.len()
            );
            return reason.exit_code();
        }
    };
    print!("{}", render_totals(&files, &outcomes));
    if std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true") {
        print!("{}", github_annotations(&files, &outcomes));
    }
    if let Some(path) = &args.junit {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = path
            .file_name()
            .map_or_else(|| "junit.xml".into(), |n| n.to_string_lossy().into_owned());
        if let Err(e) = write_atomic(dir, &name, &junit_xml(&files, &outcomes)) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return super::EXIT_INTERNAL;
        }
    }
    eprintln!(
        "checked {} scenario(s) in {:.2} s",
        files.len(),
        started.elapsed().as_secs_f64()
    );
    let write_errors = write_errors.into_inner().unwrap_or_default();
    for e in &write_errors {
        eprintln!("error: {e}");
    }
    if write_errors.is_empty() {
        exit_code(&outcomes)
    } else {
        super::EXIT_INTERNAL.max(exit_code(&outcomes))
    }
}

/// Exit code for a set of outcomes.
pub fn exit_code(outcomes: &[Outcome]) -> u8 {
    if outcomes.iter().any(|o| matches!(o, Outcome::Crashed(_))) {
        super::EXIT_INTERNAL
    } else if outcomes.iter().any(|o| matches!(o, Outcome::Invalid(_))) {
        EXIT_BAD_INPUT
    } else if outcomes
        .iter()
        .any(|o| matches!(o, Outcome::Judged(r) if r.iter().any(|e| !e.passed)))
    {
        EXIT_EXPECTATION_FAILED
    } else {
        0
    }
}

/// Runs the scenarios on `jobs` threads; results come back in the order of `files`, and each is
/// handed to `ready` in that order as soon as it and all before it are done (so a report streams
/// in input order whatever the threads' timing). A signal stops the scenarios under way (their
/// results are dropped, not reported) and starts no more: the error is the signal and the
/// number of scenarios handed to `ready`.
pub fn run_all(
    files: &[PathBuf],
    jobs: usize,
    config: &CheckConfig<'_>,
    write_errors: &Mutex<Vec<String>>,
    ready: impl Fn(&Path, &Outcome) + Sync,
) -> Result<Vec<Outcome>, (StopReason, usize)> {
    let names = dir_names(files);
    let next = AtomicUsize::new(0);
    // The outcomes so far, and how many of them, from the first, were handed to `ready`.
    let slots: Mutex<(Vec<Option<Outcome>>, usize)> = Mutex::new(((0..files.len()).map(|_| None).collect(), 0));
    std::thread::scope(|scope| {
        for _ in 0..jobs.min(files.len()) {
            scope.spawn(|| {
                loop {
                    if config.stop.reason().is_some() {
                        break;
                    }
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= files.len() {
                        break;
                    }
                    let (outcome, written) =
                        std::panic::catch_unwind(AssertUnwindSafe(|| check_one(&files[i], &names[i], config)))
                            .unwrap_or_else(|payload| {
                                (Outcome::Crashed(crash_message(&files[i], payload.as_ref())), Ok(()))
                            });
                    if config.stop.reason().is_some() {
                        // The run may have been cut short: its outcome means nothing.
                        break;
                    }
                    if let Err(e) = written {
                        write_errors
                            .lock()
                            .expect("no worker panics while holding the lock")
                            .push(e);
                    }
                    let mut guard = slots.lock().expect("no worker panics while holding the lock");
                    let (done, reported) = &mut *guard;
                    done[i] = Some(outcome);
                    while let Some(Some(o)) = done.get(*reported) {
                        ready(&files[*reported], o);
                        *reported += 1;
                    }
                }
            });
        }
    });
    let (done, reported) = slots.into_inner().expect("workers finished");
    if let Some(reason) = config.stop.reason() {
        return Err((reason, reported));
    }
    Ok(done.into_iter().map(|o| o.expect("every slot filled")).collect())
}

/// Loads (with the config's overrides), checks against the budget, runs (in memory) and judges
/// one scenario, then writes the run directories the config asks for into folders `name`; the
/// second value is a failure to write them.
pub fn check_one(path: &Path, name: &str, config: &CheckConfig<'_>) -> (Outcome, Result<(), String>) {
    let invalid = |m: String| (Outcome::Invalid(m), Ok(()));
    let text = match read_scenario(path) {
        Ok(t) => t,
        Err(e) => return invalid(e + "\n"),
    };
    let label = path.display().to_string();
    let loader = FsLoader::for_scenario(path, config.allowed);
    let mut loaded = match scenario::load(&label, &text, &loader, config.sets) {
        Ok(l) => l,
        Err(e) => return invalid(e.rendered),
    };
    // The traces are made (and kept whole for --out and --report): the budget bounds their rows and bytes.
    if let Err(e) = super::budget::apply(config.budget, &mut loaded.spec, TraceCost::TRACES) {
        return invalid(format!("error: {label}: {e}\n"));
    }
    let expectations = match parse_expectations(&loaded) {
        Ok(e) => e,
        Err(rendered) => return invalid(rendered),
    };
    let (records, written) = if config.outputs.any() {
        match run_for_outputs(&loaded, &expectations, name, config) {
            Ok(v) => v,
            Err(e) => return invalid(format!("error: {label}: {e}\n")),
        }
    } else {
        match run_in_columns(&loaded, &expectations, config.budget.bytes, config.stop) {
            Ok(records) => (records, Ok(())),
            Err(e) => return invalid(format!("error: {label}: {e}\n")),
        }
    };
    let written = written.map_err(|e| format!("{label}: {e}"));
    (Outcome::Judged(records), written)
}

/// Runs a scenario and judges it with only what its expectations read kept in memory: the
/// traces they read are read as they are written (`check::TraceFeed`) into the columns and
/// events they name, so memory grows with those, not with the whole traces.
fn run_in_columns(
    loaded: &scenario::LoadedScenario,
    expectations: &[ParsedExpectation],
    byte_limit: u64,
    stop: &StopWatch,
) -> Result<Vec<ExpectationRecord>, String> {
    let spec = &loaded.spec;
    let needs = super::expectations::needs(expectations);
    let feed = |file| Some(TraceFeed::new(file, needs.clone()));
    let files = RunFiles {
        services: feed(TraceText::Services),
        cluster: feed(TraceText::Cluster),
        events: feed(TraceText::Events),
        tasks: None,
        alarms: None,
        jobs: None,
        job_trace: None,
        forecast: None,
    };
    let builder = SummaryBuilder::new(spec).with_provenance(&loaded.provenance);
    let mut sink = CsvSink::new(files, spec.start_epoch_ms, builder)
        .map_err(|e| e.to_string())?
        .with_byte_limit(byte_limit);
    simulate(spec, &mut sink, stop)?;
    let (files, mut summary) = sink.into_inner().map_err(|e| e.to_string())?;
    let finish = |feed: Option<TraceFeed>| feed.expect("a feed for each trace expectations read").finish();
    let readers = [finish(files.services)?, finish(files.cluster)?, finish(files.events)?];
    let tables = RunTables::assemble(readers, &summary.to_json())?;
    Ok(judge_tables(expectations, &tables, &mut summary))
}

/// Runs a scenario with its traces streamed into a staged directory (as `ecsim run` writes
/// them), judges it by reading them back into the columns its expectations need, and writes the
/// run directories of `--out` and `--report`; the second value is a failure to write them.
fn run_for_outputs(
    loaded: &scenario::LoadedScenario,
    expectations: &[ParsedExpectation],
    name: &str,
    config: &CheckConfig<'_>,
) -> Result<(Vec<ExpectationRecord>, Result<(), String>), String> {
    let dir = match config.outputs.trace_dir(name) {
        Ok(dir) => dir,
        // The verdicts do not need the directory: judge in memory, report the failure to write.
        Err(e) => {
            let records = run_in_columns(loaded, expectations, config.budget.bytes, config.stop)?;
            return Ok((records, Err(e)));
        }
    };
    let spec = &loaded.spec;
    let builder = SummaryBuilder::new(spec).with_provenance(&loaded.provenance);
    let io = |e: std::io::Error| format!("cannot write to {}: {e}", dir.path().display());
    let files = create_run_files(dir.path(), spec, |_| Destination::File).map_err(io)?;
    let mut sink = CsvSink::new(files, spec.start_epoch_ms, builder)
        .map_err(|e| e.to_string())?
        .with_byte_limit(config.budget.bytes);
    let result = simulate(spec, &mut sink, config.stop);
    let (files, mut summary) = sink.into_inner().map_err(|e| e.to_string())?;
    if let Err(e) = result {
        discard_run_files(files);
        return Err(e);
    }
    commit_run_files(files).map_err(io)?;
    let needs = super::expectations::needs(expectations);
    let read_back = |text: TraceText, file: &str| -> Result<crate::check::TraceReader, String> {
        let mut feed = TraceFeed::new(text, needs.clone());
        let mut source = std::fs::File::open(dir.path().join(file)).map_err(io)?;
        std::io::copy(&mut source, &mut feed).map_err(io)?;
        feed.finish()
    };
    let readers = [
        read_back(TraceText::Services, services::FILE)?,
        read_back(TraceText::Cluster, cluster::FILE)?,
        read_back(TraceText::Events, events::FILE)?,
    ];
    let tables = RunTables::assemble(readers, &summary.to_json())?;
    let records = judge_tables(expectations, &tables, &mut summary);
    summary.set_chart_window(
        loaded
            .charts
            .window
            .map(|(from, to)| crate::trace::summary::ChartWindow {
                from_s: from.as_millis() as f64 / 1000.0,
                to_s: to.as_millis() as f64 / 1000.0,
            }),
    );
    if let Some(zone) = loaded.charts.time_zone {
        summary.set_chart_time_zone(zone);
    }
    let failed = records.iter().any(|r| !r.passed);
    let written = dir.finish(&summary.to_json(), failed);
    Ok((records, written))
}

/// Runs `spec` into `sink`; an error says why the run stopped (the byte budget in its own words).
fn simulate<W: std::io::Write>(
    spec: &crate::spec::Spec,
    sink: &mut CsvSink<W>,
    stop: &StopWatch,
) -> Result<(), String> {
    let mut go_on = |_: crate::sim::SimTime| stop.reason().is_none();
    let options = RunOptions {
        check_invariants: false,
        progress: Some(&mut go_on),
    };
    engine::run(spec, sink, options).map(|_| ()).map_err(|e| {
        let bytes = sink.byte_budget();
        if bytes.exceeded { bytes.message() } else { e.to_string() }
    })
}

/// The totals line of the human report (which is `render_one` of each scenario, then this),
/// after a blank line.
pub fn render_totals(files: &[PathBuf], outcomes: &[Outcome]) -> String {
    let (mut passed, mut failed, mut invalid) = (0usize, 0usize, 0usize);
    for outcome in outcomes {
        match outcome {
            Outcome::Invalid(_) | Outcome::Crashed(_) => invalid += 1,
            Outcome::Judged(records) => {
                let bad = records.iter().filter(|r| !r.passed).count();
                passed += records.len() - bad;
                failed += bad;
            }
        }
    }
    format!(
        "\n{} scenario{}: {passed} expectation{} passed, {failed} failed, {invalid} scenario{} invalid\n",
        files.len(),
        plural(files.len()),
        plural(passed),
        plural(invalid)
    )
}

/// One scenario's lines of the human report: a line, and each failure with file:line.
pub fn render_one(path: &Path, outcome: &Outcome) -> String {
    let mut out = String::new();
    // Names and texts come from the scenario: control characters are shown, not obeyed (a
    // newline in a file name must not start a CI workflow command of its own).
    let name = visible(&path.display().to_string());
    match outcome {
        Outcome::Invalid(rendered) | Outcome::Crashed(rendered) => {
            out.push_str(&format!("ERROR {name}\n{}", visible_lines(rendered)));
        }
        Outcome::Judged(records) => {
            let bad: Vec<&ExpectationRecord> = records.iter().filter(|r| !r.passed).collect();
            if bad.is_empty() {
                out.push_str(&format!(
                    "PASS  {name} ({} expectation{})\n",
                    records.len(),
                    plural(records.len())
                ));
            } else {
                out.push_str(&format!(
                    "FAIL  {name} ({} of {} expectation{} failed)\n",
                    bad.len(),
                    records.len(),
                    plural(records.len())
                ));
                for r in bad {
                    out.push_str(&format!(
                        "  {name}:{}: {}\n    {}\n",
                        r.line,
                        visible(&r.expression),
                        visible(&r.message)
                    ));
                }
            }
        }
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// GitHub Actions workflow commands: one `::error` per failed expectation, on its line.
pub fn github_annotations(files: &[PathBuf], outcomes: &[Outcome]) -> String {
    let mut out = String::new();
    for (path, outcome) in files.iter().zip(outcomes) {
        let file = escape_property(&path.display().to_string());
        match outcome {
            Outcome::Judged(records) => {
                for r in records.iter().filter(|r| !r.passed) {
                    out.push_str(&format!(
                        "::error file={file},line={},title=ecsim expectation failed::{}%0A{}\n",
                        r.line,
                        escape_annotation(&r.expression),
                        escape_annotation(&r.message)
                    ));
                }
            }
            Outcome::Invalid(rendered) | Outcome::Crashed(rendered) => {
                let first = rendered.lines().next().unwrap_or("invalid scenario");
                out.push_str(&format!(
                    "::error file={file},title=ecsim invalid scenario::{}\n",
                    escape_annotation(first)
                ));
            }
        }
    }
    out
}

/// A workflow command's message: `%`, CR and LF escaped, other control characters (terminal
/// escapes included) shown as `\u{..}`, so nothing in a scenario can start a command of its own.
fn escape_annotation(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// `s` with every control character shown as `\u{..}`.
fn visible(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() {
                format!("\\u{{{:x}}}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Each line of `s` made `visible`, line breaks kept.
fn visible_lines(s: &str) -> String {
    s.lines().map(|l| visible(l) + "\n").collect()
}

/// A workflow command's property (`file=`): as a message, and `:` and `,` escaped too.
fn escape_property(s: &str) -> String {
    escape_annotation(s).replace(':', "%3A").replace(',', "%2C")
}

/// The message of a scenario on which ecsim panicked.
fn crash_message(path: &Path, payload: &(dyn std::any::Any + Send)) -> String {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_string());
    format!(
        "error: ecsim failed on {} (an internal error, not a problem of the scenario: please report it with the file): {what}\n",
        path.display()
    )
}

/// A JUnit XML report: one testsuite per scenario, one testcase per expectation.
pub fn junit_xml(files: &[PathBuf], outcomes: &[Outcome]) -> String {
    let mut suites = String::new();
    let (mut tests, mut failures, mut errors) = (0usize, 0usize, 0usize);
    for (path, outcome) in files.iter().zip(outcomes) {
        let name = xml(&path.display().to_string());
        match outcome {
            Outcome::Invalid(rendered) | Outcome::Crashed(rendered) => {
                tests += 1;
                errors += 1;
                suites.push_str(&format!(
                    "  <testsuite name=\"{name}\" tests=\"1\" failures=\"0\" errors=\"1\">\n    <testcase name=\"load scenario\" classname=\"{name}\">\n      <error message=\"invalid scenario\">{}</error>\n    </testcase>\n  </testsuite>\n",
                    xml(rendered)
                ));
            }
            Outcome::Judged(records) => {
                let bad = records.iter().filter(|r| !r.passed).count();
                tests += records.len();
                failures += bad;
                suites.push_str(&format!(
                    "  <testsuite name=\"{name}\" tests=\"{}\" failures=\"{bad}\" errors=\"0\">\n",
                    records.len()
                ));
                for r in records {
                    suites.push_str(&format!(
                        "    <testcase name=\"{}\" classname=\"{name}\" file=\"{name}\" line=\"{}\"",
                        xml(&r.expression),
                        r.line
                    ));
                    if r.passed {
                        suites.push_str("/>\n");
                    } else {
                        suites.push_str(&format!(
                            ">\n      <failure message=\"{}\">{name}:{}: {}</failure>\n    </testcase>\n",
                            xml(&r.message),
                            r.line,
                            xml(&r.message)
                        ));
                    }
                }
                suites.push_str("  </testsuite>\n");
            }
        }
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"ecsim check\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">\n{suites}</testsuites>\n"
    )
}

/// Text escaped for XML 1.0, whose documents may not hold most control characters at all: those
/// are written as `\u{..}`, so the JUnit file stays parseable whatever a scenario holds.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
#[path = "check_tests.rs"]
mod tests;
