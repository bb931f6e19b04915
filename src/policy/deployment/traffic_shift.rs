//! The production traffic schedule of a BLUE_GREEN, LINEAR or CANARY deployment (reference 8.7):
//! the green revision's weight after each step, in tenths of a percent, and the bake after it.

use super::strategy::DeploymentStrategy;
use crate::sim::SimDuration;

/// All production traffic, in tenths of a percent.
pub const FULL_WEIGHT_PERMILLE: u32 = 1000;

/// One production traffic step: green's weight once it is applied, and how long to wait before
/// the next step (zero after the last: bakes are not applied after 100 %).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShiftStep {
    /// Green's share of production traffic after this step, 0..=1000 (tenths of a percent).
    pub green_permille: u32,
    /// The bake that follows this step.
    pub bake_after: SimDuration,
}

/// The production traffic steps of `strategy` (reference 8.7): BLUE_GREEN one step of 100 %;
/// LINEAR `ceil(1000 / step)` steps of `step`, the last one what remains, with the step bake
/// between steps; CANARY the canary percentage, its bake, then the rest (a canary of 100 % is one
/// step, A21). ROLLING shifts nothing: empty.
pub fn production_shift_steps(strategy: &DeploymentStrategy) -> Vec<ShiftStep> {
    let last = ShiftStep {
        green_permille: FULL_WEIGHT_PERMILLE,
        bake_after: SimDuration::ZERO,
    };
    match *strategy {
        DeploymentStrategy::Rolling => Vec::new(),
        DeploymentStrategy::BlueGreen => vec![last],
        DeploymentStrategy::Linear {
            step_permille,
            step_bake,
        } => {
            let step = step_permille.clamp(1, FULL_WEIGHT_PERMILLE);
            let count = FULL_WEIGHT_PERMILLE.div_ceil(step);
            (1..=count)
                .map(|k| {
                    let green = (k * step).min(FULL_WEIGHT_PERMILLE);
                    ShiftStep {
                        green_permille: green,
                        bake_after: if green < FULL_WEIGHT_PERMILLE {
                            step_bake
                        } else {
                            SimDuration::ZERO
                        },
                    }
                })
                .collect()
        }
        DeploymentStrategy::Canary {
            canary_permille,
            canary_bake,
        } if canary_permille < FULL_WEIGHT_PERMILLE => vec![
            ShiftStep {
                green_permille: canary_permille,
                bake_after: canary_bake,
            },
            last,
        ],
        DeploymentStrategy::Canary { .. } => vec![last],
    }
}

/// Production traffic split by green's weight: `(blue, green)` requests per second.
pub fn split_by_weight(demand_rps: f64, green_permille: u32) -> (f64, f64) {
    let green_share = f64::from(green_permille.min(FULL_WEIGHT_PERMILLE)) / f64::from(FULL_WEIGHT_PERMILLE);
    let green = demand_rps * green_share;
    (demand_rps - green, green)
}

/// How long production traffic takes to move entirely to green: the sum of the step bakes.
pub fn shift_duration(steps: &[ShiftStep]) -> SimDuration {
    SimDuration::from_millis(steps.iter().map(|s| s.bake_after.as_millis()).sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minutes(m: u64) -> SimDuration {
        SimDuration::from_secs(m * 60)
    }

    fn linear(step_permille: u32, bake_minutes: u64) -> DeploymentStrategy {
        DeploymentStrategy::Linear {
            step_permille,
            step_bake: minutes(bake_minutes),
        }
    }

    fn weights(steps: &[ShiftStep]) -> Vec<u32> {
        steps.iter().map(|s| s.green_permille).collect()
    }

    #[test]
    fn linear_steps_count_and_last_step_size_reference_8_7() {
        // (stepPercent in tenths, number of steps, the weights) — "equal percentage increments
        // until 100 %".
        let cases: &[(u32, usize, &[u32])] = &[
            (200, 5, &[200, 400, 600, 800, 1000]),
            (100, 10, &[100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]),
            // 30 % leaves 10 % for the last step.
            (300, 4, &[300, 600, 900, 1000]),
            // The smallest step AWS accepts, 3.0 %: 34 steps, the last of 1 %.
            (30, 34, &[]),
            (1000, 1, &[1000]),
            // 33.3 %: three steps and a last one of 0.1 %.
            (333, 4, &[333, 666, 999, 1000]),
        ];
        for &(step, count, expected) in cases {
            let steps = production_shift_steps(&linear(step, 2));
            assert_eq!(steps.len(), count, "stepPercent {step}");
            if !expected.is_empty() {
                assert_eq!(weights(&steps), expected, "stepPercent {step}");
            }
            assert_eq!(steps.last().map(|s| s.green_permille), Some(1000));
        }
        let steps = production_shift_steps(&linear(30, 2));
        assert_eq!(steps[32].green_permille, 990);
        assert_eq!(steps[33].green_permille - steps[32].green_permille, 10);
    }

    #[test]
    fn linear_bakes_between_steps_but_not_after_100_percent_reference_8_7() {
        // "This bake time is not applied after reaching 100 percent traffic."
        let steps = production_shift_steps(&linear(200, 2));
        let bakes: Vec<SimDuration> = steps.iter().map(|s| s.bake_after).collect();
        assert_eq!(
            bakes,
            [minutes(2), minutes(2), minutes(2), minutes(2), SimDuration::ZERO]
        );
        assert_eq!(shift_duration(&steps), minutes(8));
        // The default: 10 % every 6 minutes is 9 bakes, 54 minutes.
        assert_eq!(shift_duration(&production_shift_steps(&linear(100, 6))), minutes(54));
    }

    #[test]
    fn canary_is_one_step_then_the_rest_reference_8_7() {
        let canary = DeploymentStrategy::Canary {
            canary_permille: 100,
            canary_bake: minutes(15),
        };
        let steps = production_shift_steps(&canary);
        assert_eq!(weights(&steps), [100, 1000]);
        assert_eq!(steps[0].bake_after, minutes(15));
        assert_eq!(steps[1].bake_after, SimDuration::ZERO);
        // A21: a canary of 100 % has nothing left to shift, so no bake.
        let all = DeploymentStrategy::Canary {
            canary_permille: 1000,
            canary_bake: minutes(15),
        };
        assert_eq!(
            production_shift_steps(&all),
            [ShiftStep {
                green_permille: 1000,
                bake_after: SimDuration::ZERO
            }]
        );
    }

    #[test]
    fn blue_green_moves_everything_at_once_and_rolling_shifts_nothing() {
        assert_eq!(weights(&production_shift_steps(&DeploymentStrategy::BlueGreen)), [1000]);
        assert!(production_shift_steps(&DeploymentStrategy::Rolling).is_empty());
    }

    #[test]
    fn split_follows_the_weight() {
        assert_eq!(split_by_weight(1000.0, 100), (900.0, 100.0));
        assert_eq!(split_by_weight(1000.0, 0), (1000.0, 0.0));
        assert_eq!(split_by_weight(1000.0, 1000), (0.0, 1000.0));
        let (blue, green) = split_by_weight(333.0, 333);
        assert!((blue + green - 333.0).abs() < 1e-9);
    }
}
