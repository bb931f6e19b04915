//! The two bounds of a rolling update (reference 8.1) and the room they leave, as one rule for
//! every caller: the deployment controller's step, the replacement of tasks on DRAINING
//! container instances (reference 8.1: the same bounds govern draining) and the invariants.

/// `deploymentConfiguration.minimumHealthyPercent` when a service does not set it (REPLICA
/// services, reference 8.1).
pub const DEFAULT_MINIMUM_HEALTHY_PERCENT: u32 = 100;

/// `deploymentConfiguration.maximumPercent` when a service does not set it (REPLICA services,
/// reference 8.1).
pub const DEFAULT_MAXIMUM_PERCENT: u32 = 200;

/// What the bounds depend on besides the desired count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RollingSettings {
    /// `deploymentConfiguration.minimumHealthyPercent`.
    pub minimum_healthy_percent: u32,
    /// `deploymentConfiguration.maximumPercent`.
    pub maximum_percent: u32,
    /// reference A7: whether stopping tasks count toward U (default true)
    pub stopping_counts_toward_upper: bool,
}

impl Default for RollingSettings {
    /// The REPLICA defaults (reference 8.1): 100 / 200, stopping tasks counted.
    fn default() -> Self {
        RollingSettings {
            minimum_healthy_percent: DEFAULT_MINIMUM_HEALTHY_PERCENT,
            maximum_percent: DEFAULT_MAXIMUM_PERCENT,
            stopping_counts_toward_upper: true,
        }
    }
}

/// The service's tasks as the bounds see them, whatever their revision or instance.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BoundsCounts {
    /// Tasks starting (PROVISIONING, PENDING, ACTIVATING) or RUNNING.
    pub active: u32,
    /// Tasks between RUNNING and STOPPED (DEACTIVATING, STOPPING, DEPROVISIONING).
    pub stopping: u32,
    /// RUNNING tasks that are healthy.
    pub healthy: u32,
}

/// L and U of a rolling update, and what they allow now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RollingBounds {
    /// L: healthy RUNNING tasks that must remain, `ceil(D x minimumHealthyPercent / 100)`.
    pub lower: u32,
    /// U: tasks allowed at once, `floor(D x maximumPercent / 100)`.
    pub upper: u32,
    /// Tasks that count toward U: the active ones, plus the stopping ones when they count (A7).
    pub counted: u32,
    /// Tasks that may start now without going above U: `U - counted`, 0 when at or above U.
    pub may_start: u32,
    /// Healthy tasks that may stop now without going below L: `healthy - L`, 0 when at or below L.
    /// (Tasks that are not healthy never count toward L: they may always stop.)
    pub may_stop_healthy: u32,
}

