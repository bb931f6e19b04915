//! Kubernetes control-loop decisions for EKS mode, as pure functions over `model::k8s` data.

pub mod scheduler;
