//! Cluster Autoscaler on managed node groups: every scan it grows a node group for pods the
//! scheduler could not place (binpacking estimate, expander), or removes nodes unneeded for
//! long enough; the Auto Scaling group launches to its new desired size after the API latency.

use super::EksEvent;
use super::nodes::NodeLaunch;
use super::policies;
use super::state::{NodeSource, NodeState};
use crate::engine::event::Event;
use crate::engine::world::World;
use crate::sim::SimDuration;
use crate::trace::{DesiredCause, EventDetail, EventKind, SinkError, TraceSink};

impl World<'_> {
    /// One Cluster Autoscaler scan: scale up if pods are unschedulable, otherwise scale down.
    pub(super) fn on_cluster_autoscaler_scan(&mut self, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let Some(settings) = self.spec.eks.cluster_autoscaler else {
            return Ok(());
        };
        let scale_up = policies::cluster_autoscaler_scale_up(self);
        if scale_up.is_empty() {
            let removals = policies::cluster_autoscaler_scale_down(self);
            for (node, reason) in removals {
                if let NodeSource::Group(g) = self.eks.nodes[node].source {
                    self.set_node_group_desired(g, self.eks.groups[g].desired.saturating_sub(1), &reason, sink)?;
                }
                self.begin_node_removal(node, &reason, sink)?;
                self.eks.ca_last_delete = Some(self.now);
            }
        } else {
            for (group, nodes, reason) in scale_up {
                let to = (self.eks.groups[group].desired + nodes).min(self.spec.eks.node_groups[group].max_size);
                self.set_node_group_desired(group, to, &reason, sink)?;
            }
            self.eks.ca_last_scale_up = Some(self.now);
        }
        let next = self.now + settings.scan_interval;
        if next < self.end {
            self.queue.push(next, Event::Eks(EksEvent::ClusterAutoscalerScan));
        }
        Ok(())
    }

    /// Cluster Autoscaler sets the Auto Scaling group's DesiredCapacity.
    fn set_node_group_desired(
        &mut self,
        group: usize,
        to: u32,
        reason: &str,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let from = self.eks.groups[group].desired;
        if from == to {
            return Ok(());
        }
        self.eks.groups[group].desired = to;
        let name = self.spec.eks.node_groups[group].name.clone();
        let message = format!("Cluster Autoscaler set node group {name}'s desired size {from} -> {to}: {reason}.");
        let detail = EventDetail::DesiredChange {
            from,
            to,
            cause: DesiredCause::ClusterAutoscaler,
            name: "cluster-autoscaler".into(),
        };
        self.log_detail(sink, EventKind::ScalingActivity, name, message, detail)?;
        if to > from && !self.eks.groups[group].launch_queued {
            self.eks.groups[group].launch_queued = true;
            let latency = self.spec.eks.timings.asg_api_latency;
            self.schedule_in(latency, Event::Eks(EksEvent::NodeGroupLaunch { group }));
        }
        Ok(())
    }

    /// The Auto Scaling group launches instances up to its desired capacity.
    pub(super) fn on_node_group_launch(&mut self, group: usize, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        self.eks.groups[group].launch_queued = false;
        if self.node_group_zones(group).is_empty() {
            // Every zone of the group is out: it launches again when one recovers.
            return Ok(());
        }
        let live = self
            .eks
            .nodes
            .values()
            .filter(|n| {
                n.source == NodeSource::Group(group) && matches!(n.state, NodeState::Launching | NodeState::Ready)
            })
            .count() as u32;
        for _ in live..self.eks.groups[group].desired {
            let launch = self.node_group_launch(group);
            self.launch_node(launch, false, sink)?;
        }
        Ok(())
    }

    /// The next instance of a node group: its first instance type, in the zone of the group
    /// with the fewest of its live nodes (the Auto Scaling group balances zones).
    pub(super) fn node_group_launch(&self, group: usize) -> NodeLaunch {
        let g = &self.spec.eks.node_groups[group];
        let zones = self.node_group_zones(group);
        let zone = zones
            .iter()
            .copied()
            .min_by_key(|z| {
                self.eks
                    .nodes
                    .values()
                    .filter(|n| n.source == NodeSource::Group(group) && n.zone == *z)
                    .count()
            })
            .unwrap_or(0);
        NodeLaunch {
            source: NodeSource::Group(group),
            instance_type: g.instance_types[0],
            zone,
            capacity_type: g.capacity_type,
        }
    }

    /// Cordons a node and evicts its pods (their ReplicaSets replace them elsewhere); the node
    /// is terminated once they are gone.
    pub(super) fn begin_node_removal(
        &mut self,
        node: usize,
        reason: &str,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let Some(n) = self.eks.nodes.get_mut(node) else {
            return Ok(());
        };
        n.state = NodeState::Deleting;
        let pods = self.eks.nodes[node].pods.clone();
        let mut longest = SimDuration::ZERO;
        for pod in pods {
            let p = &self.eks.pods[&pod];
            let template = &self.spec.eks.deployments[p.deployment].revisions[p.revision].template;
            longest = longest.max(policies::termination_time(template));
            self.delete_pod(pod);
        }
        let n = &self.eks.nodes[node];
        let message = format!("Draining node {} ({} pods): {reason}.", n.name, n.pods.len());
        let subject = self.node_source_name(n.source).to_string();
        self.log(sink, EventKind::Instance, subject, message)?;
        self.schedule_in(
            SimDuration::from_millis(longest.as_millis() + 1),
            Event::Eks(EksEvent::NodeDrained { node }),
        );
        Ok(())
    }

    /// A drained node's pods are gone: the instance is terminated.
    pub(super) fn on_node_drained(&mut self, node: usize, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        if self.eks.nodes.get(node).is_none_or(|n| n.state != NodeState::Deleting) {
            return Ok(());
        }
        self.terminate_node(node, "drained and removed", sink)
    }

    /// The zones a node group launches in now: its subnets' zones (all of the scenario's when it
    /// names none) less those failed or out.
    fn node_group_zones(&self, group: usize) -> Vec<usize> {
        let g = &self.spec.eks.node_groups[group];
        let named: Vec<usize> = g
            .zones
            .iter()
            .filter_map(|z| self.spec.availability_zones.iter().position(|a| a == z))
            .collect();
        let zones = if named.is_empty() {
            (0..self.spec.availability_zones.len()).collect()
        } else {
            named
        };
        zones
            .into_iter()
            .filter(|z| !self.capacity.impaired_zones[*z])
            .collect()
    }
}
