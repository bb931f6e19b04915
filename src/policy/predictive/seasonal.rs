//! ecsim's own forecaster (reference 15.4, A26): AWS does not publish its algorithm, so this is a
//! documented approximation. Each forecast hour's load is a profile of the history, a weighted
//! blend of the mean at the same hour of the day and the mean at the same hour of the week (once
//! a week of history exists), scaled by the recent level: the last `level_hours` of actual load
//! over the mean of the same hours of the week (of the day, before a week of history), kept
//! within `LEVEL_BOUNDS`.

use super::{Forecaster, HOUR_MS, HourlyLoad, LoadForecast, MIN_HISTORY_HOURS};

const DAY_MS: i64 = 24 * HOUR_MS;
const WEEK_MS: i64 = 7 * DAY_MS;
/// The recent level may scale the profile by at most this much down and up, so one odd day does
/// not double or halve a forecast.
pub const LEVEL_BOUNDS: (f64, f64) = (0.5, 2.0);

/// The seasonal forecaster's settings (`behavior.predictiveScaling`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Seasonal {
    /// Weight of the same-hour-of-the-week mean against the same-hour-of-the-day mean, 0..=1,
    /// once the history holds a week (`weeklyWeight`, default 0.9).
    pub weekly_weight: f64,
    /// Hours of recent history that set the level (`levelWindow`, default 24 h).
    pub level_hours: usize,
}

impl Default for Seasonal {
    fn default() -> Self {
        Seasonal {
            weekly_weight: 0.9,
            level_hours: 24,
        }
    }
}

impl Seasonal {
    /// The profile's load at `hour` from `history`: the day's mean, blended with the week's by
    /// `weekly_weight` (1 for the level, which the same hour of the week explains best: with the
    /// blend, a quiet Sunday read as far below the profile and damped Monday's forecast).
    fn profile(&self, history: &[HourlyLoad], hour: i64, weekly: bool, weekly_weight: f64) -> f64 {
        let mean_every = |period: i64| {
            let (mut sum, mut n) = (0.0, 0u32);
            for p in history
                .iter()
                .filter(|p| (hour - p.hour_epoch_ms).rem_euclid(period) == 0)
            {
                sum += p.load;
                n += 1;
            }
            (n > 0).then(|| sum / f64::from(n))
        };
        let daily = mean_every(DAY_MS).unwrap_or(0.0);
        match mean_every(WEEK_MS).filter(|_| weekly) {
            Some(w) => weekly_weight * w + (1.0 - weekly_weight) * daily,
            None => daily,
        }
    }
}

impl Forecaster for Seasonal {
    fn forecast(&self, history: &[HourlyLoad], first_hour_epoch_ms: i64, hours: usize) -> Option<LoadForecast> {
        if history.len() < MIN_HISTORY_HOURS {
            return None;
        }
        let weekly = history.len() >= 7 * 24;
        let recent = &history[history.len() - self.level_hours.clamp(1, history.len())..];
        let actual: f64 = recent.iter().map(|p| p.load).sum();
        let profiled: f64 = recent
            .iter()
            .map(|p| self.profile(history, p.hour_epoch_ms, weekly, 1.0))
            .sum();
        let level = if profiled > 0.0 {
            (actual / profiled).clamp(LEVEL_BOUNDS.0, LEVEL_BOUNDS.1)
        } else {
            1.0
        };
        let load = (0..hours as i64)
            .map(|h| {
                let hour = first_hour_epoch_ms + h * HOUR_MS;
                (self.profile(history, hour, weekly, self.weekly_weight) * level).max(0.0)
            })
            .collect();
        Some(LoadForecast {
            first_hour_epoch_ms,
            load,
            capacity: None,
        })
    }

    fn name(&self) -> &'static str {
        "seasonal"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `days` days of hourly history from the epoch, the load at hour `h` being `f(h)`.
    fn history(days: i64, f: impl Fn(i64) -> f64) -> Vec<HourlyLoad> {
        (0..days * 24)
            .map(|h| HourlyLoad {
                hour_epoch_ms: h * HOUR_MS,
                load: f(h),
            })
            .collect()
    }

    fn sine(h: i64) -> f64 {
        500.0 + 300.0 * (std::f64::consts::TAU * (h % 24) as f64 / 24.0).sin()
    }

    /// Weekdays (the epoch was a Thursday: days 2 and 3 of each week are the weekend) busy
    /// from 08:00 to 18:00, quiet otherwise and at weekends.
    fn business(h: i64) -> f64 {
        let weekend = matches!((h / 24) % 7, 2 | 3);
        let hour = h % 24;
        if !weekend && (8..18).contains(&hour) {
            1000.0
        } else {
            100.0
        }
    }

