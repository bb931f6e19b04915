//! What a chart shows, independent of how it is drawn: a titled figure of one or more panels
//! stacked over a shared time axis, each with lines, bands, stacked areas, reference lines and
//! shaded spans, plus timeline markers (faults, service updates, ...) across all panels.
//!
//! Chart kinds build a [`Figure`] from the run's columns; `draw` turns any figure into pixels.
//! Overlays that arrive with later capabilities (target-tracking `TargetValue` lines, alarm
//! periods, `targetCapacity`) are [`ReferenceLine`]s and [`Span`]s passed in by the chart kind.

use super::style::Stroke;
use super::timeline::Window;

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
    /// The stretch of the run this figure always shows (a deployment's zoom), whatever window the
    /// run's other charts use; `None` for the run's window.
    pub window: Option<Window>,
}

impl<'a> Figure<'a> {
    /// The figure cut to `window`: rows, spans and markers outside it dropped, spans clipped to
    /// its edges. Rows are sorted by time, so each series becomes a sub-slice.
    pub fn within(&self, window: Window) -> Figure<'a> {
        let rows = |time_s: &[f64]| {
            let first = time_s.partition_point(|&t| t < window.from_s);
            let end = time_s.partition_point(|&t| t <= window.to_s);
            first..end.max(first)
        };
        let cut_line = |line: &Line<'a>| {
            let r = rows(line.time_s);
            Line {
                legend: line.legend.clone(),
                stroke: line.stroke,
                time_s: &line.time_s[r.clone()],
                values: &line.values[r.start.min(line.values.len())..r.end.min(line.values.len())],
            }
        };
        let panels = self
            .panels
            .iter()
            .map(|p| Panel {
                y_label: p.y_label.clone(),
                scale: p.scale,
                height_weight: p.height_weight,
                log_allowed: p.log_allowed,
                steps: p.steps,
                bands: p
                    .bands
                    .iter()
                    .map(|b| {
                        let r = rows(b.time_s);
                        let cut = |v: &'a [f64]| &v[r.start.min(v.len())..r.end.min(v.len())];
                        Band {
                            legend: b.legend.clone(),
                            stroke: b.stroke,
                            time_s: &b.time_s[r.clone()],
                            lower: cut(b.lower),
                            upper: cut(b.upper),
                            sets_axis: b.sets_axis,
                        }
                    })
                    .collect(),
                stacked: p.stacked.iter().map(cut_line).collect(),
                lines: p.lines.iter().map(cut_line).collect(),
                points: p.points.iter().map(cut_line).collect(),
                reference_lines: p.reference_lines.clone(),
                spans: p
                    .spans
                    .iter()
                    .filter(|s| s.end_s >= window.from_s && s.start_s <= window.to_s)
                    .map(|s| Span {
                        start_s: s.start_s.max(window.from_s),
                        end_s: s.end_s.min(window.to_s),
                        ..s.clone()
                    })
                    .collect(),
            })
            .collect();
        Figure {
            file_stem: self.file_stem.clone(),
            title: self.title.clone(),
            subtitle: self.subtitle.clone(),
            panels,
            markers: self
                .markers
                .iter()
                .filter(|m| (window.from_s..=window.to_s).contains(&m.time_s))
                .cloned()
                .collect(),
            window: Some(window),
        }
    }
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
    /// Durations given in milliseconds, on an axis in one unit chosen from its range (ms below
    /// 10 s, s from there) and named in its description, from zero.
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
    /// Series drawn as dots, one per row, over the lines (the datapoints an alarm evaluated).
    pub points: Vec<Line<'a>>,
    /// Dashed horizontal lines (targets, thresholds).
    pub reference_lines: Vec<ReferenceLine>,
    /// Shaded time spans: tints (alarm periods, outages) under everything, bars (faults until
    /// recovery) along the top over everything.
    pub spans: Vec<Span>,
    /// Whether lines and bands hold each row's value until the next row (a state, as a count
    /// is), rather than joining rows with slopes (by default for counts).
    pub steps: bool,
    /// Whether the y axis turns logarithmic when the data span more than two decades
    /// (`log_axis`): by default for rates and durations, whose spikes flatten the rest.
    pub log_allowed: bool,
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
            points: Vec::new(),
            reference_lines: Vec::new(),
            spans: Vec::new(),
            steps: scale == YScale::Count,
            log_allowed: matches!(scale, YScale::Rate | YScale::Milliseconds),
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
            sets_axis: true,
        });
        self
    }

    /// Adds a band that does not stretch the y axis: the axis scales to the panel's other data
    /// and the band is cut at its top (a MaxCapacity of 100 over 10 to 14 tasks).
    pub fn clipped_band(
        self,
        legend: impl Into<String>,
        stroke: Stroke,
        time_s: &'a [f64],
        lower: &'a [f64],
        upper: &'a [f64],
    ) -> Self {
        let mut panel = self.band(legend, stroke, time_s, lower, upper);
        if let Some(band) = panel.bands.last_mut() {
            band.sets_axis = false;
        }
        panel
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
    /// Whether the y axis grows to show the whole band; otherwise it is cut at the axis top.
    pub sets_axis: bool,
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
    /// A tint over the whole height, or a bar along the top.
    pub shape: SpanShape,
}

/// How a span is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpanShape {
    /// A light tint over the panel's whole height, under the data (a state: an alarm in ALARM, a
    /// deployment in progress, a zone out).
    Tint,
    /// A solid bar along the top edge of the plot, over everything (how long a fault took to
    /// recover from): a tint under another tint would be lost.
    TopBar,
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

    #[test]
    fn a_window_keeps_the_rows_spans_and_markers_inside_it() {
        let time_s = [0.0, 60.0, 120.0, 180.0, 240.0];
        let values = [1.0, 2.0, 3.0, 4.0, 5.0];
        let mut panel = Panel::new("tasks", YScale::Count)
            .line("running", style::RUNNING, &time_s, &values)
            .band("band", style::CAPACITY_BAND, &time_s, &values, &values);
        let span = |start_s, end_s| Span {
            legend: "alarm".into(),
            stroke: style::RUNNING,
            start_s,
            end_s,
            shape: SpanShape::Tint,
        };
        panel.spans = vec![span(0.0, 30.0), span(100.0, 500.0)];
        let marker = |time_s| Marker {
            time_s,
            label: String::new(),
            legend: "scale-out".into(),
            stroke: style::RUNNING,
            shape: MarkerShape::Tick,
            label_priority: 0,
        };
        let figure = Figure {
            file_stem: "f".into(),
            title: "t".into(),
            subtitle: String::new(),
            panels: vec![panel],
            markers: vec![marker(10.0), marker(150.0)],
            window: None,
        };
        let cut = figure.within(Window {
            from_s: 60.0,
            to_s: 180.0,
        });
        let p = &cut.panels[0];
        assert_eq!((p.lines[0].time_s, p.lines[0].values), (&time_s[1..4], &values[1..4]));
        assert_eq!(p.bands[0].upper, &values[1..4]);
        assert_eq!(p.spans, [span(100.0, 180.0)], "outside dropped, inside clipped");
        assert_eq!(cut.markers, [marker(150.0)]);
        let empty = figure.within(Window {
            from_s: 300.0,
            to_s: 400.0,
        });
        assert!(empty.panels[0].lines[0].time_s.is_empty());
    }
}
