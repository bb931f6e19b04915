//! `aws_appautoscaling_target`, `aws_appautoscaling_policy` (target tracking and step) and
//! `aws_appautoscaling_scheduled_action` -> `applicationAutoScaling`, for the ECS services of the
//! scenario. A `resource_id` a plan does not know yet is rebuilt from what it references
//! (`service/<cluster>/<service>`, or the scalable target's).

use super::TerraformError;
use super::fields::Fields;
use super::link::name_of;
use super::scenario::{Ctx, Item};
use super::target_groups::target_group_name;
use super::values::{InsertSome, commented, num, seq};
use crate::import::doc::{Map, Value};

/// The ECS service dimension, the only one ecsim scales.
const SERVICE_DIMENSION: &str = "ecs:service:DesiredCount";

/// `applicationAutoScaling` (`None` when the document has nothing for the scenario's services),
/// and the names of the policies written.
pub fn application_auto_scaling(
    ctx: &mut Ctx<'_>,
    cluster: &str,
    services: &[String],
) -> Result<(Option<Value>, Vec<String>), TerraformError> {
    let mut targets = Vec::new();
    let mut target_ids = Vec::new();
    for i in ctx.indices("aws_appautoscaling_target") {
        let Some(id) = for_scenario(ctx, i, cluster, services) else {
            continue;
        };
        targets.push(target(ctx, i, &id)?);
        target_ids.push(id);
    }
    // A policy or scheduled action needs its scalable target (as Application Auto Scaling does).
    let has_target = |ctx: &mut Ctx<'_>, i: usize, id: &str| {
        let found = target_ids.iter().any(|t| t == id);
        if !found {
            ctx.ignored(i, format!("no aws_appautoscaling_target for {id} in the document"));
        }
        found
    };
    let mut policies = Vec::new();
    let mut names = Vec::new();
    for i in ctx.indices("aws_appautoscaling_policy") {
        let Some(id) = for_scenario(ctx, i, cluster, services) else {
            continue;
        };
        if !has_target(ctx, i, &id) {
            continue;
        }
        if let Some(p) = policy(ctx, i, &id)? {
            if let Value::Map(m) = &p.1 {
                if let Some(Value::Str(name)) = m.get("PolicyName") {
                    names.push(name.clone());
                }
            }
            policies.push(p);
        }
    }
    let mut scheduled = Vec::new();
    for i in ctx.indices("aws_appautoscaling_scheduled_action") {
        let Some(id) = for_scenario(ctx, i, cluster, services) else {
            continue;
        };
        if has_target(ctx, i, &id) {
            scheduled.push(scheduled_action(ctx, i, &id)?);
        }
    }
    let mut block = Map::new();
    for (key, items) in [
        ("scalableTargets", targets),
        ("scalingPolicies", policies),
        ("scheduledActions", scheduled),
    ] {
        if !items.is_empty() {
            block.insert(key, commented(items));
        }
    }
    Ok(((!block.is_empty()).then_some(Value::Map(block)), names))
}

/// The resource id of resource `i` when it scales a service of the scenario; otherwise reports
/// it as ignored and gives `None`.
fn for_scenario(ctx: &mut Ctx<'_>, i: usize, cluster: &str, services: &[String]) -> Option<String> {
    let values = &ctx.resource(i).values;
    let text = |k: &str| values.get(k).and_then(|v| v.as_str()).unwrap_or_default().to_string();
    let (namespace, dimension) = (text("service_namespace"), text("scalable_dimension"));
    if namespace != "ecs" || dimension != SERVICE_DIMENSION {
        ctx.ignored(
            i,
            format!("scales {namespace} {dimension} (ecsim scales ECS services' {SERVICE_DIMENSION})"),
        );
        return None;
    }
    let Some(id) = resource_id(ctx, i, 0) else {
        ctx.ignored(
            i,
            "its resource_id is not known and references no aws_ecs_service of the document",
        );
        return None;
    };
    let service = id.strip_prefix(&format!("service/{cluster}/"));
    if !service.is_some_and(|s| services.iter().any(|n| n == s)) {
        ctx.ignored(i, format!("scales {id}, not a service of the scenario"));
        return None;
    }
    Some(id)
}

