//! Standalone tasks interrupted from outside (issue 17, scope 4): a FARGATE_SPOT interruption of
//! a RUNNING job (case 42), an Availability Zone outage (Fargate and EC2 jobs in the zone), an
//! EC2 Spot Instance reclaimed, and what the trigger's RetryPolicy does with
//! `behavior.eventBridge.retryInterruptedTasks` (A18) and without it. Every run here checks the
//! invariants after every event, among them that every job run ends exactly once.

use ecsim::engine::{RunOptions, run};
use ecsim::trace::{EventKind, JobOutcome, MemorySink, OwnedJobRecord};

use crate::support::load_text;

fn run_jobs(text: &str) -> MemorySink {
    let loaded = load_text("interruptions.yaml", text).expect("loads");
    let mut sink = MemorySink::default();
    let options = RunOptions {
        check_invariants: true,
        progress: None,
    };
    run(&loaded.spec, &mut sink, options).expect("run succeeds");
    assert_each_attempt_once(&sink);
    sink
}

/// Every attempt has one row, and the per-interval trace counts as many attempts started as
/// ended or still going.
#[track_caller]
fn assert_each_attempt_once(sink: &MemorySink) {
    let mut ids: Vec<(u64, u32)> = sink.jobs.iter().map(|j| (j.job_id, j.attempt)).collect();
    ids.sort_unstable();
    let rows = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), rows, "an attempt has two rows: {:?}", sink.jobs);
    let triggered: u32 = sink.job_rows.iter().map(|r| r.triggered).sum();
    assert_eq!(triggered as usize, rows, "every attempt started has its row");
    let ended: u32 = sink
        .job_rows
        .iter()
        .map(|r| r.completed + r.failed + r.interrupted)
        .sum();
    let unfinished = sink.jobs.iter().filter(|j| j.outcome == JobOutcome::Unfinished).count();
    assert_eq!(ended as usize + unfinished, rows, "ended in the trace or unfinished");
}

/// Constant timings so the times below are exact: 20 s of PROVISIONING, 10 s of PENDING, 1 h of
/// RUNNING, 5 s from SIGTERM to the stop.
const TIMINGS: &str = r#"
behavior:
  taskDefinitions:
    batch:
      fargateProvisioningTime: 20s
      startTime: 10s
      stopTime: 5s
      runTime: {distribution: constant, value: 1h}"#;

/// A Fargate cluster of two zones with a 1 vCPU / 2 GB task definition, then `rest`.
fn fargate(rest: &str) -> String {
    format!(
        r#"
name: fargate jobs
duration: 3h
availabilityZones: [us-east-1a, us-east-1b]
ecs:
  cluster: {{clusterName: demo, capacityProviders: [FARGATE, FARGATE_SPOT]}}
  taskDefinitions:
    - {{family: batch, cpu: "1024", memory: "2048", networkMode: awsvpc, requiresCompatibilities: [FARGATE],
       containerDefinitions: [{{name: job, image: example/batch:1, essential: true}}]}}
{rest}
"#
    )
}

/// An EventBridge Scheduler one-time schedule at 00:10 running one task on FARGATE_SPOT.
fn schedule(retry: &str) -> String {
    format!(
        r#"
eventBridge:
  schedules:
    - Name: once
      ScheduleExpression: at(2026-01-05T00:10:00)
      FlexibleTimeWindow: {{Mode: "OFF"}}
      Target:
        Arn: arn:aws:ecs:us-east-1:123456789012:cluster/demo
        RoleArn: arn:aws:iam::123456789012:role/scheduler
        EcsParameters: {{TaskDefinitionArn: "batch:1", CapacityProviderStrategy: [{{capacityProvider: FARGATE_SPOT, weight: 1}}]}}
        RetryPolicy: {retry}"#
    )
}

#[track_caller]
fn attempts(sink: &MemorySink, job_id: u64) -> Vec<&OwnedJobRecord> {
    let mut found: Vec<&OwnedJobRecord> = sink.jobs.iter().filter(|j| j.job_id == job_id).collect();
    found.sort_by_key(|j| j.attempt);
    found
}

