//! The Pareto chart: one figure against another, one point per combination with its 95 %
//! interval in both directions. The feasible combinations that no other feasible combination
//! beats on both figures (the Pareto front) are highlighted and joined; infeasible ones are grey
//! rings; the best combination is ringed in black. Each point is labelled with its setting in
//! short form where room allows; the front's labels look farther for room, and the best's always
//! stays. A constraint's numeric limit on either figure is a dashed line, the failing side tinted.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::super::style;
use super::data::SweepData;
use super::frame::{self, DrawResult, Swatch, failed, font};
use super::labels::Rect;
use super::marks::{self, FEASIBLE, FRONT, INFEASIBLE, LIMIT, Marks, POINT_R, PointKind};
use super::units::{self, Unit};
use crate::sim::time::parse_duration;

/// Canvas size of the Pareto chart: taller than a run chart, to leave room for labels.
pub const SIZE: (u32, u32) = (1200, 760);

/// A point of the chart: its two means and whether its combination is feasible.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ParetoPoint {
    /// The x figure's mean.
    pub x: f64,
    /// The y figure's mean.
    pub y: f64,
    /// Whether the combination meets every constraint.
    pub feasible: bool,
}

/// The Pareto front: indices of the feasible points with finite coordinates that no other such
/// point dominates (at least as good on both figures and better on one), ordered by x then y.
/// Points at the same place do not dominate each other, so ties are all on the front. An
/// infeasible point is never on it: it fails a constraint, whatever its figures.
pub fn pareto_front(points: &[ParetoPoint], lower_x_better: bool, lower_y_better: bool) -> Vec<usize> {
    let better = |a: f64, b: f64, lower: bool| if lower { a < b } else { a > b };
    let candidates: Vec<usize> = (0..points.len())
        .filter(|&i| points[i].feasible && points[i].x.is_finite() && points[i].y.is_finite())
        .collect();
    let dominates = |a: &ParetoPoint, b: &ParetoPoint| {
        let no_worse = !better(b.x, a.x, lower_x_better) && !better(b.y, a.y, lower_y_better);
        no_worse && (better(a.x, b.x, lower_x_better) || better(a.y, b.y, lower_y_better))
    };
    let mut front: Vec<usize> = candidates
        .iter()
        .copied()
        .filter(|&i| !candidates.iter().any(|&j| dominates(&points[j], &points[i])))
        .collect();
    front.sort_by(|&a, &b| {
        points[a]
            .x
            .total_cmp(&points[b].x)
            .then(points[a].y.total_cmp(&points[b].y))
            .then(a.cmp(&b))
    });
    front
}

/// A constraint of `where` on `figure` with a numeric limit: `(operator, limit)`, e.g.
/// `("<", 0.002)` for `unserved_fraction < 0.002`. Other constraints give `None`.
pub fn limit_on(constraint: &str, figure: &str) -> Option<(&'static str, f64)> {
    let at = constraint.find(['<', '>'])?;
    if constraint[..at].trim() != figure {
        return None;
    }
    let rest = &constraint[at..];
    let op = ["<=", ">=", "<", ">"].into_iter().find(|op| rest.starts_with(op))?;
    let text = rest[op.len()..].trim();
    // A figure in seconds may be bounded by a duration (`jobs.makespan_s < 50m`), as `--where`
    // reads it.
    let limit = text.parse::<f64>().ok().or_else(|| {
        figure
            .ends_with("_s")
            .then(|| parse_duration(text).ok().map(|d| d.as_secs_f64()))
            .flatten()
    })?;
    Some((op, limit))
}

/// The chart's title: what is plotted against what, and how many combinations.
pub fn title(data: &SweepData, x: &str, y: &str) -> String {
    let name = |f: &str| {
        let label = units::describe(f).label;
        label.split(" (").next().unwrap_or_default().to_string()
    };
    let x_name = name(x);
    // A service name keeps its case; a plain figure starts the sentence.
    let x_name = if x_name.contains(": ") {
        x_name
    } else {
        let mut chars = x_name.chars();
        chars
            .next()
            .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
    };
    format!(
        "{x_name} against {} — {} combinations × {} replicates",
        name(y),
        data.combinations.len(),
        data.replicas
    )
}

