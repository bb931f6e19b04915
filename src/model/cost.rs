//! EC2 instance billing: per-second charges with a one-minute minimum, whole and accrued.

/// Minimum billed duration of a Linux EC2 instance (per-second billing, 60 s minimum).
pub const EC2_MINIMUM_BILLED_MS: u64 = 60_000;

const MS_PER_SECOND: u64 = 1_000;
const MS_PER_HOUR: f64 = 3_600_000.0;

/// Billed duration for `running_ms`: at least `minimum_billed_ms`, rounded up to whole seconds.
pub fn billed_ms(running_ms: u64, minimum_billed_ms: u64) -> u64 {
    running_ms
        .max(minimum_billed_ms)
        .div_ceil(MS_PER_SECOND)
        .saturating_mul(MS_PER_SECOND)
}

/// Cost of one EC2 instance that ran `running_ms`: per-second billing rounded up to whole seconds, 60 s minimum.
pub fn ec2_instance_cost_usd(usd_per_hour: f64, running_ms: u64) -> f64 {
    usd_per_hour * billed_ms(running_ms, EC2_MINIMUM_BILLED_MS) as f64 / MS_PER_HOUR
}

/// Cost accrued in `[from_ms, to_ms)` by a running instance, without minimum or rounding (for cumulative curves).
pub fn accrued_usd(usd_per_hour: f64, from_ms: u64, to_ms: u64) -> f64 {
    assert!(
        from_ms <= to_ms,
        "accrual interval runs backwards: from {from_ms} ms to {to_ms} ms"
    );
    usd_per_hour * (to_ms - from_ms) as f64 / MS_PER_HOUR
}

/// Extra charge owed at termination so that accrued cost plus this equals [`ec2_instance_cost_usd`].
///
/// It is non-zero when the instance ran under 60 s (the minimum) or for a fraction of a second
/// (per-second billing rounds up). Computing it from the integer difference of billed and running
/// milliseconds keeps it exactly zero for the common case of a long run of whole seconds.
pub fn minimum_charge_top_up_usd(usd_per_hour: f64, running_ms: u64) -> f64 {
    let unbilled_ms = billed_ms(running_ms, EC2_MINIMUM_BILLED_MS) - running_ms;
    usd_per_hour * unbilled_ms as f64 / MS_PER_HOUR
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOLERANCE_USD: f64 = 1e-12;

    #[track_caller]
    fn check_billed(running_ms: u64, minimum_billed_ms: u64, expected_ms: u64) {
        assert_eq!(billed_ms(running_ms, minimum_billed_ms), expected_ms);
    }

    #[test]
    fn billed_duration_applies_minimum_then_rounds_up_to_seconds() {
        check_billed(0, 60_000, 60_000);
        check_billed(59_999, 60_000, 60_000);
        check_billed(60_000, 60_000, 60_000);
        check_billed(60_001, 60_000, 61_000);
        check_billed(61_999, 60_000, 62_000);
        check_billed(3_600_000, 60_000, 3_600_000);
        check_billed(1, 0, 1_000);
        check_billed(0, 0, 0);
    }

    #[track_caller]
    fn check_instance(usd_per_hour: f64, running_ms: u64, expected_usd: f64) {
        let actual = ec2_instance_cost_usd(usd_per_hour, running_ms);
        assert!(
            (actual - expected_usd).abs() < TOLERANCE_USD,
            "{usd_per_hour} $/h for {running_ms} ms: expected {expected_usd}, got {actual}"
        );
        // Accrued over the whole life plus the top-up must equal the final bill.
        let cumulative = accrued_usd(usd_per_hour, 0, running_ms);
        let top_up = minimum_charge_top_up_usd(usd_per_hour, running_ms);
        assert!(
            (cumulative + top_up - actual).abs() < TOLERANCE_USD,
            "{usd_per_hour} $/h for {running_ms} ms: accrued {cumulative} + top-up {top_up} != {actual}"
        );
    }

    #[test]
    fn instance_cost_is_per_second_with_one_minute_minimum() {
        // m5.large at 0.096 $/h.
        check_instance(0.096, 3_600_000, 0.096);
        check_instance(0.096, 0, 0.096 / 60.0);
        check_instance(0.096, 10_000, 0.096 / 60.0);
        check_instance(0.096, 60_000, 0.096 / 60.0);
        check_instance(0.096, 90_000, 0.096 * 90.0 / 3600.0);
        check_instance(0.096, 90_001, 0.096 * 91.0 / 3600.0);
        check_instance(0.085, 86_400_000, 0.085 * 24.0);
        check_instance(0.0, 10_000, 0.0);
    }

    #[track_caller]
    fn check_accrued(usd_per_hour: f64, from_ms: u64, to_ms: u64, expected_usd: f64) {
        let actual = accrued_usd(usd_per_hour, from_ms, to_ms);
        assert!(
            (actual - expected_usd).abs() < TOLERANCE_USD,
            "{usd_per_hour} $/h over [{from_ms}, {to_ms}): expected {expected_usd}, got {actual}"
        );
    }

    #[test]
    fn accrual_is_linear_without_minimum() {
        check_accrued(0.096, 0, 3_600_000, 0.096);
        check_accrued(0.096, 1_800_000, 3_600_000, 0.048);
        check_accrued(0.096, 5_000, 5_000, 0.0);
        check_accrued(0.096, 0, 10_000, 0.096 * 10.0 / 3600.0);
        check_accrued(0.096, 0, 1, 0.096 / 3_600_000.0);
    }

    #[track_caller]
    fn check_top_up(usd_per_hour: f64, running_ms: u64, expected_usd: f64) {
        let actual = minimum_charge_top_up_usd(usd_per_hour, running_ms);
        assert!(
            (actual - expected_usd).abs() < TOLERANCE_USD,
            "{usd_per_hour} $/h for {running_ms} ms: expected top-up {expected_usd}, got {actual}"
        );
    }

    #[test]
    fn top_up_covers_the_minimum_and_the_partial_second() {
        check_top_up(0.096, 0, 0.096 / 60.0);
        check_top_up(0.096, 45_000, 0.096 * 15.0 / 3600.0);
        check_top_up(0.096, 60_000, 0.0);
        check_top_up(0.096, 60_500, 0.096 * 0.5 / 3600.0);
        check_top_up(0.096, 7_200_000, 0.0);
    }

    #[test]
    fn top_up_is_exactly_zero_after_a_long_whole_second_run() {
        assert_eq!(minimum_charge_top_up_usd(0.768, 86_400_000), 0.0);
    }
}
