//! Disruption cases: empty and underutilized consolidation, budgets, blockers, Spot rules and
//! expiry (k8s-semantics 6.5 to 6.7, W36, W37).

use super::*;
use crate::model::catalog::all_instance_types;
use crate::model::k8s::{CapacityType, IntOrPercent, Labels};
use crate::policy::k8s::karpenter::RemainingLimits;
use crate::policy::k8s::karpenter::test_support::{it, karpenter_capacity, res};
use CapacityType::{OnDemand, Spot};

struct View;

impl DisruptionView for View {
    fn node_capacity(&self, _pool: usize, instance_type: &InstanceType) -> NodeCapacity {
        karpenter_capacity(instance_type)
    }
}

const ZONES: [usize; 3] = [0, 1, 2];
const HOUR: u64 = 3600;

fn secs(s: u64) -> SimTime {
    SimTime(s * 1000)
}

/// A Ready node of pool 0 launched at 0 with these pods, last changed at 0.
fn node<'a>(name: &str, capacity_type: CapacityType, pods: &'a [PodResources]) -> ClusterNode<'a> {
    let instance_type = it(name);
    let capacity = karpenter_capacity(instance_type);
    ClusterNode {
        pool: Some(0),
        offering: Offering {
            instance_type,
            zone: 0,
            capacity_type,
        },
        usd_per_hour: Pricing::default().usd_per_hour(instance_type, capacity_type),
        allocatable: capacity.allocatable,
        max_pods: capacity.pods,
        requested: pods.iter().fold(PodResources::ZERO, |a, p| a.plus(*p)),
        pod_count: pods.len() as u32,
        movable_pods: pods,
        phase: NodePhase::Ready,
        launched_at: SimTime::ZERO,
        last_pod_change: SimTime::ZERO,
        do_not_disrupt: false,
        pdb_blocked: false,
    }
}

/// A full m5.large of a managed node group: it takes no pods and is never a candidate.
fn full_node<'a>(pods: &'a [PodResources]) -> ClusterNode<'a> {
    ClusterNode {
        pool: None,
        ..node("m5.large", OnDemand, pods)
    }
}

/// A WhenEmptyOrUnderutilized pool over `types`, consolidateAfter 0 s, expireAfter 720 h.
fn pool<'a>(
    types: &'a [&'static InstanceType],
    capacity: &'a [CapacityType],
    budgets: &'a [NodeBudget],
    labels: &'a Labels,
) -> PoolDisruption<'a> {
    PoolDisruption {
        offer: PoolOffer {
            name: "default",
            labels,
            taints: &[],
            instance_types: types,
            zones: &ZONES,
            capacity_types: capacity,
            remaining: RemainingLimits::default(),
        },
        consolidation_policy: ConsolidationPolicy::WhenEmptyOrUnderutilized,
        consolidate_after: Some(SimDuration::ZERO),
        expire_after: Some(SimDuration::from_secs(720 * HOUR)),
        termination_grace_period: None,
        budgets,
    }
}

fn run(now: SimTime, nodes: &[ClusterNode<'_>], pool: PoolDisruption<'_>, spot_to_spot: bool) -> Disruption {
    let input = DisruptionInput {
        now,
        nodes,
        pools: &[pool],
        settings: DisruptionSettings {
            pricing: Pricing::default(),
            spot_to_spot,
        },
    };
    disrupt(&input, &View)
}

/// An action as (node indices, reason, replacement type and capacity type); `None`: no action.
type Expected = Option<(Vec<usize>, &'static str, Option<(&'static str, CapacityType)>)>;

/// The action as (node indices, reason, replacement type and capacity type).
fn action(d: &Disruption) -> Expected {
    match &d.action {
        DisruptionAction::None => None,
        DisruptionAction::Delete { nodes, reason } => Some((nodes.clone(), reason.as_str(), None)),
        DisruptionAction::Replace {
            nodes,
            replacement,
            reason,
        } => Some((
            nodes.clone(),
            reason.as_str(),
            Some((
                replacement.offering.instance_type.name,
                replacement.offering.capacity_type,
            )),
        )),
    }
}

