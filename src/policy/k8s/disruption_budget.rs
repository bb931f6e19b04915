//! PodDisruptionBudgets (k8s-semantics 3.3, K-DISR `getExpectedPodCount`, the eviction API):
//! how many matching pods must stay healthy and whether one eviction may proceed. Only
//! evictions (node drains by Cluster Autoscaler, Karpenter, node group updates) consult a
//! budget; rollouts and HPA scale-down delete pods without it.
//!
//! # How the engine calls this
//!
//! Before a drain evicts a pod, the engine counts the pods the budget selects and asks:
//!
//! ```
//! use ecsim::model::k8s::{DisruptionBudget, IntOrPercent};
//! use ecsim::policy::k8s::disruption_budget::{BudgetCounts, EvictedPod, Eviction, budget_status, may_evict};
//!
//! let budget = DisruptionBudget::MinAvailable(IntOrPercent::Percent(50));
//! let counts = BudgetCounts { expected_scale: 7, matching_pods: 7, healthy: 7 };
//! let status = budget_status(&budget, &counts);
//! assert_eq!((status.desired_healthy, status.disruptions_allowed), (4, 3)); // k8s-semantics W27
//! let pod = EvictedPod { pending_or_terminating: false, ready: true };
//! assert_eq!(may_evict(Some(&status), &pod), Eviction::Allowed { uses_budget: true });
//! ```
//!
//! An allowed eviction that uses the budget lowers `disruptions_allowed` by one until the
//! engine recounts (the pod is then terminating and no longer healthy).

use crate::model::k8s::{DisruptionBudget, IntOrPercent};

/// What the disruption controller counts for one budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BudgetCounts {
    /// Σ `spec.replicas` of the controllers owning the matching pods (their scale).
    pub expected_scale: u32,
    /// Matching pods, not terminal.
    pub matching_pods: u32,
    /// Matching pods that are Ready and not terminating (`currentHealthy`).
    pub healthy: u32,
}

/// A budget's status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BudgetStatus {
    /// `expectedPods`.
    pub expected_pods: u32,
    /// `desiredHealthy`.
    pub desired_healthy: u32,
    /// `currentHealthy`.
    pub current_healthy: u32,
    /// `disruptionsAllowed`: evictions of healthy pods that may proceed now.
    pub disruptions_allowed: u32,
}

/// The status of `budget` over `counts` (k8s-semantics W27). An integer `minAvailable` is
/// measured against the matching pods, everything else against the owners' scale;
/// percentages round up.
pub fn budget_status(budget: &DisruptionBudget, counts: &BudgetCounts) -> BudgetStatus {
    let (expected_pods, desired_healthy) = match *budget {
        DisruptionBudget::MinAvailable(IntOrPercent::Int(n)) => (counts.matching_pods, n),
        DisruptionBudget::MinAvailable(percent) => (counts.expected_scale, percent.scaled_up(counts.expected_scale)),
        DisruptionBudget::MaxUnavailable(value) => {
            let expected = counts.expected_scale;
            (expected, expected.saturating_sub(value.scaled_up(expected)))
        }
    };
    let disruptions_allowed = if expected_pods == 0 {
        0
    } else {
        counts.healthy.saturating_sub(desired_healthy)
    };
    BudgetStatus {
        expected_pods,
        desired_healthy,
        current_healthy: counts.healthy,
        disruptions_allowed,
    }
}

/// The pod an eviction asks for, as the eviction API sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EvictedPod {
    /// Pending (not yet running), or already terminating: no budget applies.
    pub pending_or_terminating: bool,
    /// Ready.
    pub ready: bool,
}

/// The answer to one eviction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Eviction {
    /// The pod may go; `uses_budget`: it was healthy, so the budget's `disruptionsAllowed`
    /// falls by one until the controller recounts.
    Allowed {
        /// Whether the eviction spends one of `disruptionsAllowed`.
        uses_budget: bool,
    },
    /// HTTP 429: the budget allows no more disruptions now; the caller retries later.
    Blocked,
}

