//! Cluster capacity end to end: managed scaling of capacity providers (reference 6, cases 22-25)
//! and EC2 Auto Scaling target tracking on CPU (reference 7), with invariants checked after every
//! event.

use crate::support::{activities, column, load_text, run_to_strings};

/// One service of `desired` tasks (1 vCPU, 2 GiB: two per m5.large) on a managed capacity
/// provider over an Auto Scaling group of `group_size` instances; `events` is a timeline.
fn managed(group_size: u32, desired: u32, provider: &str, events: &str) -> String {
    format!(
        "duration: 2h
availabilityZones: [us-east-1a, us-east-1b, us-east-1c]
ec2AutoScaling:
  autoScalingGroups:
    - {{AutoScalingGroupName: asg, InstanceType: m5.large, MinSize: 0, MaxSize: 40, DesiredCapacity: {group_size}, NewInstancesProtectedFromScaleIn: true}}
ecs:
  capacityProviders:
    - name: cp
      autoScalingGroupProvider:
        autoScalingGroupArn: asg
        {provider}
  cluster: {{clusterName: demo, capacityProviders: [cp], defaultCapacityProviderStrategy: [{{capacityProvider: cp, weight: 1}}]}}
  taskDefinitions:
    - {{family: web, networkMode: bridge, requiresCompatibilities: [EC2],
       containerDefinitions: [{{name: app, image: example/web, cpu: 1024, memory: 2048, portMappings: [{{containerPort: 80, hostPort: 0}}]}}]}}
  services:
    - {{serviceName: web, taskDefinition: web, desiredCount: {desired}}}
events:
{events}
"
    )
}

fn numbers(values: Vec<String>) -> Vec<f64> {
    values.iter().map(|v| v.parse().expect("number")).collect()
}

fn provider_column(cluster: &str, name: &str) -> Vec<f64> {
    numbers(column(cluster, name, Some(("capacity_provider", "cp"))))
}

#[test]
fn case_23_scale_out_launches_what_the_waiting_tasks_need() {
    // Case 23: 10 busy instances, 10 more tasks (one instance each) wait: CPR 150 % -> desired 15.
    let text = managed(
        10,
        20,
        "managedScaling: {status: ENABLED, targetCapacity: 100}\n        managedTerminationProtection: ENABLED",
        "  - {at: 10m, updateService: {service: web, desiredCount: 30}}",
    );
    let out = run_to_strings(&load_text("case23.yaml", &text).expect("valid"));
    let acts = activities(&out.events);
    assert!(
        acts[0]
            .1
            .contains("CapacityProviderReservation 150 > 100 (M 15 of N 10); desired 10 -> 15"),
        "{acts:?}"
    );
    assert_eq!(provider_column(&out.cluster, "instances").last(), Some(&15.0));
    assert_eq!(
        numbers(column(&out.services, "running", Some(("service", "web")))).last(),
        Some(&30.0)
    );
}

#[test]
fn case_23_step_bounds_and_warm_up_gate() {
    // Case 23 row 2: maximumScalingStepSize 2: 10 -> 12 first, then the next step only after the
    // newest instance is older than instanceWarmupPeriod (300 s).
    let text = managed(
        10,
        20,
        "managedScaling: {status: ENABLED, maximumScalingStepSize: 2}",
        "  - {at: 10m, updateService: {service: web, desiredCount: 30}}",
    );
    let out = run_to_strings(&load_text("case23b.yaml", &text).expect("valid"));
    let acts = activities(&out.events);
    assert!(acts[0].1.contains("desired 10 -> 12"), "{acts:?}");
    assert!(acts[1].1.contains("desired 12 -> 14"), "{acts:?}");
    assert!(acts[1].0 - acts[0].0 >= 300.0, "{acts:?}");
    assert!(out.events.contains("waits: the newest instance launched"));
}

#[test]
fn case_24_target_capacity_80_keeps_spare_instances() {
    // Case 24: 10 busy of 10 at targetCapacity 80 -> ceil(10 x 100 / 80) = 13, then stable.
    // The case is about the arithmetic: AZ rebalancing (on by default) would move a task onto a
    // new instance and make one more busy (az_rebalancing.rs shows that).
    let text = managed(
        10,
        20,
        "managedScaling: {status: ENABLED, targetCapacity: 80}",
        "  - {at: 1h, updateService: {service: web, desiredCount: 20}}",
    )
    .replace(
        "taskDefinition: web, desiredCount: 20}",
        "taskDefinition: web, desiredCount: 20, availabilityZoneRebalancing: DISABLED}",
    );
    let out = run_to_strings(&load_text("case24.yaml", &text).expect("valid"));
    let acts = activities(&out.events);
    assert_eq!(acts.len(), 1, "{acts:?}");
    assert!(acts[0].1.contains("desired 10 -> 13 = ceil(10 x 100 / 80)"), "{acts:?}");
    assert_eq!(provider_column(&out.cluster, "instances").last(), Some(&13.0));
}

