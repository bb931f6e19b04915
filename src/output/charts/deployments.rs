//! Chart (d), per service that deploys: RUNNING tasks, while a deployment is in progress those of
//! the new revision (the PRIMARY deployment) with those of the old one (ACTIVE) stacked on top,
//! while a rollback is in progress those of the revision it returns to (named in the legend),
//! and outside deployments those of the current revision in a colour of their own, desiredCount dashed and healthy tasks as
//! lines, each deployment and rollback shaded while it runs, and markers where deployments start,
//! complete, stall, fail and roll back, and a tick at each failed task the circuit breaker counts. A service without a `deployment_started` event has no
//! such chart. After a BLUE_GREEN, LINEAR or CANARY deployment, a second panel shows the share of
//! requests per revision with the stages shaded (`traffic`).

use super::ChartContext;
use super::annotations;
use super::data::ServiceSeries;
use super::figure::{Figure, Panel, YScale};
use super::style;
use super::timeline::{Window, describe_duration};

/// How long a deployment took: `47 s`, `5 min 37 s`, or as the subtitle says longer runs.
fn describe_elapsed(seconds: f64) -> String {
    let whole = seconds.round() as u64;
    match whole {
        0..120 => format!("{whole} s"),
        120..7200 if whole.is_multiple_of(60) => format!("{} min", whole / 60),
        120..7200 => format!("{} min {} s", whole / 60, whole % 60),
        _ => describe_duration(seconds),
    }
}

/// Most deployments of one service drawn zoomed (the overview chart shows them all).
pub const MAX_ZOOMED: usize = 10;
/// Least margin either side of a zoomed deployment, seconds.
const MIN_MARGIN_S: f64 = 300.0;

/// Legend of the tasks while no deployment is in progress.
pub const CURRENT_LEGEND: &str = "current revision";
/// Legend of the primary (new revision) tasks of a deployment in progress.
pub const PRIMARY_LEGEND: &str = "new revision (primary)";
/// Legend of the primary tasks of a rollback in progress, without the revision's name.
pub const ROLLBACK_LEGEND: &str = "rolled back to (primary)";
/// Legend of the active (old revision) tasks of a deployment in progress.
pub const ACTIVE_LEGEND: &str = "old revision (active)";

/// One chart per deployment or rollback of `service` (the first [`MAX_ZOOMED`]), each zoomed to
/// the deployment with a margin either side of a quarter of its length, at least five minutes
/// and five trace intervals; none for a deployment whose zoom would show most of the run anyway.
pub fn zoomed<'a>(ctx: &ChartContext<'a>, service: &'a ServiceSeries) -> Vec<Figure<'a>> {
    let Some(overview) = figure(ctx, service) else {
        return Vec::new();
    };
    let run_end = ctx.axis.end_s;
    let interval = match service.time_s[..] {
        [a, b, ..] => b - a,
        _ => 0.0,
    };
    annotations::deployments(ctx.run, &service.name)
        .iter()
        .take(MAX_ZOOMED)
        .enumerate()
        .filter_map(|(i, d)| {
            let end = d.end_s.unwrap_or(run_end);
            let margin = ((end - d.start_s) * 0.25).max(MIN_MARGIN_S).max(5.0 * interval);
            let window = Window {
                from_s: (d.start_s - margin).max(0.0),
                to_s: (end + margin).min(run_end),
            };
            if window.length_s() > 0.8 * run_end || window.length_s() <= 0.0 {
                return None;
            }
            let what = if d.rollback { "Rollback" } else { "Deployment" };
            let revision = d
                .task_definition
                .as_deref()
                .map_or(String::new(), |t| format!(" to {t}"));
            let outcome = match d.end_s {
                Some(e) => format!("{} after {}", d.outcome, describe_elapsed(e - d.start_s)),
                None => d.outcome.to_string(),
            };
            let mut zoomed = overview.clone();
            zoomed.file_stem = format!("service-{}-deployment-{}", super::file_safe(&service.name), i + 1);
            zoomed.title = ctx.title(&format!("{what} {} of {}{revision}, {outcome}", i + 1, service.name));
            zoomed.window = Some(window);
            Some(zoomed)
        })
        .collect()
}

/// `rollback to web:1 (primary)`, naming the revision when every rollback returns to the same
/// one.
pub fn rollback_legend(layers: &super::revisions::RevisionLayers) -> String {
    match &layers.rollback_revision {
        Some(revision) => format!("rollback to {revision} (primary)"),
        None => ROLLBACK_LEGEND.to_string(),
    }
}

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
    let layers = &service.revisions;
    let mut panel = Panel::new("tasks", YScale::Count)
        .stacked_area(CURRENT_LEGEND, style::CURRENT_TASKS, &service.time_s, &layers.current)
        .stacked_area(PRIMARY_LEGEND, style::PRIMARY_TASKS, &service.time_s, &layers.new)
        .stacked_area(
            rollback_legend(layers),
            style::ROLLBACK_TASKS,
            &service.time_s,
            &layers.rollback,
        )
        .stacked_area(ACTIVE_LEGEND, style::ACTIVE_TASKS, &service.time_s, &layers.old)
        .line("healthy", style::HEALTHY, &service.time_s, &service.healthy)
        .line("desired", style::DESIRED, &service.time_s, &service.desired);
    panel.spans = annotations::deployment_spans(ctx.run, &service.name, ctx.axis.end_s);
    // BLUE_GREEN, LINEAR, CANARY: the share of requests per revision, stages shaded, below the
    // tasks (which keep two thirds of the height for their longer legend).
    let traffic = super::traffic::panel(ctx.run, service, ctx.axis.end_s);
    if traffic.is_some() {
        panel.height_weight = 2;
    }
    let mut panels = vec![panel];
    panels.extend(traffic);
    Some(Figure {
        file_stem: format!("service-{}-deployments", super::file_safe(&service.name)),
        title: ctx.title(&format!("Deployments of {}", service.name)),
        subtitle: ctx.subtitle.clone(),
        panels,
        markers: annotations::deployment_markers(ctx.run, &service.name),
        window: None,
    })
}

#[cfg(test)]
mod tests {
    use super::describe_elapsed;

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(describe_elapsed(46.8), "47 s");
        assert_eq!(describe_elapsed(337.2), "5 min 37 s");
        assert_eq!(describe_elapsed(600.0), "10 min");
        assert_eq!(describe_elapsed(3.0 * 3600.0), "3 h");
    }
}
