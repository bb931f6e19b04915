//! Provisioning cases: cheapest fit, spot preference, packing, NodePool order, taints,
//! requirements, limits and insufficient capacity (k8s-semantics 6.2).

use super::*;
use crate::model::catalog::all_instance_types;
use crate::model::k8s::{CapacityType, Labels, Taint, TaintEffect, Toleration, TolerationOperator};
use crate::policy::k8s::karpenter::test_support::{it, karpenter_capacity, res};
use crate::sim::SimTime;
use CapacityType::{OnDemand, Spot};

/// Every existing node takes any pod; capacity by Karpenter's estimate; Spot may be out.
struct View {
    spot_available: bool,
    /// Pods with an odd index may not use existing nodes (the scheduler's filters say no).
    odd_pods_shut_out: bool,
}

impl ProvisioningView for View {
    fn fits_existing(&self, pod: usize, _node: usize) -> bool {
        !(self.odd_pods_shut_out && pod % 2 == 1)
    }
    fn node_capacity(&self, _pool: usize, instance_type: &InstanceType) -> NodeCapacity {
        karpenter_capacity(instance_type)
    }
    fn available(&self, offering: &Offering) -> bool {
        self.spot_available || offering.capacity_type == OnDemand
    }
}

const ZONES: [usize; 3] = [0, 1, 2];

fn zone_names() -> Vec<String> {
    ["us-east-1a", "us-east-1b", "us-east-1c"].map(String::from).to_vec()
}

fn catalog() -> Vec<&'static InstanceType> {
    all_instance_types().iter().collect()
}

/// A pool over `types` in every zone.
fn pool<'a>(
    name: &'a str,
    labels: &'a Labels,
    types: &'a [&'static InstanceType],
    capacity: &'a [CapacityType],
) -> PoolOffer<'a> {
    PoolOffer {
        name,
        labels,
        taints: &[],
        instance_types: types,
        zones: &ZONES,
        capacity_types: capacity,
        remaining: RemainingLimits::default(),
    }
}

fn pod<'a>(cpu_milli: u64, memory_mib: u64, labels: &'a Labels) -> ProvisionablePod<'a> {
    ProvisionablePod {
        requests: res(cpu_milli, memory_mib),
        created: SimTime::ZERO,
        tolerations: &[],
        node_selector: labels,
        required_node_terms: &[],
    }
}

