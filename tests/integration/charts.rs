//! Charts and report: every scenario charts, files are valid PNG and SVG of the stated size with
//! their text, rendering is deterministic, downsampling keeps extremes, and `ecsim plot` redraws
//! exactly what `ecsim run` drew.

use std::path::Path;

use ecsim::output::charts::downsample::keep_extremes;
use ecsim::output::charts::{ChartFile, ChartFormat, RunData, RunTexts, render_charts, render_charts_sized};
use ecsim::output::report::render_report;

use crate::support::{RunOutput, TempDir, drawn_files, ecsim, load_file, root, run_to_strings, scenario_files};

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

fn run_data(output: &RunOutput) -> RunData {
    crate::support::chart_data(output)
}

fn run_scenario(path: &Path) -> RunOutput {
    run_to_strings(&load_file(path, &[]).expect("scenario loads"))
}

/// Width and height from a PNG's IHDR chunk (bytes 16..24, big-endian).
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.starts_with(PNG_SIGNATURE), "PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR", "IHDR is the first chunk");
    let be = |i: usize| u32::from_be_bytes(bytes[i..i + 4].try_into().expect("4 bytes"));
    (be(16), be(20))
}

fn svg_escaped(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn find<'a>(charts: &'a [ChartFile], name: &str) -> &'a ChartFile {
    charts.iter().find(|c| c.name == name).unwrap_or_else(|| {
        panic!(
            "no chart {name}; have {:?}",
            charts.iter().map(|c| &c.name).collect::<Vec<_>>()
        )
    })
}

