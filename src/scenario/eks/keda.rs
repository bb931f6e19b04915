//! A KEDA `keda.sh/v1alpha1` ScaledObject with one `aws-sqs-queue` trigger: the HPA KEDA
//! creates for it (`keda-hpa-<name>`, one External metric) and KEDA's own activation loop,
//! with KEDA's defaults (k8s-semantics 1.10).

use super::hpa::read_behavior;
use super::metric_bindings::QueueRef;
use super::objects::{check_api, find_deployment, read_metadata};
use crate::model::k8s::{HpaMetric, MetricSource, MetricTarget};
use crate::scenario::diag::Diagnostics;
use crate::scenario::reader::{Obj, as_string, check_ignored_block, object};
use crate::scenario::yaml::{Loc, Node};
use crate::sim::SimDuration;
use crate::spec::eks::{DeploymentSpec, HpaSpec, MetricBinding, QueueAttribute, ScaledObjectSpec};

/// The one trigger type read.
pub const SQS_TRIGGER: &str = "aws-sqs-queue";

/// A ScaledObject read: the HPA KEDA creates, KEDA's part, and the queue its trigger names
/// (resolved once `load:` says which Deployment consumes which queue).
#[derive(Debug)]
pub struct ScaledObjectRead {
    /// `keda-hpa-<name>`.
    pub hpa: HpaSpec,
    /// KEDA's activation loop (`hpa` and the queue's consumer set when it is added).
    pub scaled_object: ScaledObjectSpec,
    /// The queue of the trigger's `queueURL`.
    pub queue: QueueRef,
    /// `useCachedMetrics`.
    pub cached: bool,
}

/// How KEDA names the External metric of an `aws-sqs-queue` trigger (the first, `s0`):
/// `s0-aws-sqs-<queue>`, with `/`, `.`, `:` and `%` turned into `-`.
pub fn sqs_metric_name(queue: &str) -> String {
    let normalized: String = queue
        .chars()
        .map(|c| if matches!(c, '/' | '.' | ':' | '%') { '-' } else { c })
        .collect();
    format!("s0-aws-sqs-{normalized}")
}

/// The queue a `queueURL` names: its last path segment (a bare name is its own).
pub fn queue_name_of_url(url: &str) -> &str {
    url.trim_end_matches('/').rsplit('/').next().unwrap_or(url)
}

