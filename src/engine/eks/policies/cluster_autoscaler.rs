//! Cluster Autoscaler's scan: the unschedulable pods and node groups as
//! `policy::k8s::cluster_autoscaler` reads them, and the nodes it may remove.

use super::pdb::disruptions_allowed;
use crate::engine::eks::state::{NodeSource, NodeState, PodPhase};
use crate::engine::world::World;
use crate::model::k8s::{Labels, PodResources, PodTemplate};
use crate::policy::k8s::cluster_autoscaler::{
    self as ca, GroupShape, GroupSize, NodeGroup, NodeUsage, PendingPod, RemovalBlocker, ScaleDownInput,
    ScaleDownSettings, ScaleDownTimers, ScaleUpSettings,
};
use crate::policy::k8s::nodes::NodeAllocatable;
use crate::policy::k8s::scheduler::{NodeShape, PodShape, fits_node};
use crate::spec::eks::{EksSpec, Expander};

/// The template node of each node group: its first instance type's allocatable.
fn templates(world: &World<'_>) -> Vec<NodeAllocatable> {
    let eks = &world.spec.eks;
    eks.node_groups
        .iter()
        .map(|g| {
            let c = super::node_capacity(
                g.instance_types[0],
                g.prefix_delegation,
                g.max_pods,
                false,
                eks.karpenter.vm_memory_overhead_percent,
            );
            NodeAllocatable {
                resources: c.allocatable,
                pods: c.max_pods,
            }
        })
        .collect()
}

/// Each node group's template node labels: its labels plus `eks.amazonaws.com/nodegroup`,
/// which every node of it gets.
pub(super) fn group_template_labels(eks: &EksSpec) -> Vec<Labels> {
    eks.node_groups
        .iter()
        .map(|g| {
            let mut labels = g.labels.clone();
            labels.insert("eks.amazonaws.com/nodegroup".into(), g.name.clone());
            labels
        })
        .collect()
}

/// Node groups to grow this scan: (group, nodes, reason).
pub(in crate::engine::eks) fn cluster_autoscaler_scale_up(world: &mut World<'_>) -> Vec<(usize, u32, String)> {
    let eks = &world.spec.eks;
    let Some(settings) = eks.cluster_autoscaler else {
        return Vec::new();
    };
    let pending: Vec<(&PodTemplate, PodResources, usize)> = world
        .eks
        .pods
        .pending()
        .filter(|(_, p)| p.fargate.is_none() && p.unschedulable.is_some())
        .map(|(_, p)| {
            let template = &eks.deployments[p.deployment].revisions[p.revision].template;
            let owner = eks.deployments[..p.deployment]
                .iter()
                .map(|d| d.revisions.len())
                .sum::<usize>()
                + p.revision;
            (template, p.requests, owner)
        })
        .collect();
    if pending.is_empty() {
        return Vec::new();
    }
    let templates = templates(world);
    let groups: Vec<NodeGroup> = eks
        .node_groups
        .iter()
        .enumerate()
        .map(|(g, spec)| {
            let upcoming = world
                .eks
                .nodes
                .values()
                .filter(|n| n.source == NodeSource::Group(g) && n.state == NodeState::Launching)
                .count() as u32;
            let live = world
                .eks
                .nodes
                .values()
                .filter(|n| {
                    n.source == NodeSource::Group(g) && matches!(n.state, NodeState::Launching | NodeState::Ready)
                })
                .count() as u32;
            let not_launched = world.eks.groups[g].desired.saturating_sub(live);
            NodeGroup {
                shape: GroupShape {
                    instance_type: spec.instance_types[0].name,
                    template: templates[g],
                    labels: &spec.labels,
                    taints: &spec.taints,
                },
                target_size: world.eks.groups[g].desired,
                upcoming_nodes: upcoming + not_launched,
                max_size: spec.max_size,
                backed_off: false,
                zone_spread_room: &[],
            }
        })
        .collect();
    let pods: Vec<PendingPod> = pending
        .iter()
        .map(|(_, requests, owner)| PendingPod {
            requests: *requests,
            owner: *owner,
            host_ports: &[],
            zone_spread: None,
        })
        .collect();
    let up_settings = ScaleUpSettings {
        expander: match settings.expander {
            Expander::LeastWaste => ca::Expander::LeastWaste,
            Expander::MostPods => ca::Expander::MostPods,
            Expander::Random => ca::Expander::Random,
        },
        balance_similar_node_groups: settings.balance_similar_node_groups,
        ..ScaleUpSettings::default()
    };
    let group_labels = group_template_labels(eks);
    let fits = |pod: usize, group: usize| {
        let (template, requests, _) = pending[pod];
        let shape = NodeShape {
            labels: &group_labels[group],
            taints: &eks.node_groups[group].taints,
            allocatable: templates[group].resources,
            allocatable_pods: templates[group].pods,
            requested: PodResources::ZERO,
            pod_count: 0,
        };
        fits_node(&PodShape { template, requests }, &shape).is_ok()
    };
    let mut rng = world.eks.rng_scheduler.clone();
    let up = ca::scale_up(&pods, &groups, &up_settings, fits, &mut rng);
    world.eks.rng_scheduler = rng;
    let Some(up) = up else {
        return Vec::new();
    };
    let reason = up.reason();
    up.increases.iter().map(|(g, n)| (*g, *n, reason.clone())).collect()
}

