//! Queue-driven workers end to end: backlog per task (reference 11, case 33), a backlog that builds
//! and drains, determinism, and the errors of malformed worker scenarios.

use ecsim::output::AlarmRows;

use crate::support::{activities, column, load_file, load_text, root, run_to_strings, run_to_strings_with};

const BACKLOG_PER_TASK: &str = "        CustomizedMetricSpecification:
          Metrics:
            - {Id: m1, ReturnData: false, Label: visible, MetricStat: {Metric: {Namespace: AWS/SQS, MetricName: ApproximateNumberOfMessagesVisible, Dimensions: [{Name: QueueName, Value: jobs}]}, Stat: Sum}}
            - {Id: m2, ReturnData: false, MetricStat: {Metric: {Namespace: ECS/ContainerInsights, MetricName: RunningTaskCount, Dimensions: [{Name: ClusterName, Value: demo}, {Name: ServiceName, Value: worker}]}, Stat: Average}}
            - {Id: e1, Expression: \"m1 / m2\", Label: backlog per task, ReturnData: true}";

/// A Fargate worker of `desired` tasks (10 messages/s each, no idle CPU) consuming queue `jobs`,
/// with a target tracking policy of `TargetValue: 100` on `metric` and MinCapacity `min`.
fn worker(desired: u32, min: u32, metric: &str, load: &str) -> String {
    format!(
        "duration: 1h
ecs:
  cluster: {{clusterName: demo, capacityProviders: [FARGATE]}}
  taskDefinitions:
    - {{family: worker, cpu: \"512\", memory: \"1024\", networkMode: awsvpc, requiresCompatibilities: [FARGATE],
       containerDefinitions: [{{name: worker, image: example/worker}}]}}
  services:
    - {{serviceName: worker, taskDefinition: worker, desiredCount: {desired}, launchType: FARGATE}}
applicationAutoScaling:
  scalableTargets:
    - {{ServiceNamespace: ecs, ResourceId: service/demo/worker, ScalableDimension: \"ecs:service:DesiredCount\", MinCapacity: {min}, MaxCapacity: 40}}
  scalingPolicies:
    - PolicyName: backlog
      ServiceNamespace: ecs
      ResourceId: service/demo/worker
      ScalableDimension: \"ecs:service:DesiredCount\"
      PolicyType: TargetTrackingScaling
      TargetTrackingScalingPolicyConfiguration:
        TargetValue: 100
{metric}
behavior:
  taskDefinitions:
    worker: {{messagesPerSecondPerTask: 10, idleCpuPercent: 0}}
load:
  worker:
    messagesPerSecond:
{load}
    queueName: jobs
"
    )
}

/// 10 tasks process 100 messages/s; `extra` more arrive per second in the first minute, so the
/// queue holds `60 x extra` messages from then on (arrivals equal capacity afterwards).
fn held_backlog(extra: &str) -> String {
    format!("      - constant: 100\n      - spike: {{at: 0s, duration: 1m, add: {extra}}}")
}

fn numbers(values: &[String]) -> Vec<f64> {
    values.iter().map(|v| v.parse().expect("a number")).collect()
}

#[test]
fn case_33_a_backlog_of_150_per_task_scales_10_tasks_to_15() {
    let yaml = worker(10, 1, BACKLOG_PER_TASK, &held_backlog("25"));
    let out = run_to_strings(&load_text("worker.yaml", &yaml).unwrap_or_else(|e| panic!("{e}")));
    let depth = column(&out.services, "queue_depth", None);
    assert_eq!(&depth[..6], ["1500"; 6], "1,500 messages wait from the first minute on");
    let (t, message) = &activities(&out.events)[0];
    // The datapoints of minutes 1, 2 and 3 breach; the third comes through the pipeline at 6m.
    assert_eq!(*t, 360.0, "{message}");
    assert!(
        message.contains(
            "backlog: ApproximateNumberOfMessagesVisible / RunningTaskCount 150 > 100 for 3 of 3 datapoints; \
             desired 10 -> 15 = ceil(10 x 150 / 100) = 15"
        ),
        "{message}"
    );
}

#[test]
fn case_33_a_backlog_of_9_per_task_scales_in_to_min_capacity() {
    let yaml = worker(10, 1, BACKLOG_PER_TASK, &held_backlog("1.5"));
    let out = run_to_strings(&load_text("worker.yaml", &yaml).unwrap_or_else(|e| panic!("{e}")));
    let (t, message) = &activities(&out.events)[0];
    // Fifteen datapoints below 90 end at 15m; through the pipeline at 18m.
    assert_eq!(*t, 1080.0, "{message}");
    assert!(
        message.contains("9 < 90 for 15 of 15 datapoints; desired 10 -> 1 = ceil(10 x 9 / 100) = 1"),
        "{message}"
    );
    let yaml = worker(10, 3, BACKLOG_PER_TASK, &held_backlog("1.5"));
    let out = run_to_strings(&load_text("worker.yaml", &yaml).unwrap_or_else(|e| panic!("{e}")));
    let (_, message) = &activities(&out.events)[0];
    assert!(
        message.contains("desired 10 -> 3 = ceil(10 x 9 / 100) = 1, clamped by MinCapacity 3"),
        "{message}"
    );
}

#[test]
fn case_33_with_no_running_task_the_metric_has_no_value_and_nothing_scales() {
    // 500 messages arrive in the first 10 s; the service has no task to process them.
    let yaml = worker(
        0,
        0,
        BACKLOG_PER_TASK,
        "      - spike: {at: 0s, duration: 10s, add: 50}",
    )
    .replace("behavior:\n", "behavior:\n  loadStep: 10s\n");
    let loaded = load_text("worker.yaml", &yaml).unwrap_or_else(|e| panic!("{e}"));
    let history = run_to_strings(&loaded);
    assert_eq!(
        history.alarms.lines().count(),
        1,
        "the alarms never leave INSUFFICIENT_DATA: no change of state, a header only\n{}",
        history.alarms
    );
    let out = run_to_strings_with(&loaded, AlarmRows::Evaluations);
    assert!(activities(&out.events).is_empty(), "{}", out.events);
    assert!(column(&out.services, "desired", None).iter().all(|d| d == "0"));
    assert!(column(&out.services, "queue_depth", None).iter().all(|d| d == "500"));
    assert_eq!(
        column(&out.services, "oldest_message_age_s", None)
            .last()
            .map(String::as_str),
        Some("3600"),
        "the first message has waited the whole hour"
    );
    let states = column(&out.alarms, "state", None);
    assert!(
        !states.is_empty() && states.iter().all(|s| s == "INSUFFICIENT_DATA"),
        "{}",
        out.alarms
    );
    assert!(column(&out.alarms, "value", None).iter().all(String::is_empty));
}

#[test]
fn the_simple_form_tracks_one_metric_with_its_statistic() {
    let metric =
        "        CustomizedMetricSpecification: {MetricName: ApproximateNumberOfMessagesVisible, Namespace: AWS/SQS,
          Dimensions: [{Name: QueueName, Value: jobs}], Statistic: Average}";
    let yaml = worker(10, 1, metric, &held_backlog("25")).replace("TargetValue: 100", "TargetValue: 1000");
    let out = run_to_strings(&load_text("worker.yaml", &yaml).unwrap_or_else(|e| panic!("{e}")));
    let (t, message) = &activities(&out.events)[0];
    assert_eq!(*t, 360.0, "{message}");
    assert!(
        message.contains("ApproximateNumberOfMessagesVisible 1500 > 1000 for 3 of 3 datapoints; desired 10 -> 15"),
        "{message}"
    );
}

#[test]
fn worker_cpu_follows_the_processing_rate() {
    // 30 messages/s on 6 tasks of 10/s: each processes 5/s, half its capacity: 3 + 97 x 0.5.
    let yaml = worker(6, 6, BACKLOG_PER_TASK, "      - constant: 30").replace("idleCpuPercent: 0", "idleCpuPercent: 3");
    let out = run_to_strings(&load_text("worker.yaml", &yaml).unwrap_or_else(|e| panic!("{e}")));
    assert!(
        column(&out.services, "cpu_utilization", None)
            .iter()
            .all(|c| c == "51.5")
    );
    assert!(column(&out.services, "served_rps", None).iter().all(|c| c == "30"));
    assert!(column(&out.services, "queue_depth", None).iter().all(|c| c == "0"));
}

#[test]
fn a_backlog_builds_during_a_spike_and_drains_after_the_scale_out() {
    // 50 messages/s need 5 tasks (MinCapacity 6 keeps up with the noise); 100 more for 20
    // minutes from 30m need 10 more.
    let load = "      - constant: 50\n      - spike: {at: 30m, duration: 20m, add: 100}\n    noise: poisson";
    let yaml = worker(6, 6, BACKLOG_PER_TASK, load).replace("duration: 1h", "duration: 2h");
    let out = run_to_strings(&load_text("worker.yaml", &yaml).unwrap_or_else(|e| panic!("{e}")));
    let time = numbers(&column(&out.services, "time_s", None));
    let depth = numbers(&column(&out.services, "queue_depth", None));
    let age = numbers(&column(&out.services, "oldest_message_age_s", None));
    let desired = numbers(&column(&out.services, "desired", None));
    let peak = depth.iter().copied().fold(0.0, f64::max);
    let peak_at = time[depth.iter().position(|d| *d == peak).expect("a peak")];
    assert!(
        peak > 1_000.0 && (1_800.0..=3_000.0).contains(&peak_at),
        "peak {peak} at {peak_at}"
    );
    let first_out = activities(&out.events)[0].0;
    assert!(
        (1_800.0..peak_at + 60.0).contains(&first_out),
        "scale-out at {first_out}"
    );
    // Empty again during the spike, after the new tasks arrived, and at the end.
    let drained_at = time
        .iter()
        .zip(&depth)
        .find(|(t, d)| **t > peak_at && **d == 0.0)
        .map(|(t, _)| *t)
        .expect("the backlog drains");
    assert!(drained_at < 3_000.0, "drained at {drained_at}");
    let desired_when_drained = desired[time.iter().position(|t| *t == drained_at).expect("row")];
    assert!(desired_when_drained > 6.0, "drained by the scale-out");
    assert_eq!(depth.last(), Some(&0.0));
    for ((d, a), t) in depth.iter().zip(&age).zip(&time) {
        assert_eq!(*d == 0.0, *a == 0.0, "at {t}: depth {d}, oldest message {a} s");
    }
    assert!(column(&out.services, "unserved_rps", None).iter().all(|u| u == "0"));
    // Every message that arrived was processed or still waits.
    let arrived: f64 = numbers(&column(&out.services, "demand_rps", None)).iter().sum::<f64>() * 60.0;
    let processed: f64 = numbers(&column(&out.services, "served_rps", None)).iter().sum::<f64>() * 60.0;
    assert!(
        (arrived - processed).abs() < 1.0,
        "arrived {arrived}, processed {processed}"
    );
}

#[test]
fn the_worker_scenario_is_deterministic_and_uses_its_seed() {
    let path = root().join("scenarios/sqs-worker-backlog.yaml");
    let a = run_to_strings(&load_file(&path, &[]).expect("loads"));
    let b = run_to_strings(&load_file(&path, &[]).expect("loads"));
    assert_eq!(a.services, b.services);
    assert_eq!(a.events, b.events);
    assert_eq!(a.alarms, b.alarms);
    let c = run_to_strings(&load_file(&path, &[("seed", "8")]).expect("loads"));
    assert_ne!(
        column(&a.services, "queue_depth", None),
        column(&c.services, "queue_depth", None),
        "the seed drives the arrivals"
    );
    // The new columns come last, after every column that was there before.
    let header = a.services.lines().next().expect("header");
    assert!(
        header.ends_with(
            ",min_capacity,max_capacity,queue_depth,oldest_message_age_s,provisioning,new_revision_weight_pct,new_revision_served_requests,target_5xx_requests"
        ),
        "{header}"
    );
}

#[test]
fn services_that_serve_requests_leave_the_queue_columns_empty() {
    let path = root().join("scenarios/web-fargate.yaml");
    let out = run_to_strings(&load_file(&path, &[]).expect("loads"));
    assert!(column(&out.services, "queue_depth", None).iter().all(String::is_empty));
    assert!(
        column(&out.services, "oldest_message_age_s", None)
            .iter()
            .all(String::is_empty)
    );
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
fn a_worker_without_messages_per_second_per_task_is_an_error() {
    let yaml = worker(2, 1, BACKLOG_PER_TASK, "      - constant: 5").replace(
        "    worker: {messagesPerSecondPerTask: 10, idleCpuPercent: 0}\n",
        "    worker: {idleCpuPercent: 0}\n",
    );
    check_error(
        &yaml,
        r#"
error: service `worker` consumes a queue, but its task definition `worker` has no messagesPerSecondPerTask
  --> bad.yaml:30:5
   |
30 |     messagesPerSecond:
   |     ^^^^^^^^^^^^^^^^^
   = field: load.worker.messagesPerSecond
   = help: add behavior.taskDefinitions.worker.messagesPerSecondPerTask: how many messages one task processes per second

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn requests_and_messages_on_one_service_is_an_error() {
    let yaml = worker(2, 1, BACKLOG_PER_TASK, "      - constant: 5").replace(
        "    queueName: jobs\n",
        "    queueName: jobs\n    requestsPerSecond: [{constant: 5}]\n",
    );
    check_error(
        &yaml,
        r#"
error: a service either serves requests or consumes a queue, not both
  --> bad.yaml:30:5
   |
30 |     messagesPerSecond:
   |     ^^^^^^^^^^^^^^^^^
   = field: load.worker.messagesPerSecond
   = help: keep requestsPerSecond or messagesPerSecond; put the other on its own service

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn a_queue_name_no_worker_consumes_is_an_error() {
    let yaml = worker(2, 1, BACKLOG_PER_TASK, "      - constant: 5").replace("Value: jobs}", "Value: job}");
    check_error(
        &yaml,
        r#"
error: no service consumes a queue named `job`
  --> bad.yaml:22:187
   |
22 |             - {Id: m1, ReturnData: false, Label: visible, MetricStat: {Metric: {Namespace: AWS/SQS, MetricName: ApproximateNumberOfMessagesVisible, Dimensions: [{Name: QueueName, Value: job}]}, Stat: Sum}}
   |                                                                                                                                                                                           ^^^
   = field: applicationAutoScaling.scalingPolicies[0].TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification.Metrics[0].MetricStat.Metric.Dimensions[0].Value
   = help: did you mean `jobs`?

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn an_unsupported_expression_is_an_error() {
    let yaml = worker(2, 1, BACKLOG_PER_TASK, "      - constant: 5").replace("\"m1 / m2\"", "\"m1 * 2\"");
    check_error(
        &yaml,
        r#"
error: unsupported expression `m1 * 2`
  --> bad.yaml:24:36
   |
24 |             - {Id: e1, Expression: "m1 * 2", Label: backlog per task, ReturnData: true}
   |                                    ^^^^^^^^
   = field: applicationAutoScaling.scalingPolicies[0].TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification.Metrics[2].Expression
   = help: the simulator evaluates `m1 / m2` (two query ids) or a bare id such as `e1`

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn a_metric_the_simulator_does_not_publish_is_an_error() {
    let metric = "        CustomizedMetricSpecification: {MetricName: NumberOfMessagesSent, Namespace: AWS/SQS,
          Dimensions: [{Name: QueueName, Value: jobs}], Statistic: Sum}";
    let yaml = worker(2, 1, metric, "      - constant: 5");
    check_error(
        &yaml,
        r#"
error: `NumberOfMessagesSent` is not a metric the simulator publishes in AWS/SQS
  --> bad.yaml:20:53
   |
20 |         CustomizedMetricSpecification: {MetricName: NumberOfMessagesSent, Namespace: AWS/SQS,
   |                                                     ^^^^^^^^^^^^^^^^^^^^
   = field: applicationAutoScaling.scalingPolicies[0].TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification.MetricName
   = help: supported in AWS/SQS: ApproximateNumberOfMessagesVisible, ApproximateAgeOfOldestMessage

1 error found; nothing was simulated.
"#,
    );
}

#[test]
fn two_queries_returning_data_is_an_error() {
    let yaml = worker(2, 1, BACKLOG_PER_TASK, "      - constant: 5").replace("{Id: m2, ReturnData: false", "{Id: m2");
    let error = load_text("bad.yaml", &yaml).expect_err("two queries return data");
    assert!(
        error
            .rendered
            .contains("error: exactly one query must have ReturnData: true (the default), found 2"),
        "{}",
        error.rendered
    );
}
