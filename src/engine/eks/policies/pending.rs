//! Which capacity a Pending pod waits for: the node groups and NodePools whose nodes it could
//! run on (its nodeSelector, required node affinity and tolerations against their labels and
//! taints; resources aside), for the `tasks_provisioning` column of their cluster.csv rows.

use super::cluster_autoscaler::group_template_labels;
use super::karpenter::pool_offers;
use crate::engine::world::World;
use crate::policy::k8s::karpenter::ProvisionablePod;
use crate::policy::k8s::scheduler::{matches_node_selector_and_affinity, untolerated_taint};

/// Unschedulable Pending pods each node group, and each NodePool, could take: a pod no group
/// or pool admits is in no row; one several admit is in each of theirs.
pub(in crate::engine::eks) fn pending_pods_by_capacity(world: &World<'_>) -> (Vec<u32>, Vec<u32>) {
    let eks = &world.spec.eks;
    let mut groups = vec![0; eks.node_groups.len()];
    let mut pools = vec![0; eks.node_pools.len()];
    let mut pending = world
        .eks
        .pods
        .pending()
        .map(|(_, p)| p)
        .filter(|p| p.fargate.is_none() && p.unschedulable.is_some())
        .peekable();
    if pending.peek().is_none() {
        return (groups, pools);
    }
    // A group's nodes carry the labels of Cluster Autoscaler's template node.
    let group_labels = group_template_labels(eks);
    let offers = pool_offers(world);
    for pod in pending {
        let template = &eks.deployments[pod.deployment].revisions[pod.revision].template;
        for (g, spec) in eks.node_groups.iter().enumerate() {
            if matches_node_selector_and_affinity(template, &group_labels[g])
                && untolerated_taint(&template.tolerations, &spec.taints).is_none()
            {
                groups[g] += 1;
            }
        }
        let provisionable = ProvisionablePod::of(template, pod.created);
        for (p, offer) in offers.iter().enumerate() {
            if offer.untolerated_taint(&template.tolerations).is_none()
                && offer
                    .offerings()
                    .any(|o| offer.admits(&provisionable, &o, &world.spec.availability_zones))
            {
                pools[p] += 1;
            }
        }
    }
    (groups, pools)
}
