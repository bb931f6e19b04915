//! Karpenter's provisioning simulation (k8s-semantics 6.2 steps 2 to 5): the batch's pods, in
//! queue order, go to an existing node with room, else to an in-flight NodeClaim of this batch
//! that can still hold them, else to a new NodeClaim of the first NodePool that allows them;
//! each NodeClaim keeps the offerings that can still hold all its pods and launches the best.

use crate::model::catalog::InstanceType;
use crate::model::k8s::PodResources;

use super::offerings::{NodeCapacity, Offering, PoolOffer, PricedOffering, Pricing, RemainingLimits, launch_order};
use super::pods::{ProvisionablePod, queue_order};
use super::rejection::{PoolRejection, Unschedulable};

/// A node that exists (or is launching from an earlier batch): what it has left.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExistingNode {
    /// Allocatable minus the requests of the pods bound to it.
    pub free: PodResources,
    /// Max pods minus the pods bound to it.
    pub free_pods: u32,
}

/// What only the engine knows: scheduling rules beyond resources, node capacity estimates,
/// and which offerings EC2 has capacity for.
pub trait ProvisioningView {
    /// Whether pod `pod` may bind to existing node `node` on everything but CPU, memory and pod
    /// count (taints, affinity, topology spread): the scheduler's filters.
    fn fits_existing(&self, pod: usize, node: usize) -> bool;
    /// What a node of `instance_type` launched by NodePool `pool` offers the batch's pods
    /// (`policy::k8s` node allocatable, less the DaemonSets' requests and pods).
    fn node_capacity(&self, pool: usize, instance_type: &InstanceType) -> NodeCapacity;
    /// Whether EC2 has capacity for `offering` (false for a while after an
    /// insufficient-capacity error, k8s-semantics 6.2 step 4). All are available by default.
    fn available(&self, offering: &Offering) -> bool {
        let _ = offering;
        true
    }
}

/// The read-only inputs of one provisioning pass.
#[derive(Clone, Copy, Debug)]
pub struct ProvisioningInput<'a> {
    /// The pods the batch window collected.
    pub pods: &'a [ProvisionablePod<'a>],
    /// Existing nodes, Ready or launching (index = the engine's node number in this slice).
    pub existing: &'a [ExistingNode],
    /// NodePools in the order Karpenter tries them (weight descending, then name).
    pub pools: &'a [PoolOffer<'a>],
    /// Names of the run's zones (for `topology.kubernetes.io/zone` requirements).
    pub zone_names: &'a [String],
    /// Nodes per zone now, so NodeClaims spread over zones of equal price.
    pub nodes_in_zone: &'a [u32],
    /// Spot's price.
    pub pricing: Pricing,
}

/// A NodeClaim to launch.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeClaimPlan {
    /// Index of its NodePool in `ProvisioningInput::pools`.
    pub pool: usize,
    /// What to launch: the best of the offerings that hold all its pods.
    pub offering: Offering,
    /// Its price, USD per hour.
    pub usd_per_hour: f64,
    /// Its capacity estimate.
    pub capacity: NodeCapacity,
    /// The pods intended for it (indices into `ProvisioningInput::pods`), in queue order.
    pub pods: Vec<usize>,
    /// Their summed requests.
    pub requested: PodResources,
    /// How many instance types could still hold them (the NodeClaim's options).
    pub instance_type_options: usize,
}

/// The outcome of a provisioning pass.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Provisioning {
    /// Pods that fit on an existing node: (pod, node); the scheduler will bind them.
    pub on_existing: Vec<(usize, usize)>,
    /// NodeClaims to launch.
    pub claims: Vec<NodeClaimPlan>,
    /// Pods no NodePool can take, with each pool's reason.
    pub unschedulable: Vec<Unschedulable>,
}

/// One offering of a pool with its capacity and price, computed once per pass.
struct Entry {
    offering: Offering,
    capacity: NodeCapacity,
    usd_per_hour: f64,
}

/// A NodeClaim being filled.
struct OpenClaim {
    pool: usize,
    pods: Vec<usize>,
    requested: PodResources,
    /// Indices into its pool's entries that still hold every pod.
    options: Vec<usize>,
}

/// Runs the provisioning simulation over the batch.
pub fn provision(input: &ProvisioningInput<'_>, view: &impl ProvisioningView) -> Provisioning {
    let tables: Vec<Vec<Entry>> = input
        .pools
        .iter()
        .enumerate()
        .map(|(index, pool)| entries(index, pool, input.pricing, view))
        .collect();
    let mut remaining: Vec<RemainingLimits> = input.pools.iter().map(|p| p.remaining).collect();
    let mut existing = input.existing.to_vec();
    let mut open: Vec<OpenClaim> = Vec::new();
    let mut out = Provisioning::default();
    for pod in queue_order(input.pods) {
        let requests = input.pods[pod].requests;
        let on_node = (0..existing.len())
            .find(|&n| existing[n].free.holds(requests) && existing[n].free_pods > 0 && view.fits_existing(pod, n));
        if let Some(node) = on_node {
            existing[node].free = existing[node].free.saturating_minus(requests);
            existing[node].free_pods -= 1;
            out.on_existing.push((pod, node));
            continue;
        }
        if open
            .iter_mut()
            .any(|claim| try_add(claim, pod, input, &tables[claim.pool]))
        {
            continue;
        }
        match new_claim(pod, input, &tables, &remaining, view) {
            Ok(claim) => {
                let table = &tables[claim.pool];
                remaining[claim.pool].reserve_largest(claim.options.iter().map(|&o| table[o].offering.instance_type));
                open.push(claim);
            }
            Err(reasons) => out.unschedulable.push(Unschedulable { pod, requests, reasons }),
        }
    }
    let mut nodes_in_zone = input.nodes_in_zone.to_vec();
    out.claims = open
        .into_iter()
        .map(|claim| launch(claim, &tables, &mut nodes_in_zone))
        .collect();
    out
}

