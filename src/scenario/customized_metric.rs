//! `CustomizedMetricSpecification` of a target tracking policy: one CloudWatch metric, or metric
//! math over several (`m1 / m2`, the SQS backlog-per-task pattern of reference 11).
//!
//! Supported metrics are the ones the simulator publishes: `AWS/SQS`
//! `ApproximateNumberOfMessagesVisible` and `ApproximateAgeOfOldestMessage` (dimension
//! `QueueName`, a worker's `load.<service>.queueName`), `ECS/ContainerInsights` `RunningTaskCount`
//! and `AWS/ECS` `CPUUtilization` / `MemoryUtilization` (dimensions `ClusterName`, `ServiceName`),
//! and the load balancer's `AWS/ApplicationELB` metrics (`alb_metric`; a percentile of
//! `TargetResponseTime` only as a metric-math `Stat`, as the API has it).
//! Expressions are a bare query id or `<id> / <id>`.

use super::alb_metric::{self, Dimension, StatisticField};
use super::autoscaling::Context;
use super::diag::{Diagnostics, closest};
use super::reader::{Obj, as_string, object};
use super::yaml::{Loc, Node};
use crate::metrics::Statistic;
use crate::sim::ServiceIdx;
use crate::spec::{MetricOf, MetricStream, ServiceMetric};
use crate::workload::AlbMetric;

/// The metrics a customized specification may name: (namespace, metric name, metric).
const METRICS: &[(&str, &str, ServiceMetric)] = &[
    (
        "AWS/SQS",
        "ApproximateNumberOfMessagesVisible",
        ServiceMetric::MessagesVisible,
    ),
    (
        "AWS/SQS",
        "ApproximateAgeOfOldestMessage",
        ServiceMetric::AgeOfOldestMessage,
    ),
    (
        "ECS/ContainerInsights",
        "RunningTaskCount",
        ServiceMetric::RunningTaskCount,
    ),
    ("AWS/ECS", "CPUUtilization", ServiceMetric::CpuUtilization),
    ("AWS/ECS", "MemoryUtilization", ServiceMetric::MemoryUtilization),
];
const NAMESPACES: &[&str] = &["AWS/SQS", "ECS/ContainerInsights", "AWS/ECS", alb_metric::NAMESPACE];
const STATISTICS: &[&str] = &["Average", "Sum", "Minimum", "Maximum", "SampleCount"];
const SIMPLE_FIELDS: &[&str] = &["MetricName", "Namespace", "Dimensions", "Statistic"];
const EXPRESSION_HELP: &str = "the simulator evaluates `m1 / m2` (two query ids) or a bare id such as `e1`";

/// Reads the specification: the metric stream the policy tracks and its managed alarms' statistic.
///
/// Every metric here has one sample per period (the queue metrics and RunningTaskCount at the
/// period end, CPU and memory averaged over it), so the statistic of each query does not change
/// its value; SampleCount, always 1, is refused. The managed alarms of a metric-math policy use
/// Average, as for ECS's predefined metrics: the expression yields one value per period.
pub fn read_customized_metric(
    node: &Node,
    path: &str,
    ctx: &Context<'_>,
    d: &mut Diagnostics,
) -> Option<(MetricStream, Statistic)> {
    let mut o = object(node, path, d)?;
    if o.field("Metrics").is_none() {
        let metric = read_metric(&mut o, ctx, d);
        let read = read_statistic(&mut o, "Statistic", metric, StatisticField::CustomizedStatistic, d);
        o.ignore(&["Unit"]);
        o.finish(d);
        let (metric, statistic) = read?;
        return Some((single(metric), statistic));
    }
    for &field in SIMPLE_FIELDS {
        if o.field(field).is_some() {
            d.error(
                o.key_loc(field),
                &o.child(field),
                format!("`{field}` cannot be combined with Metrics"),
                Some("give either Metrics (metric math) or MetricName, Namespace, Dimensions and Statistic".into()),
            );
        }
    }
    let metrics_loc = o.key_loc("Metrics");
    let metrics_path = o.child("Metrics");
    let items = o.list("Metrics", d);
    let queries: Vec<Query> = items.iter().filter_map(|(p, n)| read_query(n, p, ctx, d)).collect();
    o.finish(d);
    // A query that failed to read was reported; checking the others' ReturnData would only cascade.
    let all_read = queries.len() == items.len();
    let stream = resolve_queries(&queries, all_read, metrics_loc, &metrics_path, d)?;
    Some((stream, Statistic::Average))
}