/// The bounds of a rolling update at desired count `desired` (reference 8.1):
/// L = ceil(D x minimumHealthyPercent / 100), U = floor(D x maximumPercent / 100), with the
/// tasks counted toward U as `settings.stopping_counts_toward_upper` says (reference A7), and
/// the starts and healthy stops they allow now. Integer arithmetic only.
pub fn rolling_bounds(desired: u32, settings: &RollingSettings, counts: &BoundsCounts) -> RollingBounds {
    let d = u64::from(desired);
    let lower = (d * u64::from(settings.minimum_healthy_percent)).div_ceil(100);
    let upper = d * u64::from(settings.maximum_percent) / 100;
    let lower = u32::try_from(lower).unwrap_or(u32::MAX);
    let upper = u32::try_from(upper).unwrap_or(u32::MAX);
    let counted = match settings.stopping_counts_toward_upper {
        true => counts.active.saturating_add(counts.stopping),
        false => counts.active,
    };
    RollingBounds {
        lower,
        upper,
        counted,
        may_start: upper.saturating_sub(counted),
        may_stop_healthy: counts.healthy.saturating_sub(lower),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(min: u32, max: u32, stopping_counts: bool) -> RollingSettings {
        RollingSettings {
            minimum_healthy_percent: min,
            maximum_percent: max,
            stopping_counts_toward_upper: stopping_counts,
        }
    }

    #[test]
    fn case_27_bounds() {
        // Case 27 (reference 8.1): every row, (D, min %, max %) -> (L, U).
        for (d, min, max, lower, upper) in [
            (4, 50, 200, 2, 8),
            (4, 100, 200, 4, 8),
            (1, 100, 200, 1, 2),
            (1, 0, 100, 0, 1),
            (2, 75, 200, 2, 4),
            (3, 100, 125, 3, 3),
            (3, 50, 150, 2, 4),
            (10, 90, 110, 9, 11),
        ] {
            let b = rolling_bounds(d, &settings(min, max, true), &BoundsCounts::default());
            assert_eq!((b.lower, b.upper), (lower, upper), "D={d} min={min} max={max}");
        }
    }

    #[test]
    fn room_to_start_and_to_stop() {
        // Reference 8.1: at most U tasks, at least L healthy; reference A7: tasks between
        // RUNNING and STOPPED count toward U unless the scenario says otherwise.
        // (D, min %, max %, stopping counted, active, stopping, healthy) ->
        // (L, U, counted, may start, may stop healthy)
        #[rustfmt::skip]
        let table = [
            // Defaults 100/200, D 4: nothing stopping, 4 healthy: 4 may start, none may stop.
            (4, 100, 200, true, 4, 0, 4, (4, 8, 4, 4, 0)),
            // Replacements healthy: 8 active, 8 healthy: nothing starts, 4 may stop.
            (4, 100, 200, true, 8, 0, 8, (4, 8, 8, 0, 4)),
            // Draining D 4 at 50/150: 2 stopping, 2 old and 2 new running: U is full.
            (4, 50, 150, true, 4, 2, 4, (2, 6, 6, 0, 2)),
            // ... the same when stopping tasks do not count (A7 false): 2 may start beside them.
            (4, 50, 150, false, 4, 2, 4, (2, 6, 4, 2, 2)),
            // 0/150, every old task stopping: only 2 replacements fit beside the 4 stopping.
            (4, 0, 150, true, 2, 4, 0, (0, 6, 6, 0, 0)),
            // Above U (the desired count shrank): no start, no underflow.
            (2, 100, 200, true, 5, 1, 5, (2, 4, 6, 0, 3)),
            // Below L (old tasks unhealthy): no healthy task may stop.
            (4, 50, 200, true, 4, 0, 1, (2, 8, 4, 4, 0)),
            // Reference 8.1 doc example, D 4 at 50/100: 2 of the 4 may stop, none may start.
            (4, 50, 100, true, 4, 0, 4, (2, 4, 4, 0, 2)),
            // 0/100, D 1, its one task stopping: the replacement waits for STOPPED...
            (1, 0, 100, true, 0, 1, 0, (0, 1, 1, 0, 0)),
            // ... or starts at once when stopping tasks do not count.
            (1, 0, 100, false, 0, 1, 0, (0, 1, 0, 1, 0)),
            // D 0: both bounds 0, every healthy task may stop.
            (0, 100, 200, true, 3, 0, 3, (0, 0, 3, 0, 3)),
        ];
        for (d, min, max, stopping_counts, active, stopping, healthy, expected) in table {
            let counts = BoundsCounts {
                active,
                stopping,
                healthy,
            };
            let b = rolling_bounds(d, &settings(min, max, stopping_counts), &counts);
            assert_eq!(
                (b.lower, b.upper, b.counted, b.may_start, b.may_stop_healthy),
                expected,
                "D={d} {min}/{max} stopping counted: {stopping_counts} {counts:?}"
            );
        }
    }

    #[test]
    fn defaults_are_100_and_200() {
        // Reference 8.1: a REPLICA service's defaults.
        let s = RollingSettings::default();
        assert_eq!((s.minimum_healthy_percent, s.maximum_percent), (100, 200));
        assert!(s.stopping_counts_toward_upper);
    }

    #[test]
    fn bounds_of_zero_and_large_counts() {
        let b = rolling_bounds(0, &RollingSettings::default(), &BoundsCounts::default());
        assert_eq!((b.lower, b.upper), (0, 0));
        // No overflow: the products are taken in u64, the sums saturate.
        let counts = BoundsCounts {
            active: u32::MAX,
            stopping: 1,
            healthy: u32::MAX,
        };
        let b = rolling_bounds(u32::MAX, &RollingSettings::default(), &counts);
        assert_eq!((b.lower, b.upper, b.counted), (u32::MAX, u32::MAX, u32::MAX));
        assert_eq!((b.may_start, b.may_stop_healthy), (0, 0));
    }
}
