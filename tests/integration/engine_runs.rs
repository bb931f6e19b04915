//! Whole engine runs on specs built in Rust, checked through what a `MemorySink` records.
//!
//! Every run checks the world's invariants after each event. Case numbers refer to
//! `docs/aws-behaviour.md`.

use std::collections::BTreeMap;

use chrono_tz::Tz;
use ecsim::engine::{self, EngineError, RunOptions};
use ecsim::sim::{ProviderIdx, ServiceIdx, SimDuration, SimTime};
use ecsim::spec::{
    AutoScalingGroupSpec, Behavior, CapacityProviderSpec, ContainerSpec, DurationDistribution, InstanceSelector,
    NetworkMode, PortMapping, ServiceSpec, Spec, StrategyItem, TaskDefinitionSpec, TimelineAction, TimelineEvent,
};
use ecsim::trace::{EventKind, MemorySink, OwnedServiceRow, RunTotals};
use ecsim::workload::{DEFAULT_START_EPOCH_MS, LoadProfile, LoadShape, Noise};

const AZS: [&str; 3] = ["us-east-1a", "us-east-1b", "us-east-1c"];
const HOUR_MS: u64 = 3_600_000;
const MINUTE_MS: u64 = 60_000;
const TERMINATED: &str = "Host EC2 instance terminated";
const SCALE_IN: &str = "Scaling activity initiated by (deployment ecs-svc)";

