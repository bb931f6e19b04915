//! EC2 Auto Scaling step and simple policies on a group, invoked by CloudWatch alarms on the
//! group's CPU (docs/aws-behaviour.md reference 7.1, cases 43 to 45).

use crate::support::{activities, column, load_file, load_text, root, run_to_strings};

#[test]
fn step_scale_out_leaves_warming_instances_out_and_simple_scale_in_waits_for_its_cooldown() {
    let path = root().join("scenarios/asg-step-and-simple-scaling.yaml");
    let out = run_to_strings(&load_file(&path, &[]).expect("valid"));
    let acts = activities(&out.events);
    let messages: Vec<(f64, &str)> = acts
        .iter()
        .map(|(t, m)| {
            (
                *t,
                m.split("desired ")
                    .nth(1)
                    .and_then(|s| s.split(",group_policy").next())
                    .unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        messages,
        vec![
            // Case 43: +1 of 4; the next breaches in the same step add nothing while it warms up;
            // +3 counts from the 4 warm instances, so 7, not 8.
            (1200.0, "4 -> 5 = 4 +1 = 5."),
            (1560.0, "5 -> 7 = 4 +3 = 7."),
            // Case 45: the simple policy acts, waits for the termination and 600 s.
            (3660.0, "7 -> 6 = 7 -1 = 6."),
            (4380.0, "6 -> 5 = 6 -1 = 5."),
        ],
        "{acts:?}"
    );
    let events: Vec<String> = column(&out.events, "message", None);
    let times: Vec<String> = column(&out.events, "time_s", None);
    let terminated: Vec<f64> = events
        .iter()
        .zip(&times)
        .filter(|(m, _)| m.starts_with("Terminating EC2 instance"))
        .map(|(_, t)| t.parse().expect("a time"))
        .collect();
    // The second scale-in is the first evaluation after the first termination plus the cooldown.
    assert!(
        terminated[0] > 3660.0 && terminated[0] + 600.0 <= 4380.0,
        "{terminated:?}"
    );
    assert!(terminated[0] + 600.0 > 4320.0, "{terminated:?}");
    // The step policy said why it did not add more while the instance warmed up.
    assert!(
        events
            .iter()
            .any(|m| m.contains("cpu-step-out") && m.contains("not scaled: AlreadyAtDesiredCapacity (4 +1 = 5)")),
        "{events:?}"
    );
    let alarms = column(&out.alarms, "alarm", None);
    assert!(alarms.iter().any(|a| a == "ecs-m5-cpu-low"), "{alarms:?}");
}

#[test]
fn simple_scale_out_waits_for_its_instance_then_its_cooldown() {
    // Case 45: with the alarm in ALARM every minute, a simple +1 policy acts, then waits until
    // the instance it launched is in service, then the 120 s cooldown; a step policy on the same
    // alarm would not wait.
    let text = "duration: 40m
availabilityZones: [us-east-1a]
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: asg, InstanceType: m5.large, MinSize: 1, MaxSize: 4, DesiredCapacity: 1}
  scalingPolicies:
    - {AutoScalingGroupName: asg, PolicyName: add-one, AdjustmentType: ChangeInCapacity, ScalingAdjustment: 1, Cooldown: 120}
cloudWatch:
  alarms:
    - {AlarmName: busy, Namespace: AWS/EC2, MetricName: CPUUtilization, Statistic: Average, Period: 60,
       Dimensions: [{Name: AutoScalingGroupName, Value: asg}], EvaluationPeriods: 1, Threshold: 0,
       ComparisonOperator: GreaterThanOrEqualToThreshold, AlarmActions: [add-one]}
ecs:
  capacityProviders:
    - {name: cp, autoScalingGroupProvider: {autoScalingGroupArn: asg}}
  cluster: {clusterName: demo, capacityProviders: [cp], defaultCapacityProviderStrategy: [{capacityProvider: cp, weight: 1}]}
  taskDefinitions:
    - {family: web, networkMode: bridge, requiresCompatibilities: [EC2],
       containerDefinitions: [{name: app, image: example/web, cpu: 256, memory: 256}]}
  services:
    - {serviceName: web, taskDefinition: web, desiredCount: 1}
behavior:
  autoScaling: {metricLatency: 0s}
load:
  web: {requestsPerSecond: [{constant: 10}]}
";
    // PolicyType is absent: AWS makes a simple policy.
    let out = run_to_strings(&load_text("simple.yaml", text).expect("valid"));
    let acts = activities(&out.events);
    assert_eq!(acts.len(), 3, "{acts:?}");
    let events = column(&out.events, "message", None);
    let times: Vec<f64> = column(&out.events, "time_s", None)
        .iter()
        .map(|t| t.parse().expect("a time"))
        .collect();
    let registered: Vec<f64> = events
        .iter()
        .zip(&times)
        .filter(|(m, t)| m.contains("registered with the cluster") && **t > 0.0)
        .map(|(_, t)| *t)
        .collect();
    for k in 0..2 {
        // The next activity is the first minute at or after registration + cooldown.
        let ready = registered[k] + 120.0;
        assert!(
            acts[k + 1].0 >= ready && acts[k + 1].0 < ready + 60.0,
            "{acts:?} {registered:?}"
        );
    }
}

#[test]
fn network_metrics_come_from_bytes_per_request_and_drive_target_tracking() {
    // Reference 7: ASGAverageNetworkIn is the average bytes an instance receives per minute.
    // 8 tasks on 4 instances serve 800 requests/s of 2 kB each: 200 x 60 x 2,000 = 24 MB per
    // instance per minute; with a target of 16 MB, ceil(4 x 24 / 16) = 6.
    let text = "duration: 30m
availabilityZones: [us-east-1a]
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: asg, InstanceType: m5.large, MinSize: 1, MaxSize: 10, DesiredCapacity: 4}
  scalingPolicies:
    - AutoScalingGroupName: asg
      PolicyName: bytes-in
      PolicyType: TargetTrackingScaling
      TargetTrackingConfiguration:
        PredefinedMetricSpecification: {PredefinedMetricType: ASGAverageNetworkIn}
        TargetValue: 16000000
ecs:
  capacityProviders:
    - {name: cp, autoScalingGroupProvider: {autoScalingGroupArn: asg}}
  cluster: {clusterName: demo, capacityProviders: [cp], defaultCapacityProviderStrategy: [{capacityProvider: cp, weight: 1}]}
  taskDefinitions:
    - {family: web, networkMode: bridge, requiresCompatibilities: [EC2],
       containerDefinitions: [{name: app, image: example/web, cpu: 512, memory: 512}]}
  services:
    - {serviceName: web, taskDefinition: web, desiredCount: 8}
behavior:
  taskDefinitions:
    web: {requestsPerSecondAtFullCpu: 200, idleCpuPercent: 0, networkInBytesPerRequest: 2000}
load:
  web: {requestsPerSecond: [{constant: 800}]}
";
    let out = run_to_strings(&load_text("network.yaml", text).expect("valid"));
    let acts = activities(&out.events);
    assert!(
        acts[0].1.contains(
            "bytes-in: average NetworkIn 24000000 > 16000000; desired 4 -> 6 = ceil(4 x 24000000 / 16000000)"
        ),
        "{acts:?}"
    );
    let metrics = column(&out.alarms, "metric", None);
    assert!(metrics.iter().all(|m| m == "NetworkIn"), "{metrics:?}");
}
