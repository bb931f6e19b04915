//! `AWS/ApplicationELB` metrics in a scenario (issue 14, item 4): `TargetResponseTime`,
//! `RequestCount`, `HTTPCode_Target_5XX_Count` and `HTTPCode_ELB_5XX_Count`, named by their
//! `TargetGroup` dimension (with `LoadBalancer`, as CloudWatch lists them), for a target tracking
//! `CustomizedMetricSpecification` and for `cloudWatch.alarms` (so for deployment alarms too).
//!
//! What the reader refuses, and why (the README's "ALB metrics" section):
//! - a target group no service registers its tasks in, or more than one service does;
//! - `TargetResponseTime` and `HTTPCode_ELB_5XX_Count` of a service without a service model
//!   (`serviceTime` and `concurrency`): without it there are no response times or timeouts;
//! - Minimum, Maximum, p0 and p100 of `TargetResponseTime` (the estimate is a distribution
//!   without a fastest or slowest request), and any statistic but Sum and SampleCount of a count
//!   (each request is a sample of 1: the others are always 1);
//! - a percentile where the AWS API has none (`CustomizedMetricSpecification.Statistic`,
//!   `PutMetricAlarm`'s `Statistic`), with the field that takes it.

use super::autoscaling::Context;
use super::diag::{BEHAVIOR_TASK_DEFINITIONS, Diagnostics, closest};
use super::load_balancing::name_in_arn;
use super::yaml::Loc;
use crate::sim::ServiceIdx;
use crate::workload::{AlbMetric, AlbStatistic, Percentile};

/// The namespace.
pub const NAMESPACE: &str = "AWS/ApplicationELB";
/// The dimensions the simulator resolves: the target group names the service; the load
/// balancer is accepted as written (the simulator has one per target group).
const DIMENSIONS: &[&str] = &["LoadBalancer", "TargetGroup"];

/// One `{Name, Value}` of `Dimensions`, with where its value is written.
pub struct Dimension {
    /// `Name`.
    pub name: String,
    /// `Value`.
    pub value: String,
    /// Where `Value` is.
    pub loc: Loc,
    /// Path of `Value`.
    pub path: String,
}

/// Where a statistic is written, which decides whether it may be a percentile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatisticField {
    /// `CustomizedMetricSpecification.Statistic`: Average, Minimum, Maximum, SampleCount, Sum.
    CustomizedStatistic,
    /// A metric-math `MetricStat.Stat`: any statistic, percentiles included.
    MetricStat,
    /// `PutMetricAlarm`'s `Statistic` (a percentile goes in `ExtendedStatistic`).
    AlarmStatistic,
    /// `PutMetricAlarm`'s `ExtendedStatistic`: a percentile.
    AlarmExtendedStatistic,
}

/// The metric called `name` (written at `loc`, `path`), or an error listing the supported ones.
pub fn metric_named(name: &str, loc: Loc, path: &str, d: &mut Diagnostics) -> Option<AlbMetric> {
    let metric = AlbMetric::from_name(name);
    if metric.is_none() {
        let names: Vec<&str> = AlbMetric::ALL.iter().map(|m| m.name()).collect();
        let help = match closest(name, names.iter().copied()) {
            Some(c) => format!("did you mean `{c}`?"),
            None => format!("supported in {NAMESPACE}: {}", names.join(", ")),
        };
        d.error(
            loc,
            path,
            format!("`{name}` is not a metric the simulator publishes in {NAMESPACE}"),
            Some(help),
        );
    }
    metric
}

/// The statistic `text` (written at `loc`, `path`, in `field`) of `metric`.
pub fn statistic_of(
    metric: AlbMetric,
    text: &str,
    (loc, path): (Loc, &str),
    field: StatisticField,
    d: &mut Diagnostics,
) -> Option<AlbStatistic> {
    let name = metric.name();
    let parsed = AlbStatistic::parse(text);
    let percentile = matches!(parsed, Some(AlbStatistic::Percentile(_)));
    let mut error = |message: String, help: &str| {
        d.error(loc, path, message, Some(help.to_string()));
        None
    };
    match field {
        StatisticField::AlarmExtendedStatistic if !percentile => {
            let message =
                format!("`{text}` is not a percentile such as p99 or p99.9 (p0 to p100, two decimals at most)");
            return error(
                message,
                "ExtendedStatistic takes pNN.NN; Average, Sum and SampleCount go in Statistic",
            );
        }
        StatisticField::CustomizedStatistic if percentile => {
            let message = format!("CustomizedMetricSpecification.Statistic cannot be the percentile `{text}`");
            return error(
                message,
                "for a percentile, use Metrics with one query whose MetricStat has Stat: p99",
            );
        }
        StatisticField::AlarmStatistic if percentile => {
            let message = format!("Statistic cannot be the percentile `{text}`");
            return error(message, "write it as ExtendedStatistic instead");
        }
        _ => {}
    }
    if metric.is_count() {
        return match parsed {
            Some(s @ (AlbStatistic::Sum | AlbStatistic::SampleCount)) => Some(s),
            _ => error(
                format!("`{text}` of {name} is not useful: each request is a sample of 1, so it is always 1"),
                "use Sum (the number of requests in the period)",
            ),
        };
    }
    match parsed {
        Some(AlbStatistic::Percentile(p)) if p.is_extreme() => error(
            format!(
                "{p} of {name} would be the fastest or slowest request, which the simulator's response-time distribution does not have"
            ),
            "use a percentile between them, such as p99.9",
        ),
        Some(s) => Some(s),
        None if matches!(text, "Minimum" | "Maximum") => error(
            format!(
                "{text} of {name} would be the fastest or slowest request, which the simulator's response-time distribution does not have"
            ),
            "use a percentile such as p99.9, or Average",
        ),
        None => error(
            format!("`{text}` is not a statistic of {name}"),
            "use Average, Sum, SampleCount or a percentile such as p99",
        ),
    }
}

