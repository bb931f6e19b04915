//! One panel of a figure: its axes and ticks, the capacity band, stacked areas, lines, alarm and
//! fault spans, and the marker lines across it.

use super::*;

/// The y axis top for a panel's data maximum.
pub(super) fn y_top(scale: YScale, max: f64) -> f64 {
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

pub(super) fn panel_max(panel: &Panel<'_>) -> f64 {
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

/// From this axis top (10 s) up, a duration axis counts seconds; below it, milliseconds.
const SECONDS_FROM_MS: f64 = 10_000.0;

/// The unit of a duration axis whose top is `top_ms`, and how many milliseconds one of it is:
/// one unit for the whole axis, so `0` and `10 s` are never side by side as `0 ms` and `10 s`.
pub(super) fn duration_unit(top_ms: f64) -> (&'static str, f64) {
    if top_ms >= SECONDS_FROM_MS {
        ("s", 1_000.0)
    } else {
        ("ms", 1.0)
    }
}

/// The y axis description: the panel's label, with the unit of a duration axis whose top is
/// `top` (`response time (ms)`; a note in the label keeps its place: `response time (s; timeout
/// 30 s above)`).
pub(super) fn y_description(panel: &Panel<'_>, top: f64) -> String {
    y_description_noted(panel, top, None)
}

/// [`y_description`] with a note of the drawing's own (`log scale`) after the label's:
/// `response time (s; log scale)`, `per task (log scale)`.
pub(super) fn y_description_noted(panel: &Panel<'_>, top: f64, extra: Option<&str>) -> String {
    let (head, note) = match panel.y_label.strip_suffix(')').and_then(|l| l.split_once(" (")) {
        Some((head, note)) => (head, Some(note)),
        None => (panel.y_label.as_str(), None),
    };
    let unit = (panel.scale == YScale::Milliseconds).then(|| duration_unit(top).0);
    let notes: Vec<&str> = unit.into_iter().chain(note).chain(extra).collect();
    if notes.is_empty() {
        head.to_string()
    } else {
        format!("{head} ({})", notes.join("; "))
    }
}

/// A y tick label for the panel's scale, on an axis whose top is `top` (a duration axis is in
/// one unit, named in its description, so its ticks are plain numbers).
pub(super) fn y_tick(scale: YScale, v: f64, top: f64) -> String {
    match scale {
        YScale::Count if v.fract().abs() > 1e-9 => String::new(),
        YScale::Count | YScale::Percent => format_tick(v),
        YScale::Rate if v.abs() >= 1e6 => format!("{}M", format_tick(v / 1e6)),
        YScale::Rate if v.abs() >= 1e4 => format!("{}k", format_tick(v / 1e3)),
        YScale::Rate => format_tick(v),
        YScale::Usd => usd_tick(v, top),
        YScale::Milliseconds => format_tick(v / duration_unit(top).1),
    }
}

/// A dollar tick on an axis whose top is `top`: whole dollars from $100, cents below, and as
/// many more decimals as ticks a fifth of the axis apart need to differ (a run that costs less
/// than a cent reads `$0.001`, `$0.002`, not `$0.00` four times); never `$-0.00`.
fn usd_tick(v: f64, top: f64) -> String {
    if v.abs() >= 100.0 && top >= 100.0 {
        return format!("${v:.0}");
    }
    let step = top / 5.0;
    let decimals = if step > 0.0 && step.is_finite() {
        (-step.log10()).ceil().clamp(2.0, 6.0) as usize
    } else {
        2
    };
    // Round first, so a tick a hair below zero prints as zero rather than `-0.00`.
    let scale = 10f64.powi(decimals as i32);
    let rounded = (v * scale).round() / scale;
    let v = if rounded == 0.0 { 0.0 } else { rounded };
    format!("${v:.decimals$}")
}

/// The dashes of the `turn`-th of `sharing` reference lines at one value, in pixels: where it
/// starts after the axis, its dash and its gap. One line alone is dashed 8 on, 6 off; lines that
/// share a value alternate, each drawing its dash where the others leave a gap.
pub(super) fn dash_turn(turn: usize, sharing: usize) -> (u32, u32, u32) {
    const DASH: u32 = 8;
    if sharing <= 1 {
        return (0, DASH, 6);
    }
    let sharing = sharing.min(4) as u32;
    (turn.min(3) as u32 * DASH, DASH, DASH * (sharing - 1))
}

/// Draws one panel; returns its plotting area's pixel ranges (x, y) in root coordinates.
pub(super) fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panel: &Panel<'_>,
    markers: &[Marker],
    axis: &TimeAxis,
    last: bool,
    mode: LineMode,
) -> DrawResult<(std::ops::Range<i32>, std::ops::Range<i32>)> {
    let (x0, x1) = axis.range();
    // A log axis draws every value as its logarithm (`y`), from the decade at its bottom.
    let log = LogAxis::of(panel);
    let (bottom, top) = match log {
        Some(log) => log.range(),
        None => {
            let top = y_top(panel.scale, panel_max(panel));
            // A little room below zero keeps a series that sits at zero visible above the axis.
            (-top * 0.025, top)
        }
    };
    let y = |v: f64| log.map_or(v, |log| log.y(v));
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
    let y_ticks = match (log, panel.scale) {
        (Some(log), _) => log.decades() + 1,
        (None, YScale::Count) => (top as usize + 1).clamp(2, 7),
        (None, _) => 6,
    };
    let x_formatter = |v: &f64| axis.tick_label(*v);
    let y_formatter = |v: &f64| match log {
        Some(log) => log.tick(*v).map_or_else(String::new, |value| {
            let label = y_tick(panel.scale, value, log.peak);
            // The bottom edge holds the values a log axis cannot show (zeros).
            if log.clamped && value <= log.floor {
                format!("≤ {label}")
            } else {
                label
            }
        }),
        None => y_tick(panel.scale, *v, top),
    };
    let y_description = match log {
        Some(log) => y_description_noted(panel, log.peak, Some("log scale")),
        None => y_description(panel, top),
    };
    let mut mesh = chart.configure_mesh();
    mesh.x_labels(axis.tick_count(columns as u32))
        .y_labels(y_ticks)
        .x_label_formatter(&x_formatter)
        .y_label_formatter(&y_formatter)
        .y_desc(y_description.as_str())
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
    for span in panel.spans.iter().filter(|s| s.shape == SpanShape::Tint) {
        let (start, end) = (t(span.start_s), t(span.end_s.max(span.start_s)));
        let end = end.max(start + min_span);
        let fill = span.stroke.color.mix(style::SPAN_ALPHA).filled();
        chart
            .draw_series(std::iter::once(Rectangle::new([(start, bottom), (end, top)], fill)))
            .map_err(failed)?;
    }
    let steps = panel.steps;
    for band in &panel.bands {
        let kept = keep_widest(band.time_s, band.lower, band.upper, range_s, columns);
        let edge = |values: &[f64]| {
            let points = kept.iter().map(|&i| (t(band.time_s[i]), y(values[i]).min(top)));
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
    // Lines at one value (a high alarm's `>= 50` and a low alarm's `<= 50`) take turns along
    // it, dash by dash, so the one drawn last does not hide the others.
    let px = (x1 - x0) / columns as f64;
    for (i, reference) in panel.reference_lines.iter().enumerate() {
        let same = |r: &&ReferenceLine| r.value == reference.value;
        let turn = panel.reference_lines[..i].iter().filter(same).count();
        let sharing = panel.reference_lines.iter().filter(same).count();
        let (offset, dash, gap) = dash_turn(turn, sharing);
        let points = [(x0 + offset as f64 * px, y(reference.value)), (x1, y(reference.value))];
        chart
            .draw_series(std::iter::once(DashedPathElement::new(
                points,
                dash,
                gap,
                shape(reference.stroke),
            )))
            .map_err(failed)?;
    }
    for line in &panel.lines {
        let kept = keep_extremes(line.time_s, line.values, range_s, columns);
        // A state (steps) that does not apply for some rows (NaN) is not drawn across them.
        let runs = if steps {
            runs_between_gaps(&kept, line.values)
        } else {
            vec![&kept[..]]
        };
        for run in runs {
            let points = run.iter().map(|&i| (t(line.time_s[i]), y(line.values[i])));
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
            .map(|&i| (t(series.time_s[i]), y(series.values[i])))
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
    // Bars along the top, over the lines and tints: how long a fault took to recover from stays
    // visible under an outage's tint and beside the fault's own line.
    let bar_height = (top - bottom) / rows * BAR_PX;
    let min_bar = (x1 - x0) / columns as f64 * MIN_BAR_PX;
    for span in panel.spans.iter().filter(|s| s.shape == SpanShape::TopBar) {
        let (start, end) = (t(span.start_s), t(span.end_s.max(span.start_s)));
        let end = end.max(start + min_bar);
        let fill = span.stroke.color.mix(style::BAR_ALPHA).filled();
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(start, top - bar_height), (end, top)],
                fill,
            )))
            .map_err(failed)?;
    }
    draw_marker_ticks(&mut chart, markers, axis, (bottom, top), columns)?;
    Ok((x_pixels, y_pixels))
}

/// Draws the panel's stacked areas, bottom layer first. Every layer is drawn over the same rows:
/// per pixel column, the first, lowest, highest and last row of any layer's top edge, so the bands
/// share their edges exactly and a long trace stays a few points per pixel.
pub(super) fn draw_stacked<DB: DrawingBackend>(
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
    let steps = panel.steps;
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

/// `kept` (increasing row indices) cut where `values` has a NaN between two kept rows, so a line
/// is not drawn across rows it has no value for.
fn runs_between_gaps<'k>(kept: &'k [usize], values: &[f64]) -> Vec<&'k [usize]> {
    let mut runs = Vec::new();
    let mut start = 0;
    for k in 1..kept.len() {
        if values[kept[k - 1] + 1..kept[k]].iter().any(|v| v.is_nan()) {
            runs.push(&kept[start..k]);
            start = k;
        }
    }
    if start < kept.len() {
        runs.push(&kept[start..]);
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_line_breaks_where_it_has_no_value() {
        let values = [1.0, 1.0, f64::NAN, f64::NAN, 2.0, 2.0];
        let kept = [0, 1, 4, 5];
        assert_eq!(runs_between_gaps(&kept, &values), [&[0, 1][..], &[4, 5][..]]);
        // Rows a downsampling skipped are no gap.
        assert_eq!(runs_between_gaps(&[0, 3], &[1.0, 1.0, 1.0, 2.0]), [&[0, 3][..]]);
        assert!(runs_between_gaps(&[], &values).is_empty());
    }

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
            (YScale::Usd, -0.001, "$0.00"),
            (YScale::Usd, 0.5, "$0.50"),
            (YScale::Percent, 60.0, "60"),
        ] {
            assert_eq!(y_tick(scale, v, 100.0), expected, "{scale:?} {v}");
        }
    }

    /// A run that costs less than a cent gets ticks that differ (exact-replayed-arrivals read
    /// `$0.00` four times), and the tick below zero is `$0.00`, not `$-0.00`
    /// (circuit-breaker-rollback).
    #[test]
    fn dollar_ticks_have_the_decimals_their_axis_needs() {
        let usd = |v: f64, top: f64| y_tick(YScale::Usd, v, top);
        assert_eq!(
            [usd(0.001, 0.006), usd(0.002, 0.006), usd(0.0, 0.006)],
            ["$0.001", "$0.002", "$0.000"]
        );
        assert_eq!([usd(-0.000_4, 0.03), usd(0.01, 0.03)], ["$0.000", "$0.010"]);
        assert_eq!([usd(2.5, 8.0), usd(150.0, 400.0)], ["$2.50", "$150"]);
    }

    /// Issue 14: a latency axis is in one unit chosen from its range, named in its description;
    /// its ticks never mix `0 ms` with `10 s`.
    #[test]
    fn a_duration_axis_has_one_unit_chosen_from_its_range() {
        let ms = |v: f64, top: f64| y_tick(YScale::Milliseconds, v, top);
        assert_eq!(
            [ms(0.0, 900.0), ms(250.0, 900.0), ms(750.0, 900.0)],
            ["0", "250", "750"]
        );
        assert_eq!([ms(0.0, 9_000.0), ms(2_500.0, 9_000.0)], ["0", "2500"]);
        assert_eq!(
            [ms(0.0, 33_600.0), ms(10_000.0, 33_600.0), ms(2_500.0, 33_600.0)],
            ["0", "10", "2.5"]
        );
        let panel = |label: &str| Panel::new(label, YScale::Milliseconds);
        assert_eq!(y_description(&panel("response time"), 900.0), "response time (ms)");
        assert_eq!(y_description(&panel("oldest"), 33_600.0), "oldest (s)");
        assert_eq!(
            y_description(&panel("response time (timeout 30 s above)"), 900.0),
            "response time (ms; timeout 30 s above)"
        );
        assert_eq!(y_description(&Panel::new("tasks", YScale::Count), 9.0), "tasks");
    }

    /// step-scaling-doc-sequence: `web-cpu-high >= 50` lay hidden under `web-cpu-low <= 50`.
    #[test]
    fn reference_lines_at_one_value_take_turns() {
        assert_eq!(dash_turn(0, 1), (0, 8, 6));
        assert_eq!([dash_turn(0, 2), dash_turn(1, 2)], [(0, 8, 8), (8, 8, 8)]);
        let three: Vec<_> = (0..3).map(|t| dash_turn(t, 3)).collect();
        assert_eq!(three, [(0, 8, 16), (8, 8, 16), (16, 8, 16)]);
    }

    #[test]
    fn y_axis_leaves_headroom() {
        assert_eq!(y_top(YScale::Count, 9.0), 11.0);
        assert_eq!(y_top(YScale::Count, 0.0), 1.0);
        assert!(y_top(YScale::Percent, 40.0) > 100.0);
        assert_eq!(y_top(YScale::Rate, f64::MIN), 1.0);
    }
}
