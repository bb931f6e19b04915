//! Faults on the timeline and Spot capacity: draining, instance selectors, Availability Zone
//! outages, Spot interruptions (case 42), cost per service (case 32), and the books: no task is
//! counted twice or lost (the runs check the world's invariants after every event).

use crate::support::{column, load_text, run_to_strings};

/// A cluster of three m5.large (2048 CPU units each), one per AZ, a bridge service of `desired`
/// 512-unit tasks, and a Fargate service `api` on FARGATE (base 1) and FARGATE_SPOT; `extra` is
/// appended (behavior, events).
fn cluster(desired: u32, extra: &str) -> String {
    format!(
        "duration: 2h
traceInterval: 60s
availabilityZones: [us-east-1a, us-east-1b, us-east-1c]
ec2AutoScaling:
  autoScalingGroups:
    - {{AutoScalingGroupName: asg, InstanceType: m5.large, MinSize: 3, MaxSize: 3, DesiredCapacity: 3}}
ecs:
  capacityProviders:
    - {{name: cp, autoScalingGroupProvider: {{autoScalingGroupArn: asg}}}}
  cluster:
    clusterName: c
    capacityProviders: [cp, FARGATE, FARGATE_SPOT]
    defaultCapacityProviderStrategy: [{{capacityProvider: cp, weight: 1}}]
  taskDefinitions:
    - family: web
      networkMode: bridge
      containerDefinitions:
        - {{name: app, image: web, cpu: 512, memory: 512, portMappings: [{{containerPort: 80, hostPort: 0}}]}}
    - family: api
      cpu: \"256\"
      memory: \"512\"
      networkMode: awsvpc
      requiresCompatibilities: [FARGATE]
      containerDefinitions:
        - {{name: api, image: api, stopTimeout: 30}}
  services:
    - {{serviceName: web, taskDefinition: web, desiredCount: {desired}}}
    - serviceName: api
      taskDefinition: api
      desiredCount: 4
      capacityProviderStrategy:
        - {{capacityProvider: FARGATE, base: 1, weight: 1}}
        - {{capacityProvider: FARGATE_SPOT, weight: 3}}
{extra}"
    )
}

fn run(yaml: &str) -> crate::support::RunOutput {
    let loaded = load_text("faults.yaml", yaml).unwrap_or_else(|e| panic!("{e}"));
    run_to_strings(&loaded)
}

/// A task row: (id, service, capacity provider, instance, created_s, stopped_s, stop reason).
type TaskRow = (String, String, String, String, f64, Option<f64>, String);

fn tasks(out: &crate::support::RunOutput) -> Vec<TaskRow> {
    out.tasks
        .lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            (
                c[0].to_string(),
                c[1].to_string(),
                c[3].to_string(),
                c[4].to_string(),
                c[7].parse().expect("created"),
                c[9].parse().ok(),
                c[10..].join(","),
            )
        })
        .collect()
}

fn numbers(csv: &str, name: &str, service: &str) -> Vec<f64> {
    column(csv, name, Some(("service", service)))
        .iter()
        .map(|v| v.parse().expect("number"))
        .collect()
}

#[test]
fn a_drained_instance_has_its_tasks_replaced_before_they_stop() {
    // Reference 8.6 with the default 100/200 deployment configuration: the service never drops
    // below its desired healthy tasks while an instance drains.
    let out = run(&cluster(
        6,
        "events:\n  - at: 10m\n    drainInstances: {instanceIds: [i-00000000000000001]}\n",
    ));
    let drained: Vec<_> = tasks(&out)
        .into_iter()
        .filter(|t| t.6.starts_with("Container instance is DRAINING"))
        .collect();
    assert_eq!(drained.len(), 2, "m5.large held two of the six tasks: {drained:?}");
    assert!(drained.iter().all(|t| t.3 == "i-00000000000000001"));
    let healthy = numbers(&out.services, "healthy", "web");
    assert!(healthy.iter().all(|h| *h >= 6.0), "{healthy:?}");
    assert_eq!(numbers(&out.services, "running", "web").last(), Some(&6.0));
    // The instance stays DRAINING (registered) and holds nothing new.
    assert!(tasks(&out).iter().all(|t| t.3 != "i-00000000000000001" || t.4 < 600.0));
    assert_eq!(
        column(&out.cluster, "instances", Some(("capacity_provider", "cp")))
            .last()
            .map(String::as_str),
        Some("3")
    );
    assert!(out.events.contains("set to DRAINING"), "{}", out.events);
}

