//! `ecsim import terraform`: `terraform show -json` output (a plan's `planned_values` or the
//! state's `values`, child modules included) -> a scenario. Each resource type ecsim models is
//! mapped to the AWS API shape the scenario format uses, under a `# from <address>` comment;
//! every other resource, and every attribute that is set but not modelled, is reported.
//!
//! `show` reads the JSON, `refs` follows references through a plan's configuration, `fields`
//! reads attributes and remembers which were not read, `link` names the resource an attribute
//! points at, and one file per family of resources writes its part of the scenario
//! (`compute`: Auto Scaling groups and launch templates; `ecs`: clusters and capacity
//! providers; `task_definitions`; `services`; `scaling` (targets, scheduled actions) and
//! `scaling_policies`: Application Auto Scaling; `alarms`;
//! `target_groups`); `scenario` puts the parts together.

mod alarms;
mod compute;
mod ecs;
mod fields;
mod link;
mod refs;
mod scaling;
mod scaling_policies;
mod scenario;
mod services;
mod show;
mod target_groups;
mod task_definitions;
mod values;

use crate::import::{ImportError, Imported};

/// A Terraform document ecsim cannot import: where (a line and column of the JSON, or the
/// address and attribute path of a resource), what is wrong and what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TerraformError {
    /// The resource address and attribute path (`aws_ecs_service.web.desired_count`), or empty.
    pub path: String,
    /// The line in the file (1-based), or 0 when the problem is not at one place of the text.
    pub line: usize,
    /// The column in the file (1-based), or 0.
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub help: String,
}

impl TerraformError {
    /// An error about the resource attribute at `path`.
    pub fn new(path: &str, message: impl Into<String>, help: impl Into<String>) -> Self {
        TerraformError {
            path: path.to_string(),
            line: 0,
            column: 0,
            message: message.into(),
            help: help.into(),
        }
    }

    /// An error at a place of the text.
    pub fn at_line(line: usize, column: usize, message: impl Into<String>, help: impl Into<String>) -> Self {
        TerraformError {
            path: String::new(),
            line,
            column,
            message: message.into(),
            help: help.into(),
        }
    }

    /// The error as `ecsim import` reports it: at its line of `text` when it has one, else
    /// naming the resource attribute.
    pub fn into_import_error(self, file: &str, text: &str) -> ImportError {
        if self.line > 0 {
            return ImportError::in_text(
                file,
                text,
                self.line,
                self.column,
                &self.path,
                self.message,
                Some(self.help),
            );
        }
        let mut e = ImportError::whole_file(file, self.message, Some(self.help));
        e.path = self.path;
        e
    }
}

/// Imports `terraform show -json` output (of a plan or of the state) read from `file_name`,
/// simulating the cluster most services run in.
pub fn import(text: &str, file_name: &str) -> Result<Imported, ImportError> {
    import_cluster(text, file_name, None)
}

/// Imports as `import` does, simulating `cluster` when given (`--cluster`): the services of the
/// other clusters are listed as ignored, and the clusters are named on stderr.
pub fn import_cluster(text: &str, file_name: &str, cluster: Option<&str>) -> Result<Imported, ImportError> {
    let into_error = |e: TerraformError| e.into_import_error(file_name, text);
    let show = show::read_show(text).map_err(into_error)?;
    let model = refs::Model::new(show);
    let (scenario, report) = scenario::build(&model, cluster).map_err(into_error)?;
    Ok(Imported { scenario, report })
}
