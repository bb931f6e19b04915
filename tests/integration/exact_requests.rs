//! Request latency in exact mode end to end (issue 14, `load.<service>.model: requests`): every
//! request simulated through the engine reproduces Erlang C (Latency A1, A3); least outstanding
//! requests beats round robin when one task is slower (Latency A4); requests go only to healthy
//! tasks; a seed gives the same bytes; bad settings fail clearly.

use ecsim::engine::Simulation;
use ecsim::output::{CsvSink, RunFiles, SummaryBuilder};

use crate::support::{column, load_file, load_text, root, run_to_strings};

/// One Fargate task of `concurrency` slots (exponential service of `mean_ms`, no scaling)
/// serving a constant `rps` in exact mode for `duration`, a row every `interval`.
fn one_task(concurrency: u32, mean_ms: u32, rps: f64, duration: &str, interval: &str) -> String {
    format!(
        "duration: {duration}
traceInterval: {interval}
seed: 3
ecs:
  cluster: {{clusterName: demo, capacityProviders: [FARGATE]}}
  taskDefinitions:
    - {{family: api, cpu: \"512\", memory: \"1024\", networkMode: awsvpc, requiresCompatibilities: [FARGATE],
       containerDefinitions: [{{name: api, image: example/api}}]}}
  services:
    - {{serviceName: api, taskDefinition: api, desiredCount: 1, launchType: FARGATE}}
behavior:
  latency: {{timeout: 1h}}
  taskDefinitions:
    api: {{serviceTime: {{distribution: exponential, mean: {mean_ms}ms}}, concurrency: {concurrency}, idleCpuPercent: 0}}
load:
  api:
    requestsPerSecond: [{{constant: {rps}}}]
    model: requests
"
    )
}

fn numbers(values: &[String]) -> Vec<f64> {
    values.iter().map(|v| v.parse().expect("a number")).collect()
}

/// A value as Latency A3 prints it, and half a unit of its last digit.
fn printed(text: &str) -> (f64, f64) {
    let value: f64 = text.parse().expect("a number");
    let decimals = text.split_once('.').map_or(0, |(_, d)| d.len());
    (value, 0.5 * 10f64.powi(-(decimals as i32)))
}

/// The mean of `values` and its standard error (sample standard deviation over sqrt(n)).
fn mean_and_standard_error(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, (variance / n).sqrt())
}

/// The run's p50/p95/p99 from `summary.json`, ms.
fn run_percentiles(summary: &str) -> [f64; 3] {
    let json: serde_json::Value = serde_json::from_str(summary).expect("json");
    let latency = &json["services"][0]["latency"];
    ["p50_ms", "p95_ms", "p99_ms"].map(|k| latency[k].as_f64().expect("a percentile"))
}

