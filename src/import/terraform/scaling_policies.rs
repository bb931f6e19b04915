//! `aws_appautoscaling_policy` -> `applicationAutoScaling.scalingPolicies`: target tracking
//! (predefined or customized metric) and step scaling with its `step_adjustment` blocks.

use super::TerraformError;
use super::fields::Fields;
use super::link::name_of;
use super::scaling::{common, skip_common};
use super::scenario::{Ctx, Item};
use super::target_groups::target_group_name;
use super::values::{InsertSome, num, seq};
use crate::import::doc::{Map, Value};

/// One policy of a service of the scenario (`id` its resource id); `None` (reported) when
/// ecsim cannot simulate it.
pub(super) fn policy(ctx: &mut Ctx<'_>, i: usize, id: &str) -> Result<Option<Item>, TerraformError> {
    let address = ctx.address(i).to_string();
    let mut f = ctx.fields(i);
    skip_common(&mut f);
    f.skip(&["alarm_arns", "policy_arn"]);
    let name = f.string("name")?.unwrap_or_else(|| ctx.resource(i).name.clone());
    // The provider's default policy type is StepScaling.
    let kind = f.string("policy_type")?.unwrap_or_else(|| "StepScaling".into());
    let mut m = Map::new();
    m.insert("PolicyName", Value::from(&name));
    common(&mut m, id);
    m.insert("PolicyType", Value::from(&kind));
    match kind.as_str() {
        "TargetTrackingScaling" => {
            let Some(config) = target_tracking(ctx, i, &mut f)? else {
                ctx.finish(&f);
                return Ok(None);
            };
            m.insert("TargetTrackingScalingPolicyConfiguration", config);
        }
        "StepScaling" => {
            m.insert("StepScalingPolicyConfiguration", step_scaling(ctx, &mut f)?);
        }
        other => {
            ctx.ignored(i, format!("policy type {other} is not modelled"));
            return Ok(None);
        }
    }
    ctx.finish(&f);
    ctx.imported(i, format!("applicationAutoScaling.scalingPolicies: {name} ({kind})"));
    Ok(Some((format!("from {address}"), Value::Map(m))))
}

/// `target_tracking_scaling_policy_configuration`; `None` (reported) when its metric is a
/// metric-math expression, which ecsim's target tracking does not read from Terraform.
fn target_tracking(ctx: &mut Ctx<'_>, i: usize, f: &mut Fields<'_>) -> Result<Option<Value>, TerraformError> {
    let Some(mut c) = f.block("target_tracking_scaling_policy_configuration")? else {
        return Err(TerraformError::new(
            &f.child("target_tracking_scaling_policy_configuration"),
            "a TargetTrackingScaling policy without its configuration",
            "add target_tracking_scaling_policy_configuration { target_value = ... }",
        ));
    };
    let mut m = Map::new();
    m.opt("TargetValue", c.number("target_value")?.map(num));
    if let Some(mut p) = c.block("predefined_metric_specification")? {
        let mut pm = Map::new();
        let kind = p.string("predefined_metric_type")?;
        pm.opt("PredefinedMetricType", kind.clone().map(Value::from));
        let label = match p.string("resource_label")? {
            Some(l) => Some(l),
            None if kind.as_deref() == Some("ALBRequestCountPerTarget") => Some(guessed_label(ctx, i)),
            None => None,
        };
        pm.opt("ResourceLabel", label.map(Value::from));
        ctx.finish(&p);
        m.insert("PredefinedMetricSpecification", Value::Map(pm));
    }
    if let Some(mut cm) = c.block("customized_metric_specification")? {
        if !cm.blocks("metrics")?.is_empty() {
            ctx.ignored(i, "a metric-math customized metric (not imported; write it in the scenario by hand): the policy is left out");
            return Ok(None);
        }
        let metric = cm.string("metric_name")?.unwrap_or_default();
        let namespace = cm.string("namespace")?.unwrap_or_default();
        if !crate::import::observed::policy_metric(&namespace, &metric) {
            let why = format!(
                "target tracking on {namespace} {metric}, a metric ecsim does not produce: the policy is left out"
            );
            ctx.ignored(i, why);
            return Ok(None);
        }
        let mut spec = Map::new();
        spec.insert("MetricName", metric);
        spec.insert("Namespace", namespace);
        let mut dims = Vec::new();
        for mut d in cm.blocks("dimensions")? {
            let mut dm = Map::new();
            dm.opt("Name", d.string("name")?.map(Value::from));
            dm.opt("Value", d.string("value")?.map(Value::from));
            ctx.finish(&d);
            dims.push(Value::Map(dm));
        }
        if !dims.is_empty() {
            spec.insert("Dimensions", seq(dims));
        }
        spec.opt("Statistic", cm.string("statistic")?.map(Value::from));
        spec.opt("Unit", cm.string("unit")?.map(Value::from));
        ctx.finish(&cm);
        m.insert("CustomizedMetricSpecification", Value::Map(spec));
    }
    if m.get("PredefinedMetricSpecification").is_none() && m.get("CustomizedMetricSpecification").is_none() {
        return Err(TerraformError::new(
            &c.path,
            "a target tracking configuration without a metric",
            "add predefined_metric_specification { predefined_metric_type = ... } or customized_metric_specification { ... }",
        ));
    }
    m.opt("ScaleOutCooldown", c.int("scale_out_cooldown")?.map(Value::Int));
    m.opt("ScaleInCooldown", c.int("scale_in_cooldown")?.map(Value::Int));
    if c.boolean("disable_scale_in")? == Some(true) {
        m.insert("DisableScaleIn", Value::Bool(true));
    }
    ctx.finish(&c);
    Ok(Some(Value::Map(m)))
}