/// Reads one ScaledObject; `deployments` are the Deployments read (and those that failed).
pub fn read_scaled_object(
    node: &Node,
    path: &str,
    deployments: (&[DeploymentSpec], &[String]),
    d: &mut Diagnostics,
) -> Option<ScaledObjectRead> {
    let mut o = object(node, path, d)?;
    let api_ok = check_api(&mut o, &[("keda.sh/v1alpha1", "ScaledObject")], d);
    let meta_path = o.child("metadata");
    let meta = o
        .required_field("metadata", "the ScaledObject's name", d)
        .and_then(|m| read_metadata(m, &meta_path, d));
    let spec_path = o.child("spec");
    let spec = o.required_field("spec", "scaleTargetRef and triggers", d);
    o.ignore(&["status"]);
    o.finish(d);
    let mut s = object(spec?, &spec_path, d)?;
    let target = read_target(&mut s, d);
    let secs = |s: &mut Obj<'_>, name, default: i64, d: &mut Diagnostics| {
        s.int(name, 0, 86_400 * 365, d)
            .map_or(SimDuration::from_secs(default as u64), |v| {
                SimDuration::from_secs(v as u64)
            })
    };
    let polling_interval = s
        .int("pollingInterval", 1, 86_400, d)
        .map_or(SimDuration::from_secs(30), |v| SimDuration::from_secs(v as u64));
    let cooldown_period = secs(&mut s, "cooldownPeriod", 300, d);
    let initial_cooldown_period = secs(&mut s, "initialCooldownPeriod", 0, d);
    let min = s.int("minReplicaCount", 0, i64::from(i32::MAX), d).unwrap_or(0) as u32;
    let max_loc = s.key_loc("maxReplicaCount");
    let max = s.int("maxReplicaCount", 1, i64::from(i32::MAX), d).unwrap_or(100) as u32;
    let advanced_path = s.child("advanced");
    let advanced = s.field("advanced").map(|n| read_advanced(n, &advanced_path, d));
    let triggers_path = s.child("triggers");
    let triggers_loc = s.key_loc("triggers");
    let triggers = s.required_list("triggers", "one `aws-sqs-queue` trigger", d);
    s.ignore(&["idleReplicaCount", "fallback"]);
    s.finish(d);
    let trigger = match triggers.as_slice() {
        [(p, n)] => read_trigger(n, p, d),
        [] => None,
        _ => {
            d.error(
                triggers_loc,
                &triggers_path,
                format!(
                    "ecsim reads one trigger per ScaledObject; this one has {}",
                    triggers.len()
                ),
                Some("keep the aws-sqs-queue trigger; KEDA would scale on the largest of them".into()),
            );
            None
        }
    };
    if max < min {
        d.error(
            max_loc,
            &format!("{spec_path}.maxReplicaCount"),
            format!("must be greater than or equal to `minReplicaCount` ({min})"),
            None,
        );
        return None;
    }
    let meta = meta?;
    let (name, loc, ref_path) = target?;
    let deployment = find_deployment(&name, &meta.namespace, deployments, loc, &ref_path, d)?;
    let (hpa_name, behavior) = advanced.unwrap_or(Some((None, None)))?;
    let trigger = trigger?;
    if !api_ok {
        return None;
    }
    let metric = HpaMetric {
        source: MetricSource::External {
            metric: sqs_metric_name(&trigger.queue.name),
        },
        target: trigger.target,
    };
    let hpa = HpaSpec {
        name: hpa_name.unwrap_or_else(|| format!("keda-hpa-{}", meta.name)),
        deployment,
        // KEDA's HPA never goes below one pod: KEDA itself scales between 0 and 1.
        min_replicas: min.max(1),
        max_replicas: max,
        metrics: vec![metric],
        behavior,
        bindings: vec![MetricBinding::Unbound],
    };
    Some(ScaledObjectRead {
        hpa,
        scaled_object: ScaledObjectSpec {
            name: meta.name,
            deployment,
            hpa: 0,
            polling_interval,
            cooldown_period,
            initial_cooldown_period,
            min_replica_count: min,
            activation_queue_length: trigger.activation,
            queue_deployment: 0,
            attributes: trigger.attributes,
        },
        queue: trigger.queue,
        cached: trigger.cached,
    })
}

/// `scaleTargetRef`: a Deployment (the default kind) by name.
fn read_target(s: &mut Obj<'_>, d: &mut Diagnostics) -> Option<(String, Loc, String)> {
    let path = s.child("scaleTargetRef");
    let node = s.required_field("scaleTargetRef", "the Deployment it scales: {name: ...}", d)?;
    let mut r = object(node, &path, d)?;
    let kind = r.one_of("kind", &["Deployment"], d);
    let kind_ok = kind.is_some() || !r.has("kind");
    let name_loc = r.key_loc("name");
    let name_path = r.child("name");
    let name = r.required_string("name", "the Deployment's name", d);
    r.string("apiVersion", d);
    r.ignore(&["envSourceContainerName"]);
    r.finish(d);
    kind_ok.then_some(())?;
    Some((name?, name_loc, name_path))
}

/// `advanced`: the HPA's name and behavior (`horizontalPodAutoscalerConfig`); `None` when it
/// has an error (reported).
type Advanced = Option<(Option<String>, Option<crate::model::k8s::HpaBehavior>)>;

fn read_advanced(node: &Node, path: &str, d: &mut Diagnostics) -> Advanced {
    let mut o = object(node, path, d)?;
    let config_path = o.child("horizontalPodAutoscalerConfig");
    let config = o.field("horizontalPodAutoscalerConfig");
    o.ignore(&["restoreToOriginalReplicaCount", "scalingModifiers"]);
    o.finish(d);
    let Some(config) = config else {
        return Some((None, None));
    };
    let mut c = object(config, &config_path, d)?;
    let name = c.string("name", d);
    let behavior_path = c.child("behavior");
    let behavior = match c.field("behavior") {
        Some(n) => Some(read_behavior(n, &behavior_path, d)?),
        None => None,
    };
    c.finish(d);
    Some((name, behavior))
}