/// One row of Latency A3: c, ρ, and Wq, T p50, T p95, T p99 as printed (units of 1/μ).
struct Row {
    row: u32,
    servers: u32,
    utilization: f64,
    printed: [&'static str; 4],
}

/// Runs `row` as one task of c slots for `duration` (20 rows) and checks the mean wait (the
/// mean of the rows' `queue_wait_ms_mean`) and the run's percentiles (`summary.json`, every
/// request) against the table. A figure passes within 4 standard errors (the spread of the 20
/// rows' values over sqrt(20), batch means) plus the sketch's 1 % plus the table's printing, and
/// the standard error must itself be under 5 % of the value, so a noisy run cannot pass by being
/// noisy. CPU utilization (busy slots, no idle CPU) must be 100 ρ within 1.5 points.
#[track_caller]
fn check(row: &Row, mean_ms: u32, duration: &str, interval: &str) {
    let rps = f64::from(row.servers) * row.utilization * 1_000.0 / f64::from(mean_ms);
    let yaml = one_task(row.servers, mean_ms, rps, duration, interval);
    let out = run_to_strings(&load_text("mmc.yaml", &yaml).unwrap_or_else(|e| panic!("{e}")));
    let scale = f64::from(mean_ms);
    let per_row = |name: &str| -> Vec<f64> { numbers(&column(&out.services, name, None)) };
    let run = run_percentiles(&out.summary);
    let columns = [
        "queue_wait_ms_mean",
        "latency_p50_ms",
        "latency_p95_ms",
        "latency_p99_ms",
    ];
    for (k, name) in columns.iter().enumerate() {
        let rows = per_row(name);
        assert_eq!(rows.len(), 20, "{name}");
        let (mean, se) = mean_and_standard_error(&rows);
        let got = if k == 0 { mean } else { run[k - 1] };
        let (want, printing) = printed(row.printed[k]);
        let want = want * scale;
        let sketch = if k == 0 { 0.0 } else { 0.01 * want };
        let allowed = 4.0 * se + sketch + printing * scale;
        let what = format!(
            "Latency A3 row {} (c={}, ρ={}) {name}",
            row.row, row.servers, row.utilization
        );
        assert!(se <= 0.05 * want, "{what}: standard error {se} too large for a test");
        assert!(
            (got - want).abs() <= allowed,
            "{what}: simulated {got} ms, Erlang C {want} ms, allowed ±{allowed} (se {se})"
        );
    }
    let (cpu, _) = mean_and_standard_error(&per_row("cpu_utilization"));
    assert!(
        (cpu - 100.0 * row.utilization).abs() <= 1.5,
        "CPU {cpu} % is not the busy fraction ρ = {}",
        row.utilization
    );
}

#[test]
fn one_task_in_exact_mode_reproduces_erlang_c_mean_wait_and_percentiles() {
    // Latency A3's computed grid; times there are in units of the mean service time, here
    // mean_ms. About 4.3 million requests in all.
    let rows = [
        (
            Row {
                row: 1,
                servers: 1,
                utilization: 0.5,
                printed: ["1", "1.386", "5.991", "9.210"],
            },
            10,
            "4h",
            "12m",
        ),
        (
            Row {
                row: 13,
                servers: 10,
                utilization: 0.9,
                printed: ["0.668732", "1.329", "4.361", "6.250"],
            },
            10,
            "20m",
            "60s",
        ),
        (
            Row {
                row: 14,
                servers: 10,
                utilization: 0.95,
                printed: ["1.65117", "2.091", "6.970", "10.21"],
            },
            10,
            "20m",
            "60s",
        ),
        (
            Row {
                row: 19,
                servers: 50,
                utilization: 0.95,
                printed: ["0.251638", "0.972", "3.344", "4.955"],
            },
            50,
            "20m",
            "60s",
        ),
    ];
    for (row, mean_ms, duration, interval) in &rows {
        check(row, *mean_ms, duration, interval);
    }
}

#[test]
fn least_outstanding_requests_beats_round_robin_with_one_slow_task() {
    // scenarios/requests-routing-slow-task.yaml: the same services but for the algorithm; from
    // 12 minutes on each has one task of a 5x slower revision among four (Latency A4).
    let loaded = load_file(&root().join("scenarios/requests-routing-slow-task.yaml"), &[]).expect("loads");
    let out = run_to_strings(&loaded);
    let after = |service: &str, name: &str| -> Vec<f64> {
        let times = numbers(&column(&out.services, "time_s", Some(("service", service))));
        let values = numbers(&column(&out.services, name, Some(("service", service))));
        times
            .into_iter()
            .zip(values)
            .filter(|(t, _)| *t > 720.0)
            .map(|(_, v)| v)
            .collect()
    };
    let slow_tasks = after("rr", "primary_running");
    assert!(slow_tasks.iter().all(|n| *n == 1.0), "{slow_tasks:?}");
    let (rr_p99, lor_p99) = (after("rr", "latency_p99_ms"), after("lor", "latency_p99_ms"));
    let (rr_out, lor_out) = (after("rr", "timed_out_rps"), after("lor", "timed_out_rps"));
    for k in 0..rr_p99.len() {
        // Round robin gives the slow task 50 requests a second for 16 it can serve: its queue
        // reaches the 10 s timeout. Least outstanding requests keeps p99 within a few service
        // times of the slow revision.
        assert!(
            rr_p99[k] > 9_000.0 && lor_p99[k] < 1_000.0,
            "row {k}: {} {}",
            rr_p99[k],
            lor_p99[k]
        );
        assert!(
            rr_out[k] > 20.0 && lor_out[k] == 0.0,
            "row {k}: {} {}",
            rr_out[k],
            lor_out[k]
        );
    }
}

/// A service in exact mode whose tasks come and go every way they can: a rolling deployment
/// (old tasks drain for 60 s), a revision whose tasks fail their health checks a third of the
/// time (replaced, never healthy), Fargate Spot interruptions (a task stops after its two-minute
/// warning) and scaling on CPU.
const CHURN: &str = "duration: 3h
traceInterval: 60s
seed: 21
elasticLoadBalancing:
  targetGroups:
    - TargetGroupName: api
      HealthCheckIntervalSeconds: 10
      Attributes:
        - {Key: load_balancing.algorithm.type, Value: least_outstanding_requests}
        - {Key: deregistration_delay.timeout_seconds, Value: \"60\"}
ecs:
  cluster: {clusterName: demo, capacityProviders: [FARGATE, FARGATE_SPOT]}
  taskDefinitions:
    - {family: api, cpu: \"512\", memory: \"1024\", networkMode: awsvpc, requiresCompatibilities: [FARGATE],
       containerDefinitions: [{name: api, image: example/api:1}]}
    - {family: api, cpu: \"512\", memory: \"1024\", networkMode: awsvpc, requiresCompatibilities: [FARGATE],
       containerDefinitions: [{name: api, image: example/api:2}]}
  services:
    - serviceName: api
      taskDefinition: api:1
      desiredCount: 6
      capacityProviderStrategy: [{capacityProvider: FARGATE_SPOT, weight: 1}]
      loadBalancers: [{targetGroupArn: api, containerName: api, containerPort: 8080}]
applicationAutoScaling:
  scalableTargets:
    - {ServiceNamespace: ecs, ResourceId: service/demo/api, ScalableDimension: \"ecs:service:DesiredCount\", MinCapacity: 3, MaxCapacity: 20}
  scalingPolicies:
    - PolicyName: cpu50
      ServiceNamespace: ecs
      ResourceId: service/demo/api
      ScalableDimension: ecs:service:DesiredCount
      PolicyType: TargetTrackingScaling
      TargetTrackingScalingPolicyConfiguration:
        TargetValue: 50
        PredefinedMetricSpecification: {PredefinedMetricType: ECSServiceAverageCPUUtilization}
behavior:
  latency: {timeout: 20s}
  taskDefinitions:
    api:
      serviceTime: {distribution: lognormal, median: 60ms, p95: 200ms}
      concurrency: 8
    api:2:
      healthCheckFailureProbability: 0.33
  fargateSpot: {interruptionsPerTaskHour: 0.5}
load:
  api:
    requestsPerSecond: [{constant: 300}, {step: {at: 1h, rps: 300}}]
    model: requests
events:
  - at: 30m
    updateService: {service: api, taskDefinition: api:2}
";

#[test]
fn requests_go_only_to_healthy_tasks_and_draining_tasks_finish_theirs() {
    let loaded = load_text("churn.yaml", CHURN).unwrap_or_else(|e| panic!("{e}"));
    let spec = &loaded.spec;
    let mut sink =
        CsvSink::new(RunFiles::in_memory(), spec.start_epoch_ms, SummaryBuilder::new(spec)).expect("headers");
    // Invariants after every event; the engine itself asserts, at every stretch, that each task
    // a request was routed to was RUNNING and healthy throughout.
    let mut simulation = Simulation::new(spec, &mut sink, true).expect("builds");
    let mut draining_seen = false;
    while simulation.step().expect("steps") {
        let totals = simulation.exact_requests("api").expect("api is in exact mode");
        draining_seen |= totals.served_while_draining > 0;
    }
    let totals = simulation.exact_requests("api").expect("api is in exact mode");
    assert_eq!(simulation.exact_requests("nope"), None);
    simulation.finish().expect("finishes");
    let (files, _) = sink.into_inner().expect("flush");
    let tasks = String::from_utf8(files.tasks.expect("written")).expect("utf-8");
    let reasons = column(&tasks, "stop_reason", None);
    for reason in ["Scaling activity", "Deployment", "health checks", "Spot"] {
        assert!(
            reasons.iter().any(|r| r.contains(reason)),
            "no task stopped for `{reason}`: {reasons:?}"
        );
    }
    // Draining tasks finished requests they held; every request is accounted for.
    assert!(draining_seen && totals.served_while_draining > 0, "{totals:?}");
    assert!(totals.arrived > 4_000_000, "{totals:?}");
    let out = totals.served + totals.timed_out + totals.failed;
    assert!(out <= totals.arrived && totals.arrived - out < 10_000, "{totals:?}");
}

#[test]
fn the_same_seed_gives_the_same_bytes_and_another_seed_other_requests() {
    let path = root().join("scenarios/requests-routing-slow-task.yaml");
    let short = [("duration", "6m")];
    let a = run_to_strings(&load_file(&path, &short).expect("loads"));
    let b = run_to_strings(&load_file(&path, &short).expect("loads"));
    assert_eq!(a.services, b.services);
    assert_eq!(a.summary, b.summary);
    let c = run_to_strings(&load_file(&path, &[("duration", "6m"), ("seed", "12")]).expect("loads"));
    assert_ne!(a.services, c.services, "the arrivals come from the seed");
}

/// The rendered error of loading `yaml`, which must fail.
#[track_caller]
fn error_of(yaml: &str) -> String {
    match load_text("bad.yaml", yaml) {
        Ok(_) => panic!("the scenario loaded, but it should fail"),
        Err(e) => e.rendered,
    }
}

#[test]
fn a_wrong_model_is_an_error_with_a_suggestion() {
    let yaml = one_task(1, 10, 5.0, "1h", "60s").replace("model: requests", "model: request");
    let e = error_of(&yaml);
    assert!(e.contains("bad.yaml:18:12"), "{e}");
    assert!(e.contains("field: load.api.model"), "{e}");
    assert!(e.contains("`request` is not a valid value"), "{e}");
    assert!(e.contains("did you mean `requests`?"), "{e}");
}

#[test]
fn exact_mode_without_a_service_time_is_an_error() {
    let yaml = one_task(1, 10, 5.0, "1h", "60s").replace(
        "api: {serviceTime: {distribution: exponential, mean: 10ms}, concurrency: 1, idleCpuPercent: 0}",
        "api: {idleCpuPercent: 0}",
    );
    let e = error_of(&yaml);
    assert!(e.contains("field: load.api.model"), "{e}");
    assert!(
        e.contains("service `api` simulates every request, but its task definition `api` has no serviceTime"),
        "{e}"
    );
    assert!(e.contains("add behavior.taskDefinitions.api.serviceTime"), "{e}");
}

#[test]
fn exact_mode_beyond_a_million_requests_a_second_is_an_error() {
    let yaml = one_task(1, 10, 5.0, "1h", "60s").replace(
        "[{constant: 5}]",
        "[{constant: 5}, {spike: {at: 30m, duration: 1m, add: 2000000}}]",
    );
    let e = error_of(&yaml);
    assert!(e.contains("field: load.api.model"), "{e}");
    assert!(
        e.contains("its demand reaches 2000005 requests per second, above the 1000000 exact mode allows"),
        "{e}"
    );
    assert!(e.contains("use `model: estimate`"), "{e}");
}

#[test]
fn routing_attributes_are_checked_as_alb_checks_them() {
    let with = |attributes: &str| {
        CHURN.replace(
            "        - {Key: load_balancing.algorithm.type, Value: least_outstanding_requests}\n",
            attributes,
        )
    };
    let e = error_of(&with(
        "        - {Key: load_balancing.algorithm.type, Value: least_outstanding}\n",
    ));
    assert!(
        e.contains("`least_outstanding` is not a load_balancing.algorithm.type"),
        "{e}"
    );
    assert!(e.contains("did you mean `least_outstanding_requests`?"), "{e}");
    assert!(
        e.contains("field: elasticLoadBalancing.targetGroups[0].Attributes[0].Value"),
        "{e}"
    );
    let e = error_of(&with(
        "        - {Key: load_balancing.algorithm.type, Value: least_outstanding_requests}\n        - {Key: slow_start.duration_seconds, Value: \"60\"}\n",
    ));
    assert!(
        e.contains("slow start cannot be combined with least_outstanding_requests"),
        "{e}"
    );
    let e = error_of(&with("        - {Key: slow_start.duration_seconds, Value: \"10\"}\n"));
    assert!(e.contains("from 30 to 900"), "{e}");
    let e = error_of(&with(
        "        - {Key: load_balancing.algorithm.type, Value: weighted_random}\n",
    ));
    assert!(e.contains("field: load.api.model"), "{e}");
    assert!(
        e.contains("weighted_random, which the request simulation does not model"),
        "{e}"
    );
    // Round robin with slow start is what ALB allows.
    load_text(
        "ok.yaml",
        &with("        - {Key: slow_start.duration_seconds, Value: \"60\"}\n"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn a_target_group_attribute_not_modelled_is_listed_as_ignored() {
    let path = crate::support::root().join("scenarios/requests-routing-slow-task.yaml");
    let text = std::fs::read_to_string(&path).expect("scenario");
    let line = "        - {Key: deregistration_delay.timeout_seconds, Value: \"1800\"}\n";
    assert!(text.contains(line));
    let with_stickiness = text.replacen(
        line,
        &format!("{line}        - {{Key: stickiness.enabled, Value: \"false\"}}\n"),
        1,
    );
    let loaded = crate::support::load_text("sticky.yaml", &with_stickiness).expect("loads");
    assert!(
        loaded
            .spec
            .ignored_fields
            .contains(&"elasticLoadBalancing.targetGroups[0].Attributes[2][Key=stickiness.enabled]".to_string()),
        "{:?}",
        loaded.spec.ignored_fields
    );
}
