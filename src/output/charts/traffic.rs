//! Chart (d)'s traffic panel for BLUE_GREEN, LINEAR and CANARY deployments (issue 19): the share
//! of requests the PRIMARY revision and the others receive (`services.csv`'s
//! `new_revision_weight_pct` and its complement), with the deployment's stages shaded from its `deployment_stage` rows: green scaling
//! up, lifecycle hooks at work, production traffic shifting (with its step bakes) and the final
//! bake. Rollbacks are marked by the deployment markers every panel shares.

use super::data::{EventRow, RunData};
use super::figure::{Panel, Span, SpanShape, YScale};
use super::palette::marker;
use super::palette::series;
use super::style::Stroke;
use crate::trace::EventDetail;

/// Legend of the PRIMARY deployment's revision's share of requests (green while a deployment
/// is in progress, the revision rolled back to during a rollback).
pub const NEW_TRAFFIC_LEGEND: &str = "requests to primary";
/// Legend of the other revisions' share of requests.
pub const OLD_TRAFFIC_LEGEND: &str = "requests to the others";
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
/// The primary revision's share: the colour of the primary tasks above it.
const PRIMARY_SHARE: Stroke = Stroke {
    color: series::BLUE,
    width: 3,
    dashed: false,
};
/// The other revisions' share.
const OTHER_SHARE: Stroke = Stroke {
    color: series::VERMILLION,
    width: 2,
    dashed: false,
};

/// The share of requests per revision, one value per row.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TrafficSeries {
    /// `new_revision_weight_pct`.
    pub new_pct: Vec<f64>,
    /// 100 less it (NaN where it is NaN).
    pub old_pct: Vec<f64>,
}

impl TrafficSeries {
    /// The series of one service's `new_revision_weight_pct` column.
    pub fn of(new_pct: Vec<f64>) -> TrafficSeries {
        let old_pct = new_pct.iter().map(|w| 100.0 - w).collect();
        TrafficSeries { new_pct, old_pct }
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
        .line(NEW_TRAFFIC_LEGEND, PRIMARY_SHARE, &service.time_s, &traffic.new_pct)
        .line(OLD_TRAFFIC_LEGEND, OTHER_SHARE, &service.time_s, &traffic.old_pct);
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
        assert_eq!(TrafficSeries::of(vec![10.0, 100.0]).old_pct, [90.0, 0.0]);
    }
}