/// `app/<lb>/<id>/targetgroup/<tg>/<id>` for an ALB request count policy whose label a plan
/// does not know: the target group it references, with placeholder ids (reported).
fn guessed_label(ctx: &mut Ctx<'_>, i: usize) -> String {
    let argument = "target_tracking_scaling_policy_configuration.0.predefined_metric_specification.0.resource_label";
    let refs = ctx.model.references(i, argument);
    let named = |kind: &str| {
        refs.iter()
            .find(|r| ctx.resource(r.resource).kind == kind)
            .map(|r| r.resource)
    };
    let tg = named("aws_lb_target_group").map_or_else(|| "unknown".to_string(), |t| target_group_name(ctx, t));
    let lb = named("aws_lb")
        .or_else(|| named("aws_alb"))
        .and_then(|l| name_of(ctx.resource(l)))
        .unwrap_or_else(|| "unknown".into());
    let label = format!("app/{lb}/0000000000000000/targetgroup/{tg}/0000000000000000");
    ctx.guess(
        i,
        format!("resource_label not known in the plan; {label} written (ecsim needs only the target group name)"),
    );
    label
}

/// `step_scaling_policy_configuration` with its `step_adjustment` blocks (bounds may be strings).
fn step_scaling(ctx: &mut Ctx<'_>, f: &mut Fields<'_>) -> Result<Value, TerraformError> {
    let Some(mut c) = f.block("step_scaling_policy_configuration")? else {
        return Err(TerraformError::new(
            &f.child("step_scaling_policy_configuration"),
            "a StepScaling policy without its configuration",
            "add step_scaling_policy_configuration { adjustment_type = ..., step_adjustment { ... } }",
        ));
    };
    let mut m = Map::new();
    m.opt("AdjustmentType", c.string("adjustment_type")?.map(Value::from));
    let mut steps = Vec::new();
    for mut s in c.blocks("step_adjustment")? {
        let mut sm = Map::new();
        sm.opt(
            "MetricIntervalLowerBound",
            s.number("metric_interval_lower_bound")?.map(num),
        );
        sm.opt(
            "MetricIntervalUpperBound",
            s.number("metric_interval_upper_bound")?.map(num),
        );
        sm.opt("ScalingAdjustment", s.int("scaling_adjustment")?.map(Value::Int));
        ctx.finish(&s);
        steps.push(Value::Map(sm));
    }
    m.insert("StepAdjustments", seq(steps));
    m.opt("Cooldown", c.int("cooldown")?.map(Value::Int));
    m.opt(
        "MetricAggregationType",
        c.string("metric_aggregation_type")?.map(Value::from),
    );
    m.opt(
        "MinAdjustmentMagnitude",
        c.int("min_adjustment_magnitude")?.map(Value::Int),
    );
    ctx.finish(&c);
    Ok(Value::Map(m))
}
