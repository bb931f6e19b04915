//! The resource budget (issue 16, finding 7): a run is estimated before it starts and refused,
//! exit 2, with the estimate, the limit and the flag that raises it; every shipped scenario and
//! benchmark fits the defaults; `check` and `sweep` apply it too; and loading thousands of
//! services stays linear (no wall-clock limit here: the sizes are small, the paths are the ones
//! that were quadratic).

use std::fs;
use std::path::Path;

use ecsim::spec::budget::{Budget, Estimate, Resource, TraceCost};

use crate::support::{TempDir, ecsim, load_file, load_text, root};

/// A one-service Fargate scenario of `duration` traced every `trace_interval`, plus `extra`.
fn fargate(duration: &str, trace_interval: &str, extra: &str) -> String {
    format!(
        "name: budget\nduration: {duration}\ntraceInterval: {trace_interval}\n\
ecs:\n  cluster: {{clusterName: c, capacityProviders: [FARGATE]}}\n  taskDefinitions:\n    - {{family: web, cpu: '256', memory: '512', networkMode: awsvpc, requiresCompatibilities: [FARGATE], containerDefinitions: [{{name: app, image: web}}]}}\n  services:\n    - {{serviceName: web, taskDefinition: web, desiredCount: 1, launchType: FARGATE}}\n{extra}"
    )
}

fn output_of(args: &[&str]) -> (Option<i32>, String) {
    let out = ecsim(args);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), text)
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    fs::write(&path, text).expect("scenario");
    path.display().to_string()
}

#[test]
fn every_shipped_scenario_and_benchmark_fits_the_default_budget() {
    let mut files = crate::support::scenario_files();
    for entry in fs::read_dir(root().join("benches/scenarios")).expect("benches") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "yaml") {
            files.push(path);
        }
    }
    let all = TraceCost {
        traces: true,
        alarm_evaluations: true,
    };
    for path in files {
        let loaded = load_file(&path, &[]).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if let Err(e) = Budget::default().check(&loaded.spec, all) {
            panic!("{}: {e}", path.display());
        }
    }
}

#[test]
fn a_century_traced_every_second_is_refused_before_running() {
    let tmp = TempDir::new("budget-century");
    let path = write(&tmp.0, "century.yaml", &fargate("36500d", "1s", ""));
    let out = tmp.0.join("out");
    let (code, text) = output_of(&["run", &path, "--out", out.to_str().expect("utf-8")]);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("exceeds the resource budget"), "{text}");
    assert!(
        text.contains("an estimated 6,307,200,002 trace rows") && text.contains("over the limit of 10,000,000"),
        "{text}"
    );
    assert!(text.contains("--budget rows=N"), "{text}");
    assert!(!out.exists(), "nothing written");
    assert!(
        fs::read_dir(&tmp.0).expect("dir").count() == 1,
        "no staging directory or lock left behind"
    );

    // The same refusal in `check` (whose traces live in memory) and for each run of a sweep.
    let (code, text) = output_of(&["check", &path]);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("--budget rows=N"), "{text}");
    let short = write(&tmp.0, "short.yaml", &fargate("1h", "1s", ""));
    let sweep_out = tmp.0.join("sweep");
    let (code, text) = output_of(&[
        "sweep",
        &short,
        "--vary",
        "duration=1h,36500d",
        "--out",
        sweep_out.to_str().expect("utf-8"),
        "--budget",
        "events=1M",
    ]);
    assert_eq!(code, Some(2), "{text}");
    assert!(
        text.contains("combination 2 of 2") && text.contains("--budget events=N"),
        "{text}"
    );
}

#[test]
fn the_longest_duration_the_format_can_write_is_refused_by_validation() {
    // 2^64 ms is 584 million years.
    let err = load_text("long.yaml", &fargate("213503982334d", "1d", "")).expect_err("too long");
    assert!(err.to_string().contains("1,000 years"), "{err}");
    let err = load_text("long.yaml", &fargate("365001d", "1d", "")).expect_err("too long");
    assert!(err.to_string().contains("duration 365001d"), "{err}");
}

