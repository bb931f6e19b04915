//! AWS's own forecast as data (reference 15.5): the `LoadForecast` and `CapacityForecast` that
//! `aws application-autoscaling get-predictive-scaling-forecast` prints, hour by hour. With it
//! the forecast part of a run is AWS's, not an approximation.

use super::{Forecaster, HOUR_MS, HourlyLoad, LoadForecast};

/// One hour of a replayed forecast.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReplayPoint {
    /// The hour's start, ms since the epoch (a multiple of `HOUR_MS`).
    pub hour_epoch_ms: i64,
    /// `LoadForecast` value, if the file has one for this hour.
    pub load: Option<f64>,
    /// `CapacityForecast` value, if the file has one for this hour.
    pub capacity: Option<f64>,
}

/// A replayed forecast: points sorted by hour, one per hour.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Replay {
    /// The points, ascending, no hour twice.
    pub points: Vec<ReplayPoint>,
}

impl Replay {
    /// The point of `hour_epoch_ms`, if any.
    fn at(&self, hour_epoch_ms: i64) -> Option<&ReplayPoint> {
        self.points
            .binary_search_by_key(&hour_epoch_ms, |p| p.hour_epoch_ms)
            .ok()
            .map(|i| &self.points[i])
    }
}

impl Forecaster for Replay {
    /// The replayed hours from `first_hour_epoch_ms` on, as far as they run without a gap (at
    /// most `hours`); `None` when the data has no value for the first hour. The history is not
    /// read: AWS made this forecast from its own.
    fn forecast(&self, _history: &[HourlyLoad], first_hour_epoch_ms: i64, hours: usize) -> Option<LoadForecast> {
        let points: Vec<&ReplayPoint> = (0..hours as i64)
            .map_while(|h| self.at(first_hour_epoch_ms + h * HOUR_MS))
            .collect();
        if points.is_empty() {
            return None;
        }
        let has_capacity = points.iter().any(|p| p.capacity.is_some());
        Some(LoadForecast {
            first_hour_epoch_ms,
            load: points.iter().map(|p| p.load.unwrap_or(f64::NAN)).collect(),
            capacity: has_capacity.then(|| points.iter().map(|p| p.capacity.unwrap_or(f64::NAN)).collect()),
        })
    }

    fn name(&self) -> &'static str {
        "replay"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replay(hours: &[(i64, Option<f64>, Option<f64>)]) -> Replay {
        Replay {
            points: hours
                .iter()
                .map(|&(h, load, capacity)| ReplayPoint {
                    hour_epoch_ms: h * HOUR_MS,
                    load,
                    capacity,
                })
                .collect(),
        }
    }

    #[test]
    fn replays_the_hours_it_has() {
        let r = replay(&[
            (10, Some(100.0), Some(2.0)),
            (11, Some(300.0), Some(5.0)),
            (13, Some(1.0), None),
        ]);
        let f = r.forecast(&[], 10 * HOUR_MS, 48).expect("hour 10 is there");
        assert_eq!(f.load, vec![100.0, 300.0]);
        assert_eq!(f.capacity, Some(vec![2.0, 5.0]));
        // Cut at `hours`, started where asked.
        let f = r.forecast(&[], 11 * HOUR_MS, 1).expect("hour 11");
        assert_eq!((f.first_hour_epoch_ms, f.load.clone()), (11 * HOUR_MS, vec![300.0]));
        // No value for the first hour: no forecast.
        assert_eq!(r.forecast(&[], 12 * HOUR_MS, 48), None);
        // A load without a capacity: the capacity follows from the load.
        let f = r.forecast(&[], 13 * HOUR_MS, 48).expect("hour 13");
        assert_eq!((f.load, f.capacity), (vec![1.0], None));
    }
}