#[test]
fn selectors_pick_by_zone_type_fraction_and_id() {
    let out = run(&cluster(
        6,
        "events:
  - at: 10m
    failInstances: {availabilityZone: us-east-1c, instanceType: m5.large}
  - at: 30m
    failInstances: {capacityProvider: cp, fraction: 0.5}
  - at: 50m
    failInstances: {instanceIds: [i-00000000000000002, i-00000000000000099]}
",
    ));
    let faults: Vec<&str> = out.events.lines().filter(|l| l.contains(",fault,")).collect();
    assert_eq!(faults.len(), 3, "{faults:?}");
    assert!(
        faults[0].contains("1 instance(s) terminated: i-00000000000000003"),
        "{}",
        faults[0]
    );
    // Half of three, rounded up: the first two live instances in launch order.
    assert!(
        faults[1].contains("2 instance(s) terminated: i-00000000000000001 i-00000000000000002"),
        "{}",
        faults[1]
    );
    assert!(faults[2].contains("0 instance(s) terminated"), "{}", faults[2]);
    assert!(
        faults[2].contains("Not live instances: i-00000000000000002 i-00000000000000099"),
        "{}",
        faults[2]
    );
    // A zone named together with a type is not a whole-zone failure: us-east-1c takes launches again.
    assert!(
        out.events
            .contains("Launching a new EC2 instance (m5.large, us-east-1c)"),
        "{}",
        out.events
    );
    assert_eq!(numbers(&out.services, "running", "web").last(), Some(&6.0));
}

#[test]
fn an_az_outage_stops_fargate_tasks_there_until_it_recovers() {
    let out = run(&cluster(
        6,
        "events:\n  - at: 20m\n    azOutage: {availabilityZone: us-east-1a, duration: 30m}\n",
    ));
    let all = tasks(&out);
    let outage: Vec<_> = all
        .iter()
        .filter(|t| t.6.starts_with("Availability Zone outage"))
        .collect();
    assert!(!outage.is_empty(), "api had a task in us-east-1a");
    let zone_of = |id: &str| {
        out.tasks
            .lines()
            .find(|l| l.starts_with(&format!("{id},")))
            .map(|l| l.split(',').nth(5).unwrap_or("").to_string())
            .expect("task row")
    };
    for t in all.iter().filter(|t| t.4 >= 1200.0 && t.4 < 3000.0) {
        assert_ne!(
            zone_of(&t.0),
            "us-east-1a",
            "{t:?} started in the zone during its outage"
        );
    }
    assert!(out.events.contains(",fault_recovered,us-east-1a,"), "{}", out.events);
    assert!(
        !out.events.contains("(m5.large, us-east-1a)"),
        "nothing launches in the zone during the outage"
    );
    assert_eq!(numbers(&out.services, "running", "web").last(), Some(&6.0));
    assert_eq!(numbers(&out.services, "running", "api").last(), Some(&4.0));
}

#[test]
fn spot_interruption_stops_within_stop_timeout_and_is_replaced_case_42() {
    // Case 42: notice at t, SIGTERM at once, SIGKILL at t + stopTimeout (30 s); the replacement
    // starts at t on FARGATE_SPOT (the strategy's furthest-behind item).
    let extra = "behavior:
  taskDefinitions:
    api: {stopTime: 90s, deprovisioningTime: 5s}
events:
  - at: 10m
    spotInterruption: {capacityProvider: FARGATE_SPOT, count: 1}
";
    let out = run(&cluster(3, extra));
    let all = tasks(&out);
    let interrupted: Vec<_> = all
        .iter()
        .filter(|t| t.6 == "Your Spot Task was interrupted.")
        .collect();
    assert_eq!(interrupted.len(), 1);
    assert_eq!(
        interrupted[0].5,
        Some(600.0 + 30.0 + 5.0),
        "SIGKILL at the stopTimeout, then ENI cleanup"
    );
    let replacement: Vec<_> = all.iter().filter(|t| t.1 == "api" && t.4 == 600.0).collect();
    assert_eq!(replacement.len(), 1, "{all:?}");
    assert_eq!(replacement[0].2, "FARGATE_SPOT");
    assert!(out.events.contains("stopCode TerminationNotice"), "{}", out.events);
    assert!(out.summary.contains("\"spot_interruptions\": 1"), "{}", out.summary);
}

#[test]
fn spot_capacity_is_reclaimed_two_minutes_after_the_notice_case_42() {
    // Case 42, last row: with a 120 s stopTimeout and a slow cleanup, the capacity is gone at 120 s.
    let yaml = cluster(
        3,
        "behavior:
  taskDefinitions:
    api: {stopTime: 300s, deprovisioningTime: 30s}
events:
  - at: 10m
    spotInterruption: {capacityProvider: FARGATE_SPOT, count: 1}
",
    )
    .replace("stopTimeout: 30", "stopTimeout: 120");
    let out = run(&yaml);
    let interrupted: Vec<_> = tasks(&out)
        .into_iter()
        .filter(|t| t.6 == "Your Spot Task was interrupted.")
        .collect();
    assert_eq!(interrupted[0].5, Some(600.0 + 120.0));
}

