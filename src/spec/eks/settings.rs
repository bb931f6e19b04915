//! Settings of the control loops, with Kubernetes' defaults (k8s-semantics 11).

use crate::sim::SimDuration;

/// kube-controller-manager's HPA and node lifecycle flags (the `controllerManager` block).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HpaControllerSettings {
    /// `--horizontal-pod-autoscaler-sync-period` (15 s).
    pub sync_period: SimDuration,
    /// `--horizontal-pod-autoscaler-tolerance` (0.1).
    pub tolerance: f64,
    /// `--horizontal-pod-autoscaler-downscale-stabilization` (300 s).
    pub downscale_stabilization: SimDuration,
    /// `--horizontal-pod-autoscaler-cpu-initialization-period` (300 s).
    pub cpu_initialization_period: SimDuration,
    /// `--horizontal-pod-autoscaler-initial-readiness-delay` (30 s).
    pub initial_readiness_delay: SimDuration,
    /// metrics-server `--metric-resolution`: the window a CPU sample averages (15 s).
    pub metric_resolution: SimDuration,
    /// `--node-monitor-grace-period`: a node without a kubelet heartbeat this long goes NotReady
    /// (50 s since Kubernetes 1.32, 40 s before).
    pub node_monitor_grace_period: SimDuration,
    /// `--node-monitor-period` of the cloud node lifecycle controller: how often it asks EC2
    /// whether a NotReady node's instance still exists (5 s).
    pub node_monitor_period: SimDuration,
}

impl Default for HpaControllerSettings {
    fn default() -> Self {
        HpaControllerSettings {
            sync_period: SimDuration::from_secs(15),
            tolerance: 0.1,
            downscale_stabilization: SimDuration::from_secs(300),
            cpu_initialization_period: SimDuration::from_secs(300),
            initial_readiness_delay: SimDuration::from_secs(30),
            metric_resolution: SimDuration::from_secs(15),
            node_monitor_grace_period: SimDuration::from_secs(50),
            node_monitor_period: SimDuration::from_secs(5),
        }
    }
}

/// `scoringStrategy.type` of NodeResourcesFit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScoringStrategy {
    /// Prefer the emptiest node (default: spreads).
    LeastAllocated,
    /// Prefer the fullest node (bin packing).
    MostAllocated,
}

/// The kube-scheduler profile.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SchedulerSettings {
    /// NodeResourcesFit's scoring strategy.
    pub scoring: ScoringStrategy,
    /// `percentageOfNodesToScore` (0 = adaptive).
    pub percentage_of_nodes_to_score: u32,
    /// Pod topology spread system defaults (hostname maxSkew 3, zone maxSkew 5, ScheduleAnyway).
    pub system_default_spread: bool,
}

impl Default for SchedulerSettings {
    fn default() -> Self {
        SchedulerSettings {
            scoring: ScoringStrategy::LeastAllocated,
            percentage_of_nodes_to_score: 0,
            system_default_spread: true,
        }
    }
}

/// Cluster Autoscaler's `--expander`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expander {
    /// Least idle CPU and memory after the scale-up (default).
    LeastWaste,
    /// Most pending pods scheduled.
    MostPods,
    /// A seeded random choice.
    Random,
}

/// Cluster Autoscaler's flags.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClusterAutoscalerSettings {
    /// `--scan-interval` (10 s).
    pub scan_interval: SimDuration,
    /// `--expander` (least-waste).
    pub expander: Expander,
    /// `--scale-down-utilization-threshold` (0.5).
    pub scale_down_utilization_threshold: f64,
    /// `--scale-down-unneeded-time` (10 min).
    pub scale_down_unneeded_time: SimDuration,
    /// `--scale-down-delay-after-add` (10 min).
    pub scale_down_delay_after_add: SimDuration,
    /// `--scale-down-delay-after-delete` (0 s).
    pub scale_down_delay_after_delete: SimDuration,
    /// `--max-node-provision-time` (15 min).
    pub max_node_provision_time: SimDuration,
    /// `--max-scale-down-parallelism` (10) for empty nodes.
    pub max_empty_bulk_delete: u32,
    /// `--balance-similar-node-groups` (false).
    pub balance_similar_node_groups: bool,
    /// `--max-graceful-termination-sec` (600).
    pub max_graceful_termination: SimDuration,
}