#[test]
fn a_cron_every_minute_for_a_century_is_refused_by_its_firings() {
    let extra = "applicationAutoScaling:\n  scalableTargets:\n    - {ServiceNamespace: ecs, ResourceId: service/c/web, \
ScalableDimension: 'ecs:service:DesiredCount', MinCapacity: 1, MaxCapacity: 4}\n  scheduledActions:\n    - \
{ScheduledActionName: every-minute, ServiceNamespace: ecs, ResourceId: service/c/web, ScalableDimension: \
'ecs:service:DesiredCount', Schedule: 'cron(* * * * ? *)', ScalableTargetAction: {MinCapacity: 1}}\n";
    let loaded = load_text("cron.yaml", &fargate("36500d", "1d", extra)).expect("valid");
    let estimate = Estimate::of_spec(&loaded.spec, TraceCost::TRACES);
    // 52,560,000 minutes in 36,500 days: counted one by one up to 10,000, extrapolated beyond.
    assert!(
        (52_000_000..=53_000_000).contains(&estimate.firings),
        "{}",
        estimate.firings
    );
    let over = Budget::default().exceeded(&estimate);
    assert_eq!(
        over.iter().map(|e| e.resource).collect::<Vec<_>>(),
        [Resource::Firings],
        "only the firings are over: {over:?}"
    );
    assert!(over[0].to_string().contains("--budget firings=N"), "{}", over[0]);
    // A short run of the same schedule is counted exactly: every minute from 0 to 1d inclusive.
    let loaded = load_text("cron.yaml", &fargate("1d", "1h", extra)).expect("valid");
    assert_eq!(Estimate::of_spec(&loaded.spec, TraceCost::TRACES).firings, 1441);
}

#[test]
fn budget_flags_lower_and_raise_limits_and_cap_the_run_events() {
    let scenario = "scenarios/web-fargate.yaml";
    let tmp = TempDir::new("budget-flags");
    let out = tmp.0.join("out");
    let out = out.to_str().expect("utf-8");
    let (code, text) = output_of(&["run", scenario, "--out", out, "--no-charts", "--budget", "services=0"]);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("services: an estimated 1 services"), "{text}");
    // The events limit also stops the run itself, like behavior.maxEvents: the estimate (722
    // events) fits, the run (731) does not.
    let (code, text) = output_of(&["run", scenario, "--out", out, "--no-charts", "--budget", "events=725"]);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("the run stopped after"), "{text}");
    let (code, text) = output_of(&["run", scenario, "--out", out, "--no-charts", "--budget", "rows=2k"]);
    assert_eq!(code, Some(0), "{text}");
    let (code, text) = output_of(&["run", scenario, "--out", out, "--budget", "memory=1G"]);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("expected one of"), "{text}");
}

/// A scenario of `n` Fargate services, each with its own load entry, scalable target and
/// target tracking policy, as `benches/scale.py services N` writes it.
fn many_services(n: usize) -> String {
    let mut s = String::from(
        "name: many\nduration: 3m\necs:\n  cluster: {clusterName: c, capacityProviders: [FARGATE]}\n  taskDefinitions:\n    - {family: web, cpu: '256', memory: '512', networkMode: awsvpc, requiresCompatibilities: [FARGATE], containerDefinitions: [{name: app, image: web}]}\n  services:\n",
    );
    for i in 0..n {
        s += &format!("    - {{serviceName: s{i}, taskDefinition: web, desiredCount: 1, launchType: FARGATE}}\n");
    }
    s += "applicationAutoScaling:\n  scalableTargets:\n";
    for i in 0..n {
        s += &format!(
            "    - {{ServiceNamespace: ecs, ResourceId: service/c/s{i}, ScalableDimension: 'ecs:service:DesiredCount', MinCapacity: 1, MaxCapacity: 3}}\n"
        );
    }
    s += "  scalingPolicies:\n";
    for i in 0..n {
        s += &format!(
            "    - {{PolicyName: p{i}, ServiceNamespace: ecs, ResourceId: service/c/s{i}, ScalableDimension: 'ecs:service:DesiredCount', \
PolicyType: TargetTrackingScaling, TargetTrackingScalingPolicyConfiguration: {{TargetValue: 60, \
PredefinedMetricSpecification: {{PredefinedMetricType: ECSServiceAverageCPUUtilization}}}}}}\n"
        );
    }
    s += "load:\n";
    for i in 0..n {
        s += &format!("  s{i}: {{requestsPerSecond: [{{constant: 10}}]}}\n");
    }
    s
}

