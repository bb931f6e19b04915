//! The EKS cluster's trace rows: one `services.csv` row per Deployment and one `cluster.csv`
//! row per node group, NodePool and Fargate profile, in the same columns as ECS.

use super::pods::fargate_cost;
use super::state::{NodeSource, NodeState, PodPhase};
use crate::engine::world::World;
use crate::model::k8s::PodResources;
use crate::trace::{ClusterRow, ServiceRow, SinkError, TraceSink};

/// What a set of nodes adds up to at a trace tick.
#[derive(Default)]
struct Fleet {
    ready: u32,
    launching: u32,
    allocatable: PodResources,
    requested: PodResources,
    pods: u32,
}

impl World<'_> {
    /// Writes the EKS rows for the interval ending now.
    pub(crate) fn write_eks_rows(&mut self, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        for deployment in 0..self.eks.deployments.len() {
            self.write_deployment_row(deployment, sink)?;
        }
        let (group_pending, pool_pending) = super::policies::pending_pods_by_capacity(self);
        for (group, &pending) in group_pending.iter().enumerate() {
            let fleet = self.fleet(NodeSource::Group(group));
            let cost = self.node_cost_usd(NodeSource::Group(group), self.now);
            let desired = Some(self.eks.groups[group].desired);
            let name = &self.spec.eks.node_groups[group].name;
            cluster_row(self.now.0, name, &fleet, pending, cost, desired, sink)?;
        }
        for (pool, &pending) in pool_pending.iter().enumerate() {
            let fleet = self.fleet(NodeSource::Pool(pool));
            let cost = self.node_cost_usd(NodeSource::Pool(pool), self.now);
            let name = &self.spec.eks.node_pools[pool].name;
            cluster_row(self.now.0, name, &fleet, pending, cost, None, sink)?;
        }
        for profile in 0..self.spec.eks.fargate_profiles.len() {
            let (mut fleet, mut cost) = (Fleet::default(), self.eks.fargate_cost_done[profile]);
            let mut starting = 0;
            for (_, p) in self.eks.pods.iter_where(|p| p.fargate == Some(profile)) {
                cost += fargate_cost(p, self.now);
                match p.phase {
                    PodPhase::Starting => starting += 1,
                    _ => fleet.ready += 1,
                }
                fleet.allocatable = fleet.allocatable.plus(p.requests);
                fleet.requested = fleet.requested.plus(p.requests);
            }
            fleet.launching = starting;
            fleet.pods = fleet.ready + starting;
            let name = &self.spec.eks.fargate_profiles[profile].name;
            cluster_row(self.now.0, name, &fleet, starting, cost, None, sink)?;
        }
        Ok(())
    }

    fn write_deployment_row(&mut self, deployment: usize, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        self.accumulate_eks_load(deployment);
        // The ReplicaSets list their active pods (Pending, Starting, Running) and count the
        // Ready and the Running-not-Ready ones; only an unschedulable pod needs a look-up, and
        // only when some pods are not Running yet.
        let d = &self.eks.deployments[deployment];
        let (mut running, mut listed, mut ready) = (0, 0, 0);
        for rs in &d.replica_sets {
            running += rs.ready + rs.running_not_ready;
            listed += rs.pods.len() as u32;
            ready += rs.ready;
        }
        let current = d.replica_sets[d.revision].ready;
        let starting = listed - running;
        let mut unschedulable = 0;
        if starting > 0 {
            for id in d.replica_sets.iter().flat_map(|rs| &rs.pods) {
                let p = &self.eks.pods[id];
                unschedulable += u32::from(p.phase == PodPhase::Pending && p.unschedulable.is_some());
            }
        }
        let (min_capacity, max_capacity) = self.hpa_bounds(deployment);
        let (queue_depth, oldest_message_age_s) = self.deployment_queue_columns(deployment);
        let d = &mut self.eks.deployments[deployment];
        let avg = d.accumulator.finish();
        d.accumulator.reset();
        let new_pct = match d.rolling_out && ready > 0 {
            true => f64::from(current) / f64::from(ready) * 100.0,
            false => 0.0,
        };
        sink.service_row(&ServiceRow {
            time_ms: self.now.0,
            service: &self.spec.eks.deployments[deployment].name,
            desired: d.replicas,
            running,
            pending: starting,
            healthy: ready,
            primary_running: 0,
            active_running: 0,
            cpu_utilization: avg.cpu_utilization,
            memory_utilization: avg.memory_utilization,
            demand_rps: avg.demand_rps,
            served_rps: avg.served_rps,
            unserved_rps: avg.unserved_rps,
            min_capacity,
            max_capacity,
            unserved_requests: avg.unserved_requests,
            queue_depth,
            oldest_message_age_s,
            latency: None,
            provisioning: unschedulable,
            new_revision_weight_pct: new_pct,
            new_revision_served_requests: 0.0,
            target_5xx_requests: 0.0,
        })
    }

    fn fleet(&self, source: NodeSource) -> Fleet {
        let mut fleet = Fleet::default();
        for n in self.eks.nodes.values().filter(|n| n.source == source) {
            match n.state {
                NodeState::Launching => fleet.launching += 1,
                NodeState::Ready | NodeState::Deleting => {
                    fleet.ready += 1;
                    fleet.allocatable = fleet.allocatable.plus(n.allocatable);
                    fleet.requested = fleet.requested.plus(n.requested);
                    fleet.pods += n.pods.len() as u32;
                }
            }
        }
        fleet
    }
}

