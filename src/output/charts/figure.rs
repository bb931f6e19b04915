//! What a chart shows, independent of how it is drawn: a titled figure of one or more panels
//! stacked over a shared time axis, each with lines, bands, stacked areas, reference lines and
//! shaded spans, plus timeline markers (faults, service updates, ...) across all panels.
//!
//! Chart kinds build a [`Figure`] from the run's columns; `draw` turns any figure into pixels.
//! Overlays that arrive with later capabilities (target-tracking `TargetValue` lines, alarm
//! periods, `targetCapacity`) are [`ReferenceLine`]s and [`Span`]s passed in by the chart kind.

use super::style::Stroke;

/// One chart file.
#[derive(Clone, Debug)]
pub struct Figure<'a> {
    /// File name without extension, e.g. `service-web-load`.
    pub file_stem: String,
    /// Names the chart, the service or provider, and the scenario.
    pub title: String,
    /// Scenario facts: start, duration, seed.
    pub subtitle: String,
    /// Panels from top to bottom; the last one carries the time axis labels.
    pub panels: Vec<Panel<'a>>,
    /// Vertical markers across every panel, in time order.
    pub markers: Vec<Marker>,
}

/// How a panel's y axis is scaled and labelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum YScale {
    /// Whole numbers (tasks, instances), from zero.
    Count,
    /// Percent, from zero to at least 100.
    Percent,
    /// Rates (requests/s), from zero, with k and M suffixes.
    Rate,
    /// US dollars, from zero.
    Usd,
    /// Durations given in milliseconds, labelled `250 ms` or `1.5 s`, from zero.
    Milliseconds,
}

/// One plot area with its own y axis.
#[derive(Clone, Debug)]
pub struct Panel<'a> {
    /// Y axis description with its unit.
    pub y_label: String,
    /// Y axis scale.
    pub scale: YScale,
    /// Relative height among the figure's panels.
    pub height_weight: u32,
    /// Filled bands, drawn first.
    pub bands: Vec<Band<'a>>,
    /// Series drawn as filled areas stacked on one another, first at the bottom: each layer's
    /// bottom edge is the sum of the layers below it (NaN counts as zero). All layers share the
    /// rows of the first one. Drawn after the bands, before the lines.
    pub stacked: Vec<Line<'a>>,
    /// Lines, drawn in order (later on top).
    pub lines: Vec<Line<'a>>,
    /// Dashed horizontal lines (targets, thresholds).
    pub reference_lines: Vec<ReferenceLine>,
    /// Shaded time spans (faults until recovery, alarm periods), drawn under everything.
    pub spans: Vec<Span>,
}

impl<'a> Panel<'a> {
    /// An empty panel.
    pub fn new(y_label: impl Into<String>, scale: YScale) -> Self {
        Panel {
            y_label: y_label.into(),
            scale,
            height_weight: 1,
            bands: Vec::new(),
            stacked: Vec::new(),
            lines: Vec::new(),
            reference_lines: Vec::new(),
            spans: Vec::new(),
        }
    }

    /// Adds a line.
    pub fn line(mut self, legend: impl Into<String>, stroke: Stroke, time_s: &'a [f64], values: &'a [f64]) -> Self {
        self.lines.push(Line {
            legend: legend.into(),
            stroke,
            time_s,
            values,
        });
        self
    }

    /// Adds a layer on top of the stacked areas.
    pub fn stacked_area(
        mut self,
        legend: impl Into<String>,
        stroke: Stroke,
        time_s: &'a [f64],
        values: &'a [f64],
    ) -> Self {
        self.stacked.push(Line {
            legend: legend.into(),
            stroke,
            time_s,
            values,
        });
        self
    }

