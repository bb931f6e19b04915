//! The Kubernetes / EKS world as data: the object fields EKS mode models, with their defaults.
//!
//! These are the types the pure control loops of `policy::k8s` read and the `eks:` block of a
//! scenario is read into (`spec::eks`). Field names follow the Kubernetes API; units are in the
//! names (`cpu_milli`, `memory_mib`, `_s`). Defaults and sources: `k8s-semantics.md`.

pub mod hpa;
pub mod labels;
pub mod nodepool;
pub mod pdb;
pub mod pod;
pub mod quantity;
pub mod rollout;
pub mod taints;

pub use hpa::{
    HpaBehavior, HpaMetric, HpaScalingPolicy, MetricSource, MetricTarget, ScalingPolicyKind, ScalingRules, SelectPolicy,
};
pub use labels::{LabelRequirement, LabelSelector, Labels, SelectorOperator};
pub use nodepool::{CapacityType, ConsolidationPolicy};
pub use pdb::DisruptionBudget;
pub use pod::{
    Affinity, ContainerSpec, DEFAULT_MEMORY_REQUEST_MIB, DEFAULT_MILLI_CPU_REQUEST, NodeSelectorTerm, PodAffinityTerm,
    PodTemplate, Probe, TopologySpreadConstraint, UnsatisfiableConstraintAction, WeightedNodeSelectorTerm,
    WeightedPodAffinityTerm,
};
pub use quantity::{IntOrPercent, PodResources};
pub use rollout::DeploymentStrategy;
pub use taints::{Taint, TaintEffect, Toleration, TolerationOperator};
