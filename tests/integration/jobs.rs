//! Standalone tasks (issue 17): RunTask calls, their accounting, cost, capacity from zero, and
//! RunTask's failures without a capacity provider that can scale.

use ecsim::engine::{RunOptions, run};
use ecsim::trace::{JobOutcome, MemorySink, OwnedJobRecord};

use crate::support::{load_file, load_text, root};

fn run_jobs(loaded: &ecsim::scenario::LoadedScenario) -> MemorySink {
    let mut sink = MemorySink::default();
    let options = RunOptions {
        check_invariants: true,
        progress: None,
    };
    run(&loaded.spec, &mut sink, options).expect("run succeeds");
    sink
}

/// A Fargate or EC2 cluster and one task definition of 1 vCPU / 3 GiB, with `rest` appended
/// (behavior, events).
fn scenario(cluster: &str, rest: &str) -> String {
    format!(
        r#"
name: jobs
duration: 2h
availabilityZones: [us-east-1a, us-east-1b]
{cluster}
  taskDefinitions:
    - family: batch
      cpu: "1024"
      memory: "3072"
      networkMode: awsvpc
      containerDefinitions: [{{name: job, image: example/batch:1, essential: true}}]
{rest}
"#
    )
}

const FARGATE: &str = r#"
ecs:
  cluster: {clusterName: demo, capacityProviders: [FARGATE]}"#;

/// One m5.large (2 vCPU, 8 GiB less 512 MiB for the agent) and no managed scaling.
const ONE_INSTANCE: &str = r#"
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: fixed, InstanceType: m5.large, MinSize: 1, MaxSize: 1, DesiredCapacity: 1}
ecs:
  capacityProviders:
    - name: cp-fixed
      autoScalingGroupProvider: {autoScalingGroupArn: fixed}
  cluster: {clusterName: demo, capacityProviders: [cp-fixed]}"#;

#[track_caller]
fn single(jobs: &[OwnedJobRecord], job_id: u64) -> &OwnedJobRecord {
    let found: Vec<&OwnedJobRecord> = jobs.iter().filter(|j| j.job_id == job_id).collect();
    assert_eq!(found.len(), 1, "job {job_id}: {found:?}");
    found[0]
}

#[test]
fn every_job_of_the_nightly_batch_ends_exactly_once() {
    let loaded = load_file(&root().join("scenarios/nightly-batch-from-zero.yaml"), &[]).expect("loads");
    let sink = run_jobs(&loaded);
    assert_eq!(sink.jobs.len(), 20, "one row per attempt, no retries");
    let mut ids: Vec<(u64, u32)> = sink.jobs.iter().map(|j| (j.job_id, j.attempt)).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 20, "each (job, attempt) once");
    for j in &sink.jobs {
        assert!(matches!(j.outcome, JobOutcome::Completed | JobOutcome::Failed), "{j:?}");
        assert!(
            j.ended_ms.is_some() && j.started_ms.is_some() && j.placed_ms.is_some(),
            "{j:?}"
        );
        assert!(j.instance.starts_with("i-"), "placed on an instance: {j:?}");
    }
    // The per-interval trace adds up to the same counts.
    let triggered: u32 = sink.job_rows.iter().map(|r| r.triggered).sum();
    let ended: u32 = sink
        .job_rows
        .iter()
        .map(|r| r.completed + r.failed + r.interrupted)
        .sum();
    assert_eq!((triggered, ended), (20, 20));
}