impl Default for ClusterAutoscalerSettings {
    fn default() -> Self {
        ClusterAutoscalerSettings {
            scan_interval: SimDuration::from_secs(10),
            expander: Expander::LeastWaste,
            scale_down_utilization_threshold: 0.5,
            scale_down_unneeded_time: SimDuration::from_secs(600),
            scale_down_delay_after_add: SimDuration::from_secs(600),
            scale_down_delay_after_delete: SimDuration::ZERO,
            max_node_provision_time: SimDuration::from_secs(900),
            max_empty_bulk_delete: 10,
            balance_similar_node_groups: false,
            max_graceful_termination: SimDuration::from_secs(600),
        }
    }
}

/// Karpenter's controller settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct KarpenterSettings {
    /// `BATCH_IDLE_DURATION` (1 s).
    pub batch_idle_duration: SimDuration,
    /// `BATCH_MAX_DURATION` (10 s).
    pub batch_max_duration: SimDuration,
    /// The disruption controller's polling period (10 s).
    pub disruption_poll: SimDuration,
    /// Consolidation's re-validation delay (15 s).
    pub consolidation_validation_delay: SimDuration,
    /// `VM_MEMORY_OVERHEAD_PERCENT` (0.075).
    pub vm_memory_overhead_percent: f64,
    /// Whether `INTERRUPTION_QUEUE` names the SQS queue of EC2 interruption events; without one
    /// (Karpenter's default) Karpenter does not see Spot interruption notices.
    pub interruption_queue: bool,
}

impl Default for KarpenterSettings {
    fn default() -> Self {
        KarpenterSettings {
            batch_idle_duration: SimDuration::from_secs(1),
            batch_max_duration: SimDuration::from_secs(10),
            disruption_poll: SimDuration::from_secs(10),
            consolidation_validation_delay: SimDuration::from_secs(15),
            vm_memory_overhead_percent: 0.075,
            interruption_queue: false,
        }
    }
}

/// How long the machinery takes (k8s-semantics 6.8, 7.4): simulator settings, AWS publishes none.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct KubeTimings {
    /// EC2 instance launch to node Ready: drawn uniformly from this range (45–75 s).
    pub node_ready_min: SimDuration,
    /// Upper end of the node boot range.
    pub node_ready_max: SimDuration,
    /// Pod bound to a node until its containers start (image pull): 10 s.
    pub image_pull: SimDuration,
    /// Fargate pod creation to a running micro-VM, drawn uniformly (35–60 s), plus the pull.
    pub fargate_start_min: SimDuration,
    /// Upper end of the Fargate start range.
    pub fargate_start_max: SimDuration,
    /// Time for a terminating pod's endpoint to leave the load balancer (2 s).
    pub endpoint_propagation: SimDuration,
    /// Cluster Autoscaler: the ASG API's latency from SetDesiredCapacity to the launch (10 s).
    pub asg_api_latency: SimDuration,
    /// The pod garbage collector's quarantine: pods bound to a deleted Node are deleted this long
    /// after the Node (`quarantineTime`, 40 s, in `pkg/controller/podgc`).
    pub orphaned_pod_gc: SimDuration,
    /// `kubectl drain` (and the node drainers of EKS and Karpenter) retry an eviction a
    /// PodDisruptionBudget refused this often (5 s).
    pub eviction_retry: SimDuration,
}

impl Default for KubeTimings {
    fn default() -> Self {
        KubeTimings {
            node_ready_min: SimDuration::from_secs(45),
            node_ready_max: SimDuration::from_secs(75),
            image_pull: SimDuration::from_secs(10),
            fargate_start_min: SimDuration::from_secs(35),
            fargate_start_max: SimDuration::from_secs(60),
            endpoint_propagation: SimDuration::from_secs(2),
            asg_api_latency: SimDuration::from_secs(10),
            orphaned_pod_gc: SimDuration::from_secs(40),
            eviction_retry: SimDuration::from_secs(5),
        }
    }
}
