//! What Application Auto Scaling adds to a service's utilization chart: each target tracking
//! policy's `TargetValue` as a dashed line (from `summary.json`), each user alarm's threshold, the
//! periods an alarm was in ALARM as tints (from `alarms.csv`), and for `RequestCountPerTarget` a
//! panel of its own with the requests per healthy target (from `services.csv`).
//!
//! An alarm's state holds from one row of `alarms.csv` to the next, so a period in ALARM runs
//! from the change to ALARM to the next change (or to the end of the run): the state changes the
//! file holds by default give the same periods as every evaluation.
//! High alarms (`>`, `>=`) and low alarms (`<`, `<=`) get one tint each, whatever policy owns them.
//!
//! The datapoints the alarms evaluated (the `datapoints` of `alarms.csv`'s rows) are drawn as dots
//! at the start of the period each measured: a target tracking policy's alarms see one-minute
//! datapoints minutes after the fact, so the dots show what the alarm compared with its
//! threshold when it went into ALARM, beside the per-interval metric of `services.csv`.

use super::ChartContext;
use super::data::{AlarmSeries, RunData, ServiceSeries};
use super::figure::{Line, Panel, ReferenceLine, Span, SpanShape, YScale};
use super::style;
use super::utilization::Overlays;

/// CloudWatch metric names drawn on the utilization panel.
const UTILIZATION_METRICS: &[&str] = &["CPUUtilization", "MemoryUtilization"];
/// The ALB metric that gets a panel of its own.
const REQUESTS_PER_TARGET: &str = "RequestCountPerTarget";

/// The overlays of `service`'s utilization chart.
pub fn utilization_overlays<'a>(ctx: &ChartContext<'a>, service: &'a ServiceSeries) -> Overlays<'a> {
    let run = ctx.run;
    Overlays {
        reference_lines: reference_lines(run, &service.name, UTILIZATION_METRICS),
        spans: alarm_spans(run, &service.name, UTILIZATION_METRICS, ctx.axis.end_s),
        points: alarm_datapoints(run, &service.name, UTILIZATION_METRICS),
        panels: requests_panel(ctx, service).into_iter().collect(),
    }
}

/// Colours of the datapoint dots, one per legend in order of first appearance (series colours
/// that neither CPU nor memory uses).
const DATAPOINT_COLORS: [plotters::style::RGBColor; 4] = [
    style::ALARM_DATAPOINTS.color,
    super::palette::series::BLUE,
    super::palette::series::BLUISH_GREEN,
    super::palette::series::ORANGE,
];

/// Dots for the datapoints the alarms of `service` on `metrics` evaluated. A target tracking
/// policy's high and low alarms see the same datapoints, so they share one legend per metric
/// (`CPU seen at alarm changes`) and their dots coincide; a user alarm gets its own.
pub fn alarm_datapoints<'a>(run: &'a RunData, service: &str, metrics: &[&str]) -> Vec<Line<'a>> {
    alarm_datapoints_in(run, service, metrics, |a| &a.datapoint_values)
}

/// [`alarm_datapoints`] with the values `values` gives (the datapoints in another unit).
pub fn alarm_datapoints_in<'a>(
    run: &'a RunData,
    service: &str,
    metrics: &[&str],
    values: impl Fn(&'a AlarmSeries) -> &'a [f64],
) -> Vec<Line<'a>> {
    let mut legends: Vec<String> = Vec::new();
    // By name, not by first row: `alarms.csv` with every evaluation lists the alarms in another
    // order than the one with changes of state, and both must draw the same chart.
    let mut alarms: Vec<&AlarmSeries> = run
        .alarms
        .iter()
        .filter(|a| a.service == service && metrics.contains(&a.metric.as_str()))
        .filter(|a| !a.datapoint_time_s.is_empty())
        .collect();
    alarms.sort_by(|a, b| (a.role.is_none(), &a.alarm).cmp(&(b.role.is_none(), &b.alarm)));
    alarms
        .into_iter()
        .map(|a| {
            let legend = match a.role {
                // `alarms.csv` keeps the datapoints of the evaluations that changed an alarm's
                // state, not of every evaluation: the legend says so, or a reader takes the gaps
                // between the dots for periods the alarm did not look at.
                Some(_) => format!("{} seen at alarm changes", metric_short_name(&a.metric)),
                None => format!("{} seen at changes", a.alarm),
            };
            let index = legends.iter().position(|l| l == &legend).unwrap_or_else(|| {
                legends.push(legend.clone());
                legends.len() - 1
            });
            Line {
                legend,
                stroke: style::Stroke {
                    color: DATAPOINT_COLORS[index % DATAPOINT_COLORS.len()],
                    ..style::ALARM_DATAPOINTS
                },
                time_s: &a.datapoint_time_s,
                values: values(a),
            }
        })
        .collect()
}

