//! `cloudWatch.alarms`: CloudWatch alarms as `DescribeAlarms` prints them, the metric each
//! watches and the actions it takes.

use super::*;

pub(super) const ALARM_IGNORED: &[&str] = &[
    "AlarmArn",
    "AlarmDescription",
    "ActionsEnabled",
    "OKActions",
    "InsufficientDataActions",
    "StateValue",
    "StateReason",
    "StateReasonData",
    "StateUpdatedTimestamp",
    "AlarmConfigurationUpdatedTimestamp",
    "Unit",
    "EvaluateLowSampleCountPercentile",
    "StateTransitionedTimestamp",
    "Tags",
];

pub(super) fn read_alarm(node: &Node, path: &str, ctx: &Context<'_>, spec: &mut AutoScalingSpec, d: &mut Diagnostics) {
    let namespace = node.get("Namespace").and_then(|n| match &n.value {
        crate::scenario::yaml::Value::Scalar { text, .. } => Some(text.as_str()),
        _ => None,
    });
    if namespace == Some(super::group_alarms::EC2_NAMESPACE) {
        return super::group_alarms::read_group_alarm(node, path, ctx, spec, d);
    }
    let Some(mut o) = object(node, path, d) else { return };
    let name = o.required_string("AlarmName", "the alarm name", d);
    let watched = read_watched_metric(&mut o, ctx, d);
    let config = read_alarm_config(&mut o, d);
    let actions = read_alarm_actions(&mut o, spec, d);
    o.ignore(ALARM_IGNORED);
    o.finish(d);
    let (Some(name), Some(watched), Some(config)) = (name, watched, config) else {
        return;
    };
    let Some((high_resolution, datapoints_per_period)) = evaluation_period(&watched, path, d) else {
        return;
    };
    spec.alarms.push(AlarmSpec {
        name,
        stream: MetricStream {
            service: watched.service,
            metric: watched.metric,
            high_resolution,
            divided_by: None,
        },
        statistic: watched.statistic,
        datapoints_per_period,
        config,
        actions,
    });
}

/// The metric an alarm watches: `Namespace`, `MetricName`, `Statistic` or `ExtendedStatistic`,
/// `Dimensions` and `Period`.
struct WatchedMetric {
    service: ServiceIdx,
    metric: ServiceMetric,
    /// `Statistic` (a load balancer metric carries its statistic itself).
    statistic: Statistic,
    period: i64,
    period_loc: Loc,
}

/// The statistics of `PutMetricAlarm`'s `Statistic`.
pub(super) const ALARM_STATISTICS: &[&str] = &["Average", "Sum", "Minimum", "Maximum", "SampleCount"];

fn read_watched_metric(o: &mut Obj<'_>, ctx: &Context<'_>, d: &mut Diagnostics) -> Option<WatchedMetric> {
    let namespace = o.required_one_of(
        "Namespace",
        &[
            "AWS/ECS",
            alb_metric::NAMESPACE,
            SQS_NAMESPACE,
            super::group_alarms::EC2_NAMESPACE,
        ],
        "AWS/ECS, AWS/ApplicationELB, AWS/SQS, or AWS/EC2 for an Auto Scaling group",
        d,
    );
    let period_loc = o.key_loc("Period");
    let period = o.required_int("Period", 10, 86_400, "seconds, 60 or a multiple of 60", d);
    let watched = match namespace {
        Some(alb_metric::NAMESPACE) => read_alb_watched(o, ctx, d),
        Some(SQS_NAMESPACE) => read_sqs_watched(o, ctx, d),
        _ => read_ecs_watched(o, ctx, d),
    };
    let (service, metric, statistic) = watched?;
    namespace?;
    Some(WatchedMetric {
        service,
        metric,
        statistic,
        period: period?,
        period_loc,
    })
}