/// `resource_id` as known, or rebuilt from the resources it references: a scalable target's
/// id, or `service/<cluster>/<service>` from the service (and cluster) it names.
fn resource_id(ctx: &mut Ctx<'_>, i: usize, depth: usize) -> Option<String> {
    if let Some(id) = ctx.resource(i).values.get("resource_id").and_then(|v| v.as_str()) {
        return Some(id.to_string());
    }
    let refs = ctx.model.references(i, "resource_id");
    let kind_of = |r: &super::refs::Reference| ctx.resource(r.resource).kind.as_str();
    if let Some(t) = refs.iter().find(|r| kind_of(r) == "aws_appautoscaling_target").cloned() {
        if depth < 2 {
            let id = resource_id(ctx, t.resource, depth + 1)?;
            ctx.resolved(i, format!("resource_id = {} ({id})", t.written));
            return Some(id);
        }
    }
    let service = refs.iter().find(|r| kind_of(r) == "aws_ecs_service")?.clone();
    let service_name = name_of(ctx.resource(service.resource))?;
    let cluster = match refs.iter().find(|r| kind_of(r) == "aws_ecs_cluster") {
        Some(c) => name_of(ctx.resource(c.resource))?,
        None => {
            let known = ctx
                .resource(service.resource)
                .values
                .get("cluster")
                .and_then(|v| v.as_str());
            match known {
                Some(c) => super::link::name_in_identifier("aws_ecs_cluster", c),
                None => {
                    let c = ctx.model.references(service.resource, "cluster");
                    let c = c.iter().find(|r| kind_of(r) == "aws_ecs_cluster")?;
                    name_of(ctx.resource(c.resource))?
                }
            }
        }
    };
    let id = format!("service/{cluster}/{service_name}");
    if depth == 0 {
        // A policy's target resolved the same way is reported once, by the target itself.
        ctx.resolved(i, format!("resource_id = {id} (from {})", service.written));
    }
    Some(id)
}

/// The fields every Application Auto Scaling item starts with.
fn common(m: &mut Map, id: &str) {
    m.insert("ServiceNamespace", Value::from("ecs"));
    m.insert("ResourceId", Value::from(id));
    m.insert("ScalableDimension", Value::from(SERVICE_DIMENSION));
}

fn skip_common(f: &mut Fields<'_>) {
    f.skip(&[
        "service_namespace",
        "scalable_dimension",
        "resource_id",
        "role_arn",
        "tags",
    ]);
}

fn target(ctx: &mut Ctx<'_>, i: usize, id: &str) -> Result<Item, TerraformError> {
    let address = ctx.address(i).to_string();
    let mut f = ctx.fields(i);
    skip_common(&mut f);
    let mut m = Map::new();
    common(&mut m, id);
    m.opt("MinCapacity", f.int("min_capacity")?.map(Value::Int));
    m.opt("MaxCapacity", f.int("max_capacity")?.map(Value::Int));
    if let Some(mut s) = f.block("suspended_state")? {
        let mut st = Map::new();
        for (key, name) in [
            ("dynamic_scaling_in_suspended", "DynamicScalingInSuspended"),
            ("dynamic_scaling_out_suspended", "DynamicScalingOutSuspended"),
            ("scheduled_scaling_suspended", "ScheduledScalingSuspended"),
        ] {
            if s.boolean(key)? == Some(true) {
                st.insert(name, Value::Bool(true));
            }
        }
        ctx.finish(&s);
        if !st.is_empty() {
            m.insert("SuspendedState", Value::Map(st));
        }
    }
    ctx.finish(&f);
    ctx.imported(i, format!("applicationAutoScaling.scalableTargets: {id}"));
    Ok((format!("from {address}"), Value::Map(m)))
}

fn policy(ctx: &mut Ctx<'_>, i: usize, id: &str) -> Result<Option<Item>, TerraformError> {
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
            m.opt("StepScalingPolicyConfiguration", step_scaling(ctx, &mut f)?);
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
fn step_scaling(ctx: &mut Ctx<'_>, f: &mut Fields<'_>) -> Result<Option<Value>, TerraformError> {
    let Some(mut c) = f.block("step_scaling_policy_configuration")? else {
        return Ok(None);
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
    Ok(Some(Value::Map(m)))
}

fn scheduled_action(ctx: &mut Ctx<'_>, i: usize, id: &str) -> Result<Item, TerraformError> {
    let address = ctx.address(i).to_string();
    let mut f = ctx.fields(i);
    skip_common(&mut f);
    let name = f.string("name")?.unwrap_or_else(|| ctx.resource(i).name.clone());
    let mut m = Map::new();
    m.insert("ScheduledActionName", Value::from(&name));
    common(&mut m, id);
    let schedule = f.string("schedule")?.ok_or_else(|| {
        TerraformError::new(
            &f.child("schedule"),
            "a scheduled action without schedule",
            "schedule is required: at(...), rate(...) or cron(...)",
        )
    })?;
    m.insert("Schedule", Value::from(schedule));
    m.opt("Timezone", f.string("timezone")?.map(Value::from));
    m.opt("StartTime", f.string("start_time")?.map(Value::from));
    m.opt("EndTime", f.string("end_time")?.map(Value::from));
    if let Some(mut a) = f.block("scalable_target_action")? {
        let mut am = Map::new();
        // The provider stores both as strings, so that either may be left out.
        am.opt("MinCapacity", a.int("min_capacity")?.map(Value::Int));
        am.opt("MaxCapacity", a.int("max_capacity")?.map(Value::Int));
        ctx.finish(&a);
        m.insert("ScalableTargetAction", Value::Map(am));
    }
    ctx.finish(&f);
    ctx.imported(i, format!("applicationAutoScaling.scheduledActions: {name}"));
    Ok((format!("from {address}"), Value::Map(m)))
}
