//! Load shapes and their sum: the mean request rate a service receives at any simulated instant.

use chrono::{DateTime, Datelike, Timelike, Utc, Weekday};
use chrono_tz::Tz;

use crate::workload::noise::Noise;
use crate::workload::replay::ReplaySeries;

const MS_PER_S: f64 = 1_000.0;
const SECONDS_PER_DAY: f64 = 86_400.0;

/// What a spike does while it lasts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SpikeEffect {
    /// Adds this many requests per second.
    Add(f64),
    /// Multiplies the sum of the additive shapes by this factor.
    Multiply(f64),
}

/// How a replayed series is read between two recorded points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interpolation {
    /// Straight line between the two neighbouring points.
    Linear,
    /// The previous point's value holds until the next point.
    Step,
}

/// One component of a load profile; additive shapes are summed, multiplicative ones scale the sum.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadShape {
    /// A constant rate, in requests per second.
    Constant { rps: f64 },
    /// linear from `from` to `to` between start_ms and end_ms; `from` before, `to` after
    Ramp {
        from: f64,
        to: f64,
        start_ms: u64,
        end_ms: u64,
    },
    /// adds `rps` from at_ms on (a step change); before at_ms contributes 0
    Step { at_ms: u64, rps: f64 },
    /// amplitude * (1 + cos(2π (local_time_of_day − peak)/24h)) / 2 : 0 at the trough, `amplitude` at peak_second_of_day local time
    Diurnal {
        amplitude: f64,
        peak_second_of_day: u32,
        timezone: Tz,
    },
    /// multiplies the SUM of all additive shapes by weekday_factor Mon-Fri and weekend_factor Sat-Sun (local time in timezone)
    Weekly {
        weekday_factor: f64,
        weekend_factor: f64,
        timezone: Tz,
    },
    /// during [at_ms, at_ms+duration_ms): Add(x) adds x rps; Multiply(f) multiplies the sum of additive shapes
    Spike {
        at_ms: u64,
        duration_ms: u64,
        effect: SpikeEffect,
    },
    /// a replayed series (see replay.rs)
    Replay(ReplaySeries),
}

/// What one shape contributes at an instant.
enum Contribution {
    Add(f64),
    Multiply(f64),
}

/// The demand model of one service: shapes giving the mean rate, and noise around it.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadProfile {
    /// Components summed (additive) and multiplied (multiplicative) into the mean rate.
    pub shapes: Vec<LoadShape>,
    /// How observed demand scatters around the mean in each load step.
    pub noise: Noise,
}

impl LoadProfile {
    /// Mean demand (requests/s, never negative) at `t_ms`: sum of additive shapes (Constant, Ramp, Step, Diurnal, Spike::Add, Replay), then multiplied by every multiplicative factor active at t (Weekly, Spike::Multiply). Clamp to >= 0.
    pub fn mean_rps(&self, t_ms: u64, start_epoch_ms: i64) -> f64 {
        let mut sum = 0.0;
        let mut factor = 1.0;
        for shape in &self.shapes {
            match shape.contribution(t_ms, start_epoch_ms) {
                Contribution::Add(rps) => sum += rps,
                Contribution::Multiply(f) => factor *= f,
            }
        }
        let mean = sum * factor;
        // `max` also maps NaN (from a NaN parameter) to 0, so demand is always a usable number.
        mean.max(0.0)
    }
}

