//! The time axis shared by every chart: elapsed time since the start in minutes, hours or days
//! (chosen by run length), with the wall-clock start written once in the subtitle.

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
    /// End of the axis, seconds since the start.
    pub end_s: f64,
}

impl TimeAxis {
    /// The axis for a run of `end_s` seconds.
    pub fn for_duration(end_s: f64) -> TimeAxis {
        let end_s = if end_s > 0.0 { end_s } else { 60.0 };
        let unit = if end_s < 2.0 * 3600.0 {
            TimeUnit::Minutes
        } else if end_s <= 3.0 * 86_400.0 {
            TimeUnit::Hours
        } else {
            TimeUnit::Days
        };
        TimeAxis { unit, end_s }
    }

    /// Seconds since the start, in axis units.
    pub fn to_axis(&self, time_s: f64) -> f64 {
        time_s / self.unit.seconds()
    }

    /// The axis range in axis units.
    pub fn range(&self) -> (f64, f64) {
        (0.0, self.to_axis(self.end_s))
    }

    /// The axis description, with its unit.
    pub fn label(&self) -> &'static str {
        match self.unit {
            TimeUnit::Minutes => "minutes since start",
            TimeUnit::Hours => "hours since start",
            TimeUnit::Days => "days since start",
        }
    }

    /// How many tick labels to ask for: about one per 80 pixels, on round numbers.
    pub fn tick_count(&self, plot_width_px: u32) -> usize {
        let by_width = (plot_width_px / 80).max(2) as usize;
        // Ticks read best on whole units (half units on short axes): never ask for more.
        let end = self.range().1;
        let per_unit = if end <= 6.0 { 2.0 } else { 1.0 };
        let round_ticks = (end * per_unit).ceil() as usize + 1;
        by_width.min(round_ticks.max(3))
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
}