/// `Statistic` (optional where `ExtendedStatistic` may replace it): its text, reported when it is
/// a percentile (which goes in `ExtendedStatistic`) or not a statistic.
fn read_alarm_statistic(o: &mut Obj<'_>, d: &mut Diagnostics) -> Option<&'static str> {
    if let Some(n) = o.field("Statistic") {
        let text = match &n.value {
            crate::scenario::yaml::Value::Scalar { text, .. } => Some(text.as_str()),
            _ => None,
        };
        if let Some(text) = text.filter(|t| alb_metric::is_percentile(t)) {
            d.error(
                n.loc,
                &o.child("Statistic"),
                format!("Statistic cannot be the percentile `{text}`"),
                Some("write it as ExtendedStatistic instead".into()),
            );
            return None;
        }
    }
    o.one_of("Statistic", ALARM_STATISTICS, d)
}

/// Reports that neither `Statistic` nor `ExtendedStatistic` is given.
fn missing_statistic(o: &Obj<'_>, d: &mut Diagnostics) {
    d.error(
        o.loc,
        &o.child("Statistic"),
        "missing required field `Statistic` (e.g. Average)",
        Some("or give ExtendedStatistic, a percentile such as p99 (AWS/ApplicationELB TargetResponseTime)".into()),
    );
}

/// `MetricName`, `Statistic` and `Dimensions` of an `AWS/ECS` metric.
fn read_ecs_watched(
    o: &mut Obj<'_>,
    ctx: &Context<'_>,
    d: &mut Diagnostics,
) -> Option<(ServiceIdx, ServiceMetric, Statistic)> {
    let metric = o.required_one_of(
        "MetricName",
        &["CPUUtilization", "MemoryUtilization"],
        "CPUUtilization or MemoryUtilization",
        d,
    );
    let given = o.has("Statistic");
    let statistic = read_alarm_statistic(o, d).and_then(Statistic::from_aws);
    let extended_loc = o.key_loc("ExtendedStatistic");
    if o.string("ExtendedStatistic", d).is_some() {
        d.error(
            extended_loc,
            &o.child("ExtendedStatistic"),
            "percentiles of AWS/ECS metrics are not available: ECS publishes one statistic set a minute",
            Some("use Statistic (e.g. Average); percentiles are for AWS/ApplicationELB TargetResponseTime".into()),
        );
        return None;
    }
    if !given {
        missing_statistic(o, d);
    }
    let service = read_dimensions(o, ctx, d);
    let metric = if metric? == "CPUUtilization" {
        ServiceMetric::CpuUtilization
    } else {
        ServiceMetric::MemoryUtilization
    };
    Some((service?, metric, statistic?))
}

/// The namespace of the queue metrics a worker service's queue publishes.
const SQS_NAMESPACE: &str = "AWS/SQS";

/// `MetricName`, `Statistic` and `Dimensions` (`QueueName`) of an `AWS/SQS` metric of the queue
/// a worker service consumes. Each has one sample a minute, its value then, so every statistic
/// but SampleCount gives it.
fn read_sqs_watched(
    o: &mut Obj<'_>,
    ctx: &Context<'_>,
    d: &mut Diagnostics,
) -> Option<(ServiceIdx, ServiceMetric, Statistic)> {
    let metric = o.required_one_of(
        "MetricName",
        &["ApproximateNumberOfMessagesVisible", "ApproximateAgeOfOldestMessage"],
        "ApproximateNumberOfMessagesVisible or ApproximateAgeOfOldestMessage",
        d,
    );
    let statistic_loc = o.key_loc("Statistic");
    let given = o.has("Statistic");
    let statistic = read_alarm_statistic(o, d);
    if !given {
        missing_statistic(o, d);
    }
    let dimensions = crate::scenario::customized_metric::read_dimension_list(o, d);
    let service = crate::scenario::customized_metric::queue_service(&dimensions, o, ctx, d);
    if statistic == Some("SampleCount") {
        d.error(
            statistic_loc,
            &o.child("Statistic"),
            "SampleCount of an SQS metric is always 1: it says nothing about the queue",
            Some("use Average, Maximum or Sum (each gives the minute's value)".into()),
        );
        return None;
    }
    let metric = match metric? {
        "ApproximateNumberOfMessagesVisible" => ServiceMetric::MessagesVisible,
        _ => ServiceMetric::AgeOfOldestMessage,
    };
    Some((service?, metric, statistic.and_then(Statistic::from_aws)?))
}

/// `MetricName`, `Statistic` or `ExtendedStatistic`, and `Dimensions` of an
/// `AWS/ApplicationELB` metric: the service behind the target group, and the metric with its
/// statistic.
fn read_alb_watched(
    o: &mut Obj<'_>,
    ctx: &Context<'_>,
    d: &mut Diagnostics,
) -> Option<(ServiceIdx, ServiceMetric, Statistic)> {
    let name_path = o.child("MetricName");
    let name_loc = o.field("MetricName").map_or(o.loc, |n| n.loc);
    let name = o.required_string("MetricName", "e.g. TargetResponseTime", d);
    let metric = name.and_then(|n| alb_metric::metric_named(&n, name_loc, &name_path, d));
    let statistic_loc = o.field("Statistic").map_or(o.loc, |n| n.loc);
    let statistic = read_alarm_statistic(o, d);
    let extended_path = o.child("ExtendedStatistic");
    let extended_loc = o.field("ExtendedStatistic").map_or(o.loc, |n| n.loc);
    let extended = o.string("ExtendedStatistic", d);
    let dims_loc = o.key_loc("Dimensions");
    let dims_path = o.child("Dimensions");
    let dims = crate::scenario::customized_metric::read_dimension_list(o, d);
    let metric = metric?;
    let service = alb_metric::target_group_service(metric, &dims, (dims_loc, &dims_path), ctx, d);
    let statistic = match (o.has("Statistic"), statistic, extended) {
        (true, _, Some(_)) => {
            d.error(
                extended_loc,
                &extended_path,
                "give Statistic or ExtendedStatistic, not both",
                None,
            );
            None
        }
        (_, Some(text), None) => alb_metric::statistic_of(
            metric,
            text,
            (statistic_loc, &o.child("Statistic")),
            StatisticField::AlarmStatistic,
            d,
        ),
        (false, _, Some(text)) => alb_metric::statistic_of(
            metric,
            &text,
            (extended_loc, &extended_path),
            StatisticField::AlarmExtendedStatistic,
            d,
        ),
        (false, _, None) => {
            missing_statistic(o, d);
            None
        }
        (true, None, None) => None,
    };
    Some((
        service?,
        ServiceMetric::Alb {
            metric,
            statistic: statistic?,
        },
        Statistic::Average,
    ))
}

/// `EvaluationPeriods`, `DatapointsToAlarm` (N when absent; not yet checked against N),
/// `Threshold`, `ComparisonOperator` and `TreatMissingData`.
pub(super) fn read_alarm_config(o: &mut Obj<'_>, d: &mut Diagnostics) -> Option<AlarmConfig> {
    let n = o.required_int("EvaluationPeriods", 1, 100_000, "N of M of N", d);
    let m = o.int("DatapointsToAlarm", 1, 100_000, d);
    let threshold = o.required_number("Threshold", f64::MIN, f64::MAX, "the value to compare with", d);
    let comparison = o
        .required_one_of(
            "ComparisonOperator",
            &[
                "GreaterThanOrEqualToThreshold",
                "GreaterThanThreshold",
                "LessThanThreshold",
                "LessThanOrEqualToThreshold",
            ],
            "e.g. GreaterThanThreshold",
            d,
        )
        .and_then(Comparison::from_aws);
    let treat = o
        .one_of(
            "TreatMissingData",
            &["missing", "ignore", "breaching", "notBreaching"],
            d,
        )
        .map_or(Some(TreatMissingData::Missing), TreatMissingData::from_aws);
    let n = n?;
    let m = m.unwrap_or(n);
    if m > n {
        d.error(
            o.loc,
            &o.child("DatapointsToAlarm"),
            format!("DatapointsToAlarm ({m}) must not exceed EvaluationPeriods ({n})"),
            None,
        );
        return None;
    }
    Some(AlarmConfig {
        evaluation_periods: n as u32,
        datapoints_to_alarm: m as u32,
        threshold: threshold?,
        comparison: comparison?,
        treat_missing_data: treat?,
    })
}

/// Whether the alarm's `Period` reads high-resolution metrics, and how many 60 s datapoints it
/// spans; `None` (reported) for a period ECS metrics cannot fill.
fn evaluation_period(watched: &WatchedMetric, path: &str, d: &mut Diagnostics) -> Option<(bool, u32)> {
    let period = watched.period;
    let alb = watched.metric.alb().is_some();
    match period {
        20 if !alb
            && !matches!(
                watched.metric,
                ServiceMetric::MessagesVisible | ServiceMetric::AgeOfOldestMessage
            ) =>
        {
            Some((true, 1))
        }
        p if p % 60 == 0 => Some((false, (p / 60) as u32)),
        _ => {
            let (message, help) = if alb {
                (
                    format!(
                        "Period {period} cannot be evaluated on load balancer metrics, which are published every 60 s"
                    ),
                    "use 60 or a multiple of 60",
                )
            } else {
                (
                    format!(
                        "Period {period} cannot be evaluated on ECS metrics, which are published every 60 s (or 20 s at high resolution)"
                    ),
                    "use 60, a multiple of 60, or 20",
                )
            };
            d.error(
                watched.period_loc,
                &format!("{path}.Period"),
                message,
                Some(help.into()),
            );
            None
        }
    }
}

/// `AlarmActions`: the step scaling policies the alarm invokes, by ARN or name.
fn read_alarm_actions(o: &mut Obj<'_>, spec: &AutoScalingSpec, d: &mut Diagnostics) -> Vec<usize> {
    let mut actions = Vec::new();
    for (p, n) in o.list("AlarmActions", d) {
        let Some(arn) = as_string(n, &p, d) else { continue };
        let policy_name = arn.rsplit_once("policyName/").map_or(arn.as_str(), |(_, n)| n);
        match spec.scaling_policies.iter().position(|sp| sp.name == policy_name) {
            Some(i) if matches!(spec.scaling_policies[i].kind, PolicyKind::StepScaling(_)) => actions.push(i),
            Some(_) => d.error(
                n.loc,
                &p,
                format!(
                    "{policy_name} is a target tracking policy; its alarms are managed by Application Auto Scaling"
                ),
                None,
            ),
            None if d.unread.covers(Declared::ScalingPolicy, policy_name) => {}
            None => {
                let help = closest(policy_name, spec.scaling_policies.iter().map(|sp| sp.name.as_str()))
                    .map(|c| format!("did you mean `{c}`?"));
                d.error(n.loc, &p, format!("no scaling policy named `{policy_name}`"), help);
            }
        }
    }
    actions
}

/// `Dimensions: [{Name: ClusterName, Value: demo}, {Name: ServiceName, Value: web}]` -> the service.
fn read_dimensions(o: &mut Obj<'_>, ctx: &Context<'_>, d: &mut Diagnostics) -> Option<ServiceIdx> {
    let dims_loc: Loc = o.key_loc("Dimensions");
    let dims_path = o.child("Dimensions");
    let mut service = None;
    let mut cluster_ok = true;
    for (p, n) in o.list("Dimensions", d) {
        let Some(mut dim) = object(n, &p, d) else { continue };
        let name = dim.one_of("Name", &["ClusterName", "ServiceName"], d);
        let value = dim.required_string("Value", "the dimension value", d);
        dim.finish(d);
        match (name, value) {
            (Some("ClusterName"), Some(v)) if v != ctx.cluster && d.unread.covers(Declared::Cluster, &v) => {
                cluster_ok = false;
            }
            (Some("ClusterName"), Some(v)) if v != ctx.cluster => {
                d.error(
                    n.loc,
                    &format!("{p}.Value"),
                    format!("cluster `{v}` is not the scenario's cluster `{}`", ctx.cluster),
                    None,
                );
                cluster_ok = false;
            }
            (Some("ServiceName"), Some(v)) => match ctx.service_named(&v) {
                Some(i) => service = Some(i),
                None if d.unread.covers(Declared::Service, &v) => cluster_ok = false,
                None => {
                    let help = closest(&v, ctx.services.iter().map(|s| s.name.as_str()))
                        .map(|c| format!("did you mean `{c}`?"));
                    d.error(n.loc, &format!("{p}.Value"), format!("no service named `{v}`"), help);
                    cluster_ok = false;
                }
            },
            _ => {}
        }
    }
    if service.is_none() && cluster_ok {
        d.error(
            dims_loc,
            &dims_path,
            "the alarm needs a ServiceName dimension naming one of the services",
            None,
        );
    }
    service
}
