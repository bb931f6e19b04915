//! `aws_lb_target_group` -> `elasticLoadBalancing.targetGroups`: the health check's interval and
//! thresholds, and the attributes ecsim models (deregistration delay, slow start, routing
//! algorithm) as describe-target-group-attributes prints them.

use super::TerraformError;
use super::link::name_of;
use super::scenario::{Ctx, Item};
use super::values::{InsertSome, seq};
use crate::import::doc::{Map, Value};

/// Every target group.
pub fn target_groups(ctx: &mut Ctx<'_>) -> Result<Vec<Item>, TerraformError> {
    let mut items = Vec::new();
    for i in ctx.indices("aws_lb_target_group") {
        let address = ctx.address(i).to_string();
        let mut f = ctx.fields(i);
        f.string("name")?;
        f.skip(&["name_prefix", "arn_suffix", "load_balancer_arns"]);
        let name = target_group_name(ctx, i);
        if name_of(ctx.resource(i)).is_none() {
            ctx.guess(
                i,
                format!("no name known (name_prefix, or computed); named `{name}` after the resource"),
            );
        }
        let mut m = Map::new();
        m.insert("TargetGroupName", Value::from(&name));
        if let Some(mut hc) = f.block("health_check")? {
            m.opt("HealthCheckIntervalSeconds", hc.int("interval")?.map(Value::Int));
            m.opt("HealthyThresholdCount", hc.int("healthy_threshold")?.map(Value::Int));
            m.opt(
                "UnhealthyThresholdCount",
                hc.int("unhealthy_threshold")?.map(Value::Int),
            );
            ctx.finish(&hc);
        }
        let mut attributes = Vec::new();
        let mut attribute = |key: &str, value: String| {
            attributes.push(Value::Map(Map::new().with("Key", key).with("Value", value)));
        };
        if let Some(d) = f.int("deregistration_delay")? {
            attribute("deregistration_delay.timeout_seconds", d.to_string());
        }
        if let Some(s) = f.int("slow_start")? {
            attribute("slow_start.duration_seconds", s.to_string());
        }
        if let Some(a) = f.string("load_balancing_algorithm_type")? {
            attribute("load_balancing.algorithm.type", a);
        }
        if !attributes.is_empty() {
            m.insert("Attributes", seq(attributes));
        }
        ctx.finish(&f);
        ctx.imported(i, format!("elasticLoadBalancing.targetGroups: {name}"));
        items.push((format!("from {address}"), Value::Map(m)));
    }
    Ok(items)
}

/// The target group's name, or its resource name when the name is not known (a `name_prefix`
/// or a generated name; reported as a guess by the caller that needs it).
pub fn target_group_name(ctx: &Ctx<'_>, i: usize) -> String {
    name_of(ctx.resource(i)).unwrap_or_else(|| ctx.resource(i).name.clone())
}