/// The service whose target group `dims` name (`dims_loc`, `dims_path`: the `Dimensions` key),
/// checked to have what `metric` needs.
pub fn target_group_service(
    metric: AlbMetric,
    dims: &[Dimension],
    (dims_loc, dims_path): (Loc, &str),
    ctx: &Context<'_>,
    d: &mut Diagnostics,
) -> Option<ServiceIdx> {
    let mut ok = true;
    for dim in dims.iter().filter(|dim| !DIMENSIONS.contains(&dim.name.as_str())) {
        let path = dim.path.trim_end_matches(".Value");
        let help = if dim.name == "AvailabilityZone" {
            "the simulator publishes the metric per target group, not per zone: drop this dimension".to_string()
        } else {
            format!("its dimensions: {}", DIMENSIONS.join(", "))
        };
        d.error(
            dim.loc,
            &format!("{path}.Name"),
            format!("`{}` is not a dimension of this metric", dim.name),
            Some(help),
        );
        ok = false;
    }
    let Some(dim) = dims.iter().find(|dim| dim.name == "TargetGroup") else {
        if ok {
            d.error(
                dims_loc,
                dims_path,
                format!("{} needs a TargetGroup dimension: the simulator publishes it per target group", metric.name()),
                Some("add {Name: TargetGroup, Value: targetgroup/<name>/<id>} naming a group of elasticLoadBalancing.targetGroups".into()),
            );
        }
        return None;
    };
    let name = name_in_arn(&dim.value).unwrap_or_else(|| dim.value.clone());
    let Some(group) = ctx.target_groups.iter().position(|g| g.name == name) else {
        if d.unread.covers(super::diag::Declared::TargetGroup, &name) {
            return None;
        }
        let help = closest(&name, ctx.target_groups.iter().map(|g| g.name.as_str()))
            .map(|c| format!("did you mean `targetgroup/{c}/<id>`?"))
            .unwrap_or_else(|| "define it under elasticLoadBalancing.targetGroups".into());
        d.error(
            dim.loc,
            &dim.path,
            format!("no target group `{name}` in elasticLoadBalancing.targetGroups"),
            Some(help),
        );
        return None;
    };
    // A service's alternate target group (green's, reference 8.7) names the service too; its
    // metrics are the service's (A21).
    let users: Vec<usize> = (0..ctx.services.len())
        .filter(|&i| {
            let s = &ctx.services[i];
            s.target_groups.contains(&group)
                || s.advanced_configurations
                    .iter()
                    .flatten()
                    .any(|a| a.alternate_target_group == group)
        })
        .collect();
    let &[service] = users.as_slice() else {
        // The service that registers its tasks there may be the one that failed to read, or
        // one whose load balancer (its alternate target group) has an error of its own.
        let load_balancer_failed = || {
            d.errors
                .iter()
                .any(|e| e.path.starts_with("ecs.services[") && e.path.contains(".loadBalancers"))
        };
        let unread = |kind| d.unread.any(kind);
        if users.is_empty()
            && (unread(super::diag::Declared::Service)
                || unread(super::diag::Declared::TargetGroup)
                || load_balancer_failed())
        {
            return None;
        }
        let message = if users.is_empty() {
            format!("no service registers its tasks in target group `{name}`")
        } else {
            let names: Vec<&str> = users.iter().map(|&i| ctx.services[i].name.as_str()).collect();
            format!(
                "target group `{name}` serves several services ({}): the simulator keeps one load per service",
                names.join(", ")
            )
        };
        let help = format!(
            "give one service loadBalancers: [{{targetGroupArn: {name}, containerName: <name>, containerPort: <port>}}]"
        );
        d.error(dim.loc, &dim.path, message, Some(help));
        return None;
    };
    if !ok {
        return None;
    }
    let s = &ctx.services[service];
    let modelled = s.queue.is_none() && ctx.behavior.task_definitions[s.task_definition].service_model.is_some();
    // A behavior entry that failed to read (a misspelt family or `serviceTim:`) may be the one
    // with the service model: its own error is the one to fix.
    if metric.needs_service_model() && !modelled && !d.failed_under(BEHAVIOR_TASK_DEFINITIONS) {
        d.error(
            dim.loc,
            &dim.path,
            format!(
                "{} of service `{}` needs a service model: without one the simulator has no response times or timeouts",
                metric.name(),
                s.name
            ),
            Some("give its task definition serviceTime and concurrency under behavior.taskDefinitions".into()),
        );
        return None;
    }
    Some(ServiceIdx(service))
}

/// Whether `text` is a percentile statistic (`p99`), for the readers of other namespaces.
pub fn is_percentile(text: &str) -> bool {
    Percentile::parse(text).is_some()
}