/// Case 42 for a standalone task: the notice at 30m, SIGTERM, the stop 5 s later; the attempt
/// ends `interrupted` once, billed at the FARGATE_SPOT rate from PENDING to the stop, and a
/// `runTask` event starts nothing again.
#[test]
fn a_fargate_spot_job_interrupted_mid_run_ends_once_as_interrupted() {
    let text = fargate(&format!(
        r#"{TIMINGS}
events:
  - {{at: 10m, runTask: {{taskDefinition: batch, capacityProviderStrategy: [{{capacityProvider: FARGATE_SPOT, weight: 1}}]}}}}
  - {{at: 30m, spotInterruption: {{capacityProvider: FARGATE_SPOT, count: 1}}}}"#
    ));
    let sink = run_jobs(&text);
    assert_eq!(sink.jobs.len(), 1, "no second attempt: {:?}", sink.jobs);
    let job = &sink.jobs[0];
    assert_eq!(job.outcome, JobOutcome::Interrupted);
    assert_eq!(job.reason, "Your Spot Task was interrupted.");
    assert_eq!(
        job.exit_code, None,
        "ECS stopped it; its container did not exit on its own"
    );
    assert_eq!(job.instance, "FARGATE");
    assert_eq!(job.placed_ms, Some(600_000));
    assert_eq!(job.started_ms, Some(630_000));
    assert_eq!(
        job.ended_ms,
        Some(1_800_000 + 5_000),
        "SIGTERM at the notice, stopped 5 s later"
    );
    // 1 vCPU and 2 GB at the us-east-1 rates, 70 % off on FARGATE_SPOT, from PENDING (10m20s)
    // to the stop (30m05s): 1,185 s.
    let rate = (0.04048 + 2.0 * 0.004445) * 0.3;
    let expected = rate * 1185.0 / 3600.0;
    assert!(
        (job.cost_usd - expected).abs() < 1e-12,
        "{} vs {expected}",
        job.cost_usd
    );
    let notices: Vec<_> = sink
        .events
        .iter()
        .filter(|e| e.kind == EventKind::SpotInterruption)
        .collect();
    assert_eq!(notices.len(), 1);
    assert!(
        notices[0].message.contains("job j-1 attempt 1"),
        "{}",
        notices[0].message
    );
    assert!(
        notices[0].message.contains("TerminationNotice"),
        "{}",
        notices[0].message
    );
    let totals = sink.totals.expect("totals");
    let spot = totals
        .provider_cost_usd
        .iter()
        .find(|(p, _)| p == "FARGATE_SPOT")
        .expect("FARGATE_SPOT")
        .1;
    assert!(
        (spot - job.cost_usd).abs() < 1e-9,
        "the provider bills what the job cost"
    );
    let trace_interrupted: u32 = sink.job_rows.iter().map(|r| r.interrupted).sum();
    assert_eq!(trace_interrupted, 1);
    // Between the notice and the stop the task still counts as running.
    let at_notice = sink
        .job_rows
        .iter()
        .find(|r| r.time_ms == 1_800_000)
        .expect("row at 30m");
    assert_eq!(at_notice.running, 1);
}

/// The seeded process at `interruptionsPerTaskHour` reaches standalone tasks too, and a
/// scenario's jobs are interrupted at the same times whatever else it runs.
#[test]
fn random_fargate_spot_interruptions_end_jobs_as_interrupted() {
    let text = fargate(&format!(
        r#"{TIMINGS}
  fargateSpot: {{interruptionsPerTaskHour: 3}}
events:
  - {{at: 10m, runTask: {{taskDefinition: batch, count: 10, capacityProviderStrategy: [{{capacityProvider: FARGATE_SPOT, weight: 1}}]}}}}"#
    ));
    let sink = run_jobs(&text);
    let interrupted = sink
        .jobs
        .iter()
        .filter(|j| j.outcome == JobOutcome::Interrupted)
        .count();
    // At 3 an hour over an hour's run, a task survives with probability e^-3 (5 %).
    assert!(interrupted >= 7, "{interrupted} of 10: {:?}", sink.jobs);
    assert_eq!(sink.jobs.len(), 10, "a runTask event has no retry policy");
    let notices = sink
        .events
        .iter()
        .filter(|e| e.kind == EventKind::SpotInterruption)
        .count();
    assert_eq!(notices, interrupted);
    for j in sink.jobs.iter().filter(|j| j.outcome == JobOutcome::Interrupted) {
        let ran = j.ended_ms.expect("ended") - j.started_ms.expect("started");
        assert!(ran < 3_600_000, "interrupted before its run time ended: {j:?}");
    }
}