/// The question, as a subtitle: `Objective: minimize cost_usd where unserved_fraction < 0.002`.
pub fn question(data: &SweepData) -> String {
    let mut text = format!("Objective: {} {}", data.objective.goal.as_str(), data.objective.figure);
    if !data.constraints.is_empty() {
        text.push_str(" where ");
        text.push_str(&data.constraints.join(" and "));
    }
    text
}

fn direction(lower: bool) -> &'static str {
    if lower { "lower" } else { "higher" }
}

/// An axis: its figure's unit and its shown range.
struct Axis {
    unit: Unit,
    label: String,
    range: (f64, f64),
    lower_better: bool,
}

impl Axis {
    /// The axis of `figure`: its data's range, widened to take in the `limits` within one data
    /// span of it (a limit far from every point would squash them into a corner).
    fn new(data: &SweepData, figure: &str, limits: &[f64]) -> Axis {
        let described = units::describe(figure);
        let unit = described.unit;
        let values: Vec<f64> = data
            .combinations
            .iter()
            .filter_map(|c| c.figures.get(figure))
            .filter(|i| i.mean.is_finite())
            .flat_map(|i| [i.mean, i.low, i.high])
            .filter(|v| v.is_finite())
            .map(|v| unit.shown(v))
            .collect();
        let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let (mut lo, mut hi) = if lo <= hi { (lo, hi) } else { (0.0, 1.0) };
        let span = (hi - lo).max(hi.abs() * 0.1);
        for v in limits.iter().map(|&l| unit.shown(l)) {
            if v >= lo - span && v <= hi + span {
                (lo, hi) = (lo.min(v), hi.max(v));
            }
        }
        let pad = if hi > lo {
            (hi - lo) * 0.08
        } else {
            (hi.abs() * 0.1).max(1.0)
        };
        // A figure that cannot go negative keeps its axis from zero up when the data allows.
        let low = if lo >= 0.0 { (lo - pad).max(0.0) } else { lo - pad };
        Axis {
            unit,
            label: described.label,
            range: (low, hi + pad),
            lower_better: data.lower_is_better(figure),
        }
    }

    /// Whether the shown value of `v` (a value of the file) lies on the axis.
    fn shows(&self, v: f64) -> bool {
        let v = self.unit.shown(v);
        v >= self.range.0 && v <= self.range.1
    }

    fn step(&self, ticks: u32) -> f64 {
        Unit::tick_step(self.range.1 - self.range.0, ticks)
    }
}

const X_TICKS: u32 = 8;
const Y_TICKS: u32 = 7;

