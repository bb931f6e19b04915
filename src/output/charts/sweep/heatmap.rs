//! The heat map of a sweep over exactly two paths: the objective figure's mean in one cell per
//! combination, the first path across and the second up, each in the order its values first
//! appear in the summary. The colour scale runs from light (low) to dark (high) with its legend;
//! each cell carries its value and interval; infeasible cells are hatched, the best outlined.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontTransform;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::super::style::{self, okabe_ito};
use super::data::{Interval, SweepData};
use super::frame::{self, DrawResult, Swatch, centred, failed, font};
use super::pareto::question;
use super::units::{self, Unit};

/// Canvas size of the heat map.
pub const SIZE: (u32, u32) = (1200, 640);

/// The colour ramp, low to high: near white, sky blue, blue, dark blue.
const RAMP: [RGBColor; 4] = [
    RGBColor(240, 246, 251),
    okabe_ito::SKY_BLUE,
    okabe_ito::BLUE,
    RGBColor(0, 60, 100),
];
/// Fill of a cell without a value.
const EMPTY: RGBColor = style::GRID_GREY;
/// Hatching of infeasible cells: visible on light and dark fills alike.
const HATCH: RGBColor = RGBColor(120, 120, 120);

/// The grid of a two-path sweep: the distinct values of each path in order of appearance and,
/// per cell, the combination there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grid {
    /// The first path's values, left to right.
    pub columns: Vec<String>,
    /// The second path's values, bottom to top.
    pub rows: Vec<String>,
    /// `cells[row][column]`: the index of the first combination with those values.
    pub cells: Vec<Vec<Option<usize>>>,
}

/// The grid of `data`, when exactly two paths vary; `None` otherwise.
pub fn grid(data: &SweepData) -> Option<Grid> {
    if data.paths.len() != 2 {
        return None;
    }
    let mut columns: Vec<String> = Vec::new();
    let mut rows: Vec<String> = Vec::new();
    for c in &data.combinations {
        if !columns.contains(&c.values[0]) {
            columns.push(c.values[0].clone());
        }
        if !rows.contains(&c.values[1]) {
            rows.push(c.values[1].clone());
        }
    }
    let mut cells = vec![vec![None; columns.len()]; rows.len()];
    for (i, c) in data.combinations.iter().enumerate() {
        let col = columns.iter().position(|v| *v == c.values[0]);
        let row = rows.iter().position(|v| *v == c.values[1]);
        if let (Some(col), Some(row)) = (col, row) {
            cells[row][col].get_or_insert(i);
        }
    }
    Some(Grid { columns, rows, cells })
}

/// The ramp's colour at `t` in `0..=1`.
pub fn ramp(t: f64) -> RGBColor {
    let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.0 };
    let scaled = t * (RAMP.len() - 1) as f64;
    let i = (scaled.floor() as usize).min(RAMP.len() - 2);
    let f = scaled - i as f64;
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * f).round() as u8;
    let (a, b) = (RAMP[i], RAMP[i + 1]);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Black or white, whichever reads better on `fill`.
fn text_on(fill: RGBColor) -> RGBColor {
    let luminance = 0.299 * f64::from(fill.0) + 0.587 * f64::from(fill.1) + 0.114 * f64::from(fill.2);
    if luminance < 140.0 { WHITE } else { BLACK }
}

/// The chart's title.
pub fn title(data: &SweepData) -> String {
    let short = data.short_paths();
    format!(
        "Mean {} by {} and {}",
        units::describe(&data.objective.figure).label,
        short.first().map_or("", String::as_str),
        short.get(1).map_or("", String::as_str)
    )
}

/// Room left of the grid for the y values and description.
const LEFT: i32 = 110;
/// Room below the grid for the x values and description.
const BOTTOM: i32 = 70;
/// Room above the grid.
const TOP_GAP: i32 = 14;
/// Room right of the grid.
const RIGHT_GAP: i32 = 24;