/// May the pod be evicted under a budget with `status` (`None`: no budget selects it)?
/// A not-Ready running pod follows the default `unhealthyPodEvictionPolicy: IfHealthyBudget`:
/// it goes without spending the budget while the application is not disrupted
/// (`currentHealthy >= desiredHealthy > 0`), else it needs a disruption like a healthy pod.
pub fn may_evict(status: Option<&BudgetStatus>, pod: &EvictedPod) -> Eviction {
    let Some(status) = status else {
        return Eviction::Allowed { uses_budget: false };
    };
    if pod.pending_or_terminating {
        return Eviction::Allowed { uses_budget: false };
    }
    if !pod.ready && status.desired_healthy > 0 && status.current_healthy >= status.desired_healthy {
        return Eviction::Allowed { uses_budget: false };
    }
    if status.disruptions_allowed > 0 {
        Eviction::Allowed { uses_budget: true }
    } else {
        Eviction::Blocked
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::k8s::IntOrPercent::{Int, Percent};

    #[track_caller]
    fn check(budget: DisruptionBudget, scale: u32, pods: u32, healthy: u32, expected: (u32, u32, u32)) {
        let counts = BudgetCounts {
            expected_scale: scale,
            matching_pods: pods,
            healthy,
        };
        let s = budget_status(&budget, &counts);
        assert_eq!(
            (s.expected_pods, s.desired_healthy, s.disruptions_allowed),
            expected,
            "(expected, desiredHealthy, disruptionsAllowed)"
        );
        assert_eq!(s.current_healthy, healthy);
    }

    #[test]
    fn desired_healthy_and_disruptions_allowed_per_budget_kind() {
        use DisruptionBudget::{MaxUnavailable, MinAvailable};
        // k8s-semantics W27.
        check(MinAvailable(Percent(50)), 7, 7, 7, (7, 4, 3));
        check(MaxUnavailable(Percent(25)), 10, 10, 10, (10, 7, 3));
        check(MinAvailable(Int(2)), 2, 2, 2, (2, 2, 0));
        // Integer minAvailable counts matching pods, not the owners' scale.
        check(MinAvailable(Int(2)), 10, 3, 3, (3, 2, 1));
        // Percentages round up: 50 % of 5 → 3; maxUnavailable 10 % of 5 → 1.
        check(MinAvailable(Percent(50)), 5, 5, 5, (5, 3, 2));
        check(MaxUnavailable(Percent(10)), 5, 5, 5, (5, 4, 1));
        check(MaxUnavailable(Int(1)), 3, 3, 2, (3, 2, 0));
        check(MaxUnavailable(Int(5)), 3, 3, 3, (3, 0, 3));
        check(MinAvailable(Percent(100)), 4, 4, 4, (4, 4, 0));
        check(MaxUnavailable(Percent(0)), 4, 4, 4, (4, 4, 0));
        // Fewer healthy pods than desired: nothing allowed, never negative.
        check(MinAvailable(Percent(50)), 7, 7, 2, (7, 4, 0));
        // Nothing expected: nothing allowed.
        check(MaxUnavailable(Int(1)), 0, 0, 0, (0, 0, 0));
        check(MinAvailable(Int(0)), 0, 0, 0, (0, 0, 0));
        check(MinAvailable(Int(0)), 0, 1, 1, (1, 0, 1));
    }

    #[test]
    fn evictions_spend_the_budget_of_healthy_pods_only() {
        let status = BudgetStatus {
            expected_pods: 2,
            desired_healthy: 2,
            current_healthy: 2,
            disruptions_allowed: 0,
        };
        let ready = EvictedPod {
            pending_or_terminating: false,
            ready: true,
        };
        let unready = EvictedPod {
            pending_or_terminating: false,
            ready: false,
        };
        let pending = EvictedPod {
            pending_or_terminating: true,
            ready: false,
        };
        // k8s-semantics W27: minAvailable 2 of 2 blocks a drain.
        assert_eq!(may_evict(Some(&status), &ready), Eviction::Blocked);
        assert_eq!(
            may_evict(Some(&status), &unready),
            Eviction::Allowed { uses_budget: false }
        );
        assert_eq!(
            may_evict(Some(&status), &pending),
            Eviction::Allowed { uses_budget: false }
        );
        assert_eq!(may_evict(None, &ready), Eviction::Allowed { uses_budget: false });
        let disrupted = BudgetStatus {
            current_healthy: 1,
            ..status
        };
        assert_eq!(may_evict(Some(&disrupted), &unready), Eviction::Blocked);
        let open = BudgetStatus {
            disruptions_allowed: 1,
            current_healthy: 3,
            ..status
        };
        assert_eq!(may_evict(Some(&open), &ready), Eviction::Allowed { uses_budget: true });
        // A budget that wants nothing healthy: an unready pod spends a disruption too.
        let nothing_desired = BudgetStatus {
            desired_healthy: 0,
            current_healthy: 0,
            disruptions_allowed: 0,
            ..status
        };
        assert_eq!(may_evict(Some(&nothing_desired), &unready), Eviction::Blocked);
        let spare = BudgetStatus {
            disruptions_allowed: 1,
            ..nothing_desired
        };
        assert_eq!(
            may_evict(Some(&spare), &unready),
            Eviction::Allowed { uses_budget: true }
        );
    }
}