#[test]
fn thousands_of_services_load_and_run_and_a_duplicate_among_them_is_found() {
    let loaded = load_text("many.yaml", &many_services(1000)).expect("valid");
    assert_eq!(loaded.spec.services.len(), 1000);
    assert_eq!(loaded.spec.auto_scaling.scaling_policies.len(), 1000);
    assert!(loaded.spec.services.iter().all(|s| s.load.is_some()));
    // Run (with the invariants checked after every event) at a size the debug build runs quickly.
    let small = load_text("many.yaml", &many_services(200)).expect("valid");
    let out = crate::support::run_to_strings(&small);
    assert!(out.summary.contains("\"s199\""));

    // The duplicate-key check and the duplicate service check, now lookups, still find them.
    let text = many_services(1000) + "  s7: {requestsPerSecond: [{constant: 1}]}\n";
    let err = load_text("dup.yaml", &text).expect_err("duplicate key");
    assert!(err.to_string().contains("duplicate key `s7`"), "{err}");
    let text = many_services(3).replace("serviceName: s2,", "serviceName: s0,");
    let err = load_text("dup.yaml", &text).expect_err("duplicate service");
    assert!(err.to_string().contains("service `s0` is defined twice"), "{err}");
}

/// The files of a directory (not below), by name, with their bytes.
fn files_of(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = fs::read_dir(dir)
        .expect("directory")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_file())
        .map(|p| {
            let bytes = fs::read(&p).expect("file");
            (p.file_name().expect("name").to_string_lossy().into_owned(), bytes)
        })
        .collect();
    files.sort();
    files
}

#[test]
fn output_bytes_are_counted_as_they_are_written_and_stop_the_run_past_the_budget() {
    // Estimated at 86,640 bytes (its rows); with one events.csv row per task transition it writes
    // about 160,000, which only counting the bytes written can see.
    let scenario = "scenarios/alb-requests-per-target.yaml";
    let dir = TempDir::new("byte-budget");
    let out = dir.0.join("run");
    let out_arg = out.display().to_string();
    let (code, text) = output_of(&["run", scenario, "--out", &out_arg, "--no-charts"]);
    assert_eq!(code, Some(0), "{text}");
    let previous = files_of(&out);
    let (code, text) = output_of(&[
        "run",
        scenario,
        "--out",
        &out_arg,
        "--no-charts",
        "--task-events",
        "--seed",
        "9",
        "--budget",
        "bytes=100k",
    ]);
    assert_eq!(code, Some(2), "{text}");
    let stopped = text.lines().find(|l| l.starts_with("error: ")).expect("an error line");
    let written: u64 = stopped
        .split("its traces reached ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .map(|n| n.replace(',', ""))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("the bytes written: {stopped}"));
    assert!((90_000..=100_000).contains(&written), "{stopped}");
    for part in [
        "the run was stopped",
        "the resource budget of 100,000 bytes of traces",
        "raise the limit with --budget bytes=N",
        "nothing was written",
    ] {
        assert!(stopped.contains(part), "`{part}` in {stopped}");
    }
    assert_eq!(files_of(&out), previous, "the previous run is left whole");
    let mut names: Vec<String> = fs::read_dir(&dir.0)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["run"], "no staging directory, partial file or lock left");
    // Raised, the same run completes; `check` counts the traces it makes the same way.
    let (code, text) = output_of(&[
        "run",
        scenario,
        "--out",
        &out_arg,
        "--no-charts",
        "--task-events",
        "--budget",
        "bytes=1M",
    ]);
    assert_eq!(code, Some(0), "{text}");
    let (code, text) = output_of(&[
        "check",
        scenario,
        "--set",
        "behavior.taskEvents=true",
        "--budget",
        "bytes=100k",
    ]);
    assert_eq!(code, Some(2), "{text}");
    assert!(
        text.contains("the resource budget of 100,000 bytes of traces") && text.contains("--budget bytes=N"),
        "{text}"
    );
}

/// A Fargate cluster whose rule `on-upload` runs `task_count` tasks for each of `events_per_second`
/// synthetic uploads (evenly spaced) over `duration`.
fn uploads(duration: &str, events_per_second: &str, task_count: u32) -> String {
    format!(
        r#"name: uploads
duration: {duration}
ecs:
  cluster: {{clusterName: demo, capacityProviders: [FARGATE]}}
  taskDefinitions:
    - {{family: thumb, cpu: "256", memory: "512", networkMode: awsvpc, requiresCompatibilities: [FARGATE],
       containerDefinitions: [{{name: app, image: example/thumb:9, essential: true}}]}}
eventBridge:
  rules:
    - Name: on-upload
      EventPattern: {{source: [aws.s3], detail-type: [Object Created]}}
      Targets:
        - Id: thumbnails
          Arn: arn:aws:ecs:us-east-1:123456789012:cluster/demo
          EcsParameters: {{TaskDefinitionArn: "thumb:1", TaskCount: {task_count}, LaunchType: FARGATE}}
behavior:
  taskDefinitions:
    thumb: {{runTime: {{distribution: constant, value: 40s}}}}
load:
  on-upload: {{eventsPerSecond: [{{constant: {events_per_second}}}]}}
"#
    )
}

