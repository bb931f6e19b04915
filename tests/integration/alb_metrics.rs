//! The load balancer's CloudWatch metrics (issue 14, item 4): TargetResponseTime, RequestCount and
//! the 5XX counts in step-scaling alarms, deployment alarms and target tracking customized
//! metrics; missing datapoints; and the reader's refusals.

use crate::support::{activities, column, load_text, run_to_strings};

const TG: &str = "targetgroup/api/6d0ecf831eec9f09";

/// A Fargate service `api` of `tasks` tasks (exponential service of 100 ms, 8 slots: 80
/// requests/s a task) behind target group `api`, with `load` (shapes, no noise), `scaling`
/// (an `applicationAutoScaling` block, or empty), `alarms` (items of `cloudWatch.alarms`) and
/// `extra` service fields; two hours.
fn scenario(tasks: u32, load: &str, scaling: &str, alarms: &str, extra: &str) -> String {
    format!(
        "duration: 2h
elasticLoadBalancing:
  targetGroups: [{{TargetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:1:{TG}'}}]
ecs:
  cluster: {{clusterName: demo, capacityProviders: [FARGATE]}}
  taskDefinitions:
    - {{family: api, cpu: \"1024\", memory: \"2048\", networkMode: awsvpc, requiresCompatibilities: [FARGATE],
       containerDefinitions: [{{name: api, image: example/api}}]}}
  services:
    - serviceName: api
      taskDefinition: api
      desiredCount: {tasks}
      launchType: FARGATE
      loadBalancers: [{{targetGroupArn: api, containerName: api, containerPort: 8080}}]
{extra}
{scaling}
cloudWatch:
  alarms:
{alarms}
behavior:
  latency: {{timeout: 20s}}
  taskDefinitions:
    api: {{serviceTime: {{distribution: exponential, mean: 100ms}}, concurrency: 8, idleCpuPercent: 0}}
load:
  api:
    requestsPerSecond: {load}
"
    )
}

/// A `cloudWatch.alarms` item on `metric` with `statistic` (e.g. `ExtendedStatistic: p99`).
fn alarm(name: &str, metric: &str, statistic: &str, period: u32, rest: &str) -> String {
    format!(
        "    - AlarmName: {name}
      Namespace: AWS/ApplicationELB
      MetricName: {metric}
      Dimensions: [{{Name: LoadBalancer, Value: app/demo/1}}, {{Name: TargetGroup, Value: {TG}}}]
      {statistic}
      Period: {period}
{rest}"
    )
}

const STEP_TARGET: &str = "applicationAutoScaling:
  scalableTargets:
    - {ServiceNamespace: ecs, ResourceId: service/demo/api, ScalableDimension: 'ecs:service:DesiredCount', MinCapacity: 2, MaxCapacity: 30}
  scalingPolicies:
    - PolicyName: latency-out
      ServiceNamespace: ecs
      ResourceId: service/demo/api
      ScalableDimension: ecs:service:DesiredCount
      PolicyType: StepScaling
      StepScalingPolicyConfiguration:
        AdjustmentType: ChangeInCapacity
        Cooldown: 120
        StepAdjustments: [{MetricIntervalLowerBound: 0, ScalingAdjustment: 3}]";

fn numbers(values: &[String]) -> Vec<f64> {
    values.iter().map(|v| v.parse().expect("a number")).collect()
}

fn run(yaml: &str) -> crate::support::RunOutput {
    run_to_strings(&load_text("alb.yaml", yaml).unwrap_or_else(|e| panic!("{e}")))
}

#[test]
fn a_step_policy_on_a_p99_alarm_scales_out_during_a_spike() {
    // 6 tasks serve 480 requests/s; 400 arrive, then 700 for 30 minutes from 30m. The p99 of
    // each minute is about 0.46 s until the backlog builds; the alarm fires above 1 s.
    let alarms = alarm(
        "api-p99",
        "TargetResponseTime",
        "ExtendedStatistic: p99",
        60,
        "      EvaluationPeriods: 1
      Threshold: 1
      ComparisonOperator: GreaterThanThreshold
      AlarmActions: [latency-out]
",
    );
    let yaml = scenario(
        6,
        "[{constant: 400}, {spike: {at: 30m, duration: 30m, add: 300}}]",
        STEP_TARGET,
        &alarms,
        "",
    );
    let out = run(&yaml);
    let scale_outs = activities(&out.events);
    assert!(!scale_outs.is_empty(), "{}", out.events);
    let (first, message) = &scale_outs[0];
    assert!(message.contains("latency-out: TargetResponseTime"), "{message}");
    // The first overloaded minute ends at 31m; its datapoint reaches the alarm 3 minutes later.
    assert!((1_860.0..=2_100.0).contains(first), "scaled out at {first} s");
    assert!(
        numbers(&column(&out.services, "desired", None))
            .iter()
            .any(|d| *d >= 9.0)
    );
    // Every evaluated datapoint is that minute's p99 in seconds: the same as services.csv's.
    let alarm_rows = crate::support::run_to_strings_with(
        &load_text("alb.yaml", &yaml).expect("loads"),
        ecsim::output::AlarmRows::Evaluations,
    )
    .alarms;
    let values = numbers(&column(&alarm_rows, "value", None));
    let p99_ms = numbers(&column(&out.services, "latency_p99_ms", None));
    assert_eq!(
        values.len() + 3,
        p99_ms.len(),
        "one datapoint a minute, 3 minutes behind"
    );
    for (i, v) in values.iter().enumerate() {
        let want = p99_ms[i] / 1_000.0;
        assert!(
            (v - want).abs() <= 1e-3 * want + 1e-3,
            "minute {i}: alarm {v} s, services.csv {want} s"
        );
    }
}

#[test]
fn a_five_minute_percentile_is_the_percentile_of_its_requests() {
    // Two busy minutes (98 % of capacity) in quiet 5-minute periods: a 5-minute p99 alarm sees
    // the p99 of all five minutes' requests, between the smallest and the largest minute's p99,
    // and not their mean.
    let alarms = alarm(
        "api-p99-5m",
        "TargetResponseTime",
        "ExtendedStatistic: p99",
        300,
        "      EvaluationPeriods: 1
      Threshold: 100
      ComparisonOperator: GreaterThanThreshold
",
    );
    let load =
        "[{constant: 300}, {spike: {at: 32m, duration: 2m, add: 170}}, {spike: {at: 1h1m, duration: 1m, add: 170}}]";
    let yaml = scenario(6, load, "", &alarms, "");
    let loaded = load_text("alb.yaml", &yaml).unwrap_or_else(|e| panic!("{e}"));
    let out = crate::support::run_to_strings_with(&loaded, ecsim::output::AlarmRows::Evaluations);
    let values = numbers(&column(&out.alarms, "value", None));
    let p99_ms = numbers(&column(&out.services, "latency_p99_ms", None));
    assert!(values.len() >= 20, "{}", out.alarms);
    let mut distinct = 0;
    for (k, v) in values.iter().enumerate() {
        let minutes = &p99_ms[5 * k..5 * k + 5];
        let (lo, hi) = minutes
            .iter()
            .fold((f64::MAX, 0.0f64), |(a, b), m| (a.min(*m), b.max(*m)));
        let mean = minutes.iter().sum::<f64>() / 5.0;
        assert!(
            v * 1_000.0 >= lo - 1.0 && v * 1_000.0 <= hi + 1.0,
            "period {k}: {v} s outside [{lo}, {hi}] ms"
        );
        if (v * 1_000.0 - mean).abs() > 0.5 {
            distinct += 1;
        }
    }
    assert!(distinct > 0, "a merged period is not the mean of the minutes' p99s");
}

#[test]
fn a_deployment_alarm_on_target_response_time_rolls_back() {
    // 8 tasks serve 640 requests/s of which 480 arrive; a deployment with minimumHealthyPercent
    // 50 leaves 4 tasks (320 requests/s) until the new ones are healthy: p99 passes 1 s.
    let alarms = alarm(
        "api-p99",
        "TargetResponseTime",
        "ExtendedStatistic: p99",
        60,
        "      EvaluationPeriods: 1
      Threshold: 1
      ComparisonOperator: GreaterThanThreshold
",
    );
    let extra = "      deploymentConfiguration:
        minimumHealthyPercent: 50
        maximumPercent: 100
        alarms: {alarmNames: [api-p99], enable: true, rollback: true}
events:
  - at: 1h
    updateService: {service: api, forceNewDeployment: true}";
    let yaml = scenario(8, "[{constant: 480}]", "", &alarms, extra);
    let out = run(&yaml);
    let failed: Vec<&str> = out
        .events
        .lines()
        .filter(|l| l.contains(",deployment_failed,"))
        .collect();
    assert_eq!(failed.len(), 1, "{}", out.events);
    assert!(
        failed[0].contains("CloudWatch alarm api-p99 went to ALARM"),
        "{}",
        failed[0]
    );
    assert!(out.events.contains(",rollback_started,"));
    // With minimumHealthyPercent 100 the same deployment keeps p99 low and completes.
    let safe = yaml.replace(
        "minimumHealthyPercent: 50\n        maximumPercent: 100",
        "minimumHealthyPercent: 100\n        maximumPercent: 200",
    );
    let out = run(&safe);
    assert!(!out.events.contains(",deployment_failed,"), "{}", out.events);
    assert!(out.events.contains(",deployment_completed,"));
}

#[test]
fn target_tracking_on_average_target_response_time_scales_out() {
    // Average TargetResponseTime (seconds) as a customized metric; 3 tasks for 220 requests/s
    // (92 % busy) answer in about 0.13 s on average; the target is 0.11 s.
    let scaling = "applicationAutoScaling:
  scalableTargets:
    - {ServiceNamespace: ecs, ResourceId: service/demo/api, ScalableDimension: 'ecs:service:DesiredCount', MinCapacity: 3, MaxCapacity: 20}
  scalingPolicies:
    - PolicyName: response-time
      ServiceNamespace: ecs
      ResourceId: service/demo/api
      ScalableDimension: ecs:service:DesiredCount
      PolicyType: TargetTrackingScaling
      TargetTrackingScalingPolicyConfiguration:
        TargetValue: 0.11
        DisableScaleIn: true
        CustomizedMetricSpecification:
          Namespace: AWS/ApplicationELB
          MetricName: TargetResponseTime
          Dimensions: [{Name: TargetGroup, Value: targetgroup/api/6d0ecf831eec9f09}]
          Statistic: Average";
    let yaml = scenario(3, "[{constant: 220}]", scaling, "    []", "");
    let out = run(&yaml);
    let scale_outs = activities(&out.events);
    assert!(!scale_outs.is_empty(), "{}", out.events);
    assert!(scale_outs[0].1.contains("TargetResponseTime"), "{}", scale_outs[0].1);
    let alarm_values = numbers(&column(&out.alarms, "value", None));
    assert!(alarm_values.iter().any(|v| *v > 0.11 && *v < 0.2), "{}", out.alarms);
    let desired = numbers(&column(&out.services, "desired", None));
    assert!(*desired.last().expect("rows") >= 4.0, "{desired:?}");
    // Once scaled out, the mean response time is near the 100 ms service time.
    let p50 = numbers(&column(&out.services, "latency_p50_ms", None));
    assert!(*p50.last().expect("rows") < 80.0, "{p50:?}");
}

#[test]
fn missing_datapoints_follow_each_metric_and_treat_missing_data() {
    // No requests at all for two hours. RequestCount is always reported (0, so a "fewer than 1
    // request" alarm goes to ALARM); TargetResponseTime and HTTPCode_ELB_5XX_Count have no
    // datapoint: INSUFFICIENT_DATA with `missing`, OK with `notBreaching`, ALARM with `breaching`.
    let rest = |treat: &str| {
        format!(
            "      EvaluationPeriods: 2
      Threshold: 1
      ComparisonOperator: LessThanThreshold
      TreatMissingData: {treat}
"
        )
    };
    let alarms = [
        alarm("requests", "RequestCount", "Statistic: Sum", 60, &rest("missing")),
        alarm(
            "latency-missing",
            "TargetResponseTime",
            "Statistic: Average",
            60,
            &rest("missing"),
        ),
        alarm(
            "latency-not",
            "TargetResponseTime",
            "ExtendedStatistic: p50",
            60,
            &rest("notBreaching"),
        ),
        alarm(
            "timeouts-breaching",
            "HTTPCode_ELB_5XX_Count",
            "Statistic: Sum",
            120,
            &rest("breaching"),
        ),
        alarm(
            "target-5xx",
            "HTTPCode_Target_5XX_Count",
            "Statistic: Sum",
            60,
            &rest("missing"),
        ),
    ]
    .concat();
    let yaml = scenario(2, "[{constant: 0}]", "", &alarms, "");
    let loaded = load_text("alb.yaml", &yaml).unwrap_or_else(|e| panic!("{e}"));
    // No revision has a requestErrorRate: the targets answer no 5XX.
    let out = run_to_strings(&loaded);
    let last_state = |name: &str| {
        column(&out.alarms, "state", Some(("alarm", name)))
            .last()
            .cloned()
            .unwrap_or_else(|| "INSUFFICIENT_DATA".into())
    };
    assert_eq!(last_state("requests"), "ALARM");
    assert_eq!(last_state("latency-missing"), "INSUFFICIENT_DATA");
    assert_eq!(last_state("latency-not"), "OK");
    assert_eq!(last_state("timeouts-breaching"), "ALARM");
    assert_eq!(last_state("target-5xx"), "INSUFFICIENT_DATA");
}

/// The rendered error of `yaml`, which must fail to load.
fn error_of(yaml: &str) -> String {
    match load_text("bad.yaml", yaml) {
        Ok(_) => panic!("the scenario loaded"),
        Err(e) => e.rendered,
    }
}

#[test]
fn bad_load_balancer_metrics_are_refused_with_the_field_and_a_suggestion() {
    let threshold = "      EvaluationPeriods: 1
      Threshold: 1
      ComparisonOperator: GreaterThanThreshold
";
    let with = |metric: &str, statistic: &str, period: u32| {
        scenario(
            2,
            "[{constant: 10}]",
            "",
            &alarm("a", metric, statistic, period, threshold),
            "",
        )
    };
    #[rustfmt::skip]
    let cases = [
        (with("TargetResponseTime", "Statistic: p99", 60), "Statistic cannot be the percentile `p99`", "write it as ExtendedStatistic instead"),
        (with("TargetResponseTime", "Statistic: Maximum", 60), "Maximum of TargetResponseTime would be the fastest or slowest request", "use a percentile such as p99.9, or Average"),
        (with("TargetResponseTime", "ExtendedStatistic: p100", 60), "p100 of TargetResponseTime would be the fastest or slowest request", "use a percentile between them"),
        (with("TargetResponseTime", "ExtendedStatistic: p99.999", 60), "`p99.999` is not a percentile such as p99", "ExtendedStatistic takes pNN.NN"),
        (with("RequestCount", "Statistic: Average", 60), "`Average` of RequestCount is not useful: each request is a sample of 1", "use Sum"),
        (with("TargetResponseTim", "Statistic: Average", 60), "`TargetResponseTim` is not a metric the simulator publishes in AWS/ApplicationELB", "did you mean `TargetResponseTime`?"),
        (with("TargetResponseTime", "Statistic: Average", 20), "Period 20 cannot be evaluated on load balancer metrics, which are published every 60 s", "use 60 or a multiple of 60"),
        (with("TargetResponseTime", "Statistic: Average\n      ExtendedStatistic: p99", 60), "give Statistic or ExtendedStatistic, not both", ""),
        (with("TargetResponseTime", "Unit: Seconds", 60), "missing required field `Statistic`", "or give ExtendedStatistic"),
        (with("TargetResponseTime", "Statistic: Average", 60).replace(&format!("Value: {TG}"), "Value: targetgroup/apj/1"), "no target group `apj` in elasticLoadBalancing.targetGroups", "did you mean `targetgroup/api/<id>`?"),
        (with("TargetResponseTime", "Statistic: Average", 60).replace(&format!(", {{Name: TargetGroup, Value: {TG}}}"), ""), "TargetResponseTime needs a TargetGroup dimension", "add {Name: TargetGroup"),
        (with("TargetResponseTime", "Statistic: Average", 60).replace("Name: LoadBalancer", "Name: AvailabilityZone"), "`AvailabilityZone` is not a dimension of this metric", "not per zone"),
        (with("TargetResponseTime", "Statistic: Average", 60).replace("      loadBalancers: [{targetGroupArn: api, containerName: api, containerPort: 8080}]\n", ""), "no service registers its tasks in target group `api`", "give one service loadBalancers"),
        (with("TargetResponseTime", "Statistic: Average", 60).replace("serviceTime: {distribution: exponential, mean: 100ms}, concurrency: 8, ", "requestsPerSecondAtFullCpu: 80, "), "TargetResponseTime of service `api` needs a service model", "give its task definition serviceTime and concurrency under behavior.taskDefinitions"),
        (with("CPUUtilization", "Statistic: Average", 60).replace("AWS/ApplicationELB", "AWS/ECS").replace("[{Name: LoadBalancer, Value: app/demo/1}, {Name: TargetGroup, Value: targetgroup/api/6d0ecf831eec9f09}]", "[{Name: ServiceName, Value: api}]").replace("Statistic: Average", "ExtendedStatistic: p99"), "percentiles of AWS/ECS metrics are not available", "percentiles are for AWS/ApplicationELB TargetResponseTime"),
    ];
    for (yaml, message, help) in cases {
        let rendered = error_of(&yaml);
        assert!(rendered.contains(message), "want `{message}` in:\n{rendered}");
        assert!(rendered.contains(help), "want `{help}` in:\n{rendered}");
        assert!(rendered.contains("--> bad.yaml:"), "located:\n{rendered}");
        assert!(
            rendered.contains("= field: cloudWatch.alarms[0]"),
            "field path:\n{rendered}"
        );
    }
}

#[test]
fn a_percentile_in_a_customized_metric_needs_metric_math() {
    let policy = |metric: &str| {
        format!(
            "applicationAutoScaling:
  scalableTargets:
    - {{ServiceNamespace: ecs, ResourceId: service/demo/api, ScalableDimension: 'ecs:service:DesiredCount', MinCapacity: 1, MaxCapacity: 4}}
  scalingPolicies:
    - PolicyName: p
      ServiceNamespace: ecs
      ResourceId: service/demo/api
      ScalableDimension: ecs:service:DesiredCount
      PolicyType: TargetTrackingScaling
      TargetTrackingScalingPolicyConfiguration:
        TargetValue: 0.5
        CustomizedMetricSpecification:
{metric}"
        )
    };
    let simple = policy(
        "          Namespace: AWS/ApplicationELB
          MetricName: TargetResponseTime
          Dimensions: [{Name: TargetGroup, Value: api}]
          Statistic: p99",
    );
    let rendered = error_of(&scenario(2, "[{constant: 10}]", &simple, "    []", ""));
    assert!(
        rendered.contains("CustomizedMetricSpecification.Statistic cannot be the percentile `p99`")
            && rendered.contains("use Metrics with one query whose MetricStat has Stat: p99"),
        "{rendered}"
    );
    // As metric math it loads, and the policy's alarms read the p99 in seconds.
    let math = policy(
        "          Metrics:
            - Id: m1
              MetricStat:
                Metric:
                  Namespace: AWS/ApplicationELB
                  MetricName: TargetResponseTime
                  Dimensions: [{Name: TargetGroup, Value: api}]
                Stat: p99",
    );
    let out = run(&scenario(2, "[{constant: 10}]", &math, "    []", ""));
    let values = numbers(&column(&out.alarms, "value", None));
    assert!(
        values.iter().all(|v| (0.4..0.5).contains(v)),
        "p99 of a 100 ms exponential is 0.46 s: {values:?}"
    );
}

#[test]
fn a_load_balancer_alarm_runs_beside_a_high_resolution_policy() {
    // The 20-second pipeline has series of its own; the load balancer's 60-second series must not
    // be read for them.
    let scaling = "applicationAutoScaling:
  scalableTargets:
    - {ServiceNamespace: ecs, ResourceId: service/demo/api, ScalableDimension: 'ecs:service:DesiredCount', MinCapacity: 2, MaxCapacity: 20}
  scalingPolicies:
    - PolicyName: cpu-fast
      ServiceNamespace: ecs
      ResourceId: service/demo/api
      ScalableDimension: ecs:service:DesiredCount
      PolicyType: TargetTrackingScaling
      TargetTrackingScalingPolicyConfiguration:
        TargetValue: 60
        PredefinedMetricSpecification: {PredefinedMetricType: ECSServiceAverageCPUUtilizationHighResolution}";
    let alarms = alarm(
        "requests",
        "RequestCount",
        "Statistic: Sum",
        120,
        "      EvaluationPeriods: 1
      Threshold: 30000
      ComparisonOperator: GreaterThanThreshold
",
    );
    let out = run(&scenario(4, "[{constant: 200}]", scaling, &alarms, ""));
    // 200 requests/s for two minutes: 24,000 requests, below the threshold.
    let states = column(&out.alarms, "state", Some(("alarm", "requests")));
    assert_eq!(states, ["OK"], "{}", out.alarms);
    assert!(
        out.alarms.contains(",requests,api,RequestCount,24000,"),
        "{}",
        out.alarms
    );
}

/// The alarms of the estimate's scenario load as they are in exact mode (they were refused
/// before exact mode published these metrics).
#[test]
fn a_service_in_exact_mode_may_have_response_time_and_5xx_alarms() {
    let path = crate::support::root().join("scenarios/alb-latency-alarms.yaml");
    crate::support::load_file(&path, &[("load.api.model", "requests")]).expect("exact mode loads");
    crate::support::load_file(&path, &[]).expect("the estimate loads");
}

/// Exact mode (`model: requests`) publishes TargetResponseTime and HTTPCode_ELB_5XX_Count from
/// the requests it simulates: in `exact-latency-alarm`, the p99 datapoint that puts
/// `api-p99-slow` in ALARM is the p99 services.csv gives for the same minute (both from sketches
/// of the same requests), and the 5XX alarm's 5-minute Sum is the minutes' timed-out requests.
#[test]
fn exact_mode_publishes_the_percentiles_and_5xx_counts_of_its_simulated_requests() {
    let path = crate::support::root().join("scenarios/exact-latency-alarm.yaml");
    let out = run_to_strings(&crate::support::load_file(&path, &[]).expect("loads"));
    let rows = |alarm: &str| -> Vec<(f64, String, f64)> {
        let names = column(&out.alarms, "alarm", None);
        let times = column(&out.alarms, "time_s", None);
        let states = column(&out.alarms, "state", None);
        let values = column(&out.alarms, "value", None);
        (0..names.len())
            .filter(|&i| names[i] == alarm)
            .map(|i| {
                let value = values[i].parse().unwrap_or(f64::NAN);
                (times[i].parse().expect("time"), states[i].clone(), value)
            })
            .collect()
    };
    let minute = |end_s: f64, name: &str| -> f64 {
        let times = column(&out.services, "time_s", None);
        let values = column(&out.services, name, None);
        let i = times.iter().position(|t| t.parse::<f64>() == Ok(end_s)).expect("a row");
        values[i].parse().expect("a number")
    };
    // The first ALARM of the p99 alarm: the minute from 1h (3600-3660 s), seen at 1h04m.
    let slow = rows("api-p99-slow");
    let (at, _, p99_s) = slow
        .iter()
        .find(|r| r.1 == "ALARM")
        .cloned()
        .expect("api-p99-slow fires");
    assert_eq!(at, 3_840.0);
    let p99_ms = minute(3_660.0, "latency_p99_ms");
    assert!(p99_ms > 1_000.0, "{p99_ms}");
    assert!(
        (p99_s - p99_ms / 1_000.0).abs() < 0.001,
        "{p99_s} s against {p99_ms} ms"
    );
    // The 5XX alarm: Sum over 3600-3900 s of the 504s, each minute's timed_out_rps x 60.
    let errors = rows("api-5xx");
    let (at, _, sum) = errors.iter().find(|r| r.1 == "ALARM").cloned().expect("api-5xx fires");
    assert_eq!(at, 4_080.0);
    let timed_out: f64 = [3_660.0, 3_720.0, 3_780.0, 3_840.0, 3_900.0]
        .iter()
        .map(|&t| minute(t, "timed_out_rps") * 60.0)
        .sum();
    assert!(timed_out > 1_000.0);
    assert!((sum - timed_out).abs() <= 1.0, "{sum} against {timed_out}");
}