/// Without `retryInterruptedTasks` an interrupted task of a schedule is not started again (AWS:
/// the RetryPolicy is about delivering the RunTask call); with it, the RetryPolicy is the budget
/// of attempts, the next starting when the interrupted one stops, the last refused `abandoned`.
#[test]
fn the_retry_policy_restarts_interrupted_tasks_only_when_asked() {
    let bursts = r#"
events:
  - {at: 30m, spotInterruption: {capacityProvider: FARGATE_SPOT, count: 1}}
  - {at: 1h, spotInterruption: {capacityProvider: FARGATE_SPOT, count: 1}}"#;
    let policy = "{MaximumRetryAttempts: 1, MaximumEventAgeInSeconds: 7200}";
    let aws = run_jobs(&fargate(&format!("{TIMINGS}{}{bursts}", schedule(policy))));
    let only = attempts(&aws, 1);
    assert_eq!(only.len(), 1, "{:?}", aws.jobs);
    assert_eq!(only[0].outcome, JobOutcome::Interrupted);
    assert!(!aws.events.iter().any(|e| e.message.contains("RetryPolicy")));

    let retried = run_jobs(&fargate(&format!(
        "{TIMINGS}\n  eventBridge: {{retryInterruptedTasks: true}}{}{bursts}",
        schedule(policy)
    )));
    let both = attempts(&retried, 1);
    assert_eq!(both.len(), 2, "{:?}", retried.jobs);
    assert_eq!((both[0].attempt, both[0].outcome), (1, JobOutcome::Interrupted));
    assert_eq!(
        both[1].created_ms, 1_805_000,
        "the retry starts when the first attempt stops"
    );
    // The second burst interrupts attempt 2; MaximumRetryAttempts 1 allows no third.
    assert_eq!((both[1].attempt, both[1].outcome), (2, JobOutcome::Abandoned));
    assert_eq!(both[1].ended_ms, Some(3_605_000));
    let retry_rows: Vec<_> = retried
        .events
        .iter()
        .filter(|e| e.message.contains("RetryPolicy of schedule once"))
        .collect();
    assert_eq!(retry_rows.len(), 1);
    assert_eq!(retry_rows[0].time_ms, 1_805_000);

    // An event older than MaximumEventAgeInSeconds is not retried either.
    let young = "{MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 600}";
    let aged = run_jobs(&fargate(&format!(
        "{TIMINGS}\n  eventBridge: {{retryInterruptedTasks: true}}{}{bursts}",
        schedule(young)
    )));
    let one = attempts(&aged, 1);
    assert_eq!(one.len(), 1, "{:?}", aged.jobs);
    assert_eq!(
        one[0].outcome,
        JobOutcome::Abandoned,
        "20 minutes old at the interruption"
    );
}

