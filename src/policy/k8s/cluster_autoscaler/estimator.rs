//! Cluster Autoscaler's binpacking estimator: how many new nodes of one node group the pending
//! pods need, first-fit decreasing on copies of the group's template node (k8s-semantics 5.2,
//! step 3; W32).

use crate::model::k8s::PodResources;
use crate::policy::k8s::nodes::NodeAllocatable;

/// A pod the scheduler could not place (`PodScheduled=False`, reason `Unschedulable`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PendingPod<'a> {
    /// The pod's effective requests.
    pub requests: PodResources,
    /// Which controller made it (a ReplicaSet): pods of one owner with the same requests are
    /// Cluster Autoscaler's equivalence group, estimated together.
    pub owner: usize,
    /// `hostPort`s of its containers: two pods with a common one never share a node.
    pub host_ports: &'a [u16],
    /// Its zonal topology spread constraint (`DoNotSchedule` on `topology.kubernetes.io/zone`),
    /// as an index into each group's `zone_spread_room`; `None` if it has none.
    pub zone_spread: Option<usize>,
}

/// What limits an estimate for one node group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EstimateLimits<'a> {
    /// New nodes the estimate may add: the group's room to `maxSize`, at most
    /// `max-nodes-per-scaleup`.
    pub max_new_nodes: u32,
    /// Per zonal spread constraint, how many more matching pods the group's zone may take before
    /// its skew passes `maxSkew` (the count in the emptiest eligible zone + maxSkew - the count in
    /// this zone). A constraint missing from the slice does not limit.
    pub zone_spread_room: &'a [u32],
}

/// The estimate for one node group.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Estimate {
    /// New nodes that received pods.
    pub nodes: u32,
    /// Indices (into the pending pods) of the pods the new nodes take, in the order placed.
    pub pods: Vec<usize>,
    /// The sum of their requests.
    pub requested: PodResources,
}

/// One simulated new node.
struct NewNode {
    free: PodResources,
    free_pods: u32,
    host_ports: Vec<u16>,
}

impl NewNode {
    fn takes(&self, pod: &PendingPod<'_>) -> bool {
        self.free_pods > 0
            && self.free.holds(pod.requests)
            && !pod.host_ports.iter().any(|p| self.host_ports.contains(p))
    }

    fn place(&mut self, pod: &PendingPod<'_>) {
        self.free = self.free.saturating_minus(pod.requests);
        self.free_pods -= 1;
        self.host_ports.extend_from_slice(pod.host_ports);
    }
}

