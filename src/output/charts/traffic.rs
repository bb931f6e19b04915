//! Chart (d)'s traffic panel for BLUE_GREEN, LINEAR and CANARY deployments (issue 19): the share
//! of requests the new and the old revision receive during a deployment, and the current
//! revision outside one (`services.csv`'s `new_revision_weight_pct`, split by `TrafficSeries`), with the deployment's stages shaded from its `deployment_stage` rows: green scaling
//! up, lifecycle hooks at work, production traffic shifting (with its step bakes) and the final
//! bake. Rollbacks are marked by the deployment markers every panel shares.

use super::data::{EventRow, RunData};
use super::deployment_events::Deployment;
use super::figure::{Panel, Span, SpanShape, YScale};
use super::palette::marker;
use super::palette::series;
use super::style::Stroke;
use crate::trace::EventDetail;

/// Legend of the new revision's share of requests during a deployment (green, PRIMARY).
pub const NEW_TRAFFIC_LEGEND: &str = "requests to the new revision (primary)";
/// Legend of the old revision's share during a deployment (blue, ACTIVE).
pub const OLD_TRAFFIC_LEGEND: &str = "requests to the old revision (active)";
/// Legend of the share of the revision that runs outside deployments (and the one a rollback
/// returns to): 100 % unless a deployment is shifting traffic.
pub const CURRENT_TRAFFIC_LEGEND: &str = "requests to the current revision";
/// Legend of a SCALE_UP span.
pub const SCALE_UP_LEGEND: &str = "green scaling up";
/// Legend of a span where lifecycle hooks run.
pub const HOOKS_LEGEND: &str = "lifecycle hooks";
/// Legend of a PRODUCTION_TRAFFIC_SHIFT span (its steps and their bakes).
pub const SHIFT_LEGEND: &str = "traffic shifting (step bakes)";
/// Legend of a BAKE_TIME span.
pub const BAKE_LEGEND: &str = "bake time";

const fn fill(color: plotters::style::RGBColor) -> Stroke {
    Stroke {
        color,
        width: 1,
        dashed: false,
    }
}

// Spans take marker colours, series take series colours (issue 15 item 3).
const SCALE_UP_SPAN: Stroke = fill(marker::BROWN);
const HOOKS_SPAN: Stroke = fill(marker::PURPLE);
const SHIFT_SPAN: Stroke = fill(marker::DARK_TEAL);
const BAKE_SPAN: Stroke = fill(marker::OLIVE);
/// Each share takes the colour of its revision's tasks in the panel above (`style`'s
/// `PRIMARY_TASKS`, `ACTIVE_TASKS`, `CURRENT_TASKS`), so a line reads as the layer it feeds.
const NEW_SHARE: Stroke = Stroke {
    color: series::BLUE,
    width: 3,
    dashed: false,
};
const OLD_SHARE: Stroke = Stroke {
    color: series::YELLOW,
    width: 3,
    dashed: false,
};
const CURRENT_SHARE: Stroke = Stroke {
    color: series::SKY_BLUE,
    width: 3,
    dashed: false,
};

/// The share of requests per revision, one value per row, split by what the rows are: inside a
/// deployment (not a rollback) the new and the old revision's shares, elsewhere the current
/// revision's. A series is NaN where it does not apply, so each is drawn only where it means
/// what its legend says (the column alone, `new_revision_weight_pct`, is the newest revision's
/// share everywhere, which outside a deployment is the current revision).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TrafficSeries {
    /// `new_revision_weight_pct` as written.
    pub weight_pct: Vec<f64>,
    /// The new revision's share, in deployments.
    pub new_pct: Vec<f64>,
    /// The old revision's share (100 less the new one's), in deployments.
    pub old_pct: Vec<f64>,
    /// The current revision's share, outside deployments and during rollbacks.
    pub current_pct: Vec<f64>,
}