/// An AZ outage stops the Fargate jobs placed in the zone and terminates its instances, whose
/// jobs end too; jobs elsewhere run on, and a retried job is placed outside the zone.
#[test]
fn an_az_outage_interrupts_the_jobs_in_the_zone() {
    let text = fargate(&format!(
        r#"{TIMINGS}
  eventBridge: {{retryInterruptedTasks: true}}
eventBridge:
  schedules:
    - Name: pair
      ScheduleExpression: at(2026-01-05T00:10:00)
      FlexibleTimeWindow: {{Mode: "OFF"}}
      Target:
        Arn: arn:aws:ecs:us-east-1:123456789012:cluster/demo
        RoleArn: arn:aws:iam::123456789012:role/scheduler
        EcsParameters: {{TaskDefinitionArn: "batch:1", TaskCount: 2, LaunchType: FARGATE}}
        RetryPolicy: {{MaximumRetryAttempts: 3}}
events:
  - {{at: 30m, azOutage: {{availabilityZone: us-east-1a, duration: 20m}}}}"#
    ));
    let sink = run_jobs(&text);
    let firsts: Vec<&OwnedJobRecord> = sink.jobs.iter().filter(|j| j.attempt == 1).collect();
    assert_eq!(
        firsts.len(),
        2,
        "one task per zone (Fargate balances a group over zones)"
    );
    let hit: Vec<&&OwnedJobRecord> = firsts.iter().filter(|j| j.outcome == JobOutcome::Interrupted).collect();
    assert_eq!(hit.len(), 1, "{:?}", sink.jobs);
    assert_eq!(
        hit[0].reason,
        "Availability Zone outage: the task's host is unreachable"
    );
    assert_eq!(hit[0].ended_ms, Some(1_800_000));
    let spared = firsts.iter().find(|j| j.job_id != hit[0].job_id).expect("the other");
    assert_eq!(spared.outcome, JobOutcome::Completed);
    let retry = attempts(&sink, hit[0].job_id);
    assert_eq!(retry.len(), 2);
    assert_eq!(retry[1].outcome, JobOutcome::Completed);
    assert_eq!(retry[1].placed_ms, Some(1_800_000), "placed at once, in the other zone");
    let outage = sink
        .events
        .iter()
        .find(|e| e.kind == EventKind::Fault)
        .expect("the outage row");
    assert!(
        outage.message.contains("1 Fargate task(s) stopped"),
        "{}",
        outage.message
    );

    // On EC2: a one-instance group per zone; the outage terminates the instance in us-east-1a.
    let ec2 = r#"
name: ec2 jobs
duration: 3h
availabilityZones: [us-east-1a, us-east-1b]
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: g, InstanceType: m5.large, MinSize: 2, MaxSize: 2, DesiredCapacity: 2}
ecs:
  capacityProviders:
    - {name: cp, autoScalingGroupProvider: {autoScalingGroupArn: g}}
  cluster: {clusterName: demo, capacityProviders: [cp], defaultCapacityProviderStrategy: [{capacityProvider: cp, weight: 1}]}
  taskDefinitions:
    - family: batch
      networkMode: bridge
      containerDefinitions: [{name: job, image: example/batch:1, cpu: 1024, memory: 2048, essential: true}]
behavior:
  taskDefinitions:
    batch: {startTime: 10s, runTime: {distribution: constant, value: 1h}}
events:
  - {at: 10m, runTask: {taskDefinition: batch, count: 2, launchType: EC2}}
  - {at: 30m, azOutage: {availabilityZone: us-east-1a, duration: 20m}}"#;
    let sink = run_jobs(ec2);
    assert_eq!(sink.jobs.len(), 2, "a runTask event does not retry: {:?}", sink.jobs);
    let hit: Vec<&OwnedJobRecord> = sink
        .jobs
        .iter()
        .filter(|j| j.outcome == JobOutcome::Interrupted)
        .collect();
    assert_eq!(hit.len(), 1, "{:?}", sink.jobs);
    assert_eq!(hit[0].reason, "Host EC2 instance terminated");
    assert_eq!(hit[0].ended_ms, Some(1_800_000));
}

/// An EC2 Spot Instance's jobs keep running through its two-minute notice (draining does not
/// stop standalone tasks) and end `interrupted` when EC2 reclaims it.
#[test]
fn a_reclaimed_spot_instance_interrupts_its_jobs_two_minutes_after_the_notice() {
    let text = r#"
name: spot instance jobs
duration: 3h
availabilityZones: [us-east-1a]
ec2AutoScaling:
  autoScalingGroups:
    - AutoScalingGroupName: spot
      MixedInstancesPolicy:
        LaunchTemplate: {Overrides: [{InstanceType: m5.large}]}
        InstancesDistribution: {OnDemandBaseCapacity: 0, OnDemandPercentageAboveBaseCapacity: 0}
      MinSize: 1
      MaxSize: 1
      DesiredCapacity: 1
ecs:
  capacityProviders:
    - {name: cp-spot, autoScalingGroupProvider: {autoScalingGroupArn: spot}}
  cluster: {clusterName: demo, capacityProviders: [cp-spot]}
  taskDefinitions:
    - family: batch
      networkMode: bridge
      containerDefinitions: [{name: job, image: example/batch:1, cpu: 1024, memory: 2048, essential: true}]
behavior:
  instances: {enableSpotInstanceDraining: true}
  taskDefinitions:
    batch: {startTime: 10s, runTime: {distribution: constant, value: 1h}}
events:
  - {at: 10m, runTask: {taskDefinition: batch, launchType: EC2}}
  - {at: 30m, spotInterruption: {capacityProvider: cp-spot, count: 1}}"#;
    let sink = run_jobs(text);
    assert_eq!(sink.jobs.len(), 1, "{:?}", sink.jobs);
    let job = &sink.jobs[0];
    assert_eq!(job.outcome, JobOutcome::Interrupted);
    assert_eq!(
        job.ended_ms,
        Some(1_800_000 + 120_000),
        "EC2 reclaims the instance 2 minutes on"
    );
    assert_eq!(job.reason, "Host EC2 instance terminated");
}