/// One `TargetTrackingMetricDataQuery`.
struct Query {
    id: String,
    loc: Loc,
    path: String,
    returns_data: bool,
    kind: QueryKind,
}

enum QueryKind {
    /// A `MetricStat` (None when it had an error, already reported).
    Stat(Option<MetricOf>),
    /// An `Expression` with where it is written.
    Expression { text: String, loc: Loc, path: String },
}

/// A parsed expression: a bare id or the quotient of two ids.
#[derive(Debug, PartialEq, Eq)]
enum Expression<'a> {
    Id(&'a str),
    Ratio(&'a str, &'a str),
}

fn parse_expression(text: &str) -> Option<Expression<'_>> {
    let is_id = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    match text.split_once('/') {
        Some((a, b)) => {
            let (a, b) = (a.trim(), b.trim());
            (is_id(a) && is_id(b)).then_some(Expression::Ratio(a, b))
        }
        None => {
            let id = text.trim();
            is_id(id).then_some(Expression::Id(id))
        }
    }
}

fn read_query(node: &Node, path: &str, ctx: &Context<'_>, d: &mut Diagnostics) -> Option<Query> {
    let mut o = object(node, path, d)?;
    let id = o.required_string("Id", "a short name such as m1, used in expressions", d);
    let returns_data = o.boolean("ReturnData", d).unwrap_or(true);
    o.string("Label", d);
    let stat_node = o.field("MetricStat");
    let stat_path = o.child("MetricStat");
    let expression_path = o.child("Expression");
    let expression_loc = o.field("Expression").map(|n| n.loc);
    let expression = o.string("Expression", d);
    let loc = o.loc;
    o.finish(d);
    let kind = match (stat_node, expression, expression_loc) {
        (Some(n), None, _) => QueryKind::Stat(read_metric_stat(n, &stat_path, ctx, d)),
        (None, Some(text), Some(loc)) => QueryKind::Expression {
            text,
            loc,
            path: expression_path,
        },
        _ => {
            d.error(loc, path, "a query needs exactly one of MetricStat or Expression", None);
            return None;
        }
    };
    Some(Query {
        id: id?,
        loc,
        path: path.to_string(),
        returns_data,
        kind,
    })
}

fn read_metric_stat(node: &Node, path: &str, ctx: &Context<'_>, d: &mut Diagnostics) -> Option<MetricOf> {
    let mut o = object(node, path, d)?;
    let metric_path = o.child("Metric");
    let metric: Option<Named> = o
        .required_field("Metric", "Namespace, MetricName and Dimensions", d)
        .and_then(|n| object(n, &metric_path, d))
        .and_then(|mut m| {
            let metric = read_metric(&mut m, ctx, d);
            m.finish(d);
            metric
        });
    let read = read_statistic(&mut o, "Stat", metric, StatisticField::MetricStat, d);
    o.ignore(&["Unit"]);
    o.finish(d);
    read.map(|(metric, _)| metric)
}

/// Checks the ids and `ReturnData`, and turns the query that returns data into a stream.
fn resolve_queries(
    queries: &[Query],
    all_read: bool,
    loc: Loc,
    path: &str,
    d: &mut Diagnostics,
) -> Option<MetricStream> {
    for (i, q) in queries.iter().enumerate() {
        if queries[..i].iter().any(|p| p.id == q.id) {
            d.error(
                q.loc,
                &format!("{}.Id", q.path),
                format!("Id `{}` is used twice in Metrics", q.id),
                None,
            );
            return None;
        }
    }
    let mut tracked = None;
    for q in queries {
        let stream = query_stream(q, queries, all_read, d);
        if q.returns_data {
            tracked = Some(stream);
        }
    }
    let returning = queries.iter().filter(|q| q.returns_data).count();
    if returning != 1 && all_read {
        d.error(
            loc,
            path,
            format!("exactly one query must have ReturnData: true (the default), found {returning}"),
            Some("set ReturnData: false on every query but the one the policy tracks".into()),
        );
        return None;
    }
    tracked.flatten()
}

