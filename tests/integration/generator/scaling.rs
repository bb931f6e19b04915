//! The scaling of a generated scenario: service auto scaling (target tracking, step scaling with
//! CloudWatch alarms, scheduled actions) and EC2 Auto Scaling target tracking on groups without
//! managed scaling.

use serde_json::{Map, Value, json};

use super::{Gen, put};

/// Adds `applicationAutoScaling`, `cloudWatch` and `ec2AutoScaling.scalingPolicies`.
pub fn generate(g: &mut Gen, top: &mut Map<String, Value>) {
    let mut targets = Vec::new();
    let mut policies = Vec::new();
    let mut scheduled = Vec::new();
    let mut alarms = Vec::new();
    for i in 0..g.services.len() {
        if !g.chance(0.6) {
            continue;
        }
        let service = g.services[i].name.clone();
        let resource = format!("service/gen/{service}");
        let min = g.int(0, 2);
        let max = g.int(min.max(1), 12);
        targets.push(json!({
            "ServiceNamespace": "ecs", "ResourceId": resource,
            "ScalableDimension": "ecs:service:DesiredCount", "MinCapacity": min, "MaxCapacity": max,
        }));
        let header = |name: &str| {
            json!({
                "PolicyName": name, "ServiceNamespace": "ecs", "ResourceId": resource,
                "ScalableDimension": "ecs:service:DesiredCount",
            })
        };
        if g.chance(0.7) {
            let mut p = header(&format!("{service}-tracking"));
            p["PolicyType"] = json!("TargetTrackingScaling");
            let metric = g.pick(&[
                "ECSServiceAverageCPUUtilization",
                "ECSServiceAverageMemoryUtilization",
                "ECSServiceAverageCPUUtilizationHighResolution",
            ]);
            p["TargetTrackingScalingPolicyConfiguration"] = json!({
                "TargetValue": g.pick(&[40, 60, 75]),
                "PredefinedMetricSpecification": { "PredefinedMetricType": metric },
                "ScaleOutCooldown": g.pick(&[0, 60, 300]),
                "ScaleInCooldown": g.pick(&[0, 60, 300]),
                "DisableScaleIn": g.chance(0.2),
            });
            policies.push(p);
        }
        if g.chance(0.4) {
            let name = format!("{service}-step");
            let mut p = header(&name);
            p["PolicyType"] = json!("StepScaling");
            p["StepScalingPolicyConfiguration"] = json!({
                "AdjustmentType": g.pick(&["ChangeInCapacity", "PercentChangeInCapacity", "ExactCapacity"]),
                "Cooldown": g.pick(&[0, 60, 300]),
                "StepAdjustments": [
                    { "MetricIntervalLowerBound": 0, "MetricIntervalUpperBound": 20, "ScalingAdjustment": 1 },
                    { "MetricIntervalLowerBound": 20, "ScalingAdjustment": 3 },
                ],
            });
            policies.push(p);
            alarms.push(json!({
                "AlarmName": format!("{service}-cpu-high"), "Namespace": "AWS/ECS", "MetricName": "CPUUtilization",
                "Dimensions": [{ "Name": "ClusterName", "Value": "gen" }, { "Name": "ServiceName", "Value": service }],
                "Statistic": g.pick(&["Average", "Maximum"]), "Period": 60,
                "EvaluationPeriods": g.int(1, 3), "Threshold": g.pick(&[50, 70]),
                "ComparisonOperator": "GreaterThanOrEqualToThreshold",
                "TreatMissingData": g.pick(&["missing", "notBreaching", "breaching", "ignore"]),
                "AlarmActions": [name],
            }));
        }
        if g.chance(0.4) {
            let schedule = match g.int(0, 2) {
                0 => format!("cron({} * * * ? *)", g.int(0, 59)),
                1 => format!("rate({} minutes)", g.pick(&[10, 30])),
                _ => format!("at(2026-01-01T00:{:02}:00)", g.int(1, 59)),
            };
            scheduled.push(json!({
                "ScheduledActionName": format!("{service}-scheduled"), "ServiceNamespace": "ecs",
                "ResourceId": resource, "ScalableDimension": "ecs:service:DesiredCount",
                "Schedule": schedule, "Timezone": g.pick(&["UTC", "Asia/Seoul", "America/New_York"]),
                "ScalableTargetAction": { "MinCapacity": g.int(0, min.max(1)), "MaxCapacity": max },
            }));
        }
    }
    let mut application = Map::new();
    put(&mut application, "scalableTargets", Value::Array(targets));
    put(&mut application, "scalingPolicies", Value::Array(policies));
    put(&mut application, "scheduledActions", Value::Array(scheduled));
    put(top, "applicationAutoScaling", Value::Object(application));
    put(top, "cloudWatch", json!({ "alarms": alarms }));

    let unmanaged: Vec<String> = g
        .groups
        .iter()
        .filter(|gr| !gr.managed)
        .map(|gr| gr.name.clone())
        .collect();
    let mut group_policies = Vec::new();
    for name in unmanaged {
        if g.chance(0.6) {
            group_policies.push(json!({
                "AutoScalingGroupName": name, "PolicyName": format!("{name}-cpu"),
                "PolicyType": "TargetTrackingScaling",
                "TargetTrackingConfiguration": {
                    "PredefinedMetricSpecification": { "PredefinedMetricType": "ASGAverageCPUUtilization" },
                    "TargetValue": g.pick(&[40, 60]),
                },
            }));
        }
    }
    if !group_policies.is_empty() {
        if let Some(block) = top.get_mut("ec2AutoScaling") {
            block["scalingPolicies"] = Value::Array(group_policies);
        }
    }
}