#[test]
fn case_22_and_25_scale_in_only_empty_instances_at_most_half_per_step() {
    // Case 25: 4 empty instances: 0 % for 15 minutes, then 4 -> 2 -> 1 -> 0, one step a minute.
    let text = managed(
        4,
        0,
        "managedScaling: {status: ENABLED}\n        managedTerminationProtection: ENABLED",
        "  - {at: 1h, updateService: {service: web, desiredCount: 0}}",
    );
    let out = run_to_strings(&load_text("case25.yaml", &text).expect("valid"));
    let acts = activities(&out.events);
    let steps: Vec<&str> = acts
        .iter()
        .map(|(_, m)| {
            m.split("desired ")
                .nth(1)
                .expect("desired")
                .split(' ')
                .take(3)
                .collect::<Vec<_>>()
        })
        .map(|w| {
            if w == ["4", "->", "2"] {
                "4-2"
            } else if w == ["2", "->", "1"] {
                "2-1"
            } else {
                "1-0"
            }
        })
        .collect();
    assert_eq!(steps, ["4-2", "2-1", "1-0"], "{acts:?}");
    assert_eq!(acts[1].0 - acts[0].0, 60.0);
    // The low alarm needs 15 datapoints: the first step comes after 15 minutes plus the latency.
    assert!(acts[0].0 >= 15.0 * 60.0, "{acts:?}");
    // Case 22: 9 tasks spread one per instance over 10: CPR 90, the group goes to 9 and, under
    // managed termination protection, the empty instance is the one terminated.
    let text = managed(
        10,
        9,
        "managedScaling: {status: ENABLED}\n        managedTerminationProtection: ENABLED",
        "  - {at: 1h, updateService: {service: web, desiredCount: 9}}",
    );
    let out = run_to_strings(&load_text("case22.yaml", &text).expect("valid"));
    let acts = activities(&out.events);
    assert_eq!(acts.len(), 1, "{acts:?}");
    assert!(acts[0].1.contains("CapacityProviderReservation 90 < 100"), "{acts:?}");
    assert!(acts[0].1.contains("desired 10 -> 9"), "{acts:?}");
    assert!(!out.tasks.contains("Host EC2 instance terminated"));
    assert_eq!(
        numbers(column(&out.services, "running", Some(("service", "web")))).last(),
        Some(&9.0),
        "no task was stopped by the scale-in"
    );
}

#[test]
fn launch_type_services_never_drive_managed_scaling() {
    // Reference 6.3: tasks of a service with a launchType are ignored by capacity providers.
    let text = managed(
        2,
        4,
        "managedScaling: {status: ENABLED}",
        "  - {at: 10m, updateService: {service: web, desiredCount: 8}}",
    )
    .replace("desiredCount: 4}", "desiredCount: 4, launchType: EC2}");
    let out = run_to_strings(&load_text("launch-type.yaml", &text).expect("valid"));
    assert!(activities(&out.events).is_empty());
    assert_eq!(provider_column(&out.cluster, "instances").last(), Some(&2.0));
}

#[test]
fn asg_target_tracking_on_average_cpu() {
    // Reference 7: 8 instances at about 90 % CPU with a 50 % target: after 3 datapoints above the
    // target (plus the pipeline latency), desired = ceil(8 x 90 / 50) = 15.
    let text = "duration: 2h
availabilityZones: [us-east-1a, us-east-1b]
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: asg, InstanceType: m5.large, MinSize: 2, MaxSize: 20, DesiredCapacity: 8, DefaultInstanceWarmup: 120}
  scalingPolicies:
    - AutoScalingGroupName: asg
      PolicyName: cpu50
      PolicyType: TargetTrackingScaling
      TargetTrackingConfiguration:
        PredefinedMetricSpecification: {PredefinedMetricType: ASGAverageCPUUtilization}
        TargetValue: 50
