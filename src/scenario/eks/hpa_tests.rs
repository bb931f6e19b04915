//! Tests of the HPA reader: defaults, validation and behavior filling (k8s-semantics 1.1, 1.8, W9–W16).

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
            messages_per_second_per_pod: None,
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

fn read(api: &str, spec: &str) -> (Option<HpaSpec>, Diagnostics) {
    let yaml = format!(
        "{{apiVersion: {api}, kind: HorizontalPodAutoscaler, metadata: {{name: web}}, \
         spec: {{scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: web}}, {spec}}}}}"
    );
    let tree = parse(&yaml, 0).expect("yaml");
    let mut d = Diagnostics::default();
    let deployments = [deployment("api"), deployment("web")];
    let h = read_hpa(&tree, "h", api == "autoscaling/v1", (&deployments, &[]), &mut d);
    (h, d)
}

#[track_caller]
fn check(spec: &str, expected: Result<(u32, u32, Vec<HpaMetric>), &str>) {
    let (h, d) = read("autoscaling/v2", spec);
    match expected {
        Ok((min, max, metrics)) => {
            let h = h.unwrap_or_else(|| panic!("{spec}: {:?}", d.errors));
            assert_eq!(
                (h.min_replicas, h.max_replicas, h.metrics),
                (min, max, metrics),
                "{spec}"
            );
            assert_eq!(h.deployment, 1);
        }
        Err(message) => {
            assert!(h.is_none(), "{spec}");
            assert_eq!(d.errors.first().map(|e| e.message.as_str()), Some(message), "{spec}");
        }
    }
}

fn metric(source: MetricSource, target: MetricTarget) -> HpaMetric {
    HpaMetric { source, target }
}

#[test]
fn replicas_and_metrics_default_as_the_api_does() {
    let cpu = |name: &str| MetricSource::Resource { name: name.into() };
    // k8s-semantics 1.1: minReplicas 1; no metrics = CPU Utilization 80 %.
    check("maxReplicas: 10", Ok((1, 10, vec![default_cpu_metric(80)])));
    check(
        "minReplicas: 10, maxReplicas: 10",
        Ok((10, 10, vec![default_cpu_metric(80)])),
    );
    check(
        "maxReplicas: 5, metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}}]",
        Ok((1, 5, vec![metric(cpu("cpu"), MetricTarget::Utilization(50))])),
    );
    // k8s-semantics W16: a memory AverageValue of 100Mi, in thousandths of a MiB.
    check(
        "maxReplicas: 5, metrics: [{type: Resource, resource: {name: memory, target: {type: AverageValue, averageValue: 100Mi}}}]",
        Ok((1, 5, vec![metric(cpu("memory"), MetricTarget::AverageValue(100_000))])),
    );
    // k8s-semantics W14: an External Value target of 6.666.
    check(
        "maxReplicas: 5, metrics: [{type: External, external: {metric: {name: q}, target: {type: Value, value: '6.666'}}}]",
        Ok((
            1,
            5,
            vec![metric(
                MetricSource::External { metric: "q".into() },
                MetricTarget::Value(6666),
            )],
        )),
    );
    check(
        "minReplicas: 0, maxReplicas: 3",
        Err("0 is out of range: expected 1 to 2147483647"),
    );
    check(
        "minReplicas: 4, maxReplicas: 3",
        Err("must be greater than or equal to `minReplicas` (4)"),
    );
    check(
        "minReplicas: 2",
        Err("missing required field `maxReplicas` (the most pods the HPA scales to)"),
    );
    check(
        "maxReplicas: 3, metrics: [{type: Pods, resource: {name: cpu}}]",
        Err("must populate information for the given metric source (`pods` for type Pods)"),
    );
    check(
        "maxReplicas: 3, metrics: [{type: Resource, resource: {name: cpu, target: {type: Value, value: 1}}}]",
        Err("`Value` is not a valid value"),
    );
}

#[test]
fn a_v1_hpa_reads_its_cpu_target_as_one_metric() {
    let (h, d) = read("autoscaling/v1", "maxReplicas: 4, targetCPUUtilizationPercentage: 60");
    let h = h.unwrap_or_else(|| panic!("{:?}", d.errors));
    assert_eq!(h.metrics, vec![default_cpu_metric(60)]);
    assert_eq!(h.behavior, None);
}

