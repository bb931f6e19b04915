//! A pod no node can take: Kubernetes' `PodScheduled=False, reason Unschedulable` message and
//! the per-reason node counts behind it (k8s-semantics 4.1 step 6).

use std::collections::BTreeMap;

use super::filters::Rejection;

/// One reason and how many nodes gave it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReasonCount {
    /// The filter's reason, as Kubernetes writes it (`Insufficient cpu`).
    pub reason: String,
    /// Nodes that gave it.
    pub nodes: u32,
}

/// Why the pod stays Pending.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unschedulable {
    /// Nodes in the cluster (the N of "0/N nodes are available").
    pub node_count: usize,
    /// The reasons, in the order of the message (Kubernetes sorts the "count reason" strings).
    pub reasons: Vec<ReasonCount>,
}

impl Unschedulable {
    /// Tallies the filters' rejections of every node.
    pub fn from_rejections(node_count: usize, rejections: &[Rejection<'_>]) -> Unschedulable {
        let mut tally: BTreeMap<String, u32> = BTreeMap::new();
        for reason in rejections.iter().flat_map(Rejection::reasons) {
            *tally.entry(reason).or_insert(0) += 1;
        }
        let mut reasons: Vec<ReasonCount> = tally
            .into_iter()
            .map(|(reason, nodes)| ReasonCount { reason, nodes })
            .collect();
        reasons.sort_by_cached_key(|r| format!("{} {}", r.nodes, r.reason));
        Unschedulable { node_count, reasons }
    }

    /// The pod's condition message: "0/3 nodes are available: 1 node(s) had untolerated taint
    /// {dedicated: gpu}, 2 Insufficient cpu." (preemption is not modelled, so no "preemption:"
    /// tail), or "no nodes available to schedule pods" for an empty cluster.
    pub fn message(&self) -> String {
        if self.node_count == 0 {
            return "no nodes available to schedule pods".to_string();
        }
        let reasons: Vec<String> = self
            .reasons
            .iter()
            .map(|r| format!("{} {}", r.nodes, r.reason))
            .collect();
        if reasons.is_empty() {
            format!("0/{} nodes are available.", self.node_count)
        } else {
            format!("0/{} nodes are available: {}.", self.node_count, reasons.join(", "))
        }
    }

    /// Nodes that gave `reason`, 0 if none did.
    pub fn nodes_with(&self, reason: &str) -> u32 {
        self.reasons.iter().find(|r| r.reason == reason).map_or(0, |r| r.nodes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::k8s::{Taint, TaintEffect};

    #[test]
    fn reasons_are_counted_per_node_and_sorted_as_kubernetes_sorts_them() {
        let gpu = Taint {
            key: "dedicated".into(),
            value: "gpu".into(),
            effect: TaintEffect::NoSchedule,
        };
        let cpu = Rejection::Insufficient(super::super::Insufficient {
            cpu: true,
            ..Default::default()
        });
        let both = Rejection::Insufficient(super::super::Insufficient {
            cpu: true,
            memory: true,
            ..Default::default()
        });
        let mut rejections = vec![cpu, both, Rejection::UntoleratedTaint(&gpu)];
        let u = Unschedulable::from_rejections(3, &rejections);
        assert_eq!(
            u.message(),
            "0/3 nodes are available: 1 Insufficient memory, 1 node(s) had untolerated taint {dedicated: gpu}, \
             2 Insufficient cpu."
        );
        assert_eq!(
            (u.nodes_with("Insufficient cpu"), u.nodes_with("Too many pods")),
            (2, 0)
        );
        // String order, as Go's sort.Strings: "10 ..." sorts before "2 ...".
        rejections = vec![Rejection::NodeAffinity; 10];
        rejections.extend([Rejection::Unschedulable; 2]);
        assert_eq!(
            Unschedulable::from_rejections(12, &rejections).message(),
            "0/12 nodes are available: 10 node(s) didn't match Pod's node affinity/selector, \
             2 node(s) were unschedulable."
        );
        assert_eq!(
            Unschedulable::from_rejections(0, &[]).message(),
            "no nodes available to schedule pods"
        );
    }
}
