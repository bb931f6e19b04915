//! `ecsim validate`: read and check scenarios without simulating them, their `expect:` lines
//! included; folders are searched for scenarios as `ecsim check` searches them.

use std::path::PathBuf;

use clap::Args;

use super::expectations::parse_expectations;
use super::files::{AllowPathArgs, FsLoader, collect_scenario_files, read_scenario};
use super::{EXIT_BAD_INPUT, run::parse_sets};
use crate::scenario;

/// Arguments of `ecsim validate`.
#[derive(Args, Debug)]
pub struct ValidateArgs {
    /// Scenario files (YAML or JSON), or folders of them (every `*.yaml` below, as `check` finds them).
    #[arg(required = true)]
    scenarios: Vec<PathBuf>,
    /// Override a value before validating, e.g. `--set ecs.services[0].desiredCount=8`.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
    #[command(flatten)]
    files: AllowPathArgs,
}

/// Validates every file; exit 0 if all are valid, 2 otherwise.
pub fn validate(args: ValidateArgs) -> u8 {
    let sets = match parse_sets(&args.set) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return EXIT_BAD_INPUT;
        }
    };
    let paths = match collect_scenario_files(&args.scenarios) {
        Ok(p) if !p.is_empty() => p,
        Ok(_) => {
            eprintln!("error: no scenario files found");
            return EXIT_BAD_INPUT;
        }
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_BAD_INPUT;
        }
    };
    let mut failed = false;
    for path in &paths {
        let text = match read_scenario(path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{e}");
                failed = true;
                continue;
            }
        };
        let name = path.display().to_string();
        match scenario::load(&name, &text, &FsLoader::for_scenario(path, &args.files), &sets) {
            Ok(loaded) => {
                // An `expect:` line that would not parse fails the run later: say so now.
                if let Err(e) = parse_expectations(&loaded) {
                    eprint!("{e}");
                    failed = true;
                    continue;
                }
                let deployments = match loaded.spec.eks.deployments.len() {
                    0 => String::new(),
                    n => format!(", {n} EKS Deployment(s)"),
                };
                println!(
                    "{name}: ok ({} service(s), {} task definition(s){deployments})",
                    loaded.spec.services.len(),
                    loaded.spec.task_definitions.len()
                );
                for note in &loaded.spec.not_yet_simulated {
                    println!("  note: {note}");
                }
                if !loaded.spec.ignored_fields.is_empty() {
                    println!(
                        "  ignored AWS fields (accepted, not modelled): {}",
                        loaded.spec.ignored_fields.join(", ")
                    );
                }
            }
            Err(e) => {
                eprint!("{e}");
                failed = true;
            }
        }
    }
    if failed { EXIT_BAD_INPUT } else { 0 }
}
