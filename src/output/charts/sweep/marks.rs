//! The marks of the Pareto chart, drawn in pixels: the points by kind, their whiskers, a
//! constraint's limit line, and the point labels placed by `labels`.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::super::style::{self, okabe_ito};
use super::data::SweepData;
use super::frame::{self, DrawResult, failed, font};
use super::labels::{LabelRequest, Reach, Rect, place_labels};

/// Feasible points off the front.
pub const FEASIBLE: RGBColor = okabe_ito::BLUE;
/// The Pareto front (green: delivered).
pub const FRONT: RGBColor = okabe_ito::BLUISH_GREEN;
/// Infeasible points.
pub const INFEASIBLE: RGBColor = RGBColor(150, 150, 150);
/// A constraint's limit (vermillion: a shortfall beyond it).
pub const LIMIT: RGBColor = okabe_ito::VERMILLION;
/// Marker radius of a point off the front.
pub const POINT_R: i32 = 5;
/// Marker radius of a point on the front.
pub const FRONT_R: i32 = 6;
/// Half-height of a whisker's cap.
const CAP: i32 = 4;

/// How a point is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PointKind {
    /// On the Pareto front: a larger green dot.
    Front,
    /// Feasible, off the front: a blue dot.
    Feasible,
    /// Infeasible: a grey ring.
    Infeasible,
}

/// The colour of a kind of point.
pub fn colour(kind: PointKind) -> RGBColor {
    match kind {
        PointKind::Front => FRONT,
        PointKind::Feasible => FEASIBLE,
        PointKind::Infeasible => INFEASIBLE,
    }
}

/// Draws the `shown` points at `at`, infeasible first and the front last, so the front is on
/// top.
pub fn draw_points<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    shown: &[usize],
    kind: &dyn Fn(usize) -> PointKind,
    at: &dyn Fn(usize) -> (i32, i32),
) -> DrawResult<()> {
    let mut order = shown.to_vec();
    order.sort_by_key(|&i| {
        let rank = match kind(i) {
            PointKind::Infeasible => 0,
            PointKind::Feasible => 1,
            PointKind::Front => 2,
        };
        (rank, i)
    });
    for i in order {
        let p = at(i);
        match kind(i) {
            PointKind::Front => {
                root.draw(&Circle::new(p, FRONT_R, FRONT.filled())).map_err(failed)?;
                root.draw(&Circle::new(p, FRONT_R, WHITE.stroke_width(1)))
                    .map_err(failed)?;
            }
            PointKind::Feasible => root.draw(&Circle::new(p, POINT_R, FEASIBLE.filled())).map_err(failed)?,
            PointKind::Infeasible => {
                root.draw(&Circle::new(p, POINT_R, WHITE.filled())).map_err(failed)?;
                root.draw(&Circle::new(p, POINT_R, INFEASIBLE.stroke_width(2)))
                    .map_err(failed)?;
            }
        }
    }
    Ok(())
}

/// A dashed limit line across the plot, with the side that fails it tinted.
pub fn draw_limit<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    plot: Rect,
    x: Option<i32>,
    y: Option<i32>,
    allowed_below: bool,
) -> DrawResult<()> {
    let tint = LIMIT.mix(0.06).filled();
    let dash = LIMIT.stroke_width(2);
    if let Some(y) = y.map(|y| y.clamp(plot.y0, plot.y1)) {
        // Pixel y grows downwards: values below the limit are under the line.
        let fails = if allowed_below {
            [(plot.x0, plot.y0), (plot.x1, y)]
        } else {
            [(plot.x0, y), (plot.x1, plot.y1)]
        };
        root.draw(&Rectangle::new(fails, tint)).map_err(failed)?;
        dashes(root, (plot.x0, y), (plot.x1, y), dash)?;
    }
    if let Some(x) = x.map(|x| x.clamp(plot.x0, plot.x1)) {
        let fails = if allowed_below {
            [(x, plot.y0), (plot.x1, plot.y1)]
        } else {
            [(plot.x0, plot.y0), (x, plot.y1)]
        };
        root.draw(&Rectangle::new(fails, tint)).map_err(failed)?;
        dashes(root, (x, plot.y0), (x, plot.y1), dash)?;
    }
    Ok(())
}

/// A dashed straight line, 8 pixels on and 6 off.
fn dashes<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    (x0, y0): (i32, i32),
    (x1, y1): (i32, i32),
    style: ShapeStyle,
) -> DrawResult<()> {
    let length = f64::from((x1 - x0).abs().max((y1 - y0).abs())).max(1.0);
    let mut t = 0.0;
    while t < length {
        let end = (t + 8.0).min(length);
        let at = |s: f64| {
            (
                x0 + ((f64::from(x1 - x0)) * s / length).round() as i32,
                y0 + ((f64::from(y1 - y0)) * s / length).round() as i32,
            )
        };
        root.draw(&PathElement::new([at(t), at(end)], style)).map_err(failed)?;
        t += 14.0;
    }
    Ok(())
}

