//! `aws_appautoscaling_target`, `aws_appautoscaling_policy` (target tracking and step) and
//! `aws_appautoscaling_scheduled_action` -> `applicationAutoScaling`, for the ECS services of the
//! scenario. A `resource_id` a plan does not know yet is rebuilt from what it references
//! (`service/<cluster>/<service>`, or the scalable target's).

use super::TerraformError;
use super::fields::Fields;
use super::link::name_of;
use super::scenario::{Ctx, Item};
use super::values::{InsertSome, commented};
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
        if let Some(p) = super::scaling_policies::policy(ctx, i, &id)? {
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
pub(super) fn common(m: &mut Map, id: &str) {
    m.insert("ServiceNamespace", Value::from("ecs"));
    m.insert("ResourceId", Value::from(id));
    m.insert("ScalableDimension", Value::from(SERVICE_DIMENSION));
}

pub(super) fn skip_common(f: &mut Fields<'_>) {
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
    for (key, name) in [("min_capacity", "MinCapacity"), ("max_capacity", "MaxCapacity")] {
        let value = f.int(key)?.ok_or_else(|| {
            TerraformError::new(
                &f.child(key),
                format!("a scalable target without {key}"),
                format!("{key} is a required argument of aws_appautoscaling_target"),
            )
        })?;
        m.insert(name, value);
    }
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
