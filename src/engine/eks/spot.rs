//! Spot interruptions of EKS nodes (timeline `spotInterruption` with `nodegroup` or `nodePool`;
//! docs/aws-behaviour.md, A25). EC2 gives a two-minute notice and then
//! reclaims the instance whatever is still on it.
//!
//! A Spot managed node group's Auto Scaling group always has Capacity Rebalancing: at the
//! rebalance recommendation (`behavior.instances.rebalanceRecommendationLead` before the notice)
//! it launches a replacement, and when the replacement is Ready Amazon EKS cordons and drains the
//! at-risk node, which then terminates; a notice that comes first starts the drain at once.
//! Karpenter with an interruption queue taints and drains the node at the notice and its pods'
//! replacements get new NodeClaims at the same time; NodePool budgets do not apply
//! (k8s-semantics 6.7). Without a queue Karpenter does nothing until the instance is gone.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use super::EksEvent;
use super::state::NodeSource;
use crate::engine::event::Event;
use crate::engine::world::World;
use crate::sim::{SimDuration, SimTime};
use crate::spec::TimelineAction;
use crate::spec::eks::{CapacityType, EksCapacity, EksSpotInterruptionSpec};
use crate::trace::{EventDetail, EventKind, FaultCause, SinkError, TraceSink};

/// EC2 gives two minutes' notice before it reclaims a Spot Instance.
const SPOT_NOTICE: SimDuration = SimDuration::from_secs(120);