/// Draws the Pareto chart of figure `x` against figure `y` (both must be figures of `data`).
pub fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, data: &SweepData, x: &str, y: &str) -> DrawResult<()> {
    let x_limits: Vec<(&str, f64, &str)> = limits(data, x);
    let y_limits: Vec<(&str, f64, &str)> = limits(data, y);
    let x_axis = Axis::new(data, x, &x_limits.iter().map(|l| l.1).collect::<Vec<_>>());
    let y_axis = Axis::new(data, y, &y_limits.iter().map(|l| l.1).collect::<Vec<_>>());
    let points: Vec<ParetoPoint> = data
        .combinations
        .iter()
        .map(|c| {
            let mean = |f: &str| c.figures.get(f).map_or(f64::NAN, |i| i.mean);
            ParetoPoint {
                x: x_axis.unit.shown(mean(x)),
                y: y_axis.unit.shown(mean(y)),
                feasible: c.feasible,
            }
        })
        .collect();
    let front = pareto_front(&points, x_axis.lower_better, y_axis.lower_better);
    let missing = points.iter().filter(|p| !(p.x.is_finite() && p.y.is_finite())).count();
    let better = if x_axis.lower_better == y_axis.lower_better {
        format!("{} is better on both axes", direction(x_axis.lower_better))
    } else {
        format!(
            "{} is better on x, {} on y",
            direction(x_axis.lower_better),
            direction(y_axis.lower_better)
        )
    };
    let front_text = if front.is_empty() {
        "No feasible combination, so no Pareto front"
    } else {
        "Pareto front of the feasible combinations joined"
    };
    let mut how = format!("{front_text} · {better} · whiskers: 95 % intervals");
    if missing > 0 {
        how.push_str(&format!(" · {missing} without values not shown"));
    }
    let header = frame::draw_header(root, &title(data, x, y), &[how, question(data)])?;

    let (width, _) = root.dim_in_pixel();
    let plot_width = width.saturating_sub(style::LEGEND_WIDTH);
    let (plots, legend) = root.split_horizontally(plot_width);
    let (_, plot_area) = plots.split_vertically(header);
    let (x_step, y_step) = (x_axis.step(X_TICKS), y_axis.step(Y_TICKS));
    let x_fmt = |v: &f64| x_axis.unit.tick(*v, x_step);
    let y_fmt = |v: &f64| y_axis.unit.tick(*v, y_step);
    let mut chart = ChartBuilder::on(&plot_area)
        .margin_top(10)
        .margin_left(10)
        .margin_right(18)
        .margin_bottom(4)
        .x_label_area_size(54)
        .y_label_area_size(92)
        .build_cartesian_2d(x_axis.range.0..x_axis.range.1, y_axis.range.0..y_axis.range.1)
        .map_err(failed)?;
    chart
        .configure_mesh()
        .x_labels(X_TICKS as usize)
        .y_labels(Y_TICKS as usize)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .x_desc(x_axis.label.as_str())
        .y_desc(y_axis.label.as_str())
        .label_style(font(style::TICK_SIZE, style::TEXT_GREY))
        .axis_desc_style(font(style::AXIS_DESC_SIZE, BLACK))
        .max_light_lines(1)
        .light_line_style(style::GRID_GREY)
        .bold_line_style(style::GRID_GREY_BOLD)
        .axis_style(style::TEXT_GREY)
        .draw()
        .map_err(failed)?;
    let (xs, ys) = chart.plotting_area().get_pixel_range();
    let plot = Rect {
        x0: xs.start,
        y0: ys.start,
        x1: xs.end,
        y1: ys.end,
    };
    let px = |x: f64, y: f64| chart.backend_coord(&(x, y));

    let mut legend_entries: Vec<(Swatch, String)> = Vec::new();
    for (op, limit, text) in &x_limits {
        let mut entry = format!("limit: {text}");
        if x_axis.shows(*limit) {
            let (lx, _) = px(x_axis.unit.shown(*limit), y_axis.range.0);
            marks::draw_limit(root, plot, Some(lx), None, op.starts_with('<'))?;
        } else {
            entry.push_str(" (off the chart)");
        }
        legend_entries.push((Swatch::Dashed(LIMIT), entry));
    }
    for (op, limit, text) in &y_limits {
        let mut entry = format!("limit: {text}");
        if y_axis.shows(*limit) {
            let (_, ly) = px(x_axis.range.0, y_axis.unit.shown(*limit));
            marks::draw_limit(root, plot, None, Some(ly), op.starts_with('<'))?;
        } else {
            entry.push_str(" (off the chart)");
        }
        legend_entries.push((Swatch::Dashed(LIMIT), entry));
    }

    let shown: Vec<usize> = (0..points.len())
        .filter(|&i| points[i].x.is_finite() && points[i].y.is_finite())
        .collect();
    let at = |i: usize| px(points[i].x, points[i].y);
    let kind = |i: usize| {
        if front.contains(&i) {
            PointKind::Front
        } else if points[i].feasible {
            PointKind::Feasible
        } else {
            PointKind::Infeasible
        }
    };
    for &i in &shown {
        let c = &data.combinations[i];
        let interval = |f: &str, unit: Unit| {
            c.figures
                .get(f)
                .map(|iv| (unit.shown(iv.low), unit.shown(iv.high)))
                .filter(|(l, h)| l.is_finite() && h.is_finite())
        };
        let style = marks::colour(kind(i)).mix(0.7).stroke_width(1);
        let p = points[i];
        if let Some((lo, hi)) = interval(x, x_axis.unit) {
            let (a, b) = (px(lo, p.y), px(hi, p.y));
            marks::whisker(root, a, b, false, style)?;
        }
        if let Some((lo, hi)) = interval(y, y_axis.unit) {
            let (a, b) = (px(p.x, lo), px(p.x, hi));
            marks::whisker(root, a, b, true, style)?;
        }
    }
    let front_line: Vec<(i32, i32)> = front.iter().map(|&i| at(i)).collect();
    if front_line.len() > 1 {
        root.draw(&PathElement::new(front_line.clone(), FRONT.stroke_width(2)))
            .map_err(failed)?;
    }
    marks::draw_points(root, &shown, &kind, &at)?;
    let best = data.best.filter(|b| shown.contains(b));
    if let Some(b) = best {
        frame::draw_best_ring(root, at(b))?;
    }
    let drawn = Marks {
        shown: &shown,
        front: &front,
        front_line: &front_line,
        best,
        plot,
    };
    marks::draw_point_labels(root, data, &drawn, &at)?;

    // Only what the chart shows.
    let mut entries = Vec::new();
    if !front.is_empty() {
        entries.push((Swatch::LineDot(FRONT), "Pareto front".to_string()));
    }
    if shown.iter().any(|&i| kind(i) == PointKind::Feasible) {
        entries.push((Swatch::Dot(FEASIBLE, POINT_R), "feasible".to_string()));
    }
    if shown.iter().any(|&i| kind(i) == PointKind::Infeasible) {
        entries.push((Swatch::Ring(INFEASIBLE, POINT_R), "infeasible".to_string()));
    }
    if best.is_some() {
        entries.push((Swatch::Best, "best combination".to_string()));
    }
    entries.push((Swatch::Whisker(style::TEXT_GREY), "95 % interval".to_string()));
    entries.extend(legend_entries);
    frame::draw_legend(&legend, plot.y0 + 4, &entries)
}

