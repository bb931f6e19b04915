//! Test helpers: Karpenter's node capacity estimate for catalog types (k8s-semantics 6.3,
//! W38) and views that allow everything else.

use crate::model::catalog::{InstanceType, instance_type};
use crate::model::k8s::PodResources;

use super::offerings::NodeCapacity;

/// A catalog type by name.
pub fn it(name: &str) -> &'static InstanceType {
    instance_type(name).unwrap_or_else(|| panic!("{name} is in the catalog"))
}

/// Max pods by the ENI formula for the catalog types the tests use (k8s-semantics 7.2 table).
fn max_pods(it: &InstanceType) -> u32 {
    match it.name {
        "t3.small" => 11,
        "t3.medium" => 17,
        n if n.ends_with(".large") => 29,
        n if n.ends_with(".xlarge") || n.ends_with(".2xlarge") => 58,
        _ => 234,
    }
}

/// Karpenter's allocatable estimate: capacity less 7.5 % VM overhead, kube-reserved CPU tiers,
/// `11 x pods + 255` MiB and the 100 MiB eviction threshold (k8s-semantics 6.3).
pub fn karpenter_capacity(it: &InstanceType) -> NodeCapacity {
    let pods = max_pods(it);
    let cores = u64::from(it.vcpus);
    // Tenths of a millicore: 6 % of core 1, 1 % of core 2, 0.5 % of cores 3-4, 0.25 % beyond.
    let tenths = 600
        + 100 * cores.min(2).saturating_sub(1)
        + 50 * cores.clamp(2, 4).saturating_sub(2)
        + 25 * cores.saturating_sub(4);
    let reserved_cpu = tenths / 10;
    let vm_overhead = (it.memory_mib * 75).div_ceil(1000);
    let memory = it.memory_mib - vm_overhead - (11 * u64::from(pods) + 255) - 100;
    NodeCapacity {
        allocatable: PodResources {
            cpu_milli: cores * 1000 - reserved_cpu,
            memory_mib: memory,
        },
        pods,
    }
}

/// `(cpu_milli, memory_mib)` as requests.
pub fn res(cpu_milli: u64, memory_mib: u64) -> PodResources {
    PodResources { cpu_milli, memory_mib }
}

#[test]
fn the_capacity_helper_reproduces_w38() {
    // k8s-semantics W38: m5.large 1930m / 6903 MiB / 29 pods; m5.xlarge 3920m / 14162 MiB / 58.
    assert_eq!(
        karpenter_capacity(it("m5.large")),
        NodeCapacity {
            allocatable: res(1930, 6903),
            pods: 29
        }
    );
    assert_eq!(
        karpenter_capacity(it("m5.xlarge")),
        NodeCapacity {
            allocatable: res(3920, 14162),
            pods: 58
        }
    );
}
