//! Invariants of the EKS cluster, checked after every event in tests (issue 20): every pod is
//! bound to at most one node and the node lists it; no node's requests exceed its allocatable
//! or its pods its max pods; ReplicaSets list exactly their active pods and count their Ready and
//! Running-not-Ready pods correctly; a worker Deployment's queue holds what its batches hold.

use super::state::PodPhase;
use crate::engine::world::World;
use crate::model::k8s::PodResources;

impl World<'_> {
    /// Panics with a description if the EKS cluster is inconsistent.
    pub(crate) fn check_eks_invariants(&self) {
        for d in &self.eks.deployments {
            if let Some(queue) = &d.queue {
                queue.check_invariants();
            }
        }
        for (index, node) in self.eks.nodes.iter() {
            let mut requested = PodResources::ZERO;
            for id in &node.pods {
                let pod = self
                    .eks
                    .pods
                    .get(*id)
                    .unwrap_or_else(|| panic!("node {} lists missing pod {id}", node.name));
                assert_eq!(
                    pod.node,
                    Some(index),
                    "pod {id} is listed on node {} but bound elsewhere",
                    node.name
                );
                requested = requested.plus(pod.requests);
            }
            assert_eq!(
                requested, node.requested,
                "node {}: requested resources drifted",
                node.name
            );
            assert!(
                node.allocatable.holds(node.requested),
                "node {}: requests {:?} exceed allocatable {:?}",
                node.name,
                node.requested,
                node.allocatable
            );
            assert!(
                node.pods.len() as u32 <= node.max_pods,
                "node {}: {} pods above max pods {}",
                node.name,
                node.pods.len(),
                node.max_pods
            );
        }
        let mut listed = 0;
        for (d, deployment) in self.eks.deployments.iter().enumerate() {
            for (revision, rs) in deployment.replica_sets.iter().enumerate() {
                let (mut ready, mut running_not_ready) = (0, 0);
                for id in &rs.pods {
                    let pod = &self.eks.pods[id];
                    if pod.is_ready() {
                        ready += 1;
                    } else if pod.phase == PodPhase::Running {
                        running_not_ready += 1;
                    }
                    assert!(
                        pod.deployment == d && pod.revision == revision,
                        "pod {id} listed under the wrong ReplicaSet"
                    );
                    assert!(
                        pod.phase != PodPhase::Terminating,
                        "ReplicaSet lists terminating pod {id}"
                    );
                }
                assert_eq!(
                    (rs.ready, rs.running_not_ready),
                    (ready, running_not_ready),
                    "Deployment {d} revision {revision}: Ready and Running-not-Ready counters drifted from a recount"
                );
                listed += rs.pods.len();
            }
        }
        let active = self.eks.pods.count_where(|p| p.phase != PodPhase::Terminating);
        assert_eq!(listed, active, "every active pod is listed by exactly one ReplicaSet");
        let pending: Vec<u64> = self.eks.pods.pending().map(|(id, _)| id).collect();
        let recount: Vec<u64> = self
            .eks
            .pods
            .iter_where(|p| p.phase == PodPhase::Pending)
            .map(|(id, _)| id)
            .collect();
        assert_eq!(pending, recount, "the Pending list drifted from the pods' phases");
        self.check_fault_invariants();
        for (id, pod) in self.eks.pods.iter() {
            if let Some(node) = pod.node {
                let n = &self.eks.nodes[node];
                assert!(
                    n.pods.contains(&id),
                    "pod {id} bound to {} which does not list it",
                    n.name
                );
            }
            assert!(
                !(pod.node.is_some() && pod.fargate.is_some()),
                "pod {id} is on both a node and Fargate"
            );
        }
    }
}
