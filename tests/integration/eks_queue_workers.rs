//! EKS queue workers (issue 20): a Deployment draining an SQS queue, the HPA's External metric
//! on it (k8s-semantics W13, W14), KEDA's ScaledObject with its 0 <-> 1 activation and cooldown
//! (1.10), Pods and Object metrics from the Deployment's load, and the reader's errors.

use crate::support::{column, load_text, run_to_strings};

/// A warm Deployment `worker` of 3 pods on Fargate consuming queue `jobs`, and an HPA whose
/// `metrics` and `behavior` are `METRICS`; the load and the pods' rate are `LOAD` and `RATE`.
const BASE: &str = r#"
name: queue worker
duration: 1m
eks:
  fargateProfiles:
    - fargateProfileName: workers
      selectors: [{namespace: default}]
  externalMetrics:
    sqs-jobs: {queueName: jobs, attributes: [ApproximateNumberOfMessages, ApproximateNumberOfMessagesNotVisible]}
    sqs-visible: {queueName: jobs}
  objects:
    - apiVersion: apps/v1
      kind: Deployment
      metadata: {name: worker}
      spec:
        replicas: 3
        selector: {matchLabels: {app: worker}}
        template:
          metadata: {labels: {app: worker}}
          spec:
            containers: [{name: worker, resources: {requests: {cpu: 500m, memory: 1Gi}}}]
    - apiVersion: autoscaling/v2
      kind: HorizontalPodAutoscaler
      metadata: {name: worker}
      spec:
        scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: worker}
        minReplicas: 1
        maxReplicas: 100
        metrics: [METRICS]
        behavior:
          scaleUp: {policies: [{type: Pods, value: 100, periodSeconds: 15}]}
behavior:
  warmStart: true
  deployments:
    worker: {RATE}
load:
  worker:
    LOAD
"#;

/// The scenario with its placeholders filled in.
fn scenario(metrics: &str, rate: &str, load: &str) -> String {
    BASE.replace("METRICS", metrics)
        .replace("RATE", rate)
        .replace("LOAD", load)
}

/// The same for a Deployment serving requests: no queue, so no External metric on one.
fn serving_scenario(metrics: &str, load: &str) -> String {
    let text = scenario(metrics, "requestsPerSecondAtFullCpu: 100", load);
    let start = text.find("  externalMetrics:").expect("block");
    let end = text.find("  objects:").expect("objects");
    format!("{}{}", &text[..start], &text[end..])
}

/// Pods that process (almost) nothing: the queue holds what arrives, and each pod is busy
/// with one message (in flight) while any waits.
const IDLE_PODS: &str = "messagesPerSecondPerPod: 0.000001";

/// Messages arriving at `per_s` on queue `jobs`.
fn messages(per_s: f64) -> String {
    format!("{{messagesPerSecond: [{{constant: {per_s}}}], queueName: jobs}}")
}

/// The HPA's events.csv rows: (time, message).
fn hpa_events(events: &str) -> Vec<(u64, String)> {
    events
        .lines()
        .filter(|l| l.contains("HorizontalPodAutoscaler worker:"))
        .map(|l| {
            let time = l.split(',').next().expect("time").parse().expect("seconds");
            let message = l.split(',').nth(4).expect("message").trim_matches('"').to_string();
            (time, message)
        })
        .collect()
}

/// Runs `yaml` and returns the HPA's events.
#[track_caller]
fn run_events(yaml: &str) -> Vec<(u64, String)> {
    let loaded = load_text("queue.yaml", yaml).unwrap_or_else(|e| panic!("{}", e.rendered));
    hpa_events(&run_to_strings(&loaded).events)
}

