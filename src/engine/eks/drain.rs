//! Draining a node through the Eviction API, as `kubectl drain`, Amazon EKS's node drainer and
//! Karpenter's termination controller do: the node is cordoned (unschedulable), each pod is
//! evicted unless a PodDisruptionBudget allows no more disruptions of its Deployment, refused
//! evictions are retried every `evictionRetry` (k8s-semantics 3.3: only evictions honour PDBs).

use super::EksEvent;
use super::policies;
use super::state::{NodeState, PodPhase};
use crate::engine::event::Event;
use crate::engine::world::World;
use crate::sim::SimDuration;
use crate::spec::InstanceSelector;
use crate::trace::{EventDetail, EventKind, FaultCause, SinkError, TraceSink};

impl World<'_> {
    /// `drainInstances` on EKS nodes: `kubectl drain` of each selected Ready node (a node still
    /// booting has not registered and cannot be drained). The nodes stay, cordoned.
    pub(crate) fn eks_drain_nodes(
        &mut self,
        selector: &InstanceSelector,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let selected = self.select_nodes(selector);
        let (ready, booting): (Vec<usize>, Vec<usize>) = selected
            .into_iter()
            .filter(|n| !self.eks.nodes[*n].cordoned)
            .partition(|n| self.eks.nodes[*n].state != NodeState::Launching);
        let skipped = if booting.is_empty() {
            String::new()
        } else {
            format!(" Not registered yet, so not drained{}.", self.node_list(&booting))
        };
        let message = format!(
            "drainInstances on EKS nodes: kubectl drain of {} node(s){}.{skipped}",
            ready.len(),
            self.node_list(&ready)
        );
        let detail = EventDetail::Fault {
            cause: FaultCause::Drain,
            name: self.spec.eks.cluster_name.clone(),
        };
        self.log_detail(sink, EventKind::Fault, "eks", message, detail)?;
        for node in ready {
            self.drain_node(node, false, "kubectl drain", sink)?;
        }
        Ok(())
    }

    /// Cordons `node` and evicts its pods on behalf of `who`; with `terminate_when_empty` the node
    /// is being removed and its instance terminates once its pods are gone.
    pub(super) fn drain_node(
        &mut self,
        node: usize,
        terminate_when_empty: bool,
        who: &str,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let Some(n) = self.eks.nodes.get_mut(node) else {
            return Ok(());
        };
        n.cordoned = true;
        if terminate_when_empty {
            n.state = NodeState::Deleting;
        }
        let already = self.eks.faults.drains.get(&node).copied();
        self.eks
            .faults
            .drains
            .insert(node, already.unwrap_or(false) || terminate_when_empty);
        // A node already draining says nothing new unless an eviction happens now.
        self.evict_pods(node, who, already.is_none(), sink)
    }

    /// Retries the evictions a PodDisruptionBudget refused.
    pub(super) fn on_eviction_retry(&mut self, node: usize, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        if self.eks.nodes.get(node).is_none() || !self.eks.faults.drains.contains_key(&node) {
            return Ok(());
        }
        self.evict_pods(node, "", false, sink)
    }

    /// Evicts what the budgets allow; logs the evictions (and, on the first pass, the refusals).
    fn evict_pods(&mut self, node: usize, who: &str, first: bool, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let mut allowed = policies::disruptions_allowed(self);
        let pods = self.eks.nodes[node].pods.clone();
        let (mut evicted, mut blocked) = (Vec::new(), Vec::new());
        let mut longest = SimDuration::ZERO;
        for pod in pods {
            let p = &self.eks.pods[&pod];
            if p.phase == PodPhase::Terminating {
                let template = &self.spec.eks.deployments[p.deployment].revisions[p.revision].template;
                longest = longest.max(policies::termination_time(template));
                continue;
            }
            let slot = &mut allowed[p.deployment];
            if p.is_ready() {
                match slot {
                    Some(0) => {
                        blocked.push(pod.to_string());
                        continue;
                    }
                    Some(left) => *left -= 1,
                    None => {}
                }
            }
            let template = &self.spec.eks.deployments[p.deployment].revisions[p.revision].template;
            longest = longest.max(policies::termination_time(template));
            self.delete_pod(pod);
            evicted.push(pod.to_string());
        }
        let retry = self.spec.eks.timings.eviction_retry;
        if first || !evicted.is_empty() {
            let n = &self.eks.nodes[node];
            let list = if evicted.is_empty() {
                String::new()
            } else {
                format!(": {}", evicted.join(" "))
            };
            let mut message = match first {
                true => format!(
                    "{who}: node {} cordoned; evicted {} pod(s){list}",
                    n.name,
                    evicted.len()
                ),
                false => format!(
                    "Eviction retry on node {}: evicted {} pod(s){list}",
                    n.name,
                    evicted.len()
                ),
            };
            if !blocked.is_empty() {
                message.push_str(&format!(
                    "; {} pod(s) not evicted, as that would violate their PodDisruptionBudget: {} (retried every {} s)",
                    blocked.len(),
                    blocked.join(" "),
                    retry.as_secs_f64()
                ));
            }
            message.push('.');
            let subject = self.node_source_name(n.source).to_string();
            self.log(sink, EventKind::TaskState, subject, message)?;
        }
        if !blocked.is_empty() {
            self.schedule_in(retry, Event::Eks(EksEvent::EvictionRetry { node }));
        } else if self.eks.faults.drains.get(&node) == Some(&true) {
            self.schedule_in(
                SimDuration::from_millis(longest.as_millis() + 1),
                Event::Eks(EksEvent::NodeDrained { node }),
            );
        }
        Ok(())
    }
}
