//! A PodDisruptionBudget's `spec`: exactly one of `minAvailable` and `maxUnavailable`.

use super::quantity::IntOrPercent;

/// The budget of a PodDisruptionBudget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DisruptionBudget {
    /// `spec.minAvailable`.
    MinAvailable(IntOrPercent),
    /// `spec.maxUnavailable`.
    MaxUnavailable(IntOrPercent),
}
