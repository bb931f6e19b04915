//! The `eks:` block (issue 20): an EKS cluster's node groups, Fargate profiles, Karpenter
//! NodePools, control-loop settings, and Kubernetes objects pasted as `kubectl get -o yaml` prints
//! them, read into a validated `spec::eks::EksSpec`.
//!
//! Field names are Kubernetes' and the EKS API's; known fields the simulator does not model
//! (`image`, `status`, `managedFields`, ...) are listed as ignored, whole subtrees as one entry.

mod containers;
mod deployment;
mod fargate;
pub mod faults;
mod hpa;
mod keda;
mod labels;
mod metric_bindings;
mod node_pools;
mod node_selectors;
mod nodegroups;
mod objects;
mod other_kinds;
mod pdb;
mod pod_template;
mod quantity;
mod rollout;
mod scheduling;
pub mod serving;
mod settings;
mod update;

pub use metric_bindings::{PendingBindings, bind_metrics};
pub use rollout::{ROLLOUT_ACTIONS, read_rollout};
pub use update::{DeploymentUpdate, read_update_deployment};

use super::diag::Diagnostics;
use super::reader::object;
use super::yaml::Node;
use crate::spec::eks::EksSpec;

/// Reads `eks`; `zones` are the run's Availability Zones. An absent block is an empty cluster.
/// The External metrics are bound to queues by [`bind_metrics`] once `load:` is read.
pub fn read_eks(node: Option<&Node>, zones: &[String], d: &mut Diagnostics) -> (EksSpec, PendingBindings) {
    let mut eks = EksSpec {
        cluster_name: "eks".into(),
        ..EksSpec::default()
    };
    let mut pending = PendingBindings::default();
    let Some(node) = node else { return (eks, pending) };
    pending.eks_loc = Some(node.loc);
    let Some(mut o) = object(node, "eks", d) else {
        return (eks, pending);
    };
    if let Some(name) = o.string("clusterName", d) {
        eks.cluster_name = name;
    }
    if let Some(n) = o.field("nodegroups") {
        eks.node_groups = nodegroups::read_node_groups(n, zones, d);
    }
    if let Some(n) = o.field("clusterAutoscaler") {
        eks.cluster_autoscaler = Some(settings::read_cluster_autoscaler(n, d));
    }
    if let Some(n) = o.field("fargateProfiles") {
        eks.fargate_profiles = fargate::read_fargate_profiles(n, zones, d);
    }
    if let Some(n) = o.field("karpenter") {
        read_karpenter(n, zones, &mut eks, d);
    }
    if let Some(n) = o.field("controllerManager") {
        eks.hpa_controller = settings::read_controller_manager(n, d);
    }
    if let Some(n) = o.field("metricsServer") {
        settings::read_metrics_server(n, &mut eks.hpa_controller, d);
    }
    if let Some(n) = o.field("scheduler") {
        eks.scheduler = settings::read_scheduler(n, d);
    }
    if let Some(n) = o.field("timings") {
        eks.timings = settings::read_timings(n, d);
    }
    if let Some(n) = o.field("externalMetrics") {
        pending.external = metric_bindings::read_external_metrics(n, d);
    }
    if let Some(n) = o.field("objects") {
        let read = objects::read_objects(n, d);
        eks.deployments = read.deployments;
        eks.hpas = read.hpas;
        eks.pdbs = read.pdbs;
        pending.hpa_places = read.hpa_places;
        pending.hpa_places.extend(read.scaled_object_places);
        for s in read.scaled_objects {
            let mut scaled_object = s.scaled_object;
            scaled_object.hpa = eks.hpas.len();
            eks.hpas.push(s.hpa);
            eks.scaled_objects.push(scaled_object);
            pending.scaled_objects.push((s.queue, s.cached));
        }
        node_selectors::check_node_selectors(n, &eks, d);
        node_selectors::check_pod_selectors(n, &eks, d);
    }
    o.finish(d);
    check_one_node_group_autoscaler(&eks, node, d);
    (eks, pending)
}

/// `karpenter`: `settings` and `nodePools`.
fn read_karpenter(node: &Node, zones: &[String], eks: &mut EksSpec, d: &mut Diagnostics) {
    let Some(mut o) = object(node, "eks.karpenter", d) else {
        return;
    };
    if let Some(n) = o.field("settings") {
        eks.karpenter = settings::read_karpenter_settings(n, "eks.karpenter.settings", d);
    }
    if let Some(n) = o.field("nodePools") {
        eks.node_pools = node_pools::read_node_pools(n, zones, d);
    }
    o.finish(d);
}

/// Names are shared by `load:`, `expect:` and the events: a node group and a NodePool (or a
/// Fargate profile) may not have the same one.
fn check_one_node_group_autoscaler(eks: &EksSpec, node: &Node, d: &mut Diagnostics) {
    let mut names: Vec<(&str, &str)> = Vec::new();
    names.extend(eks.node_groups.iter().map(|g| (g.name.as_str(), "node group")));
    names.extend(eks.node_pools.iter().map(|p| (p.name.as_str(), "NodePool")));
    names.extend(
        eks.fargate_profiles
            .iter()
            .map(|p| (p.name.as_str(), "Fargate profile")),
    );
    for (i, (name, what)) in names.iter().enumerate() {
        if let Some((_, other)) = names[..i].iter().find(|(n, w)| n == name && w != what) {
            d.error(
                node.loc,
                "eks",
                format!("`{name}` names both a {other} and a {what}"),
                Some("give each its own name: `expect:` lines and events refer to them by name".into()),
            );
        }
    }
}
