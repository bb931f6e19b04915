//! The records of predictive scaling (reference 15): one `forecast.csv` row per policy per
//! forecast hour that has ended (what was forecast for it against what happened), and one
//! record per forecast made, for `summary.json`.

use super::columns::Column;
use super::format::RowWriter;

/// A predictive policy made a forecast.
#[derive(Clone, Debug, PartialEq)]
pub struct ForecastMade<'a> {
    /// When, ms since the start.
    pub time_ms: u64,
    /// The service.
    pub service: &'a str,
    /// The policy.
    pub policy: &'a str,
    /// Hours it covers.
    pub hours: u32,
}

/// One `forecast.csv` row: a whole hour that has ended, with the forecast in force when it
/// started.
#[derive(Clone, Debug, PartialEq)]
pub struct ForecastRow<'a> {
    /// The hour's start, ms since the start of the run.
    pub time_ms: u64,
    /// The service.
    pub service: &'a str,
    /// The policy.
    pub policy: &'a str,
    /// When the forecast was made, ms since the start.
    pub forecast_made_ms: u64,
    /// The forecast load (empty when a replayed forecast has only capacities).
    pub load_forecast: Option<f64>,
    /// The forecast capacity, tasks.
    pub capacity_forecast: u32,
    /// The load measured over the hour.
    pub actual_load: f64,
    /// The minimum capacity predictive scaling set for the hour (ForecastAndScale only).
    pub min_capacity: Option<u32>,
}

/// `forecast.csv`.
pub mod hourly {
    use super::*;
    pub use crate::trace::columns::{TIME_S, TIMESTAMP};

    /// File name in the run directory.
    pub const FILE: &str = "forecast.csv";
    /// Service.
    pub const SERVICE: &str = "service";
    /// Policy.
    pub const POLICY: &str = "policy";
    /// When the forecast in force was made, seconds since the start.
    pub const FORECAST_TIME_S: &str = "forecast_time_s";
    /// Forecast load.
    pub const LOAD_FORECAST: &str = "load_forecast";
    /// Forecast capacity.
    pub const CAPACITY_FORECAST: &str = "capacity_forecast";
    /// Measured load.
    pub const ACTUAL_LOAD: &str = "actual_load";
    /// The minimum capacity set for the hour.
    pub const MIN_CAPACITY: &str = "min_capacity";

    /// How a cell is formatted from a row.
    pub type Cell = for<'r, 'a> fn(&'r ForecastRow<'a>, &mut RowWriter);

    /// The columns, in file order.
    pub const COLUMNS: &[Column<Cell>] = &[
        Column {
            name: TIME_S,
            cell: |r, w| w.seconds(r.time_ms),
        },
        Column {
            name: TIMESTAMP,
            cell: |r, w| w.timestamp(r.time_ms),
        },
        Column {
            name: SERVICE,
            cell: |r, w| w.text(r.service),
        },
        Column {
            name: POLICY,
            cell: |r, w| w.text(r.policy),
        },
        Column {
            name: FORECAST_TIME_S,
            cell: |r, w| w.seconds(r.forecast_made_ms),
        },
        Column {
            name: LOAD_FORECAST,
            cell: |r, w| w.opt_number(r.load_forecast),
        },
        Column {
            name: CAPACITY_FORECAST,
            cell: |r, w| w.int(r.capacity_forecast),
        },
        Column {
            name: ACTUAL_LOAD,
            cell: |r, w| w.number(r.actual_load),
        },
        Column {
            name: MIN_CAPACITY,
            cell: |r, w| w.opt_int(r.min_capacity),
        },
    ];
}
