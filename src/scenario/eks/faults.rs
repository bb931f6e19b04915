//! The EKS side of the timeline's faults: the `nodegroup`, `nodePool` and `nodeNames` keys of an
//! instance selector (`failInstances`, `drainInstances`), and `spotInterruption` on a managed
//! node group's or a Karpenter NodePool's Spot nodes.

use super::super::diag::{Diagnostics, closest};
use super::super::reader::{Obj, as_string, field_or_misspelt, object};
use super::super::yaml::{Node, Value};
use crate::spec::eks::{CapacityType, EksCapacity, EksSpotInterruptionSpec, NodeGroupSpec, NodePoolSpec};
use crate::spec::{Quantity, TimelineAction};

/// The EKS capacity a timeline entry may name.
#[derive(Clone, Copy)]
pub struct EksNodes<'a> {
    /// Managed node groups.
    pub node_groups: &'a [NodeGroupSpec],
    /// Karpenter NodePools.
    pub node_pools: &'a [NodePoolSpec],
}

impl EksNodes<'_> {
    /// Whether the cluster has any EC2 capacity.
    pub fn any(&self) -> bool {
        !self.node_groups.is_empty() || !self.node_pools.is_empty()
    }

    /// The instance types its node groups and NodePools launch.
    pub fn instance_types(&self) -> Vec<&'static str> {
        let groups = self.node_groups.iter().flat_map(|g| g.instance_types.iter());
        let pools = self.node_pools.iter().flat_map(|p| p.instance_types.iter());
        groups.chain(pools).map(|t| t.name).collect()
    }
}

/// The EKS keys of an instance selector.
#[derive(Debug, Default)]
pub struct NodeFilters {
    /// `nodegroup`, as an index.
    pub node_group: Option<usize>,
    /// `nodePool`, as an index.
    pub node_pool: Option<usize>,
    /// `nodeNames`.
    pub node_names: Vec<String>,
}

impl NodeFilters {
    /// Whether any EKS key was given.
    pub fn any(&self) -> bool {
        self.node_group.is_some() || self.node_pool.is_some() || !self.node_names.is_empty()
    }
}

/// Reads `nodegroup`, `nodePool` and `nodeNames` of selector `o`; `None` after an error.
pub fn read_node_filters(o: &mut Obj<'_>, nodes: EksNodes<'_>, d: &mut Diagnostics) -> Option<NodeFilters> {
    let mut ok = true;
    let mut filters = NodeFilters::default();
    if let Some(name) = o.string("nodegroup", d) {
        filters.node_group = node_group_named(o, &name, nodes, d);
        ok &= filters.node_group.is_some();
    }
    if let Some(name) = o.string("nodePool", d) {
        filters.node_pool = node_pool_named(o, &name, nodes, d);
        ok &= filters.node_pool.is_some();
    }
    for (p, n) in o.list("nodeNames", d) {
        match as_string(n, &p, d) {
            Some(name) if is_node_name(&name, nodes) => filters.node_names.push(name),
            Some(_) if d.failed_under("eks") => ok = false,
            Some(name) => {
                ok = false;
                let first = nodes.node_groups.first().map(|g| g.name.as_str());
                let first = first
                    .or(nodes.node_pools.first().map(|p| p.name.as_str()))
                    .unwrap_or("general");
                d.error(
                    n.loc,
                    &p,
                    format!("`{name}` is not a node name of the simulator"),
                    Some(format!(
                        "nodes are named after their node group or NodePool and numbered in launch order: \
                         {first}-1, {first}-2, ..."
                    )),
                );
            }
            None => ok = false,
        }
    }
    if filters.node_group.is_some() && filters.node_pool.is_some() {
        d.error(
            o.key_loc("nodePool"),
            &o.child("nodePool"),
            "a node is in a node group or in a NodePool, never both",
            Some("give `nodegroup` or `nodePool`".into()),
        );
        ok = false;
    }
    ok.then_some(filters)
}

/// Reports a selector that names both ECS container instances and EKS nodes.
pub fn check_one_world(o: &Obj<'_>, ecs_key: Option<&str>, filters: &NodeFilters, d: &mut Diagnostics) -> bool {
    let Some(ecs_key) = ecs_key.filter(|_| filters.any()) else {
        return true;
    };
    d.error(
        o.key_loc(ecs_key),
        &o.child(ecs_key),
        format!("`{ecs_key}` picks ECS container instances and `nodegroup`, `nodePool` or `nodeNames` EKS nodes"),
        Some("split the action into one event for the ECS instances and one for the EKS nodes".into()),
    );
    false
}

