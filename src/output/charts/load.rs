//! Chart (a), per service: demand against served requests per second, with the unserved
//! requests shaded on top of the served line, so a reader sees when and by how much the service
//! fell short (and nothing is shaded where served and demand differ only because requests were
//! served in a later interval than they arrived in).

use super::ChartContext;
use super::annotations;
use super::data::ServiceSeries;
use super::figure::{Figure, Panel, YScale};
use super::style;

/// Whether `service` was asked for or served any request: without, its load chart would be empty.
pub fn has_requests(service: &ServiceSeries) -> bool {
    let any = |values: &[f64]| values.iter().any(|&v| v > 0.0);
    any(&service.demand_rps) || any(&service.served_rps) || any(&service.unserved_rps)
}

/// The load chart of `service`.
pub fn figure<'a>(ctx: &ChartContext<'a>, service: &'a ServiceSeries) -> Figure<'a> {
    let any_unserved = service.unserved_rps.iter().any(|&u| u > 0.0);
    let unserved = if any_unserved { "unserved" } else { "unserved: none" };
    let mut panel = Panel::new("requests per second", YScale::Rate)
        .band(
            unserved,
            style::UNSERVED,
            &service.time_s,
            &service.served_rps,
            &service.served_and_unserved,
        )
        .line("demand", style::DEMAND, &service.time_s, &service.demand_rps)
        .line("served", style::SERVED, &service.time_s, &service.served_rps);
    panel.spans = annotations::recovery_spans(ctx.run, &service.name, ctx.axis.end_s);
    Figure {
        file_stem: format!("service-{}-load", super::file_safe(&service.name)),
        title: ctx.title(&format!("Load of {}", ctx.service_noun(&service.name))),
        subtitle: ctx.subtitle.clone(),
        panels: vec![panel],
        markers: annotations::markers(ctx.run, Some(&service.name)),
        window: None,
    }
}