#[test]
fn an_sqs_queue_drives_the_external_average_value_metric_k8s_semantics_w13() {
    let external = |name: &str| {
        format!(
            "{{type: External, external: {{metric: {{name: {name}}}, target: {{type: AverageValue, averageValue: \"10\"}}}}}}"
        )
    };
    // At the first sync (15 s) 92 messages wait and each of the 3 pods holds one in flight:
    // 95 = 80 + 15 of W13's kind; ratio 95 / (10 x 3) = 3.17, so ceil(95 / 10) = 10.
    let events = run_events(&scenario(&external("sqs-jobs"), IDLE_PODS, &messages(92.0 / 15.0)));
    assert_eq!(
        events.first(),
        Some(&(
            15,
            "HorizontalPodAutoscaler worker: New size: 10; reason: external metric sqs-jobs above target.".to_string()
        ))
    );
    // 28 waiting + 3 in flight = 31: ratio 1.033, inside the tolerance: no rescale at 15 s.
    let events = run_events(&scenario(&external("sqs-jobs"), IDLE_PODS, &messages(28.0 / 15.0)));
    assert!(events.iter().all(|(t, _)| *t > 15), "{events:?}");
    // Read as ApproximateNumberOfMessages alone (`eks.externalMetrics.sqs-visible`), the 28
    // visible are a ratio of 0.93: inside the band too.
    let events = run_events(&scenario(&external("sqs-visible"), IDLE_PODS, &messages(28.0 / 15.0)));
    assert!(events.iter().all(|(t, _)| *t > 15), "{events:?}");
}

#[test]
fn external_and_object_value_targets_scale_the_ready_pods_k8s_semantics_w14() {
    // W14 in whole messages (x10): 86 visible against a Value of 66.66: ratio 1.29 x 3 ready
    // pods, ceil(3.87) = 4.
    let metric = "{type: External, external: {metric: {name: sqs-visible}, target: {type: Value, value: 66660m}}}";
    let events = run_events(&scenario(metric, IDLE_PODS, &messages(86.0 / 15.0)));
    assert_eq!(
        events.first(),
        Some(&(
            15,
            "HorizontalPodAutoscaler worker: New size: 4; reason: external metric sqs-visible above target."
                .to_string()
        ))
    );
    // W14's own numbers on an Object metric: an Ingress's requests-per-second, the 8.6
    // requests/s the Deployment receives, against a Value of 6.666. metrics-server's first
    // window closes at 15 s, after the HPA's first sync, so the sync at 30 s reads it.
    let metric = "{type: Object, object: {metric: {name: requests-per-second}, \
                  describedObject: {apiVersion: networking.k8s.io/v1, kind: Ingress, name: main}, \
                  target: {type: Value, value: 6666m}}}";
    let load = "{requestsPerSecond: [{constant: 8.6}]}";
    let events = run_events(&serving_scenario(metric, load));
    assert_eq!(
        events.first(),
        Some(&(
            30,
            "HorizontalPodAutoscaler worker: New size: 4; reason: Ingress metric requests-per-second above target."
                .to_string()
        ))
    );
}

#[test]
fn a_pods_metric_reads_each_ready_pod_s_requests_and_an_unbound_metric_fails() {
    // 12 requests/s over 3 Ready pods: 4 each against an average of 2, ratio 2: ceil(2 x 3) = 6.
    let metric = "{type: Pods, pods: {metric: {name: http_requests_per_second}, target: {type: AverageValue, averageValue: \"2\"}}}";
    let load = "{requestsPerSecond: [{constant: 12}]}";
    let events = run_events(&serving_scenario(metric, load));
    // At 15 s metrics-server has no sample of a pod yet (its containers started at the first
    // scrape), as for CPU: the sync fails, and the next one scales.
    assert!(events[0].1.contains("FailedGetPodsMetric"), "{events:?}");
    assert_eq!(
        events.get(1),
        Some(&(
            30,
            "HorizontalPodAutoscaler worker: New size: 6; reason: pods metric http_requests_per_second above target."
                .to_string()
        ))
    );
    // A metric nothing serves fails as on a cluster without an adapter for it: reported once.
    let metric = "{type: External, external: {metric: {name: datadog-queue}, target: {type: AverageValue, averageValue: \"1\"}}}";
    let loaded = load_text("q.yaml", &scenario(metric, IDLE_PODS, &messages(1.0))).expect("loads");
    let events = run_to_strings(&loaded).events;
    let failures: Vec<&str> = events.lines().filter(|l| l.contains(",not_scaled,")).collect();
    assert_eq!(failures.len(), 1, "{events}");
    assert!(
        failures[0]
            .contains("HorizontalPodAutoscaler worker: FailedGetExternalMetric: unable to fetch metric datadog-queue."),
        "{}",
        failures[0]
    );
}