    #[track_caller]
    fn check(days: i64, f: fn(i64) -> f64, seasonal: Seasonal, expected: &[(i64, f64)]) {
        let h = history(days, f);
        let first = days * 24 * HOUR_MS;
        let forecast = seasonal.forecast(&h, first, 48).expect("enough history");
        assert_eq!(forecast.load.len(), 48);
        assert_eq!(forecast.first_hour_epoch_ms, first);
        for &(hour, want) in expected {
            let got = forecast.load[hour as usize];
            assert!((got - want).abs() < 1e-6, "hour {hour}: {got} != {want}");
        }
    }

    #[test]
    fn no_forecast_before_a_day_of_history() {
        let s = Seasonal::default();
        assert_eq!(s.forecast(&history(0, sine)[..], 0, 48), None);
        let h = history(1, sine);
        assert_eq!(s.forecast(&h[..23], 23 * HOUR_MS, 48), None);
        assert!(s.forecast(&h, 24 * HOUR_MS, 48).is_some());
    }

    #[test]
    fn known_histories() {
        let s = Seasonal::default();
        // A flat load forecasts itself.
        check(3, |_| 240.0, s, &[(0, 240.0), (13, 240.0), (47, 240.0)]);
        // A pure daily sine: the same hour of the day, exactly (the level is 1).
        check(
            2,
            sine,
            s,
            &[(0, sine(0)), (6, sine(6)), (18, sine(18)), (30, sine(30))],
        );
        check(10, sine, s, &[(0, sine(0)), (6, sine(6)), (41, sine(41))]);
        // With the weekly profile alone, two weeks of weekday business load forecast the weekend
        // as quiet and the weekdays as busy (day 14 is a Thursday).
        let weekly = Seasonal {
            weekly_weight: 1.0,
            level_hours: 24,
        };
        check(14, business, weekly, &[(3, 100.0), (10, 1000.0), (24 + 10, 1000.0)]);
        // Day 16 (hours 48..) is Saturday: a separate forecast from day 16.
        let h = history(16, business);
        let sat = weekly.forecast(&h, 16 * 24 * HOUR_MS, 48).expect("forecast");
        assert!(
            (sat.load[10] - 100.0).abs() < 1e-6,
            "Saturday 10:00 is quiet: {}",
            sat.load[10]
        );
    }

    #[test]
    fn a_quiet_sunday_does_not_damp_monday() {
        // 18 days of weekday business load end on a Sunday (day 17); day 18 is a Monday. The
        // level compares Sunday with past Sundays (1), so Monday 10:00 is the blend of the
        // Mondays' 1000 and the 10:00 mean of all days (12 weekdays, 6 weekend days: 700).
        let h = history(18, business);
        let f = Seasonal::default()
            .forecast(&h, 18 * 24 * HOUR_MS, 48)
            .expect("forecast");
        assert!(
            (f.load[10] - (0.9 * 1000.0 + 0.1 * 700.0)).abs() < 1e-6,
            "{}",
            f.load[10]
        );
        assert!((f.load[3] - 100.0).abs() < 1e-6, "night: {}", f.load[3]);
    }

    #[test]
    fn the_daily_profile_alone_blurs_the_weekend() {
        // Six days of history (no week yet): 10:00 of day 6 is the mean of the six 10:00s
        // (four weekdays, two weekend days), scaled by the recent level.
        let h = history(6, business);
        let f = Seasonal::default()
            .forecast(&h, 6 * 24 * HOUR_MS, 48)
            .expect("forecast");
        let mean_10 = (4.0 * 1000.0 + 2.0 * 100.0) / 6.0;
        // The last day (day 5, a Tuesday) was busy as the profile says, within the level bounds.
        assert!(f.load[10] > 100.0 && f.load[10] <= 2.0 * mean_10, "{}", f.load[10]);
    }

    #[test]
    fn the_recent_level_scales_the_profile_within_bounds() {
        // Two days at 100, then a day at 150: the profile is 116.7, the level 150 / 116.7.
        let h = history(3, |h| if h >= 48 { 150.0 } else { 100.0 });
        let f = Seasonal::default()
            .forecast(&h, 3 * 24 * HOUR_MS, 48)
            .expect("forecast");
        let profile = (100.0 + 100.0 + 150.0) / 3.0;
        assert!((f.load[0] - 150.0).abs() < 1e-6, "{} (profile {profile})", f.load[0]);
        // A jump of ten times is held to twice the profile.
        let h = history(3, |h| if h >= 48 { 1000.0 } else { 100.0 });
        let f = Seasonal::default()
            .forecast(&h, 3 * 24 * HOUR_MS, 48)
            .expect("forecast");
        assert!((f.load[0] - 2.0 * 400.0).abs() < 1e-6, "{}", f.load[0]);
    }
}