#[test]
fn a_rule_starting_a_huge_number_of_tasks_is_refused_before_running() {
    // One upload a second for a day, ten tasks each: 86,400 RunTask calls, 864,000 tasks.
    let text = uploads("1d", "1", 10);
    let loaded = load_text("uploads.yaml", &text).expect("loads");
    let estimate = Estimate::of_spec(&loaded.spec, TraceCost::TRACES);
    assert_eq!(estimate.jobs, 864_000);
    let over = Budget::default().exceeded(&estimate);
    assert_eq!(over.iter().map(|e| e.resource).collect::<Vec<_>>(), [Resource::Jobs]);
    let tmp = TempDir::new("budget-jobs");
    let path = write(&tmp.0, "uploads.yaml", &text);
    let out_dir = tmp.0.join("out");
    let (code, text_out) = output_of(&["run", &path, "--out", out_dir.to_str().expect("utf-8")]);
    assert_eq!(code, Some(2), "{text_out}");
    assert!(
        text_out.contains(
            "jobs: an estimated 864,000 standalone tasks (86,400 RunTask calls over 1d, 86,400 of them by \
             EventBridge schedules and rules, up to 10 tasks each), over the limit of 500,000; raise it with \
             --budget jobs=N"
        ),
        "{text_out}"
    );
    assert!(!out_dir.exists(), "nothing was created");
    // The same jobs count in the events, rows and bytes: a tighter limit on any of them refuses
    // the run by that resource, with the jobs.csv rows in the count.
    let (code, text_out) = output_of(&[
        "run",
        &path,
        "--budget",
        "jobs=1M",
        "--budget",
        "rows=500k",
        "--no-charts",
    ]);
    assert_eq!(code, Some(2), "{text_out}");
    assert!(
        text_out.contains("rows: an estimated 866,882 trace rows")
            && text_out.contains("plus a jobs.csv row per standalone task (864,000) and a jobs-trace.csv row per tick"),
        "{text_out}"
    );
    assert!(
        estimate.events >= 86_400 + 1441,
        "a RunTask call an event: {}",
        estimate.events
    );
    assert!(estimate.bytes >= 864_000 * 90, "{}", estimate.bytes);
}

#[test]
fn run_task_events_count_toward_the_estimate() {
    let text = fargate(
        "1h",
        "60s",
        "events:\n  - {at: 10m, runTask: {taskDefinition: web, count: 10, launchType: FARGATE}}\n  \
         - {at: 20m, runTask: {taskDefinition: web, count: 5, capacityProviderStrategy: [{capacityProvider: FARGATE, weight: 1}]}}\n",
    );
    let loaded = load_text("run-tasks.yaml", &text).expect("loads");
    let with_jobs = Estimate::of_spec(&loaded.spec, TraceCost::TRACES);
    let without = Estimate::of_spec(
        &load_text("plain.yaml", &fargate("1h", "60s", "")).expect("loads").spec,
        TraceCost::TRACES,
    );
    // Two calls, 15 tasks, the 5 of a capacity provider strategy may wait.
    assert_eq!(with_jobs.jobs, 15);
    assert_eq!(
        with_jobs.events - without.events,
        2 + 5,
        "an event per call, a timer per task that may wait"
    );
    assert_eq!(
        with_jobs.rows - without.rows,
        15 + 61,
        "a jobs.csv row per task, a jobs-trace.csv row per tick"
    );
    assert_eq!(with_jobs.bytes - without.bytes, 15 * 90 + 61 * 35);
    let mut budget = Budget::default();
    budget.set(Resource::Jobs, 14);
    let refused = budget.check(&loaded.spec, TraceCost::TRACES).expect_err("15 > 14");
    assert!(
        refused.contains("jobs: an estimated 15 standalone tasks (2 RunTask calls over 1h, 0 of them by EventBridge"),
        "{refused}"
    );
}