/// A ScaledObject on a Deployment of one warm pod: messages at 5/s from 5m to 10m, pods at
/// 10/s, queueLength 1, cooldownPeriod 120 s, polls every 30 s.
const KEDA: &str = r#"
name: activation
duration: 20m
eks:
  fargateProfiles:
    - fargateProfileName: workers
      selectors: [{namespace: default}]
  objects:
    - apiVersion: apps/v1
      kind: Deployment
      metadata: {name: worker}
      spec:
        replicas: 1
        selector: {matchLabels: {app: worker}}
        template:
          metadata: {labels: {app: worker}}
          spec:
            containers: [{name: worker, resources: {requests: {cpu: 500m, memory: 1Gi}}}]
    - apiVersion: keda.sh/v1alpha1
      kind: ScaledObject
      metadata: {name: worker}
      spec:
        scaleTargetRef: {name: worker}
        cooldownPeriod: 120
        maxReplicaCount: 10
        triggers:
          - type: aws-sqs-queue
            metadata: {queueURL: "https://sqs.us-east-1.amazonaws.com/123456789012/jobs", queueLength: "1"}
behavior:
  warmStart: true
  deployments:
    worker: {messagesPerSecondPerPod: 10}
load:
  worker:
    messagesPerSecond: [{spike: {at: 5m, duration: 5m, add: 5}}]
    queueName: jobs
"#;

#[test]
fn keda_activates_from_zero_and_scales_to_zero_after_the_cooldown_k8s_semantics_1_10() {
    let loaded = load_text("keda.yaml", KEDA).unwrap_or_else(|e| panic!("{}", e.rendered));
    let out = run_to_strings(&loaded);
    let keda: Vec<(u64, String)> = out
        .events
        .lines()
        .filter(|l| l.contains("KEDA ScaledObject worker:"))
        .map(|l| (l.split(',').next().expect("time").parse().expect("s"), l.to_string()))
        .collect();
    let times: Vec<u64> = keda.iter().map(|(t, _)| *t).collect();
    // 0 s: the first poll finds an empty queue and a trigger never active: straight to zero.
    // 330 s: the first poll after messages start (the one at 300 s ran before they did) finds
    // 150 and activates. 600 s: the load stops; the last active poll was at 570 s, so the
    // target cools down and goes to zero at 570 + 120 = 690 s.
    assert_eq!(times, vec![0, 330, 600, 690], "{keda:?}");
    assert!(
        keda[0]
            .1
            .contains("KEDAScaleTargetDeactivated: Deactivated apps/v1.Deployment default/worker from 1 to 0")
    );
    assert!(keda[0].1.contains("never active since the ScaledObject was created"));
    assert!(
        keda[1]
            .1
            .contains("KEDAScaleTargetActivated: Scaled apps/v1.Deployment default/worker from 0 to 1 (150 messages")
    );
    assert!(keda[2].1.contains(",not_scaled,"), "{}", keda[2].1);
    assert!(keda[3].1.contains("from 10 to 0"));
    assert!(keda[3].1.contains("last active at 570 s, cooldownPeriod 120 s"));
    assert!(
        keda[3].1.contains(",keda,worker,10,0,"),
        "the typed detail: {}",
        keda[3].1
    );
    // services.csv: the Deployment at zero while idle; its queue's depth and the ScaledObject's
    // minReplicaCount as min_capacity; the backlog drains once pods are Ready.
    let filter = Some(("service", "worker"));
    let desired = column(&out.services, "desired", filter);
    let depth = column(&out.services, "queue_depth", filter);
    let min = column(&out.services, "min_capacity", filter);
    assert_eq!(&desired[..5], ["0", "0", "0", "0", "0"]);
    assert_eq!(desired.last().map(String::as_str), Some("0"));
    assert!(min.iter().all(|m| m == "0"), "{min:?}");
    assert_eq!(depth[5], "300", "a minute of 5/s while the first pod starts");
    assert_eq!(depth[9], "0");
}

