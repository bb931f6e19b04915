//! Health-check timings (reference 8.5, case 30): when a container check or an ALB target first
//! reports HEALTHY or UNHEALTHY, in milliseconds after the container started or the target was
//! registered. Checks are modelled as instantaneous (their `timeout` is not added).

/// A task with no container health check and no load balancer counts as healthy for the
/// deployment's lower bound 40 s after it reaches RUNNING (reference 8.1, case 30).
pub const NO_HEALTH_CHECK_HEALTHY_AFTER_MS: u64 = 40_000;

/// Container health check timing (reference 8.5, case 30): with a check that always passes, the
/// first HEALTHY is after the first interval.
///
/// `start_period_s` does not delay it: a check that succeeds within the start period makes the
/// container healthy at once (the HealthCheck API: "If a health check succeeds within the
/// startPeriod, then the container is considered healthy"); the start period only keeps failures
/// from counting. The argument is kept so both timings take the same settings.
pub fn container_healthy_after_ms(interval_s: u32, start_period_s: u32) -> u64 {
    let _ = start_period_s;
    u64::from(interval_s) * 1000
}

/// Container health check timing: with a check that always fails, UNHEALTHY after `retries`
/// consecutive failures counted once startPeriod has passed.
///
/// Checks run at `k x interval` (k = 1, 2, ...) after the container started; a check at or after
/// `start_period_s` counts. `retries` below 1 is taken as 1 (the API range is 1-10).
pub fn container_unhealthy_after_ms(interval_s: u32, retries: u32, start_period_s: u32) -> u64 {
    let interval = u64::from(interval_s.max(1));
    let first_counted = u64::from(start_period_s).div_ceil(interval).max(1);
    (first_counted + u64::from(retries.max(1)) - 1) * interval * 1000
}

/// ALB target health: a new target is healthy after its first passing check (one interval).
pub fn target_healthy_after_ms(interval_s: u32) -> u64 {
    u64::from(interval_s) * 1000
}

/// ALB target health: unhealthy after `unhealthy_threshold` failed checks.
pub fn target_unhealthy_after_ms(interval_s: u32, unhealthy_threshold: u32) -> u64 {
    u64::from(interval_s) * u64::from(unhealthy_threshold) * 1000
}

/// ALB target health: an unhealthy target is healthy again after `healthy_threshold` passing
/// checks (the threshold applies to recovery, not to a new target).
pub fn target_recovered_after_ms(interval_s: u32, healthy_threshold: u32) -> u64 {
    u64::from(interval_s) * u64::from(healthy_threshold) * 1000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_30_health_timing() {
        // Case 30: ALB new target, interval 30, one success: healthy after ~30 s.
        assert_eq!(target_healthy_after_ms(30), 30_000);
        // Case 30: ALB recovering target, 30 x 5 = 150 s.
        assert_eq!(target_recovered_after_ms(30, 5), 150_000);
        // Case 30: ALB failing target, 30 x 2: unhealthy after ~60 s.
        assert_eq!(target_unhealthy_after_ms(30, 2), 60_000);
        // Case 30: container check, interval 30, retries 3, startPeriod 0: UNHEALTHY after ~90 s.
        assert_eq!(container_unhealthy_after_ms(30, 3, 0), 90_000);
        // Case 30: no checks, no LB: healthy 40 s after RUNNING.
        assert_eq!(NO_HEALTH_CHECK_HEALTHY_AFTER_MS, 40_000);
    }

    #[test]
    fn container_checks_with_a_start_period() {
        // (interval, retries, startPeriod) -> ms until UNHEALTHY with a check that always fails.
        for (interval, retries, start, expected) in [
            (30, 3, 0, 90_000),
            // Checks at 30 (ignored), 60, 90, 120: the one at 60 counts (not before 60 s).
            (30, 3, 60, 120_000),
            // Checks at 30, 60 (ignored), 90, 120, 150.
            (30, 3, 61, 150_000),
            (5, 1, 0, 5_000),
            // First counted check at 300 s, the tenth failure 9 intervals later.
            (10, 10, 300, 390_000),
            // retries 0 is taken as 1.
            (30, 0, 0, 30_000),
        ] {
            assert_eq!(
                container_unhealthy_after_ms(interval, retries, start),
                expected,
                "interval {interval} retries {retries} start {start}"
            );
        }
        // A check that always passes: HEALTHY at the first check, start period or not.
        assert_eq!(container_healthy_after_ms(30, 0), 30_000);
        assert_eq!(container_healthy_after_ms(30, 120), 30_000);
    }
}
