//! Placement tables on a small fixed fleet (how each strategy and constraint chooses), and a
//! seeded randomised check that the index finds what a full scan finds.

use std::collections::BTreeMap;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::*;
use crate::model::catalog::instance_type;
use crate::sim::{ProviderIdx, SimTime};

/// Service task counts and task groups, as the engine keeps them.
#[derive(Default)]
struct World {
    on_instance: BTreeMap<u32, u32>,
    in_az: Vec<u32>,
    by_attribute: BTreeMap<(String, Option<String>), u32>,
    groups: BTreeMap<u32, Vec<&'static str>>,
}

impl SpreadCounts for World {
    fn service_tasks_on_instance(&self, instance: InstanceId) -> u32 {
        self.on_instance.get(&instance.0).copied().unwrap_or(0)
    }
    fn service_tasks_in_az(&self, az: usize) -> u32 {
        self.in_az.get(az).copied().unwrap_or(0)
    }
    fn service_tasks_with_attribute(&self, name: &str, value: Option<&str>) -> u32 {
        let key = (name.to_string(), value.map(str::to_string));
        self.by_attribute.get(&key).copied().unwrap_or(0)
    }
}

impl PlacementContext for World {
    fn running_tasks_on(&self, instance: &ContainerInstance) -> u64 {
        self.groups.get(&instance.id.0).map_or(0, |g| g.len() as u64)
    }
    fn any_task_group_on(&self, instance: &ContainerInstance, f: &mut dyn FnMut(&str) -> bool) -> bool {
        self.groups.get(&instance.id.0).is_some_and(|g| g.iter().any(|x| f(x)))
    }
    fn start_epoch_ms(&self) -> i64 {
        0
    }
}

fn instance(id: u32, az: usize, free_cpu: u32, free_memory: u64, attributes: &[(&str, &str)]) -> ContainerInstance {
    let itype = instance_type("m5.xlarge").expect("in catalog");
    let mut attributes: Vec<(String, String)> = attributes
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .chain([("ecs.instance-type".to_string(), itype.name.to_string())])
        .collect();
    attributes.sort();
    ContainerInstance {
        id: InstanceId(id),
        ec2_instance_id: format!("i-{id}"),
        instance_type: itype,
        auto_scaling_group: 0,
        capacity_provider: Some(ProviderIdx(0)),
        availability_zone: az,
        state: InstanceState::Active,
        registered_cpu_units: 4096,
        registered_memory_mib: 15_000,
        max_awsvpc_tasks: 3,
        used_cpu_units: 4096 - free_cpu,
        used_memory_mib: 15_000 - free_memory,
        used_enis: 0,
        ports_in_use: Default::default(),
        tasks: vec![],
        jobs: vec![],
        daemon_tasks: 0,
        launched_at: SimTime::ZERO,
        registered_at: Some(SimTime::ZERO),
        terminated_at: None,
        attributes,
        spot: false,
    }
}

fn task(cpu: u32, memory: u64) -> TaskResources {
    TaskResources {
        cpu_units: cpu,
        memory_mib: memory,
        static_ports: vec![],
        dynamic_ports: 0,
        enis: 0,
    }
}

const RANGE: (u16, u16) = (32768, 60999);

/// The fleet of the tables: 4 instances in 3 zones, with the service's tasks already on them.
///
/// | id | zone | free CPU | free memory | tasks of the service | stack |
/// |----|------|----------|-------------|----------------------|-------|
/// | 0  | a    | 1024     | 2000        | 2                    | blue  |
/// | 1  | a    | 4096     | 6000        | 0                    | blue  |
/// | 2  | b    | 512      | 4000        | 1                    | green |
/// | 3  | c    | 2048     | 3000        | 1                    | -     |
fn fleet() -> (Vec<ContainerInstance>, World) {
    let fleet = vec![
        instance(0, 0, 1024, 2000, &[("stack", "blue")]),
        instance(1, 0, 4096, 6000, &[("stack", "blue")]),
        instance(2, 1, 512, 4000, &[("stack", "green")]),
        instance(3, 2, 2048, 3000, &[]),
    ];
    let world = World {
        on_instance: [(0, 2), (2, 1), (3, 1)].into_iter().collect(),
        in_az: vec![2, 1, 1],
        by_attribute: [
            (("stack".to_string(), Some("blue".to_string())), 2),
            (("stack".to_string(), Some("green".to_string())), 1),
            (("stack".to_string(), None), 1),
        ]
        .into_iter()
        .collect(),
        groups: [
            (0, vec!["service:web", "service:web"]),
            (2, vec!["service:web"]),
            (3, vec!["service:web", "family:db"]),
        ]
        .into_iter()
        .collect(),
    };
    (fleet, world)
}

