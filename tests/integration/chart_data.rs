//! What the charts show, checked on their data rather than their pixels (issue 15): the
//! datapoints the alarms evaluated, colours that mean one thing, task charts scaled to the tasks,
//! no chart without data, outages on every chart.

use ecsim::output::charts::figure::{Figure, MarkerShape};
use ecsim::output::charts::palette;
use ecsim::output::charts::style::Stroke;
use ecsim::output::charts::{ChartFormat, RunData, RunTexts, Source, inspect_figures, render_charts};

use crate::support::{TempDir, ecsim, load_file, root, run_to_strings, scenario_files};

fn run_data(scenario: &str) -> RunData {
    let output = run_to_strings(&load_file(&root().join(scenario), &[]).expect("scenario loads"));
    crate::support::chart_data(&output)
}

fn figure<'f, 'a>(figures: &'f [Figure<'a>], stem: &str) -> &'f Figure<'a> {
    figures.iter().find(|f| f.file_stem == stem).unwrap_or_else(|| {
        panic!(
            "no figure {stem}; have {:?}",
            figures.iter().map(|f| &f.file_stem).collect::<Vec<_>>()
        )
    })
}

/// target-tracking-cpu: the first scale-out at 03:29 followed three one-minute datapoints above
/// the 60 % target (alarms.csv: `61.502@12180;61.588@12240;60.952@12300`, AlarmHigh in ALARM at
/// 12540 s), and the utilization chart draws exactly those dots before the tint starts.
#[test]
fn the_utilization_chart_draws_the_datapoints_the_alarm_saw() {
    let run = run_data("scenarios/target-tracking-cpu.yaml");
    inspect_figures(&run, |figures| {
        let panel = &figure(figures, "service-web-utilization").panels[0];
        let legends: Vec<&str> = panel.points.iter().map(|l| l.legend.as_str()).collect();
        assert_eq!(
            legends,
            ["CPU seen at alarm changes", "CPU seen at alarm changes"],
            "AlarmHigh and AlarmLow see the same datapoints, under one legend"
        );
        // The high alarm's rows hold the datapoints of its changes, the low alarm's those of its.
        let (high, low) = (&panel.points[0], &panel.points[1]);
        let near = |t: f64| {
            let i = high.time_s.iter().position(|&x| x == t).expect("a datapoint at t");
            high.values[i]
        };
        assert_eq!(
            [near(12_180.0), near(12_240.0), near(12_300.0)],
            [61.502, 61.588, 60.952]
        );
        let first_high = panel
            .spans
            .iter()
            .find(|s| s.legend == "AlarmHigh in ALARM")
            .expect("an AlarmHigh period");
        assert_eq!(
            first_high.start_s, 12_540.0,
            "in ALARM four minutes after the third period starts"
        );
        assert!(panel.reference_lines.iter().any(|r| r.value == 60.0));
        // AlarmLow went into ALARM at 00:35 on fifteen datapoints below 54, from 00:17 to 00:31.
        let low: Vec<f64> = low
            .time_s
            .iter()
            .zip(low.values)
            .filter(|&(&t, _)| (1020.0..=1860.0).contains(&t))
            .map(|(_, &v)| v)
            .collect();
        assert_eq!(low.len(), 15);
        assert!(low.iter().all(|&v| v < 54.0), "{low:?}");
    });
}

