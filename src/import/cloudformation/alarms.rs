//! `AWS::CloudWatch::Alarm` into `cloudWatch.alarms` (its actions kept when they are imported
//! scaling policies) and `AWS::ElasticLoadBalancingV2::TargetGroup` into
//! `elasticLoadBalancing.targetGroups`.

use super::build::{Build, Case, Group, to_doc};
use super::resources;
use super::stack::Resource;
use super::value::Val;
use crate::import::doc::{Map, Seq, Value};
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
    if r.properties().and_then(|p| p.get("Metrics")).is_some() {
        b.report(
            Group::Ignored,
            source,
            &r.kind,
            format!("alarm `{name}` on metric math (Metrics): not simulated"),
        );
        return Ok(());
    }
    let namespace = b.string(s, r, "Namespace")?.unwrap_or_default();
    let metric_name = b.string(s, r, "MetricName")?.unwrap_or_default();
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
    for key in ALARM_FIELDS {
        let Some(v) = b.value(s, r, key)? else { continue };
        if *key == "Dimensions" {
            let mut seq = Seq::new();
            for d in v.items() {
                let dim = d.get("Name").and_then(Val::as_str).unwrap_or("");
                let mut value = d.get("Value").and_then(Val::as_str).unwrap_or("").to_string();
                if dim == "ClusterName" {
                    value = b.cluster.clone();
                }
                seq.push(Map::new().with("Name", dim).with("Value", Value::Str(value)));
            }
            item.insert("Dimensions", seq);
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
    b.report(
        Group::Imported,
        source,
        &r.kind,
        format!("alarm `{name}` -> cloudWatch.alarms"),
    );
    let mut read: Vec<&str> = ALARM_FIELDS.to_vec();
    read.extend(["AlarmName", "AlarmActions"]);
    b.report_unread(s, r, &read);
    Ok(())
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
