//! Kubernetes control loops (EKS mode) as pure functions over `model::k8s` data.

pub mod deployment;
pub mod disruption_budget;
