//! The time axis shared by every chart: the wall-clock time of the run, in the scenario's time zone
//! (UTC unless its scheduled actions name one), as `14:00` and dates (`Tue 6 Jan`) on whole hours
//! and days of that zone; minutes, hours or days per tick chosen by the axis length. A run whose
//! start is unknown (an old `summary.json`) is labelled in time since the start.

use chrono::{DateTime, Timelike, Utc};
use chrono_tz::Tz;

/// The wall clock of a run: when it starts and the zone its times are read in.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Clock {
    /// The run's start.
    pub start: DateTime<Utc>,
    /// The time zone of the labels.
    pub zone: Tz,
}

impl Clock {
    /// The clock of a run starting at `start_rfc3339` in the IANA zone `zone` (UTC when empty or
    /// unknown); `None` when the start does not parse.
    pub fn new(start_rfc3339: &str, zone: &str) -> Option<Clock> {
        let start = DateTime::parse_from_rfc3339(start_rfc3339).ok()?.to_utc();
        Some(Clock {
            start,
            zone: zone.parse().unwrap_or(Tz::UTC),
        })
    }

    /// The local time `time_s` seconds after the start.
    fn at(&self, time_s: f64) -> DateTime<Tz> {
        let ms = (time_s * 1000.0).round() as i64;
        (self.start + chrono::Duration::milliseconds(ms)).with_timezone(&self.zone)
    }

    /// Seconds from the local midnight before the start to the start: axis values count from
    /// there, so round ticks fall on whole hours and midnights of the zone.
    fn offset_s(&self) -> f64 {
        let local = self.start.with_timezone(&self.zone);
        f64::from(local.num_seconds_from_midnight()) + f64::from(local.nanosecond() / 1_000_000) / 1000.0
    }
}

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
    /// The wall clock the ticks are labelled in; `None` labels time since the start.
    pub clock: Option<Clock>,
}

impl TimeAxis {
    /// The axis for a run of `end_s` seconds.
    pub fn for_duration(end_s: f64) -> TimeAxis {
        let end_s = if end_s > 0.0 { end_s } else { 60.0 };
        TimeAxis {
            unit: TimeUnit::for_length(end_s),
            start_s: 0.0,
            end_s,
            clock: None,
        }
    }

    /// The axis labelled in `clock`'s time.
    pub fn with_clock(mut self, clock: Option<Clock>) -> TimeAxis {
        self.clock = clock;
        self
    }

    /// The axis of a chart zoomed to `window`, its unit chosen by the window's length.
    pub fn for_window(window: Window) -> TimeAxis {
        TimeAxis {
            unit: TimeUnit::for_length(window.length_s()),
            start_s: window.from_s,
            end_s: window.to_s,
            clock: None,
        }
    }

    /// Seconds since the start, in axis units (counted from the local midnight before the start
    /// when there is a clock).
    pub fn to_axis(&self, time_s: f64) -> f64 {
        (time_s + self.offset_s()) / self.unit.seconds()
    }

