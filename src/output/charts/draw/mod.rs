//! Draws a [`Figure`] on any plotters backend: title block, annotation labels, stacked panels over
//! the shared time axis, and the legend in its own column to the right of the plots, so it never
//! covers data. This file lays the figure out; `panel` draws one panel (axes, bands, lines,
//! spans), `paths` shapes its lines (steps, flat runs), `markers` the marker lines, ticks and
//! their labels, `legend` the legend column.

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::downsample::{keep_extremes, keep_widest};
use super::figure::{Figure, Marker, MarkerShape, Panel, ReferenceLine, SpanShape, YScale};
use super::log_axis::LogAxis;
use super::style::{self, FONT_FAMILY, Stroke};
use super::timeline::{TimeAxis, format_tick};

mod legend;
mod markers;
mod panel;
mod paths;

use legend::{draw_legend, legend_entries};
use markers::{draw_labels, draw_marker_lines, draw_marker_ticks, layout_labels};
use panel::draw_panel;
use paths::{stepped, without_flat_interiors};

/// Pixels left of each plot for tick labels and the y axis description.
const Y_LABEL_AREA: u32 = 84;
/// Pixels below the last plot for tick labels and the time axis description.
const X_LABEL_AREA: u32 = 54;
/// Gap between the plots and the legend column.
const PLOT_MARGIN_RIGHT: u32 = 18;
/// Gap above each panel.
const PANEL_MARGIN_TOP: u32 = 6;
/// Gap below a panel that has another panel under it.
const PANEL_GAP: u32 = 14;
/// Gap left of the y axis description, so its glyphs are not clipped.
const PLOT_MARGIN_LEFT: u32 = 10;
/// Narrowest shaded span, in pixels.
const MIN_SPAN_PX: f64 = 4.0;
/// Height of a bar along the top of a plot (a fault until steady state), in pixels.
const BAR_PX: f64 = 7.0;
/// Narrowest bar, in pixels: wider than a fault's line, so it shows beside it.
const MIN_BAR_PX: f64 = 8.0;
/// Opacity of thin marker lines (scaling activities, service updates): dozens of them must not
/// hide the data they explain.
const THIN_MARKER_ALPHA: f64 = 0.55;
/// Left edge of the title text.
const TEXT_LEFT: i32 = 18;

type DrawResult<T> = Result<T, String>;

/// A panel's chart: time against a value, both `f64`.
type Chart<'a, DB> =
    ChartContext<'a, DB, Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>>;

/// How data lines reach the backend.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineMode {
    /// One path per line: compact, for SVG, whose renderers join thick lines properly.
    Polyline,
    /// One element per segment: for the bitmap backend, which fills a thick path as a single
    /// polygon, and a zig-zag (a spike, a min/max column) then paints long stray wedges.
    Segments,
}

fn failed<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

fn font(size: f64, color: RGBColor) -> TextStyle<'static> {
    (FONT_FAMILY, size).into_font().color(&color)
}

fn shape(stroke: Stroke) -> ShapeStyle {
    stroke.color.stroke_width(stroke.width)
}

/// The smallest a title shrinks to; a longer one is drawn at this size.
const MIN_TITLE_SIZE: f64 = 14.0;

/// The largest size from `start` down to `min`, in steps of one pixel, at which `width_at`
/// (a text's width at a size) fits `available` pixels; `min` when none does.
fn fitted_size(start: f64, min: f64, available: u32, width_at: impl Fn(f64) -> u32) -> f64 {
    let mut size = start;
    while size > min && width_at(size) > available {
        size -= 1.0;
    }
    size.max(min)
}