#[test]
fn the_seeded_spot_process_interrupts_and_is_deterministic() {
    let extra = "behavior:\n  fargateSpot: {interruptionsPerTaskHour: 2}\n";
    let a = run(&cluster(3, extra));
    let b = run(&cluster(3, extra));
    assert_eq!((&a.events, &a.tasks, &a.summary), (&b.events, &b.tasks, &b.summary));
    let n = a
        .events
        .lines()
        .filter(|l| l.contains(",spot_interruption,api,"))
        .count();
    // 3 Spot tasks x 2 per hour x 2 h = 12 expected.
    assert!((4..=30).contains(&n), "{n} interruptions");
    assert!(
        a.summary.contains(&format!("\"spot_interruptions\": {n}")),
        "{}",
        a.summary
    );
    assert_eq!(numbers(&a.services, "running", "api").last(), Some(&4.0));
    let off = run(&cluster(3, ""));
    assert!(
        !off.events.contains(",spot_interruption,"),
        "the process is off by default"
    );
}

fn summary_number(summary: &str, key: &str) -> Vec<f64> {
    summary
        .lines()
        .filter_map(|l| l.trim().strip_prefix(&format!("\"{key}\": ")))
        .map(|v| v.trim_end_matches(',').parse().expect("number"))
        .collect()
}

#[test]
fn every_fault_at_once_keeps_the_books_and_the_costs_add_up() {
    let extra = "behavior:
  fargateSpot: {interruptionsPerTaskHour: 1}
events:
  - at: 10m
    drainInstances: {availabilityZone: us-east-1b}
  - at: 20m
    azOutage: {availabilityZone: us-east-1c, duration: 20m}
  - at: 25m
    spotInterruption: {capacityProvider: FARGATE_SPOT, service: api, fraction: 1}
  - at: 30m
    failInstances: {fraction: 0.5}
  - at: 50m
    spotInterruption: {capacityProvider: cp, count: 1}
";
    let out = run(&cluster(8, extra));
    // The invariants ran after every event; the runs are repeatable.
    assert_eq!(out.events, run(&cluster(8, extra)).events);
    let total = summary_number(&out.summary, "cost_usd");
    // Order in summary.json: the total, then per service, then per provider.
    let (overall, services, providers) = (total[0], &total[1..3], &total[3..6]);
    let unallocated = summary_number(&out.summary, "unallocated_cost_usd")[0];
    assert!((providers.iter().sum::<f64>() - overall).abs() < 1e-5);
    assert!(
        (services.iter().sum::<f64>() + unallocated - overall).abs() < 1e-5,
        "services {services:?} + unallocated {unallocated} != {overall}"
    );
    assert!(
        out.events.contains("no Spot instances"),
        "no instance is Spot without a MixedInstancesPolicy"
    );
    // Every task that started is in tasks.csv exactly once.
    let ids: Vec<String> = tasks(&out).into_iter().map(|t| t.0).collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(ids.len(), unique.len());
    assert_eq!(summary_number(&out.summary, "tasks_started")[0], ids.len() as f64);
}