impl LoadShape {
    /// The shape's additive rate or multiplicative factor at `t_ms`.
    fn contribution(&self, t_ms: u64, start_epoch_ms: i64) -> Contribution {
        match self {
            LoadShape::Constant { rps } => Contribution::Add(*rps),
            LoadShape::Ramp {
                from,
                to,
                start_ms,
                end_ms,
            } => Contribution::Add(ramp_value(*from, *to, *start_ms, *end_ms, t_ms)),
            LoadShape::Step { at_ms, rps } => Contribution::Add(if t_ms >= *at_ms { *rps } else { 0.0 }),
            LoadShape::Diurnal {
                amplitude,
                peak_second_of_day,
                timezone,
            } => {
                let local = local_time(t_ms, start_epoch_ms, *timezone);
                let phase =
                    (seconds_of_day(&local) - f64::from(*peak_second_of_day)) / SECONDS_PER_DAY * std::f64::consts::TAU;
                Contribution::Add(amplitude * (1.0 + phase.cos()) / 2.0)
            }
            LoadShape::Weekly {
                weekday_factor,
                weekend_factor,
                timezone,
            } => {
                let local = local_time(t_ms, start_epoch_ms, *timezone);
                let weekend = matches!(local.weekday(), Weekday::Sat | Weekday::Sun);
                Contribution::Multiply(if weekend { *weekend_factor } else { *weekday_factor })
            }
            LoadShape::Spike {
                at_ms,
                duration_ms,
                effect,
            } => {
                let active = t_ms >= *at_ms && t_ms < at_ms.saturating_add(*duration_ms);
                match (active, effect) {
                    (false, SpikeEffect::Add(_)) => Contribution::Add(0.0),
                    (false, SpikeEffect::Multiply(_)) => Contribution::Multiply(1.0),
                    (true, SpikeEffect::Add(rps)) => Contribution::Add(*rps),
                    (true, SpikeEffect::Multiply(f)) => Contribution::Multiply(*f),
                }
            }
            LoadShape::Replay(series) => Contribution::Add(series.value_at(t_ms)),
        }
    }
}

/// Linear ramp value; a ramp with `end_ms <= start_ms` is a step to `to` at `start_ms`.
fn ramp_value(from: f64, to: f64, start_ms: u64, end_ms: u64, t_ms: u64) -> f64 {
    if t_ms < start_ms {
        from
    } else if t_ms >= end_ms {
        to
    } else {
        let fraction = (t_ms - start_ms) as f64 / (end_ms - start_ms) as f64;
        from + (to - from) * fraction
    }
}

/// Local wall-clock time `t_ms` after the anchor, in `timezone`.
fn local_time(t_ms: u64, start_epoch_ms: i64, timezone: Tz) -> DateTime<Tz> {
    let offset_ms = i64::try_from(t_ms).unwrap_or(i64::MAX);
    // Instants outside chrono's range (hundreds of millennia away) fall back to the Unix epoch:
    // only a nonsensical anchor gets there, and demand must stay defined rather than panic.
    let utc = DateTime::<Utc>::from_timestamp_millis(start_epoch_ms.saturating_add(offset_ms)).unwrap_or_default();
    utc.with_timezone(&timezone)
}

