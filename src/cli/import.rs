//! `ecsim import`: reads a CloudFormation template, Copilot manifest or Terraform JSON (and the
//! files beside it that it names), writes the scenario the importer makes (atomically, or to
//! stdout), checks it with the scenario loader, and prints the import report on stderr.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use super::EXIT_BAD_INPUT;
use super::files::{AllowPathArgs, FsLoader, MAX_INCLUDED_FILE_BYTES, write_atomic};
use crate::import::{Format, ImportError, Imported};
use crate::scenario::{self, SourceLoader};

/// Arguments of `ecsim import`.
#[derive(Args, Debug)]
pub struct ImportArgs {
    #[command(subcommand)]
    input: ImportInput,
}

/// What to import.
#[derive(Subcommand, Debug)]
enum ImportInput {
    /// A CloudFormation template (YAML or JSON; hand-written or made by the CDK, Copilot or SAM).
    #[command(
        name = "cloudformation",
        after_help = "Example:\n  ecsim import cloudformation stack.yml --parameters params.json --out scenario.yaml"
    )]
    CloudFormation {
        /// The template.
        file: PathBuf,
        /// Parameter values: `[{"ParameterKey": .., "ParameterValue": ..}]` as the AWS CLI takes
        /// them, or `{"Parameters": {..}}` as Copilot writes them.
        #[arg(long, value_name = "FILE")]
        parameters: Option<PathBuf>,
        /// The cluster to simulate, when services run in several (default: the template's first).
        #[arg(long, value_name = "NAME")]
        cluster: Option<String>,
        #[command(flatten)]
        out: OutArg,
    },
    /// An AWS Copilot manifest (copilot/<name>/manifest.yml).
    #[command(after_help = "Example:\n  ecsim import copilot copilot/api/manifest.yml --env prod --out scenario.yaml")]
    Copilot {
        /// The manifest.
        file: PathBuf,
        /// The environment whose overrides (`environments.<env>`) apply.
        #[arg(long, value_name = "ENV")]
        env: Option<String>,
        #[command(flatten)]
        out: OutArg,
    },
    /// `terraform show -json` of a plan or of the state.
    #[command(
        after_help = "Example:\n  terraform show -json plan.out > plan.json\n  ecsim import terraform plan.json --out scenario.yaml"
    )]
    Terraform {
        /// The JSON file.
        file: PathBuf,
        /// The cluster to simulate, when services run in several (default: the one most run in).
        #[arg(long, value_name = "NAME")]
        cluster: Option<String>,
        #[command(flatten)]
        out: OutArg,
    },
}

/// Where the scenario goes.
#[derive(Args, Debug)]
struct OutArg {
    /// Write the scenario to FILE (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// Runs `ecsim import`; exit 0, or 2 for input that cannot be imported.
pub fn import(args: ImportArgs) -> u8 {
    match args.input {
        ImportInput::CloudFormation {
            file,
            parameters,
            cluster,
            out,
        } => import_cloudformation(&file, parameters.as_deref(), cluster.as_deref(), out.out.as_deref()),
        ImportInput::Copilot { file, env, out } => import_copilot(&file, env.as_deref(), out.out.as_deref()),
        ImportInput::Terraform { file, cluster, out } => {
            import_terraform(&file, cluster.as_deref(), out.out.as_deref())
        }
    }
}

fn import_cloudformation(file: &Path, parameters: Option<&Path>, cluster: Option<&str>, out: Option<&Path>) -> u8 {
    let (name, text) = match read_input(file) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{e}");
            return EXIT_BAD_INPUT;
        }
    };
    let parameters = match parameters.map(read_input).transpose() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            return EXIT_BAD_INPUT;
        }
    };
    let parameters = parameters.as_ref().map(|(n, t)| (n.as_str(), t.as_str()));
    let result = crate::import::cloudformation::import_cluster(&text, &name, parameters, &read_beside, cluster);
    finish(result, Format::CloudFormation, &name, out)
}

fn import_copilot(file: &Path, env: Option<&str>, out: Option<&Path>) -> u8 {
    let (name, text) = match read_input(file) {
        Ok(read) => read,
        Err(e) => {
            eprintln!("{e}");
            return EXIT_BAD_INPUT;
        }
    };
    let result = crate::import::copilot::import(&text, &name, env);
    finish(result, Format::Copilot, &name, out)
}

fn import_terraform(file: &Path, cluster: Option<&str>, out: Option<&Path>) -> u8 {
    let (name, text) = match read_input(file) {
        Ok(input) => input,
        Err(e) => {
            eprintln!("{e}");
            return EXIT_BAD_INPUT;
        }
    };
    finish(
        crate::import::terraform::import_cluster(&text, &name, cluster),
        Format::Terraform,
        &name,
        out,
    )
}

