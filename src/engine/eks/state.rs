//! The EKS cluster's runtime state: nodes, pods, Deployments and their ReplicaSets, the node
//! groups' desired sizes, and the random streams of the Kubernetes machinery.

use rand_chacha::ChaCha8Rng;

use crate::model::catalog::InstanceType;
use crate::model::k8s::{Labels, PodResources, Taint};
use crate::sim::{RngStreams, SimTime};
use crate::spec::Spec;
use crate::spec::eks::CapacityType;
use crate::workload::{IntervalAccumulator, MessageQueue};

use super::keda::KedaRuntime;
use super::node_table::NodeTable;
use super::pod_table::PodTable;
use super::policies::{HpaRuntime, KarpenterRuntime};
use super::queue::RequestWindow;

/// Pod ids start here so that pods and ECS tasks never share a `tasks.csv` id.
pub(super) const FIRST_POD_ID: u64 = 1_000_000_000;

/// Where a node comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NodeSource {
    /// A managed node group (index into `EksSpec::node_groups`).
    Group(usize),
    /// A Karpenter NodePool (index into `EksSpec::node_pools`).
    Pool(usize),
}

/// Where a node is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NodeState {
    /// The instance is booting; the kubelet has not registered.
    Launching,
    /// Ready: pods may be bound.
    Ready,
    /// Cordoned and drained by Cluster Autoscaler or Karpenter; terminated once empty (and
    /// then gone from the node table).
    Deleting,
}

/// One EC2 node of the cluster.
#[derive(Clone, Debug)]
pub(crate) struct Node {
    /// Node name (`<group or pool>-<n>`), also its `kubernetes.io/hostname`.
    pub name: String,
    /// Its node group or NodePool.
    pub source: NodeSource,
    /// Instance type.
    pub instance_type: &'static InstanceType,
    /// Index into `Spec::availability_zones`.
    pub zone: usize,
    /// On-demand or Spot.
    pub capacity_type: CapacityType,
    /// Labels: the group's or pool's, plus the well-known ones.
    pub labels: Labels,
    /// Taints.
    pub taints: Vec<Taint>,
    /// Allocatable CPU and memory.
    pub allocatable: PodResources,
    /// Max pods (the VPC CNI's figure).
    pub max_pods: u32,
    /// Requests of the pods bound here (terminating ones included until they are gone).
    pub requested: PodResources,
    /// The same with the scheduler's non-zero defaults for pods without requests.
    pub nonzero_requested: PodResources,
    /// Pods bound here, in binding order.
    pub pods: Vec<u64>,
    /// `spec.unschedulable`: cordoned (`kubectl drain`, a node drainer); no new pod is bound here.
    pub cordoned: bool,
    /// Lifecycle.
    pub state: NodeState,
    /// Launch time (billing starts).
    pub launched_at: SimTime,
    /// Price of the instance, USD per hour.
    pub usd_per_hour: f64,
    /// Last time a pod was bound here or left (Karpenter's consolidateAfter).
    pub last_pod_change: SimTime,
    /// Since when Cluster Autoscaler has found the node unneeded.
    pub unneeded_since: Option<SimTime>,
    /// Until when its bill has been divided among its pods.
    pub cost_accrued_until: SimTime,
}

/// Where a pod is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PodPhase {
    /// Not bound to a node yet (PodScheduled=False while no node fits).
    Pending,
    /// Bound (or placed on Fargate): pulling the image, starting containers.
    Starting,
    /// Containers running; Ready once the readiness probe passes.
    Running,
    /// Deleted: not counted by any controller; holds its node's resources until it is gone.
    Terminating,
}

/// One pod.
#[derive(Clone, Debug)]
pub(crate) struct Pod {
    /// Index into `EksSpec::deployments`.
    pub deployment: usize,
    /// Index into the Deployment's revisions: its ReplicaSet.
    pub revision: usize,
    /// Lifecycle phase.
    pub phase: PodPhase,
    /// The node it is bound to.
    pub node: Option<usize>,
    /// The Fargate profile it runs on.
    pub fargate: Option<usize>,
    /// Effective requests.
    pub requests: PodResources,
    /// The requests the scheduler scores with (unset amounts as 100m / 200 MiB).
    pub non_zero_requests: PodResources,
    /// Creation time.
    pub created: SimTime,
    /// When its containers started.
    pub started: Option<SimTime>,
    /// When it became Ready (None while not Ready).
    pub ready_since: Option<SimTime>,
    /// Why the scheduler could not bind it, while Pending.
    pub unschedulable: Option<String>,
    /// Bumped on every phase change: stale timers are dropped.
    pub generation: u32,
    /// Fargate: the provisioned size's price, USD per hour.
    pub fargate_usd_per_hour: f64,
}

