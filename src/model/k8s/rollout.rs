//! A Deployment's `spec.strategy`.

use super::quantity::IntOrPercent;

/// `spec.strategy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeploymentStrategy {
    /// `RollingUpdate` (default): new pods replace old ones within the fence posts.
    RollingUpdate {
        /// `maxSurge` (default 25 %, percentages round up).
        max_surge: IntOrPercent,
        /// `maxUnavailable` (default 25 %, percentages round down).
        max_unavailable: IntOrPercent,
    },
    /// `Recreate`: every old pod is gone before the first new one is created.
    Recreate,
}

impl Default for DeploymentStrategy {
    fn default() -> DeploymentStrategy {
        DeploymentStrategy::RollingUpdate {
            max_surge: IntOrPercent::Percent(25),
            max_unavailable: IntOrPercent::Percent(25),
        }
    }
}
