//! The `updateDeployment` event: `kubectl scale` (`replicas`) and/or `kubectl apply` of a new pod
//! template (`template`, or `image`, which keeps the current template: the Deployment rolls),
//! with the simulator settings of the new revision.

use super::deployment::selector_matches_template;
use super::pod_template::read_pod_template;
use super::serving::read_revision_settings;
use crate::scenario::diag::{Declared, Diagnostics, closest};
use crate::scenario::reader::object;
use crate::scenario::yaml::Node;
use crate::spec::eks::{DeploymentSpec, PodRevision};

/// What an `updateDeployment` event does.
#[derive(Clone, Debug)]
pub struct DeploymentUpdate {
    /// Index into `EksSpec::deployments`.
    pub deployment: usize,
    /// The new `spec.replicas`, if given.
    pub replicas: Option<u32>,
    /// The revision it rolls out, if the template changes.
    pub revision: Option<PodRevision>,
}

/// Keys of a new revision's simulator settings (they need `template` or `image`).
const REVISION_KEYS: &[&str] = &[
    "neverReady",
    "appStartSeconds",
    "requestsPerSecondAtFullCpu",
    "idleCpuPercent",
    "idleMemoryPercent",
    "memoryPercentAtFullCpu",
    "messagesPerSecondPerPod",
];

/// Reads `updateDeployment`; `pending` are the revisions earlier events of the file add, in file
/// order (the last one of a Deployment is its current template).
pub fn read_update_deployment(
    node: &Node,
    path: &str,
    deployments: &[DeploymentSpec],
    pending: &[(usize, PodRevision)],
    d: &mut Diagnostics,
) -> Option<DeploymentUpdate> {
    let mut o = object(node, path, d)?;
    let name_loc = o.key_loc("name");
    let name = o.required_string("name", "the Deployment's metadata.name", d);
    let replicas = o.int("replicas", 0, i64::from(i32::MAX), d).map(|v| v as u32);
    let template_path = o.child("template");
    let template = o.field("template");
    let image = o.string("image", d);
    let index = name
        .as_deref()
        .and_then(|n| deployments.iter().position(|x| x.name == n));
    let unread = name
        .as_deref()
        .is_some_and(|n| d.unread.covers(Declared::Deployment, n));
    if let (Some(n), None, false) = (&name, index, unread) {
        let help = closest(n, deployments.iter().map(|x| x.name.as_str())).map(|c| format!("did you mean `{c}`?"));
        d.error(name_loc, &o.child("name"), format!("no Deployment named `{n}`"), help);
    }
    let mut revision = index.map(|i| {
        pending
            .iter()
            .rev()
            .find(|(dep, _)| *dep == i)
            .map_or_else(|| deployments[i].revisions.last().cloned(), |(_, r)| Some(r.clone()))
            .expect("a Deployment has its first revision")
    });
    if let Some(r) = revision.as_mut() {
        // A new revision is a new app build: it is ready unless the event says otherwise.
        r.never_ready = false;
        read_revision_settings(&mut o, r, d);
    } else {
        // The Deployment is unknown (reported, or failed to read): the settings are still this
        // event's fields, not unknown ones.
        for key in REVISION_KEYS {
            o.field(key);
        }
    }
    let settings_written = REVISION_KEYS.iter().find(|k| o.has(k));
    let loc = o.loc;
    o.finish(d);
    let changes_template = template.is_some() || image.is_some();
    if let (Some(key), false) = (settings_written, changes_template) {
        d.error(
            loc,
            &format!("{path}.{key}"),
            format!("{key} describes a new revision, but the event does not change the pod template"),
            Some("add `image: ...` (a new build of the same template) or `template: {...}`".into()),
        );
        return None;
    }
    if template.is_some() && image.is_some() {
        d.error(
            loc,
            &format!("{path}.image"),
            "give either a new template or a new image, not both",
            Some("put the image in the template's container".into()),
        );
        return None;
    }
    if replicas.is_none() && !changes_template {
        d.error(
            loc,
            path,
            "updateDeployment changes nothing",
            Some("give `replicas`, `image` or `template`".into()),
        );
        return None;
    }
    let deployment = index?;
    let mut revision = revision?;
    if let Some(t) = template {
        revision.template = read_pod_template(t, &template_path, d)?;
        let selector = &deployments[deployment].selector;
        if !selector_matches_template(selector, &revision.template, &template_path, t, d) {
            return None;
        }
    }
    Some(DeploymentUpdate {
        deployment,
        replicas,
        revision: changes_template.then_some(revision),
    })
}