#[test]
fn keda_runs_are_deterministic_and_the_seed_is_used() {
    let noisy = KEDA.replace("queueName: jobs", "queueName: jobs\n    noise: poisson");
    let loaded = load_text("keda.yaml", &noisy).expect("loads");
    let (a, b) = (run_to_strings(&loaded), run_to_strings(&loaded));
    assert_eq!(
        (a.services.as_str(), a.events.as_str()),
        (b.services.as_str(), b.events.as_str())
    );
    let other = load_text("keda.yaml", &noisy.replace("duration: 20m", "duration: 20m\nseed: 99")).expect("loads");
    assert_ne!(run_to_strings(&other).services, a.services);
}

/// Loads `yaml` and asserts it fails with exactly `expected` (both after a leading newline).
#[track_caller]
fn check_error(yaml: &str, expected: &str) {
    let expected = expected.strip_prefix('\n').unwrap_or(expected);
    match load_text("bad.yaml", yaml) {
        Ok(_) => panic!("loaded, but should fail with:\n{expected}"),
        Err(e) => assert_eq!(e.rendered, expected, "\nactual:\n{}", e.rendered),
    }
}

#[test]
fn reader_errors_name_the_queue_the_trigger_and_the_fix() {
    check_error(
        &KEDA.replace("123456789012/jobs", "123456789012/job"),
        r#"
error: no Deployment consumes queue `job`
  --> bad.yaml:28:24
   |
28 |             metadata: {queueURL: "https://sqs.us-east-1.amazonaws.com/123456789012/job", queueLength: "1"}
   |                        ^^^^^^^^
   = field: eks.objects[1].spec.triggers[0].metadata.queueURL
   = help: did you mean `jobs`?

1 error found; nothing was simulated.
"#,
    );
    check_error(
        &KEDA.replace("type: aws-sqs-queue", "type: rabbitmq"),
        r#"
error: trigger type `rabbitmq` is not simulated
  --> bad.yaml:27:13
   |
27 |           - type: rabbitmq
   |             ^^^^
   = field: eks.objects[1].spec.triggers[0].type
   = help: ecsim simulates the `aws-sqs-queue` scaler, fed by a queue a Deployment consumes

1 error found; nothing was simulated.
"#,
    );
    check_error(
        &KEDA.replace("{messagesPerSecondPerPod: 10}", "{idleCpuPercent: 3}"),
        r#"
error: Deployment `worker` consumes a queue, but no messagesPerSecondPerPod says how fast its pods process it
  --> bad.yaml:35:5
   |
35 |     messagesPerSecond: [{spike: {at: 5m, duration: 5m, add: 5}}]
   |     ^^^^^^^^^^^^^^^^^
   = field: load.worker.messagesPerSecond
   = help: add behavior.deployments.worker.messagesPerSecondPerPod: how many messages one pod processes per second

1 error found; nothing was simulated.
"#,
    );
    // A pasted KEDA HPA beside its ScaledObject: two HPAs on one Deployment.
    let pasted = KEDA.replace(
        "    - apiVersion: keda.sh/v1alpha1",
        "    - {apiVersion: autoscaling/v2, kind: HorizontalPodAutoscaler, metadata: {name: keda-hpa-worker},\n       \
         spec: {scaleTargetRef: {kind: Deployment, name: worker}, maxReplicas: 10}}\n    - apiVersion: keda.sh/v1alpha1",
    );
    check_error(
        &pasted,
        r#"
error: Deployment `worker` is scaled by both HorizontalPodAutoscaler `keda-hpa-worker` and the HorizontalPodAutoscaler ScaledObject `worker` creates
  --> bad.yaml:21:7
   |
21 |     - apiVersion: keda.sh/v1alpha1
   |       ^^^^^^^^^^
   = field: eks.objects[2]
   = help: Kubernetes scales neither (AmbiguousSelector): keep one

1 error found; nothing was simulated.
"#,
    );
    // A misspelt attribute of an External metric's binding.
    let yaml = scenario(
        "{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}}",
        IDLE_PODS,
        &messages(1.0),
    )
    .replace(
        "{queueName: jobs}",
        "{queueName: jobs, attributes: [ApproximateNumberOfMessage]}",
    );
    let error = load_text("bad.yaml", &yaml).expect_err("misspelt attribute");
    assert!(
        error
            .rendered
            .starts_with("error: `ApproximateNumberOfMessage` is not a valid value"),
        "{}",
        error.rendered
    );
    assert!(
        error
            .rendered
            .contains("= help: did you mean `ApproximateNumberOfMessages`?"),
        "{}",
        error.rendered
    );
    assert!(error.rendered.contains("1 error found"), "{}", error.rendered);
}

