//! Chart (c), per service: CPU and memory utilization in percent of the tasks' reservation, with
//! the target tracking `TargetValue` lines and alarm-in-ALARM periods of Application Auto Scaling
//! ([`Overlays`], built by `scaling`), and the datapoints the alarms evaluated as dots at the
//! periods they measured, so a reader sees the metric cross the line, the alarm go off, and the
//! scaling activity follow.

use super::ChartContext;
use super::annotations;
use super::data::ServiceSeries;
use super::figure::{Figure, Line, Panel, ReferenceLine, Span, YScale};
use super::style;

/// Extra layers on a utilization chart: each policy's `TargetValue` as a dashed line, each alarm's
/// time in ALARM as a shaded span, and panels below for metrics that are not percentages.
#[derive(Clone, Debug, Default)]
pub struct Overlays<'a> {
    /// Dashed horizontal lines.
    pub reference_lines: Vec<ReferenceLine>,
    /// Shaded periods.
    pub spans: Vec<Span>,
    /// Dots: the datapoints the alarms evaluated.
    pub points: Vec<Line<'a>>,
    /// Panels under the utilization panel (RequestCountPerTarget).
    pub panels: Vec<Panel<'a>>,
}

/// The utilization chart of `service`.
pub fn figure<'a>(ctx: &ChartContext<'a>, service: &'a ServiceSeries, overlays: Overlays<'a>) -> Figure<'a> {
    let mut panel = Panel::new("utilization (% of reserved)", YScale::Percent)
        .line("memory", style::MEMORY, &service.time_s, &service.memory_utilization)
        .line("CPU", style::CPU, &service.time_s, &service.cpu_utilization);
    panel.reference_lines = overlays.reference_lines;
    panel.points = overlays.points;
    panel.spans = annotations::recovery_spans(ctx.run, &service.name, ctx.axis.end_s);
    panel.spans.extend(overlays.spans);
    panel.height_weight = 3;
    let mut panels = vec![panel];
    panels.extend(overlays.panels);
    Figure {
        file_stem: format!("service-{}-utilization", super::file_safe(&service.name)),
        title: ctx.title(&format!("CPU and memory of {}", ctx.service_noun(&service.name))),
        subtitle: ctx.subtitle.clone(),
        panels,
        markers: annotations::markers(ctx.run, Some(&service.name)),
        window: None,
    }
}