/// `--traces services,cluster,events` writes no alarms.csv; the charts still draw the alarms'
/// datapoints, from the rows kept in memory.
#[test]
fn the_alarm_datapoints_are_drawn_without_alarms_csv() {
    let tmp = TempDir::new("datapoints-in-memory");
    let out = tmp.0.join("run");
    let out_arg = out.to_str().expect("utf-8 path");
    let run = ecsim(&[
        "run",
        "scenarios/target-tracking-cpu.yaml",
        "--out",
        out_arg,
        "--format",
        "svg",
        "--traces",
        "services,cluster,events",
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(!out.join("alarms.csv").exists());
    let svg = std::fs::read_to_string(out.join("charts/service-web-utilization.svg")).expect("chart");
    assert!(svg.contains("CPU seen at alarm changes"));
    assert!(svg.contains("AlarmHigh in ALARM"));
}

/// How a legend entry is drawn: its swatch's shape and stroke.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Swatch {
    Line,
    Fill,
    Dot,
    Vertical,
    Tick,
}

/// One legend entry of a figure: whether it is a series (lines, bands, stacked areas, dots) or a
/// marker (timeline markers, shaded spans); `None` for reference lines, which may be either.
struct Entry {
    series: Option<bool>,
    swatch: Swatch,
    stroke: Stroke,
    legend: String,
}

/// The legend entries of each panel of `figure` (each panel has its own legend, with the
/// figure's markers).
fn entries(figure: &Figure<'_>) -> Vec<Vec<Entry>> {
    let entry = |series, swatch, stroke, legend: &str| Entry {
        series,
        swatch,
        stroke,
        legend: legend.to_string(),
    };
    let mut legends = Vec::new();
    for p in &figure.panels {
        let mut all = Vec::new();
        all.extend(
            p.lines
                .iter()
                .map(|l| entry(Some(true), Swatch::Line, l.stroke, &l.legend)),
        );
        all.extend(
            p.stacked
                .iter()
                .map(|l| entry(Some(true), Swatch::Fill, l.stroke, &l.legend)),
        );
        all.extend(
            p.points
                .iter()
                .map(|l| entry(Some(true), Swatch::Dot, l.stroke, &l.legend)),
        );
        all.extend(
            p.bands
                .iter()
                .map(|b| entry(Some(true), Swatch::Fill, b.stroke, &b.legend)),
        );
        all.extend(
            p.spans
                .iter()
                .map(|s| entry(Some(false), Swatch::Fill, s.stroke, &s.legend)),
        );
        all.extend(
            p.reference_lines
                .iter()
                .map(|r| entry(None, Swatch::Line, r.stroke, &r.legend)),
        );
        all.extend(figure.markers.iter().map(|m| {
            let swatch = match m.shape {
                MarkerShape::VerticalLine => Swatch::Vertical,
                MarkerShape::Tick => Swatch::Tick,
            };
            entry(Some(false), swatch, m.stroke, &m.legend)
        }));
        legends.push(all);
    }
    legends
}

/// Issue 15 item 3 on every scenario: no marker or span has a series colour, no series a marker
/// colour, and within a figure two different legends never have the same swatch (shape, colour
/// and dash).
#[test]
fn markers_never_share_a_colour_with_a_series_and_swatches_are_distinct() {
    for path in scenario_files() {
        let loaded = load_file(&path, &[]).expect("scenario loads");
        let output = run_to_strings(&loaded);
        // With the jobs chart and its deadlines, as `ecsim run` draws them.
        let jobs = output.jobs.as_ref();
        let mut run = RunData::from_texts(RunTexts {
            services_csv: &output.services,
            cluster_csv: &output.cluster,
            events_csv: &output.events,
            summary_json: &output.summary,
        })
        .and_then(|run| run.with_alarms(&output.alarms))
        .and_then(|run| run.with_jobs_trace(jobs.map(|(_, trace)| trace.as_str())))
        .and_then(|run| run.with_job_firings_from(jobs.map(|(runs, _)| Source::Text(runs))))
        .expect("loads");
        run.makespan_bounds = ecsim::cli::makespan_bounds(loaded.expectations.iter().map(|e| e.text.as_str()));
        inspect_figures(&run, |figures| {
            for f in figures {
                for all in entries(f) {
                    for e in &all {
                        let right_set = match e.series {
                            Some(true) => palette::is_series(e.stroke.color),
                            Some(false) => palette::is_marker(e.stroke.color),
                            None => true,
                        };
                        assert!(
                            right_set,
                            "{}: {}: `{}` has {:?}, a colour of the other set",
                            path.display(),
                            f.file_stem,
                            e.legend,
                            e.stroke.color
                        );
                        let alike = all.iter().find(|o| {
                            o.legend != e.legend
                                && o.swatch == e.swatch
                                && o.stroke.color == e.stroke.color
                                && (o.stroke.dashed == e.stroke.dashed || e.swatch == Swatch::Fill)
                        });
                        assert!(
                            alike.is_none(),
                            "{}: {}: `{}` and `{}` look alike in the legend",
                            path.display(),
                            f.file_stem,
                            e.legend,
                            alike.map_or("", |o| o.legend.as_str())
                        );
                    }
                }
            }
        });
    }
}

/// The colour of the legend entry `legend` of `figure`.
fn legend_colour(figure: &Figure<'_>, legend: &str) -> plotters::style::RGBColor {
    entries(figure)
        .into_iter()
        .flatten()
        .find(|e| e.legend == legend)
        .map(|e| e.stroke.color)
        .unwrap_or_else(|| panic!("no `{legend}`"))
}

/// scheduled-prescale-seoul: the 08:00 KST scheduled action is a purple marker, not the green of
/// "served" it used to share (where it read as a traffic spike).
#[test]
fn the_scheduled_action_is_not_coloured_like_served_requests() {
    let run = run_data("scenarios/scheduled-prescale-seoul.yaml");
    inspect_figures(&run, |figures| {
        let load = figure(figures, "service-app-load");
        assert_eq!(legend_colour(load, "served"), palette::series::BLUISH_GREEN);
        assert_eq!(legend_colour(load, "scheduled action"), palette::marker::PURPLE);
        let scheduled: Vec<(f64, &str)> = load
            .markers
            .iter()
            .filter(|m| m.legend == "scheduled action")
            .map(|m| (m.time_s, m.label.as_str()))
            .take(2)
            .collect();
        // 08:00 KST on Monday 2 March is 23:00 UTC on the 1st, 8 h after the start.
        assert_eq!(scheduled[0], (28_800.0, "weekday-morning → 20"));
    });
}

/// step-scaling-doc-sequence: the y axis follows the tasks (10 to 14), and MaxCapacity 100 is a
/// band clipped at the top rather than the axis's end.
#[test]
fn the_task_chart_scales_to_the_tasks_not_to_max_capacity() {
    let run = run_data("scenarios/step-scaling-doc-sequence.yaml");
    inspect_figures(&run, |figures| {
        let panel = &figure(figures, "service-web-tasks").panels[0];
        let band = &panel.bands[0];
        assert_eq!(
            (band.legend.as_str(), band.sets_axis),
            ("min–max capacity 1–100", false)
        );
        let desired = panel.lines.iter().find(|l| l.legend == "desired").expect("desired");
        let mut counts: Vec<f64> = desired.values.to_vec();
        counts.dedup();
        assert_eq!(counts, [10.0, 11.0, 14.0, 13.0, 10.0]);
        let top = panel
            .lines
            .iter()
            .flat_map(|l| l.values.iter().copied())
            .fold(0.0, f64::max);
        assert_eq!(top, 14.0, "what sets the axis");
    });
}

/// web-fargate: FARGATE_SPOT is in the cluster but no task runs there, so it gets no chart.
#[test]
fn a_provider_without_data_gets_no_chart() {
    let run = run_data("scenarios/web-fargate.yaml");
    inspect_figures(&run, |figures| {
        let stems: Vec<&str> = figures.iter().map(|f| f.file_stem.as_str()).collect();
        assert_eq!(
            stems,
            [
                "service-web-load",
                "service-web-tasks",
                "service-web-utilization",
                "provider-FARGATE-capacity",
                "cost"
            ]
        );
    });
}

/// az-outage-at-peak: the zone's outage is shaded on every panel of every chart but the cost.
#[test]
fn an_outage_is_shaded_on_every_chart() {
    let run = run_data("scenarios/az-outage-at-peak.yaml");
    inspect_figures(&run, |figures| {
        let mut shaded = 0;
        for f in figures.iter().filter(|f| f.file_stem != "cost") {
            for (i, p) in f.panels.iter().enumerate() {
                let outages: Vec<(&str, f64, f64)> = p
                    .spans
                    .iter()
                    .filter(|s| s.legend.ends_with(" outage"))
                    .map(|s| (s.legend.as_str(), s.start_s, s.end_s))
                    .collect();
                assert_eq!(outages.len(), 1, "{} panel {i}: {outages:?}", f.file_stem);
                assert_eq!(outages[0].2 - outages[0].1, 3600.0, "{}: an hour", f.file_stem);
                shaded += 1;
            }
        }
        assert!(shaded >= 5, "{shaded} panels");
    });
}

/// scheduled-prescale-seoul: the time axis is Seoul's clock, with a date at each local midnight,
/// and the subtitle gives the start in KST (summary.json names the zone of the scheduled actions).
#[test]
fn the_time_axis_is_clock_time_in_the_scenarios_time_zone() {
    let run = run_data("scenarios/scheduled-prescale-seoul.yaml");
    assert_eq!(run.summary.time_zone, "Asia/Seoul");
    let charts = render_charts(&run, ChartFormat::Svg).expect("charts render");
    let tasks = charts
        .iter()
        .find(|c| c.name == "service-app-tasks.svg")
        .expect("tasks chart");
    let svg = String::from_utf8(tasks.bytes.clone()).expect("utf-8");
    for text in [
        "time (Asia/Seoul)",
        "starts Mon 2026-03-02 00:00 KST",
        "Tue 3 Mar",
        "Sun 8 Mar",
    ] {
        assert!(svg.contains(text), "shows `{text}`");
    }
    assert!(!svg.contains("since start"));
    // A scenario without scheduled actions in a zone is in UTC.
    let utc = run_data("scenarios/step-scaling-doc-sequence.yaml");
    assert_eq!(utc.summary.time_zone, "");
    let charts = render_charts(&utc, ChartFormat::Svg).expect("charts render");
    let svg = String::from_utf8(charts[1].bytes.clone()).expect("utf-8");
    assert!(
        svg.contains("time (UTC)") && svg.contains("00:30"),
        "{}",
        charts[1].name
    );
}

/// `charts.timeZone` puts the time axis in a zone of the scenario's choosing, whatever zone its
/// scheduled actions name (here none: step-scaling-doc-sequence is otherwise in UTC).
#[test]
fn the_scenario_names_the_charts_time_zone() {
    let path = root().join("scenarios/step-scaling-doc-sequence.yaml");
    let loaded = load_file(&path, &[("charts.timeZone", "America/New_York")]).expect("loads");
    let run = crate::support::chart_data(&run_to_strings(&loaded));
    assert_eq!(run.summary.time_zone, "America/New_York");
    let charts = render_charts(&run, ChartFormat::Svg).expect("charts render");
    let svg = String::from_utf8(charts[1].bytes.clone()).expect("utf-8");
    for text in ["time (America/New_York)", "starts Sun 2026-01-04 19:00 EST"] {
        assert!(svg.contains(text), "{} shows `{text}`", charts[1].name);
    }
    // It wins over the zone of the scheduled actions; UTC is recorded as no zone at all.
    let seoul = root().join("scenarios/scheduled-prescale-seoul.yaml");
    let loaded = load_file(&seoul, &[("charts.timeZone", "UTC")]).expect("loads");
    let run = crate::support::chart_data(&run_to_strings(&loaded));
    assert_eq!(run.summary.time_zone, "");
}

/// deployment-at-peak-needs-scale-out: tasks that wait for the group to grow (PROVISIONING) are a
/// line of their own on the provider's chart, apart from the instances launching for them.
#[test]
fn tasks_waiting_for_capacity_are_drawn_apart_from_launching_instances() {
    let run = run_data("scenarios/deployment-at-peak-needs-scale-out.yaml");
    let provider = &run.providers[0];
    let most = provider.tasks_provisioning.iter().copied().fold(0.0, f64::max);
    assert!(most > 0.0, "the deployment at the peak waits for instances");
    inspect_figures(&run, |figures| {
        let panel = &figure(figures, "provider-cp-m5-capacity").panels[0];
        let legends: Vec<&str> = panel.lines.iter().map(|l| l.legend.as_str()).collect();
        assert_eq!(
            legends,
            [
                "registered",
                "launching",
                "group desired capacity",
                "tasks PROVISIONING"
            ]
        );
        assert_eq!(panel.lines[3].values.iter().copied().fold(0.0, f64::max), most);
        // A count of tasks on the instances' axis: the axis names both.
        assert_eq!(panel.y_label, "instances; tasks PROVISIONING");
    });
    // The service's own task chart splits its pending tasks the same way: those waiting for
    // capacity, and those placed and starting.
    let web = &run.services[0];
    inspect_figures(&run, |figures| {
        let panel = &figure(figures, "service-web-tasks").panels[0];
        let line = |legend: &str| {
            panel
                .lines
                .iter()
                .find(|l| l.legend == legend)
                .unwrap_or_else(|| panic!("no line `{legend}`"))
        };
        let waiting = line("provisioning (waiting for capacity)");
        assert_eq!(waiting.values, web.provisioning.as_slice());
        assert_eq!(waiting.values.iter().copied().fold(0.0, f64::max), most);
        let starting = line("pending (starting)");
        for (i, v) in starting.values.iter().enumerate() {
            assert_eq!(
                v + waiting.values[i],
                web.pending[i],
                "row {i}: starting + provisioning = pending"
            );
        }
    });
    // Without a task in PROVISIONING there is no such line.
    let fargate = run_data("scenarios/web-fargate.yaml");
    inspect_figures(&fargate, |figures| {
        let panel = &figure(figures, "provider-FARGATE-capacity").panels[0];
        assert!(panel.lines.iter().all(|l| l.legend != "tasks PROVISIONING"));
        assert!(!panel.y_label.contains("PROVISIONING"));
        let tasks = &figure(figures, "service-web-tasks").panels[0];
        assert!(tasks.lines.iter().all(|l| !l.legend.starts_with("provisioning")));
    });
}
