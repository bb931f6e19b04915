//! Draws a [`Figure`] on any plotters backend: title block, annotation labels, stacked panels over
//! the shared time axis, and the legend in its own column to the right of the plots, so it never
//! covers data.

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::downsample::{keep_extremes, keep_widest};
use super::figure::{Figure, Marker, MarkerShape, Panel, YScale};
use super::style::{self, FONT_FAMILY, Stroke};
use super::timeline::{TimeAxis, format_tick};

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
/// Opacity of thin marker lines (scaling activities, service updates): dozens of them must not
/// hide the data they explain.
const THIN_MARKER_ALPHA: f64 = 0.55;
/// Left edge of the title text.
const TEXT_LEFT: i32 = 18;

type DrawResult<T> = Result<T, String>;

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

/// Draws `figure` filling `root`.
pub fn draw_figure<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    figure: &Figure<'_>,
    axis: &TimeAxis,
    mode: LineMode,
) -> DrawResult<()> {
    root.fill(&WHITE).map_err(failed)?;
    let (width, height) = root.dim_in_pixel();
    root.draw(&Text::new(
        figure.title.as_str(),
        (TEXT_LEFT, 10),
        font(style::TITLE_SIZE, BLACK),
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

/// The y axis top for a panel's data maximum.
fn y_top(scale: YScale, max: f64) -> f64 {
    let max = if max.is_finite() { max.max(0.0) } else { 0.0 };
    match scale {
        YScale::Count => (max * 1.15).ceil().max(max + 1.0).max(1.0),
        YScale::Percent => max.max(100.0) * 1.08,
        YScale::Rate | YScale::Usd | YScale::Milliseconds => {
            if max > 0.0 {
                max * 1.12
            } else {
                1.0
            }
        }
    }
}

fn panel_max(panel: &Panel<'_>) -> f64 {
    let finite_max = |v: &[f64]| v.iter().copied().filter(|x| x.is_finite()).fold(f64::MIN, f64::max);
    let lines = panel.lines.iter().chain(&panel.points).map(|l| finite_max(l.values));
    let bands = panel.bands.iter().filter(|b| b.sets_axis).map(|b| finite_max(b.upper));
    let references = panel.reference_lines.iter().map(|r| r.value);
    let stacked = panel.stacked_edges().last().map(|top| finite_max(top));
    lines
        .chain(bands)
        .chain(references)
        .chain(stacked)
        .fold(f64::MIN, f64::max)
}

/// A y tick label for the panel's scale.
fn y_tick(scale: YScale, v: f64) -> String {
    match scale {
        YScale::Count if v.fract().abs() > 1e-9 => String::new(),
        YScale::Count | YScale::Percent => format_tick(v),
        YScale::Rate if v.abs() >= 1e6 => format!("{}M", format_tick(v / 1e6)),
        YScale::Rate if v.abs() >= 1e4 => format!("{}k", format_tick(v / 1e3)),
        YScale::Rate => format_tick(v),
        YScale::Usd if v.abs() >= 100.0 => format!("${v:.0}"),
        YScale::Usd => format!("${v:.2}"),
        YScale::Milliseconds if v.abs() >= 1_000.0 => format!("{} s", format_tick(v / 1_000.0)),
        YScale::Milliseconds => format!("{} ms", format_tick(v)),
    }
}

/// Draws one panel; returns its plotting area's pixel ranges (x, y) in root coordinates.
fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panel: &Panel<'_>,
    markers: &[Marker],
    axis: &TimeAxis,
    last: bool,
    mode: LineMode,
) -> DrawResult<(std::ops::Range<i32>, std::ops::Range<i32>)> {
    let (x0, x1) = axis.range();
    let top = y_top(panel.scale, panel_max(panel));
    // A little room below zero keeps a series that sits at zero visible above the axis line.
    let bottom = -top * 0.025;
    let mut chart = ChartBuilder::on(area)
        .margin_top(PANEL_MARGIN_TOP)
        .margin_bottom(if last { 0 } else { PANEL_GAP })
        .margin_left(PLOT_MARGIN_LEFT)
        .margin_right(PLOT_MARGIN_RIGHT)
        .x_label_area_size(if last { X_LABEL_AREA } else { 0 })
        .y_label_area_size(Y_LABEL_AREA)
        .build_cartesian_2d(x0..x1, bottom..top)
        .map_err(failed)?;
    let (x_pixels, y_pixels) = chart.plotting_area().get_pixel_range();
    let columns = (x_pixels.end - x_pixels.start).max(1) as usize;
    let y_ticks = match panel.scale {
        YScale::Count => (top as usize + 1).clamp(2, 7),
        _ => 6,
    };
    let x_formatter = |v: &f64| axis.tick_label(*v);
    let y_formatter = |v: &f64| y_tick(panel.scale, *v);
    let mut mesh = chart.configure_mesh();
    mesh.x_labels(axis.tick_count(columns as u32))
        .y_labels(y_ticks)
        .x_label_formatter(&x_formatter)
        .y_label_formatter(&y_formatter)
        .y_desc(panel.y_label.as_str())
        .label_style(font(style::TICK_SIZE, style::TEXT_GREY))
        .axis_desc_style(font(style::AXIS_DESC_SIZE, BLACK))
        .max_light_lines(1)
        .light_line_style(style::GRID_GREY)
        .bold_line_style(style::GRID_GREY_BOLD)
        .axis_style(style::TEXT_GREY);
    if last {
        mesh.x_desc(axis.label());
    }
    mesh.draw().map_err(failed)?;

    let t = |time_s: f64| axis.to_axis(time_s);
    let range_s = (axis.start_s, axis.end_s);
    // An alarm in ALARM for two minutes of a day is narrower than a pixel: every span is drawn at
    // least MIN_SPAN_PX wide so it still shows.
    let min_span = (x1 - x0) / columns as f64 * MIN_SPAN_PX;
    for span in &panel.spans {
        let (start, end) = (t(span.start_s), t(span.end_s.max(span.start_s)));
        let end = end.max(start + min_span);
        let fill = span.stroke.color.mix(style::SPAN_ALPHA).filled();
        chart
            .draw_series(std::iter::once(Rectangle::new([(start, bottom), (end, top)], fill)))
            .map_err(failed)?;
    }
    let steps = panel.scale == YScale::Count;
    for band in &panel.bands {
        let kept = keep_widest(band.time_s, band.lower, band.upper, range_s, columns);
        let edge = |values: &[f64]| {
            let points = kept.iter().map(|&i| (t(band.time_s[i]), values[i].min(top)));
            if steps { stepped(points) } else { points.collect() }
        };
        let lower = edge(band.lower);
        let outline: Vec<(f64, f64)> = edge(band.upper).into_iter().chain(lower.into_iter().rev()).collect();
        if outline.len() >= 3 {
            let fill = band.stroke.color.mix(style::BAND_ALPHA).filled();
            chart
                .draw_series(std::iter::once(Polygon::new(outline, fill)))
                .map_err(failed)?;
        }
    }
    draw_stacked(&mut chart, panel, axis, columns)?;
    draw_marker_lines(&mut chart, markers, axis, (bottom, top), columns)?;
    for reference in &panel.reference_lines {
        let points = [(x0, reference.value), (x1, reference.value)];
        chart
            .draw_series(std::iter::once(DashedPathElement::new(
                points,
                8,
                6,
                shape(reference.stroke),
            )))
            .map_err(failed)?;
    }
    for line in &panel.lines {
        let kept = keep_extremes(line.time_s, line.values, range_s, columns);
        let points = kept.iter().map(|&i| (t(line.time_s[i]), line.values[i]));
        let points = without_flat_interiors(if steps { stepped(points) } else { points.collect() }.into_iter());
        let style = shape(line.stroke);
        match (line.stroke.dashed, mode) {
            (true, _) => chart.draw_series(DashedLineSeries::new(points, 9, 6, style)),
            (false, LineMode::Polyline) => chart.draw_series(LineSeries::new(points, style)),
            (false, LineMode::Segments) => {
                let segments = points.windows(2).map(|w| PathElement::new([w[0], w[1]], style));
                chart.draw_series(segments)
            }
        }
        .map_err(failed)?;
    }
    // A dot per pixel: two alarms that saw the same datapoint, or datapoints closer than a pixel,
    // are one dot (the SVG of a month of one-minute datapoints stays small).
    let mut drawn = std::collections::BTreeSet::new();
    let rows = (y_pixels.end - y_pixels.start).max(1) as f64;
    for series in &panel.points {
        let kept = keep_extremes(series.time_s, series.values, range_s, columns);
        let fill = series.stroke.color.filled();
        let dots: Vec<_> = kept
            .iter()
            .map(|&i| (t(series.time_s[i]), series.values[i]))
            .filter(|&(x, y)| {
                let column = ((x - x0) / (x1 - x0) * columns as f64).round() as i64;
                let row = ((y - bottom) / (top - bottom) * rows).round() as i64;
                drawn.insert((
                    column,
                    row,
                    series.stroke.color.0,
                    series.stroke.color.1,
                    series.stroke.color.2,
                ))
            })
            .map(|point| Circle::new(point, series.stroke.width, fill))
            .collect();
        chart.draw_series(dots).map_err(failed)?;
    }
    draw_marker_ticks(&mut chart, markers, axis, top, columns)?;
    Ok((x_pixels, y_pixels))
}

/// Draws the panel's stacked areas, bottom layer first. Every layer is drawn over the same rows:
/// per pixel column, the first, lowest, highest and last row of any layer's top edge, so the bands
/// share their edges exactly and a long trace stays a few points per pixel.
fn draw_stacked<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    panel: &Panel<'_>,
    axis: &TimeAxis,
    columns: usize,
) -> DrawResult<()> {
    let Some(first) = panel.stacked.first() else {
        return Ok(());
    };
    let time_s = first.time_s;
    let edges = panel.stacked_edges();
    let mut kept: Vec<usize> = edges
        .iter()
        .flat_map(|edge| keep_extremes(time_s, edge, (axis.start_s, axis.end_s), columns))
        .collect();
    kept.sort_unstable();
    kept.dedup();
    let zeros = vec![0.0; time_s.len()];
    let t = |time_s: f64| axis.to_axis(time_s);
    let steps = panel.scale == YScale::Count;
    let edge = |values: &[f64]| {
        let points = kept.iter().map(|&i| (t(time_s[i]), values[i]));
        if steps {
            stepped(points)
        } else {
            points.collect::<Vec<_>>()
        }
    };
    for (k, (layer, upper)) in panel.stacked.iter().zip(&edges).enumerate() {
        let lower = if k == 0 { &zeros } else { &edges[k - 1] };
        let outline: Vec<(f64, f64)> = edge(upper).into_iter().chain(edge(lower).into_iter().rev()).collect();
        if outline.len() >= 3 {
            let fill = layer.stroke.color.mix(style::STACK_ALPHA).filled();
            chart
                .draw_series(std::iter::once(Polygon::new(outline, fill)))
                .map_err(failed)?;
        }
    }
    Ok(())
}

/// A count drawn as steps: each row's value holds from that row until the next, where the line
/// jumps. A row is the state at its time, so a change is never drawn before the row that shows
/// it (a straight line would start rising an interval early).
fn stepped(points: impl Iterator<Item = (f64, f64)>) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::new();
    for (x, y) in points {
        if let Some(&(_, previous)) = out.last() {
            if previous != y {
                out.push((x, previous));
            }
        }
        out.push((x, y));
    }
    out
}

