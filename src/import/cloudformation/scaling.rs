//! Capacity and scaling resources: `AWS::AutoScaling::AutoScalingGroup` (the instance type from
//! its launch configuration, launch template or mixed instances policy), target groups,
//! Application Auto Scaling targets, policies and scheduled actions, and CloudWatch alarms.

use super::build::{Build, Case, Group, to_doc};
use super::resources;
use super::stack::Resource;
use super::value::Val;
use crate::import::doc::{Map, Seq, Value};
use crate::import::{ImportError, observed};
use crate::model::catalog;

/// Previous-generation instance families and the current ones ecsim's catalog has in their place.
const SUCCESSORS: &[(&str, &str)] = &[
    ("t2", "t3"),
    ("m4", "m5"),
    ("m3", "m5"),
    ("c4", "c5"),
    ("c3", "c5"),
    ("r4", "r5"),
    ("r3", "r5"),
];

/// An instance type ecsim knows: the one given, its successor, or the closest name; with a
/// sentence for the report when it is not the one given.
pub fn known_instance_type(given: &str) -> (String, Option<String>) {
    if catalog::instance_type(given).is_some() {
        return (given.to_string(), None);
    }
    if let Some((family, size)) = given.split_once('.') {
        if let Some((_, successor)) = SUCCESSORS.iter().find(|(old, _)| *old == family) {
            let candidate = format!("{successor}.{size}");
            if catalog::instance_type(&candidate).is_some() {
                return (
                    candidate.clone(),
                    Some(format!(
                        "{given} is not in ecsim's instance catalog: {candidate}, its current-generation successor, used"
                    )),
                );
            }
        }
    }
    match catalog::closest_instance_type_name(given) {
        Some(close) => (
            close.to_string(),
            Some(format!(
                "{given} is not in ecsim's instance catalog: the nearest name, {close}, used; check its size"
            )),
        ),
        None => (
            "m5.large".to_string(),
            Some(format!(
                "{given} is not in ecsim's instance catalog: m5.large used; replace it"
            )),
        ),
    }
}

/// The resource of `kind` in stack `s` (or any stack) whose name or `Ref` is `value`.
fn find_named<'b>(b: &'b Build<'_>, kind: &str, value: &str) -> Option<(usize, &'b Resource)> {
    b.e.stacks.iter().enumerate().find_map(|(s, stack)| {
        stack
            .resources
            .iter()
            .filter(|r| r.kind == kind)
            .find(|r| resources::name(b.e, s, r).ok().as_deref() == Some(value))
            .map(|r| (s, r))
    })
}

const GROUP_READ: &[&str] = &[
    "AutoScalingGroupName",
    "MinSize",
    "MaxSize",
    "DesiredCapacity",
    "AvailabilityZones",
    "LaunchConfigurationName",
    "LaunchTemplate",
    "MixedInstancesPolicy",
    "DefaultInstanceWarmup",
    "NewInstancesProtectedFromScaleIn",
];

/// `AWS::AutoScaling::AutoScalingGroup` -> `ec2AutoScaling.autoScalingGroups`.
pub fn auto_scaling_group(b: &mut Build<'_>, s: usize, r: &Resource) -> Result<(), ImportError> {
    let name = resources::name(b.e, s, r).map_err(|u| b.error(u))?;
    let source = b.source_of(s, r);
    let mut item = Map::new();
    item.insert("AutoScalingGroupName", name.as_str());
    let mut instance_type = None;
    if let Some(lc) = b.string(s, r, "LaunchConfigurationName")? {
        let found = find_named(b, "AWS::AutoScaling::LaunchConfiguration", &lc).map(|(ls, lr)| (ls, lr.clone()));
        if let Some((ls, lr)) = found {
            instance_type = b.string(ls, &lr, "InstanceType")?;
        }
    }
    if let Some(spec) = b.value(s, r, "LaunchTemplate")? {
        let named = spec
            .get("LaunchTemplateName")
            .or(spec.get("LaunchTemplateId"))
            .and_then(Val::as_str)
            .unwrap_or("")
            .to_string();
        instance_type = instance_type.or(launch_template_type(b, &named)?);
    }
    if let Some(policy) = b.value(s, r, "MixedInstancesPolicy")? {
        item.insert("MixedInstancesPolicy", to_doc(&policy, Case::Keep));
    } else {
        let given = match instance_type {
            Some(t) => t,
            None => {
                b.report(Group::Guess, source.clone(), &r.kind, "no instance type found (launch configuration or template not in the template): m5.large used; replace it");
                "m5.large".to_string()
            }
        };
        let (known, note) = known_instance_type(&given);
        if let Some(note) = note {
            b.report(Group::Guess, source.clone(), &r.kind, note);
        }
        item.insert("InstanceType", known);
    }
    let min = b.int(s, r, "MinSize")?.unwrap_or(0);
    let max = b.int(s, r, "MaxSize")?.unwrap_or(min);
    item.insert("MinSize", min);
    item.insert("MaxSize", max);
    if let Some(n) = b.int(s, r, "DesiredCapacity")? {
        item.insert("DesiredCapacity", n);
    }
    if let Some(zones) = b.value(s, r, "AvailabilityZones")? {
        for z in zones.items().iter().filter_map(Val::as_str) {
            if !b.zones.iter().any(|k| k == z) {
                b.zones.push(z.to_string());
            }
        }
        item.insert("AvailabilityZones", to_doc(&zones, Case::Keep));
    }
    for key in ["DefaultInstanceWarmup", "NewInstancesProtectedFromScaleIn"] {
        if let Some(v) = b.value(s, r, key)? {
            item.insert(key, to_doc(&v, Case::Keep));
        }
    }
    let comment = b.comment_of(s, r);
    b.auto_scaling_groups.push_commented(item, comment);
    b.report(
        Group::Imported,
        source,
        &r.kind,
        format!("Auto Scaling group `{name}` ({min}..{max}) -> ec2AutoScaling.autoScalingGroups"),
    );
    b.report_unread(s, r, GROUP_READ);
    Ok(())
}

