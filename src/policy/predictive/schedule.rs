//! When predictive scaling acts (reference 15.1, 15.3): a forecast every 6 hours on UTC
//! boundaries (00:00, 06:00, 12:00, 18:00; A26), and for each forecast hour one action that sets
//! the minimum capacity `SchedulingBufferTime` before the hour starts. An action whose time has
//! passed when the forecast is made is not taken: the previous forecast's action for that hour
//! stands.

use super::{FORECAST_HOURS, HOUR_MS, REFRESH_MS, hour_ceil};

/// The first forecast time at or after `epoch_ms`: a multiple of 6 hours since the epoch.
pub fn next_refresh(epoch_ms: i64) -> i64 {
    epoch_ms.div_euclid(REFRESH_MS) * REFRESH_MS
        + if epoch_ms.rem_euclid(REFRESH_MS) == 0 {
            0
        } else {
            REFRESH_MS
        }
}

/// The first hour a forecast made at `now_epoch_ms` covers: the hour starting at or after it.
pub fn first_forecast_hour(now_epoch_ms: i64) -> i64 {
    hour_ceil(now_epoch_ms)
}

/// One hour's action: at `at_epoch_ms`, the minimum capacity of forecast hour `index` (starting
/// at `hour_epoch_ms`) takes effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HourAction {
    /// When it acts: the hour's start less `SchedulingBufferTime`.
    pub at_epoch_ms: i64,
    /// The hour it is for.
    pub hour_epoch_ms: i64,
    /// Index into the forecast's hours.
    pub index: usize,
}

/// The actions of a forecast made at `now_epoch_ms` over `hours` hours (at most
/// `FORECAST_HOURS`) from `first_hour_epoch_ms`, with `buffer_ms` of `SchedulingBufferTime`:
/// those not in the past, in time order.
pub fn hour_actions(now_epoch_ms: i64, first_hour_epoch_ms: i64, hours: usize, buffer_ms: i64) -> Vec<HourAction> {
    (0..hours.min(FORECAST_HOURS))
        .map(|index| {
            let hour_epoch_ms = first_hour_epoch_ms + index as i64 * HOUR_MS;
            HourAction {
                at_epoch_ms: hour_epoch_ms - buffer_ms,
                hour_epoch_ms,
                index,
            }
        })
        .filter(|a| a.at_epoch_ms >= now_epoch_ms)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;

    #[test]
    fn forecasts_every_six_hours_on_utc_boundaries() {
        for (t, next) in [
            (0, 0),
            (1, REFRESH_MS),
            (REFRESH_MS, REFRESH_MS),
            (REFRESH_MS + 1, 2 * REFRESH_MS),
            (5 * HOUR_MS + 59 * MIN, REFRESH_MS),
        ] {
            assert_eq!(next_refresh(t), next, "at {t}");
        }
    }

    #[test]
    fn each_hour_acts_the_buffer_early() {
        // A forecast at 06:00 for the hours from 06:00, with the default 300 s buffer: the 06:00
        // hour's action (05:55) has passed; 07:00's is at 06:55, 08:00's at 07:55.
        let now = REFRESH_MS;
        let first = first_forecast_hour(now);
        assert_eq!(first, now);
        let actions = hour_actions(now, first, 48, 300_000);
        assert_eq!(actions.len(), 47);
        assert_eq!(
            actions[0],
            HourAction {
                at_epoch_ms: 7 * HOUR_MS - 5 * MIN,
                hour_epoch_ms: 7 * HOUR_MS,
                index: 1
            }
        );
        assert_eq!(actions[1].at_epoch_ms, 8 * HOUR_MS - 5 * MIN);
        assert_eq!(actions[46].hour_epoch_ms, now + 47 * HOUR_MS);
        // Without a buffer the first hour acts at once.
        let actions = hour_actions(now, first, 48, 0);
        assert_eq!((actions.len(), actions[0].at_epoch_ms), (48, now));
        // The largest buffer (3599 s) acts just after the previous hour started.
        let actions = hour_actions(now, first, 3, 3_599_000);
        assert_eq!(actions[0].at_epoch_ms, now + 1_000);
        // A forecast at 06:20 covers the hours from 07:00; 07:00's action at 06:55 is to come.
        let now = REFRESH_MS + 20 * MIN;
        let first = first_forecast_hour(now);
        assert_eq!(first, 7 * HOUR_MS);
        assert_eq!(hour_actions(now, first, 48, 300_000)[0].hour_epoch_ms, 7 * HOUR_MS);
        // Never more than 48 hours.
        assert_eq!(hour_actions(0, 0, 100, 0).len(), 48);
    }
}