impl Pod {
    /// Whether the pod is Ready and serving.
    pub fn is_ready(&self) -> bool {
        self.phase == PodPhase::Running && self.ready_since.is_some()
    }
}

/// One ReplicaSet of a Deployment: the pods of one revision.
#[derive(Clone, Debug, Default)]
pub(crate) struct ReplicaSet {
    /// `spec.replicas`.
    pub replicas: u32,
    /// Its active (not terminating) pods, oldest first.
    pub pods: Vec<u64>,
    /// Annotation `deployment.kubernetes.io/desired-replicas`.
    pub desired_annotation: Option<u32>,
    /// Annotation `deployment.kubernetes.io/max-replicas`.
    pub max_annotation: Option<u32>,
    /// Whether the ReplicaSet exists (a revision never rolled out has none).
    pub exists: bool,
    /// Its Ready pods (kept where a pod's phase or readiness changes).
    pub ready: u32,
    /// Its Running pods that are not Ready yet.
    pub running_not_ready: u32,
    /// Annotation `deployment.kubernetes.io/revision`: 1 for the first template, the next
    /// number each time its template becomes the Deployment's (a rollout or an undo); 0 before.
    pub revision_number: u32,
}

/// A Deployment's runtime state.
#[derive(Clone, Debug)]
pub(crate) struct DeploymentState {
    /// `spec.replicas`: the HPA or `kubectl scale` writes it.
    pub replicas: u32,
    /// The revision of `spec.template`.
    pub revision: usize,
    /// One per revision of the spec.
    pub replica_sets: Vec<ReplicaSet>,
    /// Whether a rollout is in progress (between `kubectl apply` and NewReplicaSetAvailable).
    pub rolling_out: bool,
    /// Last time the rollout made progress.
    pub last_progress: SimTime,
    /// ProgressDeadlineExceeded has been reported for the current rollout.
    pub deadline_exceeded: bool,
    /// `spec.paused` (`kubectl rollout pause`): template changes wait, scaling does not.
    pub paused: bool,
    /// Whether a sync is queued.
    pub sync_queued: bool,
    /// Current demand, requests per second.
    pub demand_rps: f64,
    /// Noise of its demand.
    pub load_rng: ChaCha8Rng,
    /// Served load since the last trace row.
    pub accumulator: IntervalAccumulator,
    /// Time the load was accumulated until.
    pub accumulated_until: SimTime,
    /// CPU % of a Ready pod of each revision, integrated since the last metrics scrape (% x ms).
    pub cpu_pct_ms: Vec<f64>,
    /// Memory %, the same.
    pub memory_pct_ms: Vec<f64>,
    /// The last scrape's CPU % per revision of a Ready pod (metrics-server's sample).
    pub cpu_sample_pct: Vec<f64>,
    /// The last scrape's memory %.
    pub memory_sample_pct: Vec<f64>,
    /// A queue worker's SQS queue.
    pub queue: Option<MessageQueue>,
    /// Requests per second for Pods and Object metrics, sampled at each scrape.
    pub requests: RequestWindow,
}

/// A managed node group's Auto Scaling group.
#[derive(Clone, Debug, Default)]
pub(crate) struct NodeGroupState {
    /// DesiredCapacity.
    pub desired: u32,
    /// Nodes launched so far (for names).
    pub launched: u32,
    /// Whether a launch is queued (the ASG acts after its API latency).
    pub launch_queued: bool,
}

/// The EKS cluster at run time.
pub(crate) struct EksState {
    /// The live nodes; a node's index is its id, issued in launch order.
    pub nodes: NodeTable,
    /// What the terminated nodes of each node group cost, USD (the bill is final at
    /// termination, so the node need not be kept).
    pub group_retired_cost_usd: Vec<f64>,
    /// The same per NodePool.
    pub pool_retired_cost_usd: Vec<f64>,
    /// Live pods (terminating ones until gone), by id.
    pub pods: PodTable,
    /// Next pod id.
    pub next_pod: u64,
    /// Pods ever created.
    pub pods_created: u64,
    /// One per Deployment.
    pub deployments: Vec<DeploymentState>,
    /// One per node group.
    pub groups: Vec<NodeGroupState>,
    /// Nodes launched per NodePool (for names).
    pub pool_launched: Vec<u32>,
    /// Each NodePool's zones, as indices into `Spec::availability_zones`.
    pub pool_zones: Vec<Vec<usize>>,
    /// Whether a scheduler pass is queued.
    pub schedule_queued: bool,
    /// Cost of pods that ran on Fargate and are gone, per profile, USD.
    pub fargate_cost_done: Vec<f64>,
    /// Node boot times, Fargate starts.
    pub rng_nodes: ChaCha8Rng,
    /// The scheduler's tie-breaks.
    pub rng_scheduler: ChaCha8Rng,
    /// The last time metrics-server scraped.
    pub last_scrape: SimTime,
    /// Where the scheduler's next cycle starts examining nodes.
    pub scheduler_start: usize,
    /// Each HPA's controller memory.
    pub hpas: Vec<HpaRuntime>,
    /// Each KEDA ScaledObject's memory.
    pub keda: Vec<KedaRuntime>,
    /// Karpenter's batcher and replacements in flight.
    pub karpenter: KarpenterRuntime,
    /// Cluster Autoscaler's last scale-up.
    pub ca_last_scale_up: Option<SimTime>,
    /// Cluster Autoscaler's last node deletion.
    pub ca_last_delete: Option<SimTime>,
    /// Each Deployment's share of its nodes' bills so far, USD.
    pub deployment_cost_usd: Vec<f64>,
    /// Each Deployment's Fargate pods that are gone: what they cost, USD.
    pub fargate_cost_by_deployment: Vec<f64>,
    /// Injected faults: lost instances, drains, Spot notices and rebalancing.
    pub faults: super::faults::EksFaults,
}

