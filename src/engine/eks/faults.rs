//! Faults on EKS nodes (timeline `failInstances`, `azOutage`, and the end of a Spot notice): the
//! EC2 instance is gone without a drain. Its pods stop at once but stay bound in the API (the
//! kubelet can no longer report); the node goes NotReady after `nodeMonitorGracePeriod`, the
//! cloud node lifecycle controller deletes the Node within `nodeMonitorPeriod` because EC2 says
//! the instance no longer exists, and the pod garbage collector deletes the orphaned pods
//! `orphanedPodGc` later, so their ReplicaSets replace them (k8s-semantics 3.4, and A25 of
//! docs/aws-behaviour.md). A node group's Auto Scaling group replaces a lost
//! instance; a NodePool's pods wait for Karpenter like any pending pod.

use std::collections::BTreeMap;

use rand_chacha::ChaCha8Rng;

use super::EksEvent;
use super::state::{Node, NodeSource, PodPhase};
use crate::engine::event::Event;
use crate::engine::world::World;
use crate::model::k8s::PodResources;
use crate::sim::{RngStreams, SimDuration};
use crate::spec::InstanceSelector;
use crate::trace::{EventDetail, EventKind, FaultCause, SinkError, TraceSink};

/// What faults have done to the EKS cluster.
pub(crate) struct EksFaults {
    /// Pods whose instance is gone, per lost node, until the pod garbage collector deletes them.
    pub orphans: BTreeMap<usize, Vec<u64>>,
    /// Lost nodes out of the node table whose Node object the API still holds, until the pod
    /// garbage collector has deleted their pods.
    pub lost: BTreeMap<usize, Node>,
    /// Nodes being drained through the Eviction API, and whether each is terminated once empty.
    pub drains: BTreeMap<usize, bool>,
    /// Spot nodes that have had their two-minute interruption notice.
    pub noticed: Vec<usize>,
    /// Nodes a rebalance recommendation picked, by timeline index of its burst.
    pub recommended: BTreeMap<usize, Vec<usize>>,
    /// At-risk nodes of managed node groups whose replacement raised the group's desired size,
    /// oldest first: they leave when a node of their group turns Ready.
    pub at_risk: Vec<usize>,
    /// Which Spot nodes a `spotInterruption` burst picks.
    pub burst_rng: ChaCha8Rng,
}

impl EksFaults {
    /// No faults yet.
    pub fn new(streams: &RngStreams) -> Self {
        EksFaults {
            orphans: BTreeMap::new(),
            lost: BTreeMap::new(),
            drains: BTreeMap::new(),
            noticed: Vec::new(),
            recommended: BTreeMap::new(),
            at_risk: Vec::new(),
            burst_rng: streams.stream("eks/spot-interruption-bursts"),
        }
    }
}