/// Nodes to remove this scan, with the reason; stores each node's new unneeded-since.
pub(in crate::engine::eks) fn cluster_autoscaler_scale_down(world: &mut World<'_>) -> Vec<(usize, String)> {
    let eks = &world.spec.eks;
    let Some(settings) = eks.cluster_autoscaler else {
        return Vec::new();
    };
    let allowed = disruptions_allowed(world);
    // Sized for every node up front: a scan every 10 seconds should not grow its vectors.
    let live = world.eks.nodes.indices().len();
    let (mut candidates, mut usage) = (Vec::with_capacity(live), Vec::with_capacity(live));
    let in_groups = world.eks.nodes.iter().filter(|(_, n)| {
        matches!(n.source, NodeSource::Group(_)) && matches!(n.state, NodeState::Ready | NodeState::Deleting)
    });
    for (i, n) in in_groups {
        let NodeSource::Group(group) = n.source else {
            unreachable!("filtered to node groups")
        };
        // `ca::scale_down` reads the pods to move and the blocker only of a node below the
        // threshold that is not being removed; a busy node's pods are not looked up (in a
        // packed cluster that is most nodes, and 2,000 pod look-ups every scan).
        let considered = n.state != NodeState::Deleting
            && ca::utilization(n.requested, n.allocatable) < settings.scale_down_utilization_threshold;
        let (mut pods_to_move, mut blocked) = (n.pods.len() as u32, false);
        if considered {
            pods_to_move = 0;
            for id in &n.pods {
                let p = &world.eks.pods[id];
                if p.phase != PodPhase::Terminating {
                    pods_to_move += 1;
                    blocked |= p.is_ready() && allowed[p.deployment] == Some(0);
                }
            }
        }
        candidates.push(i);
        usage.push(NodeUsage {
            group,
            allocatable: n.allocatable,
            requested: n.requested,
            pods_to_move,
            blocker: blocked.then_some(RemovalBlocker::DisruptionBudget),
            unneeded_since: n.unneeded_since,
            being_removed: n.state == NodeState::Deleting,
        });
    }
    let groups: Vec<GroupSize> = eks
        .node_groups
        .iter()
        .enumerate()
        .map(|(g, spec)| GroupSize {
            target_size: world.eks.groups[g].desired,
            min_size: spec.min_size,
        })
        .collect();
    let drains = world
        .eks
        .nodes
        .values()
        .filter(|n| n.state == NodeState::Deleting && matches!(n.source, NodeSource::Group(_)) && !n.pods.is_empty())
        .count() as u32;
    let input = ScaleDownInput {
        now: world.now,
        nodes: &usage,
        groups: &groups,
        timers: ScaleDownTimers {
            last_scale_up: world.eks.ca_last_scale_up,
            last_delete: world.eks.ca_last_delete,
            last_failure: None,
        },
        settings: ScaleDownSettings {
            utilization_threshold: settings.scale_down_utilization_threshold,
            unneeded_time: settings.scale_down_unneeded_time,
            delay_after_add: settings.scale_down_delay_after_add,
            delay_after_delete: settings.scale_down_delay_after_delete,
            max_scale_down_parallelism: settings.max_empty_bulk_delete,
            ..ScaleDownSettings::default()
        },
        drains_in_progress: drains,
    };
    // Built at the first node that needs the simulation, then shared by the scan's others.
    let mut ready = None;
    let down = ca::scale_down(&input, |k| {
        let ready = ready.get_or_insert_with(|| ReadyNodes::of(world));
        pods_fit_elsewhere(world, ready, candidates[k])
    });
    for (k, since) in down.unneeded_since.iter().enumerate() {
        world.eks.nodes[candidates[k]].unneeded_since = *since;
    }
    let threshold = settings.scale_down_utilization_threshold;
    down.removals
        .iter()
        .map(|r| (candidates[r.node], r.reason(threshold)))
        .collect()
}

