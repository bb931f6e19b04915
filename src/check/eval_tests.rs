//! Evaluating `expect:` lines over a synthetic run: aggregates, windows, figures and their messages.

use super::*;
use crate::check::figures::EVENT_KINDS;
use crate::check::parse_expectation;
use crate::trace::EventKind;

const SERVICES: &str = "\
time_s,timestamp,service,desired,running,cpu_utilization,unserved_rps
60,t,web,4,2,10,0
60,t,worker,1,1,1,0
120,t,web,4,3,20,5
180,t,web,4,4,30,0
180,t,api,1,1,5,0
240,t,web,4,4,40,0
300,t,web,6,5,50,0
360,t,web,6,6,60.5,1
360,t,api,2,2,7,0
";
const CLUSTER: &str = "\
time_s,timestamp,capacity_provider,instances,capacity_provider_reservation,cost_usd
60,t,cp-m5,2,100,0.2
60,t,FARGATE,0,,0.1
120,t,cp-m5,2,90,0.3
120,t,FARGATE,0,,0.1
180,t,cp-m5,3,80,0.4
180,t,FARGATE,0,,0.1
240,t,cp-m5,3,80,0.4
300,t,cp-m5,3,80,0.45
360,t,cp-m5,3,80,0.5
";
const EVENTS: &str = "\
time_s,timestamp,kind,subject,message
0,t,steady_state,web,(service web) has reached a steady state.
50,t,scaling_activity,web,\"web: 4 -> 6, for a reason\"
100,t,deployment_started,web,started
130,t,fault,cluster,an AZ fails
150,t,steady_state,web,again
190.5,t,steady_state,api,api steady
200,t,deployment_completed,web,completed
250,t,scaling_activity,web,another
300,t,deployment_started,api,started
";
const SUMMARY: &str = r#"{
  "simulated_seconds": 360.0, "cost_usd": 0.75, "tasks_started": 8, "placement_failures": 2,
  "services": [{"service": "web", "unserved_requests": 360.0, "demand_requests": 3600.0, "unserved_fraction": 0.1,
            "task_hours": 1.5},
           {"service": "api", "unserved_requests": 0.0, "demand_requests": 400.0, "task_hours": 0.5},
           {"service": "worker", "unserved_requests": 0.0}],
  "capacity_providers": [{"capacity_provider": "cp-m5", "cost_usd": 0.5, "task_hours": 1.5, "instance_hours": 0.3},
                     {"capacity_provider": "FARGATE", "cost_usd": 0.25, "task_hours": 0.5}]
}"#;

fn run() -> RunTables {
    RunTables::from_texts(SERVICES, CLUSTER, EVENTS, SUMMARY).expect("synthetic run reads")
}