/// Where the service's tasks run.
enum Capacity {
    /// One Auto Scaling group of this many instances of this type, one per AZ (at most three).
    Ec2(&'static str, u32),
    /// FARGATE, over all three AZs.
    Fargate,
}

/// How the task definition is networked.
enum Net {
    /// Bridge mode with hostPort 0.
    DynamicPort,
    /// Bridge mode with this fixed hostPort.
    StaticPort(u16),
    /// awsvpc: one ENI per task.
    Awsvpc,
}

/// A one-service cluster running for an hour with warm start, no load and 60 s trace rows.
/// Tasks reserve `task_cpu` CPU units and 512 MiB; tests adjust the returned `Spec` directly.
fn spec(capacity: Capacity, net: Net, task_cpu: u32, desired: u32) -> Spec {
    let (groups, provider, zones) = match capacity {
        Capacity::Ec2(instance_type, count) => (
            vec![AutoScalingGroupSpec::new(
                "asg",
                instance_type,
                (count, count, count),
                (0..count as usize).collect(),
            )],
            CapacityProviderSpec::auto_scaling_group("cp", 0),
            count as usize,
        ),
        Capacity::Fargate => (Vec::new(), CapacityProviderSpec::fargate(), 3),
    };
    let fargate = groups.is_empty();
    let (network_mode, host_port) = match net {
        Net::DynamicPort => (NetworkMode::Bridge, Some(0)),
        Net::StaticPort(p) => (NetworkMode::Bridge, Some(p)),
        Net::Awsvpc => (NetworkMode::Awsvpc, None),
    };
    let container = ContainerSpec {
        name: "app".into(),
        cpu_units: task_cpu,
        memory_mib: Some(512),
        memory_reservation_mib: None,
        essential: true,
        port_mappings: vec![PortMapping {
            container_port: 8080,
            host_port,
        }],
        stop_timeout_s: None,
        start_timeout_s: None,
        depends_on: Vec::new(),
        health_check: None,
    };
    Spec {
        name: "engine-runs".into(),
        description: String::new(),
        seed: 7,
        start_epoch_ms: DEFAULT_START_EPOCH_MS,
        duration: SimDuration(HOUR_MS),
        trace_interval: SimDuration::from_secs(60),
        availability_zones: AZS[..zones].iter().map(|z| z.to_string()).collect(),
        auto_scaling_groups: groups,
        capacity_providers: vec![provider],
        cluster_name: "test".into(),
        target_groups: Vec::new(),
        task_definitions: vec![TaskDefinitionSpec {
            family: "web".into(),
            revision: 1,
            network_mode,
            requires_compatibilities: vec![if fargate { "FARGATE" } else { "EC2" }.into()],
            cpu_units: fargate.then_some(task_cpu),
            memory_mib: fargate.then_some(512),
            cpu_architecture: "X86_64".into(),
            containers: vec![container],
            placement_constraints: vec![],
            ephemeral_storage_gib: None,
        }],
        services: vec![ServiceSpec {
            name: "web".into(),
            task_definition: 0,
            desired_count: desired,
            strategy: vec![StrategyItem {
                provider: ProviderIdx(0),
                base: 0,
                weight: 1,
            }],
            load: None,
            queue: None,
            request_mode: ecsim::spec::RequestMode::Estimate,
            replayed_arrivals: None,
            uses_launch_type: false,
            deployment: Default::default(),
            target_groups: Vec::new(),
            advanced_configurations: Vec::new(),
            health_check_grace_period: ecsim::sim::SimDuration::from_secs(0),
            placement_strategy: vec![],
            placement_constraints: vec![],
            daemon: false,
            az_rebalancing: false,
        }],
        behavior: Behavior::with_task_definitions(1),
        auto_scaling: Default::default(),
        instance_attributes: Vec::new(),
        awsvpc_trunking: false,
        timeline: Vec::new(),
        run_tasks: Vec::new(),
        ignored_fields: Vec::new(),
        eks: Default::default(),
        not_yet_simulated: Vec::new(),
        event_bridge: Default::default(),
    }
}

fn at_minute(minute: u64, action: TimelineAction) -> TimelineEvent {
    TimelineEvent {
        at: SimTime(minute * MINUTE_MS),
        action,
    }
}

fn set_desired(minute: u64, desired_count: u32) -> TimelineEvent {
    at_minute(
        minute,
        TimelineAction::UpdateServiceDesiredCount {
            service: ServiceIdx(0),
            desired_count,
        },
    )
}

fn constant_load(rps: f64, noise: Noise) -> Option<LoadProfile> {
    Some(LoadProfile {
        shapes: vec![LoadShape::Constant { rps }],
        noise,
    })
}

/// Runs `spec` with invariant checks after every event.
fn try_run(spec: &Spec) -> (Result<RunTotals, EngineError>, MemorySink) {
    let mut sink = MemorySink::default();
    let options = RunOptions {
        check_invariants: true,
        ..Default::default()
    };
    (engine::run(spec, &mut sink, options), sink)
}

#[track_caller]
fn run(spec: &Spec) -> MemorySink {
    let (result, sink) = try_run(spec);
    result.unwrap_or_else(|e| panic!("run failed: {e}"));
    sink
}

/// The services row written at `time_ms`.
#[track_caller]
fn row_at(sink: &MemorySink, time_ms: u64) -> &OwnedServiceRow {
    sink.services
        .iter()
        .find(|r| r.time_ms == time_ms)
        .unwrap_or_else(|| panic!("no services row at {time_ms} ms"))
}

fn messages(sink: &MemorySink, kind: EventKind) -> Vec<&str> {
    sink.events
        .iter()
        .filter(|e| e.kind == kind)
        .map(|e| e.message.as_str())
        .collect()
}

/// Tasks still alive at the end of the run, counted per AZ name ("" for unplaced tasks).
fn alive_per_az(sink: &MemorySink) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for (_, _, _, az, _) in sink.tasks.iter().filter(|t| t.4.is_empty()) {
        *counts.entry(az.clone().unwrap_or_default()).or_insert(0) += 1;
    }
    counts
}

/// Tasks still alive at the end of the run on each instance that holds any, in instance order.
fn alive_per_instance(sink: &MemorySink) -> Vec<usize> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for (_, _, instance, _, _) in sink.tasks.iter().filter(|t| t.4.is_empty()) {
        if let Some(i) = instance {
            *counts.entry(i.clone()).or_insert(0) += 1;
        }
    }
    counts.into_values().collect()
}

/// The cost of the first capacity provider in the cluster row at `time_ms`.
#[track_caller]
fn cost_at(sink: &MemorySink, time_ms: u64) -> f64 {
    sink.cluster
        .iter()
        .find(|r| r.0 == time_ms)
        .unwrap_or_else(|| panic!("no cluster row at {time_ms} ms"))
        .5
}

#[track_caller]
fn assert_close(actual: f64, expected: f64, tolerance: f64) {
    assert!(
        (actual - expected).abs() <= tolerance,
        "expected {expected} ± {tolerance}, got {actual}"
    );
}

