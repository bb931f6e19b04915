//! Builders for the scheduler's tests: pods, nodes and pod groups in a few words.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::model::k8s::{
    Affinity, LabelSelector, Labels, PodResources, PodTemplate, Taint, TaintEffect, Toleration, TolerationOperator,
};

use super::inputs::{
    Cluster, GroupCount, HOSTNAME_LABEL, NodeRecord, PodGroup, PodToSchedule, SchedulerProfile, ZONE_LABEL,
};
use super::select::{ScheduleResult, filter_node, schedule_one};
use super::{InterPodFilter, SpreadFilter};

/// Labels from pairs.
pub fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// An amount of cpu and memory.
pub fn res(cpu_milli: u64, memory_mib: u64) -> PodResources {
    PodResources { cpu_milli, memory_mib }
}

/// A pod template with nothing but `app: web` labels.
pub fn template() -> PodTemplate {
    PodTemplate {
        labels: labels(&[("app", "web")]),
        containers: vec![],
        init_containers: vec![],
        sidecars: vec![],
        node_selector: Labels::new(),
        affinity: Affinity::default(),
        tolerations: vec![],
        topology_spread: vec![],
        termination_grace_period_s: 30,
        pre_stop_s: 0,
        priority: 0,
        overhead: PodResources::ZERO,
    }
}

/// A taint.
pub fn taint(key: &str, value: &str, effect: TaintEffect) -> Taint {
    Taint {
        key: key.into(),
        value: value.into(),
        effect,
    }
}

/// A toleration of `key` (any value, any effect).
pub fn tolerate(key: &str) -> Toleration {
    Toleration {
        key: Some(key.into()),
        operator: TolerationOperator::Exists,
        value: String::new(),
        effect: None,
        toleration_seconds: None,
    }
}

/// A node of the test world, owning what its record borrows.
pub struct TestNode {
    pub name: String,
    pub labels: Labels,
    pub taints: Vec<Taint>,
    pub allocatable: PodResources,
    pub allocatable_pods: u32,
    pub requested: PodResources,
    pub pod_count: u32,
    pub unschedulable: bool,
    pub pods: Vec<GroupCount>,
}

/// A test cluster: nodes and pod groups `(namespace, labels, affinity)`.
#[derive(Default)]
pub struct World {
    pub nodes: Vec<TestNode>,
    pub groups: Vec<(String, Labels, Affinity)>,
}

impl World {
    /// Adds an empty node `name` in `zone` with this allocatable cpu and memory, 110 pods.
    pub fn node(&mut self, name: &str, zone: &str, cpu_milli: u64, memory_mib: u64) -> &mut TestNode {
        self.nodes.push(TestNode {
            name: name.into(),
            labels: labels(&[(HOSTNAME_LABEL, name), (ZONE_LABEL, zone)]),
            taints: vec![],
            allocatable: res(cpu_milli, memory_mib),
            allocatable_pods: 110,
            requested: PodResources::ZERO,
            pod_count: 0,
            unschedulable: false,
            pods: vec![],
        });
        self.nodes.last_mut().expect("just pushed")
    }

    /// Adds a pod group in `default` and returns its index.
    pub fn group(&mut self, labels: Labels, affinity: Affinity) -> usize {
        self.groups.push(("default".into(), labels, affinity));
        self.groups.len() - 1
    }

    /// Puts `count` pods of `group` on node `name`, each requesting `each`.
    pub fn bind(&mut self, name: &str, group: usize, count: u32, each: PodResources) {
        let node = self.nodes.iter_mut().find(|n| n.name == name).expect("node exists");
        node.pods.push(GroupCount { group, count });
        node.pod_count += count;
        for _ in 0..count {
            node.requested = node.requested.plus(each);
        }
    }

    /// Runs `f` with the world as the scheduler sees it.
    pub fn with<T>(&self, f: impl FnOnce(&Cluster<'_>) -> T) -> T {
        let records: Vec<NodeRecord<'_>> = self
            .nodes
            .iter()
            .map(|n| NodeRecord {
                name: &n.name,
                labels: &n.labels,
                taints: &n.taints,
                allocatable: n.allocatable,
                allocatable_pods: n.allocatable_pods,
                requested: n.requested,
                non_zero_requested: n.requested,
                pod_count: n.pod_count,
                unschedulable: n.unschedulable,
                pods: &n.pods,
            })
            .collect();
        let groups: Vec<PodGroup<'_>> = self
            .groups
            .iter()
            .map(|(namespace, labels, affinity)| PodGroup {
                namespace,
                labels,
                affinity,
            })
            .collect();
        f(&Cluster {
            nodes: &records,
            groups: &groups,
        })
    }
}

/// A pod of `template` in `default` with the template's labels, requesting `requests`, owned
/// by a ReplicaSet selecting those labels.
pub fn pod<'a>(template: &'a PodTemplate, requests: PodResources, owner: &'a LabelSelector) -> PodToSchedule<'a> {
    PodToSchedule {
        template,
        namespace: "default",
        labels: &template.labels,
        requests,
        non_zero_requests: requests,
        owner_selector: Some(owner),
    }
}

/// `schedule_one` with a seeded generator, starting at node 0.
pub fn schedule(pod: &PodToSchedule<'_>, world: &World, profile: &SchedulerProfile, seed: u64) -> ScheduleResult {
    world.with(|cluster| schedule_one(pod, cluster, profile, 0, &mut ChaCha8Rng::seed_from_u64(seed)))
}

/// The names of the nodes every filter passes.
pub fn feasible(pod: &PodToSchedule<'_>, world: &World) -> Vec<String> {
    world.with(|cluster| {
        let spread = SpreadFilter::new(pod, cluster);
        let inter_pod = InterPodFilter::new(pod, cluster);
        cluster
            .nodes
            .iter()
            .filter(|n| filter_node(pod, n, spread.as_ref(), inter_pod.as_ref()).is_ok())
            .map(|n| n.name.to_string())
            .collect()
    })
}
