//! Snapshot tests of what the comparison, worker and deployment charts show (issue 15, items 4, 6
//! and 7): the figures' panels, legends and series, read from the `Figure` rather than pixels.

use ecsim::output::charts::figure::{Figure, MarkerShape};
use ecsim::output::charts::{ChartContext, RunData, annotations, comparison, cost, deployments, worker};

use crate::support::{RunOutput, load_file, load_text, root, run_to_strings};

fn run_named(scenario: &str) -> RunData {
    let loaded = load_file(&root().join("scenarios").join(scenario), &[]).expect("scenario loads");
    run_data(&run_to_strings(&loaded))
}

fn run_data(output: &RunOutput) -> RunData {
    crate::support::chart_data(output)
}

/// Each panel's y label with the legends of its lines.
fn panels(figure: &Figure<'_>) -> Vec<(String, Vec<String>)> {
    figure
        .panels
        .iter()
        .map(|p| (p.y_label.clone(), p.lines.iter().map(|l| l.legend.clone()).collect()))
        .collect()
}

#[test]
fn alternatives_share_one_overlay_chart() {
    let run = run_named("rolling-update-side-by-side.yaml");
    let names: Vec<&str> = run.summary.chart_compare.iter().map(|c| c.service.as_str()).collect();
    assert_eq!(names, ["web-100-200", "web-50-100", "web-0-100"]);
    let ctx = ChartContext::new(&run);
    let figure = comparison::figure(&ctx).expect("a comparison chart");
    assert_eq!(figure.file_stem, "comparison");
    let cost = |name: &str| run.summary.service(name).expect("in the summary").cost_usd;
    let legend = |name: &str| format!("{name} · {}", comparison::describe_usd(cost(name)));
    let names3 = |suffix: &str| -> Vec<String> { names.iter().map(|n| format!("{n}{suffix}")).collect() };
    assert_eq!(
        panels(&figure),
        [
            (
                "running tasks".to_string(),
                names.iter().map(|n| legend(n)).collect::<Vec<_>>()
            ),
            ("unserved req/s".to_string(), names3("")),
            ("CPU (%)".to_string(), names3("")),
        ],
        "Fargate alternatives share a provider: no instance or provider cost panel"
    );
    // Each line is its service's own column, in a colour of its own.
    for (i, line) in figure.panels[0].lines.iter().enumerate() {
        let series = run.services.iter().find(|s| s.name == names[i]).expect("series");
        assert_eq!(line.values, series.running.as_slice());
        assert_eq!(line.stroke, comparison::alternative_stroke(i));
    }
    let strokes: Vec<_> = figure.panels[0].lines.iter().map(|l| l.stroke.color).collect();
    assert!(strokes[0] != strokes[1] && strokes[1] != strokes[2] && strokes[0] != strokes[2]);
    let peak = |name: &str| {
        let s = run.services.iter().find(|s| s.name == name).expect("series");
        s.running.iter().fold(0.0_f64, |a, &b| a.max(b))
    };
    assert_eq!((peak("web-100-200"), peak("web-50-100")), (12.0, 6.0));
}

#[test]
fn alternatives_on_their_own_providers_compare_instances_and_provider_cost() {
    let run = run_named("target-capacity-100-vs-80.yaml");
    let ctx = ChartContext::new(&run);
    let figure = comparison::figure(&ctx).expect("a comparison chart");
    let provider_cost = |name: &str| {
        let p = run.providers.iter().find(|p| p.name == name).expect("provider");
        *p.cost_usd.last().expect("rows")
    };
    let labels = panels(&figure);
    assert_eq!(
        labels[0].1,
        [
            format!("web-100 · {}", comparison::describe_usd(provider_cost("cp-100"))),
            format!("web-80 · {}", comparison::describe_usd(provider_cost("cp-80")))
        ],
        "an alternative with a provider of its own costs what its provider cost"
    );
    assert_eq!(
        labels[1],
        (
            "instances".to_string(),
            vec!["web-100 (cp-100)".to_string(), "web-80 (cp-80)".to_string()]
        )
    );
    assert_eq!(labels.len(), 3, "running tasks and the two most telling panels");

    // The cost chart draws each provider and no total of two alternatives.
    assert!(cost::total_cost(&run).is_none());
    let legends: Vec<String> = cost::figure(&ctx, None).panels[0]
        .lines
        .iter()
        .map(|l| l.legend.clone())
        .collect();
    assert_eq!(legends, ["cp-100", "cp-80"]);
    let mut not_compared = run.clone();
    not_compared.summary.chart_compare.clear();
    assert!(
        cost::total_cost(&not_compared).is_some(),
        "two providers of one system are summed"
    );
    assert!(comparison::figure(&ChartContext::new(&not_compared)).is_none());
}

