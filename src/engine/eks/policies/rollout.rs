//! The Deployment controller's records, pod deletion order, readiness and termination, built
//! from the world for `policy::k8s::deployment`.

use crate::engine::eks::state::PodPhase;
use crate::engine::world::World;
use crate::model::k8s::{DeploymentStrategy, PodTemplate};
use crate::policy::k8s::deployment::{
    self, ContainerStart, DeletionCandidate, FencePosts, ReplicaSetRecord, StartOutcome,
};
use crate::sim::{SimDuration, SimTime};
use crate::spec::eks::PodRevision;

/// The Deployment's ReplicaSets as the controller reads them (revision order), each with the
/// index of its revision.
pub(in crate::engine::eks) fn replica_set_records(
    world: &World<'_>,
    deployment: usize,
) -> Vec<(usize, ReplicaSetRecord)> {
    let d = &world.eks.deployments[deployment];
    let min_ready = world.spec.eks.deployments[deployment].min_ready_seconds;
    d.replica_sets
        .iter()
        .enumerate()
        .filter(|(_, rs)| rs.exists)
        .map(|(revision, rs)| {
            let (mut ready, mut available) = (0, 0);
            for id in &rs.pods {
                let since = world.eks.pods[id].ready_since;
                ready += u32::from(since.is_some());
                available += u32::from(deployment::is_available(since, min_ready, world.now));
            }
            let record = ReplicaSetRecord {
                revision: revision as u32 + 1,
                is_new: revision == d.revision,
                replicas: rs.replicas,
                pods: rs.pods.len() as u32,
                ready,
                available,
                desired_replicas: rs.desired_annotation,
                max_replicas: rs.max_annotation,
            };
            (revision, record)
        })
        .collect()
}

/// Which `n` of `pods` (one ReplicaSet's) are deleted first: Kubernetes' ActivePodsWithRanks.
pub(in crate::engine::eks) fn pods_to_delete(world: &World<'_>, deployment: usize, pods: &[u64], n: usize) -> Vec<u64> {
    let mut candidates: Vec<DeletionCandidate> = pods
        .iter()
        .map(|id| {
            let p = &world.eks.pods[id];
            DeletionCandidate {
                pod: *id,
                node: p.node.map(|n| n as u64),
                phase: match p.phase {
                    PodPhase::Running => deployment::PodPhase::Running,
                    _ => deployment::PodPhase::Pending,
                },
                ready_since: p.ready_since,
                restarts: 0,
                created: p.created,
                deletion_cost: 0,
                colocated: 0,
            }
        })
        .collect();
    let related = world.eks.deployments[deployment]
        .replica_sets
        .iter()
        .flat_map(|rs| rs.pods.iter())
        .map(|id| world.eks.pods[id].node.map(|n| n as u64));
    deployment::count_colocated(&mut candidates, related);
    deployment::order_for_deletion(&mut candidates, n, world.now);
    candidates.iter().take(n).map(|c| c.pod).collect()
}

/// `maxSurge 1, maxUnavailable 1 of 4` for events.csv.
pub(in crate::engine::eks) fn strategy_text(strategy: &DeploymentStrategy, replicas: u32) -> String {
    match strategy {
        DeploymentStrategy::Recreate => "Recreate".to_string(),
        DeploymentStrategy::RollingUpdate { .. } => {
            let posts = FencePosts::resolve(replicas, strategy);
            format!(
                "RollingUpdate: at most {} pods, at least {} available, of {replicas}",
                posts.max_total(),
                posts.min_available()
            )
        }
    }
}

/// From container start to Ready; `None` when the pod never becomes Ready (its app never
/// answers, or a startup or liveness probe keeps killing it).
pub(in crate::engine::eks) fn ready_delay(revision: &PodRevision) -> Option<SimDuration> {
    if revision.never_ready {
        return None;
    }
    let template = &revision.template;
    let start = ContainerStart {
        started: SimTime::ZERO,
        app_answers_after: Some(SimDuration::from_secs(u64::from(revision.app_start_s))),
        startup: template.startup_probe(),
        readiness: template.readiness_probe(),
        liveness: template.containers.iter().find_map(|c| c.liveness_probe),
    };
    match deployment::ready_at(&start) {
        StartOutcome::Ready { at } => Some(SimDuration::from_millis(at.0)),
        StartOutcome::Killed { .. } | StartOutcome::NeverReady => None,
    }
}

/// From deletion until the containers have exited (the app exits at once on TERM).
pub(in crate::engine::eks) fn termination_time(template: &PodTemplate) -> SimDuration {
    let t = deployment::termination(
        SimTime::ZERO,
        template.termination_grace_period_s,
        template.pre_stop_s,
        SimDuration::ZERO,
    );
    SimDuration::from_millis(t.stopped_at.0)
}