impl TrafficSeries {
    /// The series of one service's `new_revision_weight_pct` column at `time_s`, split by the
    /// service's deployments: a row from a deployment's start to its end (both included, so the
    /// lines meet) is in it; a rollback's rows are the current revision's.
    pub fn of(weight_pct: Vec<f64>, time_s: &[f64], deployments: &[Deployment]) -> TrafficSeries {
        let within = |t: f64, closed: bool| {
            deployments.iter().filter(|d| !d.rollback).any(|d| {
                let end = d.end_s.unwrap_or(f64::INFINITY);
                // A completed deployment's last row shows its end state (the new revision at
                // 100 %); a failed one's shows the rollback's, which is the current revision's.
                if closed && d.outcome == "completed" {
                    d.start_s <= t && t <= end
                } else if closed {
                    d.start_s <= t && t < end
                } else {
                    d.start_s < t && t < end
                }
            })
        };
        let mut series = TrafficSeries {
            weight_pct,
            ..TrafficSeries::default()
        };
        let starts = |t: f64| deployments.iter().any(|d| !d.rollback && d.start_s == t);
        for (&t, &w) in time_s.iter().zip(&series.weight_pct) {
            let deploying = within(t, true);
            series.new_pct.push(if deploying { w } else { f64::NAN });
            series.old_pct.push(if deploying { 100.0 - w } else { f64::NAN });
            // At a deployment's first row the current revision has become the old one.
            let current = if starts(t) { 100.0 - w } else { w };
            series
                .current_pct
                .push(if within(t, false) { f64::NAN } else { current });
        }
        series
    }
}

/// The traffic panel of `service`'s deployment chart, when the service ran a traffic-shifting
/// deployment and the run wrote the weights.
pub fn panel<'a>(run: &RunData, service: &'a super::data::ServiceSeries, end_s: f64) -> Option<Panel<'a>> {
    let traffic = service.traffic.as_ref()?;
    let stages: Vec<&EventRow> = run
        .events
        .iter()
        .filter(|e| e.kind == "deployment_stage" && e.subject == service.name)
        .collect();
    if stages.is_empty() {
        return None;
    }
    let mut panel = Panel::new("share of requests, %", YScale::Percent)
        .line(
            CURRENT_TRAFFIC_LEGEND,
            CURRENT_SHARE,
            &service.time_s,
            &traffic.current_pct,
        )
        .line(OLD_TRAFFIC_LEGEND, OLD_SHARE, &service.time_s, &traffic.old_pct)
        .line(NEW_TRAFFIC_LEGEND, NEW_SHARE, &service.time_s, &traffic.new_pct);
    // A weight holds until the row that changes it, as a task count does.
    panel.steps = true;
    panel.spans = stage_spans(run, &service.name, end_s);
    Some(panel)
}