impl World<'_> {
    /// `failInstances` on EKS nodes: EC2 terminates the selected nodes' instances without notice.
    pub(crate) fn eks_fail_nodes(
        &mut self,
        selector: &InstanceSelector,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let victims = self.select_nodes(selector);
        let message = format!(
            "failInstances on EKS nodes: {} node(s) terminated without notice{}.",
            victims.len(),
            self.node_list(&victims)
        );
        let detail = EventDetail::Fault {
            cause: FaultCause::InstanceFailure,
            name: self.spec.eks.cluster_name.clone(),
        };
        self.log_detail(sink, EventKind::Fault, "eks", message, detail)?;
        for node in victims {
            self.lose_instance(node, "instance failure injected by the scenario", sink)?;
        }
        Ok(())
    }

    /// `azOutage` on EKS nodes: the zone's nodes are gone; node groups launch in their other
    /// zones and Karpenter offers none in it until it recovers.
    pub(crate) fn eks_zone_outage(
        &mut self,
        az: usize,
        duration: SimDuration,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let victims = self.select_nodes(&InstanceSelector::zone(az));
        let zone = self.spec.availability_zones[az].clone();
        let message = format!(
            "Availability Zone {zone} outage: {} EKS node(s) terminated{}; no node launches there for {duration}.",
            victims.len(),
            self.node_list(&victims)
        );
        let detail = EventDetail::Fault {
            cause: FaultCause::ZoneOutage,
            name: zone.clone(),
        };
        self.log_detail(sink, EventKind::Fault, "eks", message, detail)?;
        for node in victims {
            self.lose_instance(node, &format!("Availability Zone {zone} outage"), sink)?;
        }
        self.refresh_pool_zones();
        // After the ECS side's own recovery event, which clears the zone's impairment first.
        self.schedule_in(duration, Event::Eks(EksEvent::ZoneRecovered { zone: az }));
        Ok(())
    }

    /// A zone failed for good (`failInstances: {availabilityZone}`): Karpenter stops offering it.
    pub(crate) fn eks_zone_failed(&mut self) {
        self.refresh_pool_zones();
    }

    /// An outage ended: NodePools offer the zone again and node groups below their desired size
    /// launch.
    pub(super) fn on_eks_zone_recovered(&mut self) {
        self.refresh_pool_zones();
        for group in 0..self.eks.groups.len() {
            self.queue_node_group_launch(group);
        }
    }

    /// Each NodePool's zones, less the impaired ones.
    fn refresh_pool_zones(&mut self) {
        for p in 0..self.spec.eks.node_pools.len() {
            let zones = super::state::pool_zones(self.spec, p);
            self.eks.pool_zones[p] = zones
                .into_iter()
                .filter(|z| !self.capacity.impaired_zones[*z])
                .collect();
        }
    }

    /// The Auto Scaling group launches up to its desired size after its API latency.
    pub(super) fn queue_node_group_launch(&mut self, group: usize) {
        if !self.eks.groups[group].launch_queued {
            self.eks.groups[group].launch_queued = true;
            let latency = self.spec.eks.timings.asg_api_latency;
            self.schedule_in(latency, Event::Eks(EksEvent::NodeGroupLaunch { group }));
        }
    }

    /// The node's EC2 instance is gone: billing stops, terminating pods are gone, the others are
    /// orphaned (not Ready, still counted by their ReplicaSets) until the pod garbage collector
    /// deletes them; its node group, if any, replaces it.
    pub(super) fn lose_instance(
        &mut self,
        node: usize,
        reason: &str,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let Some(pods) = self.end_node(node) else {
            return Ok(());
        };
        let mut orphans = Vec::new();
        for pod in pods {
            if self.eks.pods[&pod].phase == PodPhase::Terminating {
                self.pod_lost(pod, sink)?;
            } else {
                self.orphan_pod(pod);
                orphans.push(pod);
            }
        }
        // The instance is gone: its bill is final and it leaves the node table; its Node object
        // stays in the API (kept here for the lifecycle events and its pods' rows) until the
        // pod garbage collector has deleted its pods.
        let mut n = self.retire_node(node);
        n.requested = PodResources::ZERO;
        n.nonzero_requested = PodResources::ZERO;
        let grace = self.spec.eks.hpa_controller.node_monitor_grace_period;
        let pods = match orphans.len() {
            0 => String::from("no pod was left on it"),
            k => format!("its {k} pod(s) stop, still bound in the API"),
        };
        let message = format!(
            "EC2 instance of node {} terminated ({reason}): {pods}; the node goes NotReady after {} s \
             without a heartbeat.",
            n.name,
            grace.as_secs_f64()
        );
        let source = n.source;
        self.eks.faults.lost.insert(node, n);
        let subject = self.node_source_name(source).to_string();
        self.log(sink, EventKind::Instance, subject, message)?;
        self.eks.faults.orphans.insert(node, orphans);
        self.schedule_in(grace, Event::Eks(EksEvent::NodeNotReady { node }));
        if let NodeSource::Group(group) = source {
            self.queue_node_group_launch(group);
        }
        Ok(())
    }

    /// A pod whose node vanished: it stops serving and its timers are void, but it stays in its
    /// ReplicaSet.
    fn orphan_pod(&mut self, pod: u64) {
        let p = &self.eks.pods[&pod];
        let (deployment, revision, ready) = (p.deployment, p.revision, p.is_ready());
        self.accumulate_eks_load(deployment);
        let p = self.eks.pods.get_mut(pod).expect("listed on its node");
        p.node = None;
        p.ready_since = None;
        p.generation += 1;
        if ready {
            let rs = &mut self.eks.deployments[deployment].replica_sets[revision];
            rs.ready -= 1;
            rs.running_not_ready += 1;
        }
        self.request_sync(deployment);
    }

    /// The node lifecycle controller: no heartbeat for the grace period, the node is NotReady.
    pub(super) fn on_node_not_ready(&mut self, node: usize, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let n = &self.eks.faults.lost[&node];
        let message = format!(
            "Node {} is NotReady (Kubelet stopped posting node status): tainted node.kubernetes.io/unreachable.",
            n.name
        );
        let subject = self.node_source_name(n.source).to_string();
        self.log(sink, EventKind::Instance, subject, message)?;
        let period = self.spec.eks.hpa_controller.node_monitor_period;
        self.schedule_in(period, Event::Eks(EksEvent::NodeDeleted { node }));
        Ok(())
    }

    /// The cloud node lifecycle controller finds the instance gone in EC2 and deletes the Node.
    pub(super) fn on_node_deleted(&mut self, node: usize, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let n = &self.eks.faults.lost[&node];
        let message = format!(
            "Node {} deleted by the cloud node lifecycle controller: its EC2 instance no longer exists.",
            n.name
        );
        let subject = self.node_source_name(n.source).to_string();
        self.log(sink, EventKind::Instance, subject, message)?;
        let gc = self.spec.eks.timings.orphaned_pod_gc;
        self.schedule_in(gc, Event::Eks(EksEvent::OrphanedPodsCollected { node }));
        Ok(())
    }

    /// The pod garbage collector deletes the pods bound to the deleted Node; their ReplicaSets
    /// create replacements.
    pub(super) fn on_orphaned_pods_collected(
        &mut self,
        node: usize,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let orphans = self.eks.faults.orphans.remove(&node).unwrap_or_default();
        let Some(lost) = self.eks.faults.lost.remove(&node) else {
            return Ok(());
        };
        let mut deleted = Vec::new();
        for pod in orphans {
            let Some(p) = self.eks.pods.get(pod) else {
                continue;
            };
            if p.phase == PodPhase::Terminating || p.node.is_some() {
                continue;
            }
            self.delete_pod(pod);
            let Some(mut p) = self.eks.pods.remove(pod) else {
                continue;
            };
            p.node = None;
            self.write_pod_row_on(pod, &p, Some(&lost), Some(self.now), "NodeLost", sink)?;
            deleted.push(pod.to_string());
        }
        if deleted.is_empty() {
            return Ok(());
        }
        let n = &lost;
        let message = format!(
            "Pod garbage collector deleted {} pod(s) bound to deleted node {}: {}; their ReplicaSets replace them.",
            deleted.len(),
            n.name,
            deleted.join(" ")
        );
        let subject = self.node_source_name(n.source).to_string();
        self.log(sink, EventKind::TaskState, subject, message)
    }

    /// The live nodes (launching, Ready or being removed) a selector picks, in launch order.
    pub(super) fn select_nodes(&self, s: &InstanceSelector) -> Vec<usize> {
        let matching: Vec<usize> = self
            .eks
            .nodes
            .iter()
            .filter(|(_, n)| {
                s.availability_zone.is_none_or(|az| az == n.zone)
                    && s.instance_type.as_deref().is_none_or(|t| t == n.instance_type.name)
                    && s.node_group.is_none_or(|g| n.source == NodeSource::Group(g))
                    && s.node_pool.is_none_or(|p| n.source == NodeSource::Pool(p))
                    && (s.node_names.is_empty() || s.node_names.contains(&n.name))
            })
            .map(|(i, _)| i)
            .collect();
        let take = s.quantity.of(matching.len());
        matching.into_iter().take(take).collect()
    }

    /// `: a-1 a-2` (empty for none).
    pub(super) fn node_list(&self, nodes: &[usize]) -> String {
        if nodes.is_empty() {
            return String::new();
        }
        let names: Vec<&str> = nodes.iter().map(|n| self.eks.nodes[*n].name.as_str()).collect();
        format!(": {}", names.join(" "))
    }

    /// Panics if an orphaned pod is bound, Ready, or not listed; or a pod without a node or a
    /// Fargate profile is Running and not an orphan.
    pub(super) fn check_fault_invariants(&self) {
        for (node, pods) in &self.eks.faults.orphans {
            assert!(self.eks.nodes.get(*node).is_none(), "orphans of a live node");
            for id in pods {
                if let Some(p) = self.eks.pods.get(*id) {
                    assert!(
                        p.phase == PodPhase::Terminating || (p.node.is_none() && !p.is_ready()),
                        "orphaned pod {id} is bound or Ready"
                    );
                }
            }
        }
        for (id, p) in self.eks.pods.iter() {
            let unbound = p.node.is_none() && p.fargate.is_none();
            if unbound && matches!(p.phase, PodPhase::Running | PodPhase::Starting) {
                assert!(
                    self.eks.faults.orphans.values().any(|pods| pods.contains(&id)),
                    "pod {id} runs on no node and is not an orphan of a lost node"
                );
            }
        }
    }
}
