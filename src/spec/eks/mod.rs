//! EKS mode (issue 20): an `eks:` cluster of Deployments with HorizontalPodAutoscalers and
//! PodDisruptionBudgets, on managed node groups scaled by Cluster Autoscaler, Karpenter
//! NodePools, or Fargate profiles. Validated; the engine never sees an invalid `EksSpec`.
//!
//! The Kubernetes objects are `model::k8s` types; this module adds what the scenario says about
//! them as a whole: which object targets which, the capacity, and the control loops' settings.

mod faults;
mod metrics;
mod nodes;
mod settings;
mod workloads;

pub use faults::{EksCapacity, EksSpotInterruptionSpec};
pub use metrics::{MetricBinding, QueueAttribute, ScaledObjectSpec};
pub use nodes::{CapacityType, FargateProfileSpec, FargateSelector, NodeGroupSpec, NodePoolSpec};
pub use nodes::{ConsolidationPolicy, NodePoolBudget, NodePoolLimits};
pub use settings::{
    ClusterAutoscalerSettings, Expander, HpaControllerSettings, KarpenterSettings, KubeTimings, SchedulerSettings,
    ScoringStrategy,
};
pub use workloads::{DeploymentSpec, HpaSpec, PdbSpec, PodRevision};

/// The `eks:` block: one EKS cluster.
#[derive(Clone, Debug, Default)]
pub struct EksSpec {
    /// `clusterName` (default `eks`).
    pub cluster_name: String,
    /// `nodegroups`: managed node groups (an EC2 Auto Scaling group each).
    pub node_groups: Vec<NodeGroupSpec>,
    /// `fargateProfiles`.
    pub fargate_profiles: Vec<FargateProfileSpec>,
    /// `karpenter.nodePools`, in the order Karpenter tries them (weight descending, then name).
    pub node_pools: Vec<NodePoolSpec>,
    /// `apps/v1` Deployments, in file order.
    pub deployments: Vec<DeploymentSpec>,
    /// `autoscaling/v2` HorizontalPodAutoscalers.
    pub hpas: Vec<HpaSpec>,
    /// `policy/v1` PodDisruptionBudgets.
    pub pdbs: Vec<PdbSpec>,
    /// `keda.sh/v1alpha1` ScaledObjects (their HPAs are in `hpas`).
    pub scaled_objects: Vec<ScaledObjectSpec>,
    /// `clusterAutoscaler`: present when Cluster Autoscaler scales the node groups.
    pub cluster_autoscaler: Option<ClusterAutoscalerSettings>,
    /// `karpenter.settings`.
    pub karpenter: KarpenterSettings,
    /// `controllerManager`: the HPA controller's flags.
    pub hpa_controller: HpaControllerSettings,
    /// `scheduler`: the kube-scheduler profile.
    pub scheduler: SchedulerSettings,
    /// `timings`: node boot, image pull, endpoint propagation.
    pub timings: KubeTimings,
}

impl EksSpec {
    /// Whether the scenario has an EKS cluster with anything in it.
    pub fn is_empty(&self) -> bool {
        self.deployments.is_empty()
            && self.node_groups.is_empty()
            && self.node_pools.is_empty()
            && self.fargate_profiles.is_empty()
    }

    /// The node groups, NodePools and Fargate profiles the first template of Deployment `d` may
    /// run on: a Fargate profile that selects it, else the node groups and NodePools whose
    /// labels its nodeSelector allows (`eks.amazonaws.com/nodegroup` and
    /// `karpenter.sh/nodepool` included).
    pub fn capacity_for(&self, d: usize) -> Vec<String> {
        let deployment = &self.deployments[d];
        let template = &deployment.revisions[0].template;
        let fargate: Vec<String> = self
            .fargate_profiles
            .iter()
            .filter(|p| {
                p.selectors.iter().any(|s| {
                    (s.namespace == deployment.namespace || s.namespace == "*")
                        && s.labels.iter().all(|(k, v)| template.labels.get(k) == Some(v))
                })
            })
            .map(|p| p.name.clone())
            .collect();
        if !fargate.is_empty() {
            return fargate;
        }
        let allows = |labels: &crate::model::k8s::Labels, key: &str, name: &str| {
            template
                .node_selector
                .iter()
                .all(|(k, v)| if k == key { v == name } else { labels.get(k) == Some(v) })
        };
        let groups = self
            .node_groups
            .iter()
            .filter(|g| allows(&g.labels, "eks.amazonaws.com/nodegroup", &g.name))
            .map(|g| g.name.clone());
        let pools = self
            .node_pools
            .iter()
            .filter(|p| allows(&p.labels, "karpenter.sh/nodepool", &p.name))
            .map(|p| p.name.clone());
        groups.chain(pools).collect()
    }

    /// Index of the Deployment called `name`.
    pub fn deployment_index(&self, name: &str) -> Option<usize> {
        self.deployments.iter().position(|d| d.name == name)
    }
}
