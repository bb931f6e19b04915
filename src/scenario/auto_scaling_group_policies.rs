//! `ec2AutoScaling.scalingPolicies`: EC2 Auto Scaling's `PutScalingPolicy` on a group: target
//! tracking on `ASGAverageCPUUtilization`, and step and simple policies that CloudWatch alarms on
//! the group invoke (reference 7, 7.1).

use super::diag::{Diagnostics, closest};
use super::reader::object;
use super::yaml::Node;
use crate::policy::group_step_scaling::GroupPolicyKind;
use crate::policy::step_scaling::{AdjustmentType, StepAdjustment, StepScalingParams, validate_steps};
use crate::sim::SimDuration;
use crate::spec::{AsgAlarmPolicy, AsgTargetTrackingPolicy, AutoScalingGroupSpec, GroupMetric};

/// The `PolicyType`s of PutScalingPolicy (all but predictive scaling are simulated).
const ASG_POLICY_TYPES: &[&str] = &[
    "TargetTrackingScaling",
    "StepScaling",
    "SimpleScaling",
    "PredictiveScaling",
];

/// Reads one `PutScalingPolicy` of EC2 Auto Scaling and adds it to its group.
pub(super) fn read_policy(node: &Node, path: &str, groups: &mut [AutoScalingGroupSpec], d: &mut Diagnostics) {
    let Some(mut o) = object(node, path, d) else { return };
    let group_path = o.child("AutoScalingGroupName");
    let group_loc = o.field("AutoScalingGroupName").map_or(node.loc, |n| n.loc);
    let group_name = o.required_string("AutoScalingGroupName", "the group the policy scales", d);
    let name = o.required_string("PolicyName", "the policy name", d);
    let kind_loc = o.key_loc("PolicyType");
    // Without PolicyType, AWS makes a simple policy; a TargetTrackingConfiguration says otherwise.
    let kind = o.one_of("PolicyType", ASG_POLICY_TYPES, d).or_else(|| {
        let tracking = o.has("TargetTrackingConfiguration");
        Some(if tracking {
            "TargetTrackingScaling"
        } else {
            "SimpleScaling"
        })
    });
    let warmup = o
        .int("EstimatedInstanceWarmup", 0, 86_400, d)
        .map(|s| SimDuration::from_secs(s as u64));
    let enabled = o.boolean("Enabled", d).unwrap_or(true);
    let tt_path = o.child("TargetTrackingConfiguration");
    let target = match o.field("TargetTrackingConfiguration") {
        Some(tt) => read_target_tracking_configuration(tt, &tt_path, d),
        None => {
            if kind == Some("TargetTrackingScaling") {
                o.missing("TargetTrackingConfiguration", "TargetValue and the metric", d);
            }
            None
        }
    };
    let alarm_policy = match kind {
        Some("StepScaling") => read_step_fields(&mut o, path, d).map(|p| (GroupPolicyKind::Step, p, None)),
        Some("SimpleScaling") => read_simple_fields(&mut o, d).map(|(p, c)| (GroupPolicyKind::Simple, p, c)),
        _ => None,
    };
    o.ignore(&["PolicyARN", "Alarms", "MinAdjustmentStep"]);
    if kind == Some("TargetTrackingScaling") {
        // DescribePolicies may print these for a target tracking policy; they do not apply.
        o.ignore(&["AdjustmentType", "MetricAggregationType"]);
    }
    o.finish(d);
    if kind == Some("PredictiveScaling") {
        d.error(
            kind_loc,
            &format!("{path}.PolicyType"),
            "EC2 Auto Scaling PredictiveScaling policies are not simulated",
            Some("use TargetTrackingScaling, StepScaling or SimpleScaling".into()),
        );
        return;
    }
    let (Some(group_name), Some(name)) = (group_name, name) else {
        return;
    };
    let Some(g) = groups.iter().position(|g| g.name == group_name) else {
        if d.unread.covers(super::diag::Declared::AutoScalingGroup, &group_name) {
            return;
        }
        let names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
        d.error(
            group_loc,
            &group_path,
            format!("no Auto Scaling group named `{group_name}`"),
            closest(&group_name, names.iter().copied()).map(|c| format!("did you mean `{c}`?")),
        );
        return;
    };
    let g = &mut groups[g];
    // EstimatedInstanceWarmup, else DefaultInstanceWarmup, else DefaultCooldown (reference 7).
    let instance_warmup = warmup.or(g.default_instance_warmup).unwrap_or(g.default_cooldown);
    if !enabled {
        return;
    }
    if let Some((metric, target_value, disable_scale_in)) = target.filter(|_| kind == Some("TargetTrackingScaling")) {
        g.scaling_policies.push(AsgTargetTrackingPolicy {
            name,
            metric,
            target_value,
            disable_scale_in,
            instance_warmup,
        });
    } else if let Some((kind, params, cooldown)) = alarm_policy {
        let cooldown = cooldown.unwrap_or(g.default_cooldown);
        g.alarm_policies.push(AsgAlarmPolicy {
            name,
            kind,
            params,
            instance_warmup,
            cooldown,
        });
    }
}

