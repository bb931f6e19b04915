//! Chart (c), per service: CPU and memory utilization in percent of the tasks' reservation, with
//! room for the target-tracking `TargetValue` lines and alarm-in-ALARM periods that come with
//! Application Auto Scaling and CloudWatch ([`Overlays`]).

use super::ChartContext;
use super::annotations;
use super::data::ServiceSeries;
use super::figure::{Figure, Panel, ReferenceLine, Span, YScale};
use super::style;

/// Extra layers on a utilization chart: each policy's `TargetValue` as a dashed line, each alarm's
/// time in ALARM as a shaded span. Empty until those capabilities are simulated.
#[derive(Clone, Debug, Default)]
pub struct Overlays {
    /// Dashed horizontal lines.
    pub reference_lines: Vec<ReferenceLine>,
    /// Shaded periods.
    pub spans: Vec<Span>,
}

/// The utilization chart of `service`.
pub fn figure<'a>(ctx: &ChartContext<'a>, service: &'a ServiceSeries, overlays: Overlays) -> Figure<'a> {
    let mut panel = Panel::new("utilization (% of reserved)", YScale::Percent)
        .line("memory", style::MEMORY, &service.time_s, &service.memory_utilization)
        .line("CPU", style::CPU, &service.time_s, &service.cpu_utilization);
    panel.reference_lines = overlays.reference_lines;
    panel.spans = annotations::recovery_spans(ctx.run, &service.name, ctx.axis.end_s);
    panel.spans.extend(overlays.spans);
    Figure {
        file_stem: format!("service-{}-utilization", super::file_safe(&service.name)),
        title: ctx.title(&format!("CPU and memory of service {}", service.name)),
        subtitle: ctx.subtitle.clone(),
        panels: vec![panel],
        markers: annotations::markers(ctx.run, Some(&service.name)),
    }
}
