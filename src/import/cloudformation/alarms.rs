//! `AWS::CloudWatch::Alarm` into `cloudWatch.alarms` (its actions kept when they are imported
//! scaling policies) and `AWS::ElasticLoadBalancingV2::TargetGroup` into
//! `elasticLoadBalancing.targetGroups`.

use super::build::{Build, Case, Group, to_doc};
use super::resources;
use super::stack::Resource;
use super::value::Val;
use crate::import::doc::{Map, Seq, Value};
use crate::import::metric_math::{MetricStat, Query, single_metric};
use crate::import::{ImportError, observed};

const ALARM_FIELDS: &[&str] = &[
    "Namespace",
    "MetricName",
    "Dimensions",
    "Statistic",
    "ExtendedStatistic",
    "Period",
    "EvaluationPeriods",
    "DatapointsToAlarm",
    "Threshold",
    "ComparisonOperator",
    "TreatMissingData",
];

/// `AWS::CloudWatch::Alarm` -> `cloudWatch.alarms`, its actions kept when they are imported
/// scaling policies.
pub fn alarm(b: &mut Build<'_>, s: usize, r: &Resource) -> Result<(), ImportError> {
    let source = b.source_of(s, r);
    let name = resources::name(b.e, s, r).map_err(|u| b.error(u))?;
    let math = match b.value(s, r, "Metrics")? {
        Some(metrics) => match single_metric_of(b, s, r, &name, &metrics)? {
            Some(stat) => Some(stat),
            None => return Ok(()),
        },
        None => None,
    };
    let (namespace, metric_name) = match &math {
        Some(m) => (m.namespace.clone(), m.metric_name.clone()),
        None => (
            b.string(s, r, "Namespace")?.unwrap_or_default(),
            b.string(s, r, "MetricName")?.unwrap_or_default(),
        ),
    };
    if !observed::alarm_metric(&namespace, &metric_name) {
        b.report(
            Group::Ignored,
            source,
            &r.kind,
            format!("alarm `{name}` watches {namespace} {metric_name}, a metric ecsim does not produce"),
        );
        return Ok(());
    }
    if observed::needs_service_model(&namespace, &metric_name) {
        if let Some(service) = b.services.keys().next().cloned().filter(|_| b.services.len() == 1) {
            if !b.latency_services.contains(&service) {
                b.latency_services.push(service);
            }
        }
    }
    let mut item = Map::new();
    item.insert("AlarmName", name.as_str());
    if let Some(m) = &math {
        item.insert("Namespace", m.namespace.as_str());
        item.insert("MetricName", m.metric_name.as_str());
        item.insert("Dimensions", dimensions(b, &m.dimensions));
        if let Some((field, stat)) = m.statistic_field() {
            item.insert(field, stat);
        }
        if let Some(period) = m.period {
            item.insert("Period", period);
        }
    }
    for key in ALARM_FIELDS {
        let Some(v) = b.value(s, r, key)? else { continue };
        if *key == "Dimensions" {
            let pairs: Vec<(String, String)> = v
                .items()
                .iter()
                .map(|d| {
                    let text = |k: &str| d.get(k).and_then(Val::as_str).unwrap_or("").to_string();
                    (text("Name"), text("Value"))
                })
                .collect();
            item.insert("Dimensions", dimensions(b, &pairs));
        } else if matches!(
            *key,
            "Namespace" | "MetricName" | "Statistic" | "ExtendedStatistic" | "ComparisonOperator" | "TreatMissingData"
        ) {
            item.insert(key, v.as_str().unwrap_or(""));
        } else {
            item.insert(key, to_doc(&v, Case::Keep));
        }
    }
    let mut actions = Seq::new();
    let mut other = 0;
    if let Some(v) = b.value(s, r, "AlarmActions")? {
        for action in v.items().iter().filter_map(Val::as_str) {
            if b.policies.iter().any(|p| p == action) {
                actions.push(action);
            } else {
                other += 1;
            }
        }
    }
    if !actions.is_empty() {
        item.insert("AlarmActions", actions);
    }
    if other > 0 {
        b.report(
            Group::Ignored,
            source.clone(),
            &r.kind,
            format!("{other} alarm action(s) that are not imported scaling policies (notifications, other stacks)"),
        );
    }
    let comment = b.comment_of(s, r);
    b.alarms.push_commented(item, comment);
    b.alarm_names.push(name.clone());
    let sentence = match &math {
        Some(m) => format!(
            "alarm `{name}` on metric math whose result is the one metric {namespace} {metric_name} ({}): written as that metric -> cloudWatch.alarms",
            m.stat
        ),
        None => format!("alarm `{name}` -> cloudWatch.alarms"),
    };
    b.report(Group::Imported, source, &r.kind, sentence);
    let mut read: Vec<&str> = ALARM_FIELDS.to_vec();
    read.extend(["AlarmName", "AlarmActions", "Metrics"]);
    b.report_unread(s, r, &read);
    Ok(())
}

