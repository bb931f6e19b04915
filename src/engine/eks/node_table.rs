//! The nodes that are not terminated, by index. A node's index is issued once, in launch order,
//! and never reused, so events and pods keep naming nodes by index; a terminated node leaves
//! the table (its bill is folded into its node group's or NodePool's total first), so memory
//! and every walk over the nodes follow the live nodes, not every node a month launched.

use std::ops::{Index, IndexMut};

use super::state::Node;
use crate::sim::IdMap;

/// Live nodes (Launching, Ready, Deleting), looked up by index and walked in index order.
#[derive(Default)]
pub(crate) struct NodeTable {
    /// The live nodes by index.
    by_index: IdMap<Node>,
    /// Their indices, ascending (launch order).
    live: Vec<usize>,
    /// Nodes ever launched: the next node's index.
    launched: usize,
}

impl NodeTable {
    /// Adds a newly launched node; returns its index.
    pub fn push(&mut self, node: Node) -> usize {
        let index = self.launched;
        self.launched += 1;
        self.by_index.insert(index as u64, node);
        self.live.push(index);
        index
    }

    /// The node, if it is not terminated.
    pub fn get(&self, index: usize) -> Option<&Node> {
        self.by_index.get(index as u64)
    }

    /// The node, mutably, if it is not terminated.
    pub fn get_mut(&mut self, index: usize) -> Option<&mut Node> {
        self.by_index.get_mut(index as u64)
    }

    /// Forgets a terminated node.
    pub fn remove(&mut self, index: usize) -> Option<Node> {
        let node = self.by_index.remove(index as u64)?;
        let at = self.live.binary_search(&index).expect("a live node is listed");
        self.live.remove(at);
        Some(node)
    }

    /// The live nodes' indices, ascending.
    pub fn indices(&self) -> &[usize] {
        &self.live
    }

    /// Indices and live nodes, in index order.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &Node)> {
        self.live.iter().map(|&i| (i, &self[i]))
    }

    /// The live nodes, in index order.
    pub fn values(&self) -> impl Iterator<Item = &Node> {
        self.iter().map(|(_, n)| n)
    }
}

impl Index<usize> for NodeTable {
    type Output = Node;

    fn index(&self, index: usize) -> &Node {
        self.get(index).expect("node is not terminated")
    }
}

impl IndexMut<usize> for NodeTable {
    fn index_mut(&mut self, index: usize) -> &mut Node {
        self.get_mut(index).expect("node is not terminated")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::eks::state::{NodeSource, NodeState};
    use crate::model::catalog::instance_type;
    use crate::model::k8s::{Labels, PodResources};
    use crate::sim::SimTime;
    use crate::spec::eks::CapacityType;

    fn node(name: &str) -> Node {
        Node {
            name: name.into(),
            source: NodeSource::Group(0),
            instance_type: instance_type("m5.xlarge").expect("in the catalog"),
            zone: 0,
            capacity_type: CapacityType::OnDemand,
            labels: Labels::new(),
            taints: Vec::new(),
            allocatable: PodResources::ZERO,
            max_pods: 58,
            requested: PodResources::ZERO,
            nonzero_requested: PodResources::ZERO,
            pods: Vec::new(),
            state: NodeState::Ready,
            launched_at: SimTime::ZERO,
            usd_per_hour: 0.192,
            last_pod_change: SimTime::ZERO,
            unneeded_since: None,
            cost_accrued_until: SimTime::ZERO,
        }
    }

    fn names(table: &NodeTable) -> Vec<(usize, String)> {
        table.iter().map(|(i, n)| (i, n.name.clone())).collect()
    }

    #[test]
    fn indices_are_never_reused_and_walks_skip_terminated_nodes() {
        let mut table = NodeTable::default();
        for k in 0..5 {
            assert_eq!(table.push(node(&format!("n{k}"))), k);
        }
        assert_eq!(table.remove(1).map(|n| n.name), Some("n1".into()));
        assert_eq!(table.remove(3).map(|n| n.name), Some("n3".into()));
        assert!(table.remove(3).is_none() && table.get(1).is_none());
        // A node launched after removals gets a fresh index, after every earlier one.
        assert_eq!(table.push(node("n5")), 5);
        assert_eq!(table.indices(), &[0, 2, 4, 5]);
        let expected: Vec<(usize, String)> = [(0, "n0"), (2, "n2"), (4, "n4"), (5, "n5")]
            .iter()
            .map(|(i, n)| (*i, (*n).to_string()))
            .collect();
        assert_eq!(names(&table), expected);
        table[2].state = NodeState::Deleting;
        assert_eq!(table.get(2).map(|n| n.state), Some(NodeState::Deleting));
        assert_eq!(table.values().count(), 4);
    }
}
