//! The nodes that are not terminated, by index. A node's index is issued once, in launch order,
//! and never reused, so events and pods keep naming nodes by index; a terminated node leaves
//! the table (its bill is folded into its node group's or NodePool's total first), so memory
//! and every walk over the nodes follow the live nodes, not every node a month launched.

use std::ops::{Index, IndexMut};

use super::state::Node;
use crate::sim::IdMap;

/// Live nodes (Launching, Ready, Deleting), looked up by index and walked in index order.
///
/// The nodes sit side by side in index order, so a walk reads them in a row; `position` finds
/// one by index without a search. A termination shifts the later nodes down one place (a few
/// hundred moves, a few thousand times a month) and updates their positions.
#[derive(Default)]
pub(crate) struct NodeTable {
    /// The live nodes, in index order.
    nodes: Vec<Node>,
    /// Their indices, ascending.
    indices: Vec<usize>,
    /// Index -> position in `nodes`.
    position: IdMap<u32>,
    /// Nodes ever launched: the next node's index.
    launched: usize,
}

impl NodeTable {
    /// Adds a newly launched node; returns its index.
    pub fn push(&mut self, node: Node) -> usize {
        let index = self.launched;
        self.launched += 1;
        let at = u32::try_from(self.nodes.len()).expect("fewer than 2^32 live nodes");
        self.position.insert(index as u64, at);
        self.nodes.push(node);
        self.indices.push(index);
        index
    }

    /// The node, if it is not terminated.
    pub fn get(&self, index: usize) -> Option<&Node> {
        let at = *self.position.get(index as u64)?;
        Some(&self.nodes[at as usize])
    }

    /// The node, mutably, if it is not terminated.
    pub fn get_mut(&mut self, index: usize) -> Option<&mut Node> {
        let at = *self.position.get(index as u64)?;
        Some(&mut self.nodes[at as usize])
    }

    /// Forgets a terminated node.
    pub fn remove(&mut self, index: usize) -> Option<Node> {
        let at = self.position.remove(index as u64)? as usize;
        self.indices.remove(at);
        let node = self.nodes.remove(at);
        for (k, moved) in self.indices.iter().enumerate().skip(at) {
            self.position.insert(*moved as u64, k as u32);
        }
        Some(node)
    }

    /// The live nodes' indices, ascending.
    pub fn indices(&self) -> &[usize] {
        &self.indices
    }

    /// Indices and live nodes, in index order.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &Node)> {
        self.indices.iter().copied().zip(&self.nodes)
    }

    /// The live nodes, in index order.
    pub fn values(&self) -> impl Iterator<Item = &Node> {
        self.nodes.iter()
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
            cordoned: false,
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
        // Look-ups by index follow the nodes that moved down when earlier ones left.
        for (i, name) in [(0, "n0"), (2, "n2"), (4, "n4"), (5, "n5")] {
            assert_eq!(table.get(i).map(|n| n.name.as_str()), Some(name));
        }
        table[2].state = NodeState::Deleting;
        assert_eq!(table.get(2).map(|n| n.state), Some(NodeState::Deleting));
        assert_eq!(table.values().count(), 4);
    }
}
