//! The charts of a sweep: the Pareto chart, the heat map and `report.html`, drawn from the
//! `sweep_summary.csv` and `best.json` a sweep or a merge has just made, before anything is
//! written (an unknown `--x` or `--y` figure leaves the output directory untouched).

use clap::Args;

use super::plot::FormatArg;
use crate::output::charts::ChartFile;
use crate::output::charts::sweep::{SweepAxes, SweepChartError, render_sweep_charts};
use crate::output::sweep_report::render_sweep_report;
use crate::sweep::FigureSet;
use crate::sweep::report::Report;

/// The chart options shared by `ecsim sweep` and `ecsim sweep merge`.
#[derive(Args, Debug, Clone)]
pub struct SweepChartArgs {
    /// The Pareto chart's x figure [default: cost_usd].
    #[arg(long, value_name = "FIGURE")]
    x: Option<String>,
    /// The Pareto chart's y figure [default: unserved_fraction; without services, jobs.makespan_s].
    #[arg(long, value_name = "FIGURE")]
    y: Option<String>,
    /// Write no charts and no report.html.
    #[arg(long)]
    no_charts: bool,
    /// Which chart files to write.
    #[arg(long, value_enum, default_value_t = FormatArg::Both)]
    format: FormatArg,
}

impl SweepChartArgs {
    /// Checks that the `--x` and `--y` figures are figures of the sweep, before anything runs.
    pub(super) fn check_axes(&self, figures: &FigureSet) -> Result<(), String> {
        if self.no_charts {
            return Ok(());
        }
        for (flag, name) in [("--x", &self.x), ("--y", &self.y)] {
            if let Some(name) = name {
                figures.index(name).map_err(|e| format!("error: {flag}: {e}"))?;
            }
        }
        Ok(())
    }
}

/// The charts and the report page of a sweep, in memory.
pub(super) struct SweepCharts {
    /// `charts/*`.
    pub charts: Vec<ChartFile>,
    /// `report.html`.
    pub report: String,
}

/// Draws the sweep's charts and report; `Ok(None)` with `--no-charts`; `Err` with the message for
/// a bad `--x`/`--y` (bad input) or a chart that could not be drawn.
pub(super) fn draw(args: &SweepChartArgs, report: &Report) -> Result<Option<SweepCharts>, (bool, String)> {
    if args.no_charts {
        return Ok(None);
    }
    let axes = SweepAxes {
        x: args.x.clone(),
        y: args.y.clone(),
    };
    let charts =
        render_sweep_charts(&report.summary_csv, &report.best_json, axes, args.format.into()).map_err(|e| match e {
            SweepChartError::UnknownFigure { .. } => (true, format!("error: {e}")),
            other => (false, format!("drawing the sweep charts failed: {other}")),
        })?;
    let page = render_sweep_report(&report.summary_csv, &report.best_json, &charts)
        .map_err(|e| (false, format!("writing report.html failed: {e}")))?;
    Ok(Some(SweepCharts { charts, report: page }))
}
