//! `aws_cloudwatch_metric_alarm` -> `cloudWatch.alarms`: alarms on a service's `AWS/ECS` CPU or
//! memory utilization, with the step scaling policies their `alarm_actions` invoke (by ARN in a
//! state, through the configuration's references in a plan).

use super::TerraformError;
use super::link::{linked_all, name_in_identifier, name_of};
use super::scenario::{Ctx, Item};
use super::yaml_out::{MapOut, Out};

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
        ctx.report.ignored(format!(
            "{address}: an alarm on {what} (ecsim imports alarms on AWS/ECS CPUUtilization and MemoryUtilization)"
        ));
        return Ok(None);
    }
    let mut dimensions = f.string_map("dimensions")?;
    if dimensions.is_empty() {
        dimensions = dimensions_from_references(ctx, i);
    }
    let dimension = |k: &str| dimensions.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let (Some(c), Some(s)) = (dimension("ClusterName"), dimension("ServiceName")) else {
        ctx.report.ignored(format!(
            "{address}: no ClusterName and ServiceName dimensions (a cluster-wide alarm)"
        ));
        return Ok(None);
    };
    if c != cluster || !services.contains(&s) {
        ctx.report
            .ignored(format!("{address}: watches service {c}/{s}, not one of the scenario"));
        return Ok(None);
    }
    let mut m = MapOut::default();
    m.put("AlarmName", Out::str(&name));
    m.put("Namespace", Out::str(namespace));
    m.put("MetricName", Out::str(metric));
    let dims: Vec<Out> = dimensions
        .iter()
        .map(|(n, v)| Out::Map(vec![("Name".into(), Out::str(n)), ("Value".into(), Out::str(v))]))
        .collect();
    m.put("Dimensions", Out::list(dims));
    m.opt("Statistic", f.string("statistic")?.map(Out::str));
    m.opt("ExtendedStatistic", f.string("extended_statistic")?.map(Out::str));
    m.opt("Period", f.int("period")?.map(Out::int));
    m.opt("EvaluationPeriods", f.int("evaluation_periods")?.map(Out::int));
    m.opt("DatapointsToAlarm", f.int("datapoints_to_alarm")?.map(Out::int));
    m.opt("Threshold", f.number("threshold")?.map(Out::num));
    m.opt("ComparisonOperator", f.string("comparison_operator")?.map(Out::str));
    m.opt("TreatMissingData", f.string("treat_missing_data")?.map(Out::str));
    if f.boolean("actions_enabled")? == Some(false) {
        m.put("ActionsEnabled", Out::Bool(false));
    }
    let actions = alarm_actions(ctx, i, &mut f, policies)?;
    if !actions.is_empty() {
        m.put("AlarmActions", Out::list(actions.iter().map(Out::str).collect()));
    }
    f.skip(&["alarm_description", "unit"]);
    ctx.finish(&f);
    ctx.report.imported(&address, format!("cloudWatch.alarms: {name}"));
    Ok(Some((Some(format!("from {address}")), m.done())))
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
                ctx.report.ignored(format!(
                    "{path}: {arn} (only Application Auto Scaling policies are simulated)"
                ));
            }
        }
    } else {
        let model = ctx.model;
        for p in linked_all(model, &mut ctx.report, i, "alarm_actions", "aws_appautoscaling_policy") {
            names.push(name_of(ctx.resource(p)).unwrap_or_else(|| ctx.resource(p).name.clone()));
        }
    }
    let mut kept = Vec::new();
    for n in names {
        if policies.contains(&n) {
            kept.push(n);
        } else {
            ctx.report.ignored(format!("{path}: policy {n}, which is not imported"));
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
                ctx.report
                    .resolved
                    .push(format!("{}.dimensions.{key} = {} ({n})", ctx.address(i), r.written));
                dims.push((key.to_string(), n));
            }
        }
    }
    dims
}