/// `Dimensions` as the scenario writes them, `ClusterName` the scenario's cluster.
fn dimensions(b: &Build<'_>, pairs: &[(String, String)]) -> Seq {
    let mut seq = Seq::new();
    for (dim, value) in pairs {
        let value = if dim == "ClusterName" {
            b.cluster.clone()
        } else {
            value.clone()
        };
        seq.push(Map::new().with("Name", dim.as_str()).with("Value", Value::Str(value)));
    }
    seq
}

/// The one metric an alarm's `Metrics` amount to (`import::metric_math`); `None` when they are
/// more (or an anomaly band), reported as ignored with why.
fn single_metric_of(
    b: &mut Build<'_>,
    s: usize,
    r: &Resource,
    name: &str,
    metrics: &Val,
) -> Result<Option<MetricStat>, ImportError> {
    let text = |v: &Val, k: &str| v.get(k).and_then(Val::as_str).map(str::to_string);
    let queries: Vec<Query> = metrics
        .items()
        .iter()
        .map(|q| Query {
            id: text(q, "Id").unwrap_or_default(),
            return_data: q.get("ReturnData").and_then(Val::as_bool),
            expression: text(q, "Expression"),
            metric: q.get("MetricStat").map(|stat| {
                let metric = stat.get("Metric");
                let of_metric = |k: &str| metric.and_then(|m| text(m, k)).unwrap_or_default();
                MetricStat {
                    namespace: of_metric("Namespace"),
                    metric_name: of_metric("MetricName"),
                    dimensions: metric
                        .and_then(|m| m.get("Dimensions"))
                        .map_or(&[][..], Val::items)
                        .iter()
                        .map(|d| {
                            (
                                text(d, "Name").unwrap_or_default(),
                                text(d, "Value").unwrap_or_default(),
                            )
                        })
                        .collect(),
                    stat: text(stat, "Stat").unwrap_or_default(),
                    period: stat.get("Period").and_then(Val::as_int),
                }
            }),
        })
        .collect();
    let why = if b.value(s, r, "ThresholdMetricId")?.is_some() {
        Err("its threshold is an anomaly detection band (ThresholdMetricId), which ecsim does not compute".to_string())
    } else {
        single_metric(&queries).cloned()
    };
    match why {
        Ok(stat) => Ok(Some(stat)),
        Err(why) => {
            let source = b.source_of(s, r);
            b.report(
                Group::Ignored,
                source,
                &r.kind,
                format!("alarm `{name}` on metric math (Metrics) left out: {why}"),
            );
            Ok(None)
        }
    }
}

const TARGET_GROUP_READ: &[&str] = &[
    "Name",
    "Protocol",
    "Port",
    "HealthCheckIntervalSeconds",
    "HealthyThresholdCount",
    "UnhealthyThresholdCount",
    "HealthCheckPath",
    "HealthCheckTimeoutSeconds",
    "HealthCheckProtocol",
    "TargetType",
    "TargetGroupAttributes",
];

/// `AWS::ElasticLoadBalancingV2::TargetGroup` -> `elasticLoadBalancing.targetGroups`.
pub fn target_group(b: &mut Build<'_>, s: usize, r: &Resource) -> Result<(), ImportError> {
    let name = resources::name(b.e, s, r).map_err(|u| b.error(u))?;
    let arn = match resources::reference(b.e, s, r, &r.node, &format!("Resources.{}", r.id)).map_err(|u| b.error(u))? {
        Val::Scalar(a) => a,
        _ => String::new(),
    };
    let mut item = Map::new();
    item.insert("TargetGroupArn", arn.as_str());
    item.insert("TargetGroupName", name.as_str());
    for key in &TARGET_GROUP_READ[1..10] {
        if let Some(v) = b.value(s, r, key)? {
            item.insert(key, to_doc(&v, Case::Keep));
        }
    }
    if let Some(attributes) = b.value(s, r, "TargetGroupAttributes")? {
        let mut seq = Seq::new();
        for a in attributes.items() {
            let key = a.get("Key").and_then(Val::as_str).unwrap_or("");
            let value = a.get("Value").and_then(Val::as_str).unwrap_or("");
            // Attribute values are strings in the API (`"60"`), whatever the template wrote.
            seq.push(Map::new().with("Key", key).with("Value", Value::Str(value.to_string())));
        }
        item.insert("Attributes", seq);
    }
    let comment = b.comment_of(s, r);
    b.target_groups.push_commented(item, comment);
    b.target_group_arns.push(arn);
    let source = b.source_of(s, r);
    b.report(
        Group::Imported,
        source,
        &r.kind,
        format!("target group `{name}` -> elasticLoadBalancing.targetGroups"),
    );
    b.report_unread(s, r, TARGET_GROUP_READ);
    Ok(())
}
