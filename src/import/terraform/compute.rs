//! `aws_autoscaling_group` -> `ec2AutoScaling.autoScalingGroups`, with the instance type found
//! in the group's `aws_launch_template` (or `aws_launch_configuration`) or in its mixed instances
//! policy's overrides, and the Availability Zones it names or, for subnets, a guess.

use super::TerraformError;
use super::fields::Fields;
use super::link::name_of;
use super::scenario::{Ctx, Item};
use super::values::{InsertSome, seq, strings};
use crate::import::doc::{Map, Value};

/// The instance type a group gets when nothing in the document says which (reported as a guess).
const FALLBACK_INSTANCE_TYPE: &str = "m5.large";

/// The groups, and the Availability Zones they use (for the scenario's `availabilityZones`).
pub fn auto_scaling_groups(ctx: &mut Ctx<'_>) -> Result<(Vec<Item>, Vec<String>), TerraformError> {
    let mut items = Vec::new();
    let mut zones: Vec<String> = Vec::new();
    for i in ctx.indices("aws_autoscaling_group") {
        let (item, group_zones) = group(ctx, i)?;
        for z in group_zones {
            if !zones.contains(&z) {
                zones.push(z);
            }
        }
        items.push(item);
    }
    // The launch templates and configurations were read for their instance type only.
    for kind in ["aws_launch_template", "aws_launch_configuration"] {
        for i in ctx.indices(kind) {
            ctx.ignored(i, "read for its instance type only; nothing else of it is modelled");
        }
    }
    Ok((items, zones))
}

fn group(ctx: &mut Ctx<'_>, i: usize) -> Result<(Item, Vec<String>), TerraformError> {
    let address = ctx.address(i).to_string();
    let mut f = ctx.fields(i);
    let name = match f.string("name")? {
        Some(n) => n,
        None => {
            let n = ctx.resource(i).name.clone();
            ctx.guess(i, format!("no name known yet (name_prefix or computed); named `{n}`"));
            n
        }
    };
    f.skip(&["name_prefix"]);
    let min = f.int("min_size")?;
    let max = f.int("max_size")?;
    let desired = f.int("desired_capacity")?;
    let mut m = Map::new();
    m.insert("AutoScalingGroupName", Value::from(&name));
    let (Some(min), Some(max)) = (min, max) else {
        return Err(TerraformError::new(
            &f.child(if min.is_none() { "min_size" } else { "max_size" }),
            "an Auto Scaling group needs min_size and max_size",
            "they are required arguments of aws_autoscaling_group; import the output of a plan or state that has them",
        ));
    };
    match mixed_instances_policy(ctx, &mut f)? {
        Some(policy) => {
            m.insert("MixedInstancesPolicy", policy);
        }
        None => {
            let itype = instance_type(ctx, i, &mut f)?;
            m.insert("InstanceType", Value::from(itype));
        }
    }
    m.insert("MinSize", Value::Int(min));
    m.insert("MaxSize", Value::Int(max));
    if let Some(d) = desired.filter(|d| (min..=max).contains(d)) {
        m.insert("DesiredCapacity", Value::Int(d));
    } else if desired.is_none() {
        ctx.guess(
            i,
            format!("desired_capacity not known (computed); the group starts at min_size {min}"),
        );
    }
    if f.boolean("protect_from_scale_in")? == Some(true) {
        m.insert("NewInstancesProtectedFromScaleIn", Value::Bool(true));
    }
    m.opt(
        "DefaultInstanceWarmup",
        f.int("default_instance_warmup")?.map(Value::Int),
    );
    let zones = zones(ctx, &mut f)?;
    m.insert("AvailabilityZones", strings(&zones));
    ctx.finish(&f);
    ctx.imported(i, format!("ec2AutoScaling.autoScalingGroups: {name}"));
    Ok(((format!("from {address}"), Value::Map(m)), zones))
}

/// `availability_zones` as written, or one zone of the region per subnet of
/// `vpc_zone_identifier` (a guess: subnets do not say their zone in the document).
fn zones(ctx: &mut Ctx<'_>, f: &mut Fields<'_>) -> Result<Vec<String>, TerraformError> {
    let zones = f.strings("availability_zones")?;
    let subnets = f.strings("vpc_zone_identifier")?;
    if !zones.is_empty() {
        return Ok(zones);
    }
    // Three zones when the subnets are not known (a plan) or there are more than the letters.
    let count = if subnets.is_empty() { 3 } else { subnets.len().min(6) };
    let guessed: Vec<String> = ["a", "b", "c", "d", "e", "f"][..count]
        .iter()
        .map(|letter| format!("{}{letter}", ctx.region))
        .collect();
    let from = if subnets.is_empty() {
        "no availability_zones and no known subnets".to_string()
    } else {
        format!("{} subnets in vpc_zone_identifier", subnets.len())
    };
    let what = format!("{from}; assumed one Availability Zone each: {}", guessed.join(", "));
    ctx.report.guess(&f.path, "Availability Zones", what);
    Ok(guessed)
}

