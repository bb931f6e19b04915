//! What a node's capacity type and a Karpenter NodePool's consolidation policy are: shared by
//! the `eks:` block (`spec::eks`) and the Karpenter decisions (`policy::k8s::karpenter`).

/// `capacityType` of a node group, `karpenter.sh/capacity-type` of a node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum CapacityType {
    /// `ON_DEMAND` / `on-demand`.
    OnDemand,
    /// `SPOT` / `spot`.
    Spot,
}

impl CapacityType {
    /// The value of the `karpenter.sh/capacity-type` label: `on-demand` or `spot`.
    pub fn karpenter_label(self) -> &'static str {
        match self {
            CapacityType::OnDemand => "on-demand",
            CapacityType::Spot => "spot",
        }
    }
}

/// `spec.disruption.consolidationPolicy` of a NodePool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConsolidationPolicy {
    /// Only empty nodes are removed.
    WhenEmpty,
    /// Nodes whose pods fit elsewhere are removed, or replaced by one cheaper node (default).
    WhenEmptyOrUnderutilized,
}
