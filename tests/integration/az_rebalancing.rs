//! Availability Zone rebalancing (`availabilityZoneRebalancing`). Sources:
//! https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-rebalancing.html ("launch
//! tasks in the AZs with the fewest tasks and terminate excess tasks in the AZs with the most"),
//! https://docs.aws.amazon.com/AmazonECS/latest/developerguide/track-service-rebalancing.html
//! (the SERVICE_REBALANCING_STARTED, TASKS_STARTED, TASKS_STOPPED, SERVICE_REBALANCING_COMPLETED
//! events) and API_CreateService (ENABLED by default for a compatible service, not binpack);
//! docs/aws-behaviour.md, "AZ rebalancing".

use std::collections::BTreeMap;

use crate::support::{column, load_file, load_text, root, run_to_strings};

/// Tasks of `service` still running at the end, per zone.
fn live_per_zone(tasks_csv: &str, service: &str) -> BTreeMap<String, u32> {
    let zones = column(tasks_csv, "availability_zone", Some(("service", service)));
    let stopped = column(tasks_csv, "stopped_s", Some(("service", service)));
    let mut per_zone = BTreeMap::new();
    for (zone, stopped) in zones.into_iter().zip(stopped) {
        if stopped.is_empty() {
            *per_zone.entry(zone).or_insert(0) += 1;
        }
    }
    per_zone
}

fn rebalancing_rows<'a>(events: &'a str, service: &str) -> Vec<&'a str> {
    let tag = format!(",az_rebalancing,{service},");
    events.lines().filter(|l| l.contains(&tag)).collect()
}

fn outage(sets: &[(&str, &str)]) -> crate::support::RunOutput {
    let path = root().join("scenarios/az-outage-at-peak.yaml");
    run_to_strings(&load_file(&path, sets).expect("valid"))
}

#[test]
fn after_the_outage_the_fargate_service_moves_tasks_back_one_at_a_time() {
    let out = outage(&[]);
    let rows = rebalancing_rows(&out.events, "api");
    // STARTED when the zone recovers at 14:30 (52,200 s), with the counts it found.
    assert!(rows[0].starts_with("52200,"), "{rows:?}");
    assert!(
        rows[0].contains("is not AZ balanced with 12 tasks in Availability Zone us-east-1a, 0 tasks in Availability Zone us-east-1b, 12 tasks in Availability Zone us-east-1c"),
        "{rows:?}"
    );
    // Each move starts a task in us-east-1b, then stops one in the fullest zone once it is
    // healthy: eight moves make 8 + 8 + 8.
    let started: Vec<_> = rows
        .iter()
        .filter(|r| r.contains("has started 1 tasks in Availability Zone us-east-1b"))
        .collect();
    let stopped: Vec<_> = rows.iter().filter(|r| r.contains("has stopped 1 tasks")).collect();
    assert_eq!((started.len(), stopped.len()), (8, 8), "{rows:?}");
    assert!(!stopped.iter().any(|r| r.contains("us-east-1b")), "{rows:?}");
    let last = rows.last().expect("rows");
    assert!(last.contains("is AZ balanced with 8 tasks in Availability Zone us-east-1a, 8 tasks in Availability Zone us-east-1b, 8 tasks in Availability Zone us-east-1c"), "{last}");
    // Every task it stopped says why in tasks.csv.
    let reasons = column(&out.tasks, "stop_reason", Some(("service", "api")));
    let moved = reasons.iter().filter(|r| r.starts_with("AZ Rebalancing")).count();
    assert_eq!(moved, 8);
    // The orders service has no instance in us-east-1b after the outage: nothing to move to.
    assert!(rebalancing_rows(&out.events, "orders").is_empty());
    let api = live_per_zone(&out.tasks, "api");
    assert!(api.get("us-east-1b").copied().unwrap_or(0) > 0, "{api:?}");
}

#[test]
fn disabled_nothing_moves_back() {
    let out = outage(&[("ecs.services[1].availabilityZoneRebalancing", "DISABLED")]);
    assert!(rebalancing_rows(&out.events, "api").is_empty());
    let reasons = column(&out.tasks, "stop_reason", Some(("service", "api")));
    assert!(!reasons.iter().any(|r| r.starts_with("AZ Rebalancing")));
}