/// Binpacks the pending pods for which `fits(pod)` holds (the scheduler's filters pass on an
/// empty template node) onto new nodes of `template`. Pods go in decreasing order of
/// `cpu / allocatable cpu + memory / allocatable memory`; each tries the new nodes so far, first
/// fit, then a new node if the limit allows. A pod that an empty node cannot take (too large,
/// or its zone's spread room used up) is left pending.
pub fn estimate(
    pods: &[PendingPod<'_>],
    template: &NodeAllocatable,
    limits: EstimateLimits<'_>,
    fits: impl Fn(usize) -> bool,
) -> Estimate {
    let order = decreasing_order(pods, template.resources, &fits);
    let mut spread_used = vec![0u32; limits.zone_spread_room.len()];
    let mut nodes: Vec<NewNode> = Vec::new();
    let mut out = Estimate::default();
    // Where the previous pod of the same equivalence group went: identical pods skip the nodes
    // it could not use, which keeps the estimate linear in pods.
    let mut resume: Option<(usize, PodResources, usize)> = None;
    for index in order {
        let pod = &pods[index];
        if let Some(spread) = pod.zone_spread {
            if let Some(&room) = limits.zone_spread_room.get(spread) {
                if spread_used[spread] >= room {
                    continue;
                }
            }
        }
        let start = match resume {
            Some((owner, requests, node)) if owner == pod.owner && requests == pod.requests => node,
            _ => 0,
        };
        let placed = match (start..nodes.len()).find(|&n| nodes[n].takes(pod)) {
            Some(node) => Some(node),
            None => add_node(&mut nodes, template, limits.max_new_nodes, pod),
        };
        let Some(node) = placed else { continue };
        nodes[node].place(pod);
        resume = Some((pod.owner, pod.requests, node));
        if let Some(spread) = pod.zone_spread.filter(|&s| s < spread_used.len()) {
            spread_used[spread] += 1;
        }
        out.pods.push(index);
        out.requested = out.requested.plus(pod.requests);
    }
    out.nodes = nodes.len() as u32;
    out
}

/// Adds a template node if the limit allows and an empty one takes the pod; its index.
fn add_node(nodes: &mut Vec<NewNode>, template: &NodeAllocatable, limit: u32, pod: &PendingPod<'_>) -> Option<usize> {
    let fresh = NewNode {
        free: template.resources,
        free_pods: template.pods,
        host_ports: Vec::new(),
    };
    if nodes.len() as u32 >= limit || !fresh.takes(pod) {
        return None;
    }
    nodes.push(fresh);
    Some(nodes.len() - 1)
}

/// The pods that fit, largest share of the template first; ties by owner, then pod index.
/// Shares are compared exactly: `a/A + b/B` against `c/A + d/B` is `a*B + b*A` against `c*B + d*A`.
fn decreasing_order(pods: &[PendingPod<'_>], template: PodResources, fits: &impl Fn(usize) -> bool) -> Vec<usize> {
    let share = |r: PodResources| {
        u128::from(r.cpu_milli) * u128::from(template.memory_mib)
            + u128::from(r.memory_mib) * u128::from(template.cpu_milli)
    };
    let mut order: Vec<usize> = (0..pods.len()).filter(|&i| fits(i)).collect();
    order.sort_by(|&a, &b| {
        share(pods[b].requests)
            .cmp(&share(pods[a].requests))
            .then(pods[a].owner.cmp(&pods[b].owner))
            .then(a.cmp(&b))
    });
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template(cpu_milli: u64, memory_mib: u64, pods: u32) -> NodeAllocatable {
        NodeAllocatable {
            resources: PodResources { cpu_milli, memory_mib },
            pods,
        }
    }

    fn pods(count: usize, cpu_milli: u64, memory_mib: u64, host_ports: &[u16]) -> Vec<PendingPod<'_>> {
        let pod = PendingPod {
            requests: PodResources { cpu_milli, memory_mib },
            owner: 0,
            host_ports,
            zone_spread: None,
        };
        vec![pod; count]
    }

    #[track_caller]
    fn check(pending: &[PendingPod<'_>], node: NodeAllocatable, limit: u32, room: &[u32], nodes: u32, placed: usize) {
        let limits = EstimateLimits {
            max_new_nodes: limit,
            zone_spread_room: room,
        };
        let got = estimate(pending, &node, limits, |_| true);
        assert_eq!((got.nodes, got.pods.len()), (nodes, placed), "{got:?}");
        let requested = got
            .pods
            .iter()
            .fold(PodResources::ZERO, |acc, &i| acc.plus(pending[i].requests));
        assert_eq!(got.requested, requested);
    }

    #[test]
    fn w32_binpacking_estimator() {
        // k8s-semantics W32, row by row. 10 pods x 350m on 1000m / 2000 MiB / 10 pods: 2 a node.
        check(&pods(10, 350, 100, &[]), template(1000, 2000, 10), 1000, &[], 5, 10);
        // 20 pods x 10m on 10000m / 20000 MiB / 10 pods: the pod count binds.
        check(&pods(20, 10, 10, &[]), template(10_000, 20_000, 10), 1000, &[], 2, 20);
        // 8 pods with hostPort 5555 (200m) on a 1000m template: one a node.
        check(&pods(8, 200, 100, &[5555]), template(1000, 2000, 10), 1000, &[], 8, 8);
        // 20 pods x 500m with a 5-node limit: 5 nodes, 10 pods.
        check(&pods(20, 500, 100, &[]), template(1000, 2000, 10), 5, &[], 5, 10);
        // maxSkew 2 zonal spread, an existing node in another zone with none of the pods: the
        // group's zone may take 2 (0 + 2 - 0).
        let mut spread = pods(4, 100, 100, &[]);
        for pod in &mut spread {
            pod.zone_spread = Some(0);
        }
        check(&spread, template(1000, 2000, 10), 1000, &[2], 1, 2);
    }

    #[test]
    fn limits_sizes_and_ordering() {
        let node = template(1000, 2000, 10);
        // Nothing pending, or no room to add: no nodes.
        check(&[], node, 1000, &[], 0, 0);
        check(&pods(3, 100, 100, &[]), node, 0, &[], 0, 0);
        // A pod larger than the template is left pending; the rest still pack.
        let mut mixed = pods(2, 600, 100, &[]);
        mixed.push(PendingPod {
            requests: PodResources {
                cpu_milli: 1001,
                memory_mib: 1,
            },
            owner: 1,
            host_ports: &[],
            zone_spread: None,
        });
        check(&mixed, node, 1000, &[], 2, 2);
        // Exactly the allocatable fits; a different host port shares the node.
        check(&pods(2, 500, 1000, &[]), node, 1000, &[], 1, 2);
        let mut ports = pods(1, 100, 100, &[80]);
        ports.extend(pods(1, 100, 100, &[443]));
        check(&ports, node, 1000, &[], 1, 2);
        // Zero room in the zone: nothing for that constraint; an unknown constraint does not limit.
        let mut spread = pods(2, 100, 100, &[]);
        spread[0].zone_spread = Some(0);
        spread[1].zone_spread = Some(5);
        check(&spread, node, 1000, &[0], 1, 1);
    }

    #[test]
    fn larger_pods_go_first_and_small_ones_fill_the_gaps() {
        // 3 x 300m then 3 x 700m by index; decreasing order puts each 700m on its own node and a
        // 300m beside each: 3 nodes, where index order would need 4.
        let mut pending = pods(3, 300, 100, &[]);
        for pod in pods(3, 700, 100, &[]) {
            pending.push(PendingPod { owner: 1, ..pod });
        }
        let limits = EstimateLimits {
            max_new_nodes: 1000,
            zone_spread_room: &[],
        };
        let got = estimate(&pending, &template(1000, 2000, 10), limits, |_| true);
        assert_eq!(got.nodes, 3);
        assert_eq!(got.pods, vec![3, 4, 5, 0, 1, 2]);
        // Pods the template does not fit (a selector, a taint) are not estimated at all.
        let got = estimate(&pending, &template(1000, 2000, 10), limits, |i| i < 3);
        assert_eq!((got.nodes, got.pods.len()), (1, 3));
    }

    #[test]
    fn two_thousand_pods_pack_in_one_linear_pass() {
        // The benchmark size on m5.large templates (1930m / 6903 MiB / 29 pods). 1000
        // pods of 500m / 256 MiB go first (the larger share): 3 a node, 334 nodes, 430m left on
        // the 333 full ones and 1430m on the last. The 1000 pods of 250m / 512 MiB then take one
        // on each full node and 5 on the last (338), and the other 662 need 95 nodes of 7.
        let mut pending = pods(1000, 250, 512, &[]);
        for pod in pods(1000, 500, 256, &[]) {
            pending.push(PendingPod { owner: 1, ..pod });
        }
        let limits = EstimateLimits {
            max_new_nodes: 1000,
            zone_spread_room: &[],
        };
        let got = estimate(&pending, &template(1930, 6903, 29), limits, |_| true);
        assert_eq!((got.nodes, got.pods.len()), (334 + 95, 2000));
        assert_eq!(
            got.requested,
            PodResources {
                cpu_milli: 750_000,
                memory_mib: 768_000
            }
        );
    }
}
