//! Per service with a service model (issue 14): the response-time percentiles p50, p95 and p99
//! of each trace interval against time, the request timeout, and below them the requests that
//! timed out, annotated with scaling activities and deployments like the other service charts.
//! Alarms and target tracking policies on the load balancer's `TargetResponseTime` (seconds)
//! add their threshold or target (in ms), their periods in ALARM and the datapoints they
//! evaluated, as on the utilization chart.

use super::ChartContext;
use super::annotations;
use super::data::{LatencySeries, RESPONSE_TIME_METRIC, ServiceSeries};
use super::figure::{Figure, Panel, ReferenceLine, YScale};
use super::scaling;
use super::style;

/// The timeout line is drawn when p99 reaches this fraction of it; lower, it would flatten the
/// percentiles against the axis, and the timed-out panel's legend states the timeout instead.
const TIMEOUT_SHOWN_FROM: f64 = 0.2;

/// The y axis description of the timed-out panel: short, as the panel is.
pub const TIMED_OUT_AXIS: &str = "timed out/s";

/// The latency chart of `service`, or `None` when it has no service model.
pub fn figure<'a>(ctx: &ChartContext<'a>, service: &'a ServiceSeries) -> Option<Figure<'a>> {
    let latency = service.latency.as_ref()?;
    let timeout_ms = ctx
        .run
        .summary
        .services
        .iter()
        .find(|s| s.service == service.name)
        .and_then(|s| s.latency.as_ref())
        .map(|l| l.timeout_s * 1_000.0);
    let (mut response, timeout_off_chart) = response_panel(service, latency, timeout_ms);
    let metrics = [RESPONSE_TIME_METRIC];
    response.spans = annotations::recovery_spans(ctx.run, &service.name, ctx.axis.end_s);
    response
        .spans
        .extend(annotations::deployment_spans(ctx.run, &service.name, ctx.axis.end_s));
    response
        .spans
        .extend(scaling::alarm_spans(ctx.run, &service.name, &metrics, ctx.axis.end_s));
    response.reference_lines.extend(
        scaling::reference_lines(ctx.run, &service.name, &metrics)
            .into_iter()
            .map(|line| ReferenceLine {
                legend: format!("{} s", line.legend),
                value: line.value * 1_000.0,
                ..line
            }),
    );
    response.points = scaling::alarm_datapoints_in(ctx.run, &service.name, &metrics, |a| &a.datapoint_values_ms);
    Some(Figure {
        file_stem: format!("service-{}-latency", super::file_safe(&service.name)),
        title: ctx.title(&format!("Response time of service {}", service.name)),
        subtitle: ctx.subtitle.clone(),
        panels: vec![response, timed_out_panel(service, latency, timeout_off_chart)],
        markers: annotations::markers(ctx.run, Some(&service.name)),
        window: None,
    })
}

/// p50, p95 and p99 with the timeout line, and the timeout in ms when it is so far above them
/// that its line is left out.
fn response_panel<'a>(
    service: &'a ServiceSeries,
    latency: &'a LatencySeries,
    timeout_ms: Option<f64>,
) -> (Panel<'a>, Option<f64>) {
    let highest = latency
        .p99_ms
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let shown = timeout_ms.filter(|t| highest >= TIMEOUT_SHOWN_FROM * t);
    let mut panel = Panel::new("response time", YScale::Milliseconds)
        .line("p50", style::LATENCY_P50, &service.time_s, &latency.p50_ms)
        .line("p95", style::LATENCY_P95, &service.time_s, &latency.p95_ms)
        .line("p99", style::LATENCY_P99, &service.time_s, &latency.p99_ms);
    if let Some(t) = shown {
        panel.reference_lines.push(ReferenceLine {
            legend: format!("timeout {} s", t / 1_000.0),
            stroke: style::TIMEOUT,
            value: t,
        });
    }
    panel.height_weight = 3;
    (panel, timeout_ms.filter(|_| shown.is_none()))
}

/// Timed-out requests per second, shaded from zero; the legend names the timeout when the
/// response-time panel leaves its line out (`timeout_off_chart`, ms).
fn timed_out_panel<'a>(
    service: &'a ServiceSeries,
    latency: &'a LatencySeries,
    timeout_off_chart: Option<f64>,
) -> Panel<'a> {
    let any = latency.timed_out_rps.iter().any(|v| *v > 0.0);
    let legend = if any { "timed out" } else { "timed out: none" };
    let legend = match timeout_off_chart {
        Some(t) => format!("{legend} (timeout {} s)", t / 1_000.0),
        None => legend.to_string(),
    };
    Panel::new(TIMED_OUT_AXIS, YScale::Rate).band(
        legend,
        style::UNSERVED,
        &service.time_s,
        &latency.zero,
        &latency.timed_out_rps,
    )
}