/// Draws `figure` filling `root`.
pub fn draw_figure<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    figure: &Figure<'_>,
    axis: &TimeAxis,
    mode: LineMode,
) -> DrawResult<()> {
    root.fill(&WHITE).map_err(failed)?;
    let (width, height) = root.dim_in_pixel();
    // A long title (a deployment's, with the scenario's name) shrinks to fit, never clipped.
    let available = width.saturating_sub(2 * TEXT_LEFT as u32);
    let title_size = fitted_size(style::TITLE_SIZE, MIN_TITLE_SIZE, available, |size| {
        root.estimate_text_size(figure.title.as_str(), &font(size, BLACK))
            .map_or(0, |(w, _)| w)
    });
    root.draw(&Text::new(
        figure.title.as_str(),
        (TEXT_LEFT, 10),
        font(title_size, BLACK),
    ))
    .map_err(failed)?;
    root.draw(&Text::new(
        figure.subtitle.as_str(),
        (TEXT_LEFT, 40),
        font(style::SUBTITLE_SIZE, style::TEXT_GREY),
    ))
    .map_err(failed)?;

    let plot_width = width.saturating_sub(style::LEGEND_WIDTH);
    let (plots, legend) = root.split_horizontally(plot_width);
    // The plot's left and right pixel edges depend only on the horizontal layout, so labels can be
    // laid out in rows before the panels are drawn.
    let x_pixels = (
        (PLOT_MARGIN_LEFT + Y_LABEL_AREA) as i32,
        (plot_width - PLOT_MARGIN_RIGHT) as i32,
    );
    let labels = layout_labels(root, &figure.markers, axis, x_pixels)?;
    let rows = labels.iter().map(|l| l.row + 1).max().unwrap_or(0);
    let strip_height = if rows == 0 {
        0
    } else {
        rows as i32 * style::LABEL_ROW_HEIGHT + 2
    };
    let panels_top = style::HEADER_HEIGHT + strip_height;
    let (_, panels_area) = plots.split_vertically(panels_top);

    let areas = split_by_weight(&panels_area, &figure.panels, height as i32 - panels_top);
    let mut legend_rows = Vec::new();
    let mut plot_top = None;
    for (i, (panel, area)) in figure.panels.iter().zip(&areas).enumerate() {
        let last = i + 1 == figure.panels.len();
        let (x_range, y_range) = draw_panel(area, panel, &figure.markers, axis, last, mode)?;
        plot_top.get_or_insert((x_range.clone(), y_range.start));
        legend_rows.push((
            y_range.start,
            legend_entries(panel, if i == 0 { &figure.markers } else { &[] }),
        ));
    }
    if let Some((x_range, top)) = plot_top {
        draw_labels(root, &labels, &figure.markers, axis, (x_range.start, x_range.end), top)?;
    }
    draw_legend(&legend, &legend_rows)
}

/// Splits the panels' area by their height weights.
fn split_by_weight<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panels: &[Panel<'_>],
    height: i32,
) -> Vec<DrawingArea<DB, Shift>> {
    let total: u32 = panels.iter().map(|p| p.height_weight.max(1)).sum::<u32>().max(1);
    let mut breaks = Vec::new();
    let mut acc = 0;
    for p in panels.iter().take(panels.len().saturating_sub(1)) {
        acc += p.height_weight.max(1);
        breaks.push(height * acc as i32 / total as i32);
    }
    area.split_by_breakpoints::<i32, i32, _, _>([], breaks)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// circuit-breaker-rollback's "Deployment 1 of legacy to legacy:2, completed after 8 min 56 s
    /// — circuit breaker rollback and a stalled deployment" ran off the right edge at 24 px.
    #[test]
    fn a_long_title_shrinks_to_fit_and_a_short_one_keeps_its_size() {
        // A text 50 px wide per unit of size: 24 px is 1200 wide, 20 px is 1000.
        let width_at = |size: f64| (size * 50.0) as u32;
        assert_eq!(fitted_size(24.0, 14.0, 1_000, width_at), 20.0);
        assert_eq!(fitted_size(24.0, 14.0, 1_200, width_at), 24.0);
        assert_eq!(fitted_size(24.0, 14.0, 100, width_at), 14.0);
    }
}
