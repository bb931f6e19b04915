//! A HorizontalPodAutoscaler, `autoscaling/v2` (or `v1`'s `targetCPUUtilizationPercentage`), with
//! the API's defaults: minReplicas 1, CPU 80 %, behavior filled field by field (k8s-semantics
//! 1.1, 1.8).

use super::metric_bindings::initial_bindings;
use super::objects::{check_api, find_deployment, read_metadata};
use super::quantity::{memory_milli_mib, milli_units};
use crate::model::k8s::{
    HpaBehavior, HpaMetric, HpaScalingPolicy, MetricSource, MetricTarget, ScalingPolicyKind, ScalingRules, SelectPolicy,
};
use crate::scenario::diag::Diagnostics;
use crate::scenario::reader::{Obj, object};
use crate::scenario::yaml::Node;
use crate::spec::eks::{DeploymentSpec, HpaSpec};

/// The metric an HPA without `metrics` scales on: CPU at 80 % of requests.
pub fn default_cpu_metric(percent: u32) -> HpaMetric {
    HpaMetric {
        source: MetricSource::Resource { name: "cpu".into() },
        target: MetricTarget::Utilization(percent),
    }
}

/// Reads one HPA; `v1` reads `autoscaling/v1`'s fields. `deployments` are the Deployments read
/// (and the names of those that failed).
pub fn read_hpa(
    node: &Node,
    path: &str,
    v1: bool,
    deployments: (&[DeploymentSpec], &[String]),
    d: &mut Diagnostics,
) -> Option<HpaSpec> {
    let mut o = object(node, path, d)?;
    let api = if v1 { "autoscaling/v1" } else { "autoscaling/v2" };
    let api_ok = check_api(&mut o, &[(api, "HorizontalPodAutoscaler")], d);
    let meta_path = o.child("metadata");
    let meta = o
        .required_field("metadata", "the HPA's name", d)
        .and_then(|m| read_metadata(m, &meta_path, d));
    let spec_path = o.child("spec");
    let spec = o.required_field("spec", "scaleTargetRef, minReplicas and maxReplicas", d);
    o.ignore(&["status"]);
    o.finish(d);
    let mut s = object(spec?, &spec_path, d)?;
    let target = read_target_ref(&mut s, d);
    let min_written = s.has("minReplicas");
    let min = s.int("minReplicas", 1, i64::from(i32::MAX), d);
    let min_ok = min.is_some() || !min_written;
    let min = min.unwrap_or(1) as u32;
    let max_loc = s.key_loc("maxReplicas");
    let max = s.required_int(
        "maxReplicas",
        1,
        i64::from(i32::MAX),
        "the most pods the HPA scales to",
        d,
    );
    let (metrics, behavior) = if v1 {
        let cpu = s.int("targetCPUUtilizationPercentage", 1, i64::from(i32::MAX), d);
        (Some(vec![default_cpu_metric(cpu.unwrap_or(80) as u32)]), Some(None))
    } else {
        let items = s.list("metrics", d);
        let count = items.len();
        let metrics: Vec<HpaMetric> = items.iter().filter_map(|(p, n)| read_metric(n, p, d)).collect();
        let metrics = (metrics.len() == count).then(|| {
            if metrics.is_empty() {
                vec![default_cpu_metric(80)]
            } else {
                metrics
            }
        });
        let behavior_path = s.child("behavior");
        let behavior = match s.field("behavior") {
            Some(n) => read_behavior(n, &behavior_path, d).map(Some),
            None => Some(None),
        };
        (metrics, behavior)
    };
    s.finish(d);
    let max = max?;
    if !min_ok {
        return None;
    }
    if (max as u32) < min {
        d.error(
            max_loc,
            &format!("{spec_path}.maxReplicas"),
            format!("must be greater than or equal to `minReplicas` ({min})"),
            None,
        );
        return None;
    }
    let meta = meta?;
    let (name, loc, ref_path) = target?;
    let deployment = find_deployment(&name, &meta.namespace, deployments, loc, &ref_path, d)?;
    if !api_ok {
        return None;
    }
    Some(HpaSpec {
        name: meta.name,
        deployment,
        min_replicas: min,
        max_replicas: max as u32,
        bindings: initial_bindings(metrics.as_deref()?),
        metrics: metrics?,
        behavior: behavior?,
    })
}