/// `CPU`, `memory`, `requests`: a metric's name in a legend.
fn metric_short_name(metric: &str) -> &str {
    match metric {
        "CPUUtilization" => "CPU",
        "MemoryUtilization" => "memory",
        REQUESTS_PER_TARGET => "requests",
        other => other,
    }
}

/// A panel of `RequestCountPerTarget` when a policy or alarm of `service` watches it: requests
/// served per healthy target per minute, from `services.csv`, at the time they were served (the
/// alarms see each minute after the metric pipeline's latency), with the policy's target and the
/// periods its alarms were in ALARM.
fn requests_panel<'a>(ctx: &ChartContext<'a>, service: &'a ServiceSeries) -> Option<Panel<'a>> {
    let run = ctx.run;
    let name = service.name.as_str();
    let watched_by_alarm = run
        .alarms
        .iter()
        .any(|a| a.service == name && a.metric == REQUESTS_PER_TARGET);
    let watched_by_policy = run
        .summary
        .scaling_policies
        .iter()
        .any(|p| p.service == name && p.metric.as_deref() == Some(REQUESTS_PER_TARGET));
    if !watched_by_alarm && !watched_by_policy {
        return None;
    }
    let mut panel = Panel::new("requests per target", YScale::Rate).line(
        "RequestCountPerTarget",
        style::REQUESTS_PER_TARGET,
        &service.time_s,
        &service.requests_per_target,
    );
    panel.reference_lines = reference_lines(run, name, &[REQUESTS_PER_TARGET]);
    panel.spans = alarm_spans(run, name, &[REQUESTS_PER_TARGET], ctx.axis.end_s);
    panel.points = alarm_datapoints(run, name, &[REQUESTS_PER_TARGET]);
    panel.height_weight = 2;
    Some(panel)
}

/// Dashed lines for the target tracking policies of `service` on `metrics` (`cpu60 target 60 %`)
/// and the thresholds of its user alarms on them (`web-cpu-high >= 50`).
pub fn reference_lines(run: &RunData, service: &str, metrics: &[&str]) -> Vec<ReferenceLine> {
    let targets = run
        .summary
        .scaling_policies
        .iter()
        .filter(|p| p.service == service && p.is_target_tracking())
        .filter_map(|p| {
            let metric = p.metric.as_deref().filter(|m| metrics.contains(m))?;
            let value = p.target_value?;
            let unit = if metric.ends_with("Utilization") { " %" } else { "" };
            Some(ReferenceLine {
                legend: format!("{} target {}{unit}", p.policy, number(value)),
                stroke: style::TARGET_VALUE,
                value,
            })
        });
    let thresholds = run
        .alarms
        .iter()
        .filter(|a| a.service == service && metrics.contains(&a.metric.as_str()) && a.role.is_none())
        .map(|a| ReferenceLine {
            legend: format!("{} {} {}", a.alarm, a.comparison, number(a.threshold)),
            stroke: if is_high(a) {
                style::ALARM_HIGH_THRESHOLD
            } else {
                style::ALARM_LOW_THRESHOLD
            },
            value: a.threshold,
        });
    targets.chain(thresholds).collect()
}

