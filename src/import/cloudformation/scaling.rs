//! Application Auto Scaling: scalable targets (with their scheduled actions) and scaling
//! policies (target tracking and step, through `ScalingTargetId`), written for the scenario's one
//! cluster; a policy on a metric ecsim does not produce is left out and reported.

use super::build::{Build, Case, Group, to_doc};
use super::copilot_backlog::{self, CopilotBacklog};
use super::resources;
use super::stack::Resource;
use super::value::Val;
use crate::import::doc::{Map, Value};
use crate::import::{ImportError, observed};

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
            format!("scales `{resource_id}`, a service the scenario does not import"),
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
            format!("policy `{name}` scales `{resource_id}`, not a service the scenario imports"),
        );
        return Ok(());
    };
    let mut configuration = b.value(s, r, "TargetTrackingScalingPolicyConfiguration")?;
    let customized = configuration
        .as_ref()
        .and_then(|c| c.get("CustomizedMetricSpecification"))
        .cloned();
    let mut backlog_metric = None;
    if let Some(metric) = customized.filter(|m| m.get("Metrics").is_none()) {
        match copilot_backlog::recognise(b, &source, &r.kind, &service, &metric) {
            CopilotBacklog::NotCopilot => {}
            CopilotBacklog::LeftOut => return Ok(()),
            CopilotBacklog::Modelled(spec) => backlog_metric = Some(spec),
        }
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
        } else if backlog_metric.is_none() && !observed::policy_metric(&namespace, &metric_name) {
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
            let mut written = to_doc(&v, Case::Keep);
            if let (Value::Map(config), Some(spec)) = (&mut written, backlog_metric.take()) {
                config.insert("CustomizedMetricSpecification", spec);
            }
            item.insert(key, written);
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
