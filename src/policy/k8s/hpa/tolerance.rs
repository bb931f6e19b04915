//! The tolerance band around a usage ratio of 1.0 inside which a metric proposes no change
//! (k8s-semantics 1.5).

use crate::model::k8s::HpaBehavior;

/// The band `[1 - scale_down, 1 + scale_up]`, inclusive at both ends.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tolerances {
    /// How far below 1.0 a ratio may be and still propose no change.
    pub scale_down: f64,
    /// How far above 1.0 a ratio may be and still propose no change.
    pub scale_up: f64,
}

impl Tolerances {
    /// The same tolerance in both directions (the controller's
    /// `--horizontal-pod-autoscaler-tolerance`, 0.1).
    pub fn symmetric(tolerance: f64) -> Tolerances {
        Tolerances {
            scale_down: tolerance,
            scale_up: tolerance,
        }
    }

    /// An HPA's tolerances: `behavior.scaleUp.tolerance` / `behavior.scaleDown.tolerance` where
    /// set (HPAConfigurableTolerance, on from 1.35), the cluster default otherwise.
    pub fn for_hpa(cluster_default: f64, behavior: Option<&HpaBehavior>) -> Tolerances {
        let by_direction = |tolerance: Option<f64>| tolerance.unwrap_or(cluster_default);
        match behavior {
            None => Tolerances::symmetric(cluster_default),
            Some(b) => Tolerances {
                scale_down: by_direction(b.scale_down.tolerance),
                scale_up: by_direction(b.scale_up.tolerance),
            },
        }
    }

    /// Whether `ratio` is inside the band: `1 - down <= ratio <= 1 + up`, computed in f64 as
    /// Kubernetes does, so a ratio of exactly 1.1 with the default 0.1 stays.
    pub fn is_within(self, ratio: f64) -> bool {
        (1.0 - self.scale_down) <= ratio && ratio <= (1.0 + self.scale_up)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::k8s::ScalingRules;

    #[track_caller]
    fn check(tolerances: Tolerances, ratio: f64, within: bool) {
        assert_eq!(tolerances.is_within(ratio), within, "ratio {ratio} in {tolerances:?}");
    }

    #[test]
    fn the_band_is_inclusive_at_both_ends() {
        let default = Tolerances::symmetric(0.1);
        check(default, 1.0, true);
        check(default, 110.0 / 100.0, true); // exactly 1.1 stays (k8s-semantics 1.5)
        check(default, 90.0 / 100.0, true); // exactly 0.9 stays
        check(default, 111.0 / 100.0, false);
        check(default, 89.0 / 100.0, false);
        check(default, 102.0 / 100.0, true); // k8s-semantics W4
        check(Tolerances::symmetric(0.0), 1.0, true);
        check(Tolerances::symmetric(0.0), 1.01, false);
    }

    #[test]
    fn per_direction_overrides_replace_only_their_direction() {
        // k8s-semantics W16: scaleUp tolerance 0.05, 104 Mi and 106 Mi against 100 Mi.
        let mut behavior = HpaBehavior {
            scale_up: ScalingRules::default_scale_up(),
            scale_down: ScalingRules::default_scale_down(),
        };
        behavior.scale_up.tolerance = Some(0.05);
        let hpa = Tolerances::for_hpa(0.1, Some(&behavior));
        assert_eq!(
            hpa,
            Tolerances {
                scale_down: 0.1,
                scale_up: 0.05
            }
        );
        check(hpa, 1.04, true);
        check(hpa, 1.06, false);
        check(hpa, 0.91, true);
        check(Tolerances::for_hpa(0.1, None), 1.06, true);
        behavior.scale_up.tolerance = None;
        assert_eq!(Tolerances::for_hpa(0.2, Some(&behavior)), Tolerances::symmetric(0.2));
    }
}
