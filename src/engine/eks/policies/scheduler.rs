//! kube-scheduler: the cluster as `policy::k8s::scheduler` reads it, built once per pass and
//! updated after each binding, so a burst of pending pods sees the ones bound before it.

use crate::engine::eks::state::{NodeState, PodPhase};
use crate::engine::world::World;
use crate::model::k8s::PodResources;
use crate::policy::k8s::scheduler::{
    Cluster, GroupCount, NodeRecord, PodGroup, PodToSchedule, SchedulerProfile, ScoringStrategy, schedule_one,
};
use crate::spec::eks::{self, SchedulerSettings};

/// The scheduler profile of the scenario.
fn profile(s: &SchedulerSettings) -> SchedulerProfile {
    SchedulerProfile {
        scoring: match s.scoring {
            eks::ScoringStrategy::LeastAllocated => ScoringStrategy::LeastAllocated,
            eks::ScoringStrategy::MostAllocated => ScoringStrategy::MostAllocated,
        },
        percentage_of_nodes_to_score: s.percentage_of_nodes_to_score,
        system_default_spread: s.system_default_spread,
    }
}

/// A node's figures that change as pods are bound during a pass.
struct NodeLoad {
    requested: PodResources,
    non_zero_requested: PodResources,
    pod_count: u32,
    /// Pods per group (group = index of a (Deployment, revision) ReplicaSet), sorted by group.
    groups: Vec<GroupCount>,
}

/// Schedules `pods` in order: each the index of the node it is bound to, or the scheduler's
/// message. Binding is the caller's; the scheduler's start index and random stream advance.
pub(in crate::engine::eks) fn schedule_pods(world: &mut World<'_>, pods: &[u64]) -> Vec<Result<usize, String>> {
    let spec = &world.spec.eks;
    // One group per ReplicaSet: group = offset[deployment] + revision.
    let mut offsets = Vec::with_capacity(spec.deployments.len());
    let mut groups = Vec::new();
    for d in &spec.deployments {
        offsets.push(groups.len());
        for r in &d.revisions {
            groups.push(PodGroup {
                namespace: &d.namespace,
                labels: &r.template.labels,
                affinity: &r.template.affinity,
            });
        }
    }
    let nodes: Vec<usize> = world
        .eks
        .nodes
        .iter()
        .filter(|(_, n)| matches!(n.state, NodeState::Ready | NodeState::Deleting))
        .map(|(i, _)| i)
        .collect();
    let mut loads: Vec<NodeLoad> = nodes
        .iter()
        .map(|&i| {
            let n = &world.eks.nodes[i];
            let mut counts: Vec<GroupCount> = Vec::new();
            for id in &n.pods {
                let p = &world.eks.pods[id];
                if p.phase == PodPhase::Terminating {
                    continue;
                }
                add_to_group(&mut counts, offsets[p.deployment] + p.revision);
            }
            NodeLoad {
                requested: n.requested,
                non_zero_requested: n.nonzero_requested,
                pod_count: n.pods.len() as u32,
                groups: counts,
            }
        })
        .collect();
    let profile = profile(&spec.scheduler);
    let mut rng = world.eks.rng_scheduler.clone();
    let mut start = world.eks.scheduler_start;
    let mut results = Vec::with_capacity(pods.len());
    // A pod no node takes leaves the loads, the start index and the random stream as they were,
    // so until the next binding every pod of the same ReplicaSet (the same template, requests
    // and owner) gets the same answer: the first one's message, per group.
    let mut failed: Vec<Option<(PodResources, PodResources, String)>> = vec![None; groups.len()];
    for id in pods {
        let p = &world.eks.pods[id];
        let group = offsets[p.deployment] + p.revision;
        if let Some((_, _, message)) = failed[group]
            .as_ref()
            .filter(|(r, nz, _)| *r == p.requests && *nz == p.non_zero_requests)
        {
            results.push(Err(message.clone()));
            continue;
        }
        let d = &spec.deployments[p.deployment];
        let template = &d.revisions[p.revision].template;
        let records: Vec<NodeRecord> = nodes
            .iter()
            .zip(&loads)
            .map(|(&i, load)| {
                let n = &world.eks.nodes[i];
                NodeRecord {
                    name: &n.name,
                    labels: &n.labels,
                    taints: &n.taints,
                    allocatable: n.allocatable,
                    allocatable_pods: n.max_pods,
                    requested: load.requested,
                    non_zero_requested: load.non_zero_requested,
                    pod_count: load.pod_count,
                    unschedulable: n.state == NodeState::Deleting || n.cordoned,
                    pods: &load.groups,
                }
            })
            .collect();
        let pod = PodToSchedule {
            template,
            namespace: &d.namespace,
            labels: &template.labels,
            requests: p.requests,
            non_zero_requests: p.non_zero_requests,
            owner_selector: Some(&d.selector),
        };
        let cluster = Cluster {
            nodes: &records,
            groups: &groups,
        };
        let result = schedule_one(&pod, &cluster, &profile, start, &mut rng);
        start = result.next_start_index;
        match result.placement {
            Ok(k) => {
                let load = &mut loads[k];
                load.requested = load.requested.plus(p.requests);
                load.non_zero_requested = load.non_zero_requested.plus(p.non_zero_requests);
                load.pod_count += 1;
                add_to_group(&mut load.groups, group);
                results.push(Ok(nodes[k]));
                failed.iter_mut().for_each(|f| *f = None);
            }
            Err(u) => {
                let message = u.message();
                failed[group] = Some((p.requests, p.non_zero_requests, message.clone()));
                results.push(Err(message));
            }
        }
    }
    world.eks.rng_scheduler = rng;
    world.eks.scheduler_start = start;
    results
}

fn add_to_group(counts: &mut Vec<GroupCount>, group: usize) {
    match counts.binary_search_by_key(&group, |c| c.group) {
        Ok(i) => counts[i].count += 1,
        Err(i) => counts.insert(i, GroupCount { group, count: 1 }),
    }
}
