//! Mistakes in a predictive scaling policy or in `behavior.predictiveScaling` (issue 21,
//! reference 15): each a located error with what is expected and, where one exists, the nearest
//! valid name; and the load and scaling metrics that make a pair.

use crate::predictive_scaling::scenario;
use crate::support::{load_text, run_to_strings};

#[test]
fn bad_predictive_configurations_are_located_errors() {
    for (replace, expected) in [
        ("SchedulingBufferTime: 300", "SchedulingBufferTime"),
        (
            "SchedulingBufferTime: 300\n        MaxCapacityBuffer: 10",
            "MaxCapacityBuffer can only be used with MaxCapacityBreachBehavior IncreaseMaxCapacity",
        ),
        (
            "SchedulingBufferTime: 300\n        MaxCapacityBreachBehavior: IncreaseMaxCapacity",
            "IncreaseMaxCapacity needs MaxCapacityBuffer",
        ),
    ] {
        let text = scenario(Some("ForecastAndScale"), 300, 2).replace("SchedulingBufferTime: 300", replace);
        let text = if expected == "SchedulingBufferTime" {
            text.replace("SchedulingBufferTime: 300", "SchedulingBufferTime: 3600")
        } else {
            text
        };
        let err = load_text("predictive.yaml", &text).expect_err("refused").to_string();
        assert!(err.contains(expected), "{err}");
        assert!(err.contains("predictive.yaml:"), "located: {err}");
    }
    let custom = scenario(Some("ForecastAndScale"), 300, 2).replace(
        "PredefinedMetricPairSpecification: {PredefinedMetricType: ECSServiceCPUUtilization}",
        "CustomizedLoadMetricSpecification: {MetricDataQueries: []}",
    );
    let err = load_text("predictive.yaml", &custom).expect_err("refused").to_string();
    assert!(err.contains("is not simulated"), "{err}");
    assert!(
        err.contains("ECSServiceCPUUtilization, ECSServiceMemoryUtilization or ALBRequestCount"),
        "{err}"
    );
}

#[test]
fn replay_mistakes_are_located_with_a_suggestion() {
    let with = |forecasts: &str| {
        scenario(Some("ForecastAndScale"), 300, 2).replace(
            "behavior:\n",
            &format!("behavior:\n  predictiveScaling:\n    forecaster: replay\n    forecasts: {forecasts}\n"),
        )
    };
    let err = load_text(
        "predictive.yaml",
        &with("{forecats: data/predictive-forecast-example.json}"),
    )
    .expect_err("refused")
    .to_string();
    assert!(err.contains("no PredictiveScaling policy named `forecats`"), "{err}");
    assert!(err.contains("did you mean `forecast`?"), "{err}");
    let err = load_text("predictive.yaml", &with("{forecast: data/no-such-file.json}"))
        .expect_err("refused")
        .to_string();
    assert!(err.contains("cannot read `data/no-such-file.json`"), "{err}");
    // A file that is not the forecast: located in that file.
    let err = load_text("predictive.yaml", &with("{forecast: data/alb-requests.csv}"))
        .expect_err("refused")
        .to_string();
    assert!(err.contains("alb-requests.csv:"), "{err}");
}

#[test]
fn metric_pairs_are_checked() {
    let with_pair = |pair: &str| {
        scenario(Some("ForecastAndScale"), 300, 2).replace(
            "PredefinedMetricPairSpecification: {PredefinedMetricType: ECSServiceCPUUtilization}",
            pair,
        )
    };
    for (pair, expected) in [
        (
            "PredefinedMetricPairSpecification: {PredefinedMetricType: ALBRequestCount}",
            "ResourceLabel",
        ),
        (
            "PredefinedMetricPairSpecification: {PredefinedMetricType: ECSServiceAverageCPUUtilization}",
            "`ECSServiceAverageCPUUtilization` is a load or scaling metric, not a metric pair",
        ),
        (
            "PredefinedLoadMetricSpecification: {PredefinedMetricType: ECSServiceTotalCPUUtilization}\n            \
             PredefinedScalingMetricSpecification: {PredefinedMetricType: ECSServiceAverageMemoryUtilization}",
            "measure different things",
        ),
        (
            "PredefinedMetricPairSpecification: {PredefinedMetricType: ECSServiceCPUUtilizaton}",
            "did you mean `ECSServiceCPUUtilization`",
        ),
    ] {
        let err = load_text("predictive.yaml", &with_pair(pair))
            .expect_err("refused")
            .to_string();
        assert!(err.contains(expected), "{pair}: {err}");
    }
    // The load and scaling metrics of one pair are that pair.
    let split = with_pair(
        "PredefinedLoadMetricSpecification: {PredefinedMetricType: ECSServiceTotalMemoryUtilization}\n            \
         PredefinedScalingMetricSpecification: {PredefinedMetricType: ECSServiceAverageMemoryUtilization}",
    );
    let loaded = load_text("predictive.yaml", &split).expect("loads");
    let out = run_to_strings(&loaded);
    let summary: serde_json::Value = serde_json::from_str(&out.summary).expect("json");
    assert_eq!(summary["scaling_policies"][1]["metric"], "ECSServiceMemoryUtilization");
}

#[test]
fn a_customized_metric_and_a_misspelt_mode_are_pinned_whole() {
    let yaml = "\
name: bad
duration: 1h
ecs:
  cluster: {clusterName: c, capacityProviders: [FARGATE]}
  taskDefinitions:
    - {family: web, cpu: '256', memory: '512', networkMode: awsvpc, requiresCompatibilities: [FARGATE],
       containerDefinitions: [{name: web, image: web}]}
  services:
    - {serviceName: web, taskDefinition: web, desiredCount: 1, launchType: FARGATE}
applicationAutoScaling:
  scalableTargets:
    - {ServiceNamespace: ecs, ResourceId: service/c/web, ScalableDimension: 'ecs:service:DesiredCount', MinCapacity: 1, MaxCapacity: 4}
  scalingPolicies:
    - PolicyName: forecast
      ServiceNamespace: ecs
      ResourceId: service/c/web
      ScalableDimension: ecs:service:DesiredCount
      PolicyType: PredictiveScaling
      PredictiveScalingPolicyConfiguration:
        MetricSpecifications:
          - TargetValue: 60
            CustomizedLoadMetricSpecification: {MetricDataQueries: []}
        Mode: ForecastAndScal
";
    let expected = "\
error: CustomizedLoadMetricSpecification is not simulated: ecsim forecasts the predefined metrics of the service it measures
  --> bad.yaml:22:13
   |
22 |             CustomizedLoadMetricSpecification: {MetricDataQueries: []}
   |             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
   = field: applicationAutoScaling.scalingPolicies[0].PredictiveScalingPolicyConfiguration.MetricSpecifications[0].CustomizedLoadMetricSpecification
   = help: use PredefinedMetricPairSpecification with ECSServiceCPUUtilization, ECSServiceMemoryUtilization or ALBRequestCount

error: `ForecastAndScal` is not a valid value
  --> bad.yaml:23:15
   |
23 |         Mode: ForecastAndScal
   |               ^^^^^^^^^^^^^^^
   = field: applicationAutoScaling.scalingPolicies[0].PredictiveScalingPolicyConfiguration.Mode
   = help: did you mean `ForecastAndScale`? (valid: ForecastOnly, ForecastAndScale)

2 errors found; nothing was simulated.";
    let error = load_text("bad.yaml", yaml).expect_err("refused");
    assert_eq!(error.rendered.trim_end(), expected, "\nactual:\n{}", error.rendered);
}