fn cluster_row(
    time_ms: u64,
    name: &str,
    fleet: &Fleet,
    pending: u32,
    cost_usd: f64,
    desired_capacity: Option<u32>,
    sink: &mut dyn TraceSink,
) -> Result<(), SinkError> {
    sink.cluster_row(&ClusterRow {
        time_ms,
        capacity_provider: name,
        instances: fleet.ready,
        instances_pending: fleet.launching,
        cpu_reserved_pct: percent(fleet.requested.cpu_milli, fleet.allocatable.cpu_milli),
        memory_reserved_pct: percent(fleet.requested.memory_mib, fleet.allocatable.memory_mib),
        capacity_provider_reservation: None,
        tasks_provisioning: pending,
        tasks: fleet.pods,
        cost_usd,
        desired_capacity,
        target_capacity: None,
    })
}

fn percent(used: u64, total: u64) -> f64 {
    if total == 0 {
        0.0
    } else {
        used as f64 / total as f64 * 100.0
    }
}

impl World<'_> {
    /// The `tasks.csv` rows of the pods still alive at the end.
    pub(crate) fn write_live_pod_rows(&self, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        for (id, p) in self.eks.pods.iter() {
            self.write_pod_row(id, p, None, "", sink)?;
        }
        Ok(())
    }

    /// Cost of every node group, NodePool and Fargate profile at the end of the run, USD.
    pub(crate) fn eks_cost_usd(&self) -> Vec<(String, f64)> {
        let eks = &self.spec.eks;
        let mut costs = Vec::new();
        for (g, group) in eks.node_groups.iter().enumerate() {
            costs.push((group.name.clone(), self.node_cost_usd(NodeSource::Group(g), self.end)));
        }
        for (p, pool) in eks.node_pools.iter().enumerate() {
            costs.push((pool.name.clone(), self.node_cost_usd(NodeSource::Pool(p), self.end)));
        }
        for (f, profile) in eks.fargate_profiles.iter().enumerate() {
            let live: f64 = self
                .eks
                .pods
                .iter_where(|p| p.fargate == Some(f))
                .map(|(_, p)| fargate_cost(p, self.end))
                .sum();
            costs.push((profile.name.clone(), self.eks.fargate_cost_done[f] + live));
        }
        costs
    }
}