/// Draws the heat map of `data`'s objective figure; `grid` is [`grid`] of `data`.
pub fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, data: &SweepData, grid: &Grid) -> DrawResult<()> {
    let figure = data.objective.figure.as_str();
    let unit = units::describe(figure).unit;
    let how = format!(
        "Each cell: the mean of {} replicates ± half its 95 % interval · hatched: infeasible · outlined: best",
        data.replicas
    );
    let header = frame::draw_header(root, &title(data), &[how, question(data)])?;
    let (width, height) = root.dim_in_pixel();
    let plot_right = width as i32 - style::LEGEND_WIDTH as i32 - RIGHT_GAP;
    let area = (LEFT, header + TOP_GAP, plot_right, height as i32 - BOTTOM);
    let (ncols, nrows) = (grid.columns.len().max(1) as i32, grid.rows.len().max(1) as i32);
    let cell_w = (area.2 - area.0) / ncols;
    let cell_h = (area.3 - area.1) / nrows;
    let means: Vec<f64> = data
        .combinations
        .iter()
        .filter_map(|c| c.figures.get(figure).map(|i| i.mean))
        .filter(|v| v.is_finite())
        .collect();
    let lo = means.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = means.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let t = |v: f64| if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };

    let cell_rect = |row: usize, col: usize| {
        let x0 = area.0 + col as i32 * cell_w;
        // The first row at the bottom, like a y axis.
        let y0 = area.1 + (nrows - 1 - row as i32) * cell_h;
        [(x0, y0), (x0 + cell_w, y0 + cell_h)]
    };
    let mut best_cell = None;
    for (r, row) in grid.cells.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let rect = cell_rect(r, c);
            let combination = cell.map(|i| (i, &data.combinations[i]));
            let interval = combination.and_then(|(_, k)| k.figures.get(figure)).copied();
            let fill = match interval {
                Some(iv) if iv.mean.is_finite() => ramp(t(iv.mean)),
                _ => EMPTY,
            };
            root.draw(&Rectangle::new(rect, fill.filled())).map_err(failed)?;
            let feasible = combination.is_some_and(|(_, k)| k.feasible);
            if combination.is_some() && !feasible {
                for (a, b) in frame::hatch_segments(rect, 12) {
                    root.draw(&PathElement::new([a, b], HATCH.mix(0.7).stroke_width(1)))
                        .map_err(failed)?;
                }
            }
            draw_cell_text(
                root,
                rect,
                unit,
                interval,
                feasible,
                combination.is_some(),
                text_on(fill),
            )?;
            if combination.is_some_and(|(i, _)| Some(i) == data.best) {
                best_cell = Some(rect);
            }
        }
    }
    // Thin white rules between cells, then the best cell's outline on top.
    for (r, row) in grid.cells.iter().enumerate() {
        for c in 0..row.len() {
            frame::draw_frame(root, cell_rect(r, c), 1, WHITE)?;
        }
    }
    if let Some(rect) = best_cell {
        frame::draw_best_outline(root, rect)?;
    }
    draw_axes(root, data, grid, area, (cell_w, cell_h))?;

    let (_, legend) = root.split_horizontally(width.saturating_sub(style::LEGEND_WIDTH));
    let bar_h = scale_height(area);
    draw_scale(&legend, area.1, bar_h, (lo, hi), unit, figure)?;
    let entries = [
        (Swatch::Hatched, "infeasible".to_string()),
        (Swatch::Outlined, "best".to_string()),
    ];
    let scale_bottom = area.1 + SCALE_TOP + bar_h + 24;
    frame::draw_legend(
        &legend,
        scale_bottom,
        if data.best.is_some() { &entries } else { &entries[..1] },
    )
}

