//! What a node offers pods: capacity less kube-reserved and the eviction threshold, on the EKS
//! optimized AMI and in Karpenter's estimate before a node exists (k8s-semantics 6.3, 7.3).

use crate::model::catalog::{CpuArchitecture, InstanceType};
use crate::model::k8s::PodResources;

/// Karpenter's `VM_MEMORY_OVERHEAD_PERCENT` default: the share of EC2 memory the node will not
/// report as capacity (k8s-semantics 6.3).
pub const DEFAULT_VM_MEMORY_OVERHEAD: f64 = 0.075;

/// `evictionHard` `memory.available` of the EKS AMI and Karpenter, MiB.
pub const EVICTION_HARD_MEMORY_MIB: u64 = 100;

/// Memory Graviton types keep for the contiguous memory allocator, MiB (k8s-semantics 6.3).
const ARM64_RESERVED_MIB: u64 = 64;

/// kube-reserved CPU per range of cores, in hundredths of a percent: 6 % of the first core, 1 % of
/// the second, 0.5 % of the third and fourth, 0.25 % of every further core.
const CPU_RESERVED_RANGES: [(u64, u64, u64); 4] = [
    (0, 1000, 600),
    (1000, 2000, 100),
    (2000, 4000, 50),
    (4000, u64::MAX, 25),
];

/// What the scheduler may place on a node: `status.allocatable`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodeAllocatable {
    /// Allocatable CPU (millicores) and memory (MiB).
    pub resources: PodResources,
    /// Allocatable pods: the kubelet's `maxPods`.
    pub pods: u32,
}

/// Allocatable of a node of `instance` whose kubelet admits `max_pods` pods (k8s-semantics 6.3,
/// 7.3, W38): capacity less kube-reserved (`kube_reserved`) less the 100 MiB eviction threshold.
/// Memory capacity is EC2's figure less 64 MiB on arm64, less `vm_memory_overhead` of it rounded
/// up (Karpenter's guess, [`DEFAULT_VM_MEMORY_OVERHEAD`]; the simulator uses the same guess for a
/// running node, as no measured table is supplied). Karpenter passes the ENI-limited pod count
/// (`max_pods` with `MaxPodsCap::Uncapped`).
pub fn allocatable(instance: &InstanceType, max_pods: u32, vm_memory_overhead: f64) -> NodeAllocatable {
    let capacity = PodResources {
        cpu_milli: u64::from(instance.vcpus) * 1000,
        memory_mib: reported_memory_mib(instance, vm_memory_overhead),
    };
    let held_back = kube_reserved(instance.vcpus, max_pods).plus(PodResources {
        cpu_milli: 0,
        memory_mib: EVICTION_HARD_MEMORY_MIB,
    });
    NodeAllocatable {
        resources: capacity.saturating_minus(held_back),
        pods: max_pods,
    }
}

/// Memory the node reports as capacity, MiB: EC2's figure, less 64 MiB on arm64, less
/// `ceil(that x vm_memory_overhead)`.
pub fn reported_memory_mib(instance: &InstanceType, vm_memory_overhead: f64) -> u64 {
    let arm_reserved = match instance.architecture {
        CpuArchitecture::Arm64 => ARM64_RESERVED_MIB,
        CpuArchitecture::X86_64 => 0,
    };
    let memory = instance.memory_mib.saturating_sub(arm_reserved);
    let overhead = (memory as f64 * vm_memory_overhead.max(0.0)).ceil() as u64;
    memory.saturating_sub(overhead)
}

/// kube-reserved of the EKS AMI and Karpenter: CPU by the per-core tiers (each tier's share
/// rounded down, as `nodeadm` does in integer millicores), memory `11 x max_pods + 255` MiB.
pub fn kube_reserved(vcpus: u32, max_pods: u32) -> PodResources {
    let cpu_milli = u64::from(vcpus) * 1000;
    let reserved_cpu = CPU_RESERVED_RANGES
        .iter()
        .map(|&(start, end, basis_points)| cpu_milli.min(end).saturating_sub(start) * basis_points / 10_000)
        .sum();
    PodResources {
        cpu_milli: reserved_cpu,
        memory_mib: 11 * u64::from(max_pods) + 255,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::catalog::instance_type;

    #[track_caller]
    fn check(name: &str, max_pods: u32, cpu_milli: u64, memory_mib: u64) {
        let instance = instance_type(name).expect("in the catalog");
        let got = allocatable(instance, max_pods, DEFAULT_VM_MEMORY_OVERHEAD);
        let expected = NodeAllocatable {
            resources: PodResources { cpu_milli, memory_mib },
            pods: max_pods,
        };
        assert_eq!(got, expected, "{name} with {max_pods} pods");
    }

    #[test]
    fn w38_karpenter_allocatable() {
        // k8s-semantics W38: m5.large 8192 - ceil(614.4) = 7577 MiB capacity, kube-reserved
        // 70m / 574 MiB, eviction 100 MiB.
        check("m5.large", 29, 1930, 6903);
        // m5.xlarge: 4000 - 80 = 3920m; 16384 - 1229 - 893 - 100 = 14162 MiB.
        check("m5.xlarge", 58, 3920, 14_162);
    }

    #[test]
    fn other_types_and_pod_counts() {
        // t3.medium, 17 pods: 2000 - 70; 4096 - 308 - (187 + 255) - 100.
        check("t3.medium", 17, 1930, 3246);
        // m5.large with prefix delegation (110 pods) reserves 11 x 110 + 255 = 1465 MiB.
        check("m5.large", 110, 1930, 7577 - 1465 - 100);
        // Graviton: m7g.large 8192 - 64 = 8128, ceil(609.6) = 610 -> 7518 - 574 - 100.
        check("m7g.large", 29, 1930, 6844);
        // 16 vCPUs: 60 + 10 + 10 + 12 x 2.5 = 110m.
        check("m5.4xlarge", 234, 15_890, 65_536 - 4916 - (11 * 234 + 255) - 100);
    }

    #[track_caller]
    fn check_reserved_cpu(vcpus: u32, expected_milli: u64) {
        assert_eq!(kube_reserved(vcpus, 0).cpu_milli, expected_milli, "{vcpus} vCPUs");
    }

    #[test]
    fn kube_reserved_cpu_tiers() {
        check_reserved_cpu(0, 0);
        check_reserved_cpu(1, 60);
        check_reserved_cpu(2, 70);
        check_reserved_cpu(3, 75);
        check_reserved_cpu(4, 80);
        // 0.25 % of one core is 2.5m: the tier's total is rounded down, not each core's.
        check_reserved_cpu(5, 82);
        check_reserved_cpu(6, 85);
        check_reserved_cpu(32, 150);
        check_reserved_cpu(96, 310);
        assert_eq!(kube_reserved(2, 0).memory_mib, 255);
        assert_eq!(kube_reserved(2, 29).memory_mib, 574);
    }

    #[test]
    fn reported_memory_overhead_rounds_up_and_never_underflows() {
        let m5 = instance_type("m5.large").expect("in the catalog");
        assert_eq!(reported_memory_mib(m5, 0.0), 8192);
        assert_eq!(reported_memory_mib(m5, 0.075), 7577);
        assert_eq!(reported_memory_mib(m5, 1.0), 0);
        assert_eq!(reported_memory_mib(m5, -0.5), 8192);
        // Every allocation held back beyond capacity leaves zero, not a wrapped number.
        let tiny = allocatable(m5, 1000, 0.9);
        assert_eq!(tiny.resources.memory_mib, 0);
    }
}