/// A whisker from `a` to `b` with caps across it.
pub fn whisker<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    a: (i32, i32),
    b: (i32, i32),
    vertical: bool,
    style: ShapeStyle,
) -> DrawResult<()> {
    root.draw(&PathElement::new([a, b], style)).map_err(failed)?;
    for (x, y) in [a, b] {
        let cap = if vertical {
            [(x - CAP, y), (x + CAP, y)]
        } else {
            [(x, y - CAP), (x, y + CAP)]
        };
        root.draw(&PathElement::new(cap, style)).map_err(failed)?;
    }
    Ok(())
}

/// What is already drawn on the plot, for the labels to avoid.
pub struct Marks<'a> {
    /// The combinations drawn.
    pub shown: &'a [usize],
    /// Those on the front, in x order.
    pub front: &'a [usize],
    /// The front's pixels, in x order.
    pub front_line: &'a [(i32, i32)],
    /// The best combination, when drawn.
    pub best: Option<usize>,
    /// The plot area.
    pub plot: Rect,
}

/// Small squares along a polyline, every few pixels, so labels can avoid covering it.
fn along(line: &[(i32, i32)]) -> Vec<Rect> {
    const STEP: f64 = 6.0;
    let mut out = Vec::new();
    for w in line.windows(2) {
        let ((x0, y0), (x1, y1)) = (w[0], w[1]);
        let length = f64::from(x1 - x0).hypot(f64::from(y1 - y0));
        let n = (length / STEP).ceil().max(1.0) as i32;
        for k in 0..=n {
            let t = f64::from(k) / f64::from(n);
            let x = x0 + (f64::from(x1 - x0) * t).round() as i32;
            let y = y0 + (f64::from(y1 - y0) * t).round() as i32;
            out.push(Rect::around((x, y), 2));
        }
    }
    out
}

/// Labels each shown point with its setting where it fits: the best always, the front first.
pub fn draw_point_labels<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &SweepData,
    marks: &Marks<'_>,
    at: &dyn Fn(usize) -> (i32, i32),
) -> DrawResult<()> {
    let Marks {
        shown,
        front,
        front_line,
        best,
        plot,
    } = *marks;
    let text_style = font(style::ANNOTATION_SIZE, BLACK);
    let mut texts = Vec::new();
    let mut requests = Vec::new();
    for &i in shown {
        let mut text = data.setting_label(i);
        if Some(i) == best {
            text = format!("best: {text}");
        }
        let (w, h) = root.estimate_text_size(&text, &text_style).map_err(failed)?;
        let (reach, priority) = if Some(i) == best {
            (Reach::Forced, 3)
        } else if front.contains(&i) {
            (Reach::Far, 2)
        } else if data.combinations[i].feasible {
            (Reach::Near, 1)
        } else {
            (Reach::Near, 0)
        };
        requests.push(LabelRequest {
            anchor: at(i),
            size: (w as i32 + 6, h as i32 + 4),
            priority,
            reach,
        });
        texts.push(text);
    }
    let mut obstacles: Vec<Rect> = requests.iter().map(|r| Rect::around(r.anchor, FRONT_R + 1)).collect();
    if let Some(b) = best {
        obstacles.push(Rect::around(at(b), frame::BEST_RING + 1));
    }
    obstacles.extend(along(front_line));
    let placed = place_labels(&requests, &obstacles, plot);
    for ((spot, text), (&i, request)) in placed.iter().zip(&texts).zip(shown.iter().zip(&requests)) {
        let Some(spot) = spot else {
            continue;
        };
        let colour = if data.combinations[i].feasible {
            BLACK
        } else {
            style::TEXT_GREY
        };
        let (ax, ay) = request.anchor;
        let nearest = (ax.clamp(spot.x0, spot.x1), ay.clamp(spot.y0, spot.y1));
        if (nearest.0 - ax).abs().max((nearest.1 - ay).abs()) > 14 {
            root.draw(&PathElement::new([(ax, ay), nearest], style::TEXT_GREY.stroke_width(1)))
                .map_err(failed)?;
        }
        root.draw(&Rectangle::new(
            [(spot.x0, spot.y0), (spot.x1, spot.y1)],
            WHITE.mix(0.8).filled(),
        ))
        .map_err(failed)?;
        root.draw(&Text::new(
            text.as_str(),
            (spot.x0 + 3, spot.y0 + 2),
            font(style::ANNOTATION_SIZE, colour),
        ))
        .map_err(failed)?;
    }
    Ok(())
}
