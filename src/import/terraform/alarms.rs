//! `aws_cloudwatch_metric_alarm` -> `cloudWatch.alarms`: alarms on a service's `AWS/ECS` CPU or
//! memory utilization, or on the `AWS/ApplicationELB` metrics of the target group one service
//! registers in, with the step scaling policies their `alarm_actions` invoke (by ARN in a
//! state, through the configuration's references in a plan).

use super::TerraformError;
use super::fields::Fields;
use super::link::{linked_all, name_in_identifier, name_of};
use super::scenario::{Ctx, Item};
use super::services::ServiceSummary;
use super::values::{InsertSome, num, seq, strings};
use crate::import::doc::{Map, Value};
use crate::import::metric_math::{MetricStat, Query, single_metric};
use crate::import::observed;
use crate::workload::{AlbMetric, Percentile};

/// What an alarm may refer to: the scenario's cluster, services (with the target groups they
/// register in) and step scaling policies.
pub struct AlarmContext<'a> {
    /// The cluster's name.
    pub cluster: &'a str,
    /// The services.
    pub services: &'a [ServiceSummary],
    /// The names of the imported scaling policies.
    pub policies: &'a [String],
}

/// The alarms on the scenario's services (others are listed as ignored), and the services
/// whose alarms watch a response time, which needs a service model.
pub fn alarms(ctx: &mut Ctx<'_>, on: &AlarmContext<'_>) -> Result<(Vec<Item>, Vec<String>), TerraformError> {
    let mut items = Vec::new();
    let mut latency = Vec::new();
    for i in ctx.indices("aws_cloudwatch_metric_alarm") {
        if let Some(item) = alarm(ctx, i, on, &mut latency)? {
            items.push(item);
        }
    }
    Ok((items, latency))
}

fn alarm(
    ctx: &mut Ctx<'_>,
    i: usize,
    on: &AlarmContext<'_>,
    latency: &mut Vec<String>,
) -> Result<Option<Item>, TerraformError> {
    let (cluster, policies) = (on.cluster, on.policies);
    let address = ctx.address(i).to_string();
    let mut f = ctx.fields(i);
    let name = f.string("alarm_name")?.unwrap_or_else(|| ctx.resource(i).name.clone());
    let queries = metric_queries(ctx, &mut f)?;
    let threshold_metric = f.string("threshold_metric_id")?;
    let math = if queries.is_empty() {
        None
    } else {
        let one = match threshold_metric {
            Some(_) => Err(
                "its threshold is an anomaly detection band (threshold_metric_id), which ecsim does not compute"
                    .to_string(),
            ),
            None => single_metric(&queries).cloned(),
        };
        match one {
            Ok(stat) => Some(stat),
            Err(why) => {
                ctx.ignored(i, format!("an alarm on metric math (metric_query) left out: {why}"));
                return Ok(None);
            }
        }
    };
    let (namespace, metric) = match &math {
        Some(m) => (m.namespace.clone(), m.metric_name.clone()),
        None => (
            f.string("namespace")?.unwrap_or_default(),
            f.string("metric_name")?.unwrap_or_default(),
        ),
    };
    if !observed::alarm_metric(&namespace, &metric) {
        ctx.ignored(
            i,
            format!("an alarm on {namespace} {metric}, a metric ecsim does not produce"),
        );
        return Ok(None);
    }
    let (statistic, extended, period) = match &math {
        Some(m) => {
            let (field, stat) = m.statistic_field().unwrap_or(("Statistic", ""));
            let stat = Some(stat.to_string());
            let (s, e) = if field == "Statistic" {
                (stat, None)
            } else {
                (None, stat)
            };
            (s, e, m.period)
        }
        None => (
            f.string("statistic")?,
            f.string("extended_statistic")?,
            f.int("period")?,
        ),
    };
    let mut dimensions = match &math {
        Some(m) => m.dimensions.clone(),
        None => f.string_map("dimensions")?,
    };
    if dimensions.is_empty() && math.is_none() {
        dimensions = dimensions_from_references(ctx, i);
    }
    let dimension = |k: &str| dimensions.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    if namespace == "AWS/ECS" {
        let (Some(c), Some(s)) = (dimension("ClusterName"), dimension("ServiceName")) else {
            ctx.ignored(i, "no ClusterName and ServiceName dimensions (a cluster-wide alarm)");
            return Ok(None);
        };
        if c != cluster || !on.services.iter().any(|x| x.name == s) {
            ctx.ignored(i, format!("watches service {c}/{s}, not one of the scenario"));
            return Ok(None);
        }
    } else {
        let statistics = (statistic.clone(), extended.clone());
        let Some(service) = alb_service(ctx, i, on, &metric, dimension("TargetGroup"), statistics) else {
            return Ok(None);
        };
        if observed::needs_service_model(&namespace, &metric) && !latency.contains(&service) {
            latency.push(service);
        }
    }
    let mut m = Map::new();
    m.insert("AlarmName", Value::from(&name));
    m.insert("Namespace", Value::from(namespace.as_str()));
    m.insert("MetricName", Value::from(metric.as_str()));
    let dims: Vec<Value> = dimensions
        .iter()
        .map(|(n, v)| Value::Map(Map::new().with("Name", n).with("Value", v)))
        .collect();
    m.insert("Dimensions", seq(dims));
    m.opt("Statistic", statistic.map(Value::from));
    m.opt("ExtendedStatistic", extended.map(Value::from));
    m.opt("Period", period.map(Value::Int));
    m.opt("EvaluationPeriods", f.int("evaluation_periods")?.map(Value::Int));
    // The provider stores an unset datapoints_to_alarm as 0 (meaning: EvaluationPeriods).
    let datapoints = f.int("datapoints_to_alarm")?.filter(|&n| n > 0);
    m.opt("DatapointsToAlarm", datapoints.map(Value::Int));
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
    match &math {
        Some(m) => ctx.imported(
            i,
            format!(
                "cloudWatch.alarms: {name} (metric math whose result is the one metric {namespace} {metric} ({}), written as that metric)",
                m.stat
            ),
        ),
        None => ctx.imported(i, format!("cloudWatch.alarms: {name}")),
    }
    Ok(Some((format!("from {address}"), Value::Map(m))))
}

