//! The size EKS Fargate provisions for a pod, and its price (k8s-semantics 7.4, W40).

use std::fmt;

use crate::model::fargate::valid_fargate_memories;
use crate::model::fargate::{FARGATE_LINUX_CPU_UNITS, FARGATE_LINUX_X86, FargatePrice, fargate_task_cost_usd};
use crate::model::k8s::{ContainerSpec, PodResources, PodTemplate};

/// Memory Fargate adds to a pod's request for the kubelet, kube-proxy and containerd, MiB (256 MB).
pub const FARGATE_POD_OVERHEAD_MIB: u64 = 256;

/// EKS Fargate's rates: Linux/x86_64 in us-east-1 (EKS Fargate runs no Arm pods), the same
/// per vCPU-hour and GB-hour as ECS Fargate (`model::fargate`).
pub const EKS_FARGATE_PRICE: FargatePrice = FARGATE_LINUX_X86;

/// The micro-VM of one Fargate pod: the `CapacityProvisioned` annotation, which is what is billed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct FargatePodSize {
    /// vCPU in CPU units of 1024 per vCPU, as the Fargate table lists them (256 = 0.25 vCPU).
    pub cpu_units: u32,
    /// Memory in MiB (GB = 1024 MiB).
    pub memory_mib: u64,
}

impl FargatePodSize {
    /// Millicores the pod may use: 1000 per vCPU (0.25 vCPU = 250m).
    pub fn cpu_milli(&self) -> u64 {
        u64::from(self.cpu_units) * 1000 / 1024
    }

    /// USD per hour at EKS Fargate's rates.
    pub fn usd_per_hour(&self) -> f64 {
        fargate_task_cost_usd(self.cpu_units, self.memory_mib, 3_600_000, &EKS_FARGATE_PRICE)
    }

    /// USD for a pod that ran `billed_ms` (per-second billing, one-minute minimum).
    pub fn cost_usd(&self, billed_ms: u64) -> f64 {
        fargate_task_cost_usd(self.cpu_units, self.memory_mib, billed_ms, &EKS_FARGATE_PRICE)
    }
}

impl fmt::Display for FargatePodSize {
    /// As the `CapacityProvisioned` annotation writes it: `0.25vCPU 0.5GB`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let vcpu = f64::from(self.cpu_units) / 1024.0;
        let gb = self.memory_mib as f64 / 1024.0;
        write!(f, "{vcpu}vCPU {gb}GB")
    }
}

/// The requests Fargate sizes a pod of `template` by: each container's request, or its limit
/// where it sets only a limit (the API server defaults a missing request to the limit), combined
/// as the scheduler combines them (`PodTemplate::requests`): the larger of the app containers'
/// and sidecars' sum and the largest init container with the sidecars. A RuntimeClass overhead
/// is not added: Fargate adds its own 256 MiB.
pub fn fargate_requests(template: &PodTemplate) -> PodResources {
    let sidecars = template
        .sidecars
        .iter()
        .fold(PodResources::ZERO, |acc, c| acc.plus(defaulted_requests(c)));
    let app = template
        .containers
        .iter()
        .fold(sidecars, |acc, c| acc.plus(defaulted_requests(c)));
    template.init_containers.iter().fold(app, |acc, c| {
        let init = defaulted_requests(c).plus(sidecars);
        PodResources {
            cpu_milli: acc.cpu_milli.max(init.cpu_milli),
            memory_mib: acc.memory_mib.max(init.memory_mib),
        }
    })
}

/// A container's requests, a limit standing in for a request it does not set.
fn defaulted_requests(container: &ContainerSpec) -> PodResources {
    PodResources {
        cpu_milli: container.cpu_request_milli.or(container.cpu_limit_milli).unwrap_or(0),
        memory_mib: container.memory_request_mib.or(container.memory_limit_mib).unwrap_or(0),
    }
}