/// The constraints with a numeric limit on `figure`: operator, limit (in the file's unit), and
/// the constraint as written.
fn limits<'a>(data: &'a SweepData, figure: &str) -> Vec<(&'static str, f64, &'a str)> {
    data.constraints
        .iter()
        .filter_map(|c| limit_on(c, figure).map(|(op, v)| (op, v, c.as_str())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(x: f64, y: f64, feasible: bool) -> ParetoPoint {
        ParetoPoint { x, y, feasible }
    }

    #[test]
    fn the_front_keeps_the_non_dominated_feasible_points_in_x_order() {
        let points = [
            point(10.0, 5.0, true),     // 0: front
            point(12.0, 3.0, true),     // 1: front
            point(12.0, 4.0, true),     // 2: dominated by 1
            point(15.0, 1.0, true),     // 3: front
            point(16.0, 1.0, true),     // 4: dominated by 3 (same y, higher x)
            point(8.0, 0.5, false),     // 5: infeasible, would dominate everything
            point(12.0, 3.0, true),     // 6: tie with 1: both on the front
            point(f64::NAN, 0.0, true), // 7: no value, never on the front
            point(20.0, 6.0, true),     // 8: dominated
        ];
        assert_eq!(pareto_front(&points, true, true), [0, 1, 6, 3]);
    }

    #[test]
    fn maximizing_a_figure_turns_its_axis_around() {
        let points = [point(10.0, 5.0, true), point(12.0, 9.0, true), point(11.0, 4.0, true)];
        assert_eq!(pareto_front(&points, true, true), [0, 2]);
        assert_eq!(pareto_front(&points, true, false), [0, 1]);
        assert!(pareto_front(&[point(1.0, 1.0, false)], true, true).is_empty());
    }

    #[test]
    fn limits_are_read_from_simple_constraints_on_the_figure() {
        assert_eq!(
            limit_on("unserved_fraction < 0.002", "unserved_fraction"),
            Some(("<", 0.002))
        );
        assert_eq!(limit_on("cost_usd>=10", "cost_usd"), Some((">=", 10.0)));
        assert_eq!(limit_on("web.unserved_fraction < 0.002", "unserved_fraction"), None);
        assert_eq!(limit_on("unserved_fraction < p99", "unserved_fraction"), None);
        assert_eq!(
            limit_on("jobs.makespan_s < 50m", "jobs.makespan_s"),
            Some(("<", 3000.0))
        );
        assert_eq!(
            limit_on("jobs.completed > 1h", "jobs.completed"),
            None,
            "not in seconds"
        );
    }
}
