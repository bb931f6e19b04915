//! Alarms built with metric math (`Metrics` of `AWS::CloudWatch::Alarm`, `metric_query` of
//! `aws_cloudwatch_metric_alarm`): ecsim's alarms watch one metric, so an alarm whose queries
//! amount to one metric imports as that metric, in both importers alike, and every other one is
//! left out with why.

use ecsim::import::{cloudformation, terraform};

use crate::import_terraform::{FARGATE_SERVICE, lines, state};
use crate::support::load_text;

/// A Fargate service, a step policy, and `alarms` (CloudFormation resources).
fn template(alarms: &str) -> String {
    format!(
        r#"
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: web
      Cpu: "256"
      Memory: "512"
      NetworkMode: awsvpc
      RequiresCompatibilities: [FARGATE]
      ContainerDefinitions: [{{Name: app, Image: web:1}}]
  Web:
    Type: AWS::ECS::Service
    Properties:
      ServiceName: web
      Cluster: demo
      LaunchType: FARGATE
      TaskDefinition: !Ref Task
      DesiredCount: 2
  Target:
    Type: AWS::ApplicationAutoScaling::ScalableTarget
    Properties:
      ServiceNamespace: ecs
      ScalableDimension: ecs:service:DesiredCount
      ResourceId: service/demo/web
      MinCapacity: 1
      MaxCapacity: 6
  Up:
    Type: AWS::ApplicationAutoScaling::ScalingPolicy
    Properties:
      PolicyName: up
      PolicyType: StepScaling
      ScalingTargetId: !Ref Target
      StepScalingPolicyConfiguration:
        AdjustmentType: ChangeInCapacity
        StepAdjustments: [{{MetricIntervalLowerBound: 0, ScalingAdjustment: 1}}]
{alarms}"#
    )
}

const CFN_ALARMS: &str = r#"
  OneMetric:
    Type: AWS::CloudWatch::Alarm
    Properties:
      AlarmName: cpu-high
      EvaluationPeriods: 3
      Threshold: 70
      ComparisonOperator: GreaterThanThreshold
      AlarmActions: [!Ref Up]
      Metrics:
        - Id: m1
          ReturnData: false
          MetricStat:
            Metric:
              Namespace: AWS/ECS
              MetricName: CPUUtilization
              Dimensions: [{Name: ClusterName, Value: demo}, {Name: ServiceName, Value: web}]
            Stat: Maximum
            Period: 60
        - Id: e1
          Expression: m1
          Label: cpu
  Ratio:
    Type: AWS::CloudWatch::Alarm
    Properties:
      AlarmName: cpu-over-memory
      EvaluationPeriods: 1
      Threshold: 2
      ComparisonOperator: GreaterThanThreshold
      Metrics:
        - Id: m1
          ReturnData: false
          MetricStat:
            Metric: {Namespace: AWS/ECS, MetricName: CPUUtilization, Dimensions: [{Name: ServiceName, Value: web}]}
            Stat: Average
            Period: 60
        - Id: m2
          ReturnData: false
          MetricStat:
            Metric: {Namespace: AWS/ECS, MetricName: MemoryUtilization, Dimensions: [{Name: ServiceName, Value: web}]}
            Stat: Average
            Period: 60
        - Id: e1
          Expression: m1 / m2
"#;

