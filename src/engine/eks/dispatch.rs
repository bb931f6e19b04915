//! What each `EksEvent` does, and the cluster's state at time zero.

use super::EksEvent;
use super::state::PodPhase;
use crate::engine::event::Event;
use crate::engine::world::World;
use crate::sim::SimTime;
use crate::trace::{SinkError, TraceSink};

impl World<'_> {
    /// Hands an EKS event to the part of the cluster that owns it.
    pub(crate) fn on_eks_event(&mut self, event: EksEvent, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        match event {
            EksEvent::NodeReady { node } => self.on_node_ready(node, sink),
            EksEvent::NodeDrained { node } => self.on_node_drained(node, sink),
            EksEvent::PodStarted { pod, generation } => {
                self.on_pod_started(pod, generation);
                Ok(())
            }
            EksEvent::PodReady { pod, generation } => {
                self.on_pod_ready(pod, generation);
                Ok(())
            }
            EksEvent::PodGone { pod } => self.on_pod_gone(pod, sink),
            EksEvent::SyncDeployment { deployment } => self.sync_deployment(deployment, sink),
            EksEvent::ProgressCheck { deployment } => self.check_progress_deadline(deployment, sink),
            EksEvent::Schedule => self.schedule_pending(sink),
            EksEvent::MetricsScrape => {
                self.scrape_eks_metrics();
                let next = self.now + self.spec.eks.hpa_controller.metric_resolution;
                if next < self.end {
                    self.queue.push(next, Event::Eks(EksEvent::MetricsScrape));
                }
                Ok(())
            }
            EksEvent::HpaSync { hpa } => self.on_hpa_sync(hpa, sink),
            EksEvent::ClusterAutoscalerScan => self.on_cluster_autoscaler_scan(sink),
            EksEvent::NodeGroupLaunch { group } => self.on_node_group_launch(group, sink),
            EksEvent::KarpenterBatch => self.on_karpenter_batch(sink),
            EksEvent::KarpenterDisruption => self.on_karpenter_disruption(sink),
            EksEvent::KedaPoll { scaled_object } => self.on_keda_poll(scaled_object, sink),
            EksEvent::NodeNotReady { node } => self.on_node_not_ready(node, sink),
            EksEvent::NodeDeleted { node } => self.on_node_deleted(node, sink),
            EksEvent::OrphanedPodsCollected { node } => self.on_orphaned_pods_collected(node, sink),
            EksEvent::ZoneRecovered { .. } => {
                self.on_eks_zone_recovered();
                Ok(())
            }
            EksEvent::SpotRebalanceRecommendation { index } => self.on_eks_rebalance_recommendation(index, sink),
            EksEvent::SpotReclaimed { node } => self.on_spot_reclaimed(node, sink),
            EksEvent::EvictionRetry { node } => self.on_eviction_retry(node, sink),
        }
    }

    /// The EKS cluster at time zero: node groups at their desired size, each Deployment's first
    /// ReplicaSet, the HPAs, metrics-server and the autoscalers' loops. With
    /// `behavior.warmStart` the first pods start Running and Ready where they fit.
    pub(crate) fn initialise_eks(&mut self, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        if !self.eks.is_active() {
            return Ok(());
        }
        for group in 0..self.spec.eks.node_groups.len() {
            for _ in 0..self.eks.groups[group].desired {
                let launch = self.node_group_launch(group);
                self.launch_node(launch, true, sink)?;
            }
        }
        self.on_eks_load_step();
        self.start_deployments();
        if self.spec.behavior.warm_start {
            self.warm_start_eks(sink)?;
        }
        self.queue.push(SimTime::ZERO, Event::Eks(EksEvent::MetricsScrape));
        // The HPAs' first sync is one period in, when metrics-server has a first sample.
        let first_sync = SimTime::ZERO + self.spec.eks.hpa_controller.sync_period;
        for hpa in 0..self.spec.eks.hpas.len() {
            self.queue.push(first_sync, Event::Eks(EksEvent::HpaSync { hpa }));
        }
        for scaled_object in 0..self.spec.eks.scaled_objects.len() {
            self.queue
                .push(SimTime::ZERO, Event::Eks(EksEvent::KedaPoll { scaled_object }));
        }
        if self.spec.eks.cluster_autoscaler.is_some() {
            self.queue
                .push(SimTime::ZERO, Event::Eks(EksEvent::ClusterAutoscalerScan));
        }
        self.queue_eks_rebalance_recommendations();
        if !self.spec.eks.node_pools.is_empty() {
            let poll = self.spec.eks.karpenter.disruption_poll;
            self.queue
                .push(SimTime::ZERO + poll, Event::Eks(EksEvent::KarpenterDisruption));
        }
        Ok(())
    }

    /// Runs the first syncs and scheduler pass now and makes every bound pod Running and Ready.
    fn warm_start_eks(&mut self, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        for deployment in 0..self.eks.deployments.len() {
            self.sync_deployment(deployment, sink)?;
        }
        self.schedule_pending(sink)?;
        let bound: Vec<u64> = self
            .eks
            .pods
            .iter_where(|p| p.phase == PodPhase::Starting)
            .map(|(id, _)| id)
            .collect();
        for id in bound {
            let p = self.eks.pods.get_mut(id).expect("listed");
            p.phase = PodPhase::Running;
            p.started = Some(self.now);
            p.generation += 1;
            let r = &self.spec.eks.deployments[p.deployment].revisions[p.revision];
            if !r.never_ready {
                p.ready_since = Some(self.now);
            }
            let rs = &mut self.eks.deployments[p.deployment].replica_sets[p.revision];
            match p.ready_since {
                Some(_) => rs.ready += 1,
                None => rs.running_not_ready += 1,
            }
        }
        Ok(())
    }
}
