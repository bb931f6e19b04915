//! `ecsim run`: simulate one scenario and write its run directory.

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::expectations::{ParsedExpectation, RunTexts, judge, parse_expectations};
use super::files::{AtomicFile, FsLoader, create_run_files, read_scenario, read_text, write_atomic};
use super::plot::{FormatArg, PlotFailure, render_run_dir};
use super::{EXIT_BAD_INPUT, EXIT_EXPECTATION_FAILED, EXIT_INTERNAL};
use crate::engine::{self, EngineError, RunOptions};
use crate::output::{CsvSink, SummaryBuilder};
use crate::scenario::{self, LoadedScenario};
use crate::trace::columns::{cluster, events, services};
use crate::trace::summary;

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
}

/// Splits `PATH=VALUE` arguments.
pub fn parse_sets(sets: &[String]) -> Result<Vec<(String, String)>, String> {
    sets.iter()
        .map(|s| {
            s.split_once('=')
                .map(|(p, v)| (p.trim().to_string(), v.to_string()))
                .ok_or_else(|| {
                    format!("error: --set expects PATH=VALUE, e.g. --set ecs.services[0].desiredCount=8; found `{s}`")
                })
        })
        .collect()
}

/// Runs the command; returns the exit code.
pub fn run(args: RunArgs) -> u8 {
    let mut sets = match parse_sets(&args.set) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return EXIT_BAD_INPUT;
        }
    };
    if let Some(seed) = args.seed {
        sets.push(("seed".into(), seed.to_string()));
    }
    if args.task_events {
        sets.push(("behavior.taskEvents".into(), "true".into()));
    }
    let text = match read_scenario(&args.scenario) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{e}");
            return EXIT_BAD_INPUT;
        }
    };
    let name = args.scenario.display().to_string();
    let loaded = match scenario::load(&name, &text, &FsLoader::for_scenario(&args.scenario), &sets) {
        Ok(l) => l,
        Err(e) => {
            eprint!("{e}");
            return EXIT_BAD_INPUT;
        }
    };
    report_notes(&loaded);
    let stem = args
        .scenario
        .file_stem()
        .map_or_else(|| "run".into(), |s| s.to_string_lossy().into_owned());
    let out = args.out.unwrap_or_else(|| Path::new("output").join(stem));
    let expectations = match parse_expectations(&loaded) {
        Ok(e) => e,
        Err(rendered) => {
            eprint!("{rendered}");
            return EXIT_BAD_INPUT;
        }
    };
    let mut all_passed = true;
    let charted = simulate(&loaded, &out)
        .and_then(|summary| {
            let (passed, summary) = judge_and_report(&expectations, &out, summary)?;
            all_passed = passed;
            write_atomic(&out, summary::FILE, &summary.to_json())
                .map_err(|e| Failure::Internal(format!("cannot write to {}: {e}", out.display())))
        })
        .and_then(|()| {
            // Charts are drawn from the files just written, exactly as `ecsim plot` would.
            if args.no_charts {
                return Ok(());
            }
            render_run_dir(&out, args.format.into()).map_err(|e| match e {
                PlotFailure::BadInput(m) | PlotFailure::Internal(m) => Failure::Internal(m),
            })
        });
    if charted.is_ok() && !all_passed && args.strict {
        return EXIT_EXPECTATION_FAILED;
    }
    match charted {
        Ok(()) => 0,
        Err(Failure::BadInput(m)) => {
            eprintln!("error: {m}");
            EXIT_BAD_INPUT
        }
        Err(Failure::Internal(m)) => {
            eprintln!("error: {m}");
            EXIT_INTERNAL
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
}

/// Judges the expectations on the files just written and prints one line per expectation.
fn judge_and_report(
    expectations: &[ParsedExpectation],
    out: &Path,
    mut summary: SummaryBuilder,
) -> Result<(bool, SummaryBuilder), Failure> {
    if expectations.is_empty() {
        return Ok((true, summary));
    }
    let read =
        |name: &str| read_text(out, name).map_err(|e| Failure::Internal(format!("cannot read back {name}: {e}")));
    let (services, cluster, events) = (read(services::FILE)?, read(cluster::FILE)?, read(events::FILE)?);
    let texts = RunTexts {
        services: &services,
        cluster: &cluster,
        events: &events,
    };
    let records = judge(expectations, &texts, &mut summary).map_err(Failure::Internal)?;
    for r in &records {
        eprintln!(
            "{} line {}: {}  ({})",
            if r.passed { "pass" } else { "FAIL" },
            r.line,
            r.expression,
            r.message
        );
    }
    Ok((records.iter().all(|r| r.passed), summary))
}

fn simulate(loaded: &LoadedScenario, out: &Path) -> Result<SummaryBuilder, Failure> {
    let spec = &loaded.spec;
    let internal = |e: std::io::Error| Failure::Internal(format!("cannot write to {}: {e}", out.display()));
    let files = create_run_files(out).map_err(internal)?;
    let mut sink = CsvSink::new(files, spec.start_epoch_ms, SummaryBuilder::new(spec))
        .map_err(|e| Failure::Internal(e.to_string()))?;
    let bar = progress_bar(spec.duration.as_millis());
    let mut progress = |t: crate::sim::SimTime| bar.set_position(t.0 / 1000);
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
    let (files, summary) = sink.into_inner().map_err(|e| Failure::Internal(e.to_string()))?;
    let all = [files.services, files.cluster, files.events, files.tasks, files.alarms];
    let totals = match result {
        Ok(t) => t,
        Err(e) => {
            all.into_iter().for_each(AtomicFile::discard);
            return Err(match e {
                EngineError::EventBudgetExceeded { .. } => Failure::BadInput(e.to_string()),
                EngineError::Sink(_) => Failure::Internal(e.to_string()),
            });
        }
    };
    for f in all {
        f.commit().map_err(internal)?;
    }
    let secs = wall.as_secs_f64().max(1e-9);
    eprintln!(
        "simulated {} of \"{}\" in {:.3} s ({} events, {:.0} events/s); cost ${:.2}; wrote {}",
        spec.duration,
        spec.name,
        secs,
        totals.events_processed,
        totals.events_processed as f64 / secs,
        summary.summary().cost_usd,
        out.display()
    );
    Ok(summary)
}

fn progress_bar(duration_ms: u64) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(duration_ms / 1000), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {percent:>3}% simulated, {eta} left")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}