impl World<'_> {
    /// Queues the rebalance recommendation ahead of every burst on a managed node group.
    pub(super) fn queue_eks_rebalance_recommendations(&mut self) {
        let lead = self.spec.behavior.instances.rebalance_recommendation_lead.as_millis();
        for (index, entry) in self.spec.timeline.iter().enumerate() {
            if let TimelineAction::EksSpotInterruption(EksSpotInterruptionSpec {
                capacity: EksCapacity::NodeGroup(_),
                ..
            }) = entry.action
            {
                let at = SimTime(entry.at.0.saturating_sub(lead));
                self.queue
                    .push(at, Event::Eks(EksEvent::SpotRebalanceRecommendation { index }));
            }
        }
    }

    /// The recommendation picks the burst's nodes now; the group launches a replacement for each,
    /// as far as its maxSize allows.
    pub(super) fn on_eks_rebalance_recommendation(
        &mut self,
        index: usize,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let TimelineAction::EksSpotInterruption(burst) = self.spec.timeline[index].action.clone() else {
            return Ok(());
        };
        let EksCapacity::NodeGroup(group) = burst.capacity else {
            return Ok(());
        };
        let picked = self.pick_spot_nodes(&burst);
        self.eks.faults.recommended.insert(index, picked.clone());
        for node in picked {
            let max = self.spec.eks.node_groups[group].max_size;
            let then = if self.eks.groups[group].desired < max {
                self.eks.groups[group].desired += 1;
                self.eks.faults.at_risk.push(node);
                self.queue_node_group_launch(group);
                format!(
                    "Capacity Rebalancing launches a replacement; Amazon EKS drains {} once the replacement is Ready",
                    self.eks.nodes[node].name
                )
            } else {
                "the node group is at its maxSize: Capacity Rebalancing cannot launch a replacement".to_string()
            };
            let name = self.eks.nodes[node].name.clone();
            let subject = self.spec.eks.node_groups[group].name.clone();
            let message = format!(
                "EC2 instance rebalance recommendation for node {name} (elevated risk of interruption): {then}."
            );
            self.log(sink, EventKind::SpotInterruption, subject, message)?;
        }
        Ok(())
    }

    /// A node turned Ready: the oldest at-risk node of its group waiting for a replacement is
    /// cordoned and drained, then terminated (the group's desired size goes back down).
    pub(super) fn retire_at_risk_node(&mut self, ready: usize, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let source = self.eks.nodes[ready].source;
        let Some(pos) = self
            .eks
            .faults
            .at_risk
            .iter()
            .position(|n| *n != ready && self.eks.nodes[*n].source == source)
        else {
            return Ok(());
        };
        let node = self.eks.faults.at_risk[pos];
        self.leave_rebalancing(node);
        let n = &self.eks.nodes[node];
        let message = format!(
            "Capacity Rebalancing: replacement {} is Ready; Amazon EKS cordons and drains at-risk node {}.",
            self.eks.nodes[ready].name, n.name
        );
        let subject = self.node_source_name(source).to_string();
        self.log(sink, EventKind::SpotInterruption, subject, message)?;
        self.drain_node(node, true, "Amazon EKS (Capacity Rebalancing)", sink)
    }

    /// An at-risk node leaves the rebalancing: its group's desired size, raised for its
    /// replacement, goes back down.
    pub(super) fn leave_rebalancing(&mut self, node: usize) {
        let Some(pos) = self.eks.faults.at_risk.iter().position(|n| *n == node) else {
            return;
        };
        self.eks.faults.at_risk.remove(pos);
        if let NodeSource::Group(g) = self.eks.nodes[node].source {
            let min = self.spec.eks.node_groups[g].min_size;
            let state = &mut self.eks.groups[g];
            state.desired = state.desired.saturating_sub(1).max(min);
        }
    }

    /// `spotInterruption` on EKS nodes: the two-minute notice to the nodes the recommendation
    /// picked (those still there), or to `quantity` of the Spot nodes picked at random.
    pub(crate) fn eks_spot_interruption_burst(
        &mut self,
        index: usize,
        burst: &EksSpotInterruptionSpec,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let picked: Vec<usize> = match self.eks.faults.recommended.remove(&index) {
            Some(nodes) => nodes
                .into_iter()
                .filter(|n| self.eks.nodes.get(*n).is_some() && !self.eks.faults.noticed.contains(n))
                .collect(),
            None => self.pick_spot_nodes(burst),
        };
        let name = match burst.capacity {
            EksCapacity::NodeGroup(g) => format!("node group {}", self.spec.eks.node_groups[g].name),
            EksCapacity::NodePool(p) => format!("NodePool {}", self.spec.eks.node_pools[p].name),
        };
        let message = format!(
            "Spot interruption on {name}: {} Spot node(s) get a two-minute notice{}.",
            picked.len(),
            self.node_list(&picked)
        );
        let detail = EventDetail::Fault {
            cause: FaultCause::SpotInterruption,
            name,
        };
        self.log_detail(sink, EventKind::Fault, "eks", message, detail)?;
        for node in picked {
            self.give_spot_notice(node, sink)?;
        }
        Ok(())
    }

    /// The notice: EKS or Karpenter drains the node (if it is not draining already); EC2
    /// reclaims it two minutes later.
    fn give_spot_notice(&mut self, node: usize, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        self.eks.faults.noticed.push(node);
        let draining = self.eks.faults.drains.contains_key(&node);
        let source = self.eks.nodes[node].source;
        let queue = self.spec.eks.karpenter.interruption_queue;
        let then = match (source, draining) {
            (_, true) => "it is draining already",
            (NodeSource::Group(_), false) => "Amazon EKS cordons and drains it now (no replacement was Ready in time)",
            (NodeSource::Pool(_), false) if queue => {
                "Karpenter's interruption controller taints it karpenter.sh/disrupted:NoSchedule and drains it, \
                 its pods' replacements get new NodeClaims at once (disruption budgets do not apply)"
            }
            (NodeSource::Pool(_), false) => {
                "Karpenter has no interruption queue (settings.interruptionQueue): nothing drains it before EC2 reclaims it"
            }
        };
        let n = &self.eks.nodes[node];
        let message = format!(
            "EC2 Spot Instance interruption notice for node {}: terminated in 2 minutes; {then}.",
            n.name
        );
        let subject = self.node_source_name(source).to_string();
        self.log(sink, EventKind::SpotInterruption, subject, message)?;
        if !draining {
            match source {
                // An at-risk node keeps its replacement's slot in the group until it is gone.
                NodeSource::Group(_) => self.drain_node(node, false, "Amazon EKS (Spot interruption notice)", sink)?,
                NodeSource::Pool(_) if queue => {
                    self.drain_node(node, true, "Karpenter interruption controller", sink)?;
                }
                NodeSource::Pool(_) => {}
            }
        }
        self.schedule_in(SPOT_NOTICE, Event::Eks(EksEvent::SpotReclaimed { node }));
        Ok(())
    }

    /// Two minutes after the notice EC2 reclaims the instance, whatever is still on it.
    pub(super) fn on_spot_reclaimed(&mut self, node: usize, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        self.lose_instance(
            node,
            "EC2 reclaimed the Spot Instance two minutes after its interruption notice",
            sink,
        )
    }

    /// Live Spot nodes of the burst's capacity without a notice, `quantity` of them at random.
    fn pick_spot_nodes(&mut self, burst: &EksSpotInterruptionSpec) -> Vec<usize> {
        let source = match burst.capacity {
            EksCapacity::NodeGroup(g) => NodeSource::Group(g),
            EksCapacity::NodePool(p) => NodeSource::Pool(p),
        };
        let candidates: Vec<usize> = self
            .eks
            .nodes
            .iter()
            .filter(|(i, n)| {
                n.source == source
                    && n.capacity_type == CapacityType::Spot
                    && !self.eks.faults.noticed.contains(i)
                    && !self.eks.faults.at_risk.contains(i)
            })
            .map(|(i, _)| i)
            .collect();
        let k = burst.quantity.of(candidates.len());
        pick(candidates, k, &mut self.eks.faults.burst_rng)
    }
}

/// `k` of `candidates` uniformly at random without replacement, in candidate order.
fn pick(mut pool: Vec<usize>, k: usize, rng: &mut ChaCha8Rng) -> Vec<usize> {
    for i in 0..k {
        let j = rng.random_range(i..pool.len());
        pool.swap(i, j);
    }
    pool.truncate(k);
    pool.sort_unstable();
    pool
}
