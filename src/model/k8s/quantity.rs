//! Resource amounts and the int-or-percent values of rollouts, budgets and HPA policies.

/// CPU and memory of a pod or node: requests, allocatable, or usage.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct PodResources {
    /// CPU in millicores (`500m` = 500, `2` = 2000).
    pub cpu_milli: u64,
    /// Memory in MiB (`512Mi` = 512, `1Gi` = 1024; byte amounts round up to whole MiB).
    pub memory_mib: u64,
}

impl PodResources {
    /// Both amounts zero.
    pub const ZERO: PodResources = PodResources {
        cpu_milli: 0,
        memory_mib: 0,
    };

    /// The sum of two amounts.
    pub fn plus(self, other: PodResources) -> PodResources {
        PodResources {
            cpu_milli: self.cpu_milli + other.cpu_milli,
            memory_mib: self.memory_mib + other.memory_mib,
        }
    }

    /// `self - other`, each amount floored at zero.
    pub fn saturating_minus(self, other: PodResources) -> PodResources {
        PodResources {
            cpu_milli: self.cpu_milli.saturating_sub(other.cpu_milli),
            memory_mib: self.memory_mib.saturating_sub(other.memory_mib),
        }
    }

    /// Whether `other` fits in `self` in both amounts.
    pub fn holds(self, other: PodResources) -> bool {
        other.cpu_milli <= self.cpu_milli && other.memory_mib <= self.memory_mib
    }
}

/// An `IntOrString` field that is a count or a percentage (`maxSurge: 25%`, `minAvailable: 2`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntOrPercent {
    /// An absolute count.
    Int(u32),
    /// A percentage of a total, `"25%"` = 25.
    Percent(u32),
}

impl IntOrPercent {
    /// The value against `total`, a percentage rounded up (`maxSurge`, PDB `minAvailable`).
    pub fn scaled_up(self, total: u32) -> u32 {
        match self {
            IntOrPercent::Int(n) => n,
            IntOrPercent::Percent(p) => {
                ((u64::from(total) * u64::from(p)).div_ceil(100)).min(u64::from(u32::MAX)) as u32
            }
        }
    }

    /// The value against `total`, a percentage rounded down (`maxUnavailable` of a rollout).
    pub fn scaled_down(self, total: u32) -> u32 {
        match self {
            IntOrPercent::Int(n) => n,
            IntOrPercent::Percent(p) => ((u64::from(total) * u64::from(p)) / 100).min(u64::from(u32::MAX)) as u32,
        }
    }

    /// Whether the value is literally zero (`0` or `0%`).
    pub fn is_zero(self) -> bool {
        matches!(self, IntOrPercent::Int(0) | IntOrPercent::Percent(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_round_up_for_surge_and_down_for_unavailable() {
        // k8s-semantics W18: (10, 25 %, 25 %) → surge 3, unavailable 2.
        assert_eq!(IntOrPercent::Percent(25).scaled_up(10), 3);
        assert_eq!(IntOrPercent::Percent(25).scaled_down(10), 2);
        assert_eq!(IntOrPercent::Percent(39).scaled_up(10), 4);
        assert_eq!(IntOrPercent::Percent(39).scaled_down(10), 3);
        assert_eq!(IntOrPercent::Int(3).scaled_down(10), 3);
        assert!(IntOrPercent::Percent(0).is_zero());
        assert!(!IntOrPercent::Int(1).is_zero());
    }

    #[test]
    fn resources_add_subtract_and_fit() {
        let node = PodResources {
            cpu_milli: 1930,
            memory_mib: 6903,
        };
        let pod = PodResources {
            cpu_milli: 500,
            memory_mib: 1024,
        };
        assert!(node.holds(pod));
        assert_eq!(node.saturating_minus(pod).plus(pod), node);
        assert!(!pod.holds(node));
    }
}