#[test]
fn fixed_ec2_service_runs_warm_spread_over_zones_and_bills_its_instances() {
    let s = spec(Capacity::Ec2("m5.large", 2), Net::DynamicPort, 256, 4);
    let sink = run(&s);
    assert_eq!(sink.services.len(), 60);
    for r in &sink.services {
        assert_eq!(
            (r.desired, r.running, r.healthy, r.pending),
            (4, 4, 4, 0),
            "row at {} ms",
            r.time_ms
        );
    }
    assert_eq!(sink.tasks.len(), 4);
    let expected: BTreeMap<String, usize> = [("us-east-1a".to_string(), 2), ("us-east-1b".to_string(), 2)].into();
    assert_eq!(alive_per_az(&sink), expected);
    assert_eq!(alive_per_instance(&sink), [2, 2]);
    // Two m5.large at $0.096 per hour for one hour.
    assert_close(cost_at(&sink, HOUR_MS), 2.0 * 0.096, 1e-9);
    assert_close(
        sink.totals.as_ref().expect("finished").provider_cost_usd[0].1,
        2.0 * 0.096,
        1e-9,
    );
    assert_eq!(messages(&sink, EventKind::PlacementFailure), Vec::<&str>::new());
}

#[test]
fn update_service_desired_count_starts_the_missing_tasks() {
    let mut s = spec(Capacity::Ec2("m5.large", 2), Net::DynamicPort, 256, 4);
    s.behavior.task_definitions[0].start_time = DurationDistribution::secs(20, 20);
    s.timeline.push(set_desired(10, 8));
    let sink = run(&s);
    let row = row_at(&sink, 9 * MINUTE_MS);
    assert_eq!((row.desired, row.running), (4, 4));
    // The update lands at 10:00, before that instant's row; its tasks are not RUNNING yet.
    let row = row_at(&sink, 10 * MINUTE_MS);
    assert_eq!((row.desired, row.running), (8, 4));
    for r in sink.services.iter().filter(|r| r.time_ms >= 11 * MINUTE_MS) {
        assert_eq!((r.desired, r.running), (8, 8), "row at {} ms", r.time_ms);
    }
    // RUNNING at 10:20, healthy 40 s later.
    for r in sink.services.iter().filter(|r| r.time_ms >= 12 * MINUTE_MS) {
        assert_eq!(r.healthy, 8, "row at {} ms", r.time_ms);
    }
    assert!(messages(&sink, EventKind::ServiceUpdate).contains(&"UpdateService: desiredCount 4 -> 8."));
    let started = sink
        .events
        .iter()
        .find(|e| e.kind == EventKind::ServiceScheduler && e.time_ms == 10 * MINUTE_MS);
    assert!(
        started.is_some_and(|e| e.message.contains("has started 4 tasks")),
        "{started:?}"
    );
    assert_eq!(alive_per_az(&sink).values().copied().collect::<Vec<_>>(), vec![4, 4]);
}

#[test]
fn scale_in_keeps_zones_balanced_case_35() {
    let mut s = spec(Capacity::Ec2("m5.large", 3), Net::DynamicPort, 256, 8);
    s.timeline.push(set_desired(10, 2));
    let sink = run(&s);
    assert!(
        messages(&sink, EventKind::ServiceScheduler)
            .iter()
            .any(|m| m.contains("has stopped 6 running tasks"))
    );
    let last = sink.services.last().expect("rows");
    assert_eq!((last.desired, last.running, last.healthy), (2, 2, 2));
    let stopped = sink.tasks.iter().filter(|t| t.4 == SCALE_IN).count();
    assert_eq!(stopped, 6);
    let alive = alive_per_az(&sink);
    let per_zone: Vec<usize> = AZS.iter().map(|z| alive.get(*z).copied().unwrap_or(0)).collect();
    assert_eq!(per_zone.iter().sum::<usize>(), 2);
    assert!(
        per_zone.iter().max().unwrap() - per_zone.iter().min().unwrap() <= 1,
        "unbalanced: {per_zone:?}"
    );
}

#[test]
fn scale_in_stops_from_the_fullest_zones_not_the_newest_tasks_case_35() {
    // The instance in us-east-1a fails: its two tasks restart in b and c, and the replacement
    // instance comes up empty in a. Scaling 6 -> 9 puts the three newest tasks in a; scaling
    // 9 -> 3 must then stop from every zone, where "newest first" alone would empty a.
    let mut s = spec(Capacity::Ec2("m5.large", 3), Net::DynamicPort, 256, 6);
    let fail_first = InstanceSelector::count(ProviderIdx(0), 1);
    s.timeline = vec![
        at_minute(5, TimelineAction::FailInstances(fail_first)),
        set_desired(10, 9),
        set_desired(20, 3),
    ];
    let sink = run(&s);
    assert_eq!(sink.tasks.iter().filter(|t| t.4 == TERMINATED).count(), 2);
    assert_eq!(sink.tasks.iter().filter(|t| t.4 == SCALE_IN).count(), 6);
    let expected: BTreeMap<String, usize> = AZS.iter().map(|z| (z.to_string(), 1)).collect();
    assert_eq!(alive_per_az(&sink), expected);
}

