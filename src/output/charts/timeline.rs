//! The time axis shared by every chart: elapsed time since the start in minutes, hours or days
//! (chosen by run length), with the wall-clock start written once in the subtitle. A chart zoomed
//! to a window that does not start at zero labels its ticks as elapsed clock time (`11:30`).

use chrono::DateTime;

/// The unit of the x axis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeUnit {
    /// Runs shorter than two hours.
    Minutes,
    /// Runs up to three days.
    Hours,
    /// Longer runs.
    Days,
}

impl TimeUnit {
    /// The unit for an axis `length_s` seconds long.
    fn for_length(length_s: f64) -> TimeUnit {
        if length_s < 2.0 * 3600.0 {
            TimeUnit::Minutes
        } else if length_s <= 3.0 * 86_400.0 {
            TimeUnit::Hours
        } else {
            TimeUnit::Days
        }
    }

    fn seconds(self) -> f64 {
        match self {
            TimeUnit::Minutes => 60.0,
            TimeUnit::Hours => 3600.0,
            TimeUnit::Days => 86_400.0,
        }
    }
}

/// Maps seconds since the start onto the x axis.
#[derive(Clone, Debug, PartialEq)]
pub struct TimeAxis {
    /// Axis unit.
    pub unit: TimeUnit,
    /// Start of the axis, seconds since the start of the run (0 unless zoomed).
    pub start_s: f64,
    /// End of the axis, seconds since the start.
    pub end_s: f64,
}

impl TimeAxis {
    /// The axis for a run of `end_s` seconds.
    pub fn for_duration(end_s: f64) -> TimeAxis {
        let end_s = if end_s > 0.0 { end_s } else { 60.0 };
        TimeAxis {
            unit: TimeUnit::for_length(end_s),
            start_s: 0.0,
            end_s,
        }
    }

    /// The axis of a chart zoomed to `window`, its unit chosen by the window's length.
    pub fn for_window(window: Window) -> TimeAxis {
        TimeAxis {
            unit: TimeUnit::for_length(window.length_s()),
            start_s: window.from_s,
            end_s: window.to_s,
        }
    }

    /// Seconds since the start, in axis units.
    pub fn to_axis(&self, time_s: f64) -> f64 {
        time_s / self.unit.seconds()
    }

    /// The axis range in axis units.
    pub fn range(&self) -> (f64, f64) {
        (self.to_axis(self.start_s), self.to_axis(self.end_s))
    }

    /// Where `time_s` falls along the axis: 0 at its start, 1 at its end.
    pub fn fraction(&self, time_s: f64) -> f64 {
        (time_s - self.start_s) / (self.end_s - self.start_s).max(f64::MIN_POSITIVE)
    }

    /// Whether ticks are elapsed clock time (a zoomed window away from the start, shorter than
    /// three days) rather than plain numbers of the unit.
    fn clock_ticks(&self) -> bool {
        self.start_s > 0.0 && self.unit != TimeUnit::Days
    }

    /// The axis description, with its unit.
    pub fn label(&self) -> &'static str {
        match self.unit {
            _ if self.clock_ticks() => "time since start (h:mm)",
            TimeUnit::Minutes => "minutes since start",
            TimeUnit::Hours => "hours since start",
            TimeUnit::Days => "days since start",
        }
    }

    /// The label of the tick at `value` axis units.
    pub fn tick_label(&self, value: f64) -> String {
        if self.clock_ticks() {
            format_elapsed(value * self.unit.seconds(), self.end_s - self.start_s < 600.0)
        } else {
            format_tick(value)
        }
    }

    /// How many tick labels to ask for: about one per 80 pixels, on round numbers.
    pub fn tick_count(&self, plot_width_px: u32) -> usize {
        let by_width = (plot_width_px / 80).max(2) as usize;
        // Ticks read best on whole units (half units on short axes): never ask for more.
        let end = self.range().1 - self.range().0;
        let per_unit = if end <= 6.0 { 2.0 } else { 1.0 };
        let round_ticks = (end * per_unit).ceil() as usize + 1;
        by_width.min(round_ticks.max(3))
    }
}

/// A stretch of the run a chart is zoomed to, seconds since the start.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Window {
    /// Start.
    pub from_s: f64,
    /// End, after the start.
    pub to_s: f64,
}

impl Window {
    /// Seconds from start to end.
    pub fn length_s(&self) -> f64 {
        self.to_s - self.from_s
    }

