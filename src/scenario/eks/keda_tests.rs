//! Tests of the ScaledObject reader: KEDA's defaults, the HPA it creates, and its errors
//! (k8s-semantics 1.10).

use super::*;
use crate::model::k8s::{DeploymentStrategy, IntOrPercent, LabelSelector, PodResources, PodTemplate};
use crate::scenario::yaml::parse;
use crate::spec::eks::PodRevision;

fn deployment(name: &str) -> DeploymentSpec {
    let template = PodTemplate {
        labels: Default::default(),
        containers: vec![],
        init_containers: vec![],
        sidecars: vec![],
        node_selector: Default::default(),
        affinity: Default::default(),
        tolerations: vec![],
        topology_spread: vec![],
        termination_grace_period_s: 30,
        pre_stop_s: 0,
        priority: 0,
        overhead: PodResources::ZERO,
    };
    DeploymentSpec {
        name: name.into(),
        namespace: "default".into(),
        replicas: 1,
        selector: LabelSelector::default(),
        revisions: vec![PodRevision {
            template,
            serving: super::super::serving::default_serving(),
            never_ready: false,
            app_start_s: 0,
            messages_per_second_per_pod: Some(10.0),
        }],
        strategy: DeploymentStrategy::RollingUpdate {
            max_surge: IntOrPercent::Percent(25),
            max_unavailable: IntOrPercent::Percent(25),
        },
        min_ready_seconds: 0,
        progress_deadline_seconds: 600,
        revision_history_limit: 10,
        load: None,
        queue: None,
    }
}

/// Reads a ScaledObject whose `spec` is `spec` (YAML flow), targeting Deployment `worker`.
fn read(spec: &str) -> (Option<ScaledObjectRead>, Diagnostics) {
    let yaml = format!("{{apiVersion: keda.sh/v1alpha1, kind: ScaledObject, metadata: {{name: jobs}}, spec: {spec}}}");
    let tree = parse(&yaml, 0).expect("yaml");
    let mut d = Diagnostics::default();
    let deployments = [deployment("web"), deployment("worker")];
    let s = read_scaled_object(&tree, "so", (&deployments, &[]), &mut d);
    (s, d)
}

const TRIGGER: &str =
    "triggers: [{type: aws-sqs-queue, metadata: {queueURL: \"https://sqs.us-east-1.amazonaws.com/1/orders\"}}]";

#[test]
fn defaults_make_keda_s_hpa_and_its_activation() {
    let (s, d) = read(&format!("{{scaleTargetRef: {{name: worker}}, {TRIGGER}}}"));
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    let s = s.expect("read");
    // The HPA KEDA creates: keda-hpa-<name>, one External metric named after the queue,
    // AverageValue queueLength 5, min max(1, minReplicaCount 0) = 1, max 100, no behavior.
    assert_eq!(s.hpa.name, "keda-hpa-jobs");
    assert_eq!(s.hpa.deployment, 1);
    assert_eq!((s.hpa.min_replicas, s.hpa.max_replicas), (1, 100));
    assert_eq!(
        s.hpa.metrics,
        vec![HpaMetric {
            source: MetricSource::External {
                metric: "s0-aws-sqs-orders".into()
            },
            target: MetricTarget::AverageValue(5_000),
        }]
    );
    assert_eq!(s.hpa.behavior, None);
    assert_eq!(s.queue.name, "orders");
    assert!(!s.cached);
    // KEDA's own loop: 30 s polls, 300 s cooldown, to zero, active above 0 messages, counting
    // messages visible and in flight.
    let so = &s.scaled_object;
    assert_eq!(so.polling_interval, SimDuration::from_secs(30));
    assert_eq!(so.cooldown_period, SimDuration::from_secs(300));
    assert_eq!(so.initial_cooldown_period, SimDuration::ZERO);
    assert_eq!((so.min_replica_count, so.activation_queue_length), (0, 0));
    assert_eq!(so.attributes, vec![QueueAttribute::Visible, QueueAttribute::NotVisible]);
}

