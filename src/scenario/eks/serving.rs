//! `behavior.deployments.<name>`: how a Deployment's pods serve requests (the keys of
//! `behavior.taskDefinitions.<family>`'s serving model, and `messagesPerSecondPerPod` for a queue
//! worker) and the simulator settings of a revision
//! (`neverReady`, `appStartSeconds`), shared with `updateDeployment` events.

use crate::scenario::behavior::DEPLOYMENT_SETTINGS;
use crate::scenario::diag::{Declared, Diagnostics, closest};
use crate::scenario::reader::{Obj, object};
use crate::scenario::yaml::{Key, Node, Value};
use crate::spec::TaskBehavior;
use crate::spec::eks::{EksSpec, PodRevision};
use crate::workload::ServingModel;

/// The serving model of a pod the scenario says nothing about: a task's defaults.
pub fn default_serving() -> ServingModel {
    let t = TaskBehavior::default();
    ServingModel {
        requests_per_second_at_full_cpu: t.requests_per_second_at_full_cpu,
        idle_cpu_percent: t.idle_cpu_percent,
        idle_memory_percent: t.idle_memory_percent,
        memory_percent_at_full_cpu: t.memory_percent_at_full_cpu,
    }
}

/// Reads the serving and revision keys of `o` into `revision`.
pub fn read_revision_settings(o: &mut Obj<'_>, revision: &mut PodRevision, d: &mut Diagnostics) {
    let s = &mut revision.serving;
    if let Some(v) = o.number("requestsPerSecondAtFullCpu", 0.0, 1e12, d) {
        s.requests_per_second_at_full_cpu = v;
    }
    if let Some(v) = o.number("idleCpuPercent", 0.0, 100.0, d) {
        s.idle_cpu_percent = v;
    }
    if let Some(v) = o.number("idleMemoryPercent", 0.0, 100.0, d) {
        s.idle_memory_percent = v;
    }
    if let Some(v) = o.number("memoryPercentAtFullCpu", 0.0, 1000.0, d) {
        s.memory_percent_at_full_cpu = v;
    }
    if let Some(v) = o.number("messagesPerSecondPerPod", 0.0, 1e12, d) {
        revision.messages_per_second_per_pod = Some(v);
    }
    if let Some(v) = o.boolean("neverReady", d) {
        revision.never_ready = v;
    }
    if let Some(v) = o.int("appStartSeconds", 0, 86_400, d) {
        revision.app_start_s = v as u32;
    }
}

/// The entries of `behavior.deployments` that name a Deployment, or meant to.
pub type DeploymentBehaviors = Vec<(Key, Node)>;

/// `behavior` without the entries of `behavior.deployments` that name a Deployment (for the ECS
/// reader, whose keys there are deployment-controller settings), and those entries. When the
/// scenario has Deployments (`names`, or some that failed to read), a key that is neither a
/// controller setting nor near one is taken for a Deployment's name, so that a misspelt name is
/// reported as one (with the names it may mean) rather than as an unknown setting.
pub fn split_behavior(node: Option<&Node>, names: &[String], d: &Diagnostics) -> (Option<Node>, DeploymentBehaviors) {
    let has_deployments = !names.is_empty() || d.unread.any(Declared::Deployment);
    let ours = |key: &str| {
        names.iter().any(|n| n == key)
            || has_deployments
                && !DEPLOYMENT_SETTINGS.contains(&key)
                && closest(key, DEPLOYMENT_SETTINGS.iter().copied()).is_none()
    };
    let Some(node) = node else { return (None, Vec::new()) };
    let mut out = node.clone();
    let mut taken = Vec::new();
    if let Value::Map(entries) = &mut out.value {
        for (key, value) in entries.iter_mut() {
            if key.name != "deployments" {
                continue;
            }
            if let Value::Map(inner) = &mut value.value {
                let (ours, rest): (Vec<_>, Vec<_>) =
                    std::mem::take(inner).into_iter().partition(|(k, _)| ours(&k.name));
                *inner = rest;
                taken = ours;
            }
        }
    }
    (Some(out), taken)
}

