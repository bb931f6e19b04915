//! `ecsim import terraform` (issue 18, scope 3): `terraform show -json` of plans and states,
//! written by hand in the documented format under `tests/fixtures/import/terraform/`, import
//! into scenarios that load and run deterministically; each resource type maps to its AWS
//! shape; unknown references of a plan resolve through its configuration; bad input fails
//! clearly with exit 2.

mod clusters;
mod errors;
mod fixtures;
mod mappings;
mod robustness;

use ecsim::import::terraform::import;
use ecsim::import::{ImportError, Imported};

use super::support::root;

/// The fixture `name`'s text.
fn fixture(name: &str) -> String {
    let path = root().join("tests/fixtures/import/terraform").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The error importing `text` gives.
pub(super) fn import_error(text: &str) -> ImportError {
    import(text, "input.json").expect_err("the import fails")
}

/// The guesses about the input, without the two every import makes (the placeholders of
/// `load:` and `behavior:`, checked on their own).
pub(super) fn input_guesses(imported: &Imported) -> Vec<String> {
    lines(&imported.report.guesses)
        .into_iter()
        .filter(|l| !l.contains(" (scenario): "))
        .collect()
}

/// The entries of one group of the report, as `source (kind): sentence` lines.
pub(super) fn lines(entries: &[ecsim::import::report::ReportEntry]) -> Vec<String> {
    entries
        .iter()
        .map(|e| format!("{} ({}): {}", e.source, e.kind, e.sentence))
        .collect()
}

/// A state with the resources given as JSON objects, for one mapping at a time.
pub(super) fn state(resources: &str) -> String {
    format!(r#"{{"format_version": "1.0", "values": {{"root_module": {{"resources": [{resources}]}}}}}}"#)
}

pub(super) const FARGATE_SERVICE: &str = r#"
  {"address": "aws_ecs_cluster.c", "mode": "managed", "type": "aws_ecs_cluster", "name": "c", "values": {"name": "c"}},
  {"address": "aws_ecs_task_definition.t", "mode": "managed", "type": "aws_ecs_task_definition", "name": "t",
   "values": {"family": "t", "cpu": "256", "memory": "512", "network_mode": "awsvpc", "requires_compatibilities": ["FARGATE"],
              "container_definitions": "[{\"name\":\"app\",\"image\":\"example/app:1\"}]"}},
  {"address": "aws_ecs_service.s", "mode": "managed", "type": "aws_ecs_service", "name": "s",
   "values": {"name": "s", "cluster": "c", "task_definition": "t:1", "desired_count": 2, "launch_type": "FARGATE"}}"#;