#[track_caller]
fn check(text: &str, passed: bool, message: &str) {
    let expectation = parse_expectation(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
    let verdict = evaluate(&expectation, &run());
    assert_eq!(
        (verdict.passed, verdict.message.as_str()),
        (passed, message),
        "expectation {text:?}"
    );
    // Read keeping only what it needs (its aggregate folded as the rows are read, or its
    // column kept), the run gives the same verdict.
    let needs = crate::check::Needs::of([&expectation]);
    let kept = RunTables::read_texts(&needs, SERVICES, CLUSTER, EVENTS, SUMMARY).expect("synthetic run reads");
    assert_eq!(evaluate(&expectation, &kept), verdict, "{text:?} read for its needs");
}

#[test]
fn each_aggregate_over_every_row() {
    // web.running is 2, 3, 4, 4, 5, 6.
    check("min(web.running) == 2", true, "min(web.running) = 2, expected == 2");
    check("max(web.running) <= 5", false, "max(web.running) = 6, expected <= 5");
    check("mean(web.running) == 4", true, "mean(web.running) = 4, expected == 4");
    check("sum(web.running) == 24", true, "sum(web.running) = 24, expected == 24");
    check("first(web.running) == 2", true, "first(web.running) = 2, expected == 2");
    check("last(web.running) == 6", true, "last(web.running) = 6, expected == 6");
    check("count(web.running) == 6", true, "count(web.running) = 6, expected == 6");
    check("p50(web.running) == 4", true, "p50(web.running) = 4, expected == 4");
    check(
        "mean(web.cpu_utilization) > 35",
        true,
        "mean(web.cpu_utilization) = 35.083333, expected > 35",
    );
    check(
        "max(cp-m5.instances) == 3",
        true,
        "max(cp-m5.instances) = 3, expected == 3",
    );
    check("count(api.running) == 2", true, "count(api.running) = 2, expected == 2");
}

#[track_caller]
fn check_percentile(values: &[f64], p: u8, expected: f64) {
    assert_eq!(nearest_rank(values, p), expected, "p{p} of {values:?}");
}

#[test]
fn percentiles_take_the_nearest_rank() {
    let six = [6.0, 2.0, 4.0, 3.0, 5.0, 4.0];
    check_percentile(&six, 50, 4.0); // rank ceil(3.0) = 3
    check_percentile(&six, 33, 3.0); // rank ceil(1.98) = 2
    check_percentile(&six, 34, 4.0); // rank ceil(2.04) = 3
    check_percentile(&six, 90, 6.0); // rank ceil(5.4) = 6
    check_percentile(&six, 1, 2.0); // rank ceil(0.06) = 1
    let hundred: Vec<f64> = (1..=100).map(f64::from).collect();
    check_percentile(&hundred, 95, 95.0);
    check_percentile(&hundred, 99, 99.0);
    let ten: Vec<f64> = (1..=10).map(f64::from).collect();
    check_percentile(&ten, 95, 10.0);
    check_percentile(&ten, 90, 9.0);
    check_percentile(&[7.0], 99, 7.0);
    check("p90(web.running) == 6", true, "p90(web.running) = 6, expected == 6");
    check("p33(web.running) == 3", true, "p33(web.running) = 3, expected == 3");
}

#[test]
fn each_window_kind_selects_its_rows() {
    check(
        "max(web.running during [1m, 3m]) == 4",
        true,
        "max(web.running during [1m, 3m]) = 4, expected == 4",
    );
    check(
        "count(web.running during [1m, 3m]) == 2",
        true,
        "count(web.running during [1m, 3m]) = 2, expected == 2",
    );
    check(
        "min(web.running after 4m) == 5",
        true,
        "min(web.running after 4m) = 5, expected == 5",
    );
    check(
        "sum(web.running before 2m) == 5",
        true,
        "sum(web.running before 2m) = 5, expected == 5",
    );
    // The first steady state of web is at 0: every row; api's is at 190.5 s: rows ending after it.
    check(
        "count(web.running after steady_state(web)) == 6",
        true,
        "count(web.running after steady_state(web)) = 6, expected == 6",
    );
    check(
        "first(web.running after steady_state(api)) == 4",
        true,
        "first(web.running after steady_state(api)) = 4, expected == 4",
    );
    // web's deployment runs (100 s, 200 s]: the rows ending at 120, 180 and 240 overlap it.
    check(
        "count(web.running during deployment) == 3",
        true,
        "count(web.running during deployment) = 3, expected == 3",
    );
    check(
        "min(web.running during deployment) >= 3",
        true,
        "min(web.running during deployment) = 3, expected >= 3",
    );
    // api's deployment never completes: it runs to the end of the run.
    check(
        "count(web.running during deployment(api)) == 1",
        true,
        "count(web.running during deployment(api)) = 1, expected == 1",
    );
    check(
        "count(api.running during deployment) == 1",
        true,
        "count(api.running during deployment) = 1, expected == 1",
    );
    // A provider column without a service sees every service's deployments.
    check(
        "count(cp-m5.instances during deployment) == 4",
        true,
        "count(cp-m5.instances during deployment) = 4, expected == 4",
    );
}

#[test]
fn tolerances_loosen_the_bound() {
    let mean = "mean(web.cpu_utilization) = 35.083333, expected";
    check(
        "mean(web.cpu_utilization) == 35 +- 0.1",
        true,
        &format!("{mean} == 35 +- 0.1"),
    );
    check(
        "mean(web.cpu_utilization) == 35 +- 0.05",
        false,
        &format!("{mean} == 35 +- 0.05"),
    );
    check(
        "mean(web.cpu_utilization) != 35 +- 0.05",
        true,
        &format!("{mean} != 35 +- 0.05"),
    );
    check(
        "mean(web.cpu_utilization) < 35 +- 0.1",
        true,
        &format!("{mean} < 35 +- 0.1"),
    );
    check(
        "mean(web.cpu_utilization) > 35.1 +- 0.1",
        true,
        &format!("{mean} > 35.1 +- 0.1"),
    );
    check(
        "last(web.running) == 5 +- 1",
        true,
        "last(web.running) = 6, expected == 5 +- 1",
    );
    check(
        "last(web.running) == 4 +- 1",
        false,
        "last(web.running) = 6, expected == 4 +- 1",
    );
    // Float noise does not decide: 0.1 + 0.1 + 0.1 is 0.30000000000000004.
    check(
        "sum(FARGATE.cost_usd) == 0.3",
        true,
        "sum(FARGATE.cost_usd) = 0.3, expected == 0.3",
    );
    check(
        "sum(FARGATE.cost_usd) <= 0.3",
        true,
        "sum(FARGATE.cost_usd) = 0.3, expected <= 0.3",
    );
}

#[test]
fn bounds_can_be_durations_or_measured_values() {
    check(
        "steady_state_s(api) < 3m",
        false,
        "steady_state_s(api) = 190.5, expected < 3m",
    );
    check(
        "steady_state_s(api) == 3m +- 15s",
        true,
        "steady_state_s(api) = 190.5, expected == 3m +- 15s",
    );
    check(
        "last(web.running) == last(web.desired)",
        true,
        "last(web.running) = 6, expected == last(web.desired); last(web.desired) = 6",
    );
    check(
        "max(web.running) < max(web.desired)",
        false,
        "max(web.running) = 6, expected < max(web.desired); max(web.desired) = 6",
    );
}

#[test]
fn summary_figures() {
    check("cost_usd < 1", true, "cost_usd = 0.75, expected < 1");
    check(
        "cost_usd(FARGATE) == 0.25",
        true,
        "cost_usd(FARGATE) = 0.25, expected == 0.25",
    );
    check(
        "unserved_requests == 0",
        false,
        "unserved_requests = 360, expected == 0",
    );
    check(
        "unserved_requests(api) == 0",
        true,
        "unserved_requests(api) = 0, expected == 0",
    );
    check(
        "placement_failures == 0",
        false,
        "placement_failures = 2, expected == 0",
    );
    check("tasks_started >= 8", true, "tasks_started = 8, expected >= 8");
    check(
        "steady_state_s(web) == 0",
        true,
        "steady_state_s(web) = 0, expected == 0",
    );
    check("scaling_activities == 2", true, "scaling_activities = 2, expected == 2");
    check(
        "scaling_activities(api) == 0",
        true,
        "scaling_activities(api) = 0, expected == 0",
    );
    check("deployments == 2", true, "deployments = 2, expected == 2");
    // summary.json's unserved_fraction, task_hours and instance_hours.
    check(
        "unserved_fraction(web) == 0.1",
        true,
        "unserved_fraction(web) = 0.1, expected == 0.1",
    );
    // The run's: 360 of 4,000 requests.
    check(
        "unserved_fraction < 0.1",
        true,
        "unserved_fraction = 0.09, expected < 0.1",
    );
    check("task_hours == 2", true, "task_hours = 2, expected == 2");
    check("task_hours(api) == 0.5", true, "task_hours(api) = 0.5, expected == 0.5");
    check(
        "task_hours(cp-m5) == 1.5",
        true,
        "task_hours(cp-m5) = 1.5, expected == 1.5",
    );
    check("instance_hours == 0.3", true, "instance_hours = 0.3, expected == 0.3");
    check(
        "instance_hours(FARGATE) == 0",
        true,
        "instance_hours(FARGATE) = 0, expected == 0",
    );
    check("deployments(web) == 1", true, "deployments(web) = 1, expected == 1");
    check(
        "deployment_duration_s(web) <= 100s",
        true,
        "deployment_duration_s(web) = 100, expected <= 1m40s",
    );
    check(
        "count_events(fault) == 1",
        true,
        "count_events(fault) = 1, expected == 1",
    );
    check(
        "count_events(steady_state, web) == 2",
        true,
        "count_events(steady_state, web) = 2, expected == 2",
    );
    check(
        "count_events(placement_failure) == 0",
        true,
        "count_events(placement_failure) = 0, expected == 0",
    );
}

#[test]
fn what_cannot_be_measured_fails_with_a_reason() {
    check(
        "max(web.cpu_utilization during [1d, 1d6h]) < 80",
        false,
        "no rows for web.cpu_utilization during [1d, 1d6h]: the run is 6m long",
    );
    check(
        "max(web.running after 6m) < 80",
        false,
        "no rows for web.running after 6m: the run is 6m long",
    );
    check(
        "max(FARGATE.capacity_provider_reservation) < 80",
        false,
        "no values for FARGATE.capacity_provider_reservation: the column is empty in every selected row",
    );
    check(
        "count(FARGATE.capacity_provider_reservation) == 0",
        true,
        "count(FARGATE.capacity_provider_reservation) = 0, expected == 0",
    );
    check(
        "count(web.running during [1d, 2d]) == 0",
        true,
        "count(web.running during [1d, 2d]) = 0, expected == 0",
    );
    check(
        "max(web.runing) < 3",
        false,
        "unknown column `web.runing`; did you mean `web.running`? \
         (services.csv columns of a service: time_s, desired, running, cpu_utilization, unserved_rps)",
    );
    check(
        "max(wbe.running) < 3",
        false,
        "unknown column `wbe.running`: `wbe` is neither a service nor a capacity provider; did you mean \
         `web.running`? (services: api, web, worker; capacity providers: FARGATE, cp-m5)",
    );
    check(
        "max(cp-m5.running) < 3",
        false,
        "unknown column `cp-m5.running` (cluster.csv columns of a capacity provider: time_s, instances, \
         capacity_provider_reservation, cost_usd)",
    );
    check(
        "max(worker.running during deployment) < 3",
        false,
        "no deployment of worker in this run",
    );
    check(
        "max(web.running after steady_state(worker)) < 3",
        false,
        "worker never reached a steady state in this run",
    );
    check(
        "max(web.running after steady_state(wbe)) < 3",
        false,
        "unknown service `wbe`; did you mean `web`? (services: api, web, worker)",
    );
    check(
        "steady_state_s(worker) < 60",
        false,
        "worker never reached a steady state in this run",
    );
    check(
        "deployment_duration_s(worker) < 60",
        false,
        "no deployment of worker in this run",
    );
    check(
        "deployment_duration_s(api) < 60",
        false,
        "the deployment of api started at 5m had not completed when the run ended at 6m",
    );
    check(
        "cost_usd(fargate) < 1",
        false,
        "unknown capacity provider `fargate`; did you mean `FARGATE`? (capacity providers: FARGATE, cp-m5)",
    );
    check(
        "count_events(faults) == 0",
        false,
        "unknown event kind `faults`; did you mean `fault`? (kinds: alarm, az_rebalancing, deployment_completed, deployment_failed, \
         deployment_not_started, deployment_stage, deployment_stalled, deployment_started, deployment_task_failed, fault, \
         fault_recovered, forecast, instance, lifecycle_hook, not_scaled, placement_failure, placement_recovered, \
         predictive_capacity, rollback_started, run, scale_in_blocked, scaling_activity, service_scheduler, \
         service_update, spot_interruption, steady_state, task_start_throttled, task_state, traffic_shifted)",
    );
    check(
        "max(web.running) == max(web.runnin)",
        false,
        "unknown column `web.runnin`; did you mean `web.running`? \
         (services.csv columns of a service: time_s, desired, running, cpu_utilization, unserved_rps)",
    );
}

#[test]
fn the_verdict_carries_the_measured_value() {
    let expectation = parse_expectation("max(web.running) <= 8").expect("parses");
    let verdict = evaluate(&expectation, &run());
    assert_eq!(verdict.measured, Some(6.0));
    let expectation = parse_expectation("max(web.x) <= 8").expect("parses");
    assert_eq!(evaluate(&expectation, &run()).measured, None);
}

#[test]
fn every_event_kind_of_the_trace_is_listed() {
    // Adding an `EventKind` breaks this match: list the new kind in EVENT_KINDS too.
    for kind in EVENT_KINDS {
        match kind {
            EventKind::Run
            | EventKind::ServiceUpdate
            | EventKind::ServiceScheduler
            | EventKind::PlacementFailure
            | EventKind::PlacementRecovered
            | EventKind::SteadyState
            | EventKind::Instance
            | EventKind::Fault
            | EventKind::FaultRecovered
            | EventKind::SpotInterruption
            | EventKind::TaskState
            | EventKind::ScalingActivity
            | EventKind::Alarm
            | EventKind::NotScaled
            | EventKind::DeploymentStarted
            | EventKind::DeploymentNotStarted
            | EventKind::DeploymentCompleted
            | EventKind::DeploymentFailed
            | EventKind::RollbackStarted
            | EventKind::DeploymentStalled
            | EventKind::DeploymentTaskFailed
            | EventKind::DeploymentStage
            | EventKind::TrafficShifted
            | EventKind::LifecycleHook
            | EventKind::TaskStartThrottled
            | EventKind::ScaleInBlocked
            | EventKind::AzRebalancing
            | EventKind::Forecast
            | EventKind::PredictiveCapacity => {}
        }
    }
    assert_eq!(EVENT_KINDS.len(), 29);
}

#[test]
fn interrupted_and_abandoned_jobs_in_all_and_per_trigger() {
    let summary = r#"{
  "simulated_seconds": 360.0,
  "jobs": {"jobs": 5, "attempts": 9, "completed": 4, "interrupted": 3, "abandoned": 1,
           "triggers": [{"kind": "rule", "name": "on-upload", "completed": 3, "interrupted": 3, "abandoned": 1},
                        {"kind": "schedule", "name": "nightly", "completed": 1}]}
}"#;
    let run = RunTables::from_texts(SERVICES, CLUSTER, EVENTS, summary).expect("reads");
    let judge = |text: &str| {
        let verdict = evaluate(&parse_expectation(text).expect("parses"), &run);
        (verdict.passed, verdict.message)
    };
    assert_eq!(
        judge("jobs_interrupted == 3"),
        (true, "jobs.interrupted = 3, expected == 3".to_string())
    );
    assert_eq!(
        judge("jobs_interrupted(nightly) > 0"),
        (false, "jobs.nightly.interrupted = 0, expected > 0".to_string())
    );
    assert_eq!(
        judge("jobs_abandoned(on-upload) == 1"),
        (true, "jobs.on-upload.abandoned = 1, expected == 1".to_string())
    );
    assert_eq!(
        judge("jobs_abandoned <= 0"),
        (false, "jobs.abandoned = 1, expected <= 0".to_string())
    );
    let (passed, message) = judge("jobs_interrupted(on-uplod) == 3");
    assert!(!passed);
    assert!(message.contains("did you mean `on-upload`?"), "{message}");
}

