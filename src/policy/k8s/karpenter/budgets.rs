//! NodePool disruption budgets (k8s-semantics 6.6): how many of a pool's nodes voluntary
//! disruption may take at once, per reason.

use crate::model::k8s::IntOrPercent;

/// Why Karpenter disrupts a node; the words of events.csv and of a budget's `reasons`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DisruptionReason {
    /// The node has no pods but DaemonSet pods.
    Empty,
    /// Its pods fit elsewhere, or on one cheaper node.
    Underutilized,
    /// It no longer matches its NodePool (not produced: ecsim's NodePools do not change).
    Drifted,
    /// It reached `expireAfter` (forceful: budgets do not apply).
    Expired,
}

impl DisruptionReason {
    /// The name Karpenter uses: `Empty`, `Underutilized`, `Drifted`, `Expired`.
    pub fn as_str(self) -> &'static str {
        match self {
            DisruptionReason::Empty => "Empty",
            DisruptionReason::Underutilized => "Underutilized",
            DisruptionReason::Drifted => "Drifted",
            DisruptionReason::Expired => "Expired",
        }
    }

    /// The reason a budget's `reasons` entry names, if it names one a budget may limit.
    pub fn from_budget_reason(name: &str) -> Option<DisruptionReason> {
        match name {
            "Empty" => Some(DisruptionReason::Empty),
            "Underutilized" => Some(DisruptionReason::Underutilized),
            "Drifted" => Some(DisruptionReason::Drifted),
            _ => None,
        }
    }
}

/// One `spec.disruption.budgets` entry, with its schedule resolved by the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeBudget {
    /// `nodes`: a count, or a percentage of the pool's nodes rounded up.
    pub nodes: IntOrPercent,
    /// `reasons` it limits; empty = every reason.
    pub reasons: Vec<DisruptionReason>,
    /// Whether its `schedule` window is on now (a budget without a schedule always is);
    /// an inactive budget does not limit anything.
    pub active: bool,
}

impl NodeBudget {
    /// Karpenter's default budget: `nodes: "10%"`, every reason, always active.
    pub fn default_budget() -> NodeBudget {
        NodeBudget {
            nodes: IntOrPercent::Percent(10),
            reasons: Vec::new(),
            active: true,
        }
    }

    fn applies_to(&self, reason: DisruptionReason) -> bool {
        self.active && (self.reasons.is_empty() || self.reasons.contains(&reason))
    }
}

/// A NodePool's nodes as budgets count them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PoolNodeCounts {
    /// Every node of the pool (deleting and not Ready ones included).
    pub total: u32,
    /// Nodes being deleted (drained or terminating).
    pub deleting: u32,
    /// Nodes launched but not Ready yet.
    pub not_ready: u32,
}

/// How many more nodes of the pool may be disrupted for `reason` now: the least over the
/// active budgets that apply of `ceil(total x pct)` (or the count), minus the nodes deleting
/// and not Ready, floored at zero. Expiry is not budgeted: `u32::MAX`. No budget that applies:
/// unlimited, less nothing (k8s-semantics 6.6, W36).
pub fn allowed_disruptions(budgets: &[NodeBudget], reason: DisruptionReason, counts: PoolNodeCounts) -> u32 {
    if reason == DisruptionReason::Expired {
        return u32::MAX;
    }
    let limit = budgets
        .iter()
        .filter(|b| b.applies_to(reason))
        .map(|b| b.nodes.scaled_up(counts.total))
        .min();
    match limit {
        Some(limit) => limit.saturating_sub(counts.deleting.saturating_add(counts.not_ready)),
        None => u32::MAX,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DisruptionReason::{Drifted, Empty, Expired, Underutilized};

    fn budget(nodes: IntOrPercent, reasons: &[DisruptionReason]) -> NodeBudget {
        NodeBudget {
            nodes,
            reasons: reasons.to_vec(),
            active: true,
        }
    }

    #[track_caller]
    fn check(
        budgets: &[NodeBudget],
        reason: DisruptionReason,
        (total, deleting, not_ready): (u32, u32, u32),
        allowed: u32,
    ) {
        let counts = PoolNodeCounts {
            total,
            deleting,
            not_ready,
        };
        assert_eq!(
            allowed_disruptions(budgets, reason, counts),
            allowed,
            "{budgets:?} {reason:?} {counts:?}"
        );
    }

    #[test]
    fn budgets_allow_the_rounded_up_share_less_nodes_in_flux() {
        use IntOrPercent::{Int, Percent};
        let twenty = [budget(Percent(20), &[])];
        // k8s-semantics W36: 19 nodes at 20 % -> ceil(3.8) = 4.
        check(&twenty, Underutilized, (19, 0, 0), 4);
        // W36: with 1 node deleting and 1 NotReady -> 2.
        check(&twenty, Underutilized, (19, 1, 1), 2);
        // W36: the default 10 % with 5 nodes -> 1.
        check(&[NodeBudget::default_budget()], Empty, (5, 0, 0), 1);
        // W36: nodes "0" -> no voluntary disruption; expiry still proceeds.
        check(&[budget(Int(0), &[])], Underutilized, (5, 0, 0), 0);
        check(&[budget(Int(0), &[])], Empty, (5, 0, 0), 0);
        check(&[budget(Int(0), &[])], Expired, (5, 0, 0), u32::MAX);
        // Edges: zero nodes; more in flux than allowed; 100 %; the least of several budgets.
        check(&twenty, Empty, (0, 0, 0), 0);
        check(&twenty, Empty, (19, 3, 2), 0);
        check(&[budget(Percent(100), &[])], Empty, (7, 1, 0), 6);
        check(&[budget(Percent(50), &[]), budget(Int(2), &[])], Empty, (10, 0, 0), 2);
        check(&[budget(Int(3), &[])], Empty, (1, 0, 0), 3);
    }

    #[test]
    fn a_budget_limits_only_its_reasons_and_only_while_active() {
        use IntOrPercent::{Int, Percent};
        let only_underutilized = [budget(Int(0), &[Underutilized]), budget(Percent(10), &[])];
        check(&only_underutilized, Underutilized, (20, 0, 0), 0);
        check(&only_underutilized, Empty, (20, 0, 0), 2);
        check(&[budget(Int(0), &[Drifted])], Empty, (20, 0, 0), u32::MAX);
        let mut off = budget(Int(0), &[]);
        off.active = false;
        check(&[off], Underutilized, (20, 0, 0), u32::MAX);
        check(&[], Underutilized, (20, 5, 5), u32::MAX);
    }

    #[test]
    fn reasons_read_and_print_as_karpenter_names_them() {
        for reason in [Empty, Underutilized, Drifted] {
            assert_eq!(DisruptionReason::from_budget_reason(reason.as_str()), Some(reason));
        }
        assert_eq!(DisruptionReason::from_budget_reason("Expired"), None);
        assert_eq!(DisruptionReason::from_budget_reason("empty"), None);
        assert_eq!(Expired.as_str(), "Expired");
    }
}
