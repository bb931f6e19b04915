//! Placement benchmark: 10,000 tasks onto 1,000 m5.xlarge instances in 3 Availability Zones with
//! `spread(attribute:ecs.availability-zone)` then `binpack(memory)`.
//!
//! `indexed` is what the engine does (the free-capacity index answers the strategy with range
//! queries); `full_scan` ranks every instance for every task, the reference the index is tested
//! against. Throughput is tasks placed per second. Run with `cargo bench -p ecsim-bench --bench placement`.

use std::collections::BTreeMap;
use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use ecsim::model::catalog::instance_type;
use ecsim::model::{ContainerInstance, InstanceId, InstanceState, TaskResources};
use ecsim::policy::placement::{
    BinpackField, FreeCapacityIndex, IndexAnswer, PlacementContext, PlacementRequest, PlacementStrategy, SpreadCounts,
    SpreadField, place_task, place_with_index,
};
use ecsim::sim::{ProviderIdx, SimTime};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

const INSTANCES: u32 = 1_000;
const TASKS: u32 = 10_000;
const ZONES: usize = 3;

/// The service's task counts, kept as the engine keeps them.
struct Counts {
    in_az: Vec<u32>,
    on_instance: BTreeMap<u32, u32>,
}

impl SpreadCounts for Counts {
    fn service_tasks_on_instance(&self, instance: InstanceId) -> u32 {
        self.on_instance.get(&instance.0).copied().unwrap_or(0)
    }
    fn service_tasks_in_az(&self, az: usize) -> u32 {
        self.in_az[az]
    }
    fn service_tasks_with_attribute(&self, _: &str, _: Option<&str>) -> u32 {
        0
    }
}

impl PlacementContext for Counts {
    fn running_tasks_on(&self, _: &ContainerInstance) -> u64 {
        0
    }
    fn any_task_group_on(&self, _: &ContainerInstance, _: &mut dyn FnMut(&str) -> bool) -> bool {
        false
    }
    fn start_epoch_ms(&self) -> i64 {
        0
    }
}

fn fleet() -> Vec<ContainerInstance> {
    let itype = instance_type("m5.xlarge").expect("in catalog");
    (0..INSTANCES)
        .map(|id| ContainerInstance {
            id: InstanceId(id),
            ec2_instance_id: format!("i-{id:017x}"),
            instance_type: itype,
            auto_scaling_group: 0,
            capacity_provider: Some(ProviderIdx(0)),
            availability_zone: id as usize % ZONES,
            state: InstanceState::Active,
            registered_cpu_units: 4096,
            registered_memory_mib: 15_700,
            max_awsvpc_tasks: 3,
            used_cpu_units: 0,
            used_memory_mib: 0,
            used_enis: 0,
            ports_in_use: Default::default(),
            tasks: Vec::new(),
            jobs: Vec::new(),
            daemon_tasks: 0,
            launched_at: SimTime::ZERO,
            registered_at: Some(SimTime::ZERO),
            terminated_at: None,
            attributes: Vec::new(),
            spot: false,
        })
        .collect()
}

/// The instances' dynamic host port range.
const PORTS: (u16, u16) = (32768, 60999);

/// Places every task; returns how many found an instance.
fn place_all(fleet: &mut [ContainerInstance], indexed: bool) -> u32 {
    let strategy = [
        PlacementStrategy::Spread(SpreadField::Attribute("ecs.availability-zone".into())),
        PlacementStrategy::Binpack(BinpackField::Memory),
    ];
    // Three task sizes, so binpack has real choices to make.
    let shapes: Vec<TaskResources> = (0..3)
        .map(|k| TaskResources {
            cpu_units: [256, 512, 128][k],
            memory_mib: [1024, 512, 2048][k],
            static_ports: vec![],
            dynamic_ports: 0,
            enis: 0,
        })
        .collect();
    let mut index = FreeCapacityIndex::new(1, ZONES, &shapes, PORTS);
    for i in fleet.iter() {
        index.update(i);
    }
    let mut counts = Counts {
        in_az: vec![0; ZONES],
        on_instance: BTreeMap::new(),
    };
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let mut placed = 0;
    for t in 0..TASKS {
        let resources = &shapes[t as usize % 3];
        let request = PlacementRequest {
            resources,
            strategy: &strategy,
            constraints: &[],
            dynamic_port_range: PORTS,
        };
        let chosen = if indexed {
            match place_with_index(&request, ProviderIdx(0), &index, &counts) {
                IndexAnswer::Chosen(id) => Some(id),
                _ => None,
            }
        } else {
            let refs: Vec<&ContainerInstance> = fleet.iter().collect();
            place_task(&request, &refs, &counts, &mut rng).ok().map(|p| p.instance)
        };
        let Some(id) = chosen else { continue };
        let inst = &mut fleet[id];
        inst.used_cpu_units += resources.cpu_units;
        inst.used_memory_mib += resources.memory_mib;
        index.update(inst);
        counts.in_az[inst.availability_zone] += 1;
        *counts.on_instance.entry(id.0).or_default() += 1;
        placed += 1;
    }
    placed
}

fn placement(c: &mut Criterion) {
    assert_eq!(place_all(&mut fleet(), true), TASKS, "every task fits");
    assert_eq!(place_all(&mut fleet(), false), TASKS, "every task fits");
    let mut group = c.benchmark_group("placement");
    group.sample_size(10);
    group.throughput(Throughput::Elements(u64::from(TASKS)));
    for (name, indexed) in [
        ("indexed_10k_tasks_on_1k_instances", true),
        ("full_scan_10k_tasks_on_1k_instances", false),
    ] {
        group.bench_function(name, |b| {
            b.iter_batched(
                fleet,
                |mut f| black_box(place_all(&mut f, indexed)),
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, placement);
criterion_main!(benches);