#[test]
fn a_missing_target_is_an_error_with_the_closest_name() {
    let yaml = "{apiVersion: autoscaling/v2, kind: HorizontalPodAutoscaler, metadata: {name: h}, \
                spec: {scaleTargetRef: {kind: Deployment, name: webb}, maxReplicas: 3}}";
    let tree = parse(yaml, 0).expect("yaml");
    let mut d = Diagnostics::default();
    let deployments = [deployment("web")];
    assert!(read_hpa(&tree, "h", false, (&deployments, &[]), &mut d).is_none());
    assert_eq!(
        d.errors[0].message,
        "no Deployment `webb` in namespace `default` among eks.objects"
    );
    assert_eq!(d.errors[0].help.as_deref(), Some("did you mean `web`?"));
    let mut d = Diagnostics::default();
    assert!(read_hpa(&tree, "h", false, (&deployments, &["webb".to_string()]), &mut d).is_none());
    assert!(
        d.errors.is_empty(),
        "a Deployment with its own error is not reported twice"
    );
}

#[track_caller]
fn check_behavior(behavior: &str, expected: Result<HpaBehavior, &str>) {
    let (h, d) = read("autoscaling/v2", &format!("maxReplicas: 10, behavior: {behavior}"));
    match expected {
        Ok(b) => assert_eq!(h.map(|h| h.behavior), Some(Some(b)), "{behavior}: {:?}", d.errors),
        Err(m) => assert_eq!(d.errors.first().map(|e| e.message.as_str()), Some(m), "{behavior}"),
    }
}

fn policy(kind: ScalingPolicyKind, value: u32, period_s: u32) -> HpaScalingPolicy {
    HpaScalingPolicy { kind, value, period_s }
}

#[test]
fn behavior_is_filled_field_by_field() {
    let defaults = HpaBehavior {
        scale_up: ScalingRules::default_scale_up(),
        scale_down: ScalingRules::default_scale_down(),
    };
    // k8s-semantics 1.8 (W9's defaulted behavior): an empty behavior is every default.
    check_behavior("{}", Ok(defaults.clone()));
    // k8s-semantics W10: scale-down policies replace the default list whole; scale-up keeps its defaults.
    let mut w10 = defaults.clone();
    w10.scale_down.stabilization_window_s = Some(0);
    w10.scale_down.policies = vec![
        policy(ScalingPolicyKind::Pods, 4, 60),
        policy(ScalingPolicyKind::Percent, 10, 60),
    ];
    check_behavior(
        "{scaleDown: {stabilizationWindowSeconds: 0, policies: [{type: Pods, value: 4, periodSeconds: 60}, {type: Percent, value: 10, periodSeconds: 60}]}}",
        Ok(w10),
    );
    // k8s-semantics W11: selectPolicy Min, window left to the controller's flag.
    let mut w11 = defaults.clone();
    w11.scale_down.select_policy = SelectPolicy::Min;
    check_behavior("{scaleDown: {selectPolicy: Min}}", Ok(w11));
    // k8s-semantics W16: a per-direction tolerance.
    let mut w16 = defaults.clone();
    w16.scale_up.tolerance = Some(0.05);
    check_behavior("{scaleUp: {tolerance: '0.05'}}", Ok(w16));
    let mut disabled = defaults;
    disabled.scale_down.select_policy = SelectPolicy::Disabled;
    disabled.scale_down.policies = vec![];
    check_behavior("{scaleDown: {selectPolicy: Disabled, policies: []}}", Ok(disabled));
    check_behavior(
        "{scaleUp: {policies: [{type: Pods, value: 4, periodSeconds: 1801}]}}",
        Err("1801 is out of range: expected 1 to 1800"),
    );
    check_behavior(
        "{scaleUp: {policies: [{type: Pods, value: 4, periodSeconds: 0}]}}",
        Err("0 is out of range: expected 1 to 1800"),
    );
    check_behavior(
        "{scaleDown: {stabilizationWindowSeconds: 3601}}",
        Err("3601 is out of range: expected 0 to 3600"),
    );
    check_behavior(
        "{scaleUp: {stabilizationWindowSeconds: 3600}}",
        Ok({
            let mut b = HpaBehavior {
                scale_up: ScalingRules::default_scale_up(),
                scale_down: ScalingRules::default_scale_down(),
            };
            b.scale_up.stabilization_window_s = Some(3600);
            b
        }),
    );
    check_behavior("{scaleUp: {policies: []}}", Err("must specify at least one Policy"));
    check_behavior(
        "{scaleUp: {policies: [{type: Pods, value: 0, periodSeconds: 15}]}}",
        Err("0 is out of range: expected 1 to 2147483647"),
    );
}