/// The instance type of the launch template named `named` (by name or `Ref`).
fn launch_template_type(b: &Build<'_>, named: &str) -> Result<Option<String>, ImportError> {
    let Some((ls, lr)) = find_named(b, "AWS::EC2::LaunchTemplate", named).map(|(ls, lr)| (ls, lr.clone())) else {
        return Ok(None);
    };
    Ok(b.value(ls, &lr, "LaunchTemplateData")?
        .and_then(|d| d.get("InstanceType").and_then(Val::as_str).map(str::to_string)))
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

/// The service a scalable resource id names (`service/<cluster>/<service>`), if imported.
fn service_of(b: &Build<'_>, resource_id: &str) -> Option<String> {
    let mut parts = resource_id.split('/');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some("service"), Some(_), Some(service), None) if b.services.contains_key(service) => {
            Some(service.to_string())
        }
        _ => None,
    }
}

/// Writes the three fields that name what is scaled, with the scenario's cluster.
fn scaled(item: &mut Map, b: &Build<'_>, service: &str) {
    item.insert("ServiceNamespace", "ecs");
    item.insert("ResourceId", format!("service/{}/{service}", b.cluster));
    item.insert("ScalableDimension", "ecs:service:DesiredCount");
}

/// `AWS::ApplicationAutoScaling::ScalableTarget` -> `applicationAutoScaling.scalableTargets`,
/// and its `ScheduledActions` -> `scheduledActions`.
pub fn scalable_target(b: &mut Build<'_>, s: usize, r: &Resource) -> Result<(), ImportError> {
    let source = b.source_of(s, r);
    let namespace = b.string(s, r, "ServiceNamespace")?.unwrap_or_default();
    let dimension = b.string(s, r, "ScalableDimension")?.unwrap_or_default();
    let resource_id = b.string(s, r, "ResourceId")?.unwrap_or_default();
    if namespace != "ecs" || dimension != "ecs:service:DesiredCount" {
        b.report(
            Group::Ignored,
            source,
            &r.kind,
            format!("scales {namespace} {dimension}: ecsim scales ECS services' desired count"),
        );
        return Ok(());
    }
    let Some(service) = service_of(b, &resource_id) else {
        b.report(
            Group::Ignored,
            source,
            &r.kind,
            format!("scales `{resource_id}`, a service not in the template"),
        );
        return Ok(());
    };
    let mut item = Map::new();
    scaled(&mut item, b, &service);
    let min = b.int(s, r, "MinCapacity")?.unwrap_or(0);
    let max = b.int(s, r, "MaxCapacity")?.unwrap_or(min);
    item.insert("MinCapacity", min);
    item.insert("MaxCapacity", max);
    if let Some(v) = b.value(s, r, "SuspendedState")? {
        item.insert("SuspendedState", to_doc(&v, Case::Keep));
    }
    let comment = b.comment_of(s, r);
    b.scalable_targets.push_commented(item, comment.clone());
    if let Some(actions) = b.value(s, r, "ScheduledActions")? {
        for action in actions.items() {
            let mut a = Map::new();
            if let Val::Map(entries) = action {
                for (key, value) in entries {
                    a.insert(key, to_doc(value, Case::Keep));
                }
            }
            scaled(&mut a, b, &service);
            b.scheduled_actions.push_commented(a, comment.clone());
        }
    }
    b.report(
        Group::Imported,
        source,
        &r.kind,
        format!("service `{service}` scales {min}..{max} -> applicationAutoScaling.scalableTargets"),
    );
    b.report_unread(
        s,
        r,
        &[
            "ServiceNamespace",
            "ScalableDimension",
            "ResourceId",
            "MinCapacity",
            "MaxCapacity",
            "SuspendedState",
            "ScheduledActions",
        ],
    );
    Ok(())
}