#[track_caller]
fn check(nodes: &[ClusterNode<'_>], pool: PoolDisruption<'_>, spot_to_spot: bool, expected: Expected) {
    assert_eq!(action(&run(secs(60), nodes, pool, spot_to_spot)), expected);
}

#[test]
fn empty_nodes_are_deleted_and_underutilized_ones_deleted_or_replaced() {
    let default = [NodeBudget::default_budget()];
    let (labels, catalog): (Labels, Vec<_>) = (Labels::new(), all_instance_types().iter().collect());
    let m5 = [it("m5.large"), it("m5.xlarge"), it("m5.2xlarge")];
    let full = [res(1900, 6000)];
    let two = [res(500, 1024), res(500, 1024)];
    let one = [res(500, 1024)];
    let od = [OnDemand];
    // An empty node goes (reason Empty).
    check(
        &[full_node(&full), node("m5.large", OnDemand, &[])],
        pool(&m5, &od, &default, &labels),
        false,
        Some((vec![1], "Empty", None)),
    );
    // Its pods fit on another node: delete (the node with fewer pods is tried first).
    check(
        &[node("m5.xlarge", OnDemand, &two), node("m5.large", OnDemand, &one)],
        pool(&m5, &od, &default, &labels),
        false,
        Some((vec![1], "Underutilized", None)),
    );
    // An m5.2xlarge ($0.384) running 1 vCPU beside a full node: replaced by the cheapest type
    // that holds its pods: t3.medium ($0.0416) from the catalog, m5.large from the m5 family.
    let nodes = [full_node(&full), node("m5.2xlarge", OnDemand, &two)];
    check(
        &nodes,
        pool(&catalog, &od, &default, &labels),
        false,
        Some((vec![1], "Underutilized", Some(("t3.medium", OnDemand)))),
    );
    check(
        &nodes,
        pool(&m5, &od, &default, &labels),
        false,
        Some((vec![1], "Underutilized", Some(("m5.large", OnDemand)))),
    );
    // Nothing cheaper holds them: no action.
    let busy = [res(1800, 1024), res(1800, 1024)];
    check(
        &[full_node(&full), node("m5.xlarge", OnDemand, &busy)],
        pool(&m5, &od, &default, &labels),
        false,
        None,
    );
    // WhenEmpty leaves underutilized nodes alone.
    let mut when_empty = pool(&m5, &od, &default, &labels);
    when_empty.consolidation_policy = ConsolidationPolicy::WhenEmpty;
    check(&nodes, when_empty, false, None);
    // consolidateAfter: Never, or not yet 2 minutes since the last pod change.
    let mut never = pool(&m5, &od, &default, &labels);
    never.consolidate_after = None;
    check(&[node("m5.large", OnDemand, &[])], never, false, None);
    let mut after = pool(&m5, &od, &default, &labels);
    after.consolidate_after = Some(SimDuration::from_secs(120));
    let d = run(secs(60), &[node("m5.large", OnDemand, &[])], after, false);
    assert_eq!((action(&d), d.recheck_at), (None, Some(secs(120))));
    assert_eq!(
        action(&run(secs(120), &[node("m5.large", OnDemand, &[])], after, false)),
        Some((vec![0], "Empty", None))
    );
}

#[test]
fn budgets_and_blockers_hold_voluntary_disruption() {
    let labels = Labels::new();
    let m5 = [it("m5.large"), it("m5.xlarge"), it("m5.2xlarge")];
    let od = [OnDemand];
    let zero = [NodeBudget {
        nodes: IntOrPercent::Int(0),
        reasons: vec![],
        active: true,
    }];
    let default = [NodeBudget::default_budget()];
    let full = [res(1900, 6000)];
    let two = [res(500, 1024), res(500, 1024)];
    // k8s-semantics W36: nodes "0" -> no voluntary disruption.
    check(
        &[node("m5.large", OnDemand, &[])],
        pool(&m5, &od, &zero, &labels),
        false,
        None,
    );
    let nodes = [full_node(&full), node("m5.2xlarge", OnDemand, &two)];
    check(&nodes, pool(&m5, &od, &zero, &labels), false, None);
    // A do-not-disrupt pod or a blocking PDB keeps the underutilized node.
    let mut blocked = nodes;
    blocked[1].do_not_disrupt = true;
    check(&blocked, pool(&m5, &od, &default, &labels), false, None);
    blocked[1].do_not_disrupt = false;
    blocked[1].pdb_blocked = true;
    check(&blocked, pool(&m5, &od, &default, &labels), false, None);
    // Ten empty nodes: the default 10 % deletes 1 at a time, 20 % deletes 2; one already
    // deleting uses one of the 2.
    let mut empties: Vec<ClusterNode<'_>> = (0..10).map(|_| node("m5.large", OnDemand, &[])).collect();
    check(
        &empties,
        pool(&m5, &od, &default, &labels),
        false,
        Some((vec![0], "Empty", None)),
    );
    let twenty = [NodeBudget {
        nodes: IntOrPercent::Percent(20),
        reasons: vec![],
        active: true,
    }];
    check(
        &empties,
        pool(&m5, &od, &twenty, &labels),
        false,
        Some((vec![0, 1], "Empty", None)),
    );
    empties[0].phase = NodePhase::Deleting;
    check(
        &empties,
        pool(&m5, &od, &twenty, &labels),
        false,
        Some((vec![1], "Empty", None)),
    );
    // A launching node counts as not Ready and is no candidate.
    empties[0].phase = NodePhase::Launching;
    check(
        &empties,
        pool(&m5, &od, &twenty, &labels),
        false,
        Some((vec![1], "Empty", None)),
    );
    // A node of a managed node group takes pods but is never a candidate.
    let one = [res(500, 1024)];
    let mut mixed = [node("m5.xlarge", OnDemand, &[]), node("m5.large", OnDemand, &one)];
    mixed[0].pool = None;
    check(
        &mixed,
        pool(&m5, &od, &default, &labels),
        false,
        Some((vec![1], "Underutilized", None)),
    );
}

#[test]
fn spot_nodes_are_replaced_by_spot_only_with_the_feature_gate() {
    let (labels, catalog): (Labels, Vec<_>) = (Labels::new(), all_instance_types().iter().collect());
    let m5 = [it("m5.large"), it("m5.xlarge"), it("m5.2xlarge")];
    let default = [NodeBudget::default_budget()];
    let both = [OnDemand, Spot];
    let full = [res(1900, 6000)];
    let two = [res(500, 1024), res(500, 1024)];
    let spot = [full_node(&full), node("m5.2xlarge", Spot, &two)];
    check(&spot, pool(&catalog, &both, &default, &labels), false, None);
    // SpotToSpotConsolidation on: the catalog has 15+ cheaper types that fit; m5 has 2.
    check(
        &spot,
        pool(&catalog, &both, &default, &labels),
        true,
        Some((vec![1], "Underutilized", Some(("t3.medium", Spot)))),
    );
    check(&spot, pool(&m5, &both, &default, &labels), true, None);
    // An on-demand node in a pool that allows Spot is replaced by Spot.
    let on_demand = [full_node(&full), node("m5.2xlarge", OnDemand, &two)];
    check(
        &on_demand,
        pool(&m5, &both, &default, &labels),
        false,
        Some((vec![1], "Underutilized", Some(("m5.large", Spot)))),
    );
    // A Spot node whose pods fit elsewhere is deleted without the gate.
    let one = [res(500, 1024)];
    let fits = [node("m5.xlarge", OnDemand, &two), node("m5.large", Spot, &one)];
    check(
        &fits,
        pool(&m5, &both, &default, &labels),
        false,
        Some((vec![1], "Underutilized", None)),
    );
}

#[test]
fn expired_nodes_drain_regardless_of_budgets() {
    let labels = Labels::new();
    let m5 = [it("m5.large")];
    let zero = [NodeBudget {
        nodes: IntOrPercent::Int(0),
        reasons: vec![],
        active: true,
    }];
    let mut p = pool(&m5, &[OnDemand], &zero, &labels);
    p.termination_grace_period = Some(SimDuration::from_secs(HOUR));
    let pods = [res(1000, 1024)];
    let mut nodes = [node("m5.large", OnDemand, &pods)];
    nodes[0].do_not_disrupt = true;
    // k8s-semantics W37: expireAfter 720h + terminationGracePeriod 1h: drain at 720 h, forced
    // by 721 h; W36: a budget of 0 does not stop expiry.
    let before = run(secs(720 * HOUR - 1), &nodes, p, false);
    assert_eq!(
        (before.expired.clone(), before.recheck_at),
        (vec![], Some(secs(720 * HOUR)))
    );
    let at = run(secs(720 * HOUR), &nodes, p, false);
    let expired = vec![ExpiredNode {
        node: 0,
        force_terminate_at: Some(secs(721 * HOUR)),
    }];
    assert_eq!((at.expired, at.action), (expired, DisruptionAction::None));
    p.expire_after = None;
    assert!(run(secs(10_000 * HOUR), &nodes, p, false).expired.is_empty());
}

#[test]
fn several_underutilized_nodes_go_together_for_one_cheaper_node() {
    let (labels, catalog): (Labels, Vec<_>) = (Labels::new(), all_instance_types().iter().collect());
    let od = [OnDemand];
    let all = [NodeBudget {
        nodes: IntOrPercent::Percent(100),
        reasons: vec![],
        active: true,
    }];
    let one = [res(500, 1024)];
    let nodes = [
        node("m5.xlarge", OnDemand, &one),
        node("m5.xlarge", OnDemand, &one),
        node("m5.xlarge", OnDemand, &one),
    ];
    // Multi-node: three m5.xlarge ($0.576) each running 500m -> one t3.medium holds the three
    // pods (1500m, 3072 MiB of 1930m / 3246 MiB).
    let replaced = Some((vec![0, 1, 2], "Underutilized", Some(("t3.medium", OnDemand))));
    check(&nodes, pool(&catalog, &od, &all, &labels), false, replaced);
    // The default budget (10 % of 3 = 1) allows one node: its pod moves to another node.
    let default = [NodeBudget::default_budget()];
    check(
        &nodes,
        pool(&catalog, &od, &default, &labels),
        false,
        Some((vec![0], "Underutilized", None)),
    );
    // A do-not-disrupt node drops out; the other two go (their pods fit on it).
    let mut kept = nodes;
    kept[0].do_not_disrupt = true;
    check(
        &kept,
        pool(&catalog, &od, &all, &labels),
        false,
        Some((vec![1, 2], "Underutilized", None)),
    );
}
