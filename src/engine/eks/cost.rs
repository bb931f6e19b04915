//! What each Deployment costs: a node's bill divided among the pods on it by their share of its
//! allocatable CPU, accrued exactly at every change of the node's pods; a Fargate pod's bill is
//! its Deployment's alone. What no pod requests is the cluster's unallocated cost.

use super::pods::fargate_cost;
use crate::engine::world::World;
use crate::sim::SimTime;

impl World<'_> {
    /// Divides node `node`'s bill since its last accrual among the pods on it now.
    pub(super) fn accrue_node_cost(&mut self, node: usize) {
        let now = self.now;
        let Some(n) = self.eks.nodes.get(node) else {
            return;
        };
        let from = n.cost_accrued_until.max(n.launched_at);
        if now <= from {
            self.eks.nodes[node].cost_accrued_until = now;
            return;
        }
        let usd = n.usd_per_hour * now.since(from).as_millis() as f64 / 3_600_000.0;
        let allocatable = n.allocatable.cpu_milli.max(1) as f64;
        for id in &n.pods {
            // Terminating pods hold their requests, and their share, until they are gone.
            let p = &self.eks.pods[id];
            let share = (p.requests.cpu_milli as f64 / allocatable).min(1.0);
            self.eks.deployment_cost_usd[p.deployment] += usd * share;
        }
        self.eks.nodes[node].cost_accrued_until = now;
    }

    /// Each Deployment's cost at the end of the run, USD.
    pub(crate) fn eks_deployment_costs(&mut self, end: SimTime) -> Vec<(String, f64)> {
        let now = self.now;
        self.now = end;
        for node in self.eks.nodes.indices().to_vec() {
            self.accrue_node_cost(node);
        }
        self.now = now;
        let mut costs = self.eks.deployment_cost_usd.clone();
        for (_, p) in self.eks.pods.iter_where(|p| p.fargate.is_some()) {
            costs[p.deployment] += fargate_cost(p, end);
        }
        for (d, done) in self.eks.fargate_cost_by_deployment.iter().enumerate() {
            costs[d] += done;
        }
        self.spec
            .eks
            .deployments
            .iter()
            .zip(costs)
            .map(|(d, c)| (d.name.clone(), c))
            .collect()
    }
}