ecs:
  taskDefinitions:
    - {family: web, networkMode: bridge, requiresCompatibilities: [EC2],
       containerDefinitions: [{name: app, image: example/web, cpu: 1024, memory: 1024, portMappings: [{containerPort: 80, hostPort: 0}]}]}
  services:
    - {serviceName: web, taskDefinition: web, desiredCount: 16}
behavior:
  taskDefinitions:
    web: {requestsPerSecondAtFullCpu: 100, idleCpuPercent: 0}
load:
  web:
    requestsPerSecond:
      - constant: 1440
";
    let out = run_to_strings(&load_text("asg-tt.yaml", text).expect("valid"));
    let acts = activities(&out.events);
    assert!(
        acts[0]
            .1
            .contains("cpu50: average CPUUtilization 90 > 50; desired 8 -> 15"),
        "{acts:?}"
    );
    // Three datapoints (minutes 1-3) then the 180 s pipeline latency.
    assert_eq!(acts[0].0, 360.0, "{acts:?}");
    let alarms = column(&out.alarms, "alarm", None);
    assert!(alarms.iter().any(|a| a == "TargetTracking-asg-AlarmHigh-cpu50"));
}

#[test]
fn asg_policy_without_scale_in_neither_has_a_low_alarm_nor_blocks_the_others() {
    // Reference 2.6 and 7: scale-in needs every policy *with scale-in enabled*. 8 instances at
    // 10 % CPU: `keep` (DisableScaleIn) has only its high alarm; `cpu60` scales in alone, to
    // ceil(8 x 10 / 60) = 2.
    let text = "duration: 1h
availabilityZones: [us-east-1a, us-east-1b]
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: asg, InstanceType: m5.large, MinSize: 2, MaxSize: 20, DesiredCapacity: 8}
  scalingPolicies:
    - AutoScalingGroupName: asg
      PolicyName: keep
      PolicyType: TargetTrackingScaling
      TargetTrackingConfiguration:
        PredefinedMetricSpecification: {PredefinedMetricType: ASGAverageCPUUtilization}
        TargetValue: 50
        DisableScaleIn: true
    - AutoScalingGroupName: asg
      PolicyName: cpu60
      PolicyType: TargetTrackingScaling
      TargetTrackingConfiguration:
        PredefinedMetricSpecification: {PredefinedMetricType: ASGAverageCPUUtilization}
        TargetValue: 60
ecs:
  taskDefinitions:
    - {family: web, networkMode: bridge, requiresCompatibilities: [EC2],
       containerDefinitions: [{name: app, image: example/web, cpu: 1024, memory: 1024, portMappings: [{containerPort: 80, hostPort: 0}]}]}
  services:
    - {serviceName: web, taskDefinition: web, desiredCount: 16}
behavior:
  taskDefinitions:
    web: {requestsPerSecondAtFullCpu: 100, idleCpuPercent: 0}
load:
  web:
    requestsPerSecond:
      - constant: 160
";
    let out = run_to_strings(&load_text("asg-keep.yaml", text).expect("valid"));
    let acts = activities(&out.events);
    assert!(
        acts[0]
            .1
            .contains("cpu60: average CPUUtilization 10 < 42 for 15 datapoints; desired 8 -> 2 = ceil(8 x 10 / 60)"),
        "{acts:?}"
    );
    let alarms = column(&out.alarms, "alarm", None);
    assert!(alarms.iter().any(|a| a == "TargetTracking-asg-AlarmHigh-keep"));
    assert!(alarms.iter().any(|a| a == "TargetTracking-asg-AlarmLow-cpu60"));
    assert!(
        !alarms.iter().any(|a| a == "TargetTracking-asg-AlarmLow-keep"),
        "no low alarm without scale-in"
    );
}

#[test]
fn mixed_instances_policy_keeps_the_on_demand_base_and_percentage() {
    // OnDemandBaseCapacity 2 and 50 % above it: of 6 instances, 2 + ceil(4 x 50 %) = 4 are
    // On-Demand and 2 Spot, billed 70 % below On-Demand (m5.large $0.096 per hour).
    let text = "duration: 1h
availabilityZones: [us-east-1a, us-east-1b]
ec2AutoScaling:
  autoScalingGroups:
    - AutoScalingGroupName: asg
      MixedInstancesPolicy:
        LaunchTemplate: {Overrides: [{InstanceType: m5.large}, {InstanceType: m5.xlarge}]}
        InstancesDistribution: {OnDemandBaseCapacity: 2, OnDemandPercentageAboveBaseCapacity: 50}
      MinSize: 6
      MaxSize: 6
ecs:
  capacityProviders: [{name: cp, autoScalingGroupProvider: {autoScalingGroupArn: asg}}]
  taskDefinitions:
    - {family: web, containerDefinitions: [{name: app, image: example/web, cpu: 256, memory: 512}]}
  services:
    - {serviceName: web, taskDefinition: web, desiredCount: 0, capacityProviderStrategy: [{capacityProvider: cp, weight: 1}]}
";
    let out = run_to_strings(&load_text("mixed.yaml", text).expect("valid"));
    let cost = provider_column(&out.cluster, "cost_usd");
    let expected = 4.0 * 0.096 + 2.0 * 0.096 * 0.3;
    assert!((cost.last().expect("rows") - expected).abs() < 1e-6, "{cost:?}");
}

