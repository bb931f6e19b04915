//! What the pass over every chart left for later (issue 15), checked on the charts' data: a Spot
//! reclaim marked on the charts of providers it did not touch, UpdateTaskProtection drawn as
//! UpdateService, a fault's recovery hidden under an outage's tint, spikes that flatten a linear
//! axis, an empty "timed out" panel, and batch windows that did not draw their deadline.

use ecsim::output::charts::annotations::TASK_PROTECTION_LEGEND;
use ecsim::output::charts::deadlines::DEADLINE_LEGEND;
use ecsim::output::charts::faults::RECOVERY_LEGEND;
use ecsim::output::charts::figure::{Figure, SpanShape};
use ecsim::output::charts::legend::{self, Swatch};
use ecsim::output::charts::log_axis::LogAxis;
use ecsim::output::charts::{RunData, Source, inspect_figures, palette, style};
use ecsim::trace::{EventDetail, ProtectionChange};

use crate::support::{chart_data, load_file, root, run_to_strings};

fn run_data(scenario: &str) -> RunData {
    chart_data(&run_to_strings(
        &load_file(&root().join(scenario), &[]).expect("scenario loads"),
    ))
}

fn figure<'f, 'a>(figures: &'f [Figure<'a>], stem: &str) -> &'f Figure<'a> {
    figures
        .iter()
        .find(|f| f.file_stem == stem)
        .unwrap_or_else(|| panic!("no figure {stem}"))
}

fn marker_times(figure: &Figure<'_>, legend: &str) -> Vec<f64> {
    figure
        .markers
        .iter()
        .filter(|m| m.legend == legend)
        .map(|m| m.time_s)
        .collect()
}

/// on-demand-base-spot-on-top: the Spot interruption on cp-spot at 14:00 was drawn on
/// cp-on-demand's chart too. It stays on cp-spot's and on the charts of web, whose tasks ran on
/// cp-spot; fargate-spot-interruptions' FARGATE chart loses FARGATE_SPOT's reclaim likewise.
#[test]
fn a_spot_interruption_is_marked_only_where_it_hit() {
    let run = run_data("scenarios/on-demand-base-spot-on-top.yaml");
    assert_eq!(run.summary.services[0].capacity_providers, ["cp-on-demand", "cp-spot"]);
    inspect_figures(&run, |figures| {
        assert_eq!(
            marker_times(figure(figures, "provider-cp-spot-capacity"), "fault"),
            [50_400.0]
        );
        assert_eq!(marker_times(figure(figures, "service-web-tasks"), "fault"), [50_400.0]);
        assert!(marker_times(figure(figures, "provider-cp-on-demand-capacity"), "fault").is_empty());
        assert_eq!(
            marker_times(figure(figures, "cost"), "fault"),
            [50_400.0],
            "the whole run's chart"
        );
    });
    let run = run_data("scenarios/fargate-spot-interruptions.yaml");
    inspect_figures(&run, |figures| {
        assert!(marker_times(figure(figures, "provider-FARGATE-capacity"), "fault").is_empty());
        assert!(!marker_times(figure(figures, "provider-FARGATE_SPOT-capacity"), "fault").is_empty());
    });
    // A zone's outage touches the whole cluster: still on every chart.
    let run = run_data("scenarios/az-outage-at-peak.yaml");
    inspect_figures(&run, |figures| {
        for stem in [
            "provider-FARGATE-capacity",
            "provider-cp-m5-capacity",
            "service-api-tasks",
        ] {
            assert_eq!(marker_times(figure(figures, stem), "fault"), [48_600.0], "{stem}");
        }
    });
}

/// task-protection-and-throttle: `updateTaskProtection` at 5m was a purple "update" under the
/// legend "UpdateService". Its row now carries a typed payload, and the chart names it with a
/// colour of its own.
#[test]
fn update_task_protection_is_not_drawn_as_update_service() {
    let run = run_data("scenarios/task-protection-and-throttle.yaml");
    let row = run
        .events
        .iter()
        .find(|e| e.time_s == 300.0 && e.subject == "web")
        .expect("the call at 5m");
    assert_eq!(
        row.detail,
        Some(EventDetail::TaskProtection {
            change: ProtectionChange::Enabled
        })
    );
    inspect_figures(&run, |figures| {
        let tasks = figure(figures, "service-web-tasks");
        let protection: Vec<_> = tasks
            .markers
            .iter()
            .filter(|m| m.legend == TASK_PROTECTION_LEGEND)
            .collect();
        assert_eq!(protection.len(), 1);
        assert_eq!(
            (protection[0].time_s, protection[0].label.as_str(), protection[0].stroke),
            (300.0, "task protection on", style::TASK_PROTECTION)
        );
        assert_eq!(marker_times(tasks, "UpdateService"), [360.0], "desired → 2 at 6m");
    });
    let colour = style::TASK_PROTECTION.color;
    assert!(palette::is_marker(colour) && !palette::is_series(colour));
    let sharing: Vec<&str> = style::MARKER_STROKES
        .iter()
        .filter(|(_, s)| s.color == colour)
        .map(|(name, _)| *name)
        .collect();
    assert_eq!(sharing, ["TASK_PROTECTION"], "no other marker has its colour");
}