#[test]
fn a_cloudformation_alarm_whose_metric_math_is_one_metric_imports_as_that_metric() {
    let read = |_: &str, r: &str| Err(format!("{r} is not needed"));
    let imported = cloudformation::import(&template(CFN_ALARMS), "math.yaml", None, &read).expect("imports");
    let yaml = imported.scenario.to_yaml("");
    assert!(
        yaml.contains("    - AlarmName: cpu-high\n      Namespace: AWS/ECS\n      MetricName: CPUUtilization\n      Dimensions:\n        - Name: ClusterName\n          Value: demo\n        - Name: ServiceName\n          Value: web\n      Statistic: Maximum\n      Period: 60\n      EvaluationPeriods: 3\n"),
        "{yaml}"
    );
    assert!(!yaml.contains("cpu-over-memory"), "{yaml}");
    let loaded = load_text("math.yaml", &yaml).unwrap_or_else(|e| panic!("{}\n{yaml}", e.rendered));
    assert_eq!(loaded.spec.auto_scaling.alarms.len(), 1);
    assert_eq!(
        loaded.spec.auto_scaling.alarms[0].stream.metric_name(),
        "CPUUtilization"
    );
    let imported_lines = lines(&imported.report.imported);
    assert!(
        imported_lines.contains(&"Resources.OneMetric (AWS::CloudWatch::Alarm): alarm `cpu-high` on metric math whose result is the one metric AWS/ECS CPUUtilization (Maximum): written as that metric -> cloudWatch.alarms".to_string()),
        "{imported_lines:#?}"
    );
    let ignored = lines(&imported.report.ignored);
    assert!(
        ignored.contains(&"Resources.Ratio (AWS::CloudWatch::Alarm): alarm `cpu-over-memory` on metric math (Metrics) left out: its result is the expression `m1 / m2`, which combines or transforms metrics: ecsim's alarms watch one metric and have no metric math (a target tracking policy's CustomizedMetricSpecification can divide two)".to_string()),
        "{ignored:#?}"
    );
}

#[test]
fn a_terraform_alarm_whose_metric_query_is_one_metric_imports_as_that_metric() {
    let query = |id: &str, returns: bool, metric: &str, stat: &str| {
        format!(
            r#"{{"id": "{id}", "return_data": {returns}, "expression": "", "label": "", "account_id": "", "period": 0,
                "metric": [{{"namespace": "AWS/ECS", "metric_name": "{metric}", "period": 60, "stat": "{stat}", "unit": "",
                             "dimensions": {{"ClusterName": "c", "ServiceName": "s"}}}}]}}"#
        )
    };
    let alarm = |name: &str, queries: &[String]| {
        format!(
            r#"{{"address": "aws_cloudwatch_metric_alarm.{name}", "mode": "managed", "type": "aws_cloudwatch_metric_alarm", "name": "{name}",
                "values": {{"alarm_name": "{name}", "evaluation_periods": 2, "threshold": 80, "comparison_operator": "GreaterThanThreshold",
                           "namespace": "", "metric_name": "", "statistic": "", "period": 0, "dimensions": null,
                           "metric_query": [{}]}}}}"#,
            queries.join(",")
        )
    };
    let alarms = [
        alarm("one", &[query("m1", true, "CPUUtilization", "Maximum")]),
        alarm(
            "two",
            &[
                query("m1", true, "CPUUtilization", "Average"),
                query("m2", true, "MemoryUtilization", "Average"),
            ],
        ),
        alarm("p90", &[query("m1", true, "CPUUtilization", "p90")]),
    ];
    let text = state(&format!("{FARGATE_SERVICE},\n{}", alarms.join(",\n")));
    let imported = terraform::import(&text, "state.json").expect("imports");
    let yaml = imported.scenario.to_yaml("");
    assert!(
        yaml.contains("AlarmName: one\n      Namespace: AWS/ECS\n      MetricName: CPUUtilization\n      Dimensions:\n        - Name: ClusterName\n          Value: c\n        - Name: ServiceName\n          Value: s\n      Statistic: Maximum\n      Period: 60\n"),
        "{yaml}"
    );
    assert!(!yaml.contains("AlarmName: two"), "{yaml}");
    assert!(!yaml.contains("AlarmName: p90"), "{yaml}");
    load_text("state.yaml", &yaml).unwrap_or_else(|e| panic!("{}\n{yaml}", e.rendered));
    let ignored = lines(&imported.report.ignored);
    assert!(
        ignored.contains(&"aws_cloudwatch_metric_alarm.two (aws_cloudwatch_metric_alarm): an alarm on metric math (metric_query) left out: 2 queries return data (an alarm needs exactly one with ReturnData true)".to_string()),
        "{ignored:#?}"
    );
    assert!(
        ignored.contains(&"aws_cloudwatch_metric_alarm.p90 (aws_cloudwatch_metric_alarm): an alarm on metric math (metric_query) left out: its statistic `p90` is not one ecsim computes for AWS/ECS (Average, Sum, Minimum, Maximum, SampleCount, or a percentile of an AWS/ApplicationELB metric)".to_string()),
        "{ignored:#?}"
    );
}
