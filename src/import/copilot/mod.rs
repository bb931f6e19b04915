//! `ecsim import copilot`: an AWS Copilot workload manifest, merged with one environment's
//! overrides, as the scenario Copilot would deploy (Part B of the latency-and-copilot
//! reference): the task definition, the service or the job's schedule, the target group, the
//! scalable target and policies, the deployment settings, each with a `# from` comment.

pub mod count;
pub mod duration;
pub mod manifest;
pub mod merge;
pub mod read;
pub mod schedule;
pub mod translate;
pub mod tree;

use super::report::ImportReport;
use super::source::Source;
use super::{ImportError, Imported};

/// Imports the manifest `text` (named `file_name` in messages) as deployed to `env`.
pub fn import(text: &str, file_name: &str, env: Option<&str>) -> Result<Imported, ImportError> {
    let source = Source::parse(file_name, text)?;
    if !source.root.is_map() {
        let help = Some("a manifest is a mapping with name, type, image, ... (copilot/<name>/manifest.yml)".into());
        return Err(source.error(
            &source.root,
            "",
            "this is not a Copilot manifest: expected a mapping",
            help,
        ));
    }
    let root = tree::from_source(&source.root);
    let mut report = ImportReport::default();
    let environments = merge::environment_names(&root);
    match env {
        Some(e) if !environments.iter().any(|n| n == e) => report.guess(
            "environments",
            "environment",
            format!(
                "the manifest has no overrides for `{e}` (it has: {}): its top level is imported as written",
                list(&environments)
            ),
        ),
        None if !environments.is_empty() => report.guess(
            "environments",
            "environment",
            format!(
                "no --env: the top level is imported without the overrides of {}",
                list(&environments)
            ),
        ),
        _ => {}
    }
    let merged = merge::for_environment(&root, env);
    let mut ctx = read::fields::Ctx {
        env: env.map(str::to_string),
        ..Default::default()
    };
    let manifest = read::read_manifest(&merged, &mut ctx).map_err(|problems| {
        let more = problems.len().saturating_sub(1);
        let Some(p) = problems.first() else {
            return ImportError::whole_file(file_name, "the manifest cannot be imported", None);
        };
        let help = match (p.help.clone(), more) {
            (h, 0) => h,
            (Some(h), n) => Some(format!("{h} ({n} more problem(s) after this one)")),
            (None, n) => Some(format!("{n} more problem(s) after this one")),
        };
        source.error_at(p.line, p.col, &p.path, p.message.clone(), help)
    })?;
    let scenario = translate::translate(&manifest, env, &mut report);
    Ok(Imported { scenario, report })
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}
