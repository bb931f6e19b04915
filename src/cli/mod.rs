//! The command line: parses arguments, decides which files are read and written, sets exit codes.

mod budget;
mod chart_files;
mod chart_window;
mod check;
mod check_outputs;
mod expectations;
mod files;
mod import;
mod interrupt;
mod makespan_bounds;
mod plot;
mod run;
mod run_dir;
mod schema;
mod sweep;
mod sweep_charts;
mod sweep_merge;
mod sweep_runs;
mod sweep_setup;
mod traces;
mod validate;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use makespan_bounds::makespan_bounds;

/// Exit code: an expectation failed.
pub const EXIT_EXPECTATION_FAILED: u8 = 1;
/// Exit code: bad input (scenario or arguments).
pub const EXIT_BAD_INPUT: u8 = 2;
/// Exit code: internal error (a bug, or the machine: disk full, permissions).
pub const EXIT_INTERNAL: u8 = 3;

/// Deterministic discrete-event simulator of Amazon ECS autoscaling and rolling deployments.
#[derive(Parser, Debug)]
#[command(name = "ecsim", version, about, long_about = None, after_help = EXAMPLES)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

const EXAMPLES: &str = "Examples:
  ecsim run scenarios/web-ec2-fixed.yaml
  ecsim run scenarios/web-ec2-fixed.yaml --seed 42 --set ecs.services[0].desiredCount=8
  ecsim validate scenarios/*.yaml
  ecsim check scenarios/ --junit results.xml
  ecsim plot output/web-ec2-fixed --format svg
  ecsim schema > ecsim.schema.json
  ecsim import cloudformation stack.yml --parameters params.json --out scenario.yaml
  ecsim sweep scenarios/target-tracking-cpu.yaml --vary ecs.services[0].desiredCount=2,4 --replicas 5

Exit codes: 0 ok, 1 an expectation failed, 2 bad input, 3 internal error.";

#[derive(Subcommand, Debug)]
enum Command {
    /// Simulate a scenario and write CSV traces, events and summary.json.
    #[command(after_help = "Example:\n  ecsim run scenarios/web-ec2-fixed.yaml --out /tmp/web --set duration=6h")]
    Run(run::RunArgs),
    /// Check scenarios for errors without simulating them.
    #[command(after_help = "Example:\n  ecsim validate scenarios/*.yaml")]
    Validate(validate::ValidateArgs),
    /// Draw the charts and report.html of a finished run from its files.
    #[command(after_help = "Example:\n  ecsim plot output/web-ec2-fixed --format png")]
    Plot(plot::PlotArgs),
    /// Run scenarios and check their `expect:` lines; exit 1 if any fails.
    #[command(after_help = "Examples:\n  ecsim check scenarios/\n  ecsim check scenarios/ --junit results.xml")]
    Check(check::CheckArgs),
    /// Run a scenario over a grid of settings with replicates and report the best setting.
    #[command(after_help = SWEEP_EXAMPLES)]
    Sweep(Box<sweep::SweepArgs>),
    /// Write a scenario from a CloudFormation template, a Copilot manifest or Terraform JSON.
    #[command(after_help = IMPORT_EXAMPLES)]
    Import(import::ImportArgs),
    /// Print the JSON Schema of scenario files (for editors' YAML language servers).
    #[command(after_help = "Example:\n  ecsim schema > ecsim.schema.json")]
    Schema,
}

const IMPORT_EXAMPLES: &str = "Examples:
  ecsim import cloudformation stack.yml --parameters params.json --out scenario.yaml
  ecsim import copilot copilot/api/manifest.yml --env prod --out scenario.yaml
  ecsim import terraform plan.json --out scenario.yaml      # terraform show -json plan.out > plan.json

The scenario names where each item came from; its load: block is a placeholder to replace.
The report on stderr lists what was imported, what was ignored and what was guessed.";

const SWEEP_EXAMPLES: &str = "Examples:
  ecsim sweep scenarios/target-tracking-cpu.yaml --vary ecs.services[0].desiredCount=2,4,8 --replicas 5
  ecsim sweep s.yaml --vary 'applicationAutoScaling.scalingPolicies[0].TargetTrackingScalingPolicyConfiguration.TargetValue=40..80:10' \\
      --replicas 10 --minimize cost_usd --where 'unserved_fraction < 0.002'
  ecsim sweep s.yaml --vary ... --shard 0/4 --out results     # then: ecsim sweep merge results --out results

Files in --out: sweep.csv (one row per run), sweep_summary.csv (per combination: means and 95 % intervals),
best.json. A shard writes runs.csv and shard.json into OUT/shard-I-of-N/.";

/// The environment variables `ecsim sweep` reads to find its shard in an array job: the only
/// place the process environment is read.
fn shard_environment() -> BTreeMap<String, String> {
    crate::sweep::shard::ENV_VARS
        .iter()
        .filter_map(|name| std::env::var(name).ok().map(|v| (name.to_string(), v)))
        .collect()
}

/// Runs the CLI with the process arguments and environment. A panic (a bug of ecsim) prints a
/// short report and exits 3; the staging directory of a run being written is removed on the way.
pub fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".to_string());
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("error: ecsim hit an internal error{at}: {what}");
        eprintln!("       This is a bug of ecsim, not of your scenario: please report it with the scenario file.");
    }));
    let args: Vec<OsString> = std::env::args_os().collect();
    let env = shard_environment();
    std::panic::catch_unwind(|| main_with_env(args, &env)).unwrap_or(ExitCode::from(EXIT_INTERNAL))
}

/// Runs the CLI with explicit arguments and an empty environment (tests call this).
pub fn main_with<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    main_with_env(args, &BTreeMap::new())
}

/// Runs the CLI with explicit arguments and environment variables (those of
/// `sweep::shard::ENV_VARS` are read, by `ecsim sweep`).
pub fn main_with_env<I, T>(args: I, env: &BTreeMap<String, String>) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(EXIT_BAD_INPUT)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let code = match cli.command {
        Command::Run(args) => run::run(args),
        Command::Validate(args) => validate::validate(args),
        Command::Plot(args) => plot::plot(args),
        Command::Check(args) => check::check(args),
        Command::Sweep(args) => sweep::sweep(*args, env),
        Command::Import(args) => import::import(args),
        Command::Schema => schema::schema(),
    };
    ExitCode::from(code)
}