/// Every offering of `pool` with its capacity and price.
fn entries(index: usize, pool: &PoolOffer<'_>, pricing: Pricing, view: &impl ProvisioningView) -> Vec<Entry> {
    let capacities: Vec<NodeCapacity> = pool
        .instance_types
        .iter()
        .map(|it| view.node_capacity(index, it))
        .collect();
    let per_type = pool.zones.len() * pool.capacity_types.len();
    pool.offerings()
        .enumerate()
        .map(|(i, offering)| Entry {
            offering,
            capacity: capacities[i / per_type.max(1)],
            usd_per_hour: pricing.usd_per_hour(offering.instance_type, offering.capacity_type),
        })
        .collect()
}

/// Whether `entry` holds `requested` over `pods` pods and admits `pod`.
fn holds(
    entry: &Entry,
    requested: PodResources,
    pods: usize,
    pod: &ProvisionablePod<'_>,
    pool: &PoolOffer<'_>,
    zones: &[String],
) -> bool {
    entry.capacity.allocatable.holds(requested)
        && entry.capacity.pods as usize >= pods
        && pool.admits(pod, &entry.offering, zones)
}

/// Adds `pod` to `claim` if some option still holds all its pods; narrows the options.
fn try_add(claim: &mut OpenClaim, pod: usize, input: &ProvisioningInput<'_>, table: &[Entry]) -> bool {
    let pool = &input.pools[claim.pool];
    let p = &input.pods[pod];
    if pool.untolerated_taint(p.tolerations).is_some() {
        return false;
    }
    let requested = claim.requested.plus(p.requests);
    let count = claim.pods.len() + 1;
    let keep = |&o: &usize| holds(&table[o], requested, count, p, pool, input.zone_names);
    if !claim.options.iter().any(keep) {
        return false;
    }
    claim.options.retain(keep);
    claim.pods.push(pod);
    claim.requested = requested;
    true
}

/// A NodeClaim for `pod` from the first pool that allows it, or every pool's reason.
fn new_claim(
    pod: usize,
    input: &ProvisioningInput<'_>,
    tables: &[Vec<Entry>],
    remaining: &[RemainingLimits],
    view: &impl ProvisioningView,
) -> Result<OpenClaim, Vec<(usize, PoolRejection)>> {
    let p = &input.pods[pod];
    let mut reasons = Vec::new();
    for (index, pool) in input.pools.iter().enumerate() {
        if let Some(taint) = pool.untolerated_taint(p.tolerations) {
            reasons.push((index, PoolRejection::Taint(taint.clone())));
            continue;
        }
        let table = &tables[index];
        let usable = |o: &usize| {
            let e = &table[*o];
            holds(e, p.requests, 1, p, pool, input.zone_names)
                && view.available(&e.offering)
                && remaining[index].allow(e.offering.instance_type)
        };
        let options: Vec<usize> = (0..table.len()).filter(usable).collect();
        if !options.is_empty() {
            return Ok(OpenClaim {
                pool: index,
                pods: vec![pod],
                requested: p.requests,
                options,
            });
        }
        reasons.push((index, rejection(p, pool, table, input.zone_names, view)));
    }
    Err(reasons)
}

/// Why no offering of `pool` takes `pod` (its taints are tolerated).
fn rejection(
    pod: &ProvisionablePod<'_>,
    pool: &PoolOffer<'_>,
    table: &[Entry],
    zones: &[String],
    view: &impl ProvisioningView,
) -> PoolRejection {
    let admitted = || table.iter().filter(|e| pool.admits(pod, &e.offering, zones));
    if admitted().next().is_none() {
        return PoolRejection::Requirements;
    }
    let fits = || admitted().filter(|e| e.capacity.allocatable.holds(pod.requests) && e.capacity.pods >= 1);
    if fits().next().is_none() {
        return PoolRejection::TooLarge;
    }
    if !fits().any(|e| view.available(&e.offering)) {
        return PoolRejection::Unavailable;
    }
    PoolRejection::Limits
}

/// The plan of a filled NodeClaim: its best offering (spot first, cheapest, emptiest zone).
fn launch(claim: OpenClaim, tables: &[Vec<Entry>], nodes_in_zone: &mut Vec<u32>) -> NodeClaimPlan {
    let table = &tables[claim.pool];
    let priced = |o: usize| PricedOffering {
        offering: table[o].offering,
        usd_per_hour: table[o].usd_per_hour,
        nodes_in_zone: nodes_in_zone.get(table[o].offering.zone).copied().unwrap_or(0),
    };
    let best = claim
        .options
        .iter()
        .map(|&o| (o, priced(o)))
        .min_by(|a, b| launch_order(&a.1, &b.1))
        .map(|(o, _)| o)
        .expect("an open NodeClaim keeps at least one option");
    let entry = &table[best];
    let zone = entry.offering.zone;
    if nodes_in_zone.len() <= zone {
        nodes_in_zone.resize(zone + 1, 0);
    }
    nodes_in_zone[zone] += 1;
    let mut types: Vec<&str> = claim
        .options
        .iter()
        .map(|&o| table[o].offering.instance_type.name)
        .collect();
    types.dedup();
    NodeClaimPlan {
        pool: claim.pool,
        offering: entry.offering,
        usd_per_hour: entry.usd_per_hour,
        capacity: entry.capacity,
        pods: claim.pods,
        requested: claim.requested,
        instance_type_options: types.len(),
    }
}

#[cfg(test)]
#[path = "provisioner_tests.rs"]
mod tests;