#[test]
fn trigger_metadata_is_read_as_keda_reads_strings() {
    let (s, d) = read(
        "{scaleTargetRef: {name: worker}, minReplicaCount: 2, maxReplicaCount: 30, pollingInterval: 10, \
         cooldownPeriod: 60, advanced: {horizontalPodAutoscalerConfig: {name: custom, behavior: {scaleDown: {stabilizationWindowSeconds: 0}}}}, \
         triggers: [{type: aws-sqs-queue, metricType: Value, useCachedMetrics: true, \
         metadata: {queueURL: jobs, queueLength: \"10\", activationQueueLength: \"3\", scaleOnInFlight: \"false\", scaleOnDelayed: \"true\"}}]}",
    );
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    let s = s.expect("read");
    assert_eq!(s.hpa.name, "custom");
    assert_eq!((s.hpa.min_replicas, s.hpa.max_replicas), (2, 30));
    assert_eq!(s.hpa.metrics[0].target, MetricTarget::Value(10_000));
    let behavior = s.hpa.behavior.expect("behavior");
    assert_eq!(behavior.scale_down.stabilization_window_s, Some(0));
    assert_eq!(s.queue.name, "jobs", "a bare queue name is its own");
    assert!(s.cached);
    let so = &s.scaled_object;
    assert_eq!(so.polling_interval, SimDuration::from_secs(10));
    assert_eq!((so.min_replica_count, so.activation_queue_length), (2, 3));
    assert_eq!(so.attributes, vec![QueueAttribute::Visible, QueueAttribute::Delayed]);
}

#[track_caller]
fn check_error(spec: &str, message: &str, help: Option<&str>) {
    let (s, d) = read(spec);
    assert!(s.is_none(), "{spec}");
    let shown = d.shown();
    assert_eq!(shown.len(), 1, "{spec}: {:?}", shown);
    assert_eq!(shown[0].message, message, "{spec}");
    assert_eq!(shown[0].help.as_deref(), help, "{spec}");
}

#[test]
fn errors_name_what_is_simulated() {
    check_error(
        "{scaleTargetRef: {name: worker}, triggers: [{type: kafka, metadata: {topic: t}}]}",
        "trigger type `kafka` is not simulated",
        Some("ecsim simulates the `aws-sqs-queue` scaler, fed by a queue a Deployment consumes"),
    );
    check_error(
        &format!("{{scaleTargetRef: {{name: worke}}, {TRIGGER}}}"),
        "no Deployment `worke` in namespace `default` among eks.objects",
        Some("did you mean `worker`?"),
    );
    check_error(
        "{scaleTargetRef: {name: worker}, triggers: [{type: aws-sqs-queue, metricType: Utilization, metadata: {queueURL: q}}]}",
        "metricType Utilization is for the cpu and memory scalers",
        Some("use AverageValue (the default) or Value"),
    );
    check_error(
        "{scaleTargetRef: {name: worker}, triggers: [{type: aws-sqs-queue, metadata: {queueURL: q, scaleOnInFlight: maybe}}]}",
        "expected \"true\" or \"false\", found `maybe`",
        None,
    );
    check_error(
        &format!("{{scaleTargetRef: {{name: worker}}, minReplicaCount: 5, maxReplicaCount: 2, {TRIGGER}}}"),
        "must be greater than or equal to `minReplicaCount` (5)",
        None,
    );
}

#[test]
fn a_misspelt_key_is_one_error_with_its_did_you_mean() {
    for (from, to) in [
        ("cooldownPeriod", "cooldownPeriodd"),
        ("queueURL", "queueUrl"),
        ("scaleTargetRef", "scaleTargetRf"),
        ("queueLength", "queueLenght"),
    ] {
        let spec = "{scaleTargetRef: {name: worker}, cooldownPeriod: 60, triggers: [{type: aws-sqs-queue, \
                    metadata: {queueURL: q, queueLength: \"2\"}}]}"
            .replacen(from, to, 1);
        let (_, d) = read(&spec);
        let shown = d.shown();
        assert_eq!(shown.len(), 1, "{to}: {:?}", shown);
        assert_eq!(shown[0].message, format!("unknown field `{to}`"), "{to}");
        assert_eq!(
            shown[0].help.as_deref(),
            Some(format!("did you mean `{from}`?").as_str()),
            "{to}"
        );
    }
}

#[test]
fn keda_names_its_metric_after_the_queue() {
    assert_eq!(sqs_metric_name("orders"), "s0-aws-sqs-orders");
    assert_eq!(sqs_metric_name("jobs.fifo"), "s0-aws-sqs-jobs-fifo");
    assert_eq!(
        queue_name_of_url("https://sqs.eu-west-1.amazonaws.com/123/QueueName"),
        "QueueName"
    );
    assert_eq!(
        queue_name_of_url("https://sqs.eu-west-1.amazonaws.com/123/QueueName/"),
        "QueueName"
    );
    assert_eq!(queue_name_of_url("bare"), "bare");
}
