//! Charts of a sweep, drawn from its output files (`sweep_summary.csv` and `best.json`), never
//! from the runs: the Pareto chart of two figures (`pareto.png`/`.svg`) and, when exactly two
//! paths vary, the heat map of the objective (`heatmap.png`/`.svg`). They share the run charts'
//! palette, font, sizes and legend column.
//!
//! One file per concern: `data` (reading the files), `units` (labels and number formats),
//! `labels` (placing point labels), `marks` (the Pareto chart's points, whiskers, limits and labels), `frame` (title block, legend, encoding), and one file per
//! chart (`pareto`, `heatmap`).

pub mod data;
mod frame;
pub mod heatmap;
pub mod labels;
mod marks;
pub mod pareto;
pub mod units;

pub use data::{Combination, Goal, Interval, Objective, SweepData, SweepDataError};

use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, DrawingBackend};

use super::{ChartError, ChartFile, ChartFormat, style};
use frame::{DrawResult, Drawing};

/// The Pareto chart's x figure when `--x` is not given.
pub const DEFAULT_X: &str = "cost_usd";
/// The Pareto chart's y figure when `--y` is not given.
pub const DEFAULT_Y: &str = "unserved_fraction";
/// The y figure when `--y` is not given and the sweep has no `unserved_fraction` (standalone
/// tasks only): how long the batch takes against what it costs.
pub const DEFAULT_Y_JOBS: &str = "jobs.makespan_s";

/// The figures the Pareto chart plots (`--x` and `--y`); `None` for the defaults
/// ([`DEFAULT_X`], [`DEFAULT_Y`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SweepAxes {
    /// The x figure, e.g. `cost_usd`.
    pub x: Option<String>,
    /// The y figure, e.g. `unserved_fraction`.
    pub y: Option<String>,
}

/// Why the sweep's charts could not be drawn.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SweepChartError {
    /// A file could not be read.
    #[error(transparent)]
    Data(#[from] SweepDataError),
    /// `--x` or `--y` names no figure of the summary.
    #[error("--{axis} {name}: {} has no figure `{name}`; its figures are: {}", data::SUMMARY_FILE, .figures.join(", "))]
    UnknownFigure {
        /// `x` or `y`.
        axis: &'static str,
        /// The name given (or the default).
        name: String,
        /// The figures there are.
        figures: Vec<String>,
    },
    /// Drawing failed.
    #[error(transparent)]
    Chart(#[from] ChartError),
}

/// The Pareto chart's figures: the ones given, which must be figures of the summary, or the
/// defaults, which may also name a per-service figure (`web.unserved_fraction`); a sweep of
/// standalone tasks alone plots `jobs.makespan_s` for want of an unserved fraction.
pub fn resolve_axes(data: &SweepData, axes: &SweepAxes) -> Result<(String, String), SweepChartError> {
    let resolve = |axis: &'static str, given: &Option<String>, default: &str| {
        let found = match given {
            Some(name) => data.figures.iter().find(|f| *f == name).map(String::as_str),
            None if default == DEFAULT_Y => data
                .resolve_figure(default)
                .or_else(|| data.resolve_figure(DEFAULT_Y_JOBS)),
            None => data.resolve_figure(default),
        };
        found.map(str::to_string).ok_or_else(|| SweepChartError::UnknownFigure {
            axis,
            name: given.clone().unwrap_or_else(|| default.to_string()),
            figures: data.figures.clone(),
        })
    };
    Ok((resolve("x", &axes.x, DEFAULT_X)?, resolve("y", &axes.y, DEFAULT_Y)?))
}

/// Renders the sweep's charts from the texts of `sweep_summary.csv` and `best.json`:
/// `pareto.png`/`.svg` and, when exactly two paths vary, `heatmap.png`/`.svg`, in that order.
pub fn render_sweep_charts(
    summary_csv: &str,
    best_json: &str,
    axes: SweepAxes,
    format: ChartFormat,
) -> Result<Vec<ChartFile>, SweepChartError> {
    let data = SweepData::parse(summary_csv, best_json)?;
    render_sweep_data(&data, &axes, format)
}

