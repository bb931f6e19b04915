//! Replayed request arrivals in exact mode (issue 14, `load.<service>.arrivals: {file}`): the
//! recorded requests, and only they, arrive at their times; the demand column counts them; bad
//! files and settings fail with their file, line and field.

use ecsim::scenario;

use crate::support::{DirLoader, column, ecsim, load_text, root, run_to_strings};

/// One task of one slot serving in exactly 100 ms, from 14:00:00Z for 2 minutes, fed by
/// `arrivals` (the `load.api` entry's extra fields).
fn scenario_text(arrivals: &str) -> String {
    format!(
        "duration: 2m
start: 2026-03-02T14:00:00Z
traceInterval: 60s
seed: 5
ecs:
  cluster: {{clusterName: demo, capacityProviders: [FARGATE]}}
  taskDefinitions:
    - {{family: api, cpu: \"512\", memory: \"1024\", networkMode: awsvpc, requiresCompatibilities: [FARGATE],
       containerDefinitions: [{{name: api, image: example/api}}]}}
  services:
    - {{serviceName: api, taskDefinition: api, desiredCount: 1, launchType: FARGATE}}
behavior:
  taskDefinitions:
    api: {{serviceTime: {{distribution: constant, value: 100ms}}, concurrency: 1, idleCpuPercent: 0}}
load:
  api:
    model: requests
{arrivals}"
    )
}

fn numbers(values: &[String]) -> Vec<f64> {
    values.iter().map(|v| v.parse().expect("a number")).collect()
}

#[test]
fn recorded_alb_request_times_arrive_in_order_of_time_and_only_within_the_run() {
    let text = scenario_text("    arrivals: {file: arrivals/alb-request-times.txt}\n");
    let loaded = scenario::load("replayed.yaml", &text, &DirLoader(root().join("tests/fixtures")), &[])
        .expect("the scenario loads");
    let out = run_to_strings(&loaded);
    // 22 rows: 2 before the start and 2 at or after its end are dropped; 12 arrive in the first
    // minute, 6 in the second.
    assert_eq!(numbers(&column(&out.services, "demand_rps", None)), [0.2, 0.1]);
    // The request at 14:00:59.9995 is answered 100 ms later, in the second minute.
    let served = numbers(&column(&out.services, "served_rps", None));
    assert_eq!(served.len(), 2);
    assert!((served[0] - 11.0 / 60.0).abs() < 1e-3, "{served:?}");
    assert!((served[1] - 7.0 / 60.0).abs() < 1e-3, "{served:?}");
    // Sorted, 14:00:10.000 comes before 14:00:10.050 (written after it), which waits 50 ms for
    // the one slot: the minute's mean wait is 50 ms over 12 requests. The other requests wait
    // nothing, so the percentiles (rank q(n - 1) of 11 answers) are the 100 ms service time,
    // within the sketch's 1 %.
    let waits = numbers(&column(&out.services, "queue_wait_ms_mean", None));
    assert!((waits[0] - 50.0 / 12.0).abs() < 1e-3, "{waits:?}");
    assert_eq!(waits[1], 0.0);
    for p99 in numbers(&column(&out.services, "latency_p99_ms", None)) {
        assert!((p99 - 100.0).abs() <= 1.0, "{p99}");
    }
    let json: serde_json::Value = serde_json::from_str(&out.summary).expect("json");
    let api = &json["services"][0];
    assert_eq!(api["served_requests"].as_f64(), Some(18.0));
    assert_eq!(api["unserved_requests"].as_f64(), Some(0.0));
}

#[test]
fn the_same_arrivals_give_the_same_bytes_whatever_the_seed() {
    // Replayed arrivals and a constant service time draw nothing: the seed changes nothing.
    let run = |seed: &str| {
        let text = scenario_text("    arrivals: {file: arrivals/alb-request-times.txt}\n").replace("seed: 5", seed);
        let loaded = scenario::load("replayed.yaml", &text, &DirLoader(root().join("tests/fixtures")), &[])
            .expect("the scenario loads");
        run_to_strings(&loaded).services
    };
    assert_eq!(run("seed: 5"), run("seed: 6"));
}