/// Tinted periods when an alarm of `service` on one of `metrics` was in ALARM, merged per legend;
/// where several were in ALARM at once, one span of its own names them all (`A and B in ALARM`),
/// so no two tints overlap into a colour the legend does not have.
pub fn alarm_spans(run: &RunData, service: &str, metrics: &[&str], end_s: f64) -> Vec<Span> {
    let mut spans: Vec<Span> = Vec::new();
    for alarm in run
        .alarms
        .iter()
        .filter(|a| a.service == service && metrics.contains(&a.metric.as_str()))
    {
        let legend = match alarm.role {
            Some(role) => format!("{} in ALARM", role.aws_name()),
            None => format!("{} in ALARM", alarm.alarm),
        };
        let stroke = if is_high(alarm) {
            style::ALARM_HIGH
        } else {
            style::ALARM_LOW
        };
        for (start_s, end) in periods_in_alarm(alarm, end_s) {
            spans.push(Span {
                legend: legend.clone(),
                stroke,
                start_s,
                end_s: end,
                shape: SpanShape::Tint,
            });
        }
    }
    merge_overlapping(separate_overlaps(merge_overlapping(spans)))
}

/// Cuts spans of different legends where they overlap: each stretch covered by two or more
/// becomes one `ALARMS_TOGETHER` span naming them (in the order given), the rest keep their own.
fn separate_overlaps(spans: Vec<Span>) -> Vec<Span> {
    // A span of no length (drawn at the minimum width) has nothing to share: kept as it is.
    let (points, spans): (Vec<Span>, Vec<Span>) = spans.into_iter().partition(|s| s.end_s <= s.start_s);
    let mut edges: Vec<f64> = spans.iter().flat_map(|s| [s.start_s, s.end_s]).collect();
    edges.sort_by(f64::total_cmp);
    edges.dedup();
    let mut out = Vec::new();
    for pair in edges.windows(2) {
        let (from, to) = (pair[0], pair[1]);
        let covering: Vec<&Span> = spans.iter().filter(|s| s.start_s <= from && s.end_s >= to).collect();
        let (legend, stroke) = match covering.as_slice() {
            [] => continue,
            [one] => (one.legend.clone(), one.stroke),
            many => {
                let names: Vec<&str> = many.iter().map(|s| s.legend.trim_end_matches(" in ALARM")).collect();
                (format!("{} in ALARM", names.join(" and ")), style::ALARMS_TOGETHER)
            }
        };
        out.push(Span {
            legend,
            stroke,
            start_s: from,
            end_s: to,
            shape: SpanShape::Tint,
        });
    }
    out.extend(points);
    out
}

/// The periods `alarm` was in ALARM: from each row that found ALARM after one that did not, to
/// the next row that did not, or to `end_s`.
pub fn periods_in_alarm(alarm: &AlarmSeries, end_s: f64) -> Vec<(f64, f64)> {
    let mut periods = Vec::new();
    let mut since: Option<f64> = None;
    for (&t, &in_alarm) in alarm.time_s.iter().zip(&alarm.in_alarm) {
        match (since, in_alarm) {
            (None, true) => since = Some(t),
            (Some(start), false) => {
                periods.push((start, t));
                since = None;
            }
            _ => {}
        }
    }
    if let Some(start) = since {
        periods.push((start, end_s.max(start)));
    }
    periods
}

/// Spans of the same legend that overlap or touch become one (two policies' high alarms in ALARM
/// together are one tint, not a darker one).
fn merge_overlapping(mut spans: Vec<Span>) -> Vec<Span> {
    spans.sort_by(|a, b| a.legend.cmp(&b.legend).then(a.start_s.total_cmp(&b.start_s)));
    let mut merged: Vec<Span> = Vec::new();
    for span in spans {
        match merged.last_mut() {
            Some(last) if last.legend == span.legend && span.start_s <= last.end_s => {
                last.end_s = last.end_s.max(span.end_s);
            }
            _ => merged.push(span),
        }
    }
    // High alarms first, so the legend reads AlarmHigh before AlarmLow.
    merged.sort_by_key(|s| s.stroke != style::ALARM_HIGH);
    merged
}

/// Whether the alarm fires on high values (`>`, `>=`).
fn is_high(alarm: &AlarmSeries) -> bool {
    alarm.comparison.starts_with('>')
}