fn spread(field: &str) -> PlacementStrategy {
    match field.strip_prefix("attribute:") {
        Some(a) => PlacementStrategy::Spread(SpreadField::Attribute(a.into())),
        None => PlacementStrategy::Spread(SpreadField::InstanceId),
    }
}

fn member_of(expression: &str) -> PlacementConstraint {
    PlacementConstraint::MemberOf {
        expression: expression.into(),
        parsed: cql::parse(expression).expect("valid expression"),
    }
}

#[track_caller]
fn check(strategy: &[PlacementStrategy], constraints: &[PlacementConstraint], expected: Result<u32, &str>) {
    let (fleet, world) = fleet();
    let refs: Vec<&ContainerInstance> = fleet.iter().collect();
    let resources = task(256, 1000);
    let constraints: Vec<&PlacementConstraint> = constraints.iter().collect();
    let request = PlacementRequest {
        resources: &resources,
        strategy,
        constraints: &constraints,
        dynamic_port_range: RANGE,
    };
    let got = place_task(&request, &refs, &world, &mut ChaCha8Rng::seed_from_u64(7))
        .map(|p| p.instance.0)
        .map_err(|f| f.reason_code());
    assert_eq!(got, expected);
}

#[test]
fn each_strategy_chooses_differently_on_the_same_fleet() {
    use BinpackField::{Cpu, Memory};
    use PlacementStrategy::Binpack;
    // Default: zones b and c have 1 task each, instances 2 and 3 one each: earliest launched.
    check(&[], &[], Ok(2));
    // Case 34: binpack memory leaves the least memory (instance 0: 2000 - 1000 = 1000 left).
    check(&[Binpack(Memory)], &[], Ok(0));
    check(&[Binpack(Cpu)], &[], Ok(2));
    check(&[spread("instanceId")], &[], Ok(1));
    // Zones b and c tie; binpack memory breaks the tie (3000 < 4000 free).
    check(
        &[spread("attribute:ecs.availability-zone"), Binpack(Memory)],
        &[],
        Ok(3),
    );
    check(&[spread("attribute:ecs.availability-zone")], &[], Ok(2));
    // `green` and instances without `stack` have 1 task each: earliest of 2 and 3.
    check(&[spread("attribute:stack")], &[], Ok(2));
    check(&[spread("attribute:stack"), Binpack(Cpu)], &[], Ok(2));
    check(&[spread("attribute:stack"), Binpack(Memory)], &[], Ok(3));
    check(&[Binpack(Memory), spread("instanceId")], &[], Ok(0));
}

#[test]
fn random_draws_from_the_seeded_stream() {
    let (fleet, world) = fleet();
    let refs: Vec<&ContainerInstance> = fleet.iter().collect();
    let resources = task(256, 1000);
    let request = PlacementRequest {
        resources: &resources,
        strategy: &[PlacementStrategy::Random],
        constraints: &[],
        dynamic_port_range: RANGE,
    };
    let draw = |seed| {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        (0..40)
            .map(|_| place_task(&request, &refs, &world, &mut rng).expect("fits").instance.0)
            .collect::<Vec<_>>()
    };
    let a = draw(1);
    assert_eq!(a, draw(1), "same seed, same choices");
    assert_ne!(a, draw(2), "the seed is used");
    for id in 0..4 {
        assert!(a.contains(&id), "every instance is drawn sometimes: {a:?}");
    }
}

#[test]
fn constraints_filter_after_resources_and_name_the_failure() {
    use PlacementConstraint::DistinctInstance;
    // distinctInstance: only instance 1 has no task of the service.
    check(&[], &[DistinctInstance], Ok(1));
    check(&[], &[member_of("attribute:stack == green")], Ok(2));
    check(&[], &[member_of("attribute:stack !exists")], Ok(3));
    check(&[], &[member_of("not(task:group == family:db)")], Ok(2));
    check(&[], &[member_of("runningTasksCount == 0"), DistinctInstance], Ok(1));
    check(&[], &[member_of("ec2InstanceId in [i-0, i-3]")], Ok(3));
    // Constraints rule out every instance with room: the ECS reason names the constraint.
    check(
        &[],
        &[member_of("attribute:ecs.instance-type =~ c5.*")],
        Err("MemberOf"),
    );
    check(
        &[],
        &[member_of("attribute:stack == green"), DistinctInstance],
        Err("DistinctInstance"),
    );
    check(
        &[],
        &[DistinctInstance, member_of("attribute:stack == green")],
        Err("MemberOf"),
    );
}