fn run(
    pods: &[ProvisionablePod<'_>],
    existing: &[ExistingNode],
    pools: &[PoolOffer<'_>],
    spot_available: bool,
) -> Provisioning {
    let view = View {
        spot_available,
        odd_pods_shut_out: false,
    };
    run_with(pods, existing, pools, view)
}

fn run_with(
    pods: &[ProvisionablePod<'_>],
    existing: &[ExistingNode],
    pools: &[PoolOffer<'_>],
    view: View,
) -> Provisioning {
    let zones = zone_names();
    let input = ProvisioningInput {
        pods,
        existing,
        pools,
        zone_names: &zones,
        nodes_in_zone: &[0, 0, 0],
        pricing: Pricing::default(),
    };
    provision(&input, &view)
}

/// The claims as (pool, type, zone, capacity type, pods).
fn claims(p: &Provisioning) -> Vec<(usize, &'static str, usize, CapacityType, Vec<usize>)> {
    p.claims
        .iter()
        .map(|c| {
            (
                c.pool,
                c.offering.instance_type.name,
                c.offering.zone,
                c.offering.capacity_type,
                c.pods.clone(),
            )
        })
        .collect()
}

#[track_caller]
fn check_single(cpu: u64, memory: u64, capacity: &[CapacityType], name: &str, capacity_type: CapacityType) {
    let none = Labels::new();
    let types = catalog();
    let p = run(
        &[pod(cpu, memory, &none)],
        &[],
        &[pool("default", &none, &types, capacity)],
        true,
    );
    assert_eq!(
        claims(&p),
        vec![(0, name, 0, capacity_type, vec![0])],
        "{cpu}m {memory} MiB {capacity:?}"
    );
}

#[test]
fn a_pod_gets_the_cheapest_type_with_enough_allocatable() {
    // k8s-semantics 6.2 [INFER]: lowest-price offering whose allocatable holds the pod. 3 vCPU
    // does not fit a 2-vCPU type (1930m); the cheapest 4-vCPU type is c7g.xlarge ($0.145).
    check_single(3000, 1024, &[OnDemand], "c7g.xlarge", OnDemand);
    check_single(1000, 1024, &[OnDemand], "t3.small", OnDemand);
    // 1930m is a 2-vCPU type's whole allocatable (W38); 1931m needs 4 vCPUs.
    check_single(1930, 1024, &[OnDemand], "t3.small", OnDemand);
    check_single(1931, 1024, &[OnDemand], "c7g.xlarge", OnDemand);
    // Memory decides: 3246 MiB is t3.medium's allocatable; 4-GiB .large types have 3114 MiB
    // (29 pods reserve more), so 3247 MiB needs 8 GiB: m7g.large ($0.0816) under t3.large.
    check_single(100, 3246, &[OnDemand], "t3.medium", OnDemand);
    check_single(100, 3247, &[OnDemand], "m7g.large", OnDemand);
    // k8s-semantics 6.2 step 4: spot preferred when the pool allows it.
    check_single(3000, 1024, &[OnDemand, Spot], "c7g.xlarge", Spot);
    check_single(0, 0, &[Spot], "t3.small", Spot);
}

#[test]
fn pods_share_a_claim_until_no_type_can_hold_them_all() {
    let none = Labels::new();
    let types = catalog();
    // Four 500m pods need 2000m: no 2-vCPU type (1930m); one c7g.xlarge holds them.
    let pods: Vec<_> = (0..4).map(|_| pod(500, 1024, &none)).collect();
    let p = run(&pods, &[], &[pool("default", &none, &types, &[OnDemand])], true);
    assert_eq!(claims(&p), vec![(0, "c7g.xlarge", 0, OnDemand, vec![0, 1, 2, 3])]);
    assert_eq!(p.claims[0].requested, res(2000, 4096));
    // Thirty tiny pods: past 29 pods only 58-pod types remain (max pods, W38).
    let pods: Vec<_> = (0..30).map(|_| pod(10, 16, &none)).collect();
    let p = run(&pods, &[], &[pool("default", &none, &types, &[OnDemand])], true);
    assert_eq!(p.claims.len(), 1);
    assert_eq!(p.claims[0].offering.instance_type.name, "c7g.xlarge");
    // Two pods of 15 vCPU: the largest type (m6i.8xlarge, 32 vCPU) holds both.
    let pods = [
        pod(15_000, 1024, &none),
        pod(15_000, 1024, &none),
        pod(15_000, 1024, &none),
    ];
    let p = run(&pods, &[], &[pool("default", &none, &types, &[OnDemand])], true);
    let got: Vec<_> = claims(&p).into_iter().map(|c| (c.1, c.2, c.4)).collect();
    // A new claim goes to the zone with the fewest nodes, after the batch's own claims.
    assert_eq!(got, vec![("m6i.8xlarge", 0, vec![0, 1]), ("c7g.4xlarge", 1, vec![2])]);
}

#[test]
fn existing_nodes_with_room_come_first_and_larger_pods_are_placed_first() {
    let none = Labels::new();
    let types = [it("m5.large"), it("m5.xlarge")];
    let existing = [ExistingNode {
        free: res(1000, 2048),
        free_pods: 5,
    }];
    // k8s-semantics 6.2 step 2, CPU descending: the 1500m pod (index 1) does not fit the node's
    // 1000m and opens a claim (m5.large or m5.xlarge); the 800m pod takes the node; the 600m pod
    // finds 200m on the node and 1500 + 600 > 1930m on an m5.large, so the claim keeps only
    // m5.xlarge.
    let pods = [pod(800, 512, &none), pod(1500, 512, &none), pod(600, 512, &none)];
    let p = run(&pods, &existing, &[pool("default", &none, &types, &[OnDemand])], true);
    assert_eq!(p.on_existing, vec![(0, 0)]);
    assert_eq!(claims(&p), vec![(0, "m5.xlarge", 0, OnDemand, vec![1, 2])]);
    assert_eq!(p.claims[0].instance_type_options, 1);
    assert!(p.unschedulable.is_empty());
    // The scheduler's filters (the view) keep pod 1 off the node although it has room.
    let roomy = [ExistingNode {
        free: res(8000, 8192),
        free_pods: 10,
    }];
    let small = [pod(100, 64, &none), pod(100, 64, &none), pod(100, 64, &none)];
    let view = View {
        spot_available: true,
        odd_pods_shut_out: true,
    };
    let p = run_with(&small, &roomy, &[pool("default", &none, &types, &[OnDemand])], view);
    assert_eq!(p.on_existing, vec![(0, 0), (2, 0)]);
    assert_eq!(claims(&p), vec![(0, "m5.large", 0, OnDemand, vec![1])]);
    // A node out of pod slots takes nothing.
    let no_slots = [ExistingNode {
        free: res(8000, 8192),
        free_pods: 0,
    }];
    let p = run(
        &small[..1],
        &no_slots,
        &[pool("default", &none, &types, &[OnDemand])],
        true,
    );
    assert!(p.on_existing.is_empty());
}

#[test]
fn nodepools_are_tried_in_order_and_taints_need_tolerations() {
    let none = Labels::new();
    let (gpu, general) = ([it("m5.xlarge")], [it("m5.large")]);
    let taint = Taint {
        key: "dedicated".into(),
        value: "batch".into(),
        effect: TaintEffect::NoSchedule,
    };
    let taints = [taint];
    let mut first = pool("heavy", &none, &gpu, &[OnDemand]);
    first.taints = &taints;
    let second = pool("general", &none, &general, &[OnDemand]);
    // The first pool (higher weight) is tainted: an untolerating pod goes to the second.
    let p = run(&[pod(500, 512, &none)], &[], &[first, second], true);
    assert_eq!(claims(&p), vec![(1, "m5.large", 0, OnDemand, vec![0])]);
    // A tolerating pod takes the first pool even though the second is cheaper.
    let tolerations = [Toleration {
        key: Some("dedicated".into()),
        operator: TolerationOperator::Equal,
        value: "batch".into(),
        effect: None,
        toleration_seconds: None,
    }];
    let mut tolerant = pod(500, 512, &none);
    tolerant.tolerations = &tolerations;
    let p = run(&[tolerant], &[], &[first, second], true);
    assert_eq!(claims(&p), vec![(0, "m5.xlarge", 0, OnDemand, vec![0])]);
    // A PreferNoSchedule taint does not keep pods away.
    let soft = [Taint {
        effect: TaintEffect::PreferNoSchedule,
        ..taints[0].clone()
    }];
    first.taints = &soft;
    let p = run(&[pod(500, 512, &none)], &[], &[first, second], true);
    assert_eq!(p.claims[0].pool, 0);
}

#[test]
fn node_selectors_narrow_the_offerings() {
    let none = Labels::new();
    let types = catalog();
    let select =
        |pairs: &[(&str, &str)]| -> Labels { pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect() };
    let amd64 = select(&[("kubernetes.io/arch", "amd64")]);
    let zone_c = select(&[("topology.kubernetes.io/zone", "us-east-1c")]);
    let on_demand = select(&[("karpenter.sh/capacity-type", "on-demand")]);
    let pools = [pool("default", &none, &types, &[OnDemand, Spot])];
    // Without Graviton the cheapest 4-vCPU type is t3.xlarge ($0.1664 < c5.xlarge's $0.17).
    let p = run(&[pod(3000, 1024, &amd64)], &[], &pools, true);
    assert_eq!(claims(&p), vec![(0, "t3.xlarge", 0, Spot, vec![0])]);
    // c5.xlarge and c6i.xlarge tie at $0.17: the name decides.
    let c_family = [it("c6i.xlarge"), it("c5.xlarge")];
    let c_pools = [pool("c", &none, &c_family, &[OnDemand])];
    let p = run(&[pod(3000, 1024, &none)], &[], &c_pools, true);
    assert_eq!(claims(&p), vec![(0, "c5.xlarge", 0, OnDemand, vec![0])]);
    let p = run(&[pod(3000, 1024, &zone_c)], &[], &pools, true);
    assert_eq!(claims(&p), vec![(0, "c7g.xlarge", 2, Spot, vec![0])]);
    let p = run(&[pod(3000, 1024, &on_demand)], &[], &pools, true);
    assert_eq!(claims(&p), vec![(0, "c7g.xlarge", 0, OnDemand, vec![0])]);
    // Pods with compatible requirements share a claim, each narrowing its offerings.
    let p = run(
        &[pod(100, 64, &zone_c), pod(100, 64, &none), pod(100, 64, &amd64)],
        &[],
        &pools,
        true,
    );
    assert_eq!(claims(&p), vec![(0, "t3.small", 2, Spot, vec![0, 1, 2])]);
    let team = select(&[("team", "web")]);
    let p = run(&[pod(100, 64, &team)], &[], &pools, true);
    assert_eq!(p.unschedulable[0].reasons, vec![(0, PoolRejection::Requirements)]);
    let pools = [pool("web", &team, &types, &[OnDemand])];
    let p = run(&[pod(100, 64, &team)], &[], &pools, true);
    assert_eq!(p.claims.len(), 1, "the pool's labels satisfy the selector");
}

#[test]
fn limits_and_capacity_errors_stop_launches() {
    let none = Labels::new();
    let types = [it("m5.large"), it("m5.xlarge"), it("m5.2xlarge")];
    let mut limited = pool("default", &none, &types, &[OnDemand]);
    limited.remaining = RemainingLimits {
        cpu_milli: Some(4000),
        memory_mib: None,
        nodes: None,
    };
    // The first 3000m pod reserves the largest type it may become (4 vCPU): nothing is left.
    let p = run(&[pod(3000, 1024, &none), pod(3000, 1024, &none)], &[], &[limited], true);
    assert_eq!(claims(&p), vec![(0, "m5.xlarge", 0, OnDemand, vec![0])]);
    assert_eq!(p.unschedulable.len(), 1);
    assert_eq!(p.unschedulable[0].pod, 1);
    assert_eq!(p.unschedulable[0].reasons, vec![(0, PoolRejection::Limits)]);
    let message = p.unschedulable[0].message(&[limited]);
    assert_eq!(
        message,
        "could not schedule pod: nodepool \"default\": every instance type that fits exceeds the NodePool's limits"
    );
    // No nodes left at all.
    limited.remaining = RemainingLimits {
        nodes: Some(0),
        ..Default::default()
    };
    let p = run(&[pod(100, 100, &none)], &[], &[limited], true);
    assert_eq!(p.unschedulable[0].reasons, vec![(0, PoolRejection::Limits)]);
    // Too large for every type.
    let p = run(
        &[pod(64_000, 1024, &none)],
        &[],
        &[pool("default", &none, &types, &[OnDemand])],
        true,
    );
    let message = p.unschedulable[0].message(&[pool("default", &none, &types, &[OnDemand])]);
    assert_eq!(
        message,
        "could not schedule pod: nodepool \"default\": no instance type has 64000m CPU and 1024 MiB memory allocatable"
    );
    // Spot out of capacity: the spot-only pool cannot launch; a mixed pool falls back.
    let spot_only = pool("spot", &none, &types, &[Spot]);
    let p = run(&[pod(100, 100, &none)], &[], &[spot_only], false);
    assert_eq!(p.unschedulable[0].reasons, vec![(0, PoolRejection::Unavailable)]);
    let mixed = pool("mixed", &none, &types, &[OnDemand, Spot]);
    let p = run(&[pod(100, 100, &none)], &[], &[mixed], false);
    assert_eq!(claims(&p), vec![(0, "m5.large", 0, OnDemand, vec![0])]);
    // No NodePools at all.
    let p = run(&[pod(100, 100, &none)], &[], &[], true);
    assert_eq!(p.unschedulable[0].message(&[]), "could not schedule pod: no NodePool");
    assert!(run(&[], &[], &[mixed], true).claims.is_empty());
}
