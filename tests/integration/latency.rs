//! Request latency end to end (issue 14, estimate mode): the engine's per-interval estimate
//! reproduces Erlang C (Latency A3), overload times requests out, runs without a service model
//! keep their files, and malformed service models fail clearly.

use crate::support::{column, load_file, load_text, root, run_to_strings};

/// A Fargate service `api` of `tasks` tasks (no scaling) with `behavior` for its task
/// definition and `load` (a list of shapes, no noise) for one hour.
fn service(tasks: u32, behavior: &str, load: &str) -> String {
    format!(
        "duration: 1h
ecs:
  cluster: {{clusterName: demo, capacityProviders: [FARGATE]}}
  taskDefinitions:
    - {{family: api, cpu: \"512\", memory: \"1024\", networkMode: awsvpc, requiresCompatibilities: [FARGATE],
       containerDefinitions: [{{name: api, image: example/api}}]}}
  services:
    - {{serviceName: api, taskDefinition: api, desiredCount: {tasks}, launchType: FARGATE}}
behavior:
  latency: {{timeout: 10s}}
  taskDefinitions:
    api: {behavior}
load:
  api:
    requestsPerSecond: {load}
"
    )
}

fn numbers(values: &[String]) -> Vec<f64> {
    values.iter().map(|v| v.parse().expect("a number")).collect()
}

#[track_caller]
fn close(got: f64, want: f64, relative: f64) {
    assert!((got - want).abs() <= relative * want.abs(), "got {got}, want {want}");
}

#[test]
fn the_estimate_of_every_interval_reproduces_erlang_c() {
    // Latency A3, c = 10, ρ = 0.9 with a mean service of 1 s: T p50 1.329 s, p95 4.361 s, p99
    // 6.250 s, E[Wq] 0.668732 s. The table has four digits: tolerance 5e-4 relative (the
    // percentiles are printed to the microsecond).
    let yaml = service(
        10,
        "{serviceTime: {distribution: exponential, mean: 1s}, concurrency: 1, idleCpuPercent: 0}",
        "[{constant: 9}]",
    );
    let out = run_to_strings(&load_text("api.yaml", &yaml).unwrap_or_else(|e| panic!("{e}")));
    for (name, want_ms) in [
        ("latency_p50_ms", 1_329.0),
        ("latency_p95_ms", 4_361.0),
        ("latency_p99_ms", 6_250.0),
        ("queue_wait_ms_mean", 668.732),
    ] {
        let values = numbers(&column(&out.services, name, None));
        assert_eq!(values.len(), 60, "{name}");
        for v in values {
            close(v, want_ms, 5e-4);
        }
    }
    // One model for CPU and latency: the slots are 90 % busy, so CPU is 90 %.
    for cpu in numbers(&column(&out.services, "cpu_utilization", None)) {
        close(cpu, 90.0, 1e-9);
    }
    assert!(
        numbers(&column(&out.services, "timed_out_rps", None))
            .iter()
            .all(|v| *v == 0.0)
    );
    // The run's percentiles are those of the same distribution, within the sketch's 1 %.
    assert!(out.summary.contains("\"p99_ms\": 6"), "{}", out.summary);
}

#[test]
fn overload_builds_a_backlog_and_times_requests_out() {
    // Two tasks of 4 slots of 100 ms serve 80 rps; 200 rps arrive for 10 minutes. With a 10 s
    // timeout 800 requests may queue; the rest time out, and timed out is what is unserved.
    let yaml = service(
        2,
        "{serviceTime: {distribution: constant, value: 100ms}, concurrency: 4}",
        "[{constant: 40}, {spike: {at: 10m, duration: 10m, add: 160}}]",
    );
    let out = run_to_strings(&load_text("api.yaml", &yaml).unwrap_or_else(|e| panic!("{e}")));
    let timed_out = numbers(&column(&out.services, "timed_out_rps", None));
    let unserved = numbers(&column(&out.services, "unserved_rps", None));
    assert_eq!(timed_out, unserved);
    assert!(timed_out[..10].iter().all(|v| *v == 0.0), "{timed_out:?}");
    // From the second minute of the spike on, 120 a second more than capacity time out.
    for v in &timed_out[11..20] {
        close(*v, 120.0, 1e-9);
    }
    let p50 = numbers(&column(&out.services, "latency_p50_ms", None));
    assert!(
        p50[15] > 9_000.0 && p50[15] <= 10_100.0,
        "queued nearly the timeout: {}",
        p50[15]
    );
    // The backlog of 800 drains at 40 spare requests a second within the minute after.
    assert!(p50[21] < 5_000.0 && p50[30] < 101.0, "{p50:?}");
    // 120 a second for the 53.3 s after the queue filled, then 7 200 a minute for nine minutes.
    assert!(
        out.summary.contains("\"timed_out_requests\": 71200.0"),
        "{}",
        out.summary
    );
}

