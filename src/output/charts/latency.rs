//! Per service with a service model (issue 14): the response-time percentiles p50, p95 and p99
//! of each trace interval against time, the request timeout, and below them the requests that
//! timed out (a panel left out when none did: the legend then says so beside the timeout),
//! annotated with scaling activities and deployments like the other service charts.
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
/// percentiles against the axis, and a legend states the timeout instead.
const TIMEOUT_SHOWN_FROM: f64 = 0.2;

/// The y axis description of the timed-out panel: short, as the panel is.
pub const TIMED_OUT_AXIS: &str = "timed out/s";
/// The y axis description of the response-time panel.
pub const RESPONSE_TIME_AXIS: &str = "response time";

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
    let any_timed_out = latency.timed_out_rps.iter().any(|v| *v > 0.0);
    let (mut response, timeout_off_chart) = response_panel(service, latency, timeout_ms, any_timed_out);
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
        title: ctx.title(&format!("Response time of {}", ctx.service_noun(&service.name))),
        subtitle: ctx.subtitle.clone(),
        panels: if any_timed_out {
            vec![response, timed_out_panel(service, latency, timeout_off_chart)]
        } else {
            vec![response]
        },
        markers: annotations::markers(ctx.run, Some(&service.name)),
        window: None,
    })
}

/// p50, p95 and p99 with the timeout line, and the timeout in ms when it is so far above them
/// that its line is left out. When no request timed out (`any_timed_out` false) there is no
/// timed-out panel, so this panel's legend says so: on the timeout line, or on p99 when the line
/// is left out (`p99 (timeout 60 s, none hit)`).
fn response_panel<'a>(
    service: &'a ServiceSeries,
    latency: &'a LatencySeries,
    timeout_ms: Option<f64>,
    any_timed_out: bool,
) -> (Panel<'a>, Option<f64>) {
    let highest = latency
        .p99_ms
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let shown = timeout_ms.filter(|t| highest >= TIMEOUT_SHOWN_FROM * t);
    let none = if any_timed_out { "" } else { ": none timed out" };
    let p99 = match timeout_ms {
        // Short, so the legend keeps its size.
        Some(t) if shown.is_none() && !any_timed_out => format!("p99 (timeout {} s, none hit)", t / 1_000.0),
        _ => "p99".to_string(),
    };
    let mut panel = Panel::new(RESPONSE_TIME_AXIS, YScale::Milliseconds)
        .line("p50", style::LATENCY_P50, &service.time_s, &latency.p50_ms)
        .line("p95", style::LATENCY_P95, &service.time_s, &latency.p95_ms)
        .line(p99, style::LATENCY_P99, &service.time_s, &latency.p99_ms);
    if let Some(t) = shown {
        panel.reference_lines.push(ReferenceLine {
            legend: format!("timeout {} s{none}", t / 1_000.0),
            stroke: style::TIMEOUT,
            value: t,
        });
    }
    panel.height_weight = 3;
    (panel, timeout_ms.filter(|_| shown.is_none()))
}

/// Timed-out requests per second, shaded from zero (drawn only when some timed out); the legend
/// names the timeout when the response-time panel leaves its line out (`timeout_off_chart`, ms).
fn timed_out_panel<'a>(
    service: &'a ServiceSeries,
    latency: &'a LatencySeries,
    timeout_off_chart: Option<f64>,
) -> Panel<'a> {
    let legend = match timeout_off_chart {
        Some(t) => format!("timed out (timeout {} s)", t / 1_000.0),
        None => "timed out".to_string(),
    };
    Panel::new(TIMED_OUT_AXIS, YScale::Rate).band(
        legend,
        style::UNSERVED,
        &service.time_s,
        &latency.zero,
        &latency.timed_out_rps,
    )
}