    fn offset_s(&self) -> f64 {
        self.clock.map_or(0.0, |c| c.offset_s())
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
    /// three days) rather than plain numbers of the unit; only without a wall clock.
    fn clock_ticks(&self) -> bool {
        self.start_s > 0.0 && self.unit != TimeUnit::Days
    }

    /// The axis description, with its unit or time zone.
    pub fn label(&self) -> String {
        if let Some(clock) = &self.clock {
            return format!("time ({})", clock.zone.name());
        }
        match self.unit {
            _ if self.clock_ticks() => "time since start (h:mm)",
            TimeUnit::Minutes => "minutes since start",
            TimeUnit::Hours => "hours since start",
            TimeUnit::Days => "days since start",
        }
        .to_string()
    }

    /// The label of the tick at `value` axis units: `14:00`, or the date at a local midnight
    /// (`Tue 6 Jan`); on a day axis the date, with the time when not midnight.
    pub fn tick_label(&self, value: f64) -> String {
        let Some(clock) = &self.clock else {
            return if self.clock_ticks() {
                format_elapsed(value * self.unit.seconds(), self.end_s - self.start_s < 600.0)
            } else {
                format_tick(value)
            };
        };
        let local = clock.at(value * self.unit.seconds() - self.offset_s());
        let midnight = local.num_seconds_from_midnight() == 0;
        match self.unit {
            _ if midnight => local.format("%a %-d %b").to_string(),
            TimeUnit::Days => local.format("%a %-d %b %H:%M").to_string(),
            _ if self.end_s - self.start_s < 600.0 => local.format("%H:%M:%S").to_string(),
            _ => local.format("%H:%M").to_string(),
        }
    }

    /// A window of this axis for a subtitle: `Mon 5 Jan 11:30–12:30` in the axis's clock, or
    /// elapsed `11:30–12:30` without one.
    pub fn describe_window(&self, window: Window) -> String {
        let Some(clock) = &self.clock else {
            return window.describe();
        };
        let seconds = if window.length_s() < 600.0 { ":%S" } else { "" };
        let (from, to) = (clock.at(window.from_s), clock.at(window.to_s));
        let to_format = if from.date_naive() == to.date_naive() {
            format!("%H:%M{seconds}")
        } else {
            format!("%a %-d %b %H:%M{seconds}")
        };
        format!(
            "{}–{} {}",
            from.format(&format!("%a %-d %b %H:%M{seconds}")),
            to.format(&to_format),
            from.format("%Z")
        )
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
    describe_start_in(start_rfc3339, "")
}

/// The wall-clock start in the IANA zone `zone` (UTC when empty): `Mon 2026-03-02 00:00 KST`.
pub fn describe_start_in(start_rfc3339: &str, zone: &str) -> String {
    match Clock::new(start_rfc3339, zone) {
        Some(clock) => clock.at(0.0).format("%a %Y-%m-%d %H:%M %Z").to_string(),
        None => start_rfc3339.to_string(),
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
                (axis.unit, axis.label().as_str(), axis.range().1),
                (unit, label, end),
                "{seconds}"
            );
        }
    }

    #[test]
    fn with_a_clock_ticks_are_clock_times_and_dates_in_the_zone() {
        let utc = Clock::new("2026-01-05T00:00:00Z", "").expect("parses");
        let day = TimeAxis::for_duration(86_400.0).with_clock(Some(utc));
        assert_eq!(day.label(), "time (UTC)");
        assert_eq!(day.range(), (0.0, 24.0));
        assert_eq!(
            [0.0, 14.0, 24.0].map(|v| day.tick_label(v)),
            ["Mon 5 Jan", "14:00", "Tue 6 Jan"]
        );
        // Seoul: 15:00 UTC is midnight, so the axis counts from there and day ticks are dates.
        let seoul = Clock::new("2026-03-01T15:00:00Z", "Asia/Seoul").expect("parses");
        let week = TimeAxis::for_duration(7.0 * 86_400.0).with_clock(Some(seoul));
        assert_eq!(week.label(), "time (Asia/Seoul)");
        assert_eq!(week.to_axis(86_400.0), 1.0);
        assert_eq!(week.tick_label(1.0), "Tue 3 Mar");
        assert_eq!(week.tick_label(1.5), "Tue 3 Mar 12:00");
        // In UTC the same start is 15:00: the axis counts from midnight, 15 h before it.
        let utc_week = TimeAxis::for_duration(86_400.0).with_clock(Clock::new("2026-03-01T15:00:00Z", "UTC"));
        assert_eq!(
            (utc_week.to_axis(0.0), utc_week.tick_label(24.0).as_str()),
            (15.0, "Mon 2 Mar")
        );
        let zoom = TimeAxis::for_window(Window {
            from_s: 41_400.0,
            to_s: 45_000.0,
        })
        .with_clock(Some(utc));
        assert_eq!(zoom.tick_label(700.0), "11:40");
        assert_eq!(
            zoom.describe_window(Window {
                from_s: 41_400.0,
                to_s: 45_000.0
            }),
            "Mon 5 Jan 11:30–12:30 UTC"
        );
        assert_eq!(
            describe_start_in("2026-03-01T15:00:00Z", "Asia/Seoul"),
            "Mon 2026-03-02 00:00 KST"
        );
        assert_eq!(Clock::new("soon", "UTC"), None);
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
            (from_zero.label().as_str(), from_zero.tick_label(30.0).as_str()),
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