/// The stream query `q` yields: its metric, or its expression over the `queries` it names
/// (`all_read`: every query read, so an id none has is a mistake, not one that failed to read).
fn query_stream(q: &Query, queries: &[Query], all_read: bool, d: &mut Diagnostics) -> Option<MetricStream> {
    match &q.kind {
        QueryKind::Stat(metric) => metric.map(single),
        QueryKind::Expression { text, loc, path } => match parse_expression(text) {
            Some(Expression::Id(id)) => stat_of(queries, id, *loc, path, all_read, d).map(single),
            Some(Expression::Ratio(a, b)) => {
                let (a, b) = (
                    stat_of(queries, a, *loc, path, all_read, d),
                    stat_of(queries, b, *loc, path, all_read, d),
                );
                a.zip(b).map(|(a, b)| MetricStream {
                    divided_by: Some(b),
                    ..single(a)
                })
            }
            None => {
                d.error(
                    *loc,
                    path,
                    format!("unsupported expression `{text}`"),
                    Some(EXPRESSION_HELP.into()),
                );
                None
            }
        },
    }
}

/// The metric of the `MetricStat` query `id` that an expression (at `loc`, `path`) uses.
fn stat_of(queries: &[Query], id: &str, loc: Loc, path: &str, all_read: bool, d: &mut Diagnostics) -> Option<MetricOf> {
    match queries.iter().find(|q| q.id == id).map(|q| &q.kind) {
        Some(QueryKind::Stat(metric)) => *metric,
        Some(QueryKind::Expression { .. }) => {
            d.error(
                loc,
                path,
                format!("`{id}` is an expression; an expression may use only MetricStat queries"),
                None,
            );
            None
        }
        // The query with that Id may be one that failed to read; its error is the one to fix.
        None if !all_read => None,
        None => {
            let help = closest(id, queries.iter().map(|q| q.id.as_str())).map(|c| format!("did you mean `{c}`?"));
            d.error(loc, path, format!("no query in Metrics has the Id `{id}`"), help);
            None
        }
    }
}

fn single(metric: MetricOf) -> MetricStream {
    MetricStream {
        service: metric.service,
        metric: metric.metric,
        high_resolution: false,
        divided_by: None,
    }
}

/// A metric as `Namespace`, `MetricName` and `Dimensions` name it, before its statistic is read.
#[derive(Clone, Copy)]
enum Named {
    /// An ECS, Container Insights or SQS metric (one sample per period).
    Service(MetricOf),
    /// A load balancer metric, whose statistic is part of it.
    Alb(ServiceIdx, AlbMetric),
}

/// `Statistic` or `Stat` of `metric` (`None` if it failed to read: the statistic is then only
/// checked to be there) in `field`: the metric with the statistic its managed alarms use.
///
/// An ECS, Container Insights or SQS metric takes any statistic but SampleCount (see
/// `read_customized_metric`); a load balancer metric takes its statistic into the metric
/// (`alb_metric::statistic_of`), and its alarms take the period's datapoint as it is.
fn read_statistic(
    o: &mut Obj<'_>,
    field: &'static str,
    metric: Option<Named>,
    field_kind: StatisticField,
    d: &mut Diagnostics,
) -> Option<(MetricOf, Statistic)> {
    let path = o.child(field);
    let node = o.required_field(field, "Average, Sum, Minimum or Maximum", d)?;
    match metric? {
        Named::Service(metric) => {
            let text = super::reader::as_one_of(node, &path, STATISTICS, d)?;
            if text == "SampleCount" {
                d.error(
                    node.loc,
                    &path,
                    "SampleCount is not supported: the simulator publishes one sample per period, so it would always be 1",
                    Some("use Average, Sum, Minimum or Maximum, which all give that sample".into()),
                );
                return None;
            }
            Some((metric, Statistic::from_aws(text)?))
        }
        Named::Alb(service, alb) => {
            let text = as_string(node, &path, d)?;
            let statistic = alb_metric::statistic_of(alb, &text, (node.loc, &path), field_kind, d)?;
            let metric = MetricOf {
                service,
                metric: ServiceMetric::Alb { metric: alb, statistic },
            };
            Some((metric, Statistic::Average))
        }
    }
}