/// Renders the charts of sweep results already read (see [`render_sweep_charts`]).
pub fn render_sweep_data(
    data: &SweepData,
    axes: &SweepAxes,
    format: ChartFormat,
) -> Result<Vec<ChartFile>, SweepChartError> {
    let (x, y) = resolve_axes(data, axes)?;
    if !style::ensure_font_registered() {
        return Err(ChartError::Font.into());
    }
    let mut files = Vec::new();
    let chart = Pareto { data, x: &x, y: &y };
    encode(
        &mut files,
        "pareto",
        &pareto::title(data, &x, &y),
        &chart,
        pareto::SIZE,
        format,
    )?;
    if let Some(grid) = heatmap::grid(data) {
        let chart = Heatmap { data, grid: &grid };
        encode(
            &mut files,
            "heatmap",
            &heatmap::title(data),
            &chart,
            heatmap::SIZE,
            format,
        )?;
    }
    Ok(files)
}

/// The Pareto chart of `x` against `y`.
struct Pareto<'a> {
    data: &'a SweepData,
    x: &'a str,
    y: &'a str,
}

impl Drawing for Pareto<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<()> {
        pareto::draw(root, self.data, self.x, self.y)
    }
}

/// The heat map over the two paths' grid.
struct Heatmap<'a> {
    data: &'a SweepData,
    grid: &'a heatmap::Grid,
}

impl Drawing for Heatmap<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<()> {
        heatmap::draw(root, self.data, self.grid)
    }
}

