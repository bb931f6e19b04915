//! What serves each HPA metric: metrics-server for resources; the Deployment's load for Pods
//! and Object metrics named `...requests_per_second`; a queue for External metrics, bound by
//! `eks.externalMetrics`, by KEDA's metric name, or by the ScaledObject that creates the HPA.
//! Queues are known once `load:` is read, so the binding is a second pass.

use std::collections::BTreeMap;

use super::keda::sqs_metric_name;
use crate::model::k8s::{HpaMetric, MetricSource};
use crate::scenario::diag::{Diagnostics, closest};
use crate::scenario::reader::{as_one_of, object};
use crate::scenario::yaml::{Loc, Node, Value};
use crate::spec::eks::{EksSpec, MetricBinding, QueueAttribute};

/// A queue named in the `eks:` block, with where, for the error if no Deployment consumes it.
#[derive(Clone, Debug)]
pub struct QueueRef {
    /// The queue's name.
    pub name: String,
    /// Where it is written.
    pub loc: Loc,
    /// Its field path.
    pub path: String,
}

/// One `eks.externalMetrics` entry: a metric name, the queue and the attributes summed.
#[derive(Clone, Debug)]
pub struct ExternalMetricEntry {
    /// The External metric's `metric.name`.
    pub metric: String,
    /// `queueName`.
    pub queue: QueueRef,
    /// `attributes` (default `[ApproximateNumberOfMessages]`).
    pub attributes: Vec<QueueAttribute>,
}

/// What the `eks:` block leaves to bind once the queues are known.
#[derive(Debug, Default)]
pub struct PendingBindings {
    /// `eks.externalMetrics`.
    pub external: Vec<ExternalMetricEntry>,
    /// Each ScaledObject's queue and `useCachedMetrics`, by index into `EksSpec::scaled_objects`.
    pub scaled_objects: Vec<(QueueRef, bool)>,
    /// Where the `eks` block is.
    pub eks_loc: Option<Loc>,
    /// Where each HPA of `EksSpec::hpas` is written (a ScaledObject's for the HPA it creates).
    pub hpa_places: Vec<(Loc, String)>,
}

/// The metric names a Pods or Object metric is bound to the Deployment's requests by: they end
/// in `requests_per_second` or `requests-per-second` (prometheus-adapter's
/// `http_requests_per_second`, the Kubernetes walkthrough's Ingress `requests-per-second`).
pub fn is_requests_per_second(metric: &str) -> bool {
    metric.ends_with("requests_per_second") || metric.ends_with("requests-per-second")
}

/// The bindings known from the metric alone; External metrics wait for [`bind_metrics`].
pub fn initial_bindings(metrics: &[HpaMetric]) -> Vec<MetricBinding> {
    metrics
        .iter()
        .map(|m| match &m.source {
            MetricSource::Resource { .. } | MetricSource::ContainerResource { .. } => MetricBinding::MetricsServer,
            MetricSource::Pods { metric } if is_requests_per_second(metric) => MetricBinding::PodRequestsPerSecond,
            MetricSource::Object { metric, .. } if is_requests_per_second(metric) => {
                MetricBinding::DeploymentRequestsPerSecond
            }
            _ => MetricBinding::Unbound,
        })
        .collect()
}

/// Reads `eks.externalMetrics`: metric name -> `{queueName, attributes}`.
pub fn read_external_metrics(node: &Node, d: &mut Diagnostics) -> Vec<ExternalMetricEntry> {
    let path = "eks.externalMetrics";
    let Value::Map(entries) = &node.value else {
        object(node, path, d);
        return Vec::new();
    };
    let names: Vec<&'static str> = QueueAttribute::NAMES.iter().map(|(n, _)| *n).collect();
    let mut out = Vec::new();
    for (key, value) in entries {
        let entry_path = format!("{path}.{}", key.name);
        let Some(mut o) = object(value, &entry_path, d) else {
            continue;
        };
        let queue_loc = o.key_loc("queueName");
        let queue_path = o.child("queueName");
        let queue = o.required_string("queueName", "the queue a Deployment consumes", d);
        let attributes_path = o.child("attributes");
        let listed = o.list("attributes", d);
        o.finish(d);
        let mut attributes = Vec::new();
        let mut ok = true;
        for (p, n) in &listed {
            match as_one_of(n, p, &names, d) {
                Some(name) => attributes.extend(
                    QueueAttribute::NAMES
                        .iter()
                        .filter(|(a, _)| *a == name)
                        .map(|(_, v)| *v),
                ),
                None => ok = false,
            }
        }
        if value.get("attributes").is_some() && listed.is_empty() {
            d.error(
                value.loc,
                &attributes_path,
                "must name at least one attribute",
                Some("e.g. [ApproximateNumberOfMessages, ApproximateNumberOfMessagesNotVisible]".into()),
            );
            ok = false;
        }
        if attributes.is_empty() {
            attributes.push(QueueAttribute::Visible);
        }
        if let (Some(name), true) = (queue, ok) {
            out.push(ExternalMetricEntry {
                metric: key.name.clone(),
                queue: QueueRef {
                    name,
                    loc: queue_loc,
                    path: queue_path,
                },
                attributes,
            });
        }
    }
    out
}