#[test]
fn without_a_service_model_nothing_about_latency_is_written() {
    let out = run_to_strings(&load_file(&root().join("scenarios/web-fargate.yaml"), &[]).expect("loads"));
    let header = out.services.lines().next().expect("a header");
    assert!(
        header.ends_with(
            "queue_depth,oldest_message_age_s,provisioning,new_revision_weight_pct,new_revision_served_requests,target_5xx_requests"
        ),
        "{header}"
    );
    assert!(!out.summary.contains("latency"), "{}", out.summary);
}

/// The rendered error of loading `yaml`, which must fail.
#[track_caller]
fn error_of(yaml: &str) -> String {
    match load_text("bad.yaml", yaml) {
        Ok(_) => panic!("the scenario loaded, but it should fail"),
        Err(e) => e.rendered,
    }
}

/// Loads `yaml` and asserts it fails with exactly `expected` (both without their first newline).
#[track_caller]
fn check_error(yaml: &str, expected: &str) {
    let expected = expected.strip_prefix('\n').unwrap_or(expected);
    match load_text("bad.yaml", yaml) {
        Ok(_) => panic!("the scenario loaded, but it should fail with:\n{expected}"),
        Err(e) => assert_eq!(e.rendered, expected, "\nactual:\n{}", e.rendered),
    }
}

