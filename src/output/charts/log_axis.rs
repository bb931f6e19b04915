//! When a panel's y axis is logarithmic: one rule for every chart, from the panel's own data.
//!
//! A linear axis scaled to one spike flattens everything else into a line at the bottom (a p99
//! of 10 s over a normal 100-250 ms; a backlog per task of 23,000 over its target of 100). So a
//! panel that may take a log axis ([`Panel::log_allowed`]: rates, durations, and the counts a
//! chart kind allows, such as a queue's backlog) gets one when its data span more than two
//! decades: when the peak is over 100 times the low end of the data, the 10th percentile of its
//! positive values or its lowest reference line (a target, a threshold), whichever is lower.
//! The axis then runs from the decade at or below that low end to just above the peak, ticks at
//! each decade, and says `log scale` in its description. Values a log axis cannot show (zeros)
//! sit on its bottom edge, a decade lower still so they stay apart from the data, and the bottom
//! tick reads `≤ 10`.

use super::figure::Panel;

/// The peak must exceed the low end by this factor (two decades) for a log axis.
pub const LOG_FROM_RATIO: f64 = 100.0;
/// The low end of the data is this percentile of its positive values: a few stray values near
/// zero (the first interval of a spike) do not stretch the axis down.
const LOW_PERCENTILE: f64 = 0.10;
/// Headroom above the peak, in decades.
const HEADROOM_DECADES: f64 = 0.08;

/// A log y axis: the panel's values are drawn as their base-10 logarithm.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LogAxis {
    /// The value at the bottom of the axis: a power of ten.
    pub floor: f64,
    /// The largest value drawn.
    pub peak: f64,
    /// Whether some values are at or below the floor (zeros), drawn on the bottom edge.
    pub clamped: bool,
}

impl LogAxis {
    /// The axis of `panel`, or `None` for a linear one.
    pub fn of(panel: &Panel<'_>) -> Option<LogAxis> {
        if !panel.log_allowed || !panel.stacked.is_empty() {
            return None;
        }
        let all: Vec<f64> = panel
            .lines
            .iter()
            .chain(&panel.points)
            .flat_map(|l| l.values.iter().take(l.time_s.len()).copied())
            .filter(|v| v.is_finite())
            .collect();
        let mut values: Vec<f64> = all.iter().copied().filter(|v| *v > 0.0).collect();
        if values.is_empty() {
            return None;
        }
        values.sort_by(f64::total_cmp);
        let low_data = values[((values.len() - 1) as f64 * LOW_PERCENTILE).round() as usize];
        let references = panel.reference_lines.iter().map(|r| r.value).filter(|v| *v > 0.0);
        let low = references.clone().fold(low_data, f64::min);
        let bands = panel
            .bands
            .iter()
            .filter(|b| b.sets_axis)
            .flat_map(|b| b.upper.iter().copied())
            .filter(|v| v.is_finite());
        let peak = values[values.len() - 1]
            .max(references.fold(0.0, f64::max))
            .max(bands.fold(0.0, f64::max));
        if peak <= LOG_FROM_RATIO * low {
            return None;
        }
        let decade = low.log10().floor();
        let clamped = all.iter().any(|v| *v <= 10f64.powf(decade));
        Some(LogAxis {
            floor: 10f64.powf(if clamped { decade - 1.0 } else { decade }),
            peak,
            clamped,
        })
    }

    /// Where `value` is drawn: its logarithm, or the bottom for a value at or below the floor.
    pub fn y(&self, value: f64) -> f64 {
        if value.is_nan() {
            value
        } else {
            value.max(self.floor).log10()
        }
    }

    /// The axis range in drawn units (decades), bottom to top.
    pub fn range(&self) -> (f64, f64) {
        (self.floor.log10(), self.peak.log10() + HEADROOM_DECADES)
    }

    /// How many decades the axis spans, rounded up.
    pub fn decades(&self) -> usize {
        let (bottom, top) = self.range();
        (top - bottom).ceil().max(1.0) as usize
    }

    /// The value a tick at drawn position `y` stands for, when it is at a decade; `None` between
    /// decades (no label there).
    pub fn tick(&self, y: f64) -> Option<f64> {
        ((y - y.round()).abs() < 1e-6).then(|| 10f64.powf(y.round()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::charts::figure::{ReferenceLine, YScale};
    use crate::output::charts::style;

    fn panel<'a>(time_s: &'a [f64], values: &'a [f64]) -> Panel<'a> {
        Panel::new("response time", YScale::Milliseconds).line("p99", style::LATENCY_P99, time_s, values)
    }

    #[test]
    fn a_spike_over_two_decades_above_the_data_makes_a_log_axis() {
        let time_s: Vec<f64> = (0..20).map(f64::from).collect();
        // 80-250 ms, and one interval at the 10 s timeout.
        let mut values: Vec<f64> = (0..20).map(|i| 80.0 + 9.0 * f64::from(i)).collect();
        values[15] = 10_000.0;
        let axis = LogAxis::of(&panel(&time_s, &values)).expect("a log axis");
        assert_eq!((axis.floor, axis.peak, axis.clamped), (10.0, 10_000.0, false));
        assert_eq!(axis.y(5.0), 1.0, "below the floor sits on the bottom edge");
        assert_eq!(axis.y(1000.0), 3.0);
        assert_eq!(axis.decades(), 4);
        assert_eq!((axis.tick(2.0), axis.tick(2.5)), (Some(100.0), None));
        // Below two decades, linear.
        values[15] = 2_000.0;
        assert_eq!(LogAxis::of(&panel(&time_s, &values)), None);
    }

    #[test]
    fn a_reference_line_is_part_of_the_data_and_zeros_are_not() {
        let time_s: Vec<f64> = (0..10).map(f64::from).collect();
        let values = [0.0, 0.0, 3_000.0, 23_000.0, 3_000.0, 2_500.0, 2_000.0, 0.0, 0.0, 0.0];
        let mut p = panel(&time_s, &values);
        assert_eq!(LogAxis::of(&p), None, "2,000 to 23,000 is one decade");
        p.reference_lines.push(ReferenceLine {
            legend: "target 100".into(),
            stroke: style::TARGET_VALUE,
            value: 100.0,
        });
        // Zeros sit a decade below the target, which stays apart from them.
        assert_eq!(LogAxis::of(&p).map(|a| (a.floor, a.clamped)), Some((10.0, true)));
        p.log_allowed = false;
        assert_eq!(LogAxis::of(&p), None, "a panel kind may keep its axis linear");
    }
}
