//! The command line: parses arguments, decides which files are read and written, sets exit codes.

mod chart_files;
mod check;
mod expectations;
mod files;
mod plot;
mod run;
mod schema;
mod validate;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
    /// Print the JSON Schema of scenario files (for editors' YAML language servers).
    #[command(after_help = "Example:\n  ecsim schema > ecsim.schema.json")]
    Schema,
}

/// Runs the CLI with the process arguments.
pub fn main() -> ExitCode {
    main_with(std::env::args_os())
}

/// Runs the CLI with explicit arguments (tests call this).
pub fn main_with<I, T>(args: I) -> ExitCode
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
        Command::Schema => schema::schema(),
    };
    ExitCode::from(code)
}
