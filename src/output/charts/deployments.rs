//! Chart (d), per service that deploys: RUNNING tasks of the new revision (the PRIMARY deployment)
//! with those of the old one (ACTIVE) stacked on top, desiredCount dashed and healthy tasks as
//! lines, each deployment and rollback shaded while it runs, and markers where deployments start,
//! complete, stall, fail and roll back. A service without a `deployment_started` event has no
//! such chart.

use super::ChartContext;
use super::annotations;
use super::data::ServiceSeries;
use super::figure::{Figure, Panel, YScale};
use super::style;

/// Legend of the primary (new revision) tasks.
pub const PRIMARY_LEGEND: &str = "new revision (primary)";
/// Legend of the active (old revision) tasks.
pub const ACTIVE_LEGEND: &str = "old revision (active)";

/// The deployment chart of `service`, or `None` when the run has no deployment of it.
pub fn figure<'a>(ctx: &ChartContext<'a>, service: &'a ServiceSeries) -> Option<Figure<'a>> {
    let deploys = ctx
        .run
        .events
        .iter()
        .any(|e| e.kind == "deployment_started" && e.subject == service.name);
    if !deploys {
        return None;
    }
    let mut panel = Panel::new("tasks", YScale::Count)
        .stacked_area(
            PRIMARY_LEGEND,
            style::PRIMARY_TASKS,
            &service.time_s,
            &service.primary_running,
        )
        .stacked_area(
            ACTIVE_LEGEND,
            style::ACTIVE_TASKS,
            &service.time_s,
            &service.active_running,
        )
        .line("healthy", style::HEALTHY, &service.time_s, &service.healthy)
        .line("desired", style::DESIRED, &service.time_s, &service.desired);
    panel.spans = annotations::deployment_spans(ctx.run, &service.name, ctx.axis.end_s);
    Some(Figure {
        file_stem: format!("service-{}-deployments", super::file_safe(&service.name)),
        title: ctx.title(&format!("Deployments of {}", service.name)),
        subtitle: ctx.subtitle.clone(),
        panels: vec![panel],
        markers: annotations::deployment_markers(ctx.run, &service.name),
    })
}