/// `AdjustmentType` of a step or simple policy.
fn read_adjustment_type(o: &mut super::reader::Obj<'_>, d: &mut Diagnostics) -> Option<AdjustmentType> {
    o.required_one_of(
        "AdjustmentType",
        &["ChangeInCapacity", "PercentChangeInCapacity", "ExactCapacity"],
        "ChangeInCapacity, PercentChangeInCapacity or ExactCapacity",
        d,
    )
    .and_then(AdjustmentType::from_aws)
}

/// `MinAdjustmentMagnitude`, which only a percent change may have (PutScalingPolicy).
fn read_min_magnitude(
    o: &mut super::reader::Obj<'_>,
    adjustment_type: Option<AdjustmentType>,
    d: &mut Diagnostics,
) -> Option<i64> {
    let loc = o.key_loc("MinAdjustmentMagnitude");
    let magnitude = o.int("MinAdjustmentMagnitude", 1, 100_000, d);
    if magnitude.is_some() && adjustment_type.is_some_and(|t| t != AdjustmentType::PercentChangeInCapacity) {
        d.error(
            loc,
            &o.child("MinAdjustmentMagnitude"),
            "MinAdjustmentMagnitude is only valid with AdjustmentType PercentChangeInCapacity",
            Some("remove it, or use PercentChangeInCapacity".into()),
        );
        return None;
    }
    magnitude
}

/// The fields of a `StepScaling` policy: `AdjustmentType`, `StepAdjustments`,
/// `MinAdjustmentMagnitude`, `MetricAggregationType` (Average: the alarm's datapoint is used).
fn read_step_fields(o: &mut super::reader::Obj<'_>, path: &str, d: &mut Diagnostics) -> Option<StepScalingParams> {
    let adjustment_type = read_adjustment_type(o, d);
    let magnitude = read_min_magnitude(o, adjustment_type, d);
    o.one_of("MetricAggregationType", &["Average", "Minimum", "Maximum"], d);
    if o.field("Cooldown").is_some() {
        d.error(
            o.key_loc("Cooldown"),
            &o.child("Cooldown"),
            "Cooldown is only valid for SimpleScaling policies: a step policy uses EstimatedInstanceWarmup",
            Some("remove Cooldown, or set EstimatedInstanceWarmup".into()),
        );
    }
    if o.field("ScalingAdjustment").is_some() {
        d.error(
            o.key_loc("ScalingAdjustment"),
            &o.child("ScalingAdjustment"),
            "ScalingAdjustment is only valid for SimpleScaling policies: a step policy's adjustments are in StepAdjustments",
            None,
        );
    }
    let steps_path = o.child("StepAdjustments");
    let steps_loc = o.key_loc("StepAdjustments");
    let items = o.list("StepAdjustments", d);
    if items.is_empty() {
        o.missing("StepAdjustments", "at least one step", d);
        return None;
    }
    let mut steps = Vec::new();
    for (p, n) in items {
        let Some(mut s) = object(n, &p, d) else { continue };
        let lower = s.number("MetricIntervalLowerBound", f64::MIN, f64::MAX, d);
        let upper = s.number("MetricIntervalUpperBound", f64::MIN, f64::MAX, d);
        let adj = s.required_int("ScalingAdjustment", -100_000, 100_000, "how much to add or remove", d);
        s.finish(d);
        steps.push(StepAdjustment {
            lower,
            upper,
            adjustment: adj?,
        });
    }
    if let Err(message) = validate_steps(&steps) {
        d.error(steps_loc, &steps_path, format!("{message} ({path})"), None);
        return None;
    }
    exact_not_negative(o, adjustment_type?, &steps, d)?;
    Some(StepScalingParams {
        adjustment_type: adjustment_type?,
        steps,
        min_adjustment_magnitude: magnitude,
    })
}