/// `SUMMARY` with a `jobs` block: a nightly schedule and an upload rule.
const SUMMARY_WITH_JOBS: &str = r#"{
  "simulated_seconds": 360.0, "cost_usd": 0.75, "services": [], "capacity_providers": [],
  "jobs": {"jobs": 12, "attempts": 13, "completed": 11, "failed": 2, "wait_p50_s": 40.5, "wait_p95_s": 310.0,
           "cost_usd": 0.6, "cost_per_job_usd": 0.05,
           "triggers": [{"kind": "schedule", "name": "nightly", "firings": 1, "jobs": 10, "completed": 9, "failed": 1,
                         "makespan_s": 5400.0},
                        {"kind": "rule", "name": "on-upload", "firings": 2, "jobs": 2, "completed": 2, "failed": 1,
                         "makespan_s": 7200.5}]}
}"#;

#[track_caller]
fn check_jobs(text: &str, passed: bool, message: &str) {
    let expectation = parse_expectation(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
    let run = RunTables::from_texts(SERVICES, CLUSTER, EVENTS, SUMMARY_WITH_JOBS).expect("reads");
    let verdict = evaluate(&expectation, &run);
    assert_eq!(
        (verdict.passed, verdict.message.as_str()),
        (passed, message),
        "expectation {text:?}"
    );
}

#[test]
fn standalone_task_figures_come_from_the_jobs_block() {
    check_jobs(
        "jobs.nightly.makespan_s < 4h",
        true,
        "jobs.nightly.makespan_s = 5400, expected < 4h",
    );
    check_jobs(
        "jobs.nightly.makespan_s < 1h",
        false,
        "jobs.nightly.makespan_s = 5400, expected < 1h",
    );
    // Without a trigger: the longest batch of any trigger.
    check_jobs(
        "jobs.makespan_s <= 2h",
        false,
        "jobs.makespan_s = 7200.5, expected <= 2h",
    );
    check_jobs(
        "p95(jobs.wait_s) < 300",
        false,
        "p95(jobs.wait_s) = 310, expected < 300",
    );
    check_jobs("p50(jobs.wait_s) < 1m", true, "p50(jobs.wait_s) = 40.5, expected < 1m");
    check_jobs("jobs.completed == 11", true, "jobs.completed = 11, expected == 11");
    check_jobs(
        "jobs.on-upload.failed == 0",
        false,
        "jobs.on-upload.failed = 1, expected == 0",
    );
    check_jobs(
        "jobs.cost_per_job_usd < 0.1",
        true,
        "jobs.cost_per_job_usd = 0.05, expected < 0.1",
    );
    // The call forms measure the same and speak the dotted form.
    check_jobs(
        "jobs_completed(nightly) >= 9",
        true,
        "jobs.nightly.completed = 9, expected >= 9",
    );
    check_jobs(
        "jobs.failed < jobs.completed",
        true,
        "jobs.failed = 2, expected < jobs.completed; jobs.completed = 11",
    );
    check_jobs(
        "jobs.nightli.completed > 0",
        false,
        "no trigger named `nightli`; did you mean `nightly`? (triggers: nightly, on-upload)",
    );
    // A run without standalone tasks.
    check(
        "jobs.completed > 0",
        false,
        "jobs.completed: the run has no standalone tasks (add a `runTask` event)",
    );
}