/// `Namespace`, `MetricName` and `Dimensions` of a metric: the service and metric they name.
fn read_metric(o: &mut Obj<'_>, ctx: &Context<'_>, d: &mut Diagnostics) -> Option<Named> {
    let namespace = o.required_one_of(
        "Namespace",
        NAMESPACES,
        "AWS/SQS, ECS/ContainerInsights, AWS/ECS or AWS/ApplicationELB",
        d,
    );
    let name_path = o.child("MetricName");
    let name_node = o.required_field("MetricName", "e.g. ApproximateNumberOfMessagesVisible", d);
    let name = name_node.and_then(|n| as_string(n, &name_path, d));
    let dims_loc = o.key_loc("Dimensions");
    let dimensions = read_dimension_list(o, d);
    let (namespace, name, name_node) = (namespace?, name?, name_node?);
    if namespace == alb_metric::NAMESPACE {
        let metric = alb_metric::metric_named(&name, name_node.loc, &name_path, d)?;
        let dims_path = o.child("Dimensions");
        let service = alb_metric::target_group_service(metric, &dimensions, (dims_loc, &dims_path), ctx, d)?;
        return Some(Named::Alb(service, metric));
    }
    let Some(&(_, _, metric)) = METRICS.iter().find(|(ns, n, _)| *ns == namespace && *n == name) else {
        let supported: Vec<&str> = METRICS
            .iter()
            .filter(|(ns, _, _)| *ns == namespace)
            .map(|(_, n, _)| *n)
            .collect();
        d.error(
            name_node.loc,
            &name_path,
            format!("`{name}` is not a metric the simulator publishes in {namespace}"),
            Some(format!("supported in {namespace}: {}", supported.join(", "))),
        );
        return None;
    };
    let service = if namespace == "AWS/SQS" {
        queue_service(&dimensions, o, ctx, d)
    } else {
        named_service(&dimensions, o, ctx, d)
    }?;
    Some(Named::Service(MetricOf { service, metric }))
}

/// `Dimensions`: each `{Name, Value}` read, any name (the metric's reader checks them).
pub(super) fn read_dimension_list(o: &mut Obj<'_>, d: &mut Diagnostics) -> Vec<Dimension> {
    let mut dims = Vec::new();
    for (p, n) in o.list("Dimensions", d) {
        let Some(mut dim) = object(n, &p, d) else { continue };
        let name = dim.required_string("Name", "the dimension name", d);
        let value = dim.required_string("Value", "the dimension value", d);
        let loc = dim.field("Value").map_or(dim.loc, |v| v.loc);
        dim.finish(d);
        if let (Some(name), Some(value)) = (name, value) {
            dims.push(Dimension {
                name,
                value,
                loc,
                path: format!("{p}.Value"),
            });
        }
    }
    dims
}

/// Reports dimensions other than `allowed`; true when there was none.
fn only_dimensions(dims: &[Dimension], allowed: &[&str], d: &mut Diagnostics) -> bool {
    let mut ok = true;
    for dim in dims.iter().filter(|dim| !allowed.contains(&dim.name.as_str())) {
        let path = dim.path.trim_end_matches(".Value");
        d.error(
            dim.loc,
            &format!("{path}.Name"),
            format!("`{}` is not a dimension of this metric", dim.name),
            Some(format!("its dimensions: {}", allowed.join(", "))),
        );
        ok = false;
    }
    ok
}