/// The fields of a `SimpleScaling` policy: `AdjustmentType`, `ScalingAdjustment`,
/// `MinAdjustmentMagnitude` and `Cooldown`; the adjustment becomes one step without bounds.
fn read_simple_fields(
    o: &mut super::reader::Obj<'_>,
    d: &mut Diagnostics,
) -> Option<(StepScalingParams, Option<SimDuration>)> {
    let adjustment_type = read_adjustment_type(o, d);
    let magnitude = read_min_magnitude(o, adjustment_type, d);
    let adjustment = o.required_int("ScalingAdjustment", -100_000, 100_000, "how much to add or remove", d);
    let cooldown = o
        .int("Cooldown", 0, 86_400 * 365, d)
        .map(|s| SimDuration::from_secs(s as u64));
    for step_only in ["StepAdjustments", "MetricAggregationType", "EstimatedInstanceWarmup"] {
        if o.field(step_only).is_some() {
            d.error(
                o.key_loc(step_only),
                &o.child(step_only),
                format!("{step_only} is only valid for StepScaling policies"),
                Some("set PolicyType: StepScaling, or remove it".into()),
            );
        }
    }
    let steps = vec![StepAdjustment {
        lower: None,
        upper: None,
        adjustment: adjustment?,
    }];
    exact_not_negative(o, adjustment_type?, &steps, d)?;
    let params = StepScalingParams {
        adjustment_type: adjustment_type?,
        steps,
        min_adjustment_magnitude: magnitude,
    };
    Some((params, cooldown))
}

/// ExactCapacity sets the group's size: a negative adjustment is an error.
fn exact_not_negative(
    o: &super::reader::Obj<'_>,
    adjustment_type: AdjustmentType,
    steps: &[StepAdjustment],
    d: &mut Diagnostics,
) -> Option<()> {
    if adjustment_type == AdjustmentType::ExactCapacity && steps.iter().any(|s| s.adjustment < 0) {
        d.error(
            o.key_loc("AdjustmentType"),
            &o.child("AdjustmentType"),
            "ExactCapacity needs a ScalingAdjustment of 0 or more",
            None,
        );
        return None;
    }
    Some(())
}

/// `TargetTrackingConfiguration` of an EC2 Auto Scaling policy: the metric, the target (a CPU
/// percent, or bytes per instance per minute) and `DisableScaleIn`.
fn read_target_tracking_configuration(
    node: &Node,
    path: &str,
    d: &mut Diagnostics,
) -> Option<(GroupMetric, f64, bool)> {
    let mut t = object(node, path, d)?;
    let value_loc = t.key_loc("TargetValue");
    let value = t.required_number("TargetValue", 0.0, 1e15, "the average to hold", d);
    let disable_scale_in = t.boolean("DisableScaleIn", d).unwrap_or(false);
    let metric = match t.field("PredefinedMetricSpecification") {
        Some(m) => read_predefined_metric(m, &t.child("PredefinedMetricSpecification"), d),
        None => {
            let loc = t.key_loc("CustomizedMetricSpecification");
            let custom = t.field("CustomizedMetricSpecification").is_some();
            if custom {
                d.error(
                    loc,
                    &t.child("CustomizedMetricSpecification"),
                    "customized metrics for EC2 Auto Scaling policies are not simulated",
                    Some("use PredefinedMetricType: ASGAverageCPUUtilization".into()),
                );
            } else {
                t.missing("PredefinedMetricSpecification", "ASGAverageCPUUtilization", d);
            }
            None
        }
    };
    t.finish(d);
    if let (Some(GroupMetric::CpuUtilization), Some(v)) = (metric, value.filter(|v| *v > 100.0)) {
        d.error(
            value_loc,
            &format!("{path}.TargetValue"),
            format!("a CPU target of {v} % cannot be reached: the average CPU is at most 100"),
            Some("use a percent from 0 to 100".into()),
        );
        return None;
    }
    Some((metric?, value?, disable_scale_in))
}

/// `PredefinedMetricSpecification`: the group metric it names.
fn read_predefined_metric(node: &Node, path: &str, d: &mut Diagnostics) -> Option<GroupMetric> {
    let mut m = object(node, path, d)?;
    let loc = m.key_loc("PredefinedMetricType");
    let metric = m.one_of(
        "PredefinedMetricType",
        &[
            "ASGAverageCPUUtilization",
            "ASGAverageNetworkIn",
            "ASGAverageNetworkOut",
            "ALBRequestCountPerTarget",
        ],
        d,
    );
    m.ignore(&["ResourceLabel"]);
    m.finish(d);
    match metric? {
        "ASGAverageCPUUtilization" => Some(GroupMetric::CpuUtilization),
        "ASGAverageNetworkIn" => Some(GroupMetric::NetworkIn),
        "ASGAverageNetworkOut" => Some(GroupMetric::NetworkOut),
        other => {
            d.error(
                loc,
                &format!("{path}.PredefinedMetricType"),
                format!("{other} is not simulated for EC2 Auto Scaling groups"),
                Some("use ASGAverageCPUUtilization, ASGAverageNetworkIn or ASGAverageNetworkOut".into()),
            );
            None
        }
    }
}
