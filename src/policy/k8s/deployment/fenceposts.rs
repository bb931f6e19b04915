//! A rollout's fence posts: how far above and below `spec.replicas` a Deployment may go
//! (k8s-semantics 2.2, `ResolveFenceposts`, `MaxSurge`, `MaxUnavailable`).

use crate::model::k8s::DeploymentStrategy;

/// The resolved `maxSurge` and `maxUnavailable` of a Deployment with `replicas` desired.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FencePosts {
    /// `spec.replicas` (D).
    pub replicas: u32,
    /// Pods allowed above D: `maxSurge`, a percentage rounded up; 0 for `Recreate`.
    pub surge: u32,
    /// `maxUnavailable` as resolved (a percentage rounded down, 1 when both rounded to 0),
    /// before the clamp to D; 0 for `Recreate`.
    pub unavailable: u32,
}

impl FencePosts {
    /// Resolves the strategy against `replicas` desired.
    pub fn resolve(replicas: u32, strategy: &DeploymentStrategy) -> FencePosts {
        match *strategy {
            DeploymentStrategy::RollingUpdate {
                max_surge,
                max_unavailable,
            } => {
                let surge = max_surge.scaled_up(replicas);
                let unavailable = max_unavailable.scaled_down(replicas);
                FencePosts {
                    replicas,
                    surge,
                    // Rounding produced 0/0: the rollout could never move, so one pod may go.
                    unavailable: if surge == 0 && unavailable == 0 { 1 } else { unavailable },
                }
            }
            DeploymentStrategy::Recreate => FencePosts {
                replicas,
                surge: 0,
                unavailable: 0,
            },
        }
    }

    /// Pods that may be unavailable during the rollout: `unavailable` clamped to D (0 when D is 0).
    pub fn max_unavailable(&self) -> u32 {
        self.unavailable.min(self.replicas)
    }

    /// Available pods the rollout keeps: D − max unavailable.
    pub fn min_available(&self) -> u32 {
        self.replicas - self.max_unavailable()
    }

    /// Pods (by the ReplicaSets' `spec.replicas`) the rollout may have at once: D + surge.
    pub fn max_total(&self) -> u32 {
        self.replicas.saturating_add(self.surge)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::k8s::IntOrPercent::{self, Int, Percent};

    #[track_caller]
    fn check(replicas: u32, surge: IntOrPercent, unavailable: IntOrPercent, expected: (u32, u32), bounds: (u32, u32)) {
        let strategy = DeploymentStrategy::RollingUpdate {
            max_surge: surge,
            max_unavailable: unavailable,
        };
        let posts = FencePosts::resolve(replicas, &strategy);
        assert_eq!(
            (posts.surge, posts.unavailable),
            expected,
            "resolved (surge, unavailable)"
        );
        assert_eq!(
            (posts.min_available(), posts.max_total()),
            bounds,
            "(min available, max total)"
        );
    }

    #[test]
    fn percentages_round_surge_up_and_unavailable_down() {
        // k8s-semantics W18.
        check(10, Percent(25), Percent(25), (3, 2), (8, 13));
        check(3, Percent(25), Percent(25), (1, 0), (3, 4));
        check(4, Percent(25), Percent(25), (1, 1), (3, 5));
        check(10, Percent(39), Percent(39), (4, 3), (7, 14));
        check(3, Percent(0), Percent(25), (0, 1), (2, 3));
        check(0, Percent(0), Percent(0), (0, 1), (0, 0));
        // Absolute values and edges.
        check(10, Int(3), Int(2), (3, 2), (8, 13));
        check(1, Percent(25), Percent(25), (1, 0), (1, 2));
        check(1, Int(0), Int(0), (0, 1), (0, 1));
        check(2, Int(0), Percent(100), (0, 2), (0, 2));
        check(4, Int(0), Percent(49), (0, 1), (3, 4));
        check(100, Percent(1), Percent(1), (1, 1), (99, 101));
    }

    #[test]
    fn max_unavailable_above_replicas_is_clamped_and_zero_replicas_allow_nothing() {
        // k8s-semantics 2.2: MaxUnavailable = min(unavailable, D); 0 if D == 0.
        check(3, Int(1), Int(5), (1, 5), (0, 4));
        check(0, Int(2), Int(5), (2, 5), (0, 2));
        let zero = FencePosts::resolve(0, &DeploymentStrategy::default());
        assert_eq!(zero.max_unavailable(), 0);
        assert_eq!(zero.min_available(), 0);
    }

    #[test]
    fn recreate_has_no_surge_and_no_unavailable_budget() {
        let posts = FencePosts::resolve(5, &DeploymentStrategy::Recreate);
        assert_eq!((posts.surge, posts.max_unavailable(), posts.max_total()), (0, 0, 5));
    }
}