/// The `metric_query` blocks as `import::metric_math` reads them. The provider stores an unset
/// `return_data` as false and asks for exactly one true, so only true counts as returning data.
fn metric_queries(ctx: &mut Ctx<'_>, f: &mut Fields<'_>) -> Result<Vec<Query>, TerraformError> {
    let mut queries = Vec::new();
    for mut q in f.blocks("metric_query")? {
        let metric = match q.block("metric")? {
            Some(mut m) => {
                let stat = MetricStat {
                    namespace: m.string("namespace")?.unwrap_or_default(),
                    metric_name: m.string("metric_name")?.unwrap_or_default(),
                    dimensions: m.string_map("dimensions")?,
                    stat: m.string("stat")?.unwrap_or_default(),
                    period: m.int("period")?,
                };
                m.skip(&["unit"]);
                ctx.finish(&m);
                Some(stat)
            }
            None => None,
        };
        queries.push(Query {
            id: q.string("id")?.unwrap_or_default(),
            return_data: Some(q.boolean("return_data")? == Some(true)),
            expression: q.string("expression")?,
            metric,
        });
        q.skip(&["label"]);
        ctx.finish(&q);
    }
    Ok(queries)
}

/// The names of the imported scaling policies `alarm_actions` invokes; other actions (SNS
/// topics, EC2 Auto Scaling policies) are reported as ignored.
fn alarm_actions(
    ctx: &mut Ctx<'_>,
    i: usize,
    f: &mut Fields<'_>,
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
    // A load balancer's and a target group's `arn_suffix`: their names with placeholder ids
    // (ecsim reads only the target group's name).
    for (kinds, key, prefix) in [
        (&["aws_lb", "aws_alb"][..], "LoadBalancer", "app/"),
        (
            &["aws_lb_target_group", "aws_alb_target_group"][..],
            "TargetGroup",
            "targetgroup/",
        ),
    ] {
        if let Some(r) = refs
            .iter()
            .find(|r| kinds.contains(&ctx.resource(r.resource).kind.as_str()))
        {
            let name = name_of(ctx.resource(r.resource)).unwrap_or_else(|| ctx.resource(r.resource).name.clone());
            let value = format!("{prefix}{name}/0000000000000000");
            ctx.resolved(
                i,
                format!("dimensions.{key} = {} ({value}, its id a placeholder)", r.written),
            );
            dims.push((key.to_string(), value));
        }
    }
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

/// The one service of the scenario registered in the alarm's target group, when the statistic
/// is one ecsim computes for `metric`; otherwise reports why the alarm is left out.
fn alb_service(
    ctx: &mut Ctx<'_>,
    i: usize,
    on: &AlarmContext<'_>,
    metric: &str,
    target_group: Option<String>,
    (statistic, extended): (Option<String>, Option<String>),
) -> Option<String> {
    let Some(group) = target_group else {
        ctx.ignored(i, "no TargetGroup dimension (a whole load balancer's metric)");
        return None;
    };
    let name = group.strip_prefix("targetgroup/").unwrap_or(&group);
    let name = name.split('/').next().unwrap_or(name);
    let registered: Vec<&ServiceSummary> = on
        .services
        .iter()
        .filter(|s| s.target_groups.iter().any(|t| t == name))
        .collect();
    let [service] = registered[..] else {
        let count = registered.len();
        ctx.ignored(i, format!("watches target group {name}, which {count} services of the scenario register in (ecsim needs exactly one)"));
        return None;
    };
    let metric = AlbMetric::from_name(metric)?;
    let allowed = match (&statistic, &extended) {
        (Some(s), None) if metric.is_count() => s == "Sum" || s == "SampleCount",
        (Some(s), None) => !matches!(s.as_str(), "Minimum" | "Maximum"),
        (None, Some(p)) => !metric.is_count() && Percentile::parse(p).is_some_and(|p| !p.is_extreme()),
        _ => false,
    };
    if !allowed {
        let statistic = statistic.or(extended).unwrap_or_default();
        ctx.ignored(i, format!("the statistic {statistic} of {} is not one ecsim computes (counts: Sum or SampleCount; TargetResponseTime: not Minimum, Maximum, p0 or p100)", metric.name()));
        return None;
    }
    Some(service.name.clone())
}