/// An ECS worker service whose queue `jobs` a CloudWatch alarm watches with `STATISTIC`.
const ECS_ALARM: &str = r#"
name: sqs alarm
duration: 10m
ecs:
  cluster: {clusterName: demo, capacityProviders: [FARGATE]}
  taskDefinitions:
    - {family: worker, cpu: "256", memory: "512", networkMode: awsvpc, requiresCompatibilities: [FARGATE],
       containerDefinitions: [{name: worker, image: w, essential: true}]}
  services:
    - {serviceName: worker, taskDefinition: worker, desiredCount: 1, launchType: FARGATE}
applicationAutoScaling:
  scalableTargets:
    - {ServiceNamespace: ecs, ResourceId: service/demo/worker, ScalableDimension: "ecs:service:DesiredCount", MinCapacity: 1, MaxCapacity: 9}
  scalingPolicies:
    - PolicyName: out
      ServiceNamespace: ecs
      ResourceId: service/demo/worker
      ScalableDimension: ecs:service:DesiredCount
      PolicyType: StepScaling
      StepScalingPolicyConfiguration:
        AdjustmentType: ChangeInCapacity
        StepAdjustments: [{MetricIntervalLowerBound: 0, ScalingAdjustment: 2}]
cloudWatch:
  alarms:
    - {AlarmName: backlog, Namespace: AWS/SQS, MetricName: ApproximateNumberOfMessagesVisible,
       Dimensions: [{Name: QueueName, Value: jobs}], Statistic: STATISTIC, Period: 60, EvaluationPeriods: 1,
       Threshold: 100, ComparisonOperator: GreaterThanThreshold, AlarmActions: [out]}
behavior:
  taskDefinitions:
    worker: {messagesPerSecondPerTask: 1}
load:
  worker: {messagesPerSecond: [{constant: 5}], queueName: jobs}
"#;

#[test]
fn an_ecs_step_policy_alarms_on_the_queue_s_visible_messages() {
    // 5 messages/s against one task at 1/s: 240 more wait each minute, so the alarm (above 100)
    // fires on the first minute's datapoint and the step policy adds two tasks at a time.
    let loaded = load_text("alarm.yaml", &ECS_ALARM.replace("STATISTIC", "Average"))
        .unwrap_or_else(|e| panic!("{}", e.rendered));
    let out = run_to_strings(&loaded);
    let desired = column(&out.services, "desired", Some(("service", "worker")));
    assert_eq!(desired[0], "1");
    assert!(
        desired.iter().any(|d| d.parse::<u32>().expect("count") >= 3),
        "{desired:?}"
    );
    assert!(out.alarms.contains("backlog"), "{}", out.alarms);
    let error = load_text("bad.yaml", &ECS_ALARM.replace("STATISTIC", "SampleCount")).expect_err("SampleCount");
    assert!(
        error
            .rendered
            .starts_with("error: SampleCount of an SQS metric is always 1: it says nothing about the queue"),
        "{}",
        error.rendered
    );
}