/// `QueueName` -> the service consuming that queue.
pub(super) fn queue_service(
    dims: &[Dimension],
    o: &Obj<'_>,
    ctx: &Context<'_>,
    d: &mut Diagnostics,
) -> Option<ServiceIdx> {
    if !only_dimensions(dims, &["QueueName"], d) {
        return None;
    }
    let Some(dim) = dims.iter().find(|dim| dim.name == "QueueName") else {
        d.error(
            o.key_loc("Dimensions"),
            &o.child("Dimensions"),
            "AWS/SQS metrics need a QueueName dimension",
            Some("add {Name: QueueName, Value: <queueName of a worker in load>}".into()),
        );
        return None;
    };
    let found = ctx
        .services
        .iter()
        .position(|s| s.queue.as_ref().is_some_and(|q| q.name == dim.value))
        .map(ServiceIdx);
    // The consumer may be a service that failed to read, or one whose load has a misspelt key
    // (`queueNam:`) or is under a misspelt name (`worke:`): that error is the one to fix.
    let consumer_unread = d.unread.any(super::diag::Declared::Service)
        || d.failed_under("load")
        || d.misspelt_in
            .iter()
            .any(|(_, path)| path.starts_with("load.") || path.starts_with("ecs.services"));
    if found.is_none() && !consumer_unread {
        let queues: Vec<&str> = ctx
            .services
            .iter()
            .filter_map(|s| s.queue.as_ref().map(|q| q.name.as_str()))
            .collect();
        let help = match closest(&dim.value, queues.iter().copied()) {
            Some(c) => format!("did you mean `{c}`?"),
            None if queues.is_empty() => {
                "no service consumes a queue: give one `load.<service>.messagesPerSecond` and `queueName`".into()
            }
            None => format!("queues: {}", queues.join(", ")),
        };
        d.error(
            dim.loc,
            &dim.path,
            format!("no service consumes a queue named `{}`", dim.value),
            Some(help),
        );
    }
    found
}

/// `ClusterName` and `ServiceName` -> the service.
fn named_service(dims: &[Dimension], o: &Obj<'_>, ctx: &Context<'_>, d: &mut Diagnostics) -> Option<ServiceIdx> {
    if !only_dimensions(dims, &["ClusterName", "ServiceName"], d) {
        return None;
    }
    if let Some(dim) = dims
        .iter()
        .find(|dim| dim.name == "ClusterName" && dim.value != ctx.cluster)
    {
        if d.unread.covers(super::diag::Declared::Cluster, &dim.value) {
            return None;
        }
        d.error(
            dim.loc,
            &dim.path,
            format!(
                "cluster `{}` is not the scenario's cluster `{}`",
                dim.value, ctx.cluster
            ),
            None,
        );
        return None;
    }
    let Some(dim) = dims.iter().find(|dim| dim.name == "ServiceName") else {
        d.error(
            o.key_loc("Dimensions"),
            &o.child("Dimensions"),
            "the metric needs a ServiceName dimension naming one of the services",
            None,
        );
        return None;
    };
    let found = ctx.service_named(&dim.value);
    if found.is_none() && !d.unread.covers(super::diag::Declared::Service, &dim.value) {
        let help =
            closest(&dim.value, ctx.services.iter().map(|s| s.name.as_str())).map(|c| format!("did you mean `{c}`?"));
        d.error(dim.loc, &dim.path, format!("no service named `{}`", dim.value), help);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions_are_an_id_or_a_quotient_of_two() {
        #[rustfmt::skip]
        let cases = [
            ("m1 / m2", Some(Expression::Ratio("m1", "m2"))),
            ("visible/running", Some(Expression::Ratio("visible", "running"))),
            ("  e1 ", Some(Expression::Id("e1"))),
            ("m1 * 2", None),
            ("m1 / m2 / m3", None),
            ("SUM(METRICS())", None),
            ("", None),
            ("m1 /", None),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_expression(text), expected, "{text}");
        }
    }
}