#[test]
fn a_bad_retry_interrupted_tasks_is_refused_with_its_path() {
    let text = fargate(&format!(
        "{TIMINGS}\n  eventBridge: {{retryInterruptedTasks: sometimes}}"
    ));
    let err = load_text("bad.yaml", &text).expect_err("not a boolean");
    assert!(
        err.rendered.contains("behavior.eventBridge.retryInterruptedTasks"),
        "{}",
        err.rendered
    );
    let text = fargate(&format!("{TIMINGS}\n  eventBridge: {{retryInterrupted: true}}"));
    let err = load_text("bad.yaml", &text).expect_err("a typo");
    assert!(
        err.rendered.contains("valid fields here: retryInterruptedTasks"),
        "{}",
        err.rendered
    );
}

/// In the upload pipeline every job's attempts are 1, 2, ... with no gap; every attempt but the
/// last was interrupted; a retry is created the moment the attempt before it ended; and the
/// summary's counts are the rows'.
#[test]
fn every_upload_job_ends_once_per_attempt_and_retries_follow_interruptions() {
    let path = crate::support::root().join("scenarios/uploads-on-fargate-spot.yaml");
    let text = std::fs::read_to_string(path).expect("reads");
    let sink = run_jobs(&text);
    let mut by_job: std::collections::BTreeMap<u64, Vec<&OwnedJobRecord>> = Default::default();
    for j in &sink.jobs {
        by_job.entry(j.job_id).or_default().push(j);
    }
    let mut retried = 0;
    for (job, mut tries) in by_job {
        tries.sort_by_key(|j| j.attempt);
        let numbers: Vec<u32> = tries.iter().map(|j| j.attempt).collect();
        assert_eq!(numbers, (1..=tries.len() as u32).collect::<Vec<_>>(), "job {job}");
        assert!(tries.len() <= 3, "MaximumRetryAttempts 2: job {job}");
        for pair in tries.windows(2) {
            assert_eq!(pair[0].outcome, JobOutcome::Interrupted, "job {job}: {pair:?}");
            assert_eq!(pair[1].created_ms, pair[0].ended_ms.expect("ended"), "job {job}");
            retried += 1;
        }
        let last = tries.last().expect("an attempt");
        assert_ne!(
            last.outcome,
            JobOutcome::Interrupted,
            "an interruption within the policy is retried: {last:?}"
        );
        if last.outcome == JobOutcome::Abandoned {
            assert_eq!(
                last.attempt, 3,
                "abandoned at the attempt limit (the event age is never reached first)"
            );
        }
    }
    let interrupted = sink
        .jobs
        .iter()
        .filter(|j| j.outcome == JobOutcome::Interrupted)
        .count();
    assert_eq!(retried, interrupted);
    let abandoned = sink.jobs.iter().filter(|j| j.outcome == JobOutcome::Abandoned).count();
    let notices = sink
        .events
        .iter()
        .filter(|e| e.kind == EventKind::SpotInterruption)
        .count();
    assert_eq!(
        notices,
        interrupted + abandoned,
        "every notice ends exactly one attempt"
    );
    assert!(interrupted > 0 && abandoned > 0, "the scenario shows both");
}
