//! Kubernetes / EKS control loops as pure decisions (issue 20; rules from `k8s-semantics.md`).

pub mod cluster_autoscaler;
pub mod nodes;
