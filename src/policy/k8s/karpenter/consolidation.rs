//! Consolidation's simulation (k8s-semantics 6.5): would the pods of one node (single-node) or
//! of several (multi-node) fit on the other nodes, and if some do not, which one cheaper node
//! would hold the rest.

use crate::model::k8s::{CapacityType, PodResources};

use super::budgets::DisruptionReason;
use super::disruption::{DisruptionAction, DisruptionInput, DisruptionView, Replacement};
use super::offerings::{NodeCapacity, PricedOffering, launch_order};

/// Single-node Spot-to-Spot consolidation needs at least this many cheaper instance types.
pub const SPOT_TO_SPOT_MIN_TYPES: usize = 15;

/// Multi-node consolidation considers at most this many candidates.
pub const MULTI_NODE_CANDIDATES: usize = 100;

/// The pods that did not fit on the other nodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Leftover {
    /// How many.
    pub pods: u32,
    /// Their summed requests.
    pub requested: PodResources,
}

/// The cluster's free room, computed once per poll, and scratch space for the simulations.
pub(super) struct Simulator<'i> {
    input: &'i DisruptionInput<'i>,
    /// Free CPU and memory and pod slots per node; nothing for nodes going away.
    base: Vec<(PodResources, u32)>,
    /// Sum of `base`.
    total_free: PodResources,
    /// The two largest free CPU amounts in `base`, with their nodes (for "fits nowhere").
    top_cpu: [(u64, usize); 2],
    /// The two largest free memory amounts.
    top_memory: [(u64, usize); 2],
    /// The two largest free pod-slot counts.
    top_slots: [(u64, usize); 2],
    /// The lowest price of any offering of each pool.
    cheapest: Vec<f64>,
    /// `base` during one simulation.
    scratch: Vec<(PodResources, u32)>,
    /// The pods of one simulation: (node, pod index on it, requests).
    pods: Vec<(usize, usize, PodResources)>,
    /// Capacity per pool and instance type (index into the pool's `instance_types`).
    capacities: Vec<Vec<NodeCapacity>>,
    /// Live nodes per zone (replacements go to the emptiest zone of equal price).
    nodes_in_zone: Vec<u32>,
}