    /// `11:30–12:30` for a subtitle.
    pub fn describe(&self) -> String {
        let seconds = self.length_s() < 600.0;
        format!(
            "{}–{}",
            format_elapsed(self.from_s, seconds),
            format_elapsed(self.to_s, seconds)
        )
    }
}

/// Elapsed time as a clock: `11:30`, `1d 02:30`, with seconds (`11:30:15`) when asked for.
pub fn format_elapsed(seconds: f64, with_seconds: bool) -> String {
    let total = seconds.max(0.0).round() as u64;
    let (days, rest) = (total / 86_400, total % 86_400);
    let (h, m, s) = (rest / 3600, rest % 3600 / 60, rest % 60);
    let clock = if with_seconds {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{h}:{m:02}")
    };
    if days > 0 {
        format!("{days}d {h:02}{}", &clock[clock.find(':').unwrap_or(0)..])
    } else {
        clock
    }
}

/// A tick label: a number without trailing zeros (`6`, `1.5`).
pub fn format_tick(value: f64) -> String {
    let s = format!("{value:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".to_string() } else { s.to_string() }
}

/// The wall-clock start for a subtitle: `Mon 2026-01-05 00:00 UTC`; the text as given if it does
/// not parse.
pub fn describe_start(start_rfc3339: &str) -> String {
    match DateTime::parse_from_rfc3339(start_rfc3339) {
        Ok(t) => t.to_utc().format("%a %Y-%m-%d %H:%M UTC").to_string(),
        Err(_) => start_rfc3339.to_string(),
    }
}

/// A duration for people: `45 min`, `6 h`, `1.5 d`.
pub fn describe_duration(seconds: f64) -> String {
    if seconds < 2.0 * 3600.0 {
        format!("{} min", format_tick(seconds / 60.0))
    } else if seconds <= 3.0 * 86_400.0 {
        format!("{} h", format_tick((seconds / 3600.0 * 10.0).round() / 10.0))
    } else {
        format!("{} d", format_tick((seconds / 86_400.0 * 10.0).round() / 10.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_unit_by_run_length() {
        for (seconds, unit, label, end) in [
            (1800.0, TimeUnit::Minutes, "minutes since start", 30.0),
            (4.0 * 3600.0, TimeUnit::Hours, "hours since start", 4.0),
            (86_400.0, TimeUnit::Hours, "hours since start", 24.0),
            (30.0 * 86_400.0, TimeUnit::Days, "days since start", 30.0),
        ] {
            let axis = TimeAxis::for_duration(seconds);
            assert_eq!(
                (axis.unit, axis.label(), axis.range().1),
                (unit, label, end),
                "{seconds}"
            );
        }
    }

    #[test]
    fn describes_start_and_duration() {
        assert_eq!(describe_start("2026-01-05T00:00:00Z"), "Mon 2026-01-05 00:00 UTC");
        assert_eq!(describe_start("soon"), "soon");
        assert_eq!(describe_duration(14_400.0), "4 h");
        assert_eq!(describe_duration(30.0 * 86_400.0), "30 d");
        assert_eq!(format_tick(1.50), "1.5");
    }

    #[test]
    fn a_zoomed_axis_counts_from_its_window_in_clock_time() {
        let axis = TimeAxis::for_window(Window {
            from_s: 41_400.0,
            to_s: 45_000.0,
        });
        assert_eq!(axis.unit, TimeUnit::Minutes, "an hour's window is in minutes");
        assert_eq!(axis.range(), (690.0, 750.0));
        assert_eq!(axis.fraction(43_200.0), 0.5);
        assert_eq!(axis.label(), "time since start (h:mm)");
        assert_eq!(axis.tick_label(700.0), "11:40");
        let from_zero = TimeAxis::for_window(Window {
            from_s: 0.0,
            to_s: 3600.0,
        });
        assert_eq!(
            (from_zero.label(), from_zero.tick_label(30.0).as_str()),
            ("minutes since start", "30")
        );
        assert_eq!(format_elapsed(95_400.0, false), "1d 02:30");
        assert_eq!(format_elapsed(41_415.0, true), "11:30:15");
        assert_eq!(
            Window {
                from_s: 41_400.0,
                to_s: 45_000.0
            }
            .describe(),
            "11:30–12:30"
        );
    }
}