/// The Ready nodes as Cluster Autoscaler's scheduling simulation reads them, in index order:
/// taken from the node table once per scan, with room for what one simulation places.
pub(in crate::engine::eks) struct ReadyNodes<'w> {
    indices: Vec<usize>,
    shapes: Vec<NodeShape<'w>>,
    /// Requests and pods placed on each by the simulation under way.
    placed: Vec<(PodResources, u32)>,
}

impl<'w> ReadyNodes<'w> {
    /// The cluster's Ready nodes now.
    pub(in crate::engine::eks) fn of(world: &'w World<'_>) -> ReadyNodes<'w> {
        let live = world.eks.nodes.indices().len();
        let (mut indices, mut shapes) = (Vec::with_capacity(live), Vec::with_capacity(live));
        for (i, n) in world.eks.nodes.iter().filter(|(_, n)| n.state == NodeState::Ready) {
            indices.push(i);
            shapes.push(NodeShape {
                labels: &n.labels,
                taints: &n.taints,
                allocatable: n.allocatable,
                allocatable_pods: n.max_pods,
                requested: n.requested,
                pod_count: n.pods.len() as u32,
            });
        }
        let placed = vec![(PodResources::ZERO, 0); indices.len()];
        ReadyNodes {
            indices,
            shapes,
            placed,
        }
    }
}

/// Whether every active pod of `node` fits on the other Ready nodes (first fit, in node order,
/// counting the pods placed before it): Cluster Autoscaler's scheduling simulation.
pub(in crate::engine::eks) fn pods_fit_elsewhere(world: &World<'_>, ready: &mut ReadyNodes<'_>, node: usize) -> bool {
    ready.placed.fill((PodResources::ZERO, 0));
    for id in &world.eks.nodes[node].pods {
        let p = &world.eks.pods[id];
        if p.phase == PodPhase::Terminating {
            continue;
        }
        let template = &world.spec.eks.deployments[p.deployment].revisions[p.revision].template;
        let pod = PodShape {
            template,
            requests: p.requests,
        };
        let slot = (0..ready.indices.len()).find(|&k| {
            let (added, count) = ready.placed[k];
            let base = &ready.shapes[k];
            let shape = NodeShape {
                requested: base.requested.plus(added),
                pod_count: base.pod_count + count,
                ..*base
            };
            ready.indices[k] != node && fits_node(&pod, &shape).is_ok()
        });
        match slot {
            Some(k) => {
                ready.placed[k].0 = ready.placed[k].0.plus(p.requests);
                ready.placed[k].1 += 1;
            }
            None => return false,
        }
    }
    true
}
