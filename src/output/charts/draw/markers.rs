//! Timeline markers: their lines across the panels, their ticks, and their labels laid out in
//! rows above the plots so none overlap.

use super::*;

/// Pixel column of a marker, used to draw at most one marker of a kind per column (a thousand
/// placement failures in a minute are one tick, and the SVG stays small).
pub(super) fn marker_column(marker: &Marker, axis: &TimeAxis, columns: usize) -> usize {
    (axis.fraction(marker.time_s) * columns as f64).clamp(0.0, columns as f64) as usize
}

pub(super) fn draw_marker_lines<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    markers: &[Marker],
    axis: &TimeAxis,
    (bottom, top): (f64, f64),
    columns: usize,
) -> DrawResult<()> {
    let mut drawn: Vec<(usize, &str)> = Vec::new();
    let mut lines: Vec<&Marker> = Vec::new();
    for m in markers.iter().filter(|m| m.shape == MarkerShape::VerticalLine) {
        let key = (marker_column(m, axis, columns), m.legend.as_str());
        if drawn.contains(&key) {
            continue;
        }
        drawn.push(key);
        lines.push(m);
    }
    let dense = dashed_lines_are_dense(lines.iter().filter(|m| m.stroke.dashed).count());
    for m in lines {
        let x = axis.to_axis(m.time_s);
        let points = [(x, bottom), (x, top)];
        if m.stroke.dashed && dense {
            // Weeks of scaling activities: a dashed line is some forty SVG elements, a solid one
            // is one, so dense dashed markers are drawn solid and fainter.
            let style = m.stroke.color.mix(THIN_MARKER_ALPHA / 2.0).stroke_width(m.stroke.width);
            chart
                .draw_series(std::iter::once(PathElement::new(points, style)))
                .map_err(failed)?;
        } else if m.stroke.dashed {
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

/// Dashed marker lines beyond which a panel draws them solid (a multi-week run with thousands of
/// scaling activities kept its charts' SVG under 400 kB only so; issue 21).
const DENSE_DASHED_LINES: usize = 120;

/// Whether `n` dashed marker lines on one panel are too many to draw dashed.
fn dashed_lines_are_dense(n: usize) -> bool {
    n > DENSE_DASHED_LINES
}

pub(super) fn draw_marker_ticks<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    markers: &[Marker],
    axis: &TimeAxis,
    (bottom, top): (f64, f64),
    columns: usize,
) -> DrawResult<()> {
    let mut drawn = vec![false; columns + 1];
    let y = bottom + (top - bottom) * 0.045;
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
pub(super) struct PlacedLabel {
    /// Index of the marker in the figure's markers.
    pub(super) marker: usize,
    /// Row of the strip, 0 at the top.
    pub(super) row: usize,
    /// Left edge of the label, pixels.
    pub(super) left_px: i32,
}

/// Assigns marker labels to rows so they do not overlap: in order of priority (then time), each
/// label takes the first row where it fits. Labels that fit in no row are dropped (their lines are
/// still drawn), so when there are more labels than room, the most telling ones stay.
pub(super) fn layout_labels<DB: DrawingBackend>(
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

pub(super) fn pixel_of(axis: &TimeAxis, time_s: f64, (left, right): (i32, i32)) -> i32 {
    left + (axis.fraction(time_s) * f64::from(right - left)).round() as i32
}

/// Draws the labels in the strip between the subtitle and the top panel, each joined to its line
/// by a thin connector.
pub(super) fn draw_labels<DB: DrawingBackend>(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dashed_markers_turn_solid_only_when_dense() {
        // Every scenario before issue 21 stays under the limit and keeps its dashes.
        assert!(!dashed_lines_are_dense(0));
        assert!(!dashed_lines_are_dense(DENSE_DASHED_LINES));
        assert!(dashed_lines_are_dense(DENSE_DASHED_LINES + 1));
    }
}
