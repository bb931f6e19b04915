//! Karpenter: the batch window, and the cluster as `policy::k8s::karpenter`'s provisioner and
//! disruption poll read it.

use super::pdb::disruptions_allowed;
use crate::engine::eks::nodes::NodeLaunch;
use crate::engine::eks::state::{Node, NodeSource, NodeState, PodPhase};
use crate::engine::world::World;
use crate::model::catalog::InstanceType;
use crate::model::k8s::{PodResources, PodTemplate};
use crate::policy::k8s::karpenter::{
    self as kp, BatchWindow, ClusterNode, DisruptionAction, DisruptionInput, DisruptionReason, DisruptionSettings,
    DisruptionView, ExistingNode, NodeBudget, NodeCapacity, NodePhase, Offering, PoolDisruption, PoolOffer, Pricing,
    ProvisionablePod, ProvisioningInput, ProvisioningView, RemainingLimits,
};
use crate::policy::k8s::scheduler::{NodeShape, PodShape, fits_node};
use crate::sim::{SimDuration, SimTime};
use crate::spec::eks::{CapacityType, KarpenterSettings};

/// Karpenter's state between events.
#[derive(Default)]
pub(crate) struct KarpenterRuntime {
    window: Option<BatchWindow>,
    /// Replacements launched: (nodes replaced, replacement).
    pub replacing: Vec<(Vec<usize>, usize)>,
    /// A consolidation action waiting for its re-validation, and when it was first decided.
    pending: Option<(SimTime, DisruptionAction)>,
}

impl KarpenterRuntime {
    /// A pod became provisionable: when the batch window closes.
    pub fn on_pod(&mut self, now: SimTime, settings: &KarpenterSettings) -> SimTime {
        let window = self
            .window
            .get_or_insert_with(|| BatchWindow::new(settings.batch_idle_duration, settings.batch_max_duration));
        window.on_pod(now)
    }

    /// Whether the window closes now (then it is closed).
    pub fn close_if_due(&mut self, now: SimTime) -> bool {
        self.window.as_mut().is_some_and(|w| w.close_if_due(now))
    }
}

/// A NodeClaim to launch.
pub(in crate::engine::eks) struct NodeClaim {
    pub pool: usize,
    pub instance_type: &'static InstanceType,
    pub zone: usize,
    pub capacity_type: CapacityType,
    pub pods: usize,
}

/// What the disruption controller does this poll.
pub(in crate::engine::eks) enum KarpenterAction {
    None,
    Delete {
        nodes: Vec<usize>,
        reason: String,
    },
    Replace {
        nodes: Vec<usize>,
        launch: NodeLaunch,
        reason: String,
    },
}

/// The engine's answers to what Karpenter's functions ask of it.
struct View<'w, 'a> {
    world: &'w World<'a>,
    /// Provisioning: the pending pods' templates; disruption: each node's movable pods'.
    pods: Vec<&'w PodTemplate>,
    /// The live nodes, in the order the inputs list them.
    nodes: Vec<usize>,
    /// Disruption: where each node's movable pods start in `pods`.
    movable_offsets: Vec<usize>,
}

impl View<'_, '_> {
    fn capacity(&self, instance_type: &InstanceType) -> NodeCapacity {
        let overhead = self.world.spec.eks.karpenter.vm_memory_overhead_percent;
        let c = super::node_capacity(instance_type, false, None, true, overhead);
        NodeCapacity {
            allocatable: c.allocatable,
            pods: c.max_pods,
        }
    }

    /// Whether `template`'s pod may run on `node` on everything but resources.
    fn allowed_on(&self, template: &PodTemplate, node: usize) -> bool {
        let n = &self.world.eks.nodes[node];
        let shape = NodeShape {
            labels: &n.labels,
            taints: &n.taints,
            allocatable: n.allocatable,
            allocatable_pods: n.max_pods,
            requested: PodResources::ZERO,
            pod_count: 0,
        };
        let pod = PodShape {
            template,
            requests: PodResources::ZERO,
        };
        fits_node(&pod, &shape).is_ok()
    }
}

impl ProvisioningView for View<'_, '_> {
    fn fits_existing(&self, pod: usize, node: usize) -> bool {
        self.allowed_on(self.pods[pod], self.nodes[node])
    }

    fn node_capacity(&self, _pool: usize, instance_type: &InstanceType) -> NodeCapacity {
        self.capacity(instance_type)
    }
}

impl DisruptionView for View<'_, '_> {
    fn can_move(&self, from: usize, pod: usize, to: usize) -> bool {
        self.allowed_on(self.pods[self.movable_offsets[from] + pod], self.nodes[to])
    }

    fn node_capacity(&self, _pool: usize, instance_type: &InstanceType) -> NodeCapacity {
        self.capacity(instance_type)
    }
}

