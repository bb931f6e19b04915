//! Predictive scaling (reference 15) as pure functions: a `Forecaster` turns the hourly history
//! of a service's load metric into a 48-hour load forecast (`seasonal`, ecsim's approximation, or
//! `replay`, AWS's forecast given as data); `capacity` turns load into tasks and applies
//! `MaxCapacityBreachBehavior`; `schedule` says when each hour's minimum capacity takes effect
//! (`SchedulingBufferTime` early); `accuracy` measures the forecast against what happened.

pub mod accuracy;
pub mod capacity;
pub mod replay;
pub mod schedule;
pub mod seasonal;

/// One hour in milliseconds: forecasts and the load history are hourly, on UTC hour boundaries.
pub const HOUR_MS: i64 = 3_600_000;
/// Hours a forecast covers (reference 15.1: "the next 48 hours").
pub const FORECAST_HOURS: usize = 48;
/// Hours of history a forecast needs before the first one (reference 15.1: 24 hours of data).
pub const MIN_HISTORY_HOURS: usize = 24;
/// Hours of history a forecast looks back at most (reference 15.1: up to 14 days).
pub const LOOK_BACK_HOURS: usize = 14 * 24;
/// How often a forecast is made, ms (reference 15.1: every 6 hours).
pub const REFRESH_MS: i64 = 6 * HOUR_MS;

/// The load metric's value over one whole UTC hour.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HourlyLoad {
    /// The hour's start, ms since the Unix epoch (a multiple of `HOUR_MS`).
    pub hour_epoch_ms: i64,
    /// The load metric's hourly value (for the CPU pair: the tasks' CPU utilization summed, in
    /// percent of one task; reference 15.2).
    pub load: f64,
}

/// A forecast for consecutive hours from `first_hour_epoch_ms`: the load, and the capacity
/// when the forecaster has AWS's own (`replay`); otherwise the capacity follows from the load
/// (`capacity::capacity_for_load`).
#[derive(Clone, Debug, PartialEq)]
pub struct LoadForecast {
    /// The first hour's start, ms since the epoch.
    pub first_hour_epoch_ms: i64,
    /// One load value per hour.
    pub load: Vec<f64>,
    /// One capacity per hour, when given as data (a replayed `CapacityForecast`).
    pub capacity: Option<Vec<f64>>,
}

/// Makes a load forecast at `now_epoch_ms` for the `hours` hours from `first_hour_epoch_ms`,
/// from the hourly load history (oldest first, at most `LOOK_BACK_HOURS`, contiguous).
/// `None` when it cannot forecast yet.
pub trait Forecaster {
    /// The forecast, or `None` (too little history, or no replayed data for these hours).
    fn forecast(&self, history: &[HourlyLoad], first_hour_epoch_ms: i64, hours: usize) -> Option<LoadForecast>;
    /// How the output names this forecaster (`seasonal`, `replay`).
    fn name(&self) -> &'static str;
}

/// The start of the UTC hour holding `epoch_ms`.
pub fn hour_floor(epoch_ms: i64) -> i64 {
    epoch_ms.div_euclid(HOUR_MS) * HOUR_MS
}

/// The first UTC hour boundary at or after `epoch_ms`.
pub fn hour_ceil(epoch_ms: i64) -> i64 {
    let floor = hour_floor(epoch_ms);
    if floor == epoch_ms { floor } else { floor + HOUR_MS }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_are_utc_boundaries() {
        for (t, floor, ceil) in [
            (0, 0, 0),
            (1, 0, HOUR_MS),
            (HOUR_MS - 1, 0, HOUR_MS),
            (HOUR_MS, HOUR_MS, HOUR_MS),
            (-1, -HOUR_MS, 0),
        ] {
            assert_eq!((hour_floor(t), hour_ceil(t)), (floor, ceil), "at {t}");
        }
    }
}
