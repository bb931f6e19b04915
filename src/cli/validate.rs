//! `ecsim validate`: read and check scenarios without simulating them.

use std::path::PathBuf;

use clap::Args;

use super::files::{AllowPathArgs, FsLoader, read_scenario};
use super::{EXIT_BAD_INPUT, run::parse_sets};
use crate::scenario;

/// Arguments of `ecsim validate`.
#[derive(Args, Debug)]
pub struct ValidateArgs {
    /// Scenario files (YAML or JSON).
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
    let mut failed = false;
    for path in &args.scenarios {
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
                println!(
                    "{name}: ok ({} service(s), {} task definition(s))",
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
