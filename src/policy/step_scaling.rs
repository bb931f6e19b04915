//! Step scaling (reference 3): pick the step for the breach size, adjust capacity, validate steps.

use super::scaling_decision::{NotScaledReason, ScalingDecision, fmt_value};

/// `AdjustmentType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AdjustmentType {
    /// Add the adjustment to the current capacity.
    ChangeInCapacity,
    /// Add a percentage of the current capacity.
    PercentChangeInCapacity,
    /// Set the capacity to the adjustment.
    ExactCapacity,
}

impl AdjustmentType {
    /// Parses the AWS spelling.
    pub fn from_aws(s: &str) -> Option<Self> {
        Some(match s {
            "ChangeInCapacity" => AdjustmentType::ChangeInCapacity,
            "PercentChangeInCapacity" => AdjustmentType::PercentChangeInCapacity,
            "ExactCapacity" => AdjustmentType::ExactCapacity,
            _ => return None,
        })
    }
}

/// One `StepAdjustment`: bounds relative to the alarm threshold (`None` = infinite).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepAdjustment {
    /// `MetricIntervalLowerBound`.
    pub lower: Option<f64>,
    /// `MetricIntervalUpperBound`.
    pub upper: Option<f64>,
    /// `ScalingAdjustment`.
    pub adjustment: i64,
}

/// A step policy's configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct StepScalingParams {
    /// `AdjustmentType`.
    pub adjustment_type: AdjustmentType,
    /// `StepAdjustments`.
    pub steps: Vec<StepAdjustment>,
    /// `MinAdjustmentMagnitude` (PercentChangeInCapacity only).
    pub min_adjustment_magnitude: Option<i64>,
}

/// The step whose interval holds `diff = metric - threshold`: `[lower, upper)` when the metric
/// is at or above the threshold, `(lower, upper]` when below (reference 3.3, A6).
pub fn pick_step(steps: &[StepAdjustment], diff: f64) -> Option<&StepAdjustment> {
    let above = diff >= 0.0;
    steps.iter().find(|s| {
        let lower_ok = match s.lower {
            None => true,
            Some(l) if above => diff >= l,
            Some(l) => diff > l,
        };
        let upper_ok = match s.upper {
            None => true,
            Some(u) if above => diff < u,
            Some(u) => diff <= u,
        };
        lower_ok && upper_ok
    })
}

/// The signed change for a percent adjustment of `capacity`, rounded as AAS does (reference 3.3):
/// above 1 down, between 0 and 1 up to 1, between -1 and 0 to -1, below -1 toward zero.
pub fn percent_change(capacity: u32, percent: i64, min_magnitude: Option<i64>) -> i64 {
    let x = f64::from(capacity) * percent as f64 / 100.0;
    let mut change = if x == x.trunc() {
        x as i64
    } else if x > 1.0 {
        x.floor() as i64
    } else if x > 0.0 {
        1
    } else if x > -1.0 {
        -1
    } else {
        x.ceil() as i64
    };
    if let Some(m) = min_magnitude {
        if change != 0 && change.abs() < m {
            change = change.signum() * m;
        }
    }
    change
}

/// The capacity a step asks for, from `base` (the running count, or during a scale-out cooldown
/// the capacity before the activity that started it, reference 3.3 rule 5), clamped to [min, max].
pub fn step_capacity(
    base: u32,
    step: &StepAdjustment,
    params: &StepScalingParams,
    min: u32,
    max: u32,
) -> (u32, String) {
    let (raw, text) = match params.adjustment_type {
        AdjustmentType::ChangeInCapacity => (
            i64::from(base) + step.adjustment,
            format!("{base} {:+}", step.adjustment),
        ),
        AdjustmentType::ExactCapacity => (step.adjustment, format!("exactly {}", step.adjustment)),
        AdjustmentType::PercentChangeInCapacity => {
            let change = percent_change(base, step.adjustment, params.min_adjustment_magnitude);
            (
                i64::from(base) + change,
                format!("{base} {:+}% -> {change:+}", step.adjustment),
            )
        }
    };
    let clamped = raw.clamp(i64::from(min), i64::from(max)) as u32;
    let mut text = format!("{text} = {raw}");
    if i64::from(clamped) != raw {
        let bound = if i64::from(clamped) > raw {
            "MinCapacity"
        } else {
            "MaxCapacity"
        };
        text.push_str(&format!(", clamped by {bound} {clamped}"));
    }
    (clamped, text)
}

