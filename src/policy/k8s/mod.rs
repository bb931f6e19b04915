//! Kubernetes' control loops (EKS mode) as pure decisions over read-only inputs.

pub mod hpa;