    /// The top edge of each stacked layer: running sums of the layers' values over the first
    /// layer's rows (NaN counts as zero).
    pub fn stacked_edges(&self) -> Vec<Vec<f64>> {
        let rows = self.stacked.first().map_or(0, |l| l.time_s.len());
        let mut below = vec![0.0; rows];
        self.stacked
            .iter()
            .map(|layer| {
                for (i, sum) in below.iter_mut().enumerate() {
                    let v = layer.values.get(i).copied().unwrap_or(f64::NAN);
                    if v.is_finite() {
                        *sum += v;
                    }
                }
                below.clone()
            })
            .collect()
    }

    /// Adds a band filled between `lower` and `upper`.
    pub fn band(
        mut self,
        legend: impl Into<String>,
        stroke: Stroke,
        time_s: &'a [f64],
        lower: &'a [f64],
        upper: &'a [f64],
    ) -> Self {
        self.bands.push(Band {
            legend: legend.into(),
            stroke,
            time_s,
            lower,
            upper,
        });
        self
    }
}

/// A series drawn as a line. Values are rows of the run, NaN where missing.
#[derive(Clone, Debug)]
pub struct Line<'a> {
    /// Legend text.
    pub legend: String,
    /// Colour, width, dash.
    pub stroke: Stroke,
    /// Seconds since the start, sorted.
    pub time_s: &'a [f64],
    /// One value per time.
    pub values: &'a [f64],
}

/// The area between two series of the same rows.
#[derive(Clone, Debug)]
pub struct Band<'a> {
    /// Legend text.
    pub legend: String,
    /// Fill colour.
    pub stroke: Stroke,
    /// Seconds since the start, sorted.
    pub time_s: &'a [f64],
    /// Lower edge.
    pub lower: &'a [f64],
    /// Upper edge.
    pub upper: &'a [f64],
}

/// A horizontal dashed line at a fixed value (a target-tracking `TargetValue`, an alarm
/// threshold, a capacity provider's `targetCapacity`).
#[derive(Clone, Debug, PartialEq)]
pub struct ReferenceLine {
    /// Legend text, e.g. `CPU target 60%`.
    pub legend: String,
    /// Colour.
    pub stroke: Stroke,
    /// Y value.
    pub value: f64,
}

/// A shaded stretch of time.
#[derive(Clone, Debug, PartialEq)]
pub struct Span {
    /// Legend text, e.g. `fault until steady state`.
    pub legend: String,
    /// Fill colour.
    pub stroke: Stroke,
    /// Start, seconds since the start.
    pub start_s: f64,
    /// End, seconds since the start.
    pub end_s: f64,
}

/// How a marker is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkerShape {
    /// A vertical line across every panel, labelled above the plot.
    VerticalLine,
    /// A small triangle on the bottom edge of every panel (frequent, minor events).
    Tick,
}

/// An event on the timeline.
#[derive(Clone, Debug, PartialEq)]
pub struct Marker {
    /// When, seconds since the start.
    pub time_s: f64,
    /// Short label above the plot; empty for none.
    pub label: String,
    /// Legend text shared by all markers of this kind, e.g. `service update`.
    pub legend: String,
    /// Colour.
    pub stroke: Stroke,
    /// Line or tick.
    pub shape: MarkerShape,
    /// When labels do not all fit above the plot, higher priorities are placed first; the others
    /// keep their line but lose their label.
    pub label_priority: u32,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::charts::style;

    #[test]
    fn stacked_layers_sit_on_the_sum_of_those_below() {
        let time_s = [0.0, 60.0, 120.0];
        let primary = [0.0, 2.0, 4.0];
        let active = [4.0, f64::NAN, 0.0];
        let panel = Panel::new("tasks", YScale::Count)
            .stacked_area("new", style::RUNNING, &time_s, &primary)
            .stacked_area("old", style::PENDING, &time_s, &active);
        assert_eq!(panel.stacked_edges(), [vec![0.0, 2.0, 4.0], vec![4.0, 2.0, 4.0]]);
        assert!(Panel::new("tasks", YScale::Count).stacked_edges().is_empty());
    }
}
