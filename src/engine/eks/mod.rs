//! EKS mode (issue 20): the Kubernetes control loops on the same event loop, load, cost and
//! traces as ECS. Deployments keep ReplicaSets of pods; the kube-scheduler binds pods to nodes;
//! HorizontalPodAutoscalers set `spec.replicas`; managed node groups grow with Cluster
//! Autoscaler, NodePools with Karpenter, and Fargate profiles run one pod per micro-VM.
//!
//! Each part owns one file: `nodes` (nodes and their cost), `pods` (pod lifecycle), `load`
//! (requests served by Ready pods, the metrics-server CPU samples), `deployments` (the
//! Deployment controller), `scheduling` (kube-scheduler passes), `hpa`, `cluster_autoscaler`,
//! `karpenter`, `keda` (ScaledObjects' 0 <-> 1), `queue` (queue workers, custom metric
//! windows), `fargate`, `tracing` (rows of services.csv and cluster.csv); the injected faults
//! `faults` (lost instances, zone outages), `spot` (Spot interruptions) and `drain` (evictions). The decisions are
//! the pure functions of `policy::k8s`.

mod cluster_autoscaler;
mod cost;
mod deployments;
mod dispatch;
mod drain;
mod faults;
mod hpa;
mod invariants;
mod karpenter;
mod keda;
mod load;
mod node_table;
mod nodes;
mod pod_table;
mod pods;
mod policies;
mod queue;
mod rollout_commands;
mod scheduling;
mod spot;
mod state;
mod tracing;

pub(super) use state::EksState;

/// Something that happens in the EKS cluster; carried by `Event::Eks`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EksEvent {
    /// A launched node's kubelet registers and the node turns Ready.
    NodeReady {
        /// Index into the node table.
        node: usize,
    },
    /// A node being removed has no pods left: it is terminated.
    NodeDrained {
        /// Index into the node table.
        node: usize,
    },
    /// A pod's containers have started (image pulled; Fargate micro-VM up).
    PodStarted {
        /// The pod.
        pod: u64,
        /// Its generation when the timer was set.
        generation: u32,
    },
    /// A pod's readiness probe first succeeds.
    PodReady {
        /// The pod.
        pod: u64,
        /// Its generation when the timer was set.
        generation: u32,
    },
    /// A terminating pod's containers have exited: its resources are free.
    PodGone {
        /// The pod.
        pod: u64,
    },
    /// The Deployment controller looks at a Deployment.
    SyncDeployment {
        /// Index into `EksSpec::deployments`.
        deployment: usize,
    },
    /// A Deployment's progress deadline may have passed.
    ProgressCheck {
        /// Index into `EksSpec::deployments`.
        deployment: usize,
    },
    /// The kube-scheduler takes the pending pods.
    Schedule,
    /// metrics-server scrapes the kubelets.
    MetricsScrape,
    /// An HPA's sync period ends.
    HpaSync {
        /// Index into `EksSpec::hpas`.
        hpa: usize,
    },
    /// Cluster Autoscaler's scan.
    ClusterAutoscalerScan,
    /// An Auto Scaling group acts on a new desired capacity.
    NodeGroupLaunch {
        /// Index into `EksSpec::node_groups`.
        group: usize,
    },
    /// Karpenter's batch window may close.
    KarpenterBatch,
    /// Karpenter's disruption controller polls.
    KarpenterDisruption,
    /// KEDA polls a ScaledObject's trigger.
    KedaPoll {
        /// Index into `EksSpec::scaled_objects`.
        scaled_object: usize,
    },
    /// A lost instance's node has had no heartbeat for the grace period: NotReady.
    NodeNotReady {
        /// Index into the node table.
        node: usize,
    },
    /// The cloud node lifecycle controller deletes a lost instance's Node.
    NodeDeleted {
        /// Index into the node table.
        node: usize,
    },
    /// The pod garbage collector deletes the pods bound to a deleted Node.
    OrphanedPodsCollected {
        /// Index into the node table.
        node: usize,
    },
    /// An Availability Zone outage ends for the EKS cluster.
    ZoneRecovered {
        /// Index into `Spec::availability_zones`.
        zone: usize,
    },
    /// The EC2 rebalance recommendation ahead of a `spotInterruption` on a managed node group.
    SpotRebalanceRecommendation {
        /// Timeline index of the burst.
        index: usize,
    },
    /// Two minutes after its interruption notice, EC2 reclaims a Spot node's instance.
    SpotReclaimed {
        /// Index into the node table.
        node: usize,
    },
    /// A drain retries the evictions a PodDisruptionBudget refused.
    EvictionRetry {
        /// Index into the node table.
        node: usize,
    },
}