/// `60`, `6000`, `0.5`: without trailing zeros.
fn number(value: f64) -> String {
    super::timeline::format_tick(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::charts::data::RunTexts;
    use crate::output::charts::figure::Figure;
    use crate::output::charts::utilization;
    use crate::trace::summary::{PolicySummary, TARGET_TRACKING_SCALING};

    const SERVICES: &str = "time_s,timestamp,service,desired,running,pending,healthy,primary_running,\
active_running,cpu_utilization,memory_utilization,demand_rps,served_rps,unserved_rps,min_capacity,max_capacity
60,t,web,2,2,0,2,2,0,50,40,100,100,0,2,10
3600,t,web,2,2,0,2,2,0,50,40,100,100,0,2,10
";
    /// High alarm in ALARM at 600-720 s and from 1500 s to the end; low alarm at 900-1080 s.
    /// A second policy's high alarm overlaps the first period and merges with it.
    const ALARMS: &str = "time_s,timestamp,alarm,service,metric,value,comparison,threshold,state,policy,alarm_role
540,t,TargetTracking-service/c/web-AlarmHigh-cpu60,web,CPUUtilization,50,>,60,OK,cpu60,high
600,t,TargetTracking-service/c/web-AlarmHigh-cpu60,web,CPUUtilization,70,>,60,ALARM,cpu60,high
660,t,TargetTracking-service/c/web-AlarmHigh-cpu60,web,CPUUtilization,71,>,60,ALARM,cpu60,high
720,t,TargetTracking-service/c/web-AlarmHigh-cpu60,web,CPUUtilization,50,>,60,OK,cpu60,high
660,t,TargetTracking-service/c/web-AlarmHigh-mem70,web,MemoryUtilization,80,>,70,ALARM,mem70,high
780,t,TargetTracking-service/c/web-AlarmHigh-mem70,web,MemoryUtilization,60,>,70,OK,mem70,high
900,t,TargetTracking-service/c/web-AlarmLow-cpu60,web,CPUUtilization,40,<,54,ALARM,cpu60,low
1080,t,TargetTracking-service/c/web-AlarmLow-cpu60,web,CPUUtilization,55,<,54,INSUFFICIENT_DATA,cpu60,low
1500,t,TargetTracking-service/c/web-AlarmHigh-cpu60,web,CPUUtilization,90,>,60,ALARM,cpu60,high
1500,t,other-service-alarm,api,CPUUtilization,90,>,60,ALARM,,
";

    fn run() -> RunData {
        let mut run = RunData::from_texts(RunTexts {
            services_csv: SERVICES,
            cluster_csv: "time_s,capacity_provider,instances,instances_pending,capacity_provider_reservation,tasks,cost_usd,desired_capacity,target_capacity,tasks_provisioning\n",
            events_csv: "time_s,timestamp,kind,subject,message\n",
            summary_json: r#"{"simulated_seconds": 3600}"#,
        })
        .and_then(|run| run.with_alarms(ALARMS))
        .expect("loads");
        run.summary.scaling_policies.push(PolicySummary {
            policy: "cpu60".into(),
            service: "web".into(),
            policy_type: TARGET_TRACKING_SCALING.into(),
            metric: Some("CPUUtilization".into()),
            target_value: Some(60.0),
            scaling_activities: 3,
            predictive: None,
        });
        run
    }

    fn utilization_figure(run: &RunData) -> Figure<'_> {
        let ctx = ChartContext::new(run);
        let service = &run.services[0];
        utilization::figure(&ctx, service, utilization_overlays(&ctx, service))
    }

    #[test]
    fn alarm_periods_are_shaded_from_the_alarm_evaluation_to_the_next_ok() {
        let run = run();
        let figure = utilization_figure(&run);
        let spans: Vec<(&str, f64, f64)> = figure.panels[0]
            .spans
            .iter()
            .map(|s| (s.legend.as_str(), s.start_s, s.end_s))
            .collect();
        assert_eq!(
            spans,
            [
                ("AlarmHigh in ALARM", 600.0, 780.0),
                ("AlarmHigh in ALARM", 1500.0, 3600.0),
                ("AlarmLow in ALARM", 900.0, 1080.0),
            ]
        );
        assert_eq!(figure.panels[0].spans[0].stroke, style::ALARM_HIGH);
        assert_eq!(figure.panels[0].spans[2].stroke, style::ALARM_LOW);
        // On the hour axis of a one-hour run (minutes), 600 s is x = 10 and 780 s is x = 13.
        let axis = ChartContext::new(&run).axis;
        assert_eq!((axis.to_axis(600.0), axis.to_axis(780.0)), (10.0, 13.0));
    }

    /// Issue 15 item 2: no grey from overlaps unless it is in the legend. Two alarms in ALARM at
    /// once (as `step-scaling-doc-sequence`'s `>= 50` and `<= 50` at exactly 50) get one span of
    /// their own, named, and their own spans stop where it starts.
    #[test]
    fn overlapping_alarm_periods_become_one_named_span() {
        let span = |legend: &str, stroke, start_s, end_s| Span {
            legend: legend.to_string(),
            stroke,
            start_s,
            end_s,
            shape: SpanShape::Tint,
        };
        let spans = vec![
            span("high in ALARM", style::ALARM_HIGH, 100.0, 400.0),
            span("low in ALARM", style::ALARM_LOW, 300.0, 600.0),
            span("low in ALARM", style::ALARM_LOW, 700.0, 700.0),
        ];
        let mut cut: Vec<(String, f64, f64, bool)> = separate_overlaps(spans)
            .into_iter()
            .map(|s| (s.legend, s.start_s, s.end_s, s.stroke == style::ALARMS_TOGETHER))
            .collect();
        cut.sort_by(|a, b| a.1.total_cmp(&b.1));
        let row = |legend: &str, start, end, together| (legend.to_string(), start, end, together);
        assert_eq!(
            cut,
            [
                row("high in ALARM", 100.0, 300.0, false),
                row("high and low in ALARM", 300.0, 400.0, true),
                row("low in ALARM", 400.0, 600.0, false),
                row("low in ALARM", 700.0, 700.0, false),
            ]
        );
    }

    #[test]
    fn target_tracking_policies_draw_their_target_value() {
        let run = run();
        let figure = utilization_figure(&run);
        let lines: Vec<(&str, f64)> = figure.panels[0]
            .reference_lines
            .iter()
            .map(|r| (r.legend.as_str(), r.value))
            .collect();
        assert_eq!(lines, [("cpu60 target 60 %", 60.0)]);
        assert_eq!(figure.panels.len(), 1, "no RequestCountPerTarget, no second panel");
    }

    #[test]
    fn the_role_column_not_the_name_tells_a_managed_alarm() {
        let alarms = "time_s,timestamp,alarm,service,metric,value,comparison,threshold,state,policy,alarm_role
600,t,renamed-by-someone,web,CPUUtilization,70,>,60,ALARM,cpu60,high
600,t,TargetTracking-service/c/web-AlarmLow-lookalike,web,CPUUtilization,70,<,20,ALARM,,
";
        let mut run = run();
        run.alarms = RunData::default().with_alarms(alarms).expect("loads").alarms;
        assert_eq!(
            (run.alarms[0].policy.as_str(), run.alarms[0].role),
            ("cpu60", Some(crate::trace::AlarmRole::High))
        );
        let spans: Vec<String> = alarm_spans(&run, "web", UTILIZATION_METRICS, 3600.0)
            .into_iter()
            .map(|s| s.legend)
            .collect();
        // Both in ALARM for the whole run: one span naming both, each by its role or name.
        assert_eq!(
            spans,
            ["AlarmHigh and TargetTracking-service/c/web-AlarmLow-lookalike in ALARM"]
        );
        let lines: Vec<String> = reference_lines(&run, "web", UTILIZATION_METRICS)
            .into_iter()
            .map(|r| r.legend)
            .collect();
        assert_eq!(
            lines,
            [
                "cpu60 target 60 %",
                "TargetTracking-service/c/web-AlarmLow-lookalike < 20"
            ],
            "a user alarm's threshold is drawn, a managed alarm's is not"
        );
    }
}