#[test]
fn resources_are_checked_before_constraints() {
    let (fleet, world) = fleet();
    let refs: Vec<&ContainerInstance> = fleet.iter().collect();
    let resources = task(4096, 1000);
    let distinct = PlacementConstraint::DistinctInstance;
    let request = PlacementRequest {
        resources: &resources,
        strategy: &[],
        constraints: &[&distinct],
        dynamic_port_range: RANGE,
    };
    let got = place_task(&request, &refs, &world, &mut ChaCha8Rng::seed_from_u64(1)).map(|p| p.instance.0);
    assert_eq!(got, Ok(1));
    let resources = task(8192, 1000);
    let request = PlacementRequest {
        resources: &resources,
        ..request
    };
    let failure = place_task(&request, &refs, &world, &mut ChaCha8Rng::seed_from_u64(1)).expect_err("too big");
    assert_eq!(failure.reason_code(), "RESOURCE:CPU");
}

/// A random fleet: `n` instances over 3 zones with random used resources.
fn random_fleet(rng: &mut ChaCha8Rng, n: u32) -> Vec<ContainerInstance> {
    (0..n)
        .map(|id| {
            let free_cpu = rng.random_range(0..=8u32) * 512;
            let free_memory = rng.random_range(0..=15u64) * 1000;
            instance(id, rng.random_range(0..3usize), free_cpu.min(4096), free_memory, &[])
        })
        .collect()
}

#[test]
fn index_chooses_and_explains_what_a_full_scan_does() {
    use BinpackField::{Cpu, Memory};
    use PlacementStrategy::Binpack;
    let strategies = [
        vec![Binpack(Memory)],
        vec![Binpack(Cpu)],
        vec![spread("attribute:ecs.availability-zone"), Binpack(Memory)],
        vec![spread("attribute:ecs.availability-zone"), Binpack(Cpu)],
    ];
    // The run's task shapes; the last one is not indexed, so the scan answers for it.
    let shapes: Vec<TaskResources> = (0..7u32)
        .map(|k| task((k % 4 + 1) * 512, u64::from(k % 3 + 1) * 1500))
        .collect();
    let mut rng = ChaCha8Rng::seed_from_u64(2026);
    let (mut chosen, mut explained) = (0, 0);
    for round in 0..40 {
        let strategy = &strategies[round % strategies.len()];
        let n = rng.random_range(1..60);
        let mut fleet = random_fleet(&mut rng, n);
        // Some instances are not ACTIVE; the index must skip them as the scan does.
        for i in fleet.iter_mut().filter(|i| i.id.0 % 7 == 3) {
            i.state = InstanceState::Launching;
        }
        let mut index = FreeCapacityIndex::new(1, 3, &shapes[..6], RANGE);
        for i in &fleet {
            index.update(i);
        }
        let mut world = World {
            in_az: vec![0; 3],
            ..World::default()
        };
        for step in 0..200 {
            let resources = &shapes[rng.random_range(0..shapes.len())];
            let request = PlacementRequest {
                resources,
                strategy,
                constraints: &[],
                dynamic_port_range: RANGE,
            };
            let refs: Vec<&ContainerInstance> = fleet.iter().collect();
            let scanned = place_task(&request, &refs, &world, &mut rng).map(|p| p.instance);
            let indexed = place_with_index(&request, ProviderIdx(0), &index, &world);
            match (&indexed, &scanned) {
                (IndexAnswer::NotApplicable, _) => assert!(*resources == shapes[6], "round {round} step {step}"),
                (IndexAnswer::Chosen(id), Ok(scan)) => {
                    assert_eq!(id, scan, "round {round} step {step} {strategy:?}");
                    chosen += 1;
                }
                (IndexAnswer::NoFit(why), Err(scan)) => {
                    assert_eq!(why, scan, "round {round} step {step} {strategy:?}");
                    explained += 1;
                }
                _ => panic!("round {round} step {step} {strategy:?}: index {indexed:?}, scan {scanned:?}"),
            }
            let Ok(id) = scanned else { continue };
            let inst = &mut fleet[id];
            inst.used_cpu_units += resources.cpu_units;
            inst.used_memory_mib += resources.memory_mib;
            index.update(inst);
            world.in_az[inst.availability_zone] += 1;
            *world.on_instance.entry(id.0).or_default() += 1;
        }
    }
    // Both answers were exercised many times.
    assert!(
        chosen > 1000 && explained > 1000,
        "chosen {chosen}, explained {explained}"
    );
}