#[test]
fn with_use_cached_metrics_the_hpa_reads_keda_s_last_poll() {
    // One warm pod that processes almost nothing, messages at 10/s from the start, KEDA
    // polling every 60 s and never scaling to zero (minReplicaCount 1).
    let keda = KEDA
        .replace(
            "cooldownPeriod: 120",
            "cooldownPeriod: 120\n        minReplicaCount: 1\n        pollingInterval: 60",
        )
        .replace("{messagesPerSecondPerPod: 10}", "{messagesPerSecondPerPod: 0.000001}")
        .replace("[{spike: {at: 5m, duration: 5m, add: 5}}]", "[{constant: 10}]");
    let first_rescale = |yaml: &str| {
        let loaded = load_text("cached.yaml", yaml).unwrap_or_else(|e| panic!("{}", e.rendered));
        let events = run_to_strings(&loaded).events;
        let line = events
            .lines()
            .find(|l| l.contains("HorizontalPodAutoscaler keda-hpa-worker: New size"))
            .unwrap_or_else(|| panic!("{events}"))
            .to_string();
        line.split(',').next().expect("time").parse::<u64>().expect("seconds")
    };
    // Live (the default): the first sync at 15 s sees 150 messages and scales.
    assert_eq!(first_rescale(&keda), 15);
    // Cached: the syncs at 15, 30 and 45 s read the poll at 0 s (an empty queue); the poll at
    // 60 s runs before that second's sync, which scales.
    let cached = keda.replace(
        "- type: aws-sqs-queue",
        "- type: aws-sqs-queue\n            useCachedMetrics: true",
    );
    assert_eq!(first_rescale(&cached), 60);
}

/// An ECS worker service and an EKS Deployment with loads `LOADS` (in that order).
const SHARED_QUEUE: &str = r#"
name: one queue, two consumers
duration: 10m
ecs:
  cluster: {clusterName: demo, capacityProviders: [FARGATE]}
  taskDefinitions:
    - {family: worker, cpu: "256", memory: "512", networkMode: awsvpc, requiresCompatibilities: [FARGATE],
       containerDefinitions: [{name: worker, image: w, essential: true}]}
  services:
    - {serviceName: ecs-worker, taskDefinition: worker, desiredCount: 1, launchType: FARGATE}
eks:
  fargateProfiles: [{fargateProfileName: workers, selectors: [{namespace: default}]}]
  objects:
    - apiVersion: apps/v1
      kind: Deployment
      metadata: {name: eks-worker}
      spec:
        selector: {matchLabels: {app: w}}
        template: {metadata: {labels: {app: w}}, spec: {containers: [{name: w}]}}
behavior:
  taskDefinitions: {worker: {messagesPerSecondPerTask: 1}}
  deployments: {eks-worker: {messagesPerSecondPerPod: 1}}
load:
LOADS"#;

#[test]
fn an_ecs_service_and_a_deployment_may_not_share_a_queue_in_either_order() {
    let eks = "  eks-worker: {messagesPerSecond: [{constant: 5}], queueName: jobs}\n";
    let ecs = "  ecs-worker: {messagesPerSecond: [{constant: 5}], queueName: jobs}\n";
    for (loads, message) in [
        (
            format!("{eks}{ecs}"),
            "queue `jobs` is already consumed by Deployment `eks-worker`",
        ),
        (
            format!("{ecs}{eks}"),
            "queue `jobs` is already consumed by service `ecs-worker`",
        ),
    ] {
        let error = load_text("shared.yaml", &SHARED_QUEUE.replace("LOADS", &loads)).expect_err("shared queue");
        assert!(
            error.rendered.starts_with(&format!("error: {message}")),
            "{}",
            error.rendered
        );
        assert!(error.rendered.contains("1 error found"), "{}", error.rendered);
    }
}

#[test]
fn a_worker_deployment_s_charts_speak_of_pods() {
    let out = run_to_strings(&load_text("keda.yaml", KEDA).expect("loads"));
    let run = crate::support::chart_data(&out);
    ecsim::output::charts::inspect_figures(&run, |figures| {
        let chart = figures
            .iter()
            .find(|f| f.file_stem == "service-worker-messages")
            .expect("the messages chart");
        assert!(
            chart.title.starts_with("Messages and backlog of Deployment worker"),
            "{}",
            chart.title
        );
        let legends: Vec<&str> = chart.panels[2].lines.iter().map(|l| l.legend.as_str()).collect();
        assert_eq!(legends, ["backlog per running pod"]);
        let pods = figures
            .iter()
            .find(|f| f.file_stem == "service-worker-tasks")
            .expect("the pods chart");
        assert!(pods.title.starts_with("Pods of Deployment worker"), "{}", pods.title);
        assert_eq!(pods.panels[0].y_label, "pods");
    });
}
