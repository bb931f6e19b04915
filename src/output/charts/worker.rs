//! Chart (a) of a queue worker, in place of the load chart: messages per second arriving and
//! processed (a queue holds what workers do not take yet, so nothing is "unserved"), the backlog,
//! the backlog per RUNNING task that a backlog-per-task policy tracks (with its `TargetValue`),
//! and the age of the oldest message. Drawn for a service whose `services.csv` rows carry
//! `queue_depth`.

use super::ChartContext;
use super::annotations;
use super::data::ServiceSeries;
use super::figure::{Figure, Panel, ReferenceLine, YScale};
use super::style;

/// The metric of a policy that tracks the backlog per task (reference 11's metric math), as
/// `summary.json` names it.
pub const BACKLOG_PER_TASK_METRIC: &str = "ApproximateNumberOfMessagesVisible / RunningTaskCount";
/// The metric of a policy that tracks the whole backlog.
pub const BACKLOG_METRIC: &str = "ApproximateNumberOfMessagesVisible";
/// The metric of a policy that tracks the oldest message's age, in seconds.
pub const AGE_METRIC: &str = "ApproximateAgeOfOldestMessage";

/// A queue worker's columns, one value per row of its `services.csv` rows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QueueSeries {
    /// `queue_depth`: messages waiting.
    pub backlog: Vec<f64>,
    /// `queue_depth / running`: what `m1 / m2` computes; NaN with no RUNNING task (the metric
    /// math has no value then).
    pub backlog_per_task: Vec<f64>,
    /// `oldest_message_age_s` in milliseconds, for the duration axis.
    pub oldest_message_age_ms: Vec<f64>,
}

impl QueueSeries {
    /// The queue columns of `service` from its `queue_depth` and `oldest_message_age_s` cells;
    /// `None` when they are all empty (a service without a queue).
    pub fn of(service: &ServiceSeries, depth: Vec<f64>, age_s: Vec<f64>) -> Option<QueueSeries> {
        if depth.iter().all(|v| v.is_nan()) {
            return None;
        }
        let backlog_per_task = depth
            .iter()
            .zip(&service.running)
            .map(|(&d, &r)| if r > 0.0 { d / r } else { f64::NAN })
            .collect();
        Some(QueueSeries {
            backlog: depth,
            backlog_per_task,
            oldest_message_age_ms: age_s.iter().map(|s| s * 1000.0).collect(),
        })
    }
}

/// The worker chart of `service`, or `None` for a service without a queue.
pub fn figure<'a>(ctx: &ChartContext<'a>, service: &'a ServiceSeries) -> Option<Figure<'a>> {
    let queue = service.queue.as_ref()?;
    let t = &service.time_s;
    let mut messages = Panel::new("messages/s", YScale::Rate)
        .line("arriving", style::DEMAND, t, &service.demand_rps)
        .line("processed", style::SERVED, t, &service.served_rps);
    let mut backlog = Panel::new("backlog", YScale::Count).line("messages waiting", style::RUNNING, t, &queue.backlog);
    let noun = ctx.service_noun(&service.name);
    let (per, legend) = match noun.starts_with("Deployment") {
        true => ("per pod", "backlog per running pod"),
        false => ("per task", "backlog per RUNNING task"),
    };
    let mut per_task = Panel::new(per, YScale::Count).line(legend, style::CPU, t, &queue.backlog_per_task);
    let mut age = Panel::new("oldest", YScale::Milliseconds).line(
        "age of the oldest message",
        style::PENDING,
        t,
        &queue.oldest_message_age_ms,
    );
    for p in ctx
        .run
        .summary
        .scaling_policies
        .iter()
        .filter(|p| p.service == service.name && p.is_target_tracking())
    {
        let (Some(metric), Some(target)) = (p.metric.as_deref(), p.target_value) else {
            continue;
        };
        let line = |value: f64, unit: &str| ReferenceLine {
            legend: format!("{} target {target}{unit}", p.policy),
            stroke: style::TARGET_VALUE,
            value,
        };
        match metric {
            BACKLOG_PER_TASK_METRIC => per_task.reference_lines.push(line(target, "")),
            BACKLOG_METRIC => backlog.reference_lines.push(line(target, "")),
            AGE_METRIC => age.reference_lines.push(line(target * 1000.0, " s")),
            _ => {}
        }
    }
    // Counts of messages span decades (a backlog per task of thousands over a target of 100):
    // their axes may turn logarithmic like the rates' and durations'.
    backlog.log_allowed = true;
    per_task.log_allowed = true;
    for panel in [&mut messages, &mut backlog, &mut per_task, &mut age] {
        panel.spans = annotations::recovery_spans(ctx.run, &service.name, ctx.axis.end_s);
    }
    Some(Figure {
        file_stem: format!("service-{}-messages", super::file_safe(&service.name)),
        title: ctx.title(&format!("Messages and backlog of {noun}")),
        subtitle: ctx.subtitle.clone(),
        panels: vec![messages, backlog, per_task, age],
        markers: annotations::markers(ctx.run, Some(&service.name)),
        window: None,
    })
}