/// `scaleTargetRef`: a Deployment by name; returns the name, its location and path.
fn read_target_ref(s: &mut Obj<'_>, d: &mut Diagnostics) -> Option<(String, crate::scenario::yaml::Loc, String)> {
    let path = s.child("scaleTargetRef");
    let node = s.required_field(
        "scaleTargetRef",
        "the Deployment it scales: {kind: Deployment, name: ...}",
        d,
    )?;
    let mut r = object(node, &path, d)?;
    let kind = r.required_one_of("kind", &["Deployment"], "Deployment", d);
    let name_loc = r.key_loc("name");
    let name_path = r.child("name");
    let name = r.required_string("name", "the Deployment's name", d);
    r.string("apiVersion", d);
    r.finish(d);
    kind?;
    Some((name?, name_loc, name_path))
}

/// One `spec.metrics` entry.
fn read_metric(node: &Node, path: &str, d: &mut Diagnostics) -> Option<HpaMetric> {
    const TYPES: &[(&str, &str)] = &[
        ("Resource", "resource"),
        ("ContainerResource", "containerResource"),
        ("Pods", "pods"),
        ("Object", "object"),
        ("External", "external"),
    ];
    let mut o = object(node, path, d)?;
    let kind = o.required_one_of(
        "type",
        &["Resource", "ContainerResource", "Pods", "Object", "External"],
        "the metric source",
        d,
    );
    let mut sources = Vec::new();
    for (_, field) in TYPES {
        let p = o.child(field);
        if let Some(n) = o.field(field) {
            sources.push((*field, n, p));
        }
    }
    let loc = o.loc;
    o.finish(d);
    let kind = kind?;
    let field = TYPES.iter().find(|(t, _)| *t == kind).map(|(_, f)| *f)?;
    let Some((_, n, p)) = sources.into_iter().find(|(f, _, _)| *f == field) else {
        d.error(
            loc,
            &format!("{path}.{field}"),
            format!("must populate information for the given metric source (`{field}` for type {kind})"),
            None,
        );
        return None;
    };
    let mut m = object(n, &p, d)?;
    // Read to the end even when a field is wrong, so that a misspelt key is reported as such.
    let source = read_metric_source(&mut m, kind, d);
    let target_path = m.child("target");
    let target = m.required_field("target", "{type: Utilization, averageUtilization: 70}", d);
    m.finish(d);
    let source = source?;
    let memory = matches!(&source, MetricSource::Resource { name } | MetricSource::ContainerResource { name, .. } if name == "memory");
    let resource = matches!(
        source,
        MetricSource::Resource { .. } | MetricSource::ContainerResource { .. }
    );
    let target = read_target(target?, &target_path, resource, memory, d);
    Some(HpaMetric {
        source,
        target: target?,
    })
}

/// The source of a metric of type `kind` (not `Resource`-like: its `metric` and, for `Object`,
/// `describedObject`); `None` when a field is wrong (reported).
fn read_metric_source(m: &mut Obj<'_>, kind: &str, d: &mut Diagnostics) -> Option<MetricSource> {
    match kind {
        "Resource" | "ContainerResource" => {
            let name = m.required_one_of("name", &["cpu", "memory"], "cpu or memory", d);
            if kind == "Resource" {
                Some(MetricSource::Resource {
                    name: name?.to_string(),
                })
            } else {
                let container = m.required_string("container", "the container's name", d);
                Some(MetricSource::ContainerResource {
                    name: name?.to_string(),
                    container: container?,
                })
            }
        }
        _ => {
            let metric_path = m.child("metric");
            let metric = m.required_field("metric", "{name: ...}", d);
            let described = (kind == "Object").then(|| {
                let obj_path = m.child("describedObject");
                let obj = m.required_field("describedObject", "{kind: ..., name: ...}", d);
                (obj, obj_path)
            });
            let mut metric = object(metric?, &metric_path, d)?;
            let name = metric.required_string("name", "the metric's name", d);
            metric.ignore(&["selector"]);
            metric.finish(d);
            let name = name?;
            match (kind, described) {
                ("Pods", _) => Some(MetricSource::Pods { metric: name }),
                (_, Some((obj, obj_path))) => {
                    let mut obj = object(obj?, &obj_path, d)?;
                    let k = obj.required_string("kind", "the object's kind", d);
                    let n = obj.required_string("name", "the object's name", d);
                    obj.string("apiVersion", d);
                    obj.finish(d);
                    Some(MetricSource::Object {
                        metric: name,
                        described_object: format!("{}/{}", k?, n?),
                    })
                }
                _ => Some(MetricSource::External { metric: name }),
            }
        }
    }
}

