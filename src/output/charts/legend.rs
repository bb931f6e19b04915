//! What a panel's legend lists: one entry per series, band, reference line, span and kind of
//! marker it draws, with the swatch that stands for it. A series with nothing to draw in the rows
//! it holds (an empty stacked layer, a line of NaN) has no entry, so no legend names a layer the
//! reader cannot find in the plot.

use super::figure::{Line, Marker, MarkerShape, Panel, SpanShape};
use super::style::{self, Stroke};

/// How a legend entry's swatch is drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Swatch {
    /// A short line (dashed if the stroke is).
    Line(Stroke),
    /// A filled rectangle at an opacity.
    Fill(Stroke, f64),
    /// A vertical marker line.
    Vertical(Stroke),
    /// A triangle tick on the time axis.
    Tick(Stroke),
    /// Dots, as datapoints are drawn.
    Dot(Stroke),
}

/// One entry of a panel's legend.
#[derive(Clone, Debug, PartialEq)]
pub struct LegendEntry {
    /// Its swatch.
    pub swatch: Swatch,
    /// Its text.
    pub text: String,
}

/// Whether `line` draws anything: a value that is a number (for a stacked layer, one above
/// zero, since a layer of zeros has no height).
pub fn draws_anything(line: &Line<'_>, stacked: bool) -> bool {
    line.values
        .iter()
        .take(line.time_s.len())
        .any(|v| v.is_finite() && (!stacked || *v > 0.0))
}

/// The legend of `panel`, top to bottom: stacked layers (top layer first, as the areas read),
/// lines, datapoints, bands, reference lines, spans, then `markers` by kind; each text once, and
/// nothing for a series with nothing to draw.
pub fn entries(panel: &Panel<'_>, markers: &[Marker]) -> Vec<LegendEntry> {
    let mut entries: Vec<LegendEntry> = Vec::new();
    let mut push = |swatch: Swatch, text: &str| {
        if !entries.iter().any(|e| e.text == text) {
            entries.push(LegendEntry {
                swatch,
                text: text.to_string(),
            });
        }
    };
    for layer in panel.stacked.iter().rev().filter(|l| draws_anything(l, true)) {
        push(Swatch::Fill(layer.stroke, style::STACK_ALPHA), &layer.legend);
    }
    for line in panel.lines.iter().filter(|l| draws_anything(l, false)) {
        push(Swatch::Line(line.stroke), &line.legend);
    }
    for series in panel.points.iter().filter(|l| draws_anything(l, false)) {
        push(Swatch::Dot(series.stroke), &series.legend);
    }
    for band in &panel.bands {
        push(Swatch::Fill(band.stroke, style::BAND_ALPHA), &band.legend);
    }
    for r in &panel.reference_lines {
        push(Swatch::Line(r.stroke), &r.legend);
    }
    for s in &panel.spans {
        // The opacity the span is drawn at: a darker swatch would match a stacked layer instead.
        let alpha = match s.shape {
            SpanShape::Tint => style::SPAN_ALPHA,
            SpanShape::TopBar => style::BAR_ALPHA,
        };
        push(Swatch::Fill(s.stroke, alpha), &s.legend);
    }
    for m in markers {
        let swatch = match m.shape {
            MarkerShape::VerticalLine => Swatch::Vertical(m.stroke),
            MarkerShape::Tick => Swatch::Tick(m.stroke),
        };
        push(swatch, &m.legend);
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::charts::figure::YScale;

    #[test]
    fn a_layer_or_line_with_nothing_to_draw_has_no_entry() {
        let time_s = [0.0, 60.0, 120.0];
        let (zeros, some, missing) = ([0.0; 3], [0.0, 2.0, 0.0], [f64::NAN; 3]);
        let panel = Panel::new("tasks", YScale::Count)
            .stacked_area("empty layer", style::CURRENT_TASKS, &time_s, &zeros)
            .stacked_area("drawn layer", style::PRIMARY_TASKS, &time_s, &some)
            .line("line of zeros", style::DESIRED, &time_s, &zeros)
            .line("line of NaN", style::HEALTHY, &time_s, &missing);
        let texts: Vec<String> = entries(&panel, &[]).into_iter().map(|e| e.text).collect();
        assert_eq!(texts, ["drawn layer", "line of zeros"]);
    }
}