#[test]
fn a_bad_row_names_the_file_and_line_through_the_cli() {
    let dir = crate::support::TempDir::new("replayed-arrivals-bad-row");
    let yaml = dir.0.join("bad.yaml");
    std::fs::write(&yaml, scenario_text("    arrivals: {file: times.txt}\n")).expect("write");
    std::fs::write(dir.0.join("times.txt"), "seconds\n1.5\n2\nsoon\n").expect("write");
    let out = ecsim(&["validate", yaml.to_str().expect("utf-8")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("times.txt:4:1"), "{stderr}");
    assert!(stderr.contains("line 4: `soon` is not a timestamp"), "{stderr}");
    assert!(stderr.contains("field: load.api.arrivals.file"), "{stderr}");
}

#[test]
fn arrivals_all_outside_the_run_point_at_start_and_duration() {
    let dir = crate::support::TempDir::new("replayed-arrivals-elsewhen");
    let yaml = dir.0.join("bad.yaml");
    std::fs::write(&yaml, scenario_text("    arrivals: {file: times.txt}\n")).expect("write");
    // A day before the scenario's start.
    std::fs::write(dir.0.join("times.txt"), "2026-03-01T14:00:00Z\n").expect("write");
    let out = ecsim(&["validate", yaml.to_str().expect("utf-8")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("none of the arrivals falls within the run (the first 120000 ms from its start)"),
        "{stderr}"
    );
    assert!(stderr.contains("bad.yaml:"), "{stderr}");
    assert!(stderr.contains("check both"), "{stderr}");
}

#[test]
fn a_file_outside_the_scenarios_folder_is_refused() {
    let dir = crate::support::TempDir::new("replayed-arrivals-outside");
    let inner = dir.0.join("scenario");
    std::fs::create_dir_all(&inner).expect("dir");
    std::fs::write(dir.0.join("times.txt"), "1\n").expect("write");
    let yaml = inner.join("s.yaml");
    std::fs::write(&yaml, scenario_text("    arrivals: {file: ../times.txt}\n")).expect("write");
    let out = ecsim(&["validate", yaml.to_str().expect("utf-8")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("outside the scenario's folder"), "{stderr}");
}

#[track_caller]
fn refused(load_entry: &str, message: &str, help: &str) {
    let text = scenario_text(load_entry);
    let error = match load_text("bad.yaml", &text) {
        Ok(_) => panic!("loaded, but should fail with {message}"),
        Err(e) => e.rendered,
    };
    assert!(error.contains(message), "{error}");
    assert!(error.contains(help), "{error}");
}

#[test]
fn arrivals_with_shapes_noise_or_without_exact_mode_are_refused() {
    refused(
        "    arrivals: {file: data/bursty-arrivals.txt}\n    requestsPerSecond: [{constant: 5}]\n",
        "replayed arrivals are the service's demand; the shapes would be ignored",
        "remove requestsPerSecond, or remove arrivals",
    );
    refused(
        "    arrivals: {file: data/bursty-arrivals.txt}\n    noise: poisson\n",
        "replayed arrivals are the service's demand; noise would be ignored",
        "remove noise",
    );
    let estimate =
        scenario_text("    arrivals: {file: data/bursty-arrivals.txt}\n").replace("model: requests", "model: estimate");
    let error = match load_text("bad.yaml", &estimate) {
        Ok(_) => panic!("arrivals in estimate mode loaded"),
        Err(e) => e.rendered,
    };
    assert!(
        error.contains("arrivals are replayed one request at a time, which only the exact mode"),
        "{error}"
    );
    assert!(error.contains("add `model: requests` beside arrivals"), "{error}");
    refused(
        "    arrivals: {file: data/no-such-file.txt}\n",
        "cannot read `data/no-such-file.txt`",
        "field: load.api.arrivals.file",
    );
}