/// Writes a cell's mean (and the half-width of its interval, and `infeasible`, when they fit).
fn draw_cell_text<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    [(x0, y0), (x1, y1)]: [(i32, i32); 2],
    unit: Unit,
    interval: Option<Interval>,
    feasible: bool,
    present: bool,
    colour: RGBColor,
) -> DrawResult<()> {
    let centre = ((x0 + x1) / 2, (y0 + y1) / 2);
    let room = (x1 - x0 - 8).max(0) as u32;
    let fits = |text: &str, size: f64| -> DrawResult<bool> {
        Ok(root.estimate_text_size(text, &font(size, colour)).map_err(failed)?.0 <= room)
    };
    let Some(iv) = interval.filter(|iv| iv.mean.is_finite()) else {
        let text = if present { "no value" } else { "not run" };
        if fits(text, 13.0)? {
            root.draw(&Text::new(text, centre, centred(13.0, style::TEXT_GREY)))
                .map_err(failed)?;
        }
        return Ok(());
    };
    let value = unit.value(iv.mean);
    let full = unit.interval(iv.mean, iv.low, iv.high);
    let detail = full.strip_prefix(value.as_str()).unwrap_or_default().trim().to_string();
    let mut lines: Vec<(String, f64)> = Vec::new();
    if let Some(size) = [18.0, 15.0, 12.0, 10.0]
        .into_iter()
        .find(|&s| fits(&value, s).unwrap_or(false))
    {
        lines.push((value, size));
        let tall = y1 - y0;
        if !detail.is_empty() && tall >= 52 && fits(&detail, 12.0)? {
            lines.push((detail, 12.0));
        }
        if !feasible && tall >= 70 && fits("infeasible", 12.0)? {
            lines.push(("infeasible".to_string(), 12.0));
        }
    }
    let total: f64 = lines.iter().map(|(_, s)| s * 1.3).sum();
    let mut y = f64::from(centre.1) - total / 2.0;
    for (text, size) in &lines {
        let mid = (y + size * 0.65).round() as i32;
        // A backdrop keeps the text legible over the hatching.
        if !feasible {
            let (w, h) = root.estimate_text_size(text, &font(*size, colour)).map_err(failed)?;
            let (hw, hh) = (w as i32 / 2 + 3, h as i32 / 2 + 1);
            let backdrop = [(centre.0 - hw, mid - hh), (centre.0 + hw, mid + hh)];
            let fill = if colour == WHITE {
                BLACK.mix(0.35)
            } else {
                WHITE.mix(0.75)
            };
            root.draw(&Rectangle::new(backdrop, fill.filled())).map_err(failed)?;
        }
        root.draw(&Text::new(text.as_str(), (centre.0, mid), centred(*size, colour)))
            .map_err(failed)?;
        y += size * 1.3;
    }
    Ok(())
}

/// The values of each path beside the grid and the paths' names as axis descriptions (the full
/// path across when it fits, the short one otherwise).
fn draw_axes<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &SweepData,
    grid: &Grid,
    (x0, y0, x1, y1): (i32, i32, i32, i32),
    (cell_w, cell_h): (i32, i32),
) -> DrawResult<()> {
    let tick = centred(style::TICK_SIZE, style::TEXT_GREY);
    for (c, value) in grid.columns.iter().enumerate() {
        let x = x0 + c as i32 * cell_w + cell_w / 2;
        root.draw(&Text::new(value.as_str(), (x, y1 + 14), tick.clone()))
            .map_err(failed)?;
    }
    let rows = grid.rows.len() as i32;
    for (r, value) in grid.rows.iter().enumerate() {
        let y = y0 + (rows - 1 - r as i32) * cell_h + cell_h / 2;
        let (w, _) = root.estimate_text_size(value, &tick).map_err(failed)?;
        root.draw(&Text::new(value.as_str(), (x0 - 10 - w as i32 / 2, y), tick.clone()))
            .map_err(failed)?;
    }
    let short = data.short_paths();
    let desc = font(style::AXIS_DESC_SIZE, BLACK);
    let fit = |full: &str, short: &str, room: i32| -> DrawResult<String> {
        let (w, _) = root.estimate_text_size(full, &desc).map_err(failed)?;
        Ok(if (w as i32) <= room {
            full.to_string()
        } else {
            short.to_string()
        })
    };
    let x_desc = fit(&data.paths[0], &short[0], x1 - x0)?;
    root.draw(&Text::new(
        x_desc,
        ((x0 + x1) / 2, y1 + 46),
        centred(style::AXIS_DESC_SIZE, BLACK),
    ))
    .map_err(failed)?;
    let y_desc = fit(&data.paths[1], &short[1], y1 - y0)?;
    let rotated = centred(style::AXIS_DESC_SIZE, BLACK).transform(FontTransform::Rotate270);
    root.draw(&Text::new(y_desc, (24, (y0 + y1) / 2), rotated))
        .map_err(failed)?;
    Ok(())
}