/// The Deployment consuming `queue`, or an error at the reference naming the queues there are.
fn consumer(eks: &EksSpec, queue: &QueueRef, d: &mut Diagnostics) -> Option<usize> {
    let found = eks
        .deployments
        .iter()
        .position(|x| x.queue.as_ref().is_some_and(|q| q.name == queue.name));
    // The consumer's load may have a misspelt key (`queueNam:`) or name (`worke:`): that
    // error is the one to fix.
    let load_unread = d.failed_under("load") || d.misspelt_in.iter().any(|(_, path)| path.starts_with("load."));
    if found.is_none() && !load_unread {
        let queues: Vec<&str> = eks
            .deployments
            .iter()
            .filter_map(|x| x.queue.as_ref().map(|q| q.name.as_str()))
            .collect();
        let help = match closest(&queue.name, queues.iter().copied()) {
            Some(c) => format!("did you mean `{c}`?"),
            None if queues.is_empty() => "a Deployment consumes a queue when its load is `messagesPerSecond` \
                 (`load.<deployment>.queueName` names it; the Deployment's name by default)"
                .to_string(),
            None => format!("queues consumed by Deployments: {}", queues.join(", ")),
        };
        d.error(
            queue.loc,
            &queue.path,
            format!("no Deployment consumes queue `{}`", queue.name),
            Some(help),
        );
    }
    found
}

/// Binds the External metrics once `load:` has named the queues: the ScaledObjects' HPAs to
/// their triggers' queues, other HPAs by `eks.externalMetrics` or else by KEDA's metric name
/// (`s0-aws-sqs-<queue>`, counting messages visible and in flight as KEDA does by default).
/// Also refuses two HPAs on one Deployment (Kubernetes' `AmbiguousSelector`).
pub fn bind_metrics(eks: &mut EksSpec, pending: &PendingBindings, d: &mut Diagnostics) {
    let mut by_name: BTreeMap<String, MetricBinding> = BTreeMap::new();
    for entry in &pending.external {
        if let Some(deployment) = consumer(eks, &entry.queue, d) {
            let binding = MetricBinding::Queue {
                deployment,
                attributes: entry.attributes.clone(),
                cached_by: None,
            };
            by_name.insert(entry.metric.clone(), binding);
        }
    }
    for (index, (queue, cached)) in pending.scaled_objects.iter().enumerate() {
        let Some(deployment) = consumer(eks, queue, d) else {
            continue;
        };
        let so = &mut eks.scaled_objects[index];
        so.queue_deployment = deployment;
        eks.hpas[so.hpa].bindings = vec![MetricBinding::Queue {
            deployment,
            attributes: so.attributes.clone(),
            cached_by: cached.then_some(index),
        }];
    }
    let keda_hpas: Vec<usize> = eks.scaled_objects.iter().map(|s| s.hpa).collect();
    let keda_named: BTreeMap<String, usize> = eks
        .deployments
        .iter()
        .enumerate()
        .filter_map(|(i, x)| x.queue.as_ref().map(|q| (sqs_metric_name(&q.name), i)))
        .collect();
    for (h, hpa) in eks.hpas.iter_mut().enumerate() {
        if keda_hpas.contains(&h) {
            continue;
        }
        for (metric, binding) in hpa.metrics.iter().zip(hpa.bindings.iter_mut()) {
            let MetricSource::External { metric } = &metric.source else {
                continue;
            };
            if let Some(b) = by_name.get(metric) {
                *binding = b.clone();
            } else if let Some(&deployment) = keda_named.get(metric) {
                *binding = MetricBinding::Queue {
                    deployment,
                    attributes: vec![QueueAttribute::Visible, QueueAttribute::NotVisible],
                    cached_by: None,
                };
            }
        }
    }
    check_one_hpa_per_deployment(eks, pending, d);
}

fn check_one_hpa_per_deployment(eks: &EksSpec, pending: &PendingBindings, d: &mut Diagnostics) {
    let describe = |h: usize| match eks.scaled_objects.iter().find(|s| s.hpa == h) {
        Some(s) => format!("the HorizontalPodAutoscaler ScaledObject `{}` creates", s.name),
        None => format!("HorizontalPodAutoscaler `{}`", eks.hpas[h].name),
    };
    let mut first: BTreeMap<usize, usize> = BTreeMap::new();
    for (h, hpa) in eks.hpas.iter().enumerate() {
        let Some(&other) = first.get(&hpa.deployment) else {
            first.insert(hpa.deployment, h);
            continue;
        };
        let (loc, path) = pending
            .hpa_places
            .get(h)
            .cloned()
            .unwrap_or((pending.eks_loc.unwrap_or_default(), "eks.objects".to_string()));
        let name = &eks.deployments[hpa.deployment].name;
        d.error(
            loc,
            &path,
            format!(
                "Deployment `{name}` is scaled by both {} and {}",
                describe(other),
                describe(h)
            ),
            Some("Kubernetes scales neither (AmbiguousSelector): keep one".into()),
        );
    }
}