/// Drops points in the middle of a horizontal run (a task count that holds for hours is two
/// points, not hundreds), which keeps SVGs small and the bitmap's segments few.
fn without_flat_interiors(points: impl Iterator<Item = (f64, f64)>) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::new();
    for p in points {
        if let [.., a, b] = out[..] {
            if a.1 == b.1 && b.1 == p.1 {
                out.pop();
            }
        }
        out.push(p);
    }
    out
}

type Chart<'a, DB> =
    ChartContext<'a, DB, Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>>;

/// Pixel column of a marker, used to draw at most one marker of a kind per column (a thousand
/// placement failures in a minute are one tick, and the SVG stays small).
fn marker_column(marker: &Marker, axis: &TimeAxis, columns: usize) -> usize {
    (axis.fraction(marker.time_s) * columns as f64).clamp(0.0, columns as f64) as usize
}

fn draw_marker_lines<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    markers: &[Marker],
    axis: &TimeAxis,
    (bottom, top): (f64, f64),
    columns: usize,
) -> DrawResult<()> {
    let mut drawn: Vec<(usize, &str)> = Vec::new();
    for m in markers.iter().filter(|m| m.shape == MarkerShape::VerticalLine) {
        let key = (marker_column(m, axis, columns), m.legend.as_str());
        if drawn.contains(&key) {
            continue;
        }
        drawn.push(key);
        let x = axis.to_axis(m.time_s);
        let points = [(x, bottom), (x, top)];
        if m.stroke.dashed {
            let style = m.stroke.color.mix(THIN_MARKER_ALPHA).stroke_width(m.stroke.width);
            chart
                .draw_series(std::iter::once(DashedPathElement::new(points, 6, 4, style)))
                .map_err(failed)?;
        } else {
            chart
                .draw_series(std::iter::once(PathElement::new(points, shape(m.stroke))))
                .map_err(failed)?;
        }
    }
    Ok(())
}