#[test]
fn compare_names_services_of_the_scenario() {
    let base = "name: c\nduration: 1h\necs:\n  services:\n    - {serviceName: tracked, launchType: FARGATE, taskDefinition: web, desiredCount: 1}\n    - {serviceName: stepped, launchType: FARGATE, taskDefinition: web, desiredCount: 1}\n  taskDefinitions:\n    - {family: web, cpu: '256', memory: '512', networkMode: awsvpc, requiresCompatibilities: [FARGATE], containerDefinitions: [{name: app, image: x}]}\n";
    let loaded = load_text("c.yaml", &format!("{base}charts:\n  compare: [stepped, tracked]\n")).expect("loads");
    assert_eq!(loaded.charts.compare, ["stepped", "tracked"]);
    let compared = ecsim::scenario::charts::compared_services(&loaded.charts, &loaded.spec);
    assert_eq!(compared[0].capacity_providers, ["FARGATE"]);
    for (compare, message, help) in [
        (
            "[tracked, steped]",
            "`steped` is not a service of this scenario",
            "did you mean `stepped`?",
        ),
        (
            "[tracked, web]",
            "`web` is not a service of this scenario",
            "the services are: tracked, stepped",
        ),
        (
            "[tracked, tracked]",
            "`tracked` is named twice",
            "name each alternative once",
        ),
        (
            "[tracked]",
            "a comparison needs 2 to 6 services; found 1",
            "compare: [tracked, stepped]",
        ),
    ] {
        let e = load_text("c.yaml", &format!("{base}charts:\n  compare: {compare}\n"))
            .expect_err(compare)
            .to_string();
        assert!(
            e.contains(message) && e.contains(help) && e.contains("charts.compare"),
            "{compare}: {e}"
        );
    }
}

#[test]
fn a_queue_worker_charts_messages_backlog_and_age_not_requests() {
    let run = run_named("sqs-worker-backlog.yaml");
    let worker = run.services.iter().find(|s| s.name == "worker").expect("worker");
    let queue = worker.queue.as_ref().expect("a queue worker has queue columns");
    let ctx = ChartContext::new(&run);
    let figure = worker::figure(&ctx, worker).expect("a worker chart");
    assert_eq!(figure.file_stem, "service-worker-messages");
    assert_eq!(
        panels(&figure),
        [
            (
                "messages/s".to_string(),
                vec!["arriving".to_string(), "processed".to_string()]
            ),
            ("backlog".to_string(), vec!["messages waiting".to_string()]),
            ("per task".to_string(), vec!["backlog per RUNNING task".to_string()]),
            ("oldest".to_string(), vec!["age of the oldest message".to_string()]),
        ]
    );
    assert!(
        figure.panels.iter().all(|p| p.bands.is_empty()),
        "no unserved fill: messages wait in the queue"
    );
    // The policy's target sits on the metric it tracks: backlog per task (m1 / m2).
    let targets: Vec<(String, f64)> = figure
        .panels
        .iter()
        .flat_map(|p| p.reference_lines.iter().map(move |r| (p.y_label.clone(), r.value)))
        .collect();
    assert_eq!(targets, [("per task".to_string(), 100.0)]);
    assert_eq!(
        run.summary.scaling_policies[0].metric.as_deref(),
        Some(worker::BACKLOG_PER_TASK_METRIC)
    );
    // The series: the backlog rises during the burst and drains to empty; per task is the
    // backlog over RUNNING tasks; the age is in milliseconds.
    let peak = |v: &[f64]| v.iter().copied().filter(|x| x.is_finite()).fold(0.0_f64, f64::max);
    assert!(peak(&queue.backlog) > 100_000.0, "{}", peak(&queue.backlog));
    assert_eq!(queue.backlog.last(), Some(&0.0));
    let i = queue.backlog.iter().position(|&b| b > 0.0).expect("a backlog");
    assert_eq!(queue.backlog_per_task[i], queue.backlog[i] / worker.running[i]);
    assert!(
        peak(&queue.oldest_message_age_ms) > 60_000.0,
        "the oldest message waited minutes"
    );
    assert_eq!(figure.panels[1].lines[0].values, queue.backlog.as_slice());
    // A service serving requests keeps its load chart.
    let web = run_named("web-fargate.yaml");
    assert!(web.services.iter().all(|s| s.queue.is_none()));
}

