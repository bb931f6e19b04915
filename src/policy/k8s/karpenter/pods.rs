//! A pending pod as Karpenter's provisioner sees it: requests, tolerations and node
//! requirements, borrowed from its pod template.

use crate::model::k8s::{Labels, NodeSelectorTerm, PodResources, PodTemplate, Toleration};
use crate::sim::SimTime;

/// A provisionable (unschedulable) pod.
#[derive(Clone, Copy, Debug)]
pub struct ProvisionablePod<'a> {
    /// Effective requests (k8s-semantics 4.3).
    pub requests: PodResources,
    /// Creation time: the third sort key after CPU and memory.
    pub created: SimTime,
    /// `spec.tolerations`.
    pub tolerations: &'a [Toleration],
    /// `spec.nodeSelector`.
    pub node_selector: &'a Labels,
    /// Required node affinity terms (ORed; empty = none).
    pub required_node_terms: &'a [NodeSelectorTerm],
}

impl<'a> ProvisionablePod<'a> {
    /// A pod of `template` created at `created`.
    pub fn of(template: &'a PodTemplate, created: SimTime) -> ProvisionablePod<'a> {
        ProvisionablePod {
            requests: template.requests(),
            created,
            tolerations: &template.tolerations,
            node_selector: &template.node_selector,
            required_node_terms: &template.affinity.node_required,
        }
    }
}

/// Indices of `pods` in Karpenter's queue order: CPU request descending, then memory
/// descending, then creation time, then index (k8s-semantics 6.2 step 2).
pub fn queue_order(pods: &[ProvisionablePod<'_>]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..pods.len()).collect();
    order.sort_by(|&a, &b| {
        let (pa, pb) = (&pods[a], &pods[b]);
        pb.requests
            .cpu_milli
            .cmp(&pa.requests.cpu_milli)
            .then(pb.requests.memory_mib.cmp(&pa.requests.memory_mib))
            .then(pa.created.cmp(&pb.created))
            .then(a.cmp(&b))
    });
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(pods: &[(u64, u64, u64)], expected: &[usize]) {
        let empty = Labels::new();
        let pods: Vec<ProvisionablePod<'_>> = pods
            .iter()
            .map(|&(cpu_milli, memory_mib, created_ms)| ProvisionablePod {
                requests: PodResources { cpu_milli, memory_mib },
                created: SimTime(created_ms),
                tolerations: &[],
                node_selector: &empty,
                required_node_terms: &[],
            })
            .collect();
        assert_eq!(queue_order(&pods), expected);
    }

    #[test]
    fn pods_queue_by_cpu_then_memory_then_age() {
        check(&[(500, 512, 0), (1000, 256, 0), (500, 1024, 0)], &[1, 2, 0]);
        check(&[(500, 512, 20), (500, 512, 10), (500, 512, 10)], &[1, 2, 0]);
        check(&[], &[]);
        check(&[(0, 0, 0), (0, 1, 0)], &[1, 0]);
    }
}