/// Applies `behavior.deployments.<name>` to the first revision of each Deployment named.
pub fn apply_behaviors(entries: &DeploymentBehaviors, eks: &mut EksSpec, d: &mut Diagnostics) {
    // Keyed by the user's names, beside the ECS keys: the schema records the entries once as
    // `behavior.deployments.*` (its errors discarded: the real reading reports them).
    if let (true, Some((_, node)), Some(first)) = (d.schema.is_some(), entries.first(), eks.deployments.first()) {
        let recorder = d.schema.take();
        let mut shadow = Diagnostics {
            schema: recorder,
            ..Diagnostics::default()
        };
        if let Some(mut o) = object(node, "behavior.deployments.*", &mut shadow) {
            let mut revision = first.revisions[0].clone();
            read_revision_settings(&mut o, &mut revision, &mut shadow);
            o.finish(&mut shadow);
        }
        d.schema = shadow.schema;
    }
    let schema = d.schema.take();
    for (key, node) in entries {
        let path = format!("behavior.deployments.{}", key.name);
        let Some(i) = eks.deployment_index(&key.name) else {
            if !d.unread.covers(Declared::Deployment, &key.name) {
                no_such_deployment(key, &path, eks, d);
            }
            continue;
        };
        let Some(mut o) = object(node, &path, d) else { continue };
        read_revision_settings(&mut o, &mut eks.deployments[i].revisions[0], d);
        o.finish(d);
    }
    d.schema = schema;
}

/// A `behavior.deployments` key that names no Deployment and no controller setting.
fn no_such_deployment(key: &Key, path: &str, eks: &EksSpec, d: &mut Diagnostics) {
    let names = eks.deployments.iter().map(|x| x.name.as_str());
    let help = match closest(&key.name, names.clone()) {
        Some(c) => format!("did you mean `{c}`?"),
        None => {
            let mut valid: Vec<&str> = DEPLOYMENT_SETTINGS.to_vec();
            valid.sort_unstable();
            format!(
                "name a Deployment of eks.objects ({}) or a deployment controller setting ({})",
                names.collect::<Vec<_>>().join(", "),
                valid.join(", ")
            )
        }
    };
    d.error(
        key.loc,
        path,
        format!("no Deployment named `{}` among eks.objects", key.name),
        Some(help),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::yaml::parse;

    #[test]
    fn a_key_that_is_no_controller_setting_names_a_deployment_when_there_are_some() {
        let tree = parse("deployments: {bakeTimeWhenUnse: 1m, we: {idleCpuPercent: 5}}\n", 0).expect("yaml");
        let d = Diagnostics::default();
        // Near a controller setting: the ECS reader says which; the rest names Deployments.
        let (_, ours) = split_behavior(Some(&tree), &["web".to_string()], &d);
        assert_eq!(
            ours.iter().map(|(k, _)| k.name.as_str()).collect::<Vec<_>>(),
            vec!["we"]
        );
        // Without Deployments, every key is the ECS reader's.
        let (_, ours) = split_behavior(Some(&tree), &[], &d);
        assert!(ours.is_empty());
    }

    #[test]
    fn deployment_entries_are_split_from_the_ecs_settings() {
        let tree = parse(
            "deployments: {bakeTimeWhenUnset: 1m, web: {requestsPerSecondAtFullCpu: 40, neverReady: true}}\n",
            0,
        )
        .expect("yaml");
        let (rest, ours) = split_behavior(Some(&tree), &["web".to_string()], &Diagnostics::default());
        assert_eq!(ours.len(), 1);
        let rest = rest.expect("behavior");
        let Some(Value::Map(inner)) = rest.get("deployments").map(|n| &n.value) else {
            panic!("map")
        };
        assert_eq!(inner.len(), 1);
        assert_eq!(inner[0].0.name, "bakeTimeWhenUnset");
        let mut d = Diagnostics::default();
        let mut o = object(&ours[0].1, "b", &mut d).expect("map");
        let mut revision_serving = default_serving();
        revision_serving.requests_per_second_at_full_cpu = 0.0;
        let template = crate::model::k8s::PodTemplate {
            labels: Default::default(),
            containers: vec![],
            init_containers: vec![],
            sidecars: vec![],
            node_selector: Default::default(),
            affinity: Default::default(),
            tolerations: vec![],
            topology_spread: vec![],
            termination_grace_period_s: 30,
            pre_stop_s: 0,
            priority: 0,
            overhead: Default::default(),
        };
        let mut revision = PodRevision {
            template,
            serving: revision_serving,
            never_ready: false,
            app_start_s: 0,
            messages_per_second_per_pod: None,
        };
        read_revision_settings(&mut o, &mut revision, &mut d);
        o.finish(&mut d);
        assert!(d.errors.is_empty(), "{:?}", d.errors);
        assert_eq!(revision.serving.requests_per_second_at_full_cpu, 40.0);
        assert!(revision.never_ready);
        assert_eq!(revision.serving.idle_cpu_percent, default_serving().idle_cpu_percent);
    }
}