/// Every scenario's charts, and its report under 500 KB (drawn here once: drawing is the slow
/// part).
#[test]
fn every_scenario_gets_every_chart_as_valid_png_and_svg() {
    for path in scenario_files() {
        let run = run_data(&run_scenario(&path));
        let charts = render_charts(&run, ChartFormat::Both).expect("charts render");
        let scenario = &run.summary.scenario;
        let mut expected: Vec<(String, &str)> = Vec::new();
        for s in &run.services {
            if s.queue.is_some() {
                expected.push((format!("service-{}-messages", s.name), "messages/s"));
            } else if ecsim::output::charts::load::has_requests(s) {
                // A service without any request (no `load:` for it) gets no empty load chart.
                expected.push((format!("service-{}-load", s.name), "requests per second"));
            }
            // An EKS Deployment's pods chart counts pods.
            let eks = run
                .summary
                .services
                .iter()
                .any(|x| x.service == s.name && x.eks_deployment);
            let count = if eks { "pods" } else { "tasks" };
            expected.push((format!("service-{}-tasks", s.name), count));
            expected.push((format!("service-{}-utilization", s.name), "utilization (% of reserved)"));
            if run
                .events
                .iter()
                .any(|e| e.kind == "deployment_started" && e.subject == s.name)
            {
                expected.push((format!("service-{}-deployments", s.name), "tasks"));
                // Each deployment zoomed (those whose zoom is not most of the run).
                let zoomed = format!("service-{}-deployment-", s.name);
                for c in charts
                    .iter()
                    .filter(|c| c.name.starts_with(&zoomed) && c.name.ends_with(".svg"))
                {
                    expected.push((c.name.trim_end_matches(".svg").to_string(), "tasks"));
                }
            }
            if s.latency.is_some() {
                expected.push((
                    format!("service-{}-latency", s.name),
                    ecsim::output::charts::latency::RESPONSE_TIME_AXIS,
                ));
            }
        }
        if !run.summary.chart_compare.is_empty() {
            expected.push(("comparison".to_string(), "running tasks"));
        }
        // A provider no task used gets no chart.
        for p in run
            .providers
            .iter()
            .filter(|p| ecsim::output::charts::capacity::has_data(p))
        {
            expected.push((format!("provider-{}-capacity", p.name), ""));
        }
        expected.push(("cost".to_string(), "cumulative cost (USD)"));
        assert_eq!(charts.len(), expected.len() * 2, "{}", path.display());
        for (stem, y_label) in &expected {
            let png = find(&charts, &format!("{stem}.png"));
            assert_eq!(png_size(&png.bytes), (1200, 600), "{stem}.png");
            let svg = String::from_utf8(find(&charts, &format!("{stem}.svg")).bytes.clone()).expect("utf-8");
            assert!(
                svg.starts_with("<svg") && svg.contains(r#"width="1200" height="600""#),
                "{stem}.svg"
            );
            assert!(svg.contains(&svg_escaped(scenario)), "{stem}.svg names the scenario");
            assert!(svg.contains(&svg_escaped(&png.title)), "{stem}.svg holds its title");
            assert!(
                ["time (UTC)", "time (Asia/Seoul)", "time (America/New_York)"]
                    .iter()
                    .any(|zone| svg.contains(zone)),
                "{stem}.svg labels the time axis"
            );
            assert!(svg.contains(y_label), "{stem}.svg labels the y axis `{y_label}`");
            assert!(svg.len() < 400_000, "{stem}.svg is {} bytes", svg.len());
        }
        // The report stays small whatever the run (issue 15): charts are linked, not inlined,
        // and the events table has a byte budget.
        let report = render_report(&run, &charts);
        assert!(
            report.len() < 500_000,
            "{}: report.html is {} bytes",
            path.display(),
            report.len()
        );
    }
}

#[test]
fn charts_show_the_annotations_of_the_az_failure() {
    let run = run_data(&run_scenario(&root().join("scenarios/az-failure.yaml")));
    let charts = render_charts(&run, ChartFormat::Svg).expect("charts render");
    let tasks = String::from_utf8(find(&charts, "service-orders-tasks.svg").bytes.clone()).expect("utf-8");
    for text in [
        "Availability Zone us-east-1b fails",
        "fault until steady state",
        "placement failure",
    ] {
        assert!(tasks.contains(text), "tasks chart shows `{text}`");
    }
}

#[test]
fn a_service_update_is_labelled_with_the_new_desired_count() {
    let run = run_data(&run_scenario(&root().join("scenarios/web-fargate.yaml")));
    let charts = render_charts(&run, ChartFormat::Svg).expect("charts render");
    let tasks = String::from_utf8(find(&charts, "service-web-tasks.svg").bytes.clone()).expect("utf-8");
    assert!(tasks.contains("desired → 9"), "UpdateService 6 -> 9 is labelled");
}

fn svg_text(charts: &[ChartFile], name: &str) -> String {
    String::from_utf8(find(charts, name).bytes.clone()).expect("utf-8")
}

#[test]
fn the_utilization_chart_shows_the_target_value_and_the_alarm_periods() {
    let run = run_data(&run_scenario(&root().join("scenarios/target-tracking-cpu.yaml")));
    let charts = render_charts(&run, ChartFormat::Svg).expect("charts render");
    let utilization = svg_text(&charts, "service-web-utilization.svg");
    for text in [
        "cpu60 target 60 %",
        "AlarmHigh in ALARM",
        "AlarmLow in ALARM",
        "scale-out",
    ] {
        assert!(utilization.contains(text), "utilization chart shows `{text}`");
    }
    let tasks = svg_text(&charts, "service-web-tasks.svg");
    assert!(
        tasks.contains("→ 34"),
        "the peak desired count (33 -> 34 at 11:52) is labelled"
    );
    assert!(!tasks.contains("not_scaled") && !tasks.contains("not scaled"));
}

#[test]
fn requests_per_target_gets_a_panel_with_its_target() {
    let run = run_data(&run_scenario(&root().join("scenarios/alb-requests-per-target.yaml")));
    let charts = render_charts(&run, ChartFormat::Svg).expect("charts render");
    let utilization = svg_text(&charts, "service-front-utilization.svg");
    for text in ["requests per target", "requests target 6000", "cpu target 75 %"] {
        assert!(utilization.contains(text), "utilization chart shows `{text}`");
    }
}

#[test]
fn scheduled_actions_are_labelled_with_their_name_and_new_desired_count() {
    let run = run_data(&run_scenario(&root().join("scenarios/scheduled-prescale-seoul.yaml")));
    let charts = render_charts(&run, ChartFormat::Svg).expect("charts render");
    let tasks = svg_text(&charts, "service-app-tasks.svg");
    assert!(tasks.contains("weekday-morning → 20"));
    assert!(tasks.contains("scheduled action"));
}

#[test]
fn the_report_has_a_scaling_section() {
    let run = run_data(&run_scenario(&root().join("scenarios/step-scaling-doc-sequence.yaml")));
    let html = render_report(&run, &[]);
    assert!(html.contains("<h2>Scaling</h2>"));
    for policy in ["step-out", "step-in"] {
        assert!(
            html.contains(&format!(
                "<td>{policy}</td><td>web</td><td>StepScaling</td><td></td><td class=\"num\">2</td>"
            )),
            "{policy} with its 2 activities"
        );
    }
    assert!(html.contains("Every scaling activity (4)"));
    assert!(html.contains("desired 11 -&gt; 14"));
}

#[test]
fn charts_have_the_requested_size_and_format() {
    let run = run_data(&run_scenario(&root().join("scenarios/web-ec2-fixed.yaml")));
    let pngs = render_charts_sized(&run, ChartFormat::Png, (800, 450)).expect("charts render");
    assert!(
        pngs.iter()
            .all(|c| c.name.ends_with(".png") && png_size(&c.bytes) == (800, 450))
    );
    let svgs = render_charts(&run, ChartFormat::Svg).expect("charts render");
    assert!(svgs.iter().all(|c| c.name.ends_with(".svg")));
}

#[test]
fn rendering_twice_gives_identical_bytes() {
    let output = run_scenario(&root().join("scenarios/diurnal-spike-unserved.yaml"));
    let first = render_charts(&run_data(&output), ChartFormat::Both).expect("charts render");
    let second = render_charts(&run_data(&output), ChartFormat::Both).expect("charts render");
    assert_eq!(first, second);
    let run = run_data(&output);
    assert_eq!(render_report(&run, &first), render_report(&run, &second));
}

#[test]
fn the_report_links_its_charts_and_loads_nothing_from_elsewhere() {
    let output = run_scenario(&root().join("scenarios/az-failure.yaml"));
    let run = run_data(&output);
    let charts = render_charts(&run, ChartFormat::Both).expect("charts render");
    let html = render_report(&run, &charts);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<h1>an Availability Zone fails</h1>"));
    assert!(html.contains(&run.summary.description));
    assert!(
        html.contains("<div class=\"header\">What this shows:"),
        "the header comment"
    );
    assert_eq!(
        html.matches("<img src=\"charts/").count(),
        charts.len() / 2,
        "every chart once, as its SVG in charts/"
    );
    assert!(!html.contains("<svg"), "no chart inline");
    // Every event of events.csv is listed (this run has few), with a filter.
    assert_eq!(
        html.matches("<tr class=\"e\">").count(),
        output.events.lines().count() - 1
    );
    assert!(html.contains("id=\"event-filter\""));
    assert!(html.contains("<td>fault</td>") && html.contains("<td>placement_failure</td>"));
    for absent in ["<script src", "src=\"http", "href=\"http", "<link", "@import", "data:"] {
        assert!(!html.contains(absent), "report contains `{absent}`");
    }
    let png_only = render_charts(&run, ChartFormat::Png).expect("charts render");
    assert!(render_report(&run, &png_only).contains("<img src=\"charts/service-orders-load.png\""));
}

#[test]
fn the_downsampler_keeps_every_extreme() {
    // (rows, columns, spike row, dip row)
    for (rows, columns, spike, dip) in [
        (43_200, 900, 17_001, 30_123),
        (525_600, 900, 1, 525_599),
        (10_000, 3, 9_999, 0),
        (100, 900, 50, 51),
    ] {
        let xs: Vec<f64> = (0..rows).map(|i| i as f64 * 60.0).collect();
        let mut ys: Vec<f64> = (0..rows).map(|i| 100.0 + (i % 7) as f64).collect();
        ys[spike] = 1e6;
        ys[dip] = -5.0;
        let kept = keep_extremes(&xs, &ys, (0.0, xs[rows - 1]), columns);
        assert!(
            kept.contains(&spike) && kept.contains(&dip),
            "{rows} rows into {columns} columns"
        );
        assert!(
            kept.len() <= (4 * columns).max(rows.min(2 * columns)),
            "{rows} rows kept {}",
            kept.len()
        );
        assert_eq!((kept[0], kept[kept.len() - 1]), (0, rows - 1));
    }
}

#[test]
fn ecsim_plot_redraws_exactly_what_ecsim_run_drew() {
    let tmp = TempDir::new("plot");
    let out = tmp.0.join("run");
    let out_arg = out.to_str().expect("utf-8 path");
    let run = ecsim(&["run", "scenarios/az-failure.yaml", "--out", out_arg]);
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    let from_run = drawn_files(&out);
    assert_eq!(from_run.len(), 11, "5 charts as PNG and SVG, and the report");
    assert!(!from_run.iter().any(|(n, _)| n.ends_with(".partial")));

    std::fs::remove_dir_all(out.join("charts")).expect("remove charts");
    std::fs::remove_file(out.join("report.html")).expect("remove report");
    let plot = ecsim(&["plot", out_arg]);
    assert_eq!(plot.status.code(), Some(0), "{}", String::from_utf8_lossy(&plot.stderr));
    assert_eq!(drawn_files(&out), from_run);
}

#[test]
fn no_charts_and_format_choose_what_is_drawn() {
    let tmp = TempDir::new("formats");
    let bare = tmp.0.join("bare");
    let svg = tmp.0.join("svg");
    let run = ecsim(&[
        "run",
        "scenarios/web-ec2-fixed.yaml",
        "--out",
        bare.to_str().expect("utf-8"),
        "--no-charts",
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(!bare.join("charts").exists() && !bare.join("report.html").exists());
    let run = ecsim(&[
        "run",
        "scenarios/web-ec2-fixed.yaml",
        "--out",
        svg.to_str().expect("utf-8"),
        "--format",
        "svg",
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    let names: Vec<String> = drawn_files(&svg).into_iter().map(|(n, _)| n).collect();
    assert!(
        names.iter().all(|n| n.ends_with(".svg") || n == "report.html"),
        "{names:?}"
    );
}

#[test]
fn ecsim_plot_on_a_directory_without_a_run_is_bad_input() {
    let tmp = TempDir::new("empty");
    let plot = ecsim(&["plot", tmp.0.to_str().expect("utf-8")]);
    assert_eq!(plot.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&plot.stderr);
    assert!(
        stderr.starts_with("error: cannot read ") && stderr.contains("summary.json"),
        "{stderr}"
    );
}

/// A synthetic two-hour run of `web` (desired 4) and `api` (desired 2): `web` deploys `web:2`
/// (primary grows 0 → 4 while active shrinks 4 → 0), then `web:3`, which stalls, fails on the
/// circuit breaker and rolls back to `web:2`; `api` never deploys.
fn deploying_run_texts() -> (String, String, String, String) {
    let mut services = String::from(
        "time_s,timestamp,service,desired,running,pending,healthy,primary_running,active_running,\
cpu_utilization,memory_utilization,demand_rps,served_rps,unserved_rps,min_capacity,max_capacity\n",
    );
    let ramp = |t: i64, from: i64| ((t - from) / 60).clamp(0, 4);
    for t in (0..=7200_i64).step_by(60) {
        let (primary, active, healthy) = match t {
            // web:2 replaces web:1: new tasks start a minute apart, old ones stop two minutes later.
            600..2400 => {
                let primary = ramp(t, 600);
                let active = 4 - ramp(t, 720);
                (primary, active, ramp(t, 660) + active)
            }
            // web:3 starts tasks that never become healthy.
            2400..3600 => ((ramp(t, 2400).min(2) - i64::from(t % 300 == 0)).max(0), 4, 4),
            // The rollback to web:2 is a new primary deployment; web:3 and the old web:2 drain.
            3600..4200 => {
                let primary = ramp(t, 3600);
                let active = 4 - ramp(t, 3720);
                (primary, active, ramp(t, 3660) + active)
            }
            _ => (4, 0, 4),
        };
        let running = primary + active;
        services.push_str(&format!(
            "{t},t,web,4,{running},0,{healthy},{primary},{active},40,30,100,100,0,4,4\n"
        ));
        services.push_str(&format!("{t},t,api,2,2,0,2,2,0,20,30,10,10,0,2,2\n"));
    }
    let cluster = "time_s,timestamp,capacity_provider,instances,instances_pending,cpu_reserved_pct,\
memory_reserved_pct,capacity_provider_reservation,tasks_provisioning,tasks,cost_usd,desired_capacity,target_capacity
0,t,FARGATE,0,0,0,0,,0,6,0,,
7200,t,FARGATE,0,0,0,0,,0,6,1.5,,
"
    .to_string();
    // The messages name no task definition: the charts read the payload columns.
    let events = "time_s,timestamp,kind,subject,message,cause,name,desired_from,desired_to,task_definition
600,t,deployment_started,web,Deployment ecs-svc/1 started.,,,,,web:2
1200,t,deployment_completed,web,Deployment ecs-svc/1 completed.,,,,,
2400,t,deployment_started,web,Deployment ecs-svc/2 started.,,,,,web:3
3000,t,deployment_stalled,web,(service web) is unable to consistently start tasks successfully.,,,,,
3600,t,deployment_failed,web,Deployment ecs-svc/2 failed after 3 failed tasks.,circuit_breaker,,,,
3600,t,rollback_started,web,Rolling back (deployment ecs-svc/3).,,,,,web:2
4200,t,deployment_completed,web,Deployment ecs-svc/3 completed.,,,,,
"
    .to_string();
    let summary = r#"{"scenario": "synthetic deployments", "simulated_seconds": 7200, "seed": 7}"#.to_string();
    (services, cluster, events, summary)
}

fn deploying_run() -> RunData {
    let (services, cluster, events, summary) = deploying_run_texts();
    RunData::from_texts(RunTexts {
        services_csv: &services,
        cluster_csv: &cluster,
        events_csv: &events,
        summary_json: &summary,
    })
    .expect("synthetic run loads")
}

#[test]
fn a_service_that_deploys_gets_a_deployment_chart() {
    let run = deploying_run();
    let charts = render_charts(&run, ChartFormat::Both).expect("charts render");
    let names: Vec<&str> = charts.iter().map(|c| c.name.as_str()).collect();
    assert!(names.contains(&"service-web-deployments.png"), "{names:?}");
    assert!(
        !names.iter().any(|n| n.starts_with("service-api-deployments")),
        "api never deploys: {names:?}"
    );
    let web = |stem: &str| names.iter().position(|n| *n == format!("service-web-{stem}.png"));
    assert_eq!(
        web("deployments"),
        web("utilization").map(|i| i + 2),
        "follows the service's other charts"
    );
    assert_eq!(
        png_size(&find(&charts, "service-web-deployments.png").bytes),
        (1200, 600)
    );
    let svg = svg_text(&charts, "service-web-deployments.svg");
    for text in [
        "Deployments of web — synthetic deployments",
        "tasks",
        "since start",
        "new revision (primary)",
        "old revision (active)",
        "healthy",
        "desired",
        "deployment in progress",
        "rollback in progress",
        "deployment starts: web:2",
        "deployment starts: web:3",
        "failed: circuit breaker",
        "rollback to web:2",
        "deployment stalled",
        "\nstalled\n",
        "deployment completed",
        "deployment failed",
    ] {
        assert!(svg.contains(text), "deployment chart shows `{text}`");
    }
    // The tasks chart keeps its own content; the deployment markers also appear there.
    assert!(svg_text(&charts, "service-web-tasks.svg").contains("deployment starts: web:3"));

    let html = render_report(&run, &charts);
    assert!(html.contains("<h2>Deployments</h2>"));
    assert!(html.contains("<td>web</td><td>deployment</td><td class=\"num\">0:40:00</td><td>web:3</td><td>failed</td><td class=\"num\">0:20:00</td>"));
    assert!(
        html.contains("<td>web</td><td>rollback</td><td class=\"num\">1:00:00</td><td>web:2</td><td>completed</td>")
    );
    assert!(html.contains("Every deployment event (7)"));
    let at = |id: &str| html.find(&format!("<figure id=\"{id}\"")).expect(id);
    assert!(at("service-web-utilization") < at("service-web-deployments"));
    assert!(at("service-web-deployments") < at("service-api-load"));
}

#[test]
fn no_deployment_started_event_no_deployment_chart() {
    let (services, cluster, events, summary) = deploying_run_texts();
    let without: String = events
        .lines()
        .filter(|l| !l.contains(",deployment_started,"))
        .map(|l| format!("{l}\n"))
        .collect();
    let run = RunData::from_texts(RunTexts {
        services_csv: &services,
        cluster_csv: &cluster,
        events_csv: &without,
        summary_json: &summary,
    })
    .expect("loads");
    let charts = render_charts(&run, ChartFormat::Svg).expect("charts render");
    assert!(!charts.iter().any(|c| c.name.contains("deployments")));
}

#[test]
fn each_deployment_gets_a_zoomed_chart_in_clock_time() {
    let run = deploying_run();
    let charts = render_charts(&run, ChartFormat::Svg).expect("charts render");
    let names: Vec<&str> = charts.iter().map(|c| c.name.as_str()).collect();
    let zoomed: Vec<&&str> = names.iter().filter(|n| n.contains("-deployment-")).collect();
    assert!(!zoomed.is_empty(), "{names:?}");
    let first = svg_text(&charts, "service-web-deployment-1.svg");
    assert!(
        first.contains("Deployment 1 of web to web:2"),
        "titled with its revision"
    );
    assert!(
        first.contains("time since start (h:mm)"),
        "a zoom away from the start is clock time"
    );
    assert!(first.contains("window "), "the subtitle names the window");
    // The overview still shows every deployment, over the whole run.
    let overview = svg_text(&charts, "service-web-deployments.svg");
    assert!(overview.contains("since start") && !overview.contains("window "));
}

#[test]
fn a_chart_window_cuts_every_chart_to_it() {
    let mut run = deploying_run();
    let whole = render_charts(&run, ChartFormat::Svg).expect("charts render");
    run.summary.chart_window = Some(ecsim::trace::summary::ChartWindow {
        from_s: 1800.0,
        to_s: 3600.0,
    });
    let cut = render_charts(&run, ChartFormat::Svg).expect("charts render");
    let load = |charts: &[ChartFile]| svg_text(charts, "service-web-tasks.svg");
    assert_ne!(load(&whole), load(&cut));
    assert!(load(&cut).contains("window 0:30–1:00"), "{}", "the window is named");
    assert!(load(&cut).contains("time since start (h:mm)"));
    // A window that is the whole run draws what no window draws.
    run.summary.chart_window = Some(ecsim::trace::summary::ChartWindow {
        from_s: 0.0,
        to_s: run.end_s(),
    });
    assert_eq!(render_charts(&run, ChartFormat::Svg).expect("charts render"), whole);
}

#[test]
fn from_and_to_zoom_run_and_plot_and_are_recorded() {
    let tmp = TempDir::new("zoom");
    let out = tmp.0.join("run");
    let out_arg = out.to_str().expect("utf-8 path");
    let run = ecsim(&[
        "run",
        "scenarios/az-failure.yaml",
        "--out",
        out_arg,
        "--from",
        "1h",
        "--to",
        "2h",
        "--format",
        "svg",
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    let summary = std::fs::read_to_string(out.join("summary.json")).expect("summary");
    assert!(
        summary.contains("\"chart_window\": {\n    \"from_s\": 3600.0,\n    \"to_s\": 7200.0"),
        "{summary}"
    );
    let tasks =
        |dir: &Path| std::fs::read_to_string(dir.join("charts").join("service-orders-tasks.svg")).expect("chart");
    assert!(tasks(&out).contains("window Mon 5 Jan 01:00–02:00 UTC"));
    // `plot` redraws the recorded window; `--from 0` the whole run.
    let plot = ecsim(&["plot", out_arg, "--format", "svg", "--from", "0"]);
    assert_eq!(plot.status.code(), Some(0), "{}", String::from_utf8_lossy(&plot.stderr));
    assert!(!tasks(&out).contains("window "));
    let backwards = ecsim(&["plot", out_arg, "--from", "2h", "--to", "1h"]);
    assert_eq!(backwards.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&backwards.stderr).contains("must end after it starts"));
    let beyond = ecsim(&["run", "scenarios/az-failure.yaml", "--out", out_arg, "--from", "400d"]);
    assert_eq!(
        beyond.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&beyond.stderr)
    );
}

#[test]
fn a_scenario_names_its_window_within_the_run() {
    let base = "name: w\nduration: 6h\necs:\n  services:\n    - serviceName: web\n      launchType: FARGATE\n      taskDefinition: web:1\n      desiredCount: 1\n  taskDefinitions:\n    - family: web\n      revision: 1\n      cpu: '256'\n      memory: '512'\n      networkMode: awsvpc\n      requiresCompatibilities: [FARGATE]\n      containerDefinitions: [{name: app, image: x}]\n";
    let loaded = crate::support::load_text("w.yaml", &format!("{base}charts:\n  window: {{from: 2h, to: 3h30m}}\n"))
        .expect("a window inside the run loads");
    let (from, to) = loaded.charts.window.expect("window read");
    assert_eq!((from.as_millis(), to.as_millis()), (7_200_000, 12_600_000));
    let to_the_end =
        crate::support::load_text("w.yaml", &format!("{base}charts:\n  window: {{from: 5h}}\n")).expect("loads");
    assert_eq!(to_the_end.charts.window.map(|(_, to)| to.as_millis()), Some(21_600_000));
    for (window, message) in [
        ("{from: 3h, to: 2h}", "the window must end after it starts"),
        ("{from: 1h, to: 7h}", "the window ends after the run does"),
        ("{from: 1h, until: 2h}", "until"),
    ] {
        let e = crate::support::load_text("w.yaml", &format!("{base}charts:\n  window: {window}\n"))
            .expect_err(window)
            .to_string();
        assert!(e.contains(message) && e.contains("charts.window"), "{window}: {e}");
    }
}

#[test]
fn before_a_deployment_the_tasks_are_the_current_revision_not_the_new_one() {
    let run = deploying_run();
    let web = run.services.iter().find(|s| s.name == "web").expect("web");
    let layers = &web.revisions;
    let total = |i: usize| web.primary_running[i] + web.active_running[i];
    assert_eq!((layers.new[0], layers.old[0], layers.current[0]), (0.0, 0.0, total(0)));
    let first = ecsim::output::charts::annotations::deployments(&run, "web")[0].clone();
    let during = web
        .time_s
        .iter()
        .position(|&t| t >= first.start_s)
        .expect("a row during the first deployment");
    assert_eq!(layers.current[during], 0.0);
    assert_eq!(
        (layers.new[during], layers.old[during]),
        (web.primary_running[during], web.active_running[during])
    );
    for i in 0..web.time_s.len() {
        assert_eq!(
            layers.new[i] + layers.rollback[i] + layers.old[i] + layers.current[i],
            total(i),
            "row {i}"
        );
    }
}
