//! Standalone tasks are tasks of their capacity provider (issue 17): their RUNNING time counts in
//! the provider's `task_hours` and each task in the run's `tasks_started`, as a service task's
//! does; an attempt RunTask refused at the call created no task.

use crate::support::{column, load_file, load_text, root, run_to_strings};

/// One m5.large with no managed scaling, a web service of one 1-vCPU task on it, and three
/// standalone tasks of 1 vCPU at 10m: one fits beside the service task, RunTask refuses two.
const ONE_INSTANCE_WITH_A_SERVICE: &str = r#"
name: jobs beside a service
duration: 2h
availabilityZones: [us-east-1a]
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: fixed, InstanceType: m5.large, MinSize: 1, MaxSize: 1, DesiredCapacity: 1}
ecs:
  capacityProviders:
    - name: cp-fixed
      autoScalingGroupProvider: {autoScalingGroupArn: fixed}
  cluster: {clusterName: demo, capacityProviders: [cp-fixed], defaultCapacityProviderStrategy: [{capacityProvider: cp-fixed, weight: 1}]}
  taskDefinitions:
    - family: batch
      cpu: "1024"
      memory: "3072"
      networkMode: bridge
      containerDefinitions: [{name: job, image: example/batch:1, essential: true}]
    - family: web
      cpu: "1024"
      memory: "1024"
      networkMode: bridge
      containerDefinitions: [{name: app, image: example/web:1, essential: true}]
  services:
    - {serviceName: web, taskDefinition: web:1, desiredCount: 1}
behavior:
  taskDefinitions:
    batch: {runTime: {distribution: constant, value: 30m}}
events:
  - {at: 10m, runTask: {taskDefinition: batch, count: 3, launchType: EC2}}
"#;

fn summary(text: &str) -> serde_json::Value {
    serde_json::from_str(text).expect("summary.json")
}

/// Hours the attempts of `jobs_csv` spent RUNNING, an attempt still running counted to `end_s`.
fn job_running_hours(jobs_csv: &str, end_s: f64) -> f64 {
    let started = column(jobs_csv, "started_s", None);
    let ended = column(jobs_csv, "ended_s", None);
    started
        .iter()
        .zip(&ended)
        .filter(|(s, _)| !s.is_empty())
        .map(|(s, e)| {
            let end = if e.is_empty() {
                end_s
            } else {
                e.parse().expect("ended_s")
            };
            end - s.parse::<f64>().expect("started_s")
        })
        .sum::<f64>()
        / 3600.0
}

#[test]
fn a_providers_task_hours_and_the_runs_tasks_started_count_standalone_tasks() {
    let loaded = load_text("jobs-beside-a-service.yaml", ONE_INSTANCE_WITH_A_SERVICE).expect("loads");
    let out = run_to_strings(&loaded);
    let (jobs_csv, _) = out.jobs.as_ref().expect("jobs.csv");
    let outcomes = column(jobs_csv, "outcome", None);
    assert_eq!(outcomes, ["failed", "failed", "completed"], "{jobs_csv}");
    assert_eq!(
        column(jobs_csv, "reason", Some(("outcome", "failed"))),
        ["RESOURCE:CPU", "RESOURCE:CPU"]
    );
    let s = summary(&out.summary);
    let provider = &s["capacity_providers"][0];
    let web = &s["services"][0];
    let web_hours = web["task_hours"].as_f64().expect("web task_hours");
    assert!(
        web_hours > 1.9,
        "the service task runs nearly all of the 2h: {web_hours}"
    );
    // The provider's hours are the service task's and the 30-minute job's.
    let provider_hours = provider["task_hours"].as_f64().expect("provider task_hours");
    assert!(
        (provider_hours - (web_hours + 0.5)).abs() < 1e-6,
        "provider {provider_hours} = web {web_hours} + job 0.5"
    );
    // One service task and the one standalone task RunTask placed; the two refused made none.
    assert_eq!(s["tasks_started"], 2, "{}", out.summary);
}

#[test]
fn the_nightly_batchs_provider_hours_are_its_jobs_running_hours() {
    let loaded = load_file(&root().join("scenarios/nightly-batch-from-zero.yaml"), &[]).expect("loads");
    let out = run_to_strings(&loaded);
    let (jobs_csv, _) = out.jobs.as_ref().expect("jobs.csv");
    let s = summary(&out.summary);
    let provider = &s["capacity_providers"][0];
    assert_eq!(provider["capacity_provider"], "cp-batch");
    let expected = job_running_hours(jobs_csv, s["simulated_seconds"].as_f64().expect("seconds"));
    assert!(expected > 5.0, "twenty tasks of about 25 minutes: {expected}");
    let hours = provider["task_hours"].as_f64().expect("task_hours");
    assert!((hours - expected).abs() < 1e-5, "{hours} vs {expected}");
    // No service: every task started is a standalone task.
    assert_eq!(s["tasks_started"], 20);
    // `task_hours(PROVIDER)` in expect: reads the same figure.
    let check = ecsim::check::parse_expectation("task_hours(cp-batch) > 5").expect("parses");
    let tables =
        ecsim::check::RunTables::from_texts(&out.services, &out.cluster, &out.events, &out.summary).expect("tables");
    assert!(ecsim::check::evaluate(&check, &tables).passed);
}