/// Case 25 (reference 6.3): with no instance and tasks waiting, CPR is 200 % and the first
/// scale-out launches two instances; nothing is placed before they register.
#[test]
fn capacity_from_zero_places_the_first_tasks_after_two_instances_register() {
    let loaded = load_file(&root().join("scenarios/nightly-batch-from-zero.yaml"), &[]).expect("loads");
    let sink = run_jobs(&loaded);
    let fired_ms = 3 * 3_600_000;
    let first_placed = sink.jobs.iter().filter_map(|j| j.placed_ms).min().expect("placed");
    // The tasks wait for the first instance to register, and are placed the moment it does.
    let first_registered = sink
        .events
        .iter()
        .find(|e| e.message.contains("registered with the cluster"))
        .expect("an instance registers")
        .time_ms;
    assert_eq!(first_placed, first_registered);
    // The scale-out comes with the first CapacityProviderReservation datapoint after the call.
    let first_scale_out = sink
        .events
        .iter()
        .find(|e| e.kind == ecsim::trace::EventKind::ScalingActivity)
        .expect("a scale-out");
    assert_eq!(first_scale_out.time_ms, fired_ms + 60_000);
    assert!(
        first_scale_out.message.contains("desired 0 -> 2"),
        "{}",
        first_scale_out.message
    );
    let first_with_instances = sink
        .cluster
        .iter()
        .find(|(t, _, instances, pending, _, _)| *t > fired_ms && instances + pending > 0)
        .expect("a scale-out");
    assert_eq!(
        first_with_instances.2 + first_with_instances.3,
        2,
        "{first_with_instances:?}"
    );
    // Two tasks of 1 vCPU per m5.large: all twenty run at once on ten instances.
    let peak = sink.cluster.iter().map(|r| r.2).max().expect("rows");
    assert_eq!(peak, 10);
}

#[test]
fn fargate_jobs_cost_per_second_with_a_one_minute_minimum() {
    let text = scenario(
        FARGATE,
        r#"
behavior:
  taskDefinitions:
    batch:
      fargateProvisioningTime: 20s
      startTime: 10s
      runTime: {distribution: constant, value: 30s}
events:
  - {at: 10m, runTask: {taskDefinition: batch, launchType: FARGATE}}
  - {at: 20m, runTask: {taskDefinition: batch, launchType: FARGATE, startedBy: second}}"#,
    );
    let loaded = load_text("fargate-jobs.yaml", &text).expect("loads");
    let sink = run_jobs(&loaded);
    // 1 vCPU and 3 GB at the us-east-1 Linux/x86 rates (reference 10.3).
    let rate = 0.04048 + 3.0 * 0.004445;
    let short = single(&sink.jobs, 1);
    assert_eq!(short.instance, "FARGATE");
    assert_eq!(short.exit_code, Some(0));
    // Billed from PENDING (10 s) plus RUNNING (30 s) = 40 s: the one-minute minimum applies.
    assert!((short.cost_usd - rate * 60.0 / 3600.0).abs() < 1e-12, "{short:?}");
    assert_eq!(short.placed_ms, Some(600_000));
    assert_eq!(short.started_ms, Some(630_000), "20 s of PROVISIONING, 10 s of PENDING");
    assert_eq!(short.ended_ms, Some(660_000));
    assert_eq!(single(&sink.jobs, 2).trigger_name, "second");
    assert_eq!(short.trigger_name, "batch", "startedBy defaults to the family");
    let totals = sink.totals.expect("totals");
    let fargate = totals
        .provider_cost_usd
        .iter()
        .find(|(p, _)| p == "FARGATE")
        .expect("FARGATE")
        .1;
    let both: f64 = sink.jobs.iter().map(|j| j.cost_usd).sum();
    assert!(
        (fargate - both).abs() < 1e-9,
        "the provider's cost is its jobs' cost: {fargate} vs {both}"
    );
}

#[test]
fn ec2_jobs_cost_their_reserved_share_of_the_instance() {
    let text = scenario(
        ONE_INSTANCE,
        r#"
behavior:
  taskDefinitions:
    batch: {runTime: {distribution: constant, value: 1h}}
events:
  - {at: 10m, runTask: {taskDefinition: batch, launchType: EC2}}"#,
    );
    let loaded = load_text("ec2-job.yaml", &text).expect("loads");
    let sink = run_jobs(&loaded);
    let job = single(&sink.jobs, 1);
    let held_ms = (job.ended_ms.expect("ended") - job.placed_ms.expect("placed")) as f64;
    // m5.large at $0.096 an hour; 1,024 of its 2,048 CPU units.
    let expected = 0.096 * 1024.0 / 2048.0 * held_ms / 3_600_000.0;
    assert!(
        (job.cost_usd - expected).abs() < 1e-12,
        "{} vs {expected}",
        job.cost_usd
    );
}

