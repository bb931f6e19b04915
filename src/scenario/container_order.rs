//! `dependsOn` and `startTimeout`/`stopTimeout` of a task definition's containers (reference
//! 8.5): the dependencies by container name, resolved once every container is read, and the
//! rules RegisterTaskDefinition checks.

use super::diag::{Diagnostics, closest};
use super::reader::{Obj, object};
use super::yaml::Loc;
use crate::spec::{ContainerDependency, DependencyCondition, TaskDefinitionSpec};

/// One `dependsOn` entry as written, with where it is.
pub struct WrittenDependency {
    /// `containerName`.
    pub container_name: String,
    /// `condition`.
    pub condition: DependencyCondition,
    /// Where the entry is, and its path.
    pub at: (Loc, String),
}

/// Reads a container's `dependsOn`.
pub fn read_depends_on(o: &mut Obj<'_>, d: &mut Diagnostics) -> Vec<WrittenDependency> {
    let mut out = Vec::new();
    for (p, n) in o.list("dependsOn", d) {
        let Some(mut dep) = object(n, &p, d) else { continue };
        let name = dep.required_string("containerName", "the container waited for", d);
        let condition = dep.required_one_of(
            "condition",
            &["START", "COMPLETE", "SUCCESS", "HEALTHY"],
            "START, COMPLETE, SUCCESS or HEALTHY",
            d,
        );
        dep.finish(d);
        let condition = match condition {
            Some("START") => DependencyCondition::Start,
            Some("COMPLETE") => DependencyCondition::Complete,
            Some("SUCCESS") => DependencyCondition::Success,
            Some(_) => DependencyCondition::Healthy,
            None => continue,
        };
        if let Some(container_name) = name {
            out.push(WrittenDependency {
                container_name,
                condition,
                at: (n.loc, p),
            });
        }
    }
    out
}

/// Resolves each container's written dependencies (`written[i]` of container `i`) into
/// `td.containers[i].depends_on`, reporting unknown names, HEALTHY without a health check,
/// COMPLETE or SUCCESS on an essential container, and cycles. With `all_read` false a container
/// failed to read (reported): a name not found may be its, and is not a second error.
pub fn resolve_dependencies(
    td: &mut TaskDefinitionSpec,
    written: Vec<Vec<WrittenDependency>>,
    all_read: bool,
    d: &mut Diagnostics,
) {
    let names: Vec<String> = td.containers.iter().map(|c| c.name.clone()).collect();
    let mut notes = Vec::new();
    let mut first_at: Vec<Option<(Loc, String)>> = vec![None; names.len()];
    for (i, deps) in written.into_iter().enumerate() {
        for w in deps {
            first_at[i].get_or_insert_with(|| w.at.clone());
            let (loc, path) = &w.at;
            let Some(target) = names.iter().position(|n| *n == w.container_name) else {
                if !all_read {
                    continue;
                }
                let help = closest(&w.container_name, names.iter().map(String::as_str))
                    .map(|c| format!("did you mean `{c}`?"));
                d.error(
                    *loc,
                    &format!("{path}.containerName"),
                    format!("no container named `{}` in this task definition", w.container_name),
                    help,
                );
                continue;
            };
            let dependency = &td.containers[target];
            let problem = match w.condition {
                _ if target == i => Some("a container cannot depend on itself".to_string()),
                DependencyCondition::Healthy if dependency.health_check.is_none() => Some(format!(
                    "HEALTHY needs a healthCheck on container `{}`",
                    dependency.name
                )),
                DependencyCondition::Complete | DependencyCondition::Success if dependency.essential => Some(format!(
                    "COMPLETE and SUCCESS cannot be set on the essential container `{}`",
                    dependency.name
                )),
                _ => None,
            };
            if let Some(message) = problem {
                d.error(*loc, path, message, None);
                continue;
            }
            if matches!(
                w.condition,
                DependencyCondition::Complete | DependencyCondition::Success
            ) {
                notes.push(format!(
                    "{path}: container `{}` is taken to reach {} at once (how long it runs is not modelled)",
                    dependency.name,
                    if w.condition == DependencyCondition::Complete {
                        "COMPLETE"
                    } else {
                        "SUCCESS"
                    }
                ));
            }
            td.containers[i].depends_on.push(ContainerDependency {
                container: target,
                condition: w.condition,
            });
        }
    }
    d.not_yet_simulated.extend(notes);
    if let Some(c) = first_in_cycle(td) {
        let (loc, path) = first_at[c].clone().unwrap_or_default();
        d.error(
            loc,
            &path,
            format!("the dependsOn of container `{}` form a cycle", td.containers[c].name),
            Some("a container cannot wait, directly or through others, for itself".into()),
        );
        for c in &mut td.containers {
            c.depends_on.clear();
        }
    }
}

/// A container on a dependency cycle, if there is one.
fn first_in_cycle(td: &TaskDefinitionSpec) -> Option<usize> {
    let n = td.containers.len();
    // Kahn's algorithm: what never reaches zero unmet dependencies is on or behind a cycle.
    let mut unmet: Vec<usize> = td.containers.iter().map(|c| c.depends_on.len()).collect();
    let mut ready: Vec<usize> = (0..n).filter(|c| unmet[*c] == 0).collect();
    while let Some(c) = ready.pop() {
        for (a, container) in td.containers.iter().enumerate() {
            for _ in container.depends_on.iter().filter(|dep| dep.container == c) {
                unmet[a] -= 1;
                if unmet[a] == 0 {
                    ready.push(a);
                }
            }
        }
    }
    (0..n).find(|c| unmet[*c] > 0)
}