/// Decides one invocation of a step policy by its alarm.
///
/// `base` is the capacity the adjustment starts from; `desired` the current desired count.
/// Scale-out only raises the desired count and scale-in only lowers it.
pub fn decide(
    metric: f64,
    threshold: f64,
    base: u32,
    desired: u32,
    params: &StepScalingParams,
    min: u32,
    max: u32,
) -> ScalingDecision {
    let diff = metric - threshold;
    let Some(step) = pick_step(&params.steps, diff) else {
        return ScalingDecision::NotScaled {
            reason: NotScaledReason::AlreadyAtDesiredCapacity,
            explanation: format!(
                "no step covers {} - {} = {}",
                fmt_value(metric),
                fmt_value(threshold),
                fmt_value(diff)
            ),
        };
    };
    let (n, explanation) = step_capacity(base, step, params, min, max);
    // A positive step only raises the desired count and a negative one only lowers it;
    // ExactCapacity sets it either way.
    let changes = match params.adjustment_type {
        AdjustmentType::ExactCapacity => n != desired,
        _ if step.adjustment > 0 => n > desired,
        _ if step.adjustment < 0 => n < desired,
        _ => false,
    };
    match changes {
        true => ScalingDecision::SetDesired {
            desired: n,
            explanation,
        },
        false => {
            let reason = if step.adjustment > 0 && desired >= max {
                NotScaledReason::AlreadyAtMaxCapacity
            } else if step.adjustment < 0 && desired <= min {
                NotScaledReason::AlreadyAtMinCapacity
            } else {
                NotScaledReason::AlreadyAtDesiredCapacity
            };
            ScalingDecision::NotScaled { reason, explanation }
        }
    }
}