/// The instance type of a group with a launch template or launch configuration.
fn instance_type(ctx: &mut Ctx<'_>, i: usize, f: &mut Fields<'_>) -> Result<String, TerraformError> {
    let from_template = match f.block("launch_template")? {
        Some(mut lt) => {
            let id = lt.string("id")?.or(lt.string("name")?);
            lt.skip(&["version"]);
            let template = ctx
                .linked(i, "launch_template.0.id", id.as_deref(), "aws_launch_template")
                .or_else(|| ctx.linked(i, "launch_template.0.name", None, "aws_launch_template"));
            ctx.finish(&lt);
            template
        }
        None => {
            let lc = f.string("launch_configuration")?;
            ctx.linked(i, "launch_configuration", lc.as_deref(), "aws_launch_configuration")
        }
    };
    let itype = from_template.and_then(|t| {
        ctx.resource(t)
            .values
            .get("instance_type")
            .and_then(|v| v.as_str())
            .map(str::to_string)
    });
    Ok(match itype {
        Some(t) => t,
        None => {
            let why = match from_template {
                Some(t) => format!("{} has no instance_type", ctx.address(t)),
                None => "its launch template is not in the document".into(),
            };
            ctx.guess(i, format!("{why}; instance type {FALLBACK_INSTANCE_TYPE} assumed"));
            FALLBACK_INSTANCE_TYPE.to_string()
        }
    })
}

/// `mixed_instances_policy` -> `MixedInstancesPolicy` with the overrides' instance types (the
/// launch template's own type first when there are none) and the instances distribution.
fn mixed_instances_policy(ctx: &mut Ctx<'_>, f: &mut Fields<'_>) -> Result<Option<Value>, TerraformError> {
    let Some(mut policy) = f.block("mixed_instances_policy")? else {
        return Ok(None);
    };
    let mut types = Vec::new();
    if let Some(mut lt) = policy.block("launch_template")? {
        for mut o in lt.blocks("override")? {
            if let Some(t) = o.string("instance_type")? {
                types.push(t);
            }
            ctx.finish(&o);
        }
        if let Some(mut spec) = lt.block("launch_template_specification")? {
            let id = spec
                .string("launch_template_id")?
                .or(spec.string("launch_template_name")?);
            spec.skip(&["version"]);
            if types.is_empty() {
                let template = id.and_then(|id| super::link::find_by_identifier(ctx.model, "aws_launch_template", &id));
                if let Some(t) = template.and_then(|t| {
                    ctx.resource(t)
                        .values
                        .get("instance_type")?
                        .as_str()
                        .map(str::to_string)
                }) {
                    types.push(t);
                }
            }
            ctx.finish(&spec);
        }
        ctx.finish(&lt);
    }
    if types.is_empty() {
        let what = format!("no instance type in overrides or launch template; {FALLBACK_INSTANCE_TYPE} assumed");
        ctx.report.guess(&policy.path, "instance type", what);
        types.push(FALLBACK_INSTANCE_TYPE.into());
    }
    let mut m = Map::new();
    let overrides: Vec<Value> = types
        .into_iter()
        .map(|t| Value::Map(Map::new().with("InstanceType", t)))
        .collect();
    m.insert("LaunchTemplate", Map::new().with("Overrides", seq(overrides)));
    if let Some(mut d) = policy.block("instances_distribution")? {
        let mut dist = Map::new();
        dist.opt(
            "OnDemandAllocationStrategy",
            d.string("on_demand_allocation_strategy")?.map(Value::from),
        );
        dist.opt(
            "OnDemandBaseCapacity",
            d.int("on_demand_base_capacity")?.map(Value::Int),
        );
        dist.opt(
            "OnDemandPercentageAboveBaseCapacity",
            d.int("on_demand_percentage_above_base_capacity")?.map(Value::Int),
        );
        dist.opt(
            "SpotAllocationStrategy",
            d.string("spot_allocation_strategy")?.map(Value::from),
        );
        ctx.finish(&d);
        m.insert("InstancesDistribution", Value::Map(dist));
    }
    ctx.finish(&policy);
    Ok(Some(Value::Map(m)))
}

/// The name an `aws_autoscaling_group` has in the scenario (its resource name when unknown).
pub fn group_name(ctx: &Ctx<'_>, i: usize) -> String {
    name_of(ctx.resource(i)).unwrap_or_else(|| ctx.resource(i).name.clone())
}