#[test]
fn cpu_shortfall_leaves_tasks_pending_with_resource_cpu() {
    // c5.large registers 2048 CPU units: two 1024-unit tasks each, four in all.
    let s = spec(Capacity::Ec2("c5.large", 2), Net::DynamicPort, 1024, 6);
    let sink = run(&s);
    let failures = messages(&sink, EventKind::PlacementFailure);
    assert!(failures.iter().any(|m| m.contains("RESOURCE:CPU")), "{failures:?}");
    for r in &sink.services {
        assert_eq!(
            (r.running, r.pending, r.provisioning),
            (4, 2, 2),
            "row at {} ms: both pending tasks wait for capacity",
            r.time_ms
        );
    }
    assert!(
        sink.cluster.iter().all(|c| c.4 == 2),
        "cluster rows count 2 provisioning tasks"
    );
    assert_eq!(alive_per_az(&sink).get(""), Some(&2));
}

#[test]
fn static_host_port_allows_one_task_per_instance_case_38() {
    let s = spec(Capacity::Ec2("m5.large", 2), Net::StaticPort(8080), 256, 4);
    let sink = run(&s);
    let failures = messages(&sink, EventKind::PlacementFailure);
    assert!(failures.iter().any(|m| m.contains("RESOURCE:PORTS")), "{failures:?}");
    assert_eq!(alive_per_instance(&sink), [1, 1]);
    for r in &sink.services {
        assert_eq!((r.running, r.pending), (2, 2), "row at {} ms", r.time_ms);
    }
}

#[test]
fn awsvpc_on_c5_large_holds_two_tasks_per_instance_case_37() {
    let s = spec(Capacity::Ec2("c5.large", 2), Net::Awsvpc, 256, 6);
    let sink = run(&s);
    let failures = messages(&sink, EventKind::PlacementFailure);
    assert!(failures.iter().any(|m| m.contains("RESOURCE:ENI")), "{failures:?}");
    assert_eq!(alive_per_instance(&sink), [2, 2]);
    let last = sink.services.last().expect("rows");
    assert_eq!((last.running, last.pending, last.provisioning), (4, 2, 2));
}

#[test]
fn fargate_cost_matches_case_32() {
    let s = spec(Capacity::Fargate, Net::Awsvpc, 256, 3);
    let sink = run(&s);
    // 0.25 vCPU x $0.04048 + 0.5 GB x $0.004445 = $0.0123425 per task-hour, billed from t = 0.
    assert_close(cost_at(&sink, HOUR_MS), 3.0 * 0.012_342_5, 1e-9);
    assert_close(cost_at(&sink, HOUR_MS / 2), 1.5 * 0.012_342_5, 1e-9);
    let last = sink.services.last().expect("rows");
    assert_eq!((last.running, last.healthy), (3, 3));
    assert_eq!(alive_per_az(&sink).values().copied().collect::<Vec<_>>(), vec![1, 1, 1]);
}

#[test]
fn failed_zone_is_replaced_in_the_other_zones() {
    // m5.large holds two 1024-unit tasks: the fleet is full, so replacements need a new instance.
    let mut s = spec(Capacity::Ec2("m5.large", 3), Net::DynamicPort, 1024, 6);
    s.timeline
        .push(at_minute(10, TimelineAction::FailInstances(InstanceSelector::zone(0))));
    s.duration = SimDuration(30 * MINUTE_MS);
    let sink = run(&s);
    let killed: Vec<_> = sink.tasks.iter().filter(|t| t.4 == TERMINATED).collect();
    assert_eq!(killed.len(), 2);
    assert!(
        killed.iter().all(|t| t.3.as_deref() == Some("us-east-1a")),
        "{killed:?}"
    );
    let launches: Vec<_> = messages(&sink, EventKind::Instance)
        .into_iter()
        .filter(|m| m.starts_with("Launching"))
        .collect();
    assert_eq!(launches.len(), 1, "{launches:?}");
    assert!(!launches[0].contains("us-east-1a"), "{launches:?}");
    let failures: Vec<_> = sink
        .events
        .iter()
        .filter(|e| e.kind == EventKind::PlacementFailure)
        .collect();
    assert!(
        failures
            .iter()
            .any(|e| e.time_ms >= 10 * MINUTE_MS && e.message.contains("RESOURCE:CPU")),
        "{failures:?}"
    );
    assert!(row_at(&sink, 11 * MINUTE_MS).running < 6);
    let last = sink.services.last().expect("rows");
    assert_eq!((last.running, last.healthy, last.pending), (6, 6, 0));
    let alive = alive_per_az(&sink);
    assert_eq!(alive.get("us-east-1a"), None, "{alive:?}");
    assert_eq!(alive.values().sum::<usize>(), 6);
    assert_eq!(
        sink.cluster.last().expect("rows").2,
        3,
        "three instances registered again"
    );
}