fn draw_marker_ticks<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    markers: &[Marker],
    axis: &TimeAxis,
    top: f64,
    columns: usize,
) -> DrawResult<()> {
    let mut drawn = vec![false; columns + 1];
    let y = top * 0.02;
    for m in markers.iter().filter(|m| m.shape == MarkerShape::Tick) {
        let column = marker_column(m, axis, columns);
        if std::mem::replace(&mut drawn[column], true) {
            continue;
        }
        let triangle = TriangleMarker::new((axis.to_axis(m.time_s), y), 6, m.stroke.color.filled());
        chart.draw_series(std::iter::once(triangle)).map_err(failed)?;
    }
    Ok(())
}

/// A marker label placed in a row of the strip above the plot.
struct PlacedLabel {
    marker: usize,
    row: usize,
    left_px: i32,
}

/// Assigns marker labels to rows so they do not overlap: in order of priority (then time), each
/// label takes the first row where it fits. Labels that fit in no row are dropped (their lines are
/// still drawn), so when there are more labels than room, the most telling ones stay.
fn layout_labels<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    markers: &[Marker],
    axis: &TimeAxis,
    (left, right): (i32, i32),
) -> DrawResult<Vec<PlacedLabel>> {
    const GAP: i32 = 8;
    let style = font(style::ANNOTATION_SIZE, BLACK);
    let mut order: Vec<usize> = (0..markers.len())
        .filter(|&i| !markers[i].label.is_empty() && markers[i].shape == MarkerShape::VerticalLine)
        .collect();
    order.sort_by_key(|&i| std::cmp::Reverse(markers[i].label_priority));
    let mut rows: [Vec<(i32, i32)>; style::MAX_LABEL_ROWS] = Default::default();
    let mut placed = Vec::new();
    for i in order {
        let m = &markers[i];
        let (w, _) = root.estimate_text_size(&m.label, &style).map_err(failed)?;
        let x = pixel_of(axis, m.time_s, (left, right));
        let left_px = (x + 3).min(right - w as i32).max(left);
        let extent = (left_px, left_px + w as i32);
        let free = |row: &Vec<(i32, i32)>| row.iter().all(|&(a, b)| extent.1 + GAP <= a || b + GAP <= extent.0);
        if let Some(row) = rows.iter().position(free) {
            rows[row].push(extent);
            placed.push(PlacedLabel {
                marker: i,
                row,
                left_px,
            });
        }
    }
    Ok(placed)
}