/// The NodePools as offers, with what their limits leave.
pub(super) fn pool_offers<'w>(world: &'w World<'_>) -> Vec<PoolOffer<'w>> {
    world
        .spec
        .eks
        .node_pools
        .iter()
        .enumerate()
        .map(|(p, pool)| {
            let live = world.eks.nodes.values().filter(|n| n.source == NodeSource::Pool(p));
            let (mut cpu, mut memory, mut count) = (0u64, 0u64, 0u32);
            for n in live {
                cpu += u64::from(n.instance_type.vcpus) * 1000;
                memory += n.instance_type.memory_mib;
                count += 1;
            }
            PoolOffer {
                name: &pool.name,
                labels: &pool.labels,
                taints: &pool.taints,
                instance_types: &pool.instance_types,
                zones: &world.eks.pool_zones[p],
                capacity_types: &pool.capacity_types,
                remaining: RemainingLimits {
                    cpu_milli: pool.limits.cpu_milli.map(|l| l.saturating_sub(cpu)),
                    memory_mib: pool.limits.memory_mib.map(|l| l.saturating_sub(memory)),
                    nodes: pool.limits.nodes.map(|l| l.saturating_sub(count)),
                },
            }
        })
        .collect()
}

fn pricing(world: &World<'_>) -> Pricing {
    Pricing {
        spot_discount_percent: world.spec.behavior.cost.ec2_spot_discount_percent,
    }
}

/// Live nodes per zone.
fn nodes_in_zone(world: &World<'_>) -> Vec<u32> {
    let mut counts = vec![0; world.spec.availability_zones.len()];
    for n in world.eks.nodes.values() {
        counts[n.zone] += 1;
    }
    counts
}

/// NodeClaims for the pods the scheduler could not place.
pub(in crate::engine::eks) fn karpenter_provision(world: &World<'_>) -> Vec<NodeClaim> {
    let eks = &world.spec.eks;
    let pending: Vec<(&PodTemplate, ProvisionablePod)> = world
        .eks
        .pods
        .pending()
        .filter(|(_, p)| p.fargate.is_none() && p.unschedulable.is_some())
        .map(|(_, p)| {
            let template = &eks.deployments[p.deployment].revisions[p.revision].template;
            let mut pod = ProvisionablePod::of(template, p.created);
            pod.requests = p.requests;
            (template, pod)
        })
        .collect();
    if pending.is_empty() {
        return Vec::new();
    }
    let nodes: Vec<usize> = world
        .eks
        .nodes
        .iter()
        .filter(|(_, n)| matches!(n.state, NodeState::Launching | NodeState::Ready) && !n.cordoned)
        .map(|(i, _)| i)
        .collect();
    let existing: Vec<ExistingNode> = nodes
        .iter()
        .map(|&i| {
            let n = &world.eks.nodes[i];
            ExistingNode {
                free: n.allocatable.saturating_minus(n.requested),
                free_pods: n.max_pods.saturating_sub(n.pods.len() as u32),
            }
        })
        .collect();
    let view = View {
        world,
        pods: pending.iter().map(|(t, _)| *t).collect(),
        nodes,
        movable_offsets: Vec::new(),
    };
    let pods: Vec<ProvisionablePod> = pending.into_iter().map(|(_, p)| p).collect();
    let pools = pool_offers(world);
    let in_zone = nodes_in_zone(world);
    let input = ProvisioningInput {
        pods: &pods,
        existing: &existing,
        pools: &pools,
        zone_names: &world.spec.availability_zones,
        nodes_in_zone: &in_zone,
        pricing: pricing(world),
    };
    kp::provision(&input, &view)
        .claims
        .into_iter()
        .map(|c| NodeClaim {
            pool: c.pool,
            instance_type: c.offering.instance_type,
            zone: c.offering.zone,
            capacity_type: c.offering.capacity_type,
            pods: c.pods.len(),
        })
        .collect()
}

/// This poll's disruption: expired nodes first (forceful), then at most one consolidation
/// action, acted on only when a poll at least the validation delay later decides the same.
pub(in crate::engine::eks) fn karpenter_disrupt(world: &mut World<'_>) -> Vec<KarpenterAction> {
    let (expired, action) = decide(world);
    let mut actions: Vec<KarpenterAction> = expired
        .into_iter()
        .map(|node| KarpenterAction::Delete {
            nodes: vec![node],
            reason: DisruptionReason::Expired.as_str().to_string(),
        })
        .collect();
    let delay = world.spec.eks.karpenter.consolidation_validation_delay;
    let now = world.now;
    let runtime = &mut world.eks.karpenter;
    let due = match (&runtime.pending, &action) {
        (_, DisruptionAction::None) => None,
        (Some((first, pending)), _) if *pending == action && now >= *first + delay => Some(action),
        (Some((_, pending)), _) if *pending == action => None,
        _ => {
            runtime.pending = Some((now, action));
            None
        }
    };
    if let Some(action) = due {
        runtime.pending = None;
        actions.push(to_engine_action(world, action));
    } else if matches!(runtime.pending, Some((_, DisruptionAction::None))) {
        runtime.pending = None;
    }
    actions
}