/// az-outage-at-peak: the span from the outage to orders' steady state lay under the outage's
/// olive tint and the fault's line. It is now a bar along the top, drawn over everything, with
/// a swatch of its own; the outage's tint goes first.
#[test]
fn a_faults_recovery_is_a_bar_over_the_outage() {
    let run = run_data("scenarios/az-outage-at-peak.yaml");
    inspect_figures(&run, |figures| {
        let f = figure(figures, "service-orders-tasks");
        let spans = &f.panels[0].spans;
        let legends: Vec<(&str, SpanShape)> = spans.iter().map(|s| (s.legend.as_str(), s.shape)).collect();
        assert_eq!(
            legends,
            [
                ("us-east-1b outage", SpanShape::Tint),
                (RECOVERY_LEGEND, SpanShape::TopBar)
            ]
        );
        let recovery = &spans[1];
        assert_eq!(recovery.start_s, 48_600.0);
        assert!(recovery.end_s > recovery.start_s && recovery.end_s < spans[0].end_s);
        let entries = legend::entries(&f.panels[0], &f.markers);
        let swatch = |text: &str| entries.iter().find(|e| e.text == text).map(|e| e.swatch);
        assert_eq!(
            swatch(RECOVERY_LEGEND),
            Some(Swatch::Fill(style::FAULT, style::BAR_ALPHA))
        );
        assert_eq!(
            swatch("us-east-1b outage"),
            Some(Swatch::Fill(style::OUTAGE, style::SPAN_ALPHA))
        );
    });
}

/// exact-latency-alarm and sqs-worker-backlog: one spike (p99 at the 10 s timeout; 23,000
/// messages per task over a target of 100) flattened the rest into a line at the bottom. Their
/// axes turn logarithmic by the rule of `log_axis`; panels without such a span stay linear.
#[test]
fn panels_whose_data_span_more_than_two_decades_get_a_log_axis() {
    let run = run_data("scenarios/exact-latency-alarm.yaml");
    inspect_figures(&run, |figures| {
        let latency = figure(figures, "service-api-latency");
        let axis = LogAxis::of(&latency.panels[0]).expect("a log axis");
        assert!(axis.peak > 9_000.0 && axis.floor <= 100.0, "{axis:?}");
        assert_eq!(LogAxis::of(&figure(figures, "service-api-load").panels[0]), None);
        assert_eq!(LogAxis::of(&figure(figures, "service-api-tasks").panels[0]), None);
    });
    let run = run_data("scenarios/sqs-worker-backlog.yaml");
    inspect_figures(&run, |figures| {
        let panels = &figure(figures, "service-worker-messages").panels;
        let axes: Vec<Option<LogAxis>> = panels.iter().map(LogAxis::of).collect();
        let per_task = axes[2].expect("backlog per task: a log axis");
        assert_eq!(
            (per_task.floor, per_task.clamped),
            (10.0, true),
            "zeros a decade under the target"
        );
        assert_eq!(
            (axes[0], axes[1], axes[3]),
            (None, None, None),
            "messages, backlog, age"
        );
    });
}

/// requests-routing-slow-task: `lor` timed nothing out but drew an empty "timed out" panel. It has
/// only its response-time panel now, whose legend still says the timeout; `rr` keeps its panel;
/// exact-replayed-arrivals' services, which time nothing out either, lose theirs.
#[test]
fn a_latency_chart_without_timeouts_has_no_timed_out_panel() {
    let run = run_data("scenarios/requests-routing-slow-task.yaml");
    inspect_figures(&run, |figures| {
        let lor = figure(figures, "service-lor-latency");
        assert_eq!(lor.panels.len(), 1);
        // The timeout is far above p99, so it has no line: p99's legend says it.
        assert!(lor.panels[0].reference_lines.is_empty());
        assert_eq!(lor.panels[0].lines[2].legend, "p99 (timeout 10 s, none hit)");
        let rr = figure(figures, "service-rr-latency");
        assert_eq!(rr.panels.len(), 2);
        assert!(rr.panels[1].bands[0].upper.iter().any(|v| *v > 0.0));
    });
    let run = run_data("scenarios/exact-replayed-arrivals.yaml");
    inspect_figures(&run, |figures| {
        let replayed = figure(figures, "service-replayed-latency");
        assert_eq!(replayed.panels.len(), 1);
        assert!(replayed.panels[0].reference_lines.is_empty());
        assert_eq!(replayed.panels[0].lines[2].legend, "p99 (timeout 60 s, none hit)");
    });
}

/// batch-window-meets-deadline and -misses-deadline: the 03:00 deadline their headers talk about
/// was not on the jobs chart. It is derived from their makespan expectations and the firing in
/// `jobs.csv`, and labelled with the expectation.
#[test]
fn the_batch_window_draws_its_deadline() {
    for (scenario, label) in [
        (
            "scenarios/batch-window-meets-deadline.yaml",
            "deadline (expect makespan < 1h)",
        ),
        (
            "scenarios/batch-window-misses-deadline.yaml",
            "1h after firing (expect makespan > 1h)",
        ),
    ] {
        let loaded = load_file(&root().join(scenario), &[]).expect("scenario loads");
        let output = run_to_strings(&loaded);
        let (jobs_csv, jobs_trace) = output.jobs.clone().expect("standalone tasks");
        let mut run = chart_data(&output)
            .with_jobs_trace(Some(&jobs_trace))
            .and_then(|run| run.with_job_firings_from(Some(Source::Text(&jobs_csv))))
            .expect("jobs files load");
        assert_eq!(run.job_firings["nightly"], [7_200.0]);
        inspect_figures(&run, |figures| {
            assert!(marker_times(figure(figures, "jobs"), DEADLINE_LEGEND).is_empty());
        });
        run.makespan_bounds = ecsim::cli::makespan_bounds(loaded.expectations.iter().map(|e| e.text.as_str()));
        inspect_figures(&run, |figures| {
            let jobs = figure(figures, "jobs");
            let deadlines: Vec<(f64, &str)> = jobs
                .markers
                .iter()
                .filter(|m| m.legend == DEADLINE_LEGEND)
                .map(|m| (m.time_s, m.label.as_str()))
                .collect();
            assert_eq!(deadlines, [(10_800.0, label)], "{scenario}: 02:00 + 1h");
        });
    }
}
