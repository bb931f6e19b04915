//! From a load forecast to the minimum capacity of an hour (reference 15.2, 15.3): the tasks
//! that hold the scaling metric at `TargetValue` for the forecast load, then
//! `MaxCapacityBreachBehavior` with `MaxCapacityBuffer`.

/// `MaxCapacityBreachBehavior`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MaxCapacityBreach {
    /// `HonorMaxCapacity` (the default): the forecast capacity is capped at MaxCapacity.
    HonorMaxCapacity,
    /// `IncreaseMaxCapacity`: MaxCapacity may rise to the forecast capacity plus
    /// `MaxCapacityBuffer` percent of it.
    IncreaseMaxCapacity {
        /// `MaxCapacityBuffer`, percent (0 to 100).
        buffer_percent: u32,
    },
}

/// Tasks for `load` at `target_value`: `ceil(load / target)`, never negative. A quotient within
/// 1e-9 of a whole number is that number, so 600 / 60 is 10 tasks, not 11.
pub fn capacity_for_load(load: f64, target_value: f64) -> u32 {
    // NaN compares false, so a NaN load or target is no task too.
    let positive = load > 0.0 && target_value > 0.0;
    if !positive {
        return 0;
    }
    let q = load / target_value;
    let rounded = q.round();
    let tasks = if (q - rounded).abs() < 1e-9 { rounded } else { q.ceil() };
    tasks.min(f64::from(u32::MAX)) as u32
}

/// A replayed capacity value in whole tasks: AWS prints doubles; a task is whole, so round up
/// (within 1e-9 of a whole number, that number).
pub fn whole_tasks(capacity: f64) -> u32 {
    capacity_for_load(capacity, 1.0)
}

/// The hour's minimum capacity and the maximum capacity in force with it, for a forecast
/// capacity of `forecast` tasks and the target's `MinCapacity` and `MaxCapacity`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HourBounds {
    /// The minimum capacity predictive scaling sets: the forecast, capped by the maximum.
    pub min_capacity: u32,
    /// The maximum capacity during the hour: MaxCapacity, or raised by IncreaseMaxCapacity.
    pub max_capacity: u32,
}

/// Applies `MaxCapacityBreachBehavior` (reference 15.3): with HonorMaxCapacity the floor is at
/// most MaxCapacity; with IncreaseMaxCapacity the maximum is at least
/// `ceil(forecast x (1 + buffer / 100))` (AWS's example: forecast 50, maximum 40, buffer 10 ->
/// 55; "close to" the maximum is read as: the forecast plus its buffer passes it) and the floor
/// is the forecast.
pub fn hour_bounds(forecast: u32, max_capacity: u32, breach: MaxCapacityBreach) -> HourBounds {
    match breach {
        MaxCapacityBreach::HonorMaxCapacity => HourBounds {
            min_capacity: forecast.min(max_capacity),
            max_capacity,
        },
        MaxCapacityBreach::IncreaseMaxCapacity { buffer_percent } => {
            let raised = u64::from(forecast) * (100 + u64::from(buffer_percent));
            let raised = raised.div_ceil(100).min(u64::from(u32::MAX)) as u32;
            HourBounds {
                min_capacity: forecast,
                max_capacity: raised.max(max_capacity),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_to_tasks() {
        // ECSServiceCPUUtilization: total CPU percent over the target percent (reference 15.2).
        for (load, target, tasks) in [
            (600.0, 60.0, 10),
            (601.0, 60.0, 11),
            (599.9, 60.0, 10),
            (0.0, 60.0, 0),
            (-5.0, 60.0, 0),
            (f64::NAN, 60.0, 0),
            (0.1 + 0.2, 0.3, 1),
            (7.0, 0.0, 0),
        ] {
            assert_eq!(capacity_for_load(load, target), tasks, "{load} / {target}");
        }
        assert_eq!(whole_tasks(4.0000000001), 4);
        assert_eq!(whole_tasks(4.2), 5);
    }

    #[test]
    fn max_capacity_breach_both_ways() {
        use MaxCapacityBreach::*;
        let inc = |buffer_percent| IncreaseMaxCapacity { buffer_percent };
        for (forecast, max, breach, min_capacity, max_capacity) in [
            // Below the maximum nothing changes either way.
            (30, 40, HonorMaxCapacity, 30, 40),
            (30, 40, inc(10), 30, 40),
            // Above it: honoured, or raised by the buffer (AWS's example: 50, 40, 10 % -> 55).
            (50, 40, HonorMaxCapacity, 40, 40),
            (50, 40, inc(10), 50, 55),
            (50, 40, inc(0), 50, 50),
            (51, 40, inc(10), 51, 57),
            // Close to it: the forecast plus its buffer passes the maximum.
            (40, 40, inc(10), 40, 44),
            (38, 40, inc(10), 38, 42),
            (36, 40, inc(10), 36, 40),
        ] {
            assert_eq!(
                hour_bounds(forecast, max, breach),
                HourBounds {
                    min_capacity,
                    max_capacity
                },
                "{forecast} {max} {breach:?}"
            );
        }
    }
}
