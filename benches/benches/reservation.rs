//! ECS managed scaling's metric: CapacityProviderReservation and the instances waiting tasks need,
//! as the engine computes them once a minute for every capacity provider with managed scaling.
//!
//! The provider is a mixed group of m5.large, m5.xlarge, m5.2xlarge and m5.4xlarge (the estimate
//! binpacks each group of waiting tasks onto the largest type and leaves out a group that fits
//! not even the smallest). Waiting tasks come from six task definitions of a typical cluster: a
//! bridge web service with dynamic ports, an awsvpc API (one ENI each), a worker, a memory-bound
//! cache, a cron task with a static host port (one per instance) and a 4-vCPU batch task that no
//! m5.large can hold.
//!
//! - `one_datapoint_6_groups`: one minute's datapoint with 500 tasks waiting (the default
//!   `provisioningTaskLimit`) in the six groups, on a group of 300 instances;
//! - `minutes_of_30_days`: the 43,200 datapoints of one provider over 30 days, each minute with
//!   its own instance count, busy instances and waiting tasks (drawn from a seeded generator with
//!   a daily cycle, most minutes with nothing or little waiting);
//! - `additional_instances/N_groups`: the estimate alone with 1, 8 and 64 distinct groups.
//!
//! Run with `cargo bench -p ecsim-bench --bench reservation`.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ecsim::model::TaskResources;
use ecsim::model::catalog::instance_type;
use ecsim::policy::cluster_scaling::{
    InstanceCapacity, ScalingSteps, WaitingTaskGroup, additional_instances, capacity_provider_reservation,
};
use ecsim::spec::InstanceBehavior;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

const MINUTES_30_DAYS: usize = 30 * 24 * 60;
/// ECS's default step sizes (`minimumScalingStepSize` 1, `maximumScalingStepSize` 10,000).
const STEPS: ScalingSteps = ScalingSteps {
    minimum: 1,
    maximum: 10_000,
};

/// What an instance type offers a task after the agent's reservation, as the engine computes it.
fn capacity(name: &str) -> InstanceCapacity {
    let t = instance_type(name).expect("in the catalog");
    let instances = InstanceBehavior::default();
    InstanceCapacity {
        cpu_units: t.cpu_units().saturating_sub(instances.agent_reserved_cpu_units),
        memory_mib: t.memory_mib.saturating_sub(instances.agent_reserved_memory_mib),
        awsvpc_tasks: t.awsvpc_tasks_without_trunking(),
    }
}

/// The smallest and largest of the mixed group's types, field by field (they are m5.large and
/// m5.4xlarge here).
fn group_bounds() -> (InstanceCapacity, InstanceCapacity) {
    let caps: Vec<InstanceCapacity> = ["m5.large", "m5.xlarge", "m5.2xlarge", "m5.4xlarge"]
        .into_iter()
        .map(capacity)
        .collect();
    let smallest = InstanceCapacity {
        cpu_units: caps.iter().map(|c| c.cpu_units).min().expect("types"),
        memory_mib: caps.iter().map(|c| c.memory_mib).min().expect("types"),
        awsvpc_tasks: caps.iter().map(|c| c.awsvpc_tasks).min().expect("types"),
    };
    let largest = InstanceCapacity {
        cpu_units: caps.iter().map(|c| c.cpu_units).max().expect("types"),
        memory_mib: caps.iter().map(|c| c.memory_mib).max().expect("types"),
        awsvpc_tasks: caps.iter().map(|c| c.awsvpc_tasks).max().expect("types"),
    };
    (smallest, largest)
}

fn resources(cpu_units: u32, memory_mib: u64, static_ports: &[u16], dynamic_ports: u32, enis: u32) -> TaskResources {
    TaskResources {
        cpu_units,
        memory_mib,
        static_ports: static_ports.to_vec(),
        dynamic_ports,
        enis,
    }
}