/// Reports `nodegroup` or `nodePool` beside `capacityProvider` in a `spotInterruption`.
pub fn check_no_eks_capacity(o: &mut Obj<'_>, d: &mut Diagnostics) {
    for eks_key in ["nodegroup", "nodePool"] {
        if o.field(eks_key).is_some() {
            d.error(
                o.key_loc(eks_key),
                &o.child(eks_key),
                format!("a burst names ECS capacity (`capacityProvider`) or EKS nodes (`{eks_key}`), not both"),
                Some("split it into two events".into()),
            );
        }
    }
}

/// Whether a `spotInterruption` names EKS capacity: `nodegroup` or `nodePool` (or a key close to
/// one, so that a misspelling gets its did-you-mean there) and no `capacityProvider`.
pub fn names_eks_capacity(node: &Node) -> bool {
    let ecs = matches!(&node.value, Value::Map(entries) if entries.iter().any(|(k, _)| k.name == "capacityProvider"));
    !ecs && (field_or_misspelt(node, "nodegroup").is_some() || field_or_misspelt(node, "nodePool").is_some())
}

/// `spotInterruption: {nodegroup | nodePool, count | fraction}`: Spot nodes get the two-minute
/// notice (a managed node group's Capacity Rebalancing acts on the recommendation before it).
pub fn read_eks_spot(
    node: &Node,
    path: &str,
    nodes: EksNodes<'_>,
    quantity: impl FnOnce(&mut Obj<'_>, &mut Diagnostics) -> Option<Option<Quantity>>,
    d: &mut Diagnostics,
) -> Option<TimelineAction> {
    let mut o = object(node, path, d)?;
    let group = o
        .string("nodegroup", d)
        .map(|name| (node_group_named(&o, &name, nodes, d), name));
    let pool = o
        .string("nodePool", d)
        .map(|name| (node_pool_named(&o, &name, nodes, d), name));
    for other in ["capacityProvider", "service"] {
        if o.field(other).is_some() {
            d.error(
                o.key_loc(other),
                &o.child(other),
                format!("`{other}` narrows an ECS burst; this one names EKS Spot nodes"),
                Some("give `nodegroup` or `nodePool` alone, or split the burst in two events".into()),
            );
        }
    }
    let quantity = quantity(&mut o, d);
    if matches!(quantity, Some(None)) {
        d.error(
            o.loc,
            path,
            "missing `count` or `fraction`: how many Spot nodes are interrupted",
            None,
        );
    }
    let capacity = match (group, pool) {
        (Some(_), Some(_)) => {
            d.error(
                o.key_loc("nodePool"),
                &o.child("nodePool"),
                "a burst hits one node group or one NodePool",
                Some("split it into two events".into()),
            );
            None
        }
        (Some((Some(g), name)), None) => check_spot_group(&o, g, &name, nodes, d),
        (None, Some((Some(p), name))) => check_spot_pool(&o, p, &name, nodes, d),
        _ => None,
    };
    o.finish(d);
    Some(TimelineAction::EksSpotInterruption(EksSpotInterruptionSpec {
        capacity: capacity?,
        quantity: quantity??,
    }))
}

fn check_spot_group(
    o: &Obj<'_>,
    g: usize,
    name: &str,
    nodes: EksNodes<'_>,
    d: &mut Diagnostics,
) -> Option<EksCapacity> {
    if nodes.node_groups[g].capacity_type == CapacityType::Spot {
        return Some(EksCapacity::NodeGroup(g));
    }
    if d.failed_under("eks") {
        // The group's own error says what is wrong; its capacity type may be what was meant.
        return None;
    }
    d.error(
        o.key_loc("nodegroup"),
        &o.child("nodegroup"),
        format!("node group `{name}` is ON_DEMAND: its nodes get no Spot interruption notice"),
        Some("give the node group capacityType: SPOT, or use failInstances".into()),
    );
    None
}

fn check_spot_pool(o: &Obj<'_>, p: usize, name: &str, nodes: EksNodes<'_>, d: &mut Diagnostics) -> Option<EksCapacity> {
    if nodes.node_pools[p].capacity_types.contains(&CapacityType::Spot) {
        return Some(EksCapacity::NodePool(p));
    }
    if d.failed_under("eks") {
        return None;
    }
    d.error(
        o.key_loc("nodePool"),
        &o.child("nodePool"),
        format!("NodePool `{name}` launches only on-demand nodes: they get no Spot interruption notice"),
        Some("allow `spot` in its karpenter.sh/capacity-type requirement, or use failInstances".into()),
    );
    None
}

fn node_group_named(o: &Obj<'_>, name: &str, nodes: EksNodes<'_>, d: &mut Diagnostics) -> Option<usize> {
    let found = nodes.node_groups.iter().position(|g| g.name == name);
    if found.is_none() && !d.failed_under("eks") {
        let names: Vec<&str> = nodes.node_groups.iter().map(|g| g.name.as_str()).collect();
        unknown(o, "nodegroup", "node group", name, &names, d);
    }
    found
}

fn node_pool_named(o: &Obj<'_>, name: &str, nodes: EksNodes<'_>, d: &mut Diagnostics) -> Option<usize> {
    let found = nodes.node_pools.iter().position(|p| p.name == name);
    if found.is_none() && !d.failed_under("eks") {
        let names: Vec<&str> = nodes.node_pools.iter().map(|p| p.name.as_str()).collect();
        unknown(o, "nodePool", "NodePool", name, &names, d);
    }
    found
}

fn unknown(o: &Obj<'_>, key: &str, what: &str, name: &str, candidates: &[&str], d: &mut Diagnostics) {
    let help = closest(name, candidates.iter().copied())
        .map(|c| format!("did you mean `{c}`?"))
        .or_else(|| (!candidates.is_empty()).then(|| format!("one of: {}", candidates.join(", "))))
        .or_else(|| Some(format!("the scenario's `eks:` block defines no {what}")));
    d.error(o.key_loc(key), &o.child(key), format!("no {what} named `{name}`"), help);
}

/// `<node group or NodePool name>-<number from 1>`.
fn is_node_name(name: &str, nodes: EksNodes<'_>) -> bool {
    let Some((source, number)) = name.rsplit_once('-') else {
        return false;
    };
    let numbered = !number.is_empty() && !number.starts_with('0') && number.bytes().all(|b| b.is_ascii_digit());
    let named = nodes.node_groups.iter().any(|g| g.name == source) || nodes.node_pools.iter().any(|p| p.name == source);
    numbered && named
}

#[cfg(test)]
mod tests {
    use super::super::settings::{read_controller_manager, read_karpenter_settings, read_timings};
    use super::*;
    use crate::scenario::yaml::parse;

    fn tree(yaml: &str) -> Node {
        parse(yaml, 0).expect("yaml")
    }

    #[track_caller]
    fn check_names_eks(yaml: &str, expected: bool) {
        assert_eq!(names_eks_capacity(&tree(yaml)), expected, "{yaml}");
    }

    #[test]
    fn a_burst_names_eks_capacity_by_its_keys_or_a_near_misspelling() {
        check_names_eks("{nodegroup: spot, count: 1}", true);
        check_names_eks("{nodePool: default, fraction: 0.5}", true);
        check_names_eks("{nodegrop: spot, count: 1}", true);
        check_names_eks("{capacityProvider: cp, nodegroup: spot, count: 1}", false);
        check_names_eks("{capacityProvider: FARGATE_SPOT, count: 1}", false);
        check_names_eks("{count: 1}", false);
    }

    #[test]
    fn node_names_are_a_group_or_pool_and_a_launch_number() {
        let mut d = Diagnostics::default();
        let zones = vec!["us-east-1a".to_string()];
        let groups = super::super::nodegroups::read_node_groups(
            &tree(
                "[{nodegroupName: general-purpose, instanceTypes: [m5.large], scalingConfig: {minSize: 0, maxSize: 2, desiredSize: 1}}]",
            ),
            &zones,
            &mut d,
        );
        assert!(d.errors.is_empty(), "{:?}", d.errors);
        let nodes = EksNodes {
            node_groups: &groups,
            node_pools: &[],
        };
        for (name, expected) in [
            ("general-purpose-1", true),
            ("general-purpose-12", true),
            ("general-purpose-0", false),
            ("general-purpose-01", false),
            ("general-purpose-", false),
            ("general-1", false),
            ("general-purpose", false),
        ] {
            assert_eq!(is_node_name(name, nodes), expected, "{name}");
        }
        assert_eq!(nodes.instance_types(), vec!["m5.large"]);
    }

    #[test]
    fn the_fault_settings_default_to_kubernetes_and_read_overrides() {
        let mut d = Diagnostics::default();
        let cm = read_controller_manager(&tree("{nodeMonitorGracePeriod: 40s}"), &mut d);
        assert_eq!(cm.node_monitor_grace_period.as_millis(), 40_000);
        assert_eq!(cm.node_monitor_period.as_millis(), 5_000);
        let t = read_timings(&tree("{orphanedPodGc: 20s}"), &mut d);
        assert_eq!(
            (t.orphaned_pod_gc.as_millis(), t.eviction_retry.as_millis()),
            (20_000, 5_000)
        );
        let k = read_karpenter_settings(
            &tree("{interruptionQueue: Karpenter-demo}"),
            "eks.karpenter.settings",
            &mut d,
        );
        assert!(k.interruption_queue);
        let k = read_karpenter_settings(&tree("{interruptionQueue: ''}"), "eks.karpenter.settings", &mut d);
        assert!(!k.interruption_queue);
        assert!(d.errors.is_empty(), "{:?}", d.errors);
        read_timings(&tree("{evictionRetry: 0s}"), &mut d);
        assert_eq!(d.errors.len(), 1);
        assert_eq!(d.errors[0].message, "evictions are retried at least 1s apart");
    }
}