fn to_engine_action(world: &World<'_>, action: DisruptionAction) -> KarpenterAction {
    let live: Vec<usize> = live_nodes(world);
    match action {
        DisruptionAction::None => KarpenterAction::None,
        DisruptionAction::Delete { nodes, reason } => KarpenterAction::Delete {
            nodes: nodes.iter().map(|k| live[*k]).collect(),
            reason: reason.as_str().to_string(),
        },
        DisruptionAction::Replace {
            nodes,
            replacement,
            reason,
        } => KarpenterAction::Replace {
            nodes: nodes.iter().map(|k| live[*k]).collect(),
            launch: launch_of(replacement.pool, replacement.offering),
            reason: reason.as_str().to_string(),
        },
    }
}

fn launch_of(pool: usize, offering: Offering) -> NodeLaunch {
    NodeLaunch {
        source: NodeSource::Pool(pool),
        instance_type: offering.instance_type,
        zone: offering.zone,
        capacity_type: offering.capacity_type,
    }
}

fn live_nodes(world: &World<'_>) -> Vec<usize> {
    world.eks.nodes.indices().to_vec()
}

/// Runs the disruption poll: (expired nodes to drain, the graceful action in poll indices).
fn decide(world: &World<'_>) -> (Vec<usize>, DisruptionAction) {
    let eks = &world.spec.eks;
    if eks.node_pools.is_empty() {
        return (Vec::new(), DisruptionAction::None);
    }
    let allowed = disruptions_allowed(world);
    let live = live_nodes(world);
    let mut templates: Vec<&PodTemplate> = Vec::new();
    let mut movable: Vec<PodResources> = Vec::new();
    let mut offsets = Vec::with_capacity(live.len());
    let mut blocked = Vec::with_capacity(live.len());
    for &i in &live {
        offsets.push(templates.len());
        let mut pdb_blocked = false;
        for id in &world.eks.nodes[i].pods {
            let p = &world.eks.pods[id];
            if p.phase == PodPhase::Terminating {
                continue;
            }
            templates.push(&eks.deployments[p.deployment].revisions[p.revision].template);
            movable.push(p.requests);
            pdb_blocked |= p.is_ready() && allowed[p.deployment] == Some(0);
        }
        blocked.push(pdb_blocked);
    }
    offsets.push(templates.len());
    let replaced: Vec<usize> = world
        .eks
        .karpenter
        .replacing
        .iter()
        .flat_map(|(old, _)| old.iter().copied())
        .collect();
    let cluster: Vec<ClusterNode> = live
        .iter()
        .enumerate()
        .map(|(k, &i)| {
            cluster_node(
                &world.eks.nodes[i],
                &movable[offsets[k]..offsets[k + 1]],
                blocked[k],
                replaced.contains(&i),
            )
        })
        .collect();
    let offers = pool_offers(world);
    let budgets: Vec<Vec<NodeBudget>> = eks
        .node_pools
        .iter()
        .map(|pool| {
            pool.budgets
                .iter()
                .map(|b| NodeBudget {
                    nodes: b.nodes,
                    reasons: b
                        .reasons
                        .iter()
                        .filter_map(|r| DisruptionReason::from_budget_reason(r))
                        .collect(),
                    active: true,
                })
                .collect()
        })
        .collect();
    let pools: Vec<PoolDisruption> = eks
        .node_pools
        .iter()
        .zip(offers)
        .zip(&budgets)
        .map(|((pool, offer), budgets)| PoolDisruption {
            offer,
            consolidation_policy: pool.consolidation_policy,
            consolidate_after: pool.consolidate_after_s.map(SimDuration::from_secs),
            expire_after: pool.expire_after_s.map(SimDuration::from_secs),
            termination_grace_period: None,
            budgets,
        })
        .collect();
    let view = View {
        world,
        pods: templates,
        nodes: live.clone(),
        movable_offsets: offsets,
    };
    let input = DisruptionInput {
        now: world.now,
        nodes: &cluster,
        pools: &pools,
        settings: DisruptionSettings {
            pricing: pricing(world),
            ..DisruptionSettings::default()
        },
    };
    let poll = kp::disrupt(&input, &view);
    let expired = poll
        .expired
        .iter()
        .map(|e| live[e.node])
        .filter(|i| world.eks.nodes[*i].state != NodeState::Deleting)
        .collect();
    (expired, poll.action)
}

fn cluster_node<'a>(n: &Node, movable: &'a [PodResources], pdb_blocked: bool, being_replaced: bool) -> ClusterNode<'a> {
    ClusterNode {
        pool: match n.source {
            NodeSource::Pool(p) => Some(p),
            NodeSource::Group(_) => None,
        },
        offering: Offering {
            instance_type: n.instance_type,
            zone: n.zone,
            capacity_type: n.capacity_type,
        },
        usd_per_hour: n.usd_per_hour,
        allocatable: n.allocatable,
        max_pods: n.max_pods,
        requested: n.requested,
        pod_count: n.pods.len() as u32,
        movable_pods: movable,
        phase: match n.state {
            NodeState::Launching => NodePhase::Launching,
            NodeState::Ready if !being_replaced => NodePhase::Ready,
            _ => NodePhase::Deleting,
        },
        launched_at: n.launched_at,
        last_pod_change: n.last_pod_change,
        do_not_disrupt: false,
        pdb_blocked,
    }
}