/// Four instances in one zone, three tasks spread one per instance, and a scale-in of one
/// instance without managed termination protection: the group picks its victim at random.
fn drain_or_kill(seed: u64, draining: &str) -> String {
    format!(
        "duration: 1h
seed: {seed}
availabilityZones: [us-east-1a]
ec2AutoScaling:
  autoScalingGroups:
    - {{AutoScalingGroupName: asg, InstanceType: m5.large, MinSize: 0, MaxSize: 4, DesiredCapacity: 4}}
ecs:
  capacityProviders:
    - name: cp
      autoScalingGroupProvider:
        autoScalingGroupArn: asg
        managedScaling: {{status: ENABLED}}
        managedDraining: {draining}
  cluster: {{clusterName: demo, capacityProviders: [cp], defaultCapacityProviderStrategy: [{{capacityProvider: cp, weight: 1}}]}}
  taskDefinitions:
    - {{family: web, networkMode: bridge, requiresCompatibilities: [EC2],
       containerDefinitions: [{{name: app, image: example/web, cpu: 1024, memory: 2048, portMappings: [{{containerPort: 80, hostPort: 0}}]}}]}}
  services:
    - {{serviceName: web, taskDefinition: web, desiredCount: 3}}
"
    )
}

#[test]
fn managed_draining_replaces_tasks_before_the_instance_goes() {
    // Reference 6.5: CPR 75 % for 15 minutes -> 4 -> 3; the victim runs a task.
    // Without managed draining the task on the victim dies with it (the first seed that picks a
    // busy victim; three of the four instances are busy).
    let seed = (1..=20)
        .find(|seed| {
            let killed = run_to_strings(&load_text("kill.yaml", &drain_or_kill(*seed, "DISABLED")).expect("valid"));
            killed.tasks.contains("Host EC2 instance terminated")
        })
        .expect("some seed picks a busy instance");
    let drained = run_to_strings(&load_text("drain.yaml", &drain_or_kill(seed, "ENABLED")).expect("valid"));
    assert!(!drained.tasks.contains("Host EC2 instance terminated"));
    assert!(drained.events.contains("(managed draining)"));
    let running = numbers(column(&drained.services, "running", Some(("service", "web"))));
    assert!(
        running.iter().all(|r| *r >= 3.0),
        "the service never dropped below desired: {running:?}"
    );
    assert!(drained.events.contains("desired 4 -> 3"));
    assert!(provider_column(&drained.cluster, "instances").last() <= Some(&3.0));
}

#[test]
fn tasks_waiting_too_long_for_capacity_stop_and_are_started_again() {
    // The group cannot grow past 2 instances (4 tasks): 2 of 6 tasks wait in PROVISIONING, stop
    // after provisioningTimeout, and the scheduler starts new ones that wait again.
    let text = managed(
        2,
        4,
        "managedScaling: {status: ENABLED}",
        "  - {at: 10m, updateService: {service: web, desiredCount: 6}}",
    )
    .replace("MaxSize: 40", "MaxSize: 2")
    .replace(
        "duration: 2h",
        "duration: 2h\nbehavior: {clusterAutoScaling: {provisioningTimeout: 20m}}",
    );
    let out = run_to_strings(&load_text("timeout.yaml", &text).expect("valid"));
    let stops = out
        .events
        .lines()
        .filter(|l| l.contains("waited 20m in PROVISIONING without capacity"))
        .count();
    // Waits from 10m: stops at 30m, 50m, 70m, 90m and 110m.
    assert_eq!(stops, 5, "{}", out.events);
    assert!(
        out.tasks
            .contains("no capacity became available while it waited in PROVISIONING")
    );
    assert_eq!(
        numbers(column(&out.services, "running", Some(("service", "web")))).last(),
        Some(&4.0)
    );
}
