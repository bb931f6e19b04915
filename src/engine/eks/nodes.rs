//! Nodes: launched by a node group's Auto Scaling group or by Karpenter, Ready after the boot
//! time, drained and terminated by the autoscalers; billed per second with the EC2 minimum.

use rand::RngExt;

use super::EksEvent;
use super::policies;
use super::state::{Node, NodeSource, NodeState};
use crate::engine::event::Event;
use crate::engine::world::World;
use crate::model::catalog::InstanceType;
use crate::model::cost::{accrued_usd, minimum_charge_top_up_usd};
use crate::model::k8s::{Labels, PodResources};
use crate::sim::{SimDuration, SimTime};
use crate::spec::eks::CapacityType;
use crate::trace::{EventKind, SinkError, TraceSink};

/// What a new node is: where it comes from and what it runs on.
pub(super) struct NodeLaunch {
    pub source: NodeSource,
    pub instance_type: &'static InstanceType,
    pub zone: usize,
    pub capacity_type: CapacityType,
}

impl World<'_> {
    /// Launches a node: billing starts now, the node is Ready after the boot time.
    pub(super) fn launch_node(
        &mut self,
        launch: NodeLaunch,
        at_start: bool,
        sink: &mut dyn TraceSink,
    ) -> Result<usize, SinkError> {
        let eks = &self.spec.eks;
        let (name, mut labels, taints, capacity) = match launch.source {
            NodeSource::Group(g) => {
                let group = &eks.node_groups[g];
                self.eks.groups[g].launched += 1;
                let capacity = policies::node_capacity(
                    launch.instance_type,
                    group.prefix_delegation,
                    group.max_pods,
                    false,
                    eks.karpenter.vm_memory_overhead_percent,
                );
                let mut labels = group.labels.clone();
                labels.insert("eks.amazonaws.com/nodegroup".into(), group.name.clone());
                let capacity_type = match launch.capacity_type {
                    CapacityType::OnDemand => "ON_DEMAND",
                    CapacityType::Spot => "SPOT",
                };
                labels.insert("eks.amazonaws.com/capacityType".into(), capacity_type.into());
                let name = format!("{}-{}", group.name, self.eks.groups[g].launched);
                (name, labels, group.taints.clone(), capacity)
            }
            NodeSource::Pool(p) => {
                let pool = &eks.node_pools[p];
                self.eks.pool_launched[p] += 1;
                let overhead = eks.karpenter.vm_memory_overhead_percent;
                let capacity = policies::node_capacity(launch.instance_type, false, None, true, overhead);
                let mut labels = pool.labels.clone();
                labels.insert("karpenter.sh/nodepool".into(), pool.name.clone());
                let capacity_type = match launch.capacity_type {
                    CapacityType::OnDemand => "on-demand",
                    CapacityType::Spot => "spot",
                };
                labels.insert("karpenter.sh/capacity-type".into(), capacity_type.into());
                let name = format!("{}-{}", pool.name, self.eks.pool_launched[p]);
                (name, labels, pool.taints.clone(), capacity)
            }
        };
        well_known_labels(
            &mut labels,
            &name,
            launch.instance_type,
            &self.spec.availability_zones[launch.zone],
        );
        let discount = self.spec.behavior.cost.ec2_spot_discount_percent;
        let usd_per_hour = policies::node_price(launch.instance_type, launch.capacity_type, discount);
        let index = self.eks.nodes.push(Node {
            name,
            source: launch.source,
            instance_type: launch.instance_type,
            zone: launch.zone,
            capacity_type: launch.capacity_type,
            labels,
            taints,
            allocatable: capacity.allocatable,
            max_pods: capacity.max_pods,
            requested: PodResources::ZERO,
            nonzero_requested: PodResources::ZERO,
            pods: Vec::new(),
            cordoned: false,
            state: NodeState::Launching,
            launched_at: self.now,
            usd_per_hour,
            last_pod_change: self.now,
            unneeded_since: None,
            cost_accrued_until: self.now,
        });
        if at_start {
            self.eks.nodes[index].state = NodeState::Ready;
            return Ok(index);
        }
        let t = &self.spec.eks.timings;
        let boot = self.eks.rng_nodes.random_range(
            t.node_ready_min.as_millis()..=t.node_ready_max.as_millis().max(t.node_ready_min.as_millis()),
        );
        self.schedule_in(
            SimDuration::from_millis(boot),
            Event::Eks(EksEvent::NodeReady { node: index }),
        );
        let node = &self.eks.nodes[index];
        let message = format!(
            "Launched {} node {} ({}) in {}.",
            node.instance_type.name,
            node.name,
            capacity_type_name(node.capacity_type),
            self.spec.availability_zones[node.zone]
        );
        let subject = self.node_source_name(launch.source).to_string();
        self.log(sink, EventKind::Instance, subject, message)?;
        Ok(index)
    }

    /// The kubelet registered: the node is Ready and pending pods may be bound to it.
    pub(super) fn on_node_ready(&mut self, node: usize, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        if self.eks.nodes.get(node).is_none_or(|n| n.state != NodeState::Launching) {
            return Ok(());
        }
        self.eks.nodes[node].state = NodeState::Ready;
        let n = &self.eks.nodes[node];
        let message = format!(
            "Node {} is Ready ({} m CPU, {} MiB, {} pods allocatable) after {:.0} s.",
            n.name,
            n.allocatable.cpu_milli,
            n.allocatable.memory_mib,
            n.max_pods,
            self.now.since(n.launched_at).as_secs_f64()
        );
        let subject = self.node_source_name(n.source).to_string();
        self.log(sink, EventKind::Instance, subject, message)?;
        self.request_schedule();
        self.retire_at_risk_node(node, sink)
    }

    /// Terminates a node: its pods are gone with it (a drained node has none left). Its bill
    /// is final: it joins its group's or pool's total and the node leaves the table.
    pub(super) fn terminate_node(
        &mut self,
        node: usize,
        reason: &str,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let Some(pods) = self.end_node(node) else {
            return Ok(());
        };
        for pod in pods {
            self.pod_lost(pod, sink)?;
        }
        let n = self.retire_node(node);
        let message = format!("Terminated node {}: {reason}", n.name);
        let subject = self.node_source_name(n.source).to_string();
        self.log(sink, EventKind::Instance, subject, message)
    }

    /// The first step of a node's end (`None` if it is gone already): it leaves Capacity
    /// Rebalancing and any drain, its pods' cost shares are accrued until now, and it hands
    /// over the pods it listed.
    pub(super) fn end_node(&mut self, node: usize) -> Option<Vec<u64>> {
        self.eks.nodes.get(node)?;
        self.leave_rebalancing(node);
        self.eks.faults.drains.remove(&node);
        self.accrue_node_cost(node);
        Some(std::mem::take(&mut self.eks.nodes[node].pods))
    }

    /// Takes a node whose instance is gone out of the table; its bill, final now, joins its
    /// group's or pool's total.
    pub(super) fn retire_node(&mut self, node: usize) -> Node {
        let n = self.eks.nodes.remove(node).expect("a live node");
        let bill = terminated_node_cost_usd(&n, self.now);
        *self.retired_cost_usd(n.source) += bill;
        n
    }

    /// The running total of the terminated nodes of `source`, USD.
    fn retired_cost_usd(&mut self, source: NodeSource) -> &mut f64 {
        match source {
            NodeSource::Group(g) => &mut self.eks.group_retired_cost_usd[g],
            NodeSource::Pool(p) => &mut self.eks.pool_retired_cost_usd[p],
        }
    }

    /// The node group's, NodePool's name.
    pub(super) fn node_source_name(&self, source: NodeSource) -> &str {
        match source {
            NodeSource::Group(g) => &self.spec.eks.node_groups[g].name,
            NodeSource::Pool(p) => &self.spec.eks.node_pools[p].name,
        }
    }

    /// Cost so far of the nodes of `source`, USD: the terminated ones' final bills, then the
    /// live ones accrued per second until `now`.
    pub(super) fn node_cost_usd(&self, source: NodeSource, now: SimTime) -> f64 {
        let retired = match source {
            NodeSource::Group(g) => self.eks.group_retired_cost_usd[g],
            NodeSource::Pool(p) => self.eks.pool_retired_cost_usd[p],
        };
        let live: f64 = self
            .eks
            .nodes
            .values()
            .filter(|n| n.source == source)
            .map(|n| accrued_usd(n.usd_per_hour, n.launched_at.0, now.0))
            .sum();
        retired + live
    }
}

/// A terminated node's bill: per second from launch to `terminated`, with the one-minute minimum.
fn terminated_node_cost_usd(n: &Node, terminated: SimTime) -> f64 {
    let ran = terminated.since(n.launched_at).as_millis();
    accrued_usd(n.usd_per_hour, n.launched_at.0, terminated.0) + minimum_charge_top_up_usd(n.usd_per_hour, ran)
}

/// The labels every EKS node carries.
fn well_known_labels(labels: &mut Labels, name: &str, it: &InstanceType, zone: &str) {
    labels.insert("kubernetes.io/hostname".into(), name.into());
    labels.insert("kubernetes.io/os".into(), "linux".into());
    labels.insert(
        "kubernetes.io/arch".into(),
        it.architecture.as_str().replace("x86_64", "amd64"),
    );
    labels.insert("node.kubernetes.io/instance-type".into(), it.name.into());
    labels.insert("topology.kubernetes.io/zone".into(), zone.into());
}

/// `ON_DEMAND` / `SPOT` as events.csv says it.
pub(super) fn capacity_type_name(c: CapacityType) -> &'static str {
    match c {
        CapacityType::OnDemand => "On-Demand",
        CapacityType::Spot => "Spot",
    }
}