/// One trigger, read.
struct Trigger {
    queue: QueueRef,
    target: MetricTarget,
    activation: u64,
    attributes: Vec<QueueAttribute>,
    cached: bool,
}

/// One `triggers` entry: `type: aws-sqs-queue` and its `metadata`.
fn read_trigger(node: &Node, path: &str, d: &mut Diagnostics) -> Option<Trigger> {
    let mut o = object(node, path, d)?;
    let kind_loc = o.key_loc("type");
    let kind = o.required_string("type", "the scaler: aws-sqs-queue", d);
    let metric_type = o.one_of("metricType", &["AverageValue", "Value", "Utilization"], d);
    let metric_type_loc = o.key_loc("metricType");
    let cached = o.boolean("useCachedMetrics", d).unwrap_or(false);
    let metadata_path = o.child("metadata");
    let metadata = o.required_field("metadata", "queueURL and queueLength", d);
    o.ignore(&["name", "authenticationRef"]);
    if let Some(auth) = o.unrecorded("authenticationRef") {
        // A TriggerAuthentication's reference: not modelled, but its keys are checked.
        let auth_path = o.child("authenticationRef");
        check_ignored_block(auth, &auth_path, &[("name", None), ("kind", None)], d);
    }
    o.finish(d);
    let kind = kind?;
    if kind != SQS_TRIGGER {
        d.error(
            kind_loc,
            &format!("{path}.type"),
            format!("trigger type `{kind}` is not simulated"),
            Some(format!(
                "ecsim simulates the `{SQS_TRIGGER}` scaler, fed by a queue a Deployment consumes"
            )),
        );
        return None;
    }
    if metric_type == Some("Utilization") {
        d.error(
            metric_type_loc,
            &format!("{path}.metricType"),
            "metricType Utilization is for the cpu and memory scalers",
            Some("use AverageValue (the default) or Value".into()),
        );
        return None;
    }
    let mut m = object(metadata?, &metadata_path, d)?;
    let url_loc = m.key_loc("queueURL");
    let url_path = m.child("queueURL");
    let url = m.required_string("queueURL", "the queue's URL, whose last path segment is its name", d);
    let length = m.int_or_string("queueLength", 1, i64::from(i32::MAX), d).unwrap_or(5) as u64;
    let activation = m
        .int_or_string("activationQueueLength", 0, i64::from(i32::MAX), d)
        .unwrap_or(0) as u64;
    let in_flight = go_bool(&mut m, "scaleOnInFlight", true, d);
    let delayed = go_bool(&mut m, "scaleOnDelayed", false, d);
    m.ignore(&[
        "awsRegion",
        "awsEndpoint",
        "identityOwner",
        "queueURLFromEnv",
        "awsRoleArn",
        "awsAccessKeyID",
        "awsSecretAccessKey",
        "awsSessionToken",
    ]);
    m.finish(d);
    let (in_flight, delayed) = (in_flight?, delayed?);
    let url = url?;
    let mut attributes = vec![QueueAttribute::Visible];
    if in_flight {
        attributes.push(QueueAttribute::NotVisible);
    }
    if delayed {
        attributes.push(QueueAttribute::Delayed);
    }
    let target = match metric_type {
        Some("Value") => MetricTarget::Value(length * 1000),
        _ => MetricTarget::AverageValue(length * 1000),
    };
    Some(Trigger {
        queue: QueueRef {
            name: queue_name_of_url(&url).to_string(),
            loc: url_loc,
            path: url_path,
        },
        target,
        activation,
        attributes,
        cached,
    })
}

/// A KEDA metadata flag: a string Go's `strconv.ParseBool` reads, or a YAML boolean.
fn go_bool(m: &mut Obj<'_>, name: &'static str, default: bool, d: &mut Diagnostics) -> Option<bool> {
    let path = m.child(name);
    let Some(n) = m.field(name) else {
        return Some(default);
    };
    let text = as_string(n, &path, d)?;
    match text.as_str() {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => {
            d.error(
                n.loc,
                &path,
                format!("expected \"true\" or \"false\", found `{text}`"),
                None,
            );
            None
        }
    }
}

#[cfg(test)]
#[path = "keda_tests.rs"]
mod tests;
