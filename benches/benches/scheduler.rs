//! kube-scheduler benchmark (EKS mode, issue 20): the size, 2,000 pods of 10
//! Deployments onto 300 nodes in 3 zones, default profile (LeastAllocated, system default
//! spread over hostname and zone).
//!
//! `burst_2000_pods` schedules all 2,000 one after another into the empty cluster, each
//! binding seen by the next, as after a cold start; `one_pod_into_full_cluster` schedules one
//! more pod beside the 2,000, the steady-state cost of a replacement or a scale-out of one.
//! `anti_affinity_hostname` adds a Deployment of 300 replicas with required anti-affinity on
//! hostname (one per node). Run with `cargo bench -p ecsim-bench --bench scheduler`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ecsim::model::k8s::{Affinity, LabelSelector, Labels, PodAffinityTerm, PodResources, PodTemplate};
use ecsim::policy::k8s::scheduler::{
    Cluster, GroupCount, HOSTNAME_LABEL, NodeRecord, PodGroup, PodToSchedule, SchedulerProfile, ZONE_LABEL,
    schedule_one,
};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

const NODES: usize = 300;
const DEPLOYMENTS: usize = 10;
const PODS: usize = 2_000;

fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn template(app: &str, affinity: Affinity) -> PodTemplate {
    PodTemplate {
        labels: labels(&[("app", app)]),
        containers: vec![],
        init_containers: vec![],
        sidecars: vec![],
        node_selector: Labels::new(),
        affinity,
        tolerations: vec![],
        topology_spread: vec![],
        termination_grace_period_s: 30,
        pre_stop_s: 0,
        priority: 0,
        overhead: PodResources::ZERO,
    }
}

/// An m5.xlarge node on EKS: 3920m, 14,000 MiB and 58 pods allocatable.
struct Node {
    name: String,
    labels: Labels,
    requested: PodResources,
    pod_count: u32,
    pods: Vec<GroupCount>,
}

struct World {
    nodes: Vec<Node>,
    templates: Vec<PodTemplate>,
    owners: Vec<LabelSelector>,
}

const REQUEST: PodResources = PodResources {
    cpu_milli: 250,
    memory_mib: 512,
};

impl World {
    fn new(deployments: usize, anti_affinity: bool) -> World {
        let nodes = (0..NODES)
            .map(|i| {
                let name = format!("ip-10-0-{}-{}", i / 250, i % 250);
                let zone = ["us-east-1a", "us-east-1b", "us-east-1c"][i % 3];
                Node {
                    labels: labels(&[(HOSTNAME_LABEL, &name), (ZONE_LABEL, zone)]),
                    name,
                    requested: PodResources::ZERO,
                    pod_count: 0,
                    pods: Vec::new(),
                }
            })
            .collect();
        let mut templates: Vec<PodTemplate> = (0..deployments)
            .map(|d| template(&format!("app-{d}"), Affinity::default()))
            .collect();
        if anti_affinity {
            let selector = LabelSelector::of_labels(labels(&[("app", "one-per-node")]));
            let affinity = Affinity {
                pod_anti_affinity_required: vec![PodAffinityTerm {
                    label_selector: selector,
                    topology_key: HOSTNAME_LABEL.into(),
                }],
                ..Affinity::default()
            };
            templates.push(template("one-per-node", affinity));
        }
        let owners = templates
            .iter()
            .map(|t| LabelSelector::of_labels(t.labels.clone()))
            .collect();
        World {
            nodes,
            templates,
            owners,
        }
    }

    /// Schedules one pod of Deployment `d` and binds it: the start index for the next pod and
    /// the node chosen.
    fn schedule(&mut self, d: usize, start: usize, rng: &mut ChaCha8Rng) -> (usize, usize) {
        let groups: Vec<PodGroup<'_>> = self
            .templates
            .iter()
            .map(|t| PodGroup {
                namespace: "default",
                labels: &t.labels,
                affinity: &t.affinity,
            })
            .collect();
        let records: Vec<NodeRecord<'_>> = self
            .nodes
            .iter()
            .map(|n| NodeRecord {
                name: &n.name,
                labels: &n.labels,
                taints: &[],
                allocatable: PodResources {
                    cpu_milli: 3920,
                    memory_mib: 14_000,
                },
                allocatable_pods: 58,
                requested: n.requested,
                non_zero_requested: n.requested,
                pod_count: n.pod_count,
                unschedulable: false,
                pods: &n.pods,
            })
            .collect();
        let pod = PodToSchedule {
            template: &self.templates[d],
            namespace: "default",
            labels: &self.templates[d].labels,
            requests: REQUEST,
            non_zero_requests: REQUEST,
            owner_selector: Some(&self.owners[d]),
        };
        let cluster = Cluster {
            nodes: &records,
            groups: &groups,
        };
        let result = schedule_one(&pod, &cluster, &SchedulerProfile::default(), start, rng);
        let next = result.next_start_index;
        let chosen = black_box(result.placement).expect("the cluster has room");
        let node = &mut self.nodes[chosen];
        node.requested = node.requested.plus(REQUEST);
        node.pod_count += 1;
        match node.pods.iter_mut().find(|p| p.group == d) {
            Some(p) => p.count += 1,
            None => node.pods.push(GroupCount { group: d, count: 1 }),
        }
        (next, chosen)
    }

    fn fill(&mut self, pods: usize, rng: &mut ChaCha8Rng) -> usize {
        (0..pods).fold(0, |start, i| self.schedule(i % DEPLOYMENTS, start, rng).0)
    }
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("scheduler");
    group.sample_size(10);
    group.throughput(Throughput::Elements(PODS as u64));
    group.bench_function("burst_2000_pods", |b| {
        b.iter(|| World::new(DEPLOYMENTS, false).fill(PODS, &mut ChaCha8Rng::seed_from_u64(1)))
    });
    group.throughput(Throughput::Elements(1));
    let mut full = World::new(DEPLOYMENTS, false);
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    let start = full.fill(PODS, &mut rng);
    group.bench_function("one_pod_into_full_cluster", |b| {
        b.iter(|| {
            // Schedule and undo, so every iteration sees the same 2,000 pods.
            let chosen = full.schedule(0, start, &mut rng).1;
            let node = &mut full.nodes[chosen];
            node.requested = node.requested.saturating_minus(REQUEST);
            node.pod_count -= 1;
            if let Some(p) = node.pods.iter_mut().find(|p| p.group == 0) {
                p.count -= 1;
            }
        })
    });
    group.throughput(Throughput::Elements(NODES as u64));
    group.bench_function("anti_affinity_hostname_300", |b| {
        b.iter(|| {
            let mut w = World::new(DEPLOYMENTS, true);
            let mut rng = ChaCha8Rng::seed_from_u64(4);
            (0..NODES).fold(0, |start, _| w.schedule(DEPLOYMENTS, start, &mut rng).0)
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