#[test]
fn a_service_model_beside_a_request_rate_is_an_error() {
    let behavior =
        "{serviceTime: {distribution: exponential, mean: 180ms}, concurrency: 2, requestsPerSecondAtFullCpu: 50}";
    check_error(
        &service(2, behavior, "[{constant: 5}]"),
        r#"
error: requestsPerSecondAtFullCpu and serviceTime both give the task's capacity
  --> bad.yaml:12:82
   |
12 |     api: {serviceTime: {distribution: exponential, mean: 180ms}, concurrency: 2, requestsPerSecondAtFullCpu: 50}
   |                                                                                  ^^^^^^^^^^^^^^^^^^^^^^^^^^
   = field: behavior.taskDefinitions.api.requestsPerSecondAtFullCpu
   = help: keep one: with serviceTime, capacity is concurrency / mean service time

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn a_misspelt_distribution_is_an_error_with_a_suggestion() {
    check_error(
        &service(
            2,
            "{serviceTime: {distribution: exponental, mean: 180ms}, concurrency: 2}",
            "[{constant: 5}]",
        ),
        r#"
error: `exponental` is not a valid value
  --> bad.yaml:12:39
   |
12 |     api: {serviceTime: {distribution: exponental, mean: 180ms}, concurrency: 2}
   |                                       ^^^^^^^^^^
   = field: behavior.taskDefinitions.api.serviceTime.distribution
   = help: did you mean `exponential`? (valid: exponential, lognormal, constant, histogram)

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn a_service_time_needs_a_concurrency_and_the_reverse() {
    check_error(
        &service(
            2,
            "{serviceTime: {distribution: exponential, mean: 180ms}}",
            "[{constant: 5}]",
        ),
        r#"
error: serviceTime needs concurrency: how many requests one task serves at once
  --> bad.yaml:12:11
   |
12 |     api: {serviceTime: {distribution: exponential, mean: 180ms}}
   |           ^^^^^^^^^^^
   = field: behavior.taskDefinitions.api.serviceTime
   = help: add concurrency: 1 for a single-threaded server

1 error found; nothing was simulated.
"#,
    );
    let concurrency_alone = service(2, "{concurrency: 3}", "[{constant: 5}]");
    let rendered = error_of(&concurrency_alone);
    assert!(rendered.contains("error: concurrency needs serviceTime"), "{rendered}");
}

#[test]
fn bad_service_time_values_are_errors() {
    for (behavior, message) in [
        (
            "{serviceTime: {distribution: lognormal, median: 180ms, p95: 90ms}, concurrency: 2}",
            "p95 (90ms) must not be below the median (180ms)",
        ),
        (
            "{serviceTime: {distribution: constant, value: 0ms}, concurrency: 2}",
            "a service time must be at least 1ms",
        ),
        (
            "{serviceTime: {distribution: exponential, mean: 5ms}, concurrency: 0}",
            "0 is out of range: expected 1 to 1000000",
        ),
        (
            "{serviceTime: {distribution: histogram, buckets: [{le: 50ms, count: 3}, {le: 20ms, count: 1}]}, concurrency: 2}",
            "histogram bucket bounds must increase: 20 ms follows 50 ms",
        ),
        (
            "{serviceTime: {distribution: exponential, mena: 180ms}, concurrency: 2}",
            "unknown field `mena`",
        ),
        (
            "{serviceTime: {distribution: exponential, median: 180ms}, concurrency: 2}",
            "the exponential distribution takes no `median`",
        ),
        (
            "{serviceTime: {distribution: lognormal, median: 180ms}, concurrency: 2}",
            "missing field `p95`: the lognormal distribution needs median and p95",
        ),
        (
            "{serviceTime: {distribution: histogram, buckets: []}, concurrency: 2}",
            "a service-time histogram needs at least one bucket with a positive count",
        ),
    ] {
        let yaml = service(2, behavior, "[{constant: 5}]");
        let rendered = error_of(&yaml);
        assert!(rendered.contains(&format!("error: {message}")), "{rendered}");
    }
    let timeout =
        service(2, "{requestsPerSecondAtFullCpu: 5}", "[{constant: 5}]").replace("timeout: 10s", "timeout: 0s");
    let rendered = error_of(&timeout);
    assert!(rendered.contains("field: behavior.latency.timeout"), "{rendered}");
}

#[test]
fn a_service_with_a_service_model_gets_a_latency_chart_in_the_report() {
    use ecsim::output::charts::{ChartFormat, RunData, RunTexts, render_charts};
    use ecsim::output::report::render_report;
    let chart_names = |path: &str| {
        let out = run_to_strings(&load_file(&root().join(path), &[]).expect("loads"));
        let run = RunData::from_texts(RunTexts {
            services_csv: &out.services,
            cluster_csv: &out.cluster,
            events_csv: &out.events,
            summary_json: &out.summary,
        })
        .expect("the run's files read back");
        let charts = render_charts(&run, ChartFormat::Svg).expect("charts render");
        let report = render_report(&run, &charts);
        let names: Vec<String> = charts.into_iter().map(|c| c.name).collect();
        (names, report)
    };
    let (names, report) = chart_names("scenarios/latency-spike-timeouts.yaml");
    assert!(names.contains(&"service-api-latency.svg".to_string()), "{names:?}");
    assert!(report.contains("Response time of service api"), "the report shows it");
    assert!(
        report.contains("<th>Response time p50</th>"),
        "and the run's percentiles"
    );
    let (names, report) = chart_names("scenarios/web-fargate.yaml");
    assert!(!names.iter().any(|n| n.contains("latency")), "{names:?}");
    assert!(!report.contains("Response time"), "no latency without a service model");
}

#[test]
fn a_queue_worker_cannot_have_a_service_model() {
    let behavior =
        "{serviceTime: {distribution: exponential, mean: 100ms}, concurrency: 2, messagesPerSecondPerTask: 5}";
    let yaml = service(2, behavior, "[{constant: 5}]").replace("requestsPerSecond:", "messagesPerSecond:");
    let rendered = error_of(&yaml);
    assert!(
        rendered.contains("error: service `api` consumes a queue, but its task definition `api` has a serviceTime"),
        "{rendered}"
    );
    assert!(rendered.contains("field: load.api"), "{rendered}");
}