fn pixel_of(axis: &TimeAxis, time_s: f64, (left, right): (i32, i32)) -> i32 {
    left + (axis.fraction(time_s) * f64::from(right - left)).round() as i32
}

/// Draws the labels in the strip between the subtitle and the top panel, each joined to its line
/// by a thin connector.
fn draw_labels<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    labels: &[PlacedLabel],
    markers: &[Marker],
    axis: &TimeAxis,
    x_pixels: (i32, i32),
    plot_top: i32,
) -> DrawResult<()> {
    for label in labels {
        let m = &markers[label.marker];
        let y = style::HEADER_HEIGHT + label.row as i32 * style::LABEL_ROW_HEIGHT;
        let x = pixel_of(axis, m.time_s, x_pixels);
        root.draw(&PathElement::new(
            [(x, y + style::LABEL_ROW_HEIGHT - 3), (x, plot_top)],
            m.stroke.color.mix(0.6).stroke_width(1),
        ))
        .map_err(failed)?;
        let left = label.left_px.min(x_pixels.1).max(x_pixels.0);
        root.draw(&Text::new(
            m.label.as_str(),
            (left, y),
            font(style::ANNOTATION_SIZE, m.stroke.color),
        ))
        .map_err(failed)?;
    }
    Ok(())
}

/// How a legend entry's swatch is drawn.
enum Swatch {
    Line(Stroke),
    Fill(Stroke, f64),
    Vertical(Stroke),
    Tick(Stroke),
    Dot(Stroke),
}