/// A metric `target`: Utilization (resources only), AverageValue, or Value (not for resources).
fn read_target(node: &Node, path: &str, resource: bool, memory: bool, d: &mut Diagnostics) -> Option<MetricTarget> {
    let allowed: &[&'static str] = if resource {
        &["Utilization", "AverageValue"]
    } else {
        &["AverageValue", "Value"]
    };
    let mut o = object(node, path, d)?;
    let kind = o.required_one_of("type", allowed, "how the metric is compared", d);
    let amount = |o: &mut Obj<'_>, name: &'static str, d: &mut Diagnostics| {
        let p = o.child(name);
        let n = o.required_field(name, "the target value", d)?;
        if memory {
            memory_milli_mib(n, &p, d)
        } else {
            milli_units(n, &p, d)
        }
    };
    let target = match kind {
        Some("Utilization") => o
            .required_int(
                "averageUtilization",
                1,
                i64::from(i32::MAX),
                "percent of the pods' requests",
                d,
            )
            .map(|v| MetricTarget::Utilization(v as u32)),
        Some("AverageValue") => amount(&mut o, "averageValue", d).map(MetricTarget::AverageValue),
        Some(_) => amount(&mut o, "value", d).map(MetricTarget::Value),
        None => None,
    };
    o.finish(d);
    target
}

/// `spec.behavior`: each direction's unset fields filled from the defaults (1.8); a `policies`
/// list replaces the default list whole.
pub(super) fn read_behavior(node: &Node, path: &str, d: &mut Diagnostics) -> Option<HpaBehavior> {
    let mut o = object(node, path, d)?;
    let mut out = HpaBehavior {
        scale_up: ScalingRules::default_scale_up(),
        scale_down: ScalingRules::default_scale_down(),
    };
    let mut ok = true;
    for (name, rules) in [("scaleUp", &mut out.scale_up), ("scaleDown", &mut out.scale_down)] {
        let p = o.child(name);
        if let Some(n) = o.field(name) {
            ok &= read_rules(n, &p, rules, d).is_some();
        }
    }
    o.finish(d);
    ok.then_some(out)
}

fn read_rules(node: &Node, path: &str, rules: &mut ScalingRules, d: &mut Diagnostics) -> Option<()> {
    let mut o = object(node, path, d)?;
    if let Some(v) = o.int("stabilizationWindowSeconds", 0, 3600, d) {
        rules.stabilization_window_s = Some(v as u32);
    }
    rules.select_policy = match o.one_of("selectPolicy", &["Max", "Min", "Disabled"], d) {
        Some("Min") => SelectPolicy::Min,
        Some("Disabled") => SelectPolicy::Disabled,
        _ => SelectPolicy::Max,
    };
    let policies_path = o.child("policies");
    let policies_loc = o.key_loc("policies");
    let items = o.list("policies", d);
    let written = o.has("policies");
    let count = items.len();
    let mut policies = Vec::new();
    for (p, n) in items {
        let Some(mut po) = object(n, &p, d) else { continue };
        let kind = po.required_one_of("type", &["Pods", "Percent"], "Pods or Percent", d);
        let value = po.required_int("value", 1, i64::from(i32::MAX), "how many pods or percent, above 0", d);
        let period = po.required_int("periodSeconds", 1, 1800, "the period, 1 to 1800 seconds", d);
        po.finish(d);
        if let (Some(kind), Some(value), Some(period)) = (kind, value, period) {
            policies.push(HpaScalingPolicy {
                kind: if kind == "Pods" {
                    ScalingPolicyKind::Pods
                } else {
                    ScalingPolicyKind::Percent
                },
                value: value as u32,
                period_s: period as u32,
            });
        }
    }
    let tolerance_path = o.child("tolerance");
    let tolerance = o.field("tolerance").and_then(|n| milli_units(n, &tolerance_path, d));
    o.finish(d);
    if let Some(t) = tolerance {
        rules.tolerance = Some(t as f64 / 1000.0);
    }
    if written && count == 0 && rules.select_policy != SelectPolicy::Disabled {
        d.error(policies_loc, &policies_path, "must specify at least one Policy", None);
        return None;
    }
    if written {
        if policies.len() != count {
            return None;
        }
        rules.policies = policies;
    }
    Some(())
}

#[cfg(test)]
#[path = "hpa_tests.rs"]
mod tests;