impl<'i> Simulator<'i> {
    /// The room of `input`'s nodes, leaving out those marked `gone` (deleting or expiring).
    pub(super) fn new(input: &'i DisruptionInput<'i>, view: &impl DisruptionView, gone: &[bool]) -> Simulator<'i> {
        let base: Vec<(PodResources, u32)> = input
            .nodes
            .iter()
            .zip(gone)
            .map(|(n, &gone)| match gone {
                true => (PodResources::ZERO, 0),
                false => (
                    n.allocatable.saturating_minus(n.requested),
                    n.max_pods.saturating_sub(n.pod_count),
                ),
            })
            .collect();
        let total_free = base.iter().fold(PodResources::ZERO, |acc, (free, _)| acc.plus(*free));
        let top_cpu = top_two(base.iter().map(|(free, _)| free.cpu_milli));
        let top_memory = top_two(base.iter().map(|(free, _)| free.memory_mib));
        let top_slots = top_two(base.iter().map(|(_, slots)| u64::from(*slots)));
        let pricing = input.settings.pricing;
        let cheapest = input
            .pools
            .iter()
            .map(|pool| {
                let prices = pool
                    .offer
                    .offerings()
                    .map(|o| pricing.usd_per_hour(o.instance_type, o.capacity_type));
                prices.fold(f64::INFINITY, f64::min)
            })
            .collect();
        let capacities = input
            .pools
            .iter()
            .enumerate()
            .map(|(p, pool)| {
                pool.offer
                    .instance_types
                    .iter()
                    .map(|it| view.node_capacity(p, it))
                    .collect()
            })
            .collect();
        let mut nodes_in_zone = Vec::new();
        for (n, _) in input.nodes.iter().zip(gone).filter(|(_, gone)| !**gone) {
            if nodes_in_zone.len() <= n.offering.zone {
                nodes_in_zone.resize(n.offering.zone + 1, 0);
            }
            nodes_in_zone[n.offering.zone] += 1;
        }
        Simulator {
            input,
            scratch: Vec::with_capacity(base.len()),
            base,
            total_free,
            top_cpu,
            top_memory,
            top_slots,
            cheapest,
            pods: Vec::new(),
            capacities,
            nodes_in_zone,
        }
    }

    /// Delete `node` if its pods fit elsewhere, else replace it by one cheaper node that holds
    /// the rest, else nothing.
    pub(super) fn single_node(&mut self, node: usize, view: &impl DisruptionView) -> Option<DisruptionAction> {
        let n = &self.input.nodes[node];
        let moving = n.movable_pods.iter().fold(PodResources::ZERO, |acc, r| acc.plus(*r));
        let cheaper = n.pool.is_some_and(|p| self.cheapest[p] < n.usd_per_hour);
        let elsewhere = self.total_free.saturating_minus(self.base[node].0);
        // Quick reject: the pods cannot all fit elsewhere and nothing in the pool is cheaper.
        if !cheaper && !elsewhere.holds(moving) {
            return None;
        }
        // Fast path: no other node has room for even one of its pods, so all of them need the
        // replacement (the common answer in a packed cluster, found without a scan).
        let room = self.largest_room_except(node);
        let none_fits = room.2 == 0
            || n.movable_pods
                .iter()
                .all(|p| p.cpu_milli > room.0 || p.memory_mib > room.1);
        if none_fits {
            let all = Leftover {
                pods: n.movable_pods.len() as u32,
                requested: moving,
            };
            return if cheaper { self.decide(&[node], all, view) } else { None };
        }
        self.command(&[node], view)
    }

    /// The largest free CPU, free memory and free pod slots on any node but `node` (each on its
    /// own: a pod that exceeds one of them fits nowhere).
    fn largest_room_except(&self, node: usize) -> (u64, u64, u64) {
        let pick = |top: &[(u64, usize); 2]| if top[0].1 == node { top[1].0 } else { top[0].0 };
        (pick(&self.top_cpu), pick(&self.top_memory), pick(&self.top_slots))
    }

    /// Multi-node consolidation: the longest prefix of `candidates` (at most
    /// [`MULTI_NODE_CANDIDATES`]) whose pods fit on the other nodes plus at most one new node
    /// cheaper than the prefix together, found by binary search as Karpenter does; `None` when
    /// not even the first candidate can go.
    pub(super) fn multi_node(&mut self, candidates: &[usize], view: &impl DisruptionView) -> Option<DisruptionAction> {
        let candidates = &candidates[..candidates.len().min(MULTI_NODE_CANDIDATES)];
        let (mut low, mut high) = (1, candidates.len());
        let mut best = None;
        while low <= high {
            let mid = (low + high) / 2;
            match self.command(&candidates[..mid], view) {
                Some(command) => {
                    best = Some(command);
                    low = mid + 1;
                }
                None => high = mid - 1,
            }
        }
        best
    }

    /// Delete `nodes` if their pods fit elsewhere, else replace them with one cheaper node.
    fn command(&mut self, nodes: &[usize], view: &impl DisruptionView) -> Option<DisruptionAction> {
        let leftover = self.leftover(nodes, view);
        self.decide(nodes, leftover, view)
    }

    /// The action for `nodes` given the pods the other nodes cannot take.
    fn decide(&self, nodes: &[usize], leftover: Leftover, view: &impl DisruptionView) -> Option<DisruptionAction> {
        let reason = DisruptionReason::Underutilized;
        if leftover.pods == 0 {
            return Some(DisruptionAction::Delete {
                nodes: nodes.to_vec(),
                reason,
            });
        }
        let replacement = self.replacement(nodes, leftover, view)?;
        Some(DisruptionAction::Replace {
            nodes: nodes.to_vec(),
            replacement,
            reason,
        })
    }

    /// Places the pods of `nodes` on the other nodes, largest first, each on the first node with
    /// room that the view allows; returns what did not fit.
    pub(super) fn leftover(&mut self, nodes: &[usize], view: &impl DisruptionView) -> Leftover {
        self.scratch.clone_from(&self.base);
        self.pods.clear();
        for &n in nodes {
            self.scratch[n] = (PodResources::ZERO, 0);
            let pods = self.input.nodes[n].movable_pods.iter().enumerate();
            self.pods.extend(pods.map(|(i, r)| (n, i, *r)));
        }
        self.pods
            .sort_by(|a, b| (b.2.cpu_milli, b.2.memory_mib, a.0, a.1).cmp(&(a.2.cpu_milli, a.2.memory_mib, b.0, b.1)));
        let mut left = Leftover {
            pods: 0,
            requested: PodResources::ZERO,
        };
        for &(from, pod, requests) in &self.pods {
            let target = (0..self.scratch.len()).find(|&t| {
                let (free, slots) = self.scratch[t];
                slots > 0 && free.holds(requests) && view.can_move(from, pod, t)
            });
            match target {
                Some(t) => {
                    self.scratch[t].0 = self.scratch[t].0.saturating_minus(requests);
                    self.scratch[t].1 -= 1;
                }
                None => {
                    left.pods += 1;
                    left.requested = left.requested.plus(requests);
                }
            }
        }
        left
    }

    /// The one node, cheaper than `nodes` together, of their pool that holds `leftover`:
    /// Karpenter's preferred capacity type, then the lowest price. Spot nodes are not replaced
    /// by Spot nodes unless `spot_to_spot` is on, and then only with 15 cheaper types.
    pub(super) fn replacement(
        &self,
        nodes: &[usize],
        leftover: Leftover,
        view: &impl DisruptionView,
    ) -> Option<Replacement> {
        let first = &self.input.nodes[*nodes.first()?];
        let p = first.pool?;
        let offer = &self.input.pools[p].offer;
        let settings = self.input.settings;
        let price: f64 = nodes.iter().map(|&n| self.input.nodes[n].usd_per_hour).sum();
        let all_spot = nodes
            .iter()
            .all(|&n| self.input.nodes[n].offering.capacity_type == CapacityType::Spot);
        let spot_only = all_spot && offer.capacity_types.contains(&CapacityType::Spot);
        if spot_only && !settings.spot_to_spot {
            return None;
        }
        let per_type = (offer.zones.len() * offer.capacity_types.len()).max(1);
        let mut best: Option<(PricedOffering, NodeCapacity)> = None;
        let mut cheaper_types = 0;
        let mut last_type = usize::MAX;
        for (i, offering) in offer.offerings().enumerate() {
            let capacity = self.capacities[p][i / per_type];
            let usd_per_hour = settings
                .pricing
                .usd_per_hour(offering.instance_type, offering.capacity_type);
            let usable = usd_per_hour < price
                && (!spot_only || offering.capacity_type == CapacityType::Spot)
                && capacity.allocatable.holds(leftover.requested)
                && capacity.pods >= leftover.pods
                && offer.remaining.allow(offering.instance_type)
                && nodes.iter().all(|&n| view.replacement_allowed(n, &offering));
            if !usable {
                continue;
            }
            if i / per_type != last_type {
                last_type = i / per_type;
                cheaper_types += 1;
            }
            let priced = PricedOffering {
                offering,
                usd_per_hour,
                nodes_in_zone: self.nodes_in_zone.get(offering.zone).copied().unwrap_or(0),
            };
            if best.is_none_or(|(b, _)| launch_order(&priced, &b).is_lt()) {
                best = Some((priced, capacity));
            }
        }
        if spot_only && nodes.len() == 1 && cheaper_types < SPOT_TO_SPOT_MIN_TYPES {
            return None;
        }
        best.map(|(b, capacity)| Replacement {
            pool: p,
            offering: b.offering,
            usd_per_hour: b.usd_per_hour,
            capacity,
        })
    }
}

/// The two largest values with their indices (ties: the lower index first); `(0, usize::MAX)`
/// where there are fewer than two.
fn top_two(values: impl Iterator<Item = u64>) -> [(u64, usize); 2] {
    let mut top = [(0, usize::MAX); 2];
    for (i, v) in values.enumerate() {
        if top[0].1 == usize::MAX || v > top[0].0 {
            top[1] = top[0];
            top[0] = (v, i);
        } else if top[1].1 == usize::MAX || v > top[1].0 {
            top[1] = (v, i);
        }
    }
    top
}

#[cfg(test)]
mod tests {
    use super::top_two;

    #[track_caller]
    fn check(values: &[u64], expected: [(u64, usize); 2]) {
        assert_eq!(top_two(values.iter().copied()), expected, "{values:?}");
    }

    #[test]
    fn the_two_largest_values_keep_their_indices() {
        check(&[], [(0, usize::MAX), (0, usize::MAX)]);
        check(&[5], [(5, 0), (0, usize::MAX)]);
        check(&[3, 9, 4], [(9, 1), (4, 2)]);
        check(&[7, 7, 1], [(7, 0), (7, 1)]);
        check(&[0, 0], [(0, 0), (0, 1)]);
    }
}