impl EksState {
    /// The state at time zero (nothing launched yet).
    pub fn new(spec: &Spec, streams: &RngStreams) -> EksState {
        let eks = &spec.eks;
        let deployments = eks
            .deployments
            .iter()
            .map(|d| {
                let revisions = d.revisions.len();
                DeploymentState {
                    replicas: d.replicas,
                    revision: 0,
                    replica_sets: (0..revisions)
                        .map(|r| ReplicaSet {
                            revision_number: u32::from(r == 0),
                            ..ReplicaSet::default()
                        })
                        .collect(),
                    rolling_out: false,
                    last_progress: SimTime::ZERO,
                    deadline_exceeded: false,
                    paused: false,
                    sync_queued: false,
                    demand_rps: 0.0,
                    load_rng: streams.stream(&format!("eks/load/{}", d.name)),
                    accumulator: IntervalAccumulator::new(),
                    accumulated_until: SimTime::ZERO,
                    cpu_pct_ms: vec![0.0; revisions],
                    memory_pct_ms: vec![0.0; revisions],
                    cpu_sample_pct: vec![0.0; revisions],
                    memory_sample_pct: vec![0.0; revisions],
                    queue: d.queue.as_ref().map(|_| MessageQueue::new()),
                    requests: RequestWindow::default(),
                }
            })
            .collect();
        EksState {
            nodes: NodeTable::default(),
            group_retired_cost_usd: vec![0.0; eks.node_groups.len()],
            pool_retired_cost_usd: vec![0.0; eks.node_pools.len()],
            pods: PodTable::default(),
            next_pod: FIRST_POD_ID,
            pods_created: 0,
            deployments,
            groups: eks
                .node_groups
                .iter()
                .map(|g| NodeGroupState {
                    desired: g.desired_size,
                    ..Default::default()
                })
                .collect(),
            pool_launched: vec![0; eks.node_pools.len()],
            pool_zones: (0..eks.node_pools.len()).map(|p| pool_zones(spec, p)).collect(),
            schedule_queued: false,
            fargate_cost_done: vec![0.0; eks.fargate_profiles.len()],
            rng_nodes: streams.stream("eks/nodes"),
            rng_scheduler: streams.stream("eks/scheduler"),
            last_scrape: SimTime::ZERO,
            scheduler_start: 0,
            hpas: eks.hpas.iter().map(|_| HpaRuntime::default()).collect(),
            keda: eks.scaled_objects.iter().map(|_| KedaRuntime::default()).collect(),
            karpenter: KarpenterRuntime::default(),
            ca_last_scale_up: None,
            ca_last_delete: None,
            deployment_cost_usd: vec![0.0; eks.deployments.len()],
            fargate_cost_by_deployment: vec![0.0; eks.deployments.len()],
            faults: super::faults::EksFaults::new(streams),
        }
    }

    /// Whether the run has an EKS cluster.
    pub fn is_active(&self) -> bool {
        !self.deployments.is_empty() || !self.groups.is_empty() || !self.pool_launched.is_empty()
    }
}

/// NodePool `pool`'s zones as indices into `Spec::availability_zones` (all of them when its
/// requirements name none).
pub(super) fn pool_zones(spec: &Spec, pool: usize) -> Vec<usize> {
    let zones = &spec.availability_zones;
    let named: Vec<usize> = spec.eks.node_pools[pool]
        .zones
        .iter()
        .filter_map(|z| zones.iter().position(|a| a == z))
        .collect();
    if named.is_empty() {
        (0..zones.len()).collect()
    } else {
        named
    }
}