#[test]
fn a_rollback_is_named_and_the_failed_starts_that_trip_the_breaker_are_marked() {
    let loaded = load_file(&root().join("scenarios/circuit-breaker-rollback.yaml"), &[]).expect("loads");
    let output = run_to_strings(&loaded);
    let run = run_data(&output);
    // The tasks of api:2 that failed to start, from tasks.csv.
    let failed_s: Vec<f64> = output
        .tasks
        .lines()
        .filter(|l| l.contains(",api:2,") && l.ends_with("Essential container in task exited"))
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            assert_eq!(cells[8], "", "stopped before RUNNING");
            cells[9].parse().expect("stopped_s")
        })
        .collect();
    assert_eq!(failed_s.len(), 3, "the breaker's threshold for 4 tasks is 3");
    let markers = annotations::deployment_markers(&run, "api");
    let ticks: Vec<(f64, MarkerShape)> = markers
        .iter()
        .filter(|m| m.legend == "failed task (circuit breaker counts it)")
        .map(|m| (m.time_s, m.shape))
        .collect();
    assert_eq!(
        ticks,
        failed_s.iter().map(|&t| (t, MarkerShape::Tick)).collect::<Vec<_>>(),
        "a tick at each failed start"
    );
    let trip = markers
        .iter()
        .find(|m| m.legend == "deployment failed")
        .expect("the trip is marked");
    assert_eq!(
        (trip.time_s, trip.label.as_str()),
        (failed_s[2], "failed: circuit breaker trips at 3 failed tasks"),
        "the breaker trips at the third failure"
    );

    let api = run.services.iter().find(|s| s.name == "api").expect("api");
    let layers = &api.revisions;
    assert_eq!(layers.rollback_revision.as_deref(), Some("api:1"));
    let rollback = &annotations::deployments(&run, "api")[1];
    assert!(rollback.rollback);
    for (i, &t) in api.time_s.iter().enumerate() {
        let rolling_back = t >= rollback.start_s && rollback.end_s.is_none_or(|end| t < end);
        if rolling_back {
            assert_eq!(
                (layers.rollback[i], layers.new[i]),
                (api.primary_running[i], 0.0),
                "row {i}"
            );
        } else {
            assert_eq!(layers.rollback[i], 0.0, "row {i}");
        }
        let sum = layers.new[i] + layers.rollback[i] + layers.old[i] + layers.current[i];
        assert_eq!(sum, api.primary_running[i] + api.active_running[i], "row {i}");
    }
    assert!(layers.rollback.iter().any(|&v| v > 0.0));
    let ctx = ChartContext::new(&run);
    let figure = deployments::figure(&ctx, api).expect("a deployment chart");
    let stacked: Vec<&str> = figure.panels[0].stacked.iter().map(|l| l.legend.as_str()).collect();
    assert_eq!(
        stacked,
        [
            "current revision",
            "new revision (primary)",
            "rollback to api:1 (primary)",
            "old revision (active)"
        ]
    );
    assert!(
        output.events.contains(
            "deployment_task_failed,api,(service api) deployment ecs-svc/2: a task failed to start (task t-8); the circuit breaker counts failure 1 of 3."
        ),
        "{}",
        output.events
    );
}