/// The size Fargate provisions for a pod whose requests are `requests` (the pod's effective
/// requests: the larger of its app containers' sum and its largest init container): memory plus
/// 256 MiB, then the smallest vCPU at least the request that offers memory at least that much,
/// then the smallest such memory. No requests give 0.25 vCPU / 0.5 GB. `None` when no
/// combination is large enough (over 16 vCPU or 120 GB): Fargate does not schedule such a pod.
pub fn fargate_pod_size(requests: PodResources) -> Option<FargatePodSize> {
    let memory_needed = requests.memory_mib + FARGATE_POD_OVERHEAD_MIB;
    FARGATE_LINUX_CPU_UNITS
        .iter()
        .filter(|&&cpu_units| u64::from(cpu_units) * 1000 >= requests.cpu_milli * 1024)
        .find_map(|&cpu_units| {
            let memory_mib = valid_fargate_memories(cpu_units)
                .into_iter()
                .find(|&memory| memory >= memory_needed)?;
            Some(FargatePodSize { cpu_units, memory_mib })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GB: u64 = 1024;

    #[track_caller]
    fn check(cpu_milli: u64, memory_mib: u64, expected: Option<(u32, u64)>) {
        let got = fargate_pod_size(PodResources { cpu_milli, memory_mib });
        let expected = expected.map(|(cpu_units, memory_mib)| FargatePodSize { cpu_units, memory_mib });
        assert_eq!(got, expected, "requests {cpu_milli}m / {memory_mib} MiB");
    }

    #[test]
    fn w40_fargate_sizing() {
        // k8s-semantics W40, row by row: (1 vCPU, 8 GB) -> 8.25 GB -> no 1 vCPU / 9 GB -> 2 / 9.
        check(1000, 8 * GB, Some((2048, 9 * GB)));
        check(0, 0, Some((256, 512)));
        check(250, 512, Some((256, GB)));
        check(500, GB, Some((512, 2 * GB)));
        check(2000, 4 * GB, Some((2048, 5 * GB)));
        check(3000, 4 * GB, Some((4096, 8 * GB)));
        check(4000, 30 * GB, Some((8192, 32 * GB)));
    }

    #[test]
    fn boundaries_and_sizes_too_large() {
        // 256 MiB of request plus 256 fits 0.5 GB exactly; one MiB more does not.
        check(250, 256, Some((256, 512)));
        check(250, 257, Some((256, GB)));
        // 251m is more than 0.25 vCPU.
        check(251, 0, Some((512, GB)));
        // Memory alone can push the vCPU up: 4 GB + 256 MiB is beyond 0.5 vCPU's 4 GB.
        check(0, 4 * GB, Some((1024, 5 * GB)));
        check(16_000, 120 * GB - 256, Some((16_384, 120 * GB)));
        check(16_000, 120 * GB, None);
        check(16_001, 0, None);
        // 8 vCPU memory steps by 4 GB: 17 GB + 256 MiB rounds to 20 GB.
        check(8000, 17 * GB, Some((8192, 20 * GB)));
    }

    fn container(requests: (Option<u64>, Option<u64>), limits: (Option<u64>, Option<u64>)) -> ContainerSpec {
        ContainerSpec {
            name: "app".into(),
            cpu_request_milli: requests.0,
            memory_request_mib: requests.1,
            cpu_limit_milli: limits.0,
            memory_limit_mib: limits.1,
            startup_probe: None,
            readiness_probe: None,
            liveness_probe: None,
        }
    }

    #[test]
    fn limits_stand_in_for_missing_requests() {
        let mut template = PodTemplate {
            labels: Default::default(),
            containers: vec![
                container((Some(500), None), (Some(1000), Some(2048))),
                container((None, None), (None, None)),
            ],
            init_containers: vec![],
            sidecars: vec![],
            node_selector: Default::default(),
            affinity: Default::default(),
            tolerations: vec![],
            topology_spread: vec![],
            termination_grace_period_s: 30,
            pre_stop_s: 0,
            priority: 0,
            overhead: PodResources {
                cpu_milli: 100,
                memory_mib: 100,
            },
        };
        // The first container's CPU request stays 500m; its memory comes from the limit. The
        // overhead is not counted.
        let requests = fargate_requests(&template);
        assert_eq!(
            requests,
            PodResources {
                cpu_milli: 500,
                memory_mib: 2048
            }
        );
        // 2048 + 256 MiB: 0.5 vCPU / 3 GB.
        check(requests.cpu_milli, requests.memory_mib, Some((512, 3 * GB)));
        // An init container larger than the app, a sidecar added to both.
        template.init_containers = vec![container((Some(2000), Some(512)), (None, None))];
        template.sidecars = vec![container((Some(100), Some(128)), (None, None))];
        assert_eq!(
            fargate_requests(&template),
            PodResources {
                cpu_milli: 2100,
                memory_mib: 2176
            }
        );
        // Nothing requested anywhere: the smallest size.
        template.containers = vec![container((None, None), (None, None))];
        template.init_containers.clear();
        template.sidecars.clear();
        assert_eq!(fargate_requests(&template), PodResources::ZERO);
    }

    #[test]
    fn price_and_annotation() {
        let smallest = FargatePodSize {
            cpu_units: 256,
            memory_mib: 512,
        };
        // 0.25 x 0.04048 + 0.5 x 0.004445 per hour (the ECS Fargate x86 rates, us-east-1).
        assert!((smallest.usd_per_hour() - 0.0123425).abs() < 1e-12);
        // 30 s is billed as the one-minute minimum.
        assert!((smallest.cost_usd(30_000) - 0.0123425 / 60.0).abs() < 1e-12);
        assert_eq!(smallest.cpu_milli(), 250);
        assert_eq!(smallest.to_string(), "0.25vCPU 0.5GB");
        let two_nine = FargatePodSize {
            cpu_units: 2048,
            memory_mib: 9 * GB,
        };
        assert_eq!(two_nine.to_string(), "2vCPU 9GB");
        assert_eq!(two_nine.cpu_milli(), 2000);
    }
}