#[test]
fn run_task_without_capacity_that_can_scale_fails_with_the_resource_reason() {
    let text = scenario(
        ONE_INSTANCE,
        r#"
behavior:
  taskDefinitions:
    batch: {runTime: {distribution: constant, value: 30m}}
events:
  - {at: 10m, runTask: {taskDefinition: batch, count: 3, launchType: EC2}}"#,
    );
    let loaded = load_text("run-task-failure.yaml", &text).expect("loads");
    let sink = run_jobs(&loaded);
    // Two tasks of 1 vCPU fit on the m5.large's 2 vCPU; RunTask returns the third in `failures`.
    let failed: Vec<&OwnedJobRecord> = sink.jobs.iter().filter(|j| j.outcome == JobOutcome::Failed).collect();
    assert_eq!(failed.len(), 1, "{:?}", sink.jobs);
    assert_eq!(failed[0].reason, "RESOURCE:CPU");
    assert_eq!((failed[0].placed_ms, failed[0].exit_code), (None, None));
    assert_eq!(failed[0].ended_ms, Some(600_000), "it fails at once");
    let completed = sink.jobs.iter().filter(|j| j.outcome == JobOutcome::Completed).count();
    assert_eq!(completed, 2);
    assert!(
        sink.events
            .iter()
            .any(|e| e.message.contains("returned a failure: reason RESOURCE:CPU")),
        "the failure is in events.csv"
    );
}

#[test]
fn a_job_on_a_failed_instance_is_interrupted_and_not_retried_without_a_policy() {
    let text = scenario(
        ONE_INSTANCE,
        r#"
behavior:
  taskDefinitions:
    batch: {runTime: {distribution: constant, value: 1h}}
events:
  - {at: 10m, runTask: {taskDefinition: batch, launchType: EC2}}
  - {at: 30m, failInstances: {capacityProvider: cp-fixed, count: 1}}"#,
    );
    let loaded = load_text("interrupted-job.yaml", &text).expect("loads");
    let sink = run_jobs(&loaded);
    assert_eq!(sink.jobs.len(), 1, "no second attempt: {:?}", sink.jobs);
    let job = &sink.jobs[0];
    assert_eq!(job.outcome, JobOutcome::Interrupted);
    assert_eq!(job.ended_ms, Some(30 * 60_000));
    assert_eq!(job.reason, "Host EC2 instance terminated");
}

#[test]
fn a_scenario_of_jobs_alone_runs_and_one_of_nothing_is_refused() {
    let text = scenario(
        FARGATE,
        "events:\n  - {at: 1m, runTask: {taskDefinition: batch, launchType: FARGATE}}",
    );
    let loaded = load_text("jobs-only.yaml", &text).expect("a scenario of standalone tasks alone loads");
    assert!(loaded.spec.services.is_empty());
    let sink = run_jobs(&loaded);
    // Without a run time the task runs until the end of the run.
    assert_eq!(sink.jobs[0].outcome, JobOutcome::Unfinished);
    let err = load_text("nothing.yaml", &scenario(FARGATE, "")).expect_err("nothing to simulate");
    assert!(
        err.to_string()
            .contains("the scenario defines no service to simulate and no task to run"),
        "{err}"
    );
}