/// Reads an input file named on the command line: its display name and text, bounded in size.
pub fn read_input(path: &Path) -> Result<(String, String), String> {
    let name = path.display().to_string();
    let meta = fs::metadata(path).map_err(|e| format!("error: cannot read {name}: {e}"))?;
    if !meta.is_file() {
        return Err(format!("error: cannot read {name}: it is not a regular file"));
    }
    let mut text = String::new();
    fs::File::open(path)
        .and_then(|f| f.take(MAX_INCLUDED_FILE_BYTES + 1).read_to_string(&mut text))
        .map_err(|e| format!("error: cannot read {name}: {e}"))?;
    if text.len() as u64 > MAX_INCLUDED_FILE_BYTES {
        return Err(format!(
            "error: cannot read {name}: it is more than the {MAX_INCLUDED_FILE_BYTES} bytes ecsim import reads"
        ));
    }
    Ok((name, text))
}

/// Reads a file that `parent` names by a relative path (a nested stack's `TemplateURL`), from
/// the parent's folder and confined to it, as a scenario's own files are.
pub fn read_beside(parent: &str, relative: &str) -> Result<(String, String), String> {
    FsLoader::for_scenario(Path::new(parent), &AllowPathArgs::default()).read_relative(relative)
}

/// The comment at the top of an imported scenario.
fn header(format: Format, input: &str) -> String {
    format!(
        "Imported by `ecsim import` from the {} {input}.\n\
         Each item names where it came from. The `load:` entries are placeholders: replace them\n\
         with your services' real traffic before trusting any result.",
        format.name()
    )
}

/// Writes an import's scenario to `out` (or stdout), checks that it loads, and prints the
/// report on stderr. Returns the exit code.
pub fn finish(result: Result<Imported, ImportError>, format: Format, input: &str, out: Option<&Path>) -> u8 {
    let imported = match result {
        Ok(i) => i,
        Err(e) => {
            eprint!("{e}");
            return EXIT_BAD_INPUT;
        }
    };
    let text = imported.scenario.to_yaml(&header(format, input));
    let outcome = match out {
        Some(path) => write_and_check(&text, path),
        None => check(&text, Path::new("imported.yaml")).map(|()| print!("{text}")),
    };
    eprint!("{}", imported.report.render());
    match outcome {
        Ok(()) => {
            if let Some(path) = out {
                eprintln!(
                    "wrote {}; replace its load: placeholders, then: ecsim run {}",
                    path.display(),
                    path.display()
                );
            }
            0
        }
        Err(message) => {
            eprint!("{message}");
            eprintln!(
                "error: the scenario imported from {input} does not load; the errors above name the fields ecsim refuses. Most often the input holds a value AWS would refuse too (fix it there and import again); if the input deploys on AWS as it is, this is a bug of ecsim import: please report it with the input file"
            );
            EXIT_BAD_INPUT
        }
    }
}

/// Writes `text` to `path` atomically, then loads it from there (so files it names resolve as
/// they will for `ecsim run`); removes it if it does not load.
fn write_and_check(text: &str, path: &Path) -> Result<(), String> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return Err(format!("error: --out {} names no file\n", path.display()));
    };
    write_atomic(dir, name, text).map_err(|e| format!("error: cannot write {}: {e}\n", path.display()))?;
    let checked = check(text, path);
    if checked.is_err() {
        let _ = fs::remove_file(path);
    }
    checked
}

/// Loads the scenario `text` as `ecsim validate` would, as if it were the file at `path`.
fn check(text: &str, path: &Path) -> Result<(), String> {
    let name = path.display().to_string();
    scenario::load(
        &name,
        text,
        &FsLoader::for_scenario(path, &AllowPathArgs::default()),
        &[],
    )
    .map(|_| ())
    .map_err(|e| e.rendered)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_scenario_that_does_not_load_is_removed() {
        let dir = std::env::temp_dir().join(format!("ecsim-import-check-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("s.yaml");
        let err = write_and_check("name: x\nbogus: 1\n", &path).expect_err("does not load");
        assert!(err.contains("bogus"), "{err}");
        assert!(!path.exists(), "the file was left behind");
        let good = "name: x\nduration: 1h\necs:\n  taskDefinitions:\n    - {family: w, cpu: \"256\", memory: \"512\", networkMode: awsvpc, requiresCompatibilities: [FARGATE], containerDefinitions: [{name: a, image: b}]}\n  cluster: {clusterName: c, capacityProviders: [FARGATE]}\n  services:\n    - {serviceName: w, taskDefinition: w, desiredCount: 1, launchType: FARGATE}\n";
        write_and_check(good, &path).expect("loads");
        assert_eq!(fs::read_to_string(&path).expect("written"), good);
        let _ = fs::remove_dir_all(&dir);
    }
}
