//! Karpenter: pods the scheduler cannot place open a batch window; when it closes, the
//! provisioner of `policy::k8s::karpenter` packs them onto new NodeClaims of the cheapest
//! instance types their NodePools allow; every disruption poll it deletes or replaces nodes
//! that consolidation, budgets and expiry allow.

use super::EksEvent;
use super::nodes::NodeLaunch;
use super::policies::{self, KarpenterAction};
use super::state::NodeSource;
use crate::engine::event::Event;
use crate::engine::world::World;
use crate::trace::{DesiredCause, EventDetail, EventKind, SinkError, TraceSink};

impl World<'_> {
    /// Pods became unschedulable: Karpenter's batch window opens or stays open.
    pub(super) fn on_pods_unschedulable(&mut self) {
        if self.spec.eks.node_pools.is_empty() {
            return;
        }
        let closes = self.eks.karpenter.on_pod(self.now, &self.spec.eks.karpenter);
        self.queue.push(closes, Event::Eks(EksEvent::KarpenterBatch));
    }

    /// The batch window may have closed: provision NodeClaims for the pending pods.
    pub(super) fn on_karpenter_batch(&mut self, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        if !self.eks.karpenter.close_if_due(self.now) {
            return Ok(());
        }
        let claims = policies::karpenter_provision(self);
        for claim in claims {
            let pool = claim.pool;
            let from = self.pool_node_count(pool);
            let index = self.launch_node(
                NodeLaunch {
                    source: NodeSource::Pool(pool),
                    instance_type: claim.instance_type,
                    zone: claim.zone,
                    capacity_type: claim.capacity_type,
                },
                false,
                sink,
            )?;
            let name = self.spec.eks.node_pools[pool].name.clone();
            let message = format!(
                "Karpenter launched NodeClaim {} ({}) for {} pending pod(s).",
                self.eks.nodes[index].name, claim.instance_type.name, claim.pods
            );
            let detail = EventDetail::DesiredChange {
                from,
                to: from + 1,
                cause: DesiredCause::Karpenter,
                name: "provisioner".into(),
            };
            self.log_detail(sink, EventKind::ScalingActivity, name, message, detail)?;
        }
        Ok(())
    }

    /// Karpenter's disruption controller: expired nodes, then at most one consolidation.
    pub(super) fn on_karpenter_disruption(&mut self, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        self.finish_karpenter_replacements(sink)?;
        for action in policies::karpenter_disrupt(self) {
            match action {
                KarpenterAction::None => {}
                KarpenterAction::Delete { nodes, reason } => {
                    for node in nodes {
                        let NodeSource::Pool(pool) = self.eks.nodes[node].source else {
                            continue;
                        };
                        let from = self.pool_node_count(pool);
                        self.log_disruption(pool, from, from.saturating_sub(1), &reason, node, sink)?;
                        self.begin_node_removal(node, &format!("Karpenter disruption ({reason})"), sink)?;
                    }
                }
                KarpenterAction::Replace { nodes, launch, reason } => {
                    let NodeSource::Pool(pool) = launch.source else {
                        continue;
                    };
                    let from = self.pool_node_count(pool);
                    let new = self.launch_node(launch, false, sink)?;
                    for node in &nodes {
                        self.log_disruption(pool, from, from + 1, &reason, *node, sink)?;
                    }
                    self.eks.karpenter.replacing.push((nodes, new));
                }
            }
        }
        let next = self.now + self.spec.eks.karpenter.disruption_poll;
        if next < self.end {
            self.queue.push(next, Event::Eks(EksEvent::KarpenterDisruption));
        }
        Ok(())
    }

    /// A replacement that is Ready lets Karpenter delete the node it replaces.
    fn finish_karpenter_replacements(&mut self, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let ready: Vec<(Vec<usize>, usize)> = self
            .eks
            .karpenter
            .replacing
            .iter()
            .filter(|(_, new)| {
                self.eks
                    .nodes
                    .get(*new)
                    .is_some_and(|n| n.state == super::state::NodeState::Ready)
            })
            .cloned()
            .collect();
        self.eks.karpenter.replacing.retain(|r| !ready.contains(r));
        for (old, new) in ready {
            let reason = format!("replaced by {}", self.eks.nodes[new].name);
            for node in old {
                self.begin_node_removal(node, &reason, sink)?;
            }
        }
        Ok(())
    }

    fn log_disruption(
        &mut self,
        pool: usize,
        from: u32,
        to: u32,
        reason: &str,
        node: usize,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let name = self.spec.eks.node_pools[pool].name.clone();
        let message = format!("Karpenter disrupts node {} ({reason}).", self.eks.nodes[node].name);
        let detail = EventDetail::DesiredChange {
            from,
            to,
            cause: DesiredCause::Karpenter,
            name: reason.to_string(),
        };
        self.log_detail(sink, EventKind::ScalingActivity, name, message, detail)
    }

    /// Live nodes of a NodePool (launching and Ready).
    fn pool_node_count(&self, pool: usize) -> u32 {
        self.eks
            .nodes
            .values()
            .filter(|n| {
                n.source == NodeSource::Pool(pool)
                    && matches!(
                        n.state,
                        super::state::NodeState::Launching | super::state::NodeState::Ready
                    )
            })
            .count() as u32
    }
}