/// The six task definitions of the cluster, with the share of waiting tasks each usually has.
fn task_kinds() -> [(TaskResources, u64); 6] {
    [
        (resources(512, 1024, &[], 1, 0), 40),   // web, bridge, dynamic host port
        (resources(1024, 2048, &[], 0, 1), 25),  // api, awsvpc
        (resources(2048, 4096, &[], 0, 0), 15),  // worker
        (resources(1024, 7680, &[], 0, 0), 10),  // cache, memory-bound
        (resources(256, 512, &[8080], 0, 0), 6), // cron, static host port 8080
        (resources(4096, 16_384, &[], 0, 0), 4), // batch: no m5.large holds it
    ]
}

/// `total` waiting tasks split over the six groups by their usual shares.
fn waiting_groups(total: u64) -> Vec<WaitingTaskGroup> {
    task_kinds()
        .into_iter()
        .map(|(resources, percent)| WaitingTaskGroup {
            resources,
            tasks: total * percent / 100,
        })
        .collect()
}

/// One datapoint: M = busy instances plus those the waiting tasks need, CPR = M / N x 100.
fn datapoint(
    n: u32,
    busy: u32,
    groups: &[WaitingTaskGroup],
    smallest: &InstanceCapacity,
    largest: &InstanceCapacity,
) -> f64 {
    let m = match additional_instances(groups, smallest, largest, STEPS) {
        Some(extra) => busy + extra,
        None => n,
    };
    capacity_provider_reservation(n, m)
}

/// One minute of the 30-day series: the group's size, its busy instances, the waiting tasks.
struct Minute {
    n: u32,
    busy: u32,
    groups: Vec<WaitingTaskGroup>,
}

/// 30 days of minutes: the group follows a daily cycle between about 150 and 450 instances;
/// nothing waits in three minutes of four, otherwise up to 500 tasks spread over the groups,
/// each group's count drawn around its share (some groups empty).
fn thirty_days() -> Vec<Minute> {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    (0..MINUTES_30_DAYS)
        .map(|minute| {
            let phase = (minute % 1440) as f64 / 1440.0 * std::f64::consts::TAU;
            let n = (300.0 - 150.0 * phase.cos()).round() as u32;
            let busy = n - rng.random_range(0..=n / 10);
            let groups = if rng.random_range(0..4u32) == 0 {
                let total = rng.random_range(1..=500u64);
                task_kinds()
                    .into_iter()
                    .map(|(resources, percent)| WaitingTaskGroup {
                        resources,
                        tasks: rng.random_range(0..=total * percent / 50),
                    })
                    .collect()
            } else {
                Vec::new()
            };
            Minute { n, busy, groups }
        })
        .collect()
}

/// `count` distinct groups: CPU from 256 to 4096 units and memory from 512 MiB to 16 GiB.
fn distinct_groups(count: u32) -> Vec<WaitingTaskGroup> {
    (0..count)
        .map(|i| WaitingTaskGroup {
            resources: resources(256 * (1 + i % 16), 512 * u64::from(1 + i / 16 % 32), &[], 0, i % 2),
            tasks: u64::from(5 + i * 7 % 40),
        })
        .collect()
}

fn reservation(c: &mut Criterion) {
    let (smallest, largest) = group_bounds();
    let mut group = c.benchmark_group("reservation");

    let groups = waiting_groups(500);
    group.throughput(Throughput::Elements(1));
    group.bench_function("one_datapoint_6_groups", |b| {
        b.iter(|| datapoint(black_box(300), black_box(280), black_box(&groups), &smallest, &largest))
    });

    let minutes = thirty_days();
    group.throughput(Throughput::Elements(minutes.len() as u64));
    group.bench_function("minutes_of_30_days", |b| {
        b.iter(|| {
            let mut sum = 0.0;
            for m in black_box(&minutes) {
                sum += datapoint(m.n, m.busy, &m.groups, &smallest, &largest);
            }
            sum
        })
    });

    for count in [1, 8, 64] {
        let groups = distinct_groups(count);
        group.throughput(Throughput::Elements(1));
        group.bench_with_input(
            BenchmarkId::new("additional_instances", format!("{count}_groups")),
            &groups,
            |b, groups| b.iter(|| additional_instances(black_box(groups), &smallest, &largest, STEPS)),
        );
    }
    group.finish();
}

criterion_group!(benches, reservation);
criterion_main!(benches);
