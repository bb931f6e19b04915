//! Pure decisions of EKS mode's Kubernetes control loops, over read-only inputs.

pub mod karpenter;
