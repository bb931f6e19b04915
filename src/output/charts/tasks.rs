//! Chart (b), per service: desired, running, starting and healthy tasks, and those waiting for
//! capacity (PROVISIONING) when any did, inside the scalable target's MinCapacity-MaxCapacity
//! band when there is one, and a predictive policy's hourly capacity forecast.

use super::ChartContext;
use super::annotations;
use super::data::ServiceSeries;
use super::figure::{Figure, Panel, YScale};
use super::style;

/// The task-count chart of `service`.
pub fn figure<'a>(ctx: &ChartContext<'a>, service: &'a ServiceSeries) -> Figure<'a> {
    let unit = match tasks_word(ctx, &service.name) {
        "Pods" => "pods",
        _ => "tasks",
    };
    let mut panel = Panel::new(unit, YScale::Count);
    // Without a scalable target both bounds equal desiredCount: a band would only repeat it.
    let has_band = service
        .min_capacity
        .iter()
        .zip(&service.max_capacity)
        .any(|(lo, hi)| lo != hi);
    if has_band {
        // The axis scales to the tasks; a MaxCapacity far above them is cut at the top.
        panel = panel.clipped_band(
            capacity_legend(&service.min_capacity, &service.max_capacity),
            style::CAPACITY_BAND,
            &service.time_s,
            &service.min_capacity,
            &service.max_capacity,
        );
    }
    // Healthy is drawn first and wider, so it shows around RUNNING when the two are equal.
    panel = panel
        .line("healthy", style::HEALTHY, &service.time_s, &service.healthy)
        .line("running", style::RUNNING, &service.time_s, &service.running)
        .line("pending (starting)", style::PENDING, &service.time_s, &service.starting);
    // A service whose tasks always found room has no PROVISIONING line to explain.
    if service.provisioning.iter().any(|&v| v > 0.0) {
        panel = panel.line(
            "provisioning (waiting for capacity)",
            style::PROVISIONING,
            &service.time_s,
            &service.provisioning,
        );
    }
    panel = panel.line("desired", style::DESIRED, &service.time_s, &service.desired);
    // A predictive policy's capacity forecast for each hour (issue 21).
    for f in ctx.run.forecasts.iter().filter(|f| f.service == service.name) {
        panel = panel.line(
            format!("forecast capacity ({})", f.policy),
            style::FORECAST_CAPACITY,
            &f.time_s,
            &f.capacity,
        );
    }
    panel.spans = annotations::recovery_spans(ctx.run, &service.name, ctx.axis.end_s);
    Figure {
        file_stem: format!("service-{}-tasks", super::file_safe(&service.name)),
        title: ctx.title(&format!(
            "{} of {}",
            tasks_word(ctx, &service.name),
            ctx.service_noun(&service.name)
        )),
        subtitle: ctx.subtitle.clone(),
        panels: vec![panel],
        markers: annotations::markers(ctx.run, Some(&service.name)),
        window: None,
    }
}

/// `min–max capacity 10–100`, or without numbers when the bounds change during the run.
fn capacity_legend(min: &[f64], max: &[f64]) -> String {
    let constant = |v: &[f64]| v.first().filter(|&&f| v.iter().all(|x| x == &f)).copied();
    match (constant(min), constant(max)) {
        (Some(lo), Some(hi)) => format!("min–max capacity {lo}–{hi}"),
        _ => "min–max capacity".to_string(),
    }
}

/// `Tasks`, or `Pods` for an EKS Deployment.
fn tasks_word(ctx: &ChartContext<'_>, name: &str) -> &'static str {
    match ctx.service_noun(name).starts_with("Deployment") {
        true => "Pods",
        false => "Tasks",
    }
}
