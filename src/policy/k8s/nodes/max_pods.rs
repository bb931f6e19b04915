//! Pods per node under the Amazon VPC CNI: the ENI formula, custom networking, prefix delegation
//! and the caps of the EKS calculator and of managed node groups (k8s-semantics 7.2).

use crate::model::catalog::InstanceType;

/// How the VPC CNI hands out pod addresses on a node.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PodNetworking {
    /// `ENABLE_PREFIX_DELEGATION`: each secondary address slot is a /28 prefix of 16 addresses.
    pub prefix_delegation: bool,
    /// Custom networking (pods on a different subnet): the primary ENI carries no pods.
    pub custom_networking: bool,
    /// ENIs kept from pods for another use, as Karpenter's `RESERVED_ENIS` (security groups for
    /// pods reserve one).
    pub reserved_enis: u32,
}

/// Which limit applies on top of the ENI formula.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MaxPodsCap {
    /// The formula as it is: AL2023 `nodeadm`'s default, the AMI's `eni-max-pods.txt`, Karpenter.
    Uncapped,
    /// `max-pods-calculator.sh`: at most 110 on types of up to 30 vCPUs, 250 above.
    Calculator,
    /// A managed node group: at most 110 below 30 vCPUs, 250 from 30 vCPUs.
    ManagedNodeGroup,
}

/// Pods the kubelet admits on a node of `instance`: the formula, then the cap (k8s-semantics 7.2,
/// W39). Secondary-IP mode gives `ENIs x (IPv4 per ENI - 1) + 2`, the 2 being the host-network pods
/// `aws-node` and `kube-proxy`; prefix delegation multiplies each ENI's slots by 16. Prefix
/// delegation is used with the calculator in practice, so it is capped as the calculator caps
/// even when `cap` is `Uncapped`.
pub fn max_pods(instance: &InstanceType, networking: PodNetworking, cap: MaxPodsCap) -> u32 {
    let formula = eni_formula(instance, networking);
    let cap = if networking.prefix_delegation && cap == MaxPodsCap::Uncapped {
        MaxPodsCap::Calculator
    } else {
        cap
    };
    match cap {
        MaxPodsCap::Uncapped => formula,
        MaxPodsCap::Calculator => formula.min(if instance.vcpus <= 30 { 110 } else { 250 }),
        MaxPodsCap::ManagedNodeGroup => formula.min(if instance.vcpus < 30 { 110 } else { 250 }),
    }
}

