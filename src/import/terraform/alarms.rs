//! `aws_cloudwatch_metric_alarm` -> `cloudWatch.alarms`: alarms on a service's `AWS/ECS` CPU or
//! memory utilization, with the step scaling policies their `alarm_actions` invoke (by ARN in a
//! state, through the configuration's references in a plan).

use super::TerraformError;
use super::link::{linked_all, name_in_identifier, name_of};
use super::scenario::{Ctx, Item};
use super::values::{InsertSome, num, seq, strings};
use crate::import::doc::{Map, Value};

/// The metrics whose alarms ecsim evaluates from a Terraform document.
const ECS_METRICS: &[&str] = &["CPUUtilization", "MemoryUtilization"];

/// Every alarm on a service of the scenario; others are listed as ignored.
pub fn alarms(
    ctx: &mut Ctx<'_>,
    cluster: &str,
    services: &[String],
    policies: &[String],
) -> Result<Vec<Item>, TerraformError> {
    let mut items = Vec::new();
    for i in ctx.indices("aws_cloudwatch_metric_alarm") {
        if let Some(item) = alarm(ctx, i, cluster, services, policies)? {
            items.push(item);
        }
    }
    Ok(items)
}

fn alarm(
    ctx: &mut Ctx<'_>,
    i: usize,
    cluster: &str,
    services: &[String],
    policies: &[String],
) -> Result<Option<Item>, TerraformError> {
    let address = ctx.address(i).to_string();
    let mut f = ctx.fields(i);
    let name = f.string("alarm_name")?.unwrap_or_else(|| ctx.resource(i).name.clone());
    let namespace = f.string("namespace")?.unwrap_or_default();
    let metric = f.string("metric_name")?.unwrap_or_default();
    if namespace != "AWS/ECS" || !ECS_METRICS.contains(&metric.as_str()) {
        let what = if metric.is_empty() {
            "a metric-math alarm".to_string()
        } else {
            format!("{namespace} {metric}")
        };
        ctx.ignored(
            i,
            format!("an alarm on {what} (ecsim imports alarms on AWS/ECS CPUUtilization and MemoryUtilization)"),
        );
        return Ok(None);
    }
    let mut dimensions = f.string_map("dimensions")?;
    if dimensions.is_empty() {
        dimensions = dimensions_from_references(ctx, i);
    }
    let dimension = |k: &str| dimensions.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let (Some(c), Some(s)) = (dimension("ClusterName"), dimension("ServiceName")) else {
        ctx.ignored(i, "no ClusterName and ServiceName dimensions (a cluster-wide alarm)");
        return Ok(None);
    };
    if c != cluster || !services.contains(&s) {
        ctx.ignored(i, format!("watches service {c}/{s}, not one of the scenario"));
        return Ok(None);
    }
    let mut m = Map::new();
    m.insert("AlarmName", Value::from(&name));
    m.insert("Namespace", Value::from(namespace));
    m.insert("MetricName", Value::from(metric));
    let dims: Vec<Value> = dimensions
        .iter()
        .map(|(n, v)| Value::Map(Map::new().with("Name", n).with("Value", v)))
        .collect();
    m.insert("Dimensions", seq(dims));
    m.opt("Statistic", f.string("statistic")?.map(Value::from));
    m.opt("ExtendedStatistic", f.string("extended_statistic")?.map(Value::from));
    m.opt("Period", f.int("period")?.map(Value::Int));
    m.opt("EvaluationPeriods", f.int("evaluation_periods")?.map(Value::Int));
    m.opt("DatapointsToAlarm", f.int("datapoints_to_alarm")?.map(Value::Int));
    m.opt("Threshold", f.number("threshold")?.map(num));
    m.opt("ComparisonOperator", f.string("comparison_operator")?.map(Value::from));
    m.opt("TreatMissingData", f.string("treat_missing_data")?.map(Value::from));
    if f.boolean("actions_enabled")? == Some(false) {
        m.insert("ActionsEnabled", Value::Bool(false));
    }
    let actions = alarm_actions(ctx, i, &mut f, policies)?;
    if !actions.is_empty() {
        m.insert("AlarmActions", strings(&actions));
    }
    f.skip(&["alarm_description", "unit"]);
    ctx.finish(&f);
    ctx.imported(i, format!("cloudWatch.alarms: {name}"));
    Ok(Some((format!("from {address}"), Value::Map(m))))
}

/// The names of the imported scaling policies `alarm_actions` invokes; other actions (SNS
/// topics, EC2 Auto Scaling policies) are reported as ignored.
fn alarm_actions(
    ctx: &mut Ctx<'_>,
    i: usize,
    f: &mut super::fields::Fields<'_>,
    policies: &[String],
) -> Result<Vec<String>, TerraformError> {
    let path = f.child("alarm_actions");
    let known = f.strings("alarm_actions")?;
    let mut names: Vec<String> = Vec::new();
    if f.value("alarm_actions").is_some() {
        for arn in &known {
            if arn.contains(":scalingPolicy:") && arn.contains("policyName/") {
                names.push(name_in_identifier("aws_appautoscaling_policy", arn));
            } else {
                let why = format!("{arn}: only Application Auto Scaling policies are simulated");
                ctx.report.ignored(&path, "alarm action", why);
            }
        }
    } else {
        let model = ctx.model;
        for other in model.references(i, "alarm_actions") {
            let r = ctx.resource(other.resource);
            if r.kind != "aws_appautoscaling_policy" {
                let why = format!("{}: only Application Auto Scaling policies are simulated", r.address);
                ctx.report.ignored(&path, "alarm action", why);
            }
        }
        for (p, written) in linked_all(model, i, "alarm_actions", "aws_appautoscaling_policy") {
            ctx.resolved(i, format!("alarm_actions = {written}"));
            names.push(name_of(ctx.resource(p)).unwrap_or_else(|| ctx.resource(p).name.clone()));
        }
    }
    let mut kept = Vec::new();
    for n in names {
        if policies.contains(&n) {
            kept.push(n);
        } else {
            ctx.report
                .ignored(&path, "alarm action", format!("policy {n}, which is not imported"));
        }
    }
    Ok(kept)
}

/// `ClusterName` and `ServiceName` from the cluster and service the `dimensions` expression
/// references, when a plan does not know the map yet.
fn dimensions_from_references(ctx: &mut Ctx<'_>, i: usize) -> Vec<(String, String)> {
    let refs = ctx.model.references(i, "dimensions");
    let mut dims = Vec::new();
    for (kind, key) in [("aws_ecs_cluster", "ClusterName"), ("aws_ecs_service", "ServiceName")] {
        if let Some(r) = refs.iter().find(|r| ctx.resource(r.resource).kind == kind) {
            if let Some(n) = name_of(ctx.resource(r.resource)) {
                ctx.resolved(i, format!("dimensions.{key} = {} ({n})", r.written));
                dims.push((key.to_string(), n));
            }
        }
    }
    dims
}