/// Appends the PNG and/or SVG of one chart to `files`.
fn encode(
    files: &mut Vec<ChartFile>,
    stem: &str,
    title: &str,
    chart: &impl Drawing,
    size: (u32, u32),
    format: ChartFormat,
) -> Result<(), ChartError> {
    let failed = |ext: &str| {
        let chart = format!("{stem}.{ext}");
        move |message: String| ChartError::Draw { chart, message }
    };
    if format.png() {
        let bytes = frame::png(chart, size).map_err(failed("png"))?;
        files.push(ChartFile {
            name: format!("{stem}.png"),
            title: title.to_string(),
            bytes,
        });
    }
    if format.svg() {
        let text = frame::svg(chart, size).map_err(failed("svg"))?;
        files.push(ChartFile {
            name: format!("{stem}.svg"),
            title: title.to_string(),
            bytes: text.into_bytes(),
        });
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod example;

#[cfg(test)]
mod tests {
    use super::*;

    fn names(files: &[ChartFile]) -> Vec<&str> {
        files.iter().map(|f| f.name.as_str()).collect()
    }

    /// Whether the SVG draws exactly `text` as one text element.
    fn has_text(svg: &str, text: &str) -> bool {
        svg.contains(&format!(">\n{text}\n</text>"))
    }

    fn svg_of<'a>(files: &'a [ChartFile], name: &str) -> &'a str {
        let file = files.iter().find(|f| f.name == name).expect("chart present");
        std::str::from_utf8(&file.bytes).expect("svg is text")
    }

    #[test]
    fn a_two_path_sweep_gets_a_pareto_chart_and_a_heat_map() {
        let files = render_sweep_charts(example::SUMMARY, example::BEST, SweepAxes::default(), ChartFormat::Both)
            .expect("renders");
        assert_eq!(
            names(&files),
            ["pareto.png", "pareto.svg", "heatmap.png", "heatmap.svg"]
        );
        assert!(files[0].bytes.starts_with(b"\x89PNG"));
        assert_eq!(
            files[0].title,
            "Cost against unserved requests — 8 combinations × 5 replicates"
        );
        let pareto = svg_of(&files, "pareto.svg");
        for text in [
            "cost (USD)",
            "unserved requests (% of demand)",
            "Pareto front",
            "95 % interval",
        ] {
            assert!(pareto.contains(text), "pareto.svg lacks {text}");
        }
        assert!(has_text(pareto, "limit: unserved_fraction &lt; 0.002"));
        let heatmap = svg_of(&files, "heatmap.svg");
        assert_eq!(files[2].title, "Mean cost (USD) by TargetValue and cpu");
        for text in ["$31.40", "± 0.81", "infeasible", "mean cost (USD)"] {
            assert!(heatmap.contains(text), "heatmap.svg lacks {text}");
        }
    }

    #[test]
    fn the_heat_map_appears_only_when_two_paths_vary() {
        for (paths, values, expected) in [
            (1, 5, vec!["pareto.svg"]),
            (2, 3, vec!["pareto.svg", "heatmap.svg"]),
            (3, 2, vec!["pareto.svg"]),
        ] {
            let (csv, json) = example::generated(paths, values);
            let files = render_sweep_charts(&csv, &json, SweepAxes::default(), ChartFormat::Svg).expect("renders");
            assert_eq!(names(&files), expected, "{paths} paths");
        }
    }

    #[test]
    fn the_same_input_gives_the_same_bytes() {
        let render = || render_sweep_charts(example::SUMMARY, example::BEST, SweepAxes::default(), ChartFormat::Both);
        let (a, b) = (render().expect("renders"), render().expect("renders"));
        assert_eq!(a, b);
    }

    #[test]
    fn the_best_and_the_front_keep_their_labels() {
        let files = render_sweep_charts(example::SUMMARY, example::BEST, SweepAxes::default(), ChartFormat::Svg)
            .expect("renders");
        let pareto = svg_of(&files, "pareto.svg");
        assert!(has_text(pareto, "best: TargetValue=50, cpu=512"), "best labelled");
        for front in [
            "TargetValue=60, cpu=1024",
            "TargetValue=50, cpu=1024",
            "TargetValue=40, cpu=1024",
        ] {
            assert!(has_text(pareto, front), "{front} labelled");
        }
        // Two hundred combinations crowd the plot: most labels go, the best's stays.
        let (csv, json) = example::generated(2, 14);
        let data = SweepData::parse(&csv, &json).expect("parses");
        let best = data.best.expect("a best");
        let files = render_sweep_data(&data, &SweepAxes::default(), ChartFormat::Svg).expect("renders");
        let pareto = svg_of(&files, "pareto.svg");
        let label = format!("best: {}", data.setting_label(best));
        assert!(has_text(pareto, &label), "{label}");
        let labelled = (0..data.combinations.len())
            .filter(|&i| has_text(pareto, &data.setting_label(i)))
            .count();
        assert!(labelled < data.combinations.len() / 2, "{labelled} labels drawn");
    }

    #[test]
    fn axes_name_figures_of_the_summary() {
        let axes = SweepAxes {
            x: Some("peak_running".into()),
            y: Some("mean_cpu_utilization".into()),
        };
        let files = render_sweep_charts(example::SUMMARY, example::BEST, axes, ChartFormat::Svg).expect("renders");
        assert!(svg_of(&files, "pareto.svg").contains("mean CPU utilization (%)"));
        let axes = SweepAxes {
            x: None,
            y: Some("latency".into()),
        };
        let error = render_sweep_charts(example::SUMMARY, example::BEST, axes, ChartFormat::Svg).unwrap_err();
        let message = error.to_string();
        assert!(
            message.starts_with("--y latency: sweep_summary.csv has no figure `latency`"),
            "{message}"
        );
        assert!(
            message.contains("cost_usd, demand_requests, unserved_requests, unserved_fraction"),
            "{message}"
        );
    }

    #[test]
    fn malformed_input_is_an_error_not_a_chart() {
        let broken = example::SUMMARY.replace("31.40,30.59", "31.40,x");
        let error = render_sweep_charts(&broken, example::BEST, SweepAxes::default(), ChartFormat::Png).unwrap_err();
        assert!(matches!(error, SweepChartError::Data(_)));
        assert!(
            error
                .to_string()
                .starts_with("sweep_summary.csv line 4, column 5 (cost_usd_ci_low)"),
            "{error}"
        );
    }
}