/// The uncapped ENI formula: `pod ENIs x (IPv4 per ENI - 1) [x 16 with prefixes] + 2`.
fn eni_formula(instance: &InstanceType, networking: PodNetworking) -> u32 {
    let pod_enis = instance
        .max_enis
        .saturating_sub(u32::from(networking.custom_networking))
        .saturating_sub(networking.reserved_enis);
    let slots_per_eni = instance.ipv4_per_eni.saturating_sub(1);
    let addresses_per_slot = if networking.prefix_delegation { 16 } else { 1 };
    pod_enis * slots_per_eni * addresses_per_slot + 2
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::catalog::{CpuArchitecture, all_instance_types, instance_type};

    /// m5.24xlarge is not in the catalog; its EC2 figures (96 vCPUs, 15 ENIs x 50 IPv4) are what
    /// k8s-semantics 7.2 uses for the 250 cap.
    const M5_24XLARGE: InstanceType = InstanceType {
        name: "m5.24xlarge",
        vcpus: 96,
        memory_mib: 393_216,
        max_enis: 15,
        ipv4_per_eni: 50,
        awsvpc_trunk_tasks: 120,
        architecture: CpuArchitecture::X86_64,
        on_demand_usd_per_hour: 4.608,
    };

    const SECONDARY_IP: PodNetworking = PodNetworking {
        prefix_delegation: false,
        custom_networking: false,
        reserved_enis: 0,
    };
    const CUSTOM: PodNetworking = PodNetworking {
        custom_networking: true,
        ..SECONDARY_IP
    };
    const PREFIXES: PodNetworking = PodNetworking {
        prefix_delegation: true,
        ..SECONDARY_IP
    };
    const SECURITY_GROUPS_FOR_PODS: PodNetworking = PodNetworking {
        reserved_enis: 1,
        ..SECONDARY_IP
    };

    #[track_caller]
    fn check(instance: &InstanceType, networking: PodNetworking, cap: MaxPodsCap, expected: u32) {
        assert_eq!(
            max_pods(instance, networking, cap),
            expected,
            "{} {networking:?} {cap:?}",
            instance.name
        );
    }

    fn catalog(name: &str) -> &'static InstanceType {
        instance_type(name).expect("in the catalog")
    }

    #[test]
    fn w39_eks_max_pods() {
        use MaxPodsCap::{Calculator, ManagedNodeGroup, Uncapped};
        // k8s-semantics W39, figure by figure.
        check(catalog("m5.large"), SECONDARY_IP, Uncapped, 29);
        check(catalog("m5.xlarge"), SECONDARY_IP, Uncapped, 58);
        check(catalog("t3.medium"), SECONDARY_IP, Uncapped, 17);
        check(catalog("m5.large"), CUSTOM, Uncapped, 20);
        // 3 x (9 x 16) + 2 = 434, capped at 110 on a type of 2 vCPUs.
        check(catalog("m5.large"), PREFIXES, Calculator, 110);
        check(catalog("m5.large"), PREFIXES, Uncapped, 110);
        check(catalog("m5.large"), PREFIXES, ManagedNodeGroup, 110);
        check(&M5_24XLARGE, SECONDARY_IP, Uncapped, 737);
        check(&M5_24XLARGE, SECONDARY_IP, Calculator, 250);
        check(&M5_24XLARGE, SECONDARY_IP, ManagedNodeGroup, 250);
        check(&M5_24XLARGE, PREFIXES, Uncapped, 250);
    }

    #[test]
    fn caps_reservations_and_small_types() {
        use MaxPodsCap::{Calculator, ManagedNodeGroup, Uncapped};
        // k8s-semantics 7.2's table, the rest of its rows.
        check(catalog("c5.large"), SECONDARY_IP, Uncapped, 29);
        check(catalog("m6i.large"), SECONDARY_IP, Uncapped, 29);
        check(catalog("m5.2xlarge"), SECONDARY_IP, Uncapped, 58);
        check(catalog("t3.medium"), PREFIXES, Uncapped, 110);
        // Below the cap the caps change nothing.
        check(catalog("m5.large"), SECONDARY_IP, ManagedNodeGroup, 29);
        check(catalog("m5.large"), SECONDARY_IP, Calculator, 29);
        // 8 x 29 + 2 = 234 on 16 vCPUs: a managed node group holds it at 110.
        check(catalog("m5.4xlarge"), SECONDARY_IP, Uncapped, 234);
        check(catalog("m5.4xlarge"), SECONDARY_IP, ManagedNodeGroup, 110);
        // m6i.8xlarge has 32 vCPUs: the 250 cap, above the formula's 234.
        check(catalog("m6i.8xlarge"), SECONDARY_IP, ManagedNodeGroup, 234);
        check(catalog("m6i.8xlarge"), PREFIXES, Uncapped, 250);
        // One ENI for security groups for pods: m5.large 2 x 9 + 2.
        check(catalog("m5.large"), SECURITY_GROUPS_FOR_PODS, Uncapped, 20);
        // Custom networking and a reserved ENI on a 3-ENI type leave one pod ENI.
        let both = PodNetworking {
            reserved_enis: 1,
            ..CUSTOM
        };
        check(catalog("m5.large"), both, Uncapped, 11);
        // More reservations than ENIs leave only the host-network pods.
        let all = PodNetworking {
            reserved_enis: 9,
            ..SECONDARY_IP
        };
        check(catalog("m5.large"), all, Uncapped, 2);
        check(catalog("t3.small"), SECONDARY_IP, Uncapped, 11);
        check(catalog("t3.large"), SECONDARY_IP, Uncapped, 35);
    }

    #[test]
    fn every_catalog_type_matches_the_eks_ami_table() {
        // `eni-max-pods.txt` of the EKS AMI: 29 for the large sizes, 58 for xlarge and 2xlarge,
        // 234 for 4xlarge and 8xlarge; t3.small 11, t3.medium 17, t3.large 35.
        for each in all_instance_types() {
            let expected = match each.name {
                "t3.small" => 11,
                "t3.medium" => 17,
                "t3.large" => 35,
                name if name.ends_with(".large") => 29,
                name if name.ends_with(".xlarge") || name.ends_with(".2xlarge") => 58,
                _ => 234,
            };
            check(each, SECONDARY_IP, MaxPodsCap::Uncapped, expected);
        }
    }
}
