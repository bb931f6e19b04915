//! Kubernetes control loops (EKS mode) as pure decisions over `model::k8s` data.

pub mod cluster_autoscaler;
pub mod deployment;
pub mod disruption_budget;
pub mod hpa;
pub mod karpenter;
pub mod keda;
pub mod nodes;
pub mod scheduler;