#[test]
fn a_run_task_of_more_than_ten_tasks_or_a_bad_started_by_is_refused() {
    let text = scenario(
        FARGATE,
        "events:\n  - {at: 1m, runTask: {taskDefinition: batch, count: 11, launchType: FARGATE}}",
    );
    let err = load_text("bad.yaml", &text).expect_err("count above the API's 10");
    assert!(err.rendered.contains("events[0].runTask.count"), "{}", err.rendered);
    assert!(err.rendered.contains("expected 1 to 10"), "{}", err.rendered);
    let text = scenario(
        FARGATE,
        "events:\n  - {at: 1m, runTask: {taskDefinition: batch, startedBy: \"a b\", launchType: FARGATE}}",
    );
    let err = load_text("bad.yaml", &text).expect_err("a space in startedBy");
    assert!(err.rendered.contains("events[0].runTask.startedBy"), "{}", err.rendered);
    let text = scenario(
        FARGATE,
        "behavior:\n  taskDefinitions:\n    batch: {runTime: {distribution: lognormal, median: 10m}}",
    );
    let err = load_text("bad.yaml", &text).expect_err("lognormal without p95");
    assert!(
        err.rendered.contains("behavior.taskDefinitions.batch.runTime.p95"),
        "{}",
        err.rendered
    );
}

/// The batch-window pair differs only in `maximumScalingStepSize`, and its headers' arithmetic
/// (reference 6.4, cases 23 and 25) is what the runs do: scale-out steps every 300 s warm-up, of
/// two instances or of the ten still needed, and the makespans 4380 s and 3180 s.
#[test]
fn a_larger_maximum_scaling_step_makes_the_batch_window() {
    let load = |name: &str| load_file(&root().join("scenarios").join(name), &[]).expect("loads");
    let (miss, meet) = (
        load("batch-window-misses-deadline.yaml"),
        load("batch-window-meets-deadline.yaml"),
    );
    let step = |l: &ecsim::scenario::LoadedScenario| {
        l.spec.capacity_providers[0]
            .managed_scaling
            .as_ref()
            .expect("managed scaling")
            .maximum_scaling_step_size
    };
    assert_eq!((step(&miss), step(&meet)), (2, 10));
    let mut same = meet.spec.clone();
    same.capacity_providers[0]
        .managed_scaling
        .as_mut()
        .expect("managed scaling")
        .maximum_scaling_step_size = 2;
    same.name = miss.spec.name.clone();
    same.description = miss.spec.description.clone();
    let (a, b) = (format!("{same:?}"), format!("{:?}", miss.spec));
    let at = a.bytes().zip(b.bytes()).position(|(x, y)| x != y);
    assert!(
        at.is_none() && a.len() == b.len(),
        "the pair differs in the step size alone: {:?}",
        at.map(|i| (
            &a[i.saturating_sub(80)..(i + 80).min(a.len())],
            &b[i.saturating_sub(80)..(i + 80).min(b.len())]
        ))
    );
    let fired_ms = 2 * 3_600_000;
    let scale_outs = |sink: &MemorySink| -> Vec<(u64, String)> {
        sink.events
            .iter()
            .filter(|e| e.kind == ecsim::trace::EventKind::ScalingActivity && e.message.contains("> 100"))
            .map(|e| {
                let desired = e.message.split("desired ").nth(1).expect("desired");
                let change: String = desired.split(' ').take(3).collect::<Vec<_>>().join(" ");
                ((e.time_ms - fired_ms) / 1000, change)
            })
            .collect()
    };
    let makespan = |sink: &MemorySink| {
        sink.jobs
            .iter()
            .map(|j| j.ended_ms.expect("ended"))
            .max()
            .expect("jobs")
            - fired_ms
    };
    let missed = run_jobs(&miss);
    let expected: Vec<(u64, String)> = [(60, "0 -> 2"), (360, "2 -> 4"), (660, "4 -> 6"), (960, "6 -> 8")]
        .into_iter()
        .chain([(1260, "8 -> 10"), (1560, "10 -> 12")])
        .map(|(t, c)| (t, c.to_string()))
        .collect();
    assert_eq!(scale_outs(&missed), expected);
    assert_eq!(makespan(&missed), 4_380_000);
    let met = run_jobs(&meet);
    assert_eq!(
        scale_outs(&met),
        vec![(60, "0 -> 2".to_string()), (360, "2 -> 12".to_string())]
    );
    assert_eq!(makespan(&met), 3_180_000);
}