/// `AWS::ApplicationAutoScaling::ScalingPolicy` -> `applicationAutoScaling.scalingPolicies`.
pub fn scaling_policy(b: &mut Build<'_>, s: usize, r: &Resource) -> Result<(), ImportError> {
    let source = b.source_of(s, r);
    let name = resources::name(b.e, s, r).map_err(|u| b.error(u))?;
    let resource_id = match b.string(s, r, "ScalingTargetId")? {
        Some(id) => id.split('|').next().unwrap_or("").to_string(),
        None => b.string(s, r, "ResourceId")?.unwrap_or_default(),
    };
    let Some(service) = service_of(b, &resource_id) else {
        b.report(
            Group::Ignored,
            source,
            &r.kind,
            format!("policy `{name}` scales `{resource_id}`, not a service in the template"),
        );
        return Ok(());
    };
    let mut configuration = b.value(s, r, "TargetTrackingScalingPolicyConfiguration")?;
    let customized = configuration
        .as_ref()
        .and_then(|c| c.get("CustomizedMetricSpecification"))
        .cloned();
    if let Some(metric) = customized.filter(|m| m.get("Metrics").is_none()) {
        let text = |k: &str| metric.get(k).and_then(Val::as_str).unwrap_or("").to_string();
        let (namespace, metric_name) = (text("Namespace"), text("MetricName"));
        if namespace == "AWS/ApplicationELB" && metric_name == "RequestCountPerTarget" {
            // The predefined ALBRequestCountPerTarget is this metric's Sum for the target group.
            let dimension = |n: &str| {
                metric.get("Dimensions").and_then(|ds| {
                    ds.items()
                        .iter()
                        .find(|d| d.get("Name").and_then(Val::as_str) == Some(n))
                        .and_then(|d| d.get("Value"))
                        .and_then(Val::as_str)
                        .map(str::to_string)
                })
            };
            let label = format!(
                "{}/{}",
                dimension("LoadBalancer").unwrap_or_default(),
                dimension("TargetGroup").unwrap_or_default()
            );
            if let Some(Val::Map(entries)) = configuration.as_mut() {
                entries.retain(|(k, _)| k != "CustomizedMetricSpecification");
                entries.push((
                    "PredefinedMetricSpecification".into(),
                    Val::Map(vec![
                        (
                            "PredefinedMetricType".into(),
                            Val::Scalar("ALBRequestCountPerTarget".into()),
                        ),
                        ("ResourceLabel".into(), Val::Scalar(label)),
                    ]),
                ));
            }
            b.report(Group::Guess, source.clone(), &r.kind, format!("policy `{name}` tracks RequestCountPerTarget as a customized metric: written as the predefined ALBRequestCountPerTarget, the same Sum per target"));
        } else if !observed::policy_metric(&namespace, &metric_name) {
            b.report(
                Group::Ignored,
                source,
                &r.kind,
                format!("policy `{name}` tracks {namespace} {metric_name}, a metric published by something ecsim does not simulate"),
            );
            return Ok(());
        }
    }
    let mut item = Map::new();
    item.insert("PolicyName", name.as_str());
    scaled(&mut item, b, &service);
    let kind = b.string(s, r, "PolicyType")?.unwrap_or_default();
    item.insert("PolicyType", kind.as_str());
    let step = b.value(s, r, "StepScalingPolicyConfiguration")?;
    for (key, value) in [
        ("TargetTrackingScalingPolicyConfiguration", configuration),
        ("StepScalingPolicyConfiguration", step),
    ] {
        if let Some(v) = value {
            let field = |k: &str| {
                v.get("CustomizedMetricSpecification")
                    .and_then(|m| m.get(k))
                    .and_then(Val::as_str)
                    .unwrap_or("")
            };
            if observed::needs_service_model(field("Namespace"), field("MetricName"))
                && !b.latency_services.contains(&service)
            {
                b.latency_services.push(service.clone());
            }
            item.insert(key, to_doc(&v, Case::Keep));
        }
    }
    let comment = b.comment_of(s, r);
    b.scaling_policies.push_commented(item, comment);
    b.policies.push(resources::policy_arn(&name));
    b.report(
        Group::Imported,
        source,
        &r.kind,
        format!("{kind} policy `{name}` on service `{service}` -> applicationAutoScaling.scalingPolicies"),
    );
    b.report_unread(
        s,
        r,
        &[
            "PolicyName",
            "PolicyType",
            "ScalingTargetId",
            "ResourceId",
            "ScalableDimension",
            "ServiceNamespace",
            "TargetTrackingScalingPolicyConfiguration",
            "StepScalingPolicyConfiguration",
        ],
    );
    Ok(())
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previous_generation_types_map_to_their_successors() {
        assert_eq!(known_instance_type("m5.large"), ("m5.large".to_string(), None));
        let (t, note) = known_instance_type("t2.large");
        assert_eq!(t, "t3.large");
        assert!(note.is_some_and(|n| n.contains("successor")));
        let (t, _) = known_instance_type("c4.large");
        assert_eq!(t, "c5.large");
    }
}