/// Checks StepAdjustments as PutScalingPolicy does (reference 3.3 rule 3); `Err` says what is wrong.
pub fn validate_steps(steps: &[StepAdjustment]) -> Result<(), String> {
    if steps.is_empty() {
        return Err("StepAdjustments needs at least one step".into());
    }
    for s in steps {
        if s.lower.is_none() && s.upper.is_none() {
            return Err("a step cannot have both MetricIntervalLowerBound and MetricIntervalUpperBound null".into());
        }
        if let (Some(l), Some(u)) = (s.lower, s.upper) {
            if u <= l {
                return Err(format!(
                    "MetricIntervalUpperBound {u} must be greater than MetricIntervalLowerBound {l}"
                ));
            }
        }
    }
    if steps.iter().filter(|s| s.lower.is_none()).count() > 1 {
        return Err("only one step may have a null MetricIntervalLowerBound".into());
    }
    if steps.iter().filter(|s| s.upper.is_none()).count() > 1 {
        return Err("only one step may have a null MetricIntervalUpperBound".into());
    }
    let mut sorted: Vec<&StepAdjustment> = steps.iter().collect();
    sorted.sort_by(|a, b| {
        a.lower
            .unwrap_or(f64::NEG_INFINITY)
            .total_cmp(&b.lower.unwrap_or(f64::NEG_INFINITY))
    });
    for pair in sorted.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let a_upper = a.upper.unwrap_or(f64::INFINITY);
        let b_lower = b.lower.unwrap_or(f64::NEG_INFINITY);
        if a_upper > b_lower {
            return Err(format!(
                "steps overlap: one ends at {a_upper} and the next starts at {b_lower}"
            ));
        }
        if a_upper < b_lower {
            return Err(format!("steps leave a gap between {a_upper} and {b_lower}"));
        }
    }
    let lowest = sorted[0].lower;
    let highest = sorted[sorted.len() - 1].upper;
    if lowest.is_some_and(|l| l < 0.0) {
        return Err("a negative lower bound needs a step with a null MetricIntervalLowerBound".into());
    }
    if highest.is_some_and(|u| u > 0.0) {
        return Err("a positive upper bound needs a step with a null MetricIntervalUpperBound".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(lower: Option<f64>, upper: Option<f64>, adjustment: i64) -> StepAdjustment {
        StepAdjustment {
            lower,
            upper,
            adjustment,
        }
    }

    /// Reference 3.4: threshold 50, percent steps out and in.
    fn doc_out() -> StepScalingParams {
        StepScalingParams {
            adjustment_type: AdjustmentType::PercentChangeInCapacity,
            steps: vec![
                step(Some(0.0), Some(10.0), 0),
                step(Some(10.0), Some(20.0), 10),
                step(Some(20.0), None, 30),
            ],
            min_adjustment_magnitude: None,
        }
    }
    fn doc_in() -> StepScalingParams {
        StepScalingParams {
            adjustment_type: AdjustmentType::PercentChangeInCapacity,
            steps: vec![
                step(Some(-10.0), Some(0.0), 0),
                step(Some(-20.0), Some(-10.0), -10),
                step(None, Some(-20.0), -30),
            ],
            min_adjustment_magnitude: None,
        }
    }

    #[test]
    fn case_12_documented_sequence_10_11_14_13_10() {
        let mut c = 10;
        for (metric, params, expected) in [
            (60.0, doc_out(), 11),
            (70.0, doc_out(), 14),
            (40.0, doc_in(), 13),
            (30.0, doc_in(), 10),
        ] {
            c = decide(metric, 50.0, c, c, &params, 1, 100).desired().expect("scales");
            assert_eq!(c, expected, "metric {metric}");
        }
    }

    #[track_caller]
    fn check_percent(capacity: u32, percent: i64, magnitude: Option<i64>, expected: u32) {
        let params = StepScalingParams {
            adjustment_type: AdjustmentType::PercentChangeInCapacity,
            steps: vec![],
            min_adjustment_magnitude: magnitude,
        };
        let (n, _) = step_capacity(capacity, &step(None, None, percent), &params, 0, 1000);
        assert_eq!(n, expected, "{capacity} {percent:+}%");
    }

    #[test]
    fn case_13_percent_rounding() {
        check_percent(4, 25, Some(2), 6);
        check_percent(3, 20, None, 4);
        check_percent(3, -10, None, 2);
        check_percent(20, -33, None, 14);
        check_percent(9, 30, None, 11);
        check_percent(10, 100, None, 20);
    }

    #[test]
    fn case_14_interval_boundaries() {
        let steps = vec![step(Some(0.0), Some(10.0), 1), step(Some(10.0), None, 3)];
        assert_eq!(pick_step(&steps, 10.0).map(|s| s.adjustment), Some(3));
        assert_eq!(pick_step(&steps, 9.99).map(|s| s.adjustment), Some(1));
        assert_eq!(pick_step(&steps, 0.0).map(|s| s.adjustment), Some(1));
        // Below the threshold the upper bound is inclusive.
        let down = vec![step(Some(-10.0), Some(0.0), -1), step(None, Some(-10.0), -3)];
        assert_eq!(pick_step(&down, -10.0).map(|s| s.adjustment), Some(-3));
        assert_eq!(pick_step(&down, -9.0).map(|s| s.adjustment), Some(-1));
    }

    #[test]
    fn case_15_cooldown_counts_from_the_base() {
        let params = StepScalingParams {
            adjustment_type: AdjustmentType::ChangeInCapacity,
            steps: vec![step(Some(0.0), Some(10.0), 2), step(Some(10.0), None, 3)],
            min_adjustment_magnitude: None,
        };
        // t=0: 10 + 2.
        assert_eq!(decide(55.0, 50.0, 10, 10, &params, 1, 100).desired(), Some(12));
        // t=60, in cooldown from base 10: +2 again gives 12, no change.
        assert_eq!(decide(55.0, 50.0, 10, 12, &params, 1, 100).desired(), None);
        // t=120: the +3 step from base 10 gives 13.
        assert_eq!(decide(65.0, 50.0, 10, 12, &params, 1, 100).desired(), Some(13));
        // t=360, cooldown over: base is the current 13.
        assert_eq!(decide(55.0, 50.0, 13, 13, &params, 1, 100).desired(), Some(15));
    }

    #[test]
    fn case_16_exact_capacity() {
        let params = StepScalingParams {
            adjustment_type: AdjustmentType::ExactCapacity,
            steps: vec![step(Some(0.0), None, 5)],
            min_adjustment_magnitude: None,
        };
        assert_eq!(decide(60.0, 50.0, 3, 3, &params, 1, 100).desired(), Some(5));
    }

    #[track_caller]
    fn check_valid(steps: &[StepAdjustment], expected: Result<(), &str>) {
        assert_eq!(validate_steps(steps), expected.map_err(str::to_string));
    }

    #[test]
    fn validation_rejects_gaps_and_overlaps() {
        check_valid(&doc_out().steps, Ok(()));
        check_valid(&doc_in().steps, Ok(()));
        check_valid(
            &[step(Some(0.0), Some(10.0), 1), step(Some(5.0), None, 2)],
            Err("steps overlap: one ends at 10 and the next starts at 5"),
        );
        check_valid(
            &[step(Some(0.0), Some(10.0), 1), step(Some(20.0), None, 2)],
            Err("steps leave a gap between 10 and 20"),
        );
        check_valid(
            &[step(None, None, 1)],
            Err("a step cannot have both MetricIntervalLowerBound and MetricIntervalUpperBound null"),
        );
        check_valid(
            &[step(Some(0.0), Some(10.0), 1)],
            Err("a positive upper bound needs a step with a null MetricIntervalUpperBound"),
        );
        check_valid(
            &[step(Some(10.0), Some(5.0), 1)],
            Err("MetricIntervalUpperBound 5 must be greater than MetricIntervalLowerBound 10"),
        );
    }
}