#[test]
fn ec2_cost_is_split_by_reserved_cpu_and_fargate_by_task_case_32() {
    // One m5.large ($0.096/h, 2048 CPU units) for an hour with one 1024-unit task: half is the
    // service's, half unallocated. Case 32: 0.25 vCPU / 0.5 GB on FARGATE for 1 h is $0.0123425;
    // on FARGATE_SPOT at the default 70 % discount, 30 % of that.
    let yaml = "duration: 1h
ec2AutoScaling:
  autoScalingGroups:
    - {AutoScalingGroupName: asg, InstanceType: m5.large, MinSize: 1, MaxSize: 1, DesiredCapacity: 1}
ecs:
  capacityProviders:
    - {name: cp, autoScalingGroupProvider: {autoScalingGroupArn: asg}}
  cluster:
    clusterName: c
    capacityProviders: [cp, FARGATE, FARGATE_SPOT]
  taskDefinitions:
    - family: web
      containerDefinitions: [{name: app, image: web, cpu: 1024, memory: 512}]
    - {family: api, cpu: \"256\", memory: \"512\", networkMode: awsvpc, requiresCompatibilities: [FARGATE],
       containerDefinitions: [{name: api, image: api}]}
  services:
    - {serviceName: web, taskDefinition: web, desiredCount: 1, launchType: EC2}
    - {serviceName: api, taskDefinition: api, desiredCount: 1, launchType: FARGATE}
    - {serviceName: spot, taskDefinition: api, desiredCount: 1,
       capacityProviderStrategy: [{capacityProvider: FARGATE_SPOT, weight: 1}]}
";
    let out = run(yaml);
    let costs = summary_number(&out.summary, "cost_usd");
    let expected = [0.096 + 0.0123425 + 0.0123425 * 0.3, 0.048, 0.0123425, 0.0123425 * 0.3];
    for (got, want) in costs.iter().zip(expected) {
        assert!((got - want).abs() < 2e-6, "{costs:?} vs {expected:?}");
    }
    assert!((summary_number(&out.summary, "unallocated_cost_usd")[0] - 0.048).abs() < 2e-6);
    // Prices are settings: EC2 Spot and FARGATE_SPOT discounts, Fargate rates.
    let cheaper = yaml.replace(
        "ecs:\n",
        "behavior:\n  cost: {fargateSpotDiscountPercent: 50, fargate: {usdPerVcpuHour: 0.08096, usdPerGbHour: 0.00889}}\necs:\n",
    );
    let costs = summary_number(&run(&cheaper).summary, "cost_usd");
    assert!((costs[2] - 2.0 * 0.0123425).abs() < 2e-6, "{costs:?}");
    assert!((costs[3] - 0.0123425).abs() < 2e-6, "{costs:?}");
}

#[track_caller]
fn check_error(events: &str, expected: &[&str]) {
    let yaml = cluster(3, events);
    let error = match load_text("bad.yaml", &yaml) {
        Ok(_) => panic!("loaded, but should fail with {expected:?}"),
        Err(e) => e.rendered,
    };
    for part in expected {
        assert!(error.contains(part), "missing {part:?} in:\n{error}");
    }
}

#[test]
fn bad_selectors_are_reported_where_they_are() {
    // The events block starts on line 34 of `cluster`: the action is on line 36.
    check_error(
        "events:\n  - at: 1m\n    failInstances: {instanceIds: [i-1]}\n",
        &[
            "error: `i-1` is not an instance id of the simulator",
            "--> bad.yaml:36:35",
            "field: events[0].failInstances.instanceIds[0]",
            "i-00000000000000001",
        ],
    );
    check_error(
        "events:\n  - at: 1m\n    failInstances: {capacityProvider: cp, count: 1, fraction: 0.5}\n",
        &[
            "give either `count` or `fraction`, not both",
            "--> bad.yaml:36:53",
            "events[0].failInstances.fraction",
        ],
    );
    check_error(
        "events:\n  - at: 1m\n    drainInstances: {instanceType: m5.larg}\n",
        &[
            "no Auto Scaling group of the scenario launches `m5.larg`",
            "did you mean `m5.large`?",
            "events[0].drainInstances.instanceType",
        ],
    );
    check_error(
        "events:\n  - at: 1m\n    failInstances: {capacityProvider: FARGATE}\n",
        &[
            "`FARGATE` has no container instances",
            "events[0].failInstances.capacityProvider",
        ],
    );
    check_error(
        "events:\n  - at: 1m\n    drainInstances: {autoScalingGroup: asgg}\n",
        &["no Auto Scaling group named `asgg`", "did you mean `asg`?"],
    );
    check_error(
        "events:\n  - at: 1m\n    failInstances: {}\n",
        &["the selector names no instances", "events[0].failInstances"],
    );
    check_error(
        "events:\n  - at: 1m\n    azOutage: {availabilityZone: us-east-1d}\n",
        &[
            "`us-east-1d` is not one of the scenario's availabilityZones",
            "missing required field `duration`",
        ],
    );
    check_error(
        "events:\n  - at: 1m\n    spotInterruption: {capacityProvider: FARGATE, count: 1}\n",
        &[
            "FARGATE tasks are on-demand and are never interrupted",
            "use FARGATE_SPOT",
        ],
    );
    check_error(
        "events:\n  - at: 1m\n    spotInterruption: {capacityProvider: FARGATE_SPOT, service: web}\n",
        &[
            "service `web` runs no FARGATE_SPOT tasks",
            "missing `count` or `fraction`",
        ],
    );
    check_error(
        "events:\n  - at: 1m\n    spotInteruption: {capacityProvider: FARGATE_SPOT, count: 1}\n",
        &["unknown field `spotInteruption`", "did you mean `spotInterruption`?"],
    );
    check_error(
        "behavior:\n  fargateSpot: {interruptionsPerTask: 1}\n",
        &[
            "unknown field `interruptionsPerTask`",
            "did you mean `interruptionsPerTaskHour`?",
        ],
    );
}
