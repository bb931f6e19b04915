//! Rolling deployments end to end (reference 8.1 to 8.3, cases 27, 28 and 40), with the
//! deployment-bound invariants checked after every event (`engine/invariants.rs`).

use crate::support::{column, load_text, run_to_strings};

/// A Fargate service of `desired` tasks deploying web:2 at 10 minutes under `min`/`max` percent.
fn rolling(desired: u32, min: u32, max: u32, web2_behavior: &str) -> String {
    format!(
        "duration: 40m
traceInterval: 1s
ecs:
  cluster: {{clusterName: demo, capacityProviders: [FARGATE]}}
  taskDefinitions:
    - {{family: web, cpu: \"256\", memory: \"512\", networkMode: awsvpc, requiresCompatibilities: [FARGATE],
       containerDefinitions: [{{name: app, image: \"web:1\"}}]}}
    - {{family: web, cpu: \"256\", memory: \"512\", networkMode: awsvpc, requiresCompatibilities: [FARGATE],
       containerDefinitions: [{{name: app, image: \"web:2\"}}]}}
  services:
    - {{serviceName: web, taskDefinition: \"web:1\", desiredCount: {desired}, launchType: FARGATE,
       deploymentConfiguration: {{minimumHealthyPercent: {min}, maximumPercent: {max},
         deploymentCircuitBreaker: {{enable: true, rollback: true}}}}}}
behavior:
  taskDefinitions:
    \"web:2\": {{{web2_behavior}}}
events:
  - {{at: 10m, updateService: {{service: web, taskDefinition: \"web:2\"}}}}
"
    )
}

fn numbers(values: Vec<String>) -> Vec<u32> {
    values.iter().map(|v| v.parse().expect("count")).collect()
}

#[test]
fn case_27_bounds_hold_and_every_deployment_completes_or_stalls() {
    // Case 27: (D, min %, max %) -> at most U tasks, at least L healthy, completed or stalled.
    let rows: [(u32, u32, u32, u32, u32, bool); 8] = [
        (4, 50, 200, 2, 8, true),
        (4, 100, 200, 4, 8, true),
        (1, 100, 200, 1, 2, true),
        (1, 0, 100, 0, 1, true),
        (2, 75, 200, 2, 4, true),
        (3, 100, 125, 3, 3, false),
        (3, 50, 150, 2, 4, true),
        (10, 90, 110, 9, 11, true),
    ];
    for (d, min, max, lower, upper, completes) in rows {
        let out = run_to_strings(&load_text("case27.yaml", &rolling(d, min, max, "")).expect("valid"));
        let after: Vec<usize> = column(&out.services, "time_s", None)
            .iter()
            .enumerate()
            .filter(|(_, t)| t.parse::<f64>().expect("time") > 600.0)
            .map(|(i, _)| i)
            .collect();
        let running = numbers(column(&out.services, "running", None));
        let pending = numbers(column(&out.services, "pending", None));
        let healthy = numbers(column(&out.services, "healthy", None));
        let most = after.iter().map(|i| running[*i] + pending[*i]).max().expect("rows");
        let least = after.iter().map(|i| healthy[*i]).min().expect("rows");
        assert!(most <= upper, "D {d} {min}/{max}: {most} tasks > U {upper}");
        assert!(least >= lower, "D {d} {min}/{max}: {least} healthy < L {lower}");
        assert_eq!(
            out.events.contains("deployment_completed"),
            completes,
            "D {d} {min}/{max}:\n{}",
            out.events
        );
        assert_eq!(out.events.contains("unable to stop or start tasks"), !completes);
    }
    // Case 27, D 1 with 0/100: the old task stops first, so the service has a gap with no task.
    let out = run_to_strings(&load_text("gap.yaml", &rolling(1, 0, 100, "")).expect("valid"));
    assert!(numbers(column(&out.services, "healthy", None)).contains(&0));
    // ... and with 100/200 it never does.
    let out = run_to_strings(&load_text("no-gap.yaml", &rolling(1, 100, 200, "")).expect("valid"));
    assert!(!numbers(column(&out.services, "healthy", None)).contains(&0));
}

#[test]
fn case_28_circuit_breaker_rolls_back_a_revision_that_never_starts() {
    // Case 28: D 4, default BOUNDED_PERCENT 50: threshold max(3, ceil(2)) = 3.
    let out =
        run_to_strings(&load_text("cb.yaml", &rolling(4, 100, 200, "startFailureProbability: 1")).expect("valid"));
    assert!(
        out.events
            .contains("the circuit breaker tripped after 3 failed tasks (threshold 3")
    );
    assert!(out.events.contains("rollback_started"));
    assert!(out.tasks.contains("Essential container in task exited"));
    let primary = numbers(column(&out.services, "primary_running", None));
    assert_eq!(primary.last(), Some(&4));
    // Every task still running at the end is web:1.
    assert!(out.events.contains("rollback ecs-svc/3 completed"));
}

#[test]
fn a_failing_health_check_is_replaced_and_counted_by_the_circuit_breaker() {
    // Case 30: a container check every 10 s with 2 retries turns UNHEALTHY after 20 s; with a
    // 60 s grace period the scheduler waits for the grace to end before replacing the task.
    let text = rolling(2, 100, 200, "healthCheckFailureProbability: 1")
        .replace(
            "containerDefinitions: [{name: app, image: \"web:2\"}]",
            "containerDefinitions: [{name: app, image: \"web:2\", healthCheck: {command: [CMD, true], interval: 10, retries: 2}}]",
        )
        .replace("launchType: FARGATE,", "launchType: FARGATE, healthCheckGracePeriodSeconds: 60,");
    let out = run_to_strings(&load_text("unhealthy.yaml", &text).expect("valid"));
    assert!(out.tasks.contains("Task failed container health checks"));
    assert!(out.events.contains("the last task failed its health checks"));
    assert!(out.events.contains("rollback_started"));
}

#[test]
fn case_40_a_deployment_holds_scale_in_and_lets_scale_out_through() {
    // Case 40: during a deployment AlarmLow in ALARM does not scale in.
    let text = "duration: 1h
ecs:
  cluster: {clusterName: demo, capacityProviders: [FARGATE]}
  taskDefinitions:
    - {family: web, cpu: \"256\", memory: \"512\", networkMode: awsvpc, requiresCompatibilities: [FARGATE],
       containerDefinitions: [{name: app, image: \"web:1\"}]}
    - {family: web, cpu: \"256\", memory: \"512\", networkMode: awsvpc, requiresCompatibilities: [FARGATE],
       containerDefinitions: [{name: app, image: \"web:2\"}]}
  services:
    - {serviceName: web, taskDefinition: \"web:1\", desiredCount: 8, launchType: FARGATE}
applicationAutoScaling:
  scalableTargets:
    - {ServiceNamespace: ecs, ResourceId: service/demo/web, ScalableDimension: \"ecs:service:DesiredCount\", MinCapacity: 2, MaxCapacity: 20}
  scalingPolicies:
    - PolicyName: cpu60
      ServiceNamespace: ecs
      ResourceId: service/demo/web
      ScalableDimension: ecs:service:DesiredCount
      PolicyType: TargetTrackingScaling
      TargetTrackingScalingPolicyConfiguration:
        TargetValue: 60
        PredefinedMetricSpecification: {PredefinedMetricType: ECSServiceAverageCPUUtilization}
behavior:
  taskDefinitions:
    web: {requestsPerSecondAtFullCpu: 100, idleCpuPercent: 1}
    \"web:2\": {startTime: 25m}
load:
  web:
    requestsPerSecond: [{constant: 50}]
events:
  - {at: 1m, updateService: {service: web, taskDefinition: \"web:2\"}}
";
    let out = run_to_strings(&load_text("case40.yaml", text).expect("valid"));
    assert!(
        out.events.contains("a deployment is in progress: scale-in waits"),
        "{}",
        out.events
    );
    let completed = out
        .events
        .lines()
        .find(|l| l.contains("deployment_completed"))
        .expect("the deployment completes");
    let completed_at: f64 = completed.split(',').next().expect("time").parse().expect("number");
    let first_scale_in = out
        .events
        .lines()
        .find(|l| l.contains(",scaling_activity,") && l.contains("desired 8 ->"))
        .expect("scale-in after the deployment");
    let scale_in_at: f64 = first_scale_in.split(',').next().expect("time").parse().expect("number");
    assert!(scale_in_at > completed_at, "{first_scale_in} before {completed}");
}

#[test]
fn deployments_are_deterministic() {
    let text = rolling(4, 50, 200, "startFailureProbability: 0.3");
    let a = run_to_strings(&load_text("det.yaml", &text).expect("valid"));
    let b = run_to_strings(&load_text("det.yaml", &text).expect("valid"));
    assert_eq!(a.events, b.events);
    assert_eq!(a.services, b.services);
    assert_eq!(a.tasks, b.tasks);
}

/// `rolling` with the service behind a target group whose deregistration delay is `delay_s`.
fn behind_a_load_balancer(delay_s: u32, web2_behavior: &str) -> String {
    rolling(2, 100, 200, web2_behavior)
        .replace(
            "ecs:\n",
            &format!(
                "elasticLoadBalancing:\n  targetGroups:\n    - {{TargetGroupName: web, HealthCheckIntervalSeconds: 10, UnhealthyThresholdCount: 3,\n       Attributes: [{{Key: deregistration_delay.timeout_seconds, Value: \"{delay_s}\"}}]}}\necs:\n"
            ),
        )
        .replace(
            "launchType: FARGATE,",
            "launchType: FARGATE, loadBalancers: [{targetGroupArn: \"arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/web/0a1b\", containerName: app, containerPort: 80}],",
        )
}

#[test]
fn case_29_a_deregistered_target_drains_before_its_task_stops() {
    // Case 29: DEACTIVATING lasts the deregistration delay (300 s by default), the task holding
    // its resources meanwhile; the new target is healthy after one 10 s check (case 30).
    let out = run_to_strings(&load_text("lb.yaml", &behind_a_load_balancer(300, "")).expect("valid"));
    let stopped_s: Vec<f64> = column(&out.tasks, "stopped_s", None)
        .iter()
        .filter_map(|v| v.parse().ok())
        .collect();
    assert_eq!(stopped_s.len(), 2, "{}", out.tasks);
    assert!(stopped_s.iter().all(|t| *t >= 600.0 + 300.0), "{stopped_s:?}");
    // While the old targets drain they count toward maximumPercent: 2 new + 2 draining = U 4.
    let out_short = run_to_strings(&load_text("lb-short.yaml", &behind_a_load_balancer(0, "")).expect("valid"));
    let short: Vec<f64> = column(&out_short.tasks, "stopped_s", None)
        .iter()
        .filter_map(|v| v.parse().ok())
        .collect();
    assert!(short.iter().all(|t| *t < 600.0 + 120.0), "{short:?}");
}

#[test]
fn a_target_that_fails_its_load_balancer_health_checks_is_replaced() {
    // Case 30: unhealthy after UnhealthyThresholdCount (3) failed checks 10 s apart.
    let out = run_to_strings(
        &load_text(
            "lb-unhealthy.yaml",
            &behind_a_load_balancer(0, "healthCheckFailureProbability: 1"),
        )
        .expect("valid"),
    );
    assert!(out.tasks.contains("Task failed ELB health checks"));
    assert!(out.events.contains("rollback_started"));
}

#[test]
fn a_spot_interruption_during_a_deployment_keeps_the_books() {
    // Issue interplay: FARGATE_SPOT tasks reclaimed in the middle of a rolling deployment are
    // replaced by the deployment's new revision, and the deployment still completes.
    let text = rolling(6, 100, 200, "startTime: 2m")
        .replace(
            "capacityProviders: [FARGATE]}",
            "capacityProviders: [FARGATE, FARGATE_SPOT]}",
        )
        .replace(
            "launchType: FARGATE,",
            "capacityProviderStrategy: [{capacityProvider: FARGATE_SPOT, weight: 1}],",
        )
        .replace(
            "  - {at: 10m, updateService: {service: web, taskDefinition: \"web:2\"}}\n",
            "  - {at: 10m, updateService: {service: web, taskDefinition: \"web:2\"}}\n  - {at: 11m, spotInterruption: {capacityProvider: FARGATE_SPOT, service: web, count: 3}}\n",
        );
    let out = run_to_strings(&load_text("spot-deploy.yaml", &text).expect("valid"));
    assert!(out.tasks.contains("Your Spot Task was interrupted."));
    assert!(out.events.contains("deployment_completed"), "{}", out.events);
    let primary = numbers(column(&out.services, "primary_running", None));
    assert_eq!(primary.last(), Some(&6));
}

#[test]
fn every_configuration_completes_or_reports_a_stall_in_the_engine() {
    // Property over desired / min % / max % (seeded choice of combinations, invariants on):
    // a deployment either completes or logs one stall; it never loops (the run's event count
    // stays bounded) and never leaves both revisions running without a reason.
    use rand::{RngExt, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(27);
    for _ in 0..40 {
        let d = rng.random_range(0..=8u32);
        let min = [0, 25, 50, 75, 90, 100][rng.random_range(0..6usize)];
        let max = [100, 110, 125, 150, 200][rng.random_range(0..5usize)];
        if max < min {
            continue;
        }
        let out = run_to_strings(&load_text("prop.yaml", &rolling(d, min, max, "")).expect("valid"));
        let completed = out.events.matches("deployment_completed").count();
        let stalled = out.events.matches("unable to stop or start tasks").count();
        assert_eq!(completed + stalled, 1, "D {d} {min}/{max}:\n{}", out.events);
        let lower = (d * min).div_ceil(100);
        let upper = d * max / 100;
        assert_eq!(stalled == 1, d > 0 && lower >= upper, "D {d} {min}/{max}");
        assert!(out.events.lines().count() < 200, "D {d} {min}/{max}: a runaway");
    }
}

/// Two tasks on two m5.large instances; at 10 minutes the first instance drains.
fn drain(config: &str) -> String {
    format!(
        "duration: 30m
traceInterval: 1s
availabilityZones: [us-east-1a, us-east-1b]
ec2AutoScaling:
  autoScalingGroups:
    - {{AutoScalingGroupName: asg, InstanceType: m5.large, MinSize: 2, MaxSize: 2, DesiredCapacity: 2}}
ecs:
  capacityProviders: [{{name: cp, autoScalingGroupProvider: {{autoScalingGroupArn: asg}}}}]
  cluster: {{clusterName: demo, capacityProviders: [cp], defaultCapacityProviderStrategy: [{{capacityProvider: cp, weight: 1}}]}}
  taskDefinitions:
    - {{family: web, networkMode: bridge, requiresCompatibilities: [EC2],
       containerDefinitions: [{{name: app, image: web, cpu: 512, memory: 1024, portMappings: [{{containerPort: 80, hostPort: 0}}]}}]}}
  services:
    - {{serviceName: web, taskDefinition: web, desiredCount: 2, deploymentConfiguration: {config}}}
events:
  - {{at: 10m, drainInstances: {{instanceIds: [i-00000000000000001]}}}}
"
    )
}

#[test]
fn draining_follows_the_deployment_configuration() {
    // Reference 8.1: the same bounds govern the replacement of tasks on a DRAINING instance.
    let keep = run_to_strings(
        &load_text(
            "drain-100.yaml",
            &drain("{minimumHealthyPercent: 100, maximumPercent: 200}"),
        )
        .expect("valid"),
    );
    assert!(!numbers(column(&keep.services, "healthy", None)).contains(&1));
    // With 0/100 the draining task stops at once: one healthy task until its replacement runs.
    let fast = run_to_strings(
        &load_text(
            "drain-0.yaml",
            &drain("{minimumHealthyPercent: 0, maximumPercent: 100}"),
        )
        .expect("valid"),
    );
    assert!(numbers(column(&fast.services, "healthy", None)).contains(&1));
    assert_eq!(numbers(column(&fast.services, "running", None)).last(), Some(&2));
}

#[test]
fn unset_bounds_take_the_replica_defaults() {
    // Reference 8.1: a REPLICA service without them has minimumHealthyPercent 100 and
    // maximumPercent 200, each defaulted on its own.
    use ecsim::policy::deployment::{DEFAULT_MAXIMUM_PERCENT, DEFAULT_MINIMUM_HEALTHY_PERCENT};
    assert_eq!((DEFAULT_MINIMUM_HEALTHY_PERCENT, DEFAULT_MAXIMUM_PERCENT), (100, 200));
    let text = rolling(2, 50, 150, "");
    for (from, to, expected) in [
        (
            "deploymentConfiguration: {minimumHealthyPercent: 50, maximumPercent: 150,",
            "deploymentConfiguration: {",
            (100, 200),
        ),
        ("minimumHealthyPercent: 50, ", "", (100, 150)),
        ("maximumPercent: 150,", "", (50, 200)),
    ] {
        let text = text.replace(from, to);
        let loaded = load_text("defaults.yaml", &text).unwrap_or_else(|e| panic!("{}", e.rendered));
        let c = &loaded.spec.services[0].deployment;
        assert_eq!((c.minimum_healthy_percent, c.maximum_percent), expected, "{text}");
    }
}