/// Seconds since local midnight, with the millisecond fraction kept so curves stay smooth.
fn seconds_of_day(local: &DateTime<Tz>) -> f64 {
    f64::from(local.num_seconds_from_midnight()) + f64::from(local.timestamp_subsec_millis()) / MS_PER_S
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::DEFAULT_START_EPOCH_MS;

    const HOUR_MS: u64 = 3_600_000;
    const DAY_MS: u64 = 24 * HOUR_MS;
    /// 2026-03-02T00:00:00Z, a Monday (09:00 in Seoul).
    const MARCH_2_MS: i64 = 1_772_409_600_000;
    const SEOUL: Tz = chrono_tz::Asia::Seoul;

    #[track_caller]
    fn check(shapes: Vec<LoadShape>, start_epoch_ms: i64, cases: &[(u64, f64)]) {
        let profile = LoadProfile {
            shapes,
            noise: Noise::None,
        };
        for &(t_ms, expected) in cases {
            let actual = profile.mean_rps(t_ms, start_epoch_ms);
            assert!(
                (actual - expected).abs() < 1e-9,
                "t_ms={t_ms}: expected {expected}, got {actual}"
            );
        }
    }

    #[test]
    fn default_anchor_is_monday_midnight_utc() {
        let anchor = DateTime::<Utc>::from_timestamp_millis(DEFAULT_START_EPOCH_MS).unwrap();
        assert_eq!(anchor.to_rfc3339(), "2026-01-05T00:00:00+00:00");
        assert_eq!(anchor.weekday(), Weekday::Mon);
    }

    #[test]
    fn additive_shapes() {
        let d = DEFAULT_START_EPOCH_MS;
        check(vec![LoadShape::Constant { rps: 42.0 }], d, &[(0, 42.0), (DAY_MS, 42.0)]);
        #[rustfmt::skip]
        let ramp = LoadShape::Ramp { from: 10.0, to: 30.0, start_ms: 1_000, end_ms: 3_000 };
        check(
            vec![ramp],
            d,
            &[
                (0, 10.0),
                (999, 10.0),
                (1_000, 10.0),
                (2_000, 20.0),
                (2_500, 25.0),
                (3_000, 30.0),
                (9_000, 30.0),
            ],
        );
        #[rustfmt::skip]
        let instant_ramp = LoadShape::Ramp { from: 1.0, to: 2.0, start_ms: 500, end_ms: 500 };
        check(vec![instant_ramp], d, &[(499, 1.0), (500, 2.0)]);
        check(
            vec![LoadShape::Step {
                at_ms: 60_000,
                rps: 7.5,
            }],
            d,
            &[(0, 0.0), (59_999, 0.0), (60_000, 7.5), (DAY_MS, 7.5)],
        );
        // A negative sum is clamped: demand is never below zero.
        check(vec![LoadShape::Constant { rps: -3.0 }], d, &[(0, 0.0)]);
    }

    #[test]
    fn diurnal_peaks_at_local_time_in_seoul() {
        // Peak at 14:00 KST = 05:00Z, i.e. 5 h after the anchor; the trough is 12 h later.
        let diurnal = LoadShape::Diurnal {
            amplitude: 100.0,
            peak_second_of_day: 14 * 3_600,
            timezone: SEOUL,
        };
        check(
            vec![diurnal],
            MARCH_2_MS,
            &[
                (5 * HOUR_MS, 100.0),
                (17 * HOUR_MS, 0.0),
                (11 * HOUR_MS, 50.0),
                (23 * HOUR_MS, 50.0),
                (DAY_MS + 5 * HOUR_MS, 100.0),
            ],
        );
    }

    #[test]
    fn weekly_multiplies_the_sum_by_local_day() {
        // Saturday 00:00 KST is Friday 15:00Z: 4 days + 15 h after Monday 00:00Z.
        let saturday_seoul_ms = 4 * DAY_MS + 15 * HOUR_MS;
        let shapes = vec![
            LoadShape::Constant { rps: 10.0 },
            LoadShape::Step { at_ms: 0, rps: 10.0 },
            LoadShape::Weekly {
                weekday_factor: 1.5,
                weekend_factor: 0.25,
                timezone: SEOUL,
            },
        ];
        check(
            shapes,
            MARCH_2_MS,
            &[
                (0, 30.0),
                (saturday_seoul_ms - 1, 30.0),
                (saturday_seoul_ms, 5.0),
                (saturday_seoul_ms + 2 * DAY_MS - 1, 5.0),
                (saturday_seoul_ms + 2 * DAY_MS, 30.0),
            ],
        );
    }

    #[test]
    fn spikes_are_active_from_start_inclusive_to_end_exclusive() {
        let d = DEFAULT_START_EPOCH_MS;
        #[rustfmt::skip]
        let shapes = vec![
            LoadShape::Constant { rps: 10.0 },
            LoadShape::Spike { at_ms: 1_000, duration_ms: 1_000, effect: SpikeEffect::Add(5.0) },
            LoadShape::Spike { at_ms: 1_500, duration_ms: 1_000, effect: SpikeEffect::Multiply(2.0) },
        ];
        check(
            shapes,
            d,
            &[
                (999, 10.0),
                (1_000, 15.0),
                (1_499, 15.0),
                (1_500, 30.0),
                (1_999, 30.0),
                (2_000, 20.0),
                (2_499, 20.0),
                (2_500, 10.0),
            ],
        );
    }

    #[test]
    fn multipliers_scale_every_additive_shape() {
        #[rustfmt::skip]
        let shapes = vec![
            LoadShape::Constant { rps: 4.0 },
            LoadShape::Ramp { from: 0.0, to: 8.0, start_ms: 0, end_ms: DAY_MS },
            LoadShape::Weekly { weekday_factor: 2.0, weekend_factor: 0.5, timezone: chrono_tz::UTC },
            LoadShape::Spike { at_ms: 0, duration_ms: HOUR_MS, effect: SpikeEffect::Multiply(3.0) },
        ];
        check(
            shapes,
            DEFAULT_START_EPOCH_MS,
            &[
                (0, 24.0),
                (HOUR_MS, 2.0 * (4.0 + 8.0 / 24.0)),
                (5 * DAY_MS, 6.0),
                (7 * DAY_MS, 24.0),
            ],
        );
    }
}