fn legend_entries(panel: &Panel<'_>, markers: &[Marker]) -> Vec<(Swatch, String)> {
    let mut entries: Vec<(Swatch, String)> = Vec::new();
    let push = |swatch: Swatch, text: &str, entries: &mut Vec<(Swatch, String)>| {
        if !entries.iter().any(|(_, t)| t == text) {
            entries.push((swatch, text.to_string()));
        }
    };
    // Top layer first, as the areas read from top to bottom.
    for layer in panel.stacked.iter().rev() {
        push(
            Swatch::Fill(layer.stroke, style::STACK_ALPHA),
            &layer.legend,
            &mut entries,
        );
    }
    for line in &panel.lines {
        push(Swatch::Line(line.stroke), &line.legend, &mut entries);
    }
    for series in &panel.points {
        push(Swatch::Dot(series.stroke), &series.legend, &mut entries);
    }
    for band in &panel.bands {
        push(Swatch::Fill(band.stroke, style::BAND_ALPHA), &band.legend, &mut entries);
    }
    for r in &panel.reference_lines {
        push(Swatch::Line(r.stroke), &r.legend, &mut entries);
    }
    for s in &panel.spans {
        push(Swatch::Fill(s.stroke, style::SPAN_ALPHA * 2.0), &s.legend, &mut entries);
    }
    for m in markers {
        let swatch = match m.shape {
            MarkerShape::VerticalLine => Swatch::Vertical(m.stroke),
            MarkerShape::Tick => Swatch::Tick(m.stroke),
        };
        push(swatch, &m.legend, &mut entries);
    }
    entries
}

/// The legend style, shrunk until `text` fits the legend column.
fn fitted<'a, DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle<'a>,
) -> DrawResult<TextStyle<'a>> {
    let available = area.dim_in_pixel().0.saturating_sub(38 + 14);
    let mut size = style::LEGEND_SIZE;
    let mut fitted = style.clone();
    while size > 10.0 && area.estimate_text_size(text, &fitted).map_err(failed)?.0 > available {
        size -= 1.0;
        fitted = font(size, BLACK);
    }
    Ok(fitted)
}