#[test]
fn cold_start_counts_tasks_healthy_40_s_after_running_case_30() {
    let mut s = spec(Capacity::Ec2("m5.large", 2), Net::DynamicPort, 256, 4);
    s.behavior.warm_start = false;
    s.trace_interval = SimDuration::from_secs(1);
    s.duration = SimDuration(5 * MINUTE_MS);
    let sink = run(&s);
    let first = &sink.services[0];
    assert_eq!(
        (first.time_ms, first.running, first.pending, first.healthy),
        (1000, 0, 4, 0)
    );
    let first_row_where = |f: fn(&OwnedServiceRow) -> bool| sink.services.iter().find(|r| f(r)).map(|r| r.time_ms);
    let all_running = first_row_where(|r| r.running == 4).expect("tasks reach RUNNING");
    let all_healthy = first_row_where(|r| r.healthy == 4).expect("tasks become healthy");
    assert!(all_running > 1000);
    assert_eq!(all_healthy - all_running, 40_000);
    assert!(
        sink.services
            .iter()
            .all(|r| r.healthy <= r.running && r.running + r.pending == 4)
    );
    assert!(messages(&sink, EventKind::SteadyState).len() == 1);
}

#[test]
fn demand_above_capacity_is_unserved_at_full_cpu() {
    let mut s = spec(Capacity::Ec2("m5.large", 2), Net::DynamicPort, 256, 4);
    s.services[0].load = constant_load(1000.0, Noise::None);
    let sink = run(&s);
    for r in &sink.services {
        // Four healthy tasks at 100 rps each serve 400 of 1000 rps.
        assert_close(r.demand_rps, 1000.0, 1e-9);
        assert_close(r.served_rps, 400.0, 1e-9);
        assert_close(r.unserved_rps, 1000.0 - 4.0 * 100.0, 1e-9);
        assert_close(r.cpu_utilization, 100.0, 1e-9);
    }
}

#[test]
fn same_seed_gives_the_same_trace_and_another_seed_other_demand() {
    let mut s = spec(Capacity::Ec2("m5.large", 2), Net::DynamicPort, 256, 4);
    s.behavior.warm_start = false;
    s.services[0].load = Some(LoadProfile {
        shapes: vec![
            LoadShape::Constant { rps: 200.0 },
            LoadShape::Diurnal {
                amplitude: 100.0,
                peak_second_of_day: 14 * 3600,
                timezone: Tz::UTC,
            },
        ],
        noise: Noise::Poisson,
    });
    let first = format!("{:?}", run(&s));
    let second = format!("{:?}", run(&s));
    assert_eq!(first, second);
    let demand = |sink: &MemorySink| sink.services.iter().map(|r| r.demand_rps).collect::<Vec<_>>();
    let seed_7 = demand(&run(&s));
    s.seed = 8;
    let seed_8 = demand(&run(&s));
    assert_eq!(seed_7.len(), seed_8.len());
    assert!(
        seed_7.iter().zip(&seed_8).filter(|(a, b)| a != b).count() > seed_7.len() / 2,
        "{seed_7:?} vs {seed_8:?}"
    );
}

#[test]
fn event_budget_stops_a_runaway_run() {
    let mut s = spec(Capacity::Ec2("m5.large", 2), Net::DynamicPort, 256, 4);
    s.behavior.max_events = 100;
    let (result, sink) = try_run(&s);
    assert!(
        matches!(result, Err(EngineError::EventBudgetExceeded { events: 100, .. })),
        "{result:?}"
    );
    assert!(sink.totals.is_none(), "an aborted run does not finish its sink");
}
