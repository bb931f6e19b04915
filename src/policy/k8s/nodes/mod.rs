//! Node capacity on EKS: pods per node (VPC CNI), allocatable on the EKS AMI and in Karpenter's
//! estimate, and the size and price of a Fargate pod (k8s-semantics 6.3, 7.2 to 7.4).
//!
//! # How the engine calls this
//!
//! Once per node group or NodePool instance type (the results are constant, so keep them):
//!
//! ```
//! use ecsim::model::catalog::instance_type;
//! use ecsim::model::k8s::PodResources;
//! use ecsim::policy::k8s::nodes::{DEFAULT_VM_MEMORY_OVERHEAD, MaxPodsCap, PodNetworking};
//! use ecsim::policy::k8s::nodes::{allocatable, fargate_pod_size, max_pods};
//!
//! let m5_large = instance_type("m5.large").unwrap();
//! // A managed node group with the VPC CNI's defaults.
//! let pods = max_pods(m5_large, PodNetworking::default(), MaxPodsCap::ManagedNodeGroup);
//! let node = allocatable(m5_large, pods, DEFAULT_VM_MEMORY_OVERHEAD);
//! assert_eq!((node.resources.cpu_milli, node.resources.memory_mib, node.pods), (1930, 6903, 29));
//!
//! // A pod that a Fargate profile selects, when it is created: its requests are
//! // `fargate_requests(&template)` (limits stand in for missing requests).
//! let size = fargate_pod_size(PodResources { cpu_milli: 1000, memory_mib: 8192 }).unwrap();
//! assert_eq!(size.to_string(), "2vCPU 9GB");
//! assert!(size.usd_per_hour() > 0.0);
//! ```

pub mod allocatable;
pub mod fargate_size;
pub mod max_pods;

pub use allocatable::{
    DEFAULT_VM_MEMORY_OVERHEAD, EVICTION_HARD_MEMORY_MIB, NodeAllocatable, allocatable, kube_reserved,
    reported_memory_mib,
};
pub use fargate_size::{
    EKS_FARGATE_PRICE, FARGATE_POD_OVERHEAD_MIB, FargatePodSize, fargate_pod_size, fargate_requests,
};
pub use max_pods::{MaxPodsCap, PodNetworking, max_pods};