/// Draws each panel's legend beside it, top-aligned with the panel's plot.
fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    rows: &[(i32, Vec<(Swatch, String)>)],
) -> DrawResult<()> {
    const ROW: i32 = 24;
    let text_style = font(style::LEGEND_SIZE, BLACK);
    for (top, entries) in rows {
        for (i, (swatch, text)) in entries.iter().enumerate() {
            let y = top + 4 + i as i32 * ROW;
            let mid = y + 9;
            match swatch {
                Swatch::Line(s) if s.dashed => {
                    for x in [4, 18] {
                        area.draw(&PathElement::new([(x, mid), (x + 9, mid)], shape(*s)))
                            .map_err(failed)?;
                    }
                }
                Swatch::Line(s) => area
                    .draw(&PathElement::new([(4, mid), (30, mid)], shape(*s)))
                    .map_err(failed)?,
                Swatch::Fill(s, alpha) => area
                    .draw(&Rectangle::new(
                        [(4, y + 2), (30, y + 16)],
                        s.color.mix(*alpha).filled(),
                    ))
                    .map_err(failed)?,
                // Dashed markers get a dashed swatch: "rollback starts" is not "deployment failed".
                Swatch::Vertical(s) if s.dashed => {
                    for (from, to) in [(y, y + 6), (y + 12, y + 18)] {
                        area.draw(&PathElement::new([(17, from), (17, to)], shape(*s)))
                            .map_err(failed)?;
                    }
                }
                Swatch::Vertical(s) => area
                    .draw(&PathElement::new([(17, y), (17, y + 18)], shape(*s)))
                    .map_err(failed)?,
                Swatch::Dot(s) => {
                    for x in [8, 17, 26] {
                        area.draw(&Circle::new((x, mid), s.width.max(2), s.color.filled()))
                            .map_err(failed)?;
                    }
                }
                Swatch::Tick(s) => area
                    .draw(&TriangleMarker::new((17, mid), 6, s.color.filled()))
                    .map_err(failed)?,
            }
            area.draw(&Text::new(text.as_str(), (38, y), fitted(area, text, &text_style)?))
                .map_err(failed)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod step_tests {
    use super::stepped;

    #[test]
    fn a_count_holds_until_the_row_that_changes_it() {
        let points = [(0.0, 10.0), (1.0, 10.0), (2.0, 11.0), (3.0, 14.0)];
        assert_eq!(
            stepped(points.into_iter()),
            [
                (0.0, 10.0),
                (1.0, 10.0),
                (2.0, 10.0),
                (2.0, 11.0),
                (3.0, 11.0),
                (3.0, 14.0)
            ]
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_ticks_per_scale() {
        for (scale, v, expected) in [
            (YScale::Count, 3.0, "3"),
            (YScale::Count, 2.5, ""),
            (YScale::Rate, 180_000.0, "180k"),
            (YScale::Rate, 2_500_000.0, "2.5M"),
            (YScale::Rate, 750.0, "750"),
            (YScale::Usd, 0.25, "$0.25"),
            (YScale::Usd, 1234.0, "$1234"),
            (YScale::Usd, 0.5, "$0.50"),
            (YScale::Percent, 60.0, "60"),
        ] {
            assert_eq!(y_tick(scale, v), expected, "{scale:?} {v}");
        }
    }

    #[test]
    fn flat_runs_keep_their_ends() {
        let points = [
            (0.0, 1.0),
            (1.0, 1.0),
            (2.0, 1.0),
            (3.0, 2.0),
            (4.0, 2.0),
            (5.0, 2.0),
            (6.0, 2.0),
        ];
        let kept = without_flat_interiors(points.into_iter());
        assert_eq!(kept, [(0.0, 1.0), (2.0, 1.0), (3.0, 2.0), (6.0, 2.0)]);
    }

    #[test]
    fn y_axis_leaves_headroom() {
        assert_eq!(y_top(YScale::Count, 9.0), 11.0);
        assert_eq!(y_top(YScale::Count, 0.0), 1.0);
        assert!(y_top(YScale::Percent, 40.0) > 100.0);
        assert_eq!(y_top(YScale::Rate, f64::MIN), 1.0);
    }
}
