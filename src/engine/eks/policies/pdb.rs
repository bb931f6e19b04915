//! PodDisruptionBudgets: how many more of a Deployment's pods an eviction may take now.

use crate::engine::world::World;
use crate::policy::k8s::disruption_budget::{BudgetCounts, budget_status};

/// Per Deployment: the smallest `disruptionsAllowed` of the PDBs that select its pods, or `None`
/// when no PDB does (k8s-semantics 3.3).
pub(in crate::engine::eks) fn disruptions_allowed(world: &World<'_>) -> Vec<Option<u32>> {
    let eks = &world.spec.eks;
    eks.deployments
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let template = &d.revisions[world.eks.deployments[i].revision].template;
            eks.pdbs
                .iter()
                .filter(|pdb| pdb.namespace == d.namespace && pdb.selector.matches(&template.labels))
                .map(|pdb| {
                    // The ReplicaSets list their active pods and count the Ready ones.
                    let state = &world.eks.deployments[i];
                    let counts = BudgetCounts {
                        expected_scale: state.replicas,
                        matching_pods: state.replica_sets.iter().map(|rs| rs.pods.len() as u32).sum(),
                        healthy: state.replica_sets.iter().map(|rs| rs.ready).sum(),
                    };
                    budget_status(&pdb.budget, &counts).disruptions_allowed
                })
                .min()
        })
        .collect()
}