/// The shaded stages of `service`'s traffic-shifting deployments: each stage lasts until the
/// next `deployment_stage` row, or the deployment's end (completed, failed, rolled back).
pub fn stage_spans(run: &RunData, service: &str, end_s: f64) -> Vec<Span> {
    let rows: Vec<&EventRow> = run
        .events
        .iter()
        .filter(|e| e.subject == service)
        .filter(|e| {
            matches!(
                e.kind.as_str(),
                "deployment_stage" | "deployment_completed" | "deployment_failed" | "deployment_started"
            )
        })
        .collect();
    let mut spans = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let Some(EventDetail::Stage { stage, .. }) = &row.detail else {
            continue;
        };
        let until = rows.get(i + 1).map_or(end_s, |next| next.time_s);
        if until <= row.time_s {
            continue;
        }
        let (legend, stroke) = match stage.as_str() {
            "SCALE_UP" => (SCALE_UP_LEGEND, SCALE_UP_SPAN),
            "PRODUCTION_TRAFFIC_SHIFT" => (SHIFT_LEGEND, SHIFT_SPAN),
            "BAKE_TIME" => (BAKE_LEGEND, BAKE_SPAN),
            // CLEAN_UP is blue draining: the task layers show it.
            "CLEAN_UP" => continue,
            _ => (HOOKS_LEGEND, HOOKS_SPAN),
        };
        spans.push(Span {
            legend: legend.to_string(),
            stroke,
            start_s: row.time_s,
            end_s: until,
            shape: SpanShape::Tint,
        });
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::StrategyCause;

    fn row(time_s: f64, kind: &str, stage: Option<&str>) -> EventRow {
        EventRow {
            time_s,
            timestamp: String::new(),
            kind: kind.into(),
            subject: "web".into(),
            message: String::new(),
            detail: stage.map(|s| EventDetail::Stage {
                strategy: StrategyCause::Canary,
                stage: s.into(),
            }),
        }
    }

    #[test]
    fn stages_become_spans_until_the_next_stage_or_the_end() {
        let run = RunData {
            events: vec![
                row(100.0, "deployment_started", None),
                row(100.0, "deployment_stage", Some("PRE_SCALE_UP")),
                row(100.0, "deployment_stage", Some("SCALE_UP")),
                row(160.0, "deployment_stage", Some("POST_SCALE_UP")),
                row(190.0, "deployment_stage", Some("PRODUCTION_TRAFFIC_SHIFT")),
                row(1090.0, "deployment_stage", Some("BAKE_TIME")),
                row(1390.0, "deployment_stage", Some("CLEAN_UP")),
                row(1700.0, "deployment_completed", None),
            ],
            ..RunData::default()
        };
        let spans: Vec<(String, f64, f64)> = stage_spans(&run, "web", 3600.0)
            .into_iter()
            .map(|s| (s.legend, s.start_s, s.end_s))
            .collect();
        assert_eq!(
            spans,
            [
                (SCALE_UP_LEGEND.to_string(), 100.0, 160.0),
                (HOOKS_LEGEND.to_string(), 160.0, 190.0),
                (SHIFT_LEGEND.to_string(), 190.0, 1090.0),
                (BAKE_LEGEND.to_string(), 1090.0, 1390.0),
            ]
        );
    }

    #[test]
    fn a_failed_deployment_ends_its_stage() {
        let run = RunData {
            events: vec![
                row(190.0, "deployment_stage", Some("PRODUCTION_TRAFFIC_SHIFT")),
                row(540.0, "deployment_failed", None),
            ],
            ..RunData::default()
        };
        let spans = stage_spans(&run, "web", 3600.0);
        assert_eq!(spans.len(), 1);
        assert_eq!(spans[0].end_s, 540.0);
    }

    fn deployment(start_s: f64, end_s: Option<f64>, rollback: bool) -> Deployment {
        Deployment {
            rollback,
            start_s,
            end_s,
            outcome: "completed",
            task_definition: None,
        }
    }

    /// Before a deployment the revision running is the current one; from the deployment's start
    /// the weight column (the newest revision's share, 0 at the start) is the new revision's, and
    /// its complement the old one's, so no line jumps at the start as if traffic had moved.
    #[test]
    fn shares_are_split_by_deployment() {
        let time_s = [0.0, 60.0, 120.0, 180.0, 240.0, 300.0];
        let weights = vec![100.0, 0.0, 10.0, 100.0, 100.0, 100.0];
        let traffic = TrafficSeries::of(weights, &time_s, &[deployment(60.0, Some(180.0), false)]);
        let shown = |v: &[f64]| v.iter().map(|x| (!x.is_nan()).then_some(*x)).collect::<Vec<_>>();
        assert_eq!(
            shown(&traffic.new_pct),
            [None, Some(0.0), Some(10.0), Some(100.0), None, None]
        );
        assert_eq!(
            shown(&traffic.old_pct),
            [None, Some(100.0), Some(90.0), Some(0.0), None, None]
        );
        assert_eq!(
            shown(&traffic.current_pct),
            [Some(100.0), Some(100.0), None, Some(100.0), Some(100.0), Some(100.0)]
        );
    }

    /// A rollback's rows belong to the revision it returns to, the current one; a deployment still
    /// running at the end of the run is open-ended.
    #[test]
    fn a_rollback_is_the_current_revision_and_an_open_deployment_runs_to_the_end() {
        let time_s = [0.0, 60.0, 120.0, 180.0];
        let deployments = [deployment(0.0, Some(60.0), false), deployment(60.0, Some(120.0), true)];
        let traffic = TrafficSeries::of(vec![0.0, 100.0, 100.0, 100.0], &time_s, &deployments);
        assert!(traffic.new_pct[2].is_nan() && traffic.current_pct[2] == 100.0);
        // A failure row already shows the rollback: the current revision's, not the new one's.
        let mut failed = deployment(0.0, Some(120.0), false);
        failed.outcome = "failed";
        let traffic = TrafficSeries::of(vec![0.0, 10.0, 100.0, 100.0], &time_s, &[failed]);
        assert!(traffic.new_pct[2].is_nan() && traffic.current_pct[2] == 100.0);
        assert_eq!(traffic.new_pct[1], 10.0);
        let open = TrafficSeries::of(vec![100.0, 0.0, 20.0], &time_s[..3], &[deployment(60.0, None, false)]);
        assert_eq!(open.new_pct[2], 20.0);
        assert!(open.current_pct[2].is_nan());
    }
}