/// Ten m5.large (two 1024-unit tasks each, 4 + 3 + 3 over the zones) running 20 tasks, 8 + 6 +
/// 6; managed scaling at targetCapacity 80 adds three instances at 2 minutes, the first to
/// register in us-east-1b (reference case 24).
fn grown_cluster(service_extra: &str) -> String {
    format!(
        "duration: 30m
availabilityZones: [us-east-1a, us-east-1b, us-east-1c]
ec2AutoScaling:
  autoScalingGroups:
    - {{AutoScalingGroupName: asg, InstanceType: m5.large, MinSize: 0, MaxSize: 20, DesiredCapacity: 10, NewInstancesProtectedFromScaleIn: true}}
ecs:
  capacityProviders:
    - {{name: cp, autoScalingGroupProvider: {{autoScalingGroupArn: asg, managedScaling: {{status: ENABLED, targetCapacity: 80}}}}}}
  cluster: {{clusterName: demo, capacityProviders: [cp], defaultCapacityProviderStrategy: [{{capacityProvider: cp, weight: 1}}]}}
  taskDefinitions:
    - {{family: web, networkMode: bridge, requiresCompatibilities: [EC2],
       containerDefinitions: [{{name: app, image: example/web, cpu: 1024, memory: 2048, portMappings: [{{containerPort: 80, hostPort: 0}}]}}]}}
  services:
    - {{serviceName: web, taskDefinition: web, desiredCount: 20{service_extra}}}
"
    )
}

#[test]
fn an_ec2_service_moves_a_task_onto_new_capacity_in_the_emptiest_zone() {
    let out = run_to_strings(&load_text("grown.yaml", &grown_cluster("")).expect("valid"));
    let rows = rebalancing_rows(&out.events, "web");
    assert_eq!(rows.len(), 4, "{rows:?}");
    assert!(rows[0].contains("8 tasks in Availability Zone us-east-1a, 6 tasks in Availability Zone us-east-1b, 6 tasks in Availability Zone us-east-1c"), "{rows:?}");
    assert!(
        rows[1].contains("has started 1 tasks in Availability Zone us-east-1b"),
        "{rows:?}"
    );
    assert!(
        rows[2].contains("has stopped 1 tasks in Availability Zone us-east-1a"),
        "{rows:?}"
    );
    assert!(rows[3].contains("is AZ balanced with 7 tasks"), "{rows:?}");
    // Before the new instance there is no room in us-east-1b: the scheduler did not start a task
    // that would land elsewhere.
    let first: f64 = rows[0].split(',').next().unwrap().parse().unwrap();
    assert!(first > 120.0, "{first}");
    let web = live_per_zone(&out.tasks, "web");
    assert_eq!(web.values().copied().collect::<Vec<_>>(), vec![7, 7, 6]);
}

#[test]
fn binpack_defaults_to_disabled_and_maximum_percent_100_leaves_no_room() {
    // API_CreateService: a binpack service is not compatible and defaults to DISABLED.
    let binpack = grown_cluster(", placementStrategy: [{type: binpack, field: memory}]");
    let out = run_to_strings(&load_text("binpack.yaml", &binpack).expect("valid"));
    assert!(rebalancing_rows(&out.events, "web").is_empty());
    // The extra task counts toward maximumPercent: at 100 % there is no room for it.
    let capped = grown_cluster(", deploymentConfiguration: {maximumPercent: 100, minimumHealthyPercent: 50}");
    let out = run_to_strings(&load_text("capped.yaml", &capped).expect("valid"));
    let rows = rebalancing_rows(&out.events, "web");
    assert!(rows.is_empty(), "{rows:?}");
}

#[test]
fn the_setting_is_read_not_ignored_and_a_bad_value_is_an_error() {
    let path = root().join("scenarios/az-outage-at-peak.yaml");
    let loaded = load_file(&path, &[]).expect("valid");
    assert!(loaded.spec.services.iter().all(|s| s.az_rebalancing));
    assert!(
        !loaded
            .spec
            .ignored_fields
            .iter()
            .any(|f| f.contains("availabilityZoneRebalancing"))
    );
    let Err(bad) = load_file(&path, &[("ecs.services[1].availabilityZoneRebalancing", "ON")]) else {
        panic!("an error")
    };
    let text = bad.to_string();
    assert!(
        text.contains("availabilityZoneRebalancing") && text.contains("ENABLED"),
        "{text}"
    );
}
