//! Launch failures: the deployment circuit breaker's threshold (reference 8.2) and the service
//! scheduler's throttled restarts (reference 8.5).

/// `thresholdConfiguration.type` of the deployment circuit breaker (reference 8.2, case 28).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThresholdType {
    /// `BOUNDED_PERCENT` (the default): a percentage of D clamped to [3, 200].
    BoundedPercent,
    /// `UNBOUNDED_PERCENT`: a percentage of D, no clamp.
    UnboundedPercent,
    /// `COUNT`: a fixed number of failed tasks.
    Count,
}

impl ThresholdType {
    /// Parses the AWS spelling.
    pub fn from_aws(s: &str) -> Option<Self> {
        Some(match s {
            "BOUNDED_PERCENT" => ThresholdType::BoundedPercent,
            "UNBOUNDED_PERCENT" => ThresholdType::UnboundedPercent,
            "COUNT" => ThresholdType::Count,
            _ => return None,
        })
    }
}

/// Circuit breaker failure threshold (reference 8.2, case 28).
///
/// `BoundedPercent`: `clamp(ceil(value% x D), 3, 200)`, or `clamp(.., 10, 200)` with
/// `legacy_minimum_ten` (the 2023 fixed formula, reference A14). `UnboundedPercent`:
/// `ceil(value% x D)`, at least 1. `Count`: `value` (rounded up), at least 1. The legacy flag
/// only affects `BoundedPercent`, the only formula the 2023 service had. `desired` is the latest
/// desired count.
pub fn circuit_breaker_threshold(desired: u32, kind: ThresholdType, value: f64, legacy_minimum_ten: bool) -> u32 {
    // value x D / 100 (not value / 100 x D): exact for integer percentages, so 10% of 30 is 3.
    let percent_of_desired = || (value * f64::from(desired) / 100.0).ceil() as u32;
    match kind {
        ThresholdType::BoundedPercent => {
            let minimum = if legacy_minimum_ten { 10 } else { 3 };
            percent_of_desired().clamp(minimum, 200)
        }
        ThresholdType::UnboundedPercent => percent_of_desired().max(1),
        ThresholdType::Count => (value.ceil() as u32).max(1),
    }
}

/// First delay of the restart throttle, in milliseconds ([INFER], see [`restart_throttle_ms`]).
pub const RESTART_THROTTLE_BASE_MS: u64 = 30_000;
/// Longest delay of the restart throttle: 15 minutes (reference 8.5, [DOC]).
pub const RESTART_THROTTLE_CAP_MS: u64 = 900_000;

/// Delay before the service scheduler retries launching after `consecutive_failures` tasks of a
/// service failed to reach RUNNING (reference 8.5 throttle: increasing, capped at 15 minutes).
///
/// Assumption ([INFER]): AWS documents only that the delay increases and its 15-minute cap. This
/// model waits 30 s after the first failure and doubles per further consecutive failure:
/// 0 failures -> 0, 1 -> 30 s, 2 -> 60 s, 3 -> 120 s, 4 -> 240 s, 5 -> 480 s, 6 or more ->
/// 900 s. The caller resets the count when the service is updated (new task definition); tasks
/// that fail after reaching RUNNING do not count.
pub fn restart_throttle_ms(consecutive_failures: u32) -> u64 {
    if consecutive_failures == 0 {
        return 0;
    }
    let doublings = (consecutive_failures - 1).min(32);
    (RESTART_THROTTLE_BASE_MS << doublings).min(RESTART_THROTTLE_CAP_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_28_thresholds() {
        use ThresholdType::*;
        // Case 28: every row; "default" is BOUNDED_PERCENT 50.
        for (d, kind, value, legacy, expected) in [
            (1, BoundedPercent, 50.0, false, 3),
            (1, BoundedPercent, 50.0, true, 10),
            (25, BoundedPercent, 50.0, false, 13),
            (25, BoundedPercent, 50.0, true, 13),
            (400, BoundedPercent, 50.0, false, 200),
            (400, BoundedPercent, 50.0, true, 200),
            (800, BoundedPercent, 50.0, false, 200),
            (800, BoundedPercent, 50.0, true, 200),
            (800, UnboundedPercent, 50.0, false, 400),
            (1, Count, 5.0, false, 5),
            (25, Count, 5.0, false, 5),
            (800, Count, 5.0, true, 5),
        ] {
            assert_eq!(
                circuit_breaker_threshold(d, kind, value, legacy),
                expected,
                "D={d} {kind:?} {value} legacy={legacy}"
            );
        }
    }

    #[test]
    fn thresholds_at_the_edges() {
        use ThresholdType::*;
        // Integer percentages are exact: 10% of 30 is 3, not 4.
        assert_eq!(circuit_breaker_threshold(30, UnboundedPercent, 10.0, false), 3);
        // D = 0: the bounded minimum applies; unbounded and count never return 0.
        assert_eq!(circuit_breaker_threshold(0, BoundedPercent, 50.0, false), 3);
        assert_eq!(circuit_breaker_threshold(0, UnboundedPercent, 50.0, false), 1);
        assert_eq!(circuit_breaker_threshold(7, Count, 0.0, false), 1);
        assert_eq!(ThresholdType::from_aws("COUNT"), Some(Count));
        assert_eq!(ThresholdType::from_aws("count"), None);
    }

    #[test]
    fn restart_throttle_increases_to_fifteen_minutes() {
        // Reference 8.5: increasing delays, capped at 15 minutes; the curve is an assumption.
        let delays: Vec<u64> = (0..=8).map(restart_throttle_ms).collect();
        assert_eq!(
            delays,
            [0, 30_000, 60_000, 120_000, 240_000, 480_000, 900_000, 900_000, 900_000]
        );
        assert_eq!(restart_throttle_ms(u32::MAX), RESTART_THROTTLE_CAP_MS);
    }
}