/// Height of the colour bar: most of the grid's height, within bounds.
fn scale_height((_, y0, _, y1): (i32, i32, i32, i32)) -> i32 {
    ((y1 - y0) * 3 / 5).clamp(80, 260)
}

/// Gap between the scale's title and its bar.
const SCALE_TOP: i32 = 26;

/// The colour scale in the legend column: a vertical bar, low at the bottom, with ticks in the
/// figure's unit and the figure's name above.
fn draw_scale<DB: DrawingBackend>(
    legend: &DrawingArea<DB, Shift>,
    top: i32,
    bar_h: i32,
    (lo, hi): (f64, f64),
    unit: Unit,
    figure: &str,
) -> DrawResult<()> {
    let label = format!("mean {}", units::describe(figure).label);
    legend
        .draw(&Text::new(label, (4, top), font(style::LEGEND_SIZE - 1.0, BLACK)))
        .map_err(failed)?;
    let bar_top = top + SCALE_TOP;
    let (bx0, bx1) = (8, 30);
    // Bands a few pixels tall, each overlapping the next by a pixel, so a scaled SVG shows no
    // seams between them.
    const BANDS: i32 = 48;
    for band in 0..BANDS {
        let (y0, y1) = (bar_h * band / BANDS, bar_h * (band + 1) / BANDS);
        let t = 1.0 - (f64::from(band) + 0.5) / f64::from(BANDS);
        let bottom = (y1 + 1).min(bar_h);
        legend
            .draw(&Rectangle::new(
                [(bx0, bar_top + y0), (bx1, bar_top + bottom)],
                ramp(t).filled(),
            ))
            .map_err(failed)?;
    }
    legend
        .draw(&Rectangle::new(
            [(bx0, bar_top), (bx1, bar_top + bar_h)],
            style::TEXT_GREY.stroke_width(1),
        ))
        .map_err(failed)?;
    if !(lo.is_finite() && hi.is_finite()) {
        return Ok(());
    }
    let (slo, shi) = (unit.shown(lo), unit.shown(hi));
    let step = Unit::tick_step(shi - slo, 6);
    let mut ticks: Vec<f64> = Vec::new();
    if shi > slo {
        let mut v = (slo / step).ceil() * step;
        while v <= shi + step * 1e-9 {
            ticks.push(v);
            v += step;
        }
    } else {
        ticks.push(slo);
    }
    for v in ticks {
        let t = if shi > slo { (v - slo) / (shi - slo) } else { 0.5 };
        let y = bar_top + ((1.0 - t) * f64::from(bar_h - 1)).round() as i32;
        legend
            .draw(&PathElement::new(
                [(bx1, y), (bx1 + 5, y)],
                style::TEXT_GREY.stroke_width(1),
            ))
            .map_err(failed)?;
        let text = unit.tick(v, step);
        let style = font(style::TICK_SIZE, style::TEXT_GREY).pos(Pos::new(HPos::Left, VPos::Center));
        legend.draw(&Text::new(text, (bx1 + 9, y), style)).map_err(failed)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ramp_runs_light_to_dark() {
        assert_eq!(ramp(0.0), RAMP[0]);
        assert_eq!(ramp(1.0), RAMP[3]);
        assert_eq!(ramp(f64::NAN), RAMP[0]);
        let lightness = |c: RGBColor| u32::from(c.0) + u32::from(c.1) + u32::from(c.2);
        let steps: Vec<u32> = (0..=10).map(|i| lightness(ramp(f64::from(i) / 10.0))).collect();
        assert!(steps.windows(2).all(|w| w[0] >= w[1]), "{steps:?}");
        assert_eq!(text_on(ramp(0.0)), BLACK);
        assert_eq!(text_on(ramp(1.0)), WHITE);
    }
}
