//! The `rolloutUndo`, `rolloutPause` and `rolloutResume` events: `kubectl rollout undo
//! [--to-revision=N]`, `kubectl rollout pause` and `kubectl rollout resume` on a Deployment
//! (k8s-semantics 2.8).

use crate::scenario::diag::{Declared, Diagnostics, closest};
use crate::scenario::reader::object;
use crate::scenario::yaml::Node;
use crate::spec::TimelineAction;
use crate::spec::eks::DeploymentSpec;

/// The timeline actions this module reads.
pub const ROLLOUT_ACTIONS: &[&str] = &["rolloutUndo", "rolloutPause", "rolloutResume"];

/// Reads one of [`ROLLOUT_ACTIONS`] (`action`): `{deployment: NAME}`, and for `rolloutUndo` an
/// optional `toRevision` (0, kubectl's default, is the previous revision).
pub fn read_rollout(
    action: &str,
    node: &Node,
    path: &str,
    deployments: &[DeploymentSpec],
    d: &mut Diagnostics,
) -> Option<TimelineAction> {
    let mut o = object(node, path, d)?;
    let name_loc = o.key_loc("deployment");
    let name = if o.has("name") && !o.has("deployment") {
        // `updateDeployment`'s key, written here by habit.
        let name = o.string("name", d);
        d.error(
            o.key_loc("name"),
            &o.child("name"),
            format!("{action} names the Deployment by `deployment`, not `name`"),
            Some(format!("write `deployment: {}`", name.as_deref().unwrap_or("NAME"))),
        );
        None
    } else {
        o.required_string("deployment", "the Deployment's metadata.name", d)
    };
    let mut to_revision_ok = true;
    let to_revision = if action == "rolloutUndo" {
        let n = o.int("toRevision", 0, i64::from(i32::MAX), d);
        to_revision_ok = o.field("toRevision").is_none() || n.is_some();
        n.filter(|v| *v > 0).map(|v| v as u32)
    } else {
        None
    };
    o.finish(d);
    let name = name?;
    let Some(deployment) = deployments.iter().position(|x| x.name == name) else {
        if !d.unread.covers(Declared::Deployment, &name) {
            let help = closest(&name, deployments.iter().map(|x| x.name.as_str()))
                .map(|c| format!("did you mean `{c}`?"))
                .or_else(|| match deployments.is_empty() {
                    true => Some("rollout actions act on the Deployments of `eks.objects`".to_string()),
                    false => {
                        let names: Vec<&str> = deployments.iter().map(|x| x.name.as_str()).collect();
                        Some(format!("the Deployments: {}", names.join(", ")))
                    }
                });
            d.error(
                name_loc,
                &format!("{path}.deployment"),
                format!("no Deployment named `{name}`"),
                help,
            );
        }
        return None;
    };
    if !to_revision_ok {
        return None;
    }
    Some(match action {
        "rolloutUndo" => TimelineAction::RolloutUndo {
            deployment,
            to_revision,
        },
        "rolloutPause" => TimelineAction::RolloutPause { deployment },
        _ => TimelineAction::RolloutResume { deployment },
    })
}
