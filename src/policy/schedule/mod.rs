//! Parses the `Schedule` of a scheduled action (`at`, `rate`, `cron`) and finds its next fire time.
//!
//! Choices where AWS is silent or where the simulator has to pick one reading:
//!
//! * **Time zone.** `at` and `cron` are wall-clock times in [`ScheduleSpec::timezone`]; `rate` ignores
//!   it. A local time that a spring-forward gap skips fires at the first instant after the gap (a
//!   daily 02:30 in New York fires at 03:00 EDT on the day the clocks jump); several gap times that
//!   collapse onto that instant fire once. A local time that a fall-back overlap repeats fires once,
//!   at its first occurrence; the repeated hour's second pass fires nothing.
//! * **StartTime** is inclusive: nothing fires before it. A `rate` schedule fires at StartTime and
//!   then every period; without StartTime it is anchored at `origin_ms`, the simulation start.
//! * **EndTime** is inclusive: a fire time equal to EndTime still fires, nothing after it does.
//! * **Resolution.** `at` and `cron` fire on whole local minutes: `at(...)` with non-zero seconds
//!   and the seven-field cron form with leading seconds are rejected rather than silently rounded.
//! * **`rate` units** follow EventBridge: the singular unit goes with the value 1 (`rate(1 hour)`),
//!   the plural with any other value (`rate(5 hours)`); the other combinations are errors.

mod calendar;
mod cron;
mod fire;
mod scheduler;

pub use cron::CronSchedule;
pub use scheduler::{SchedulerExpression, flexible_offset_ms};

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use std::fmt;

/// A parsed `Schedule` of PutScheduledAction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Schedule {
    /// `at(yyyy-mm-ddThh:mm:ss)`: one local wall-clock time, read in the spec's time zone.
    At(NaiveDateTime),
    /// `rate(value unit)`: a fixed period, anchored at StartTime or else at the simulation start.
    Rate {
        /// The period in milliseconds, always positive.
        every_ms: u64,
    },
    /// `cron(...)`: a calendar rule on local wall-clock minutes.
    Cron(CronSchedule),
}

/// A schedule with its Timezone, StartTime and EndTime (UTC epoch ms).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleSpec {
    /// What the `Schedule` string says.
    pub schedule: Schedule,
    /// The `Timezone` that `at` and `cron` wall-clock times are read in (UTC when unset).
    pub timezone: Tz,
    /// `StartTime`: nothing fires before it; a `rate` schedule is anchored at it.
    pub start_ms: Option<i64>,
    /// `EndTime`: nothing fires after it.
    pub end_ms: Option<i64>,
}

/// Why a `Schedule` string was rejected: a 1-based character column in the whole string and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleError {
    /// 1-based character column in the whole schedule string where the offending part starts.
    pub column: usize,
    /// What is wrong and how to write it instead, as a lowercase fragment.
    pub message: String,
}

impl fmt::Display for ScheduleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "column {}: {}", self.column, self.message)
    }
}

impl std::error::Error for ScheduleError {}

/// A parse result whose error carries the byte offset of the offending text in the whole string.
type Located<T> = Result<T, (usize, String)>;

/// Rejects the text at byte offset `at` with `message`.
fn reject<T>(at: usize, message: impl Into<String>) -> Located<T> {
    Err((at, message.into()))
}

/// Parses `at(yyyy-mm-ddThh:mm:ss)`, `rate(5 minutes)` or `cron(Minutes Hours Day-of-month Month Day-of-week Year)`.
pub fn parse_schedule(text: &str) -> Result<Schedule, ScheduleError> {
    parse_located(text).map_err(|(byte, message)| ScheduleError {
        column: text[..byte].chars().count() + 1,
        message,
    })
}

fn parse_located(text: &str) -> Located<Schedule> {
    const SHAPES: &str = "use at(2026-03-02T08:00:00), rate(5 minutes) or cron(0 10 * * ? *)";
    let Some(open) = text.find('(') else {
        return reject(0, format!("a schedule is a call; {SHAPES}"));
    };
    let kind = &text[..open];
    if !matches!(kind, "at" | "rate" | "cron") {
        return reject(0, format!("unknown schedule kind `{kind}`; {SHAPES}"));
    }
    let Some(inner) = text[open + 1..].strip_suffix(')') else {
        return reject(text.len(), format!("missing `)` at the end of {kind}(...)"));
    };
    let base = open + 1;
    match kind {
        "at" => parse_at(inner, base).map(Schedule::At),
        "rate" => parse_rate(inner, base).map(|every_ms| Schedule::Rate { every_ms }),
        _ => cron::parse_cron(inner, base).map(Schedule::Cron),
    }
}

/// Parses the inside of `at(...)`: exactly `yyyy-mm-ddThh:mm:00`.
fn parse_at(inner: &str, base: usize) -> Located<NaiveDateTime> {
    let shape_ok = inner.len() == 19
        && inner.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            10 => b == b'T',
            13 | 16 => b == b':',
            _ => b.is_ascii_digit(),
        });
    if !shape_ok {
        return reject(base, "at needs a local date and time: at(2026-03-02T08:00:00)");
    }
    let number = |from: usize, to: usize| inner[from..to].parse::<u32>().expect("the shape check saw only digits");
    let year = i32::try_from(number(0, 4)).expect("four digits fit in i32");
    let date = NaiveDate::from_ymd_opt(year, number(5, 7), number(8, 10))
        .ok_or_else(|| (base, format!("`{}` is not a calendar date", &inner[..10])))?;
    if number(17, 19) != 0 {
        return reject(base + 17, "at fires on whole minutes; use 00 for the seconds");
    }
    date.and_hms_opt(number(11, 13), number(14, 16), 0)
        .ok_or_else(|| (base + 11, format!("`{}` is not a time of day", &inner[11..])))
}

/// Parses the inside of `rate(...)` into a period in milliseconds.
fn parse_rate(inner: &str, base: usize) -> Located<u64> {
    const SHAPE: &str = "rate needs a positive whole number and a unit: rate(5 minutes)";
    let words = words(inner, base);
    if let Some(&(extra_at, _)) = words.get(2) {
        return reject(extra_at, "rate takes a value and a unit, nothing more: rate(5 minutes)");
    }
    let [(value_at, value), (unit_at, unit)] = words[..] else {
        return reject(words.first().map_or(base, |word| word.0), SHAPE);
    };
    let value = Some(value)
        .filter(|value| value.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|value| value.parse::<u64>().ok())
        .filter(|value| *value > 0)
        .ok_or_else(|| (value_at, SHAPE.to_string()))?;
    let (singular, unit_ms) = match unit.strip_suffix('s').unwrap_or(unit) {
        "minute" => ("minute", 60_000),
        "hour" => ("hour", 3_600_000),
        "day" => ("day", 86_400_000),
        _ => {
            let message = format!("unknown rate unit `{unit}`; use minute, minutes, hour, hours, day or days");
            return reject(unit_at, message);
        }
    };
    match (value == 1, unit == singular) {
        (true, false) => {
            return reject(
                unit_at,
                format!("use `{singular}` with the value 1: rate(1 {singular})"),
            );
        }
        (false, true) => {
            let message = format!("use `{singular}s` with a value other than 1: rate({value} {singular}s)");
            return reject(unit_at, message);
        }
        _ => {}
    }
    value
        .checked_mul(unit_ms)
        .filter(|every_ms| i64::try_from(*every_ms).is_ok())
        .ok_or_else(|| (value_at, format!("rate({value} {unit}) is too long to simulate")))
}

/// Splits on spaces, keeping each word's byte offset in the whole string.
fn words(text: &str, base: usize) -> Vec<(usize, &str)> {
    let mut words = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(from)) => {
                words.push((base + from, &text[from..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(from) = start {
        words.push((base + from, &text[from..]));
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;

    /// Parses `2026-03-02T10:00Z` (UTC, whole minutes) into epoch ms.
    pub(super) fn ms(instant: &str) -> i64 {
        let naive = NaiveDateTime::parse_from_str(instant, "%Y-%m-%dT%H:%MZ");
        naive
            .unwrap_or_else(|e| panic!("test instant {instant}: {e}"))
            .and_utc()
            .timestamp_millis()
    }

    /// Formats epoch ms as `2026-03-02T10:00Z`, with seconds only when they are not zero.
    fn utc(ms: i64) -> String {
        let instant = DateTime::from_timestamp_millis(ms).expect("instant in range");
        let format = if ms % 60_000 == 0 {
            "%Y-%m-%dT%H:%MZ"
        } else {
            "%Y-%m-%dT%H:%M:%S%.3fZ"
        };
        instant.format(format).to_string()
    }

    /// A spec from a schedule and a time zone, with StartTime and EndTime as `2026-03-02T10:00Z` or `-`.
    pub(super) fn spec(schedule: &str, timezone: &str, start: &str, end: &str) -> ScheduleSpec {
        let bound = |instant: &str| (instant != "-").then(|| ms(instant));
        ScheduleSpec {
            schedule: parse_schedule(schedule).unwrap_or_else(|e| panic!("{schedule}: {e}")),
            timezone: timezone.parse().unwrap_or_else(|e| panic!("{timezone}: {e}")),
            start_ms: bound(start),
            end_ms: bound(end),
        }
    }

    /// Checks one row `schedule | time zone | after | next` (UTC; `none` when it never fires again).
    #[track_caller]
    pub(super) fn check(row: &str) {
        let [schedule, timezone, after, expected] = columns(row);
        let next_ms = spec(schedule, timezone, "-", "-").next_after(ms(after), 0);
        assert_eq!(next_ms.map_or("none".to_string(), utc), expected, "{row}");
    }

    /// Checks one row `text | column | message` of a rejected schedule.
    #[track_caller]
    pub(super) fn check_error(row: &str) {
        let [text, column, message] = columns(row);
        let error = parse_schedule(text).expect_err(row);
        assert_eq!(
            (error.column.to_string().as_str(), error.message.as_str()),
            (column, message),
            "{row}"
        );
    }

    /// Checks every fire time of `spec`, simulation start `origin` included, up to a limit.
    #[track_caller]
    pub(super) fn check_runs(spec: ScheduleSpec, origin: &str, expected: &[&str]) {
        let origin_ms = ms(origin);
        let (mut after_ms, mut fired) = (origin_ms - 1, Vec::new());
        while let Some(next_ms) = spec
            .next_after(after_ms, origin_ms)
            .filter(|_| fired.len() <= expected.len())
        {
            assert!(next_ms > after_ms, "next_after went backwards from {}", utc(after_ms));
            fired.push(utc(next_ms));
            after_ms = next_ms;
        }
        assert_eq!(fired, expected);
    }

    #[track_caller]
    fn columns<const N: usize>(row: &str) -> [&str; N] {
        let columns: Vec<&str> = row.split(" | ").map(str::trim).collect();
        columns
            .try_into()
            .unwrap_or_else(|_| panic!("row needs {N} columns split by ` | `: {row}"))
    }

    #[track_caller]
    fn check_rate(text: &str, every_ms: u64) {
        assert_eq!(parse_schedule(text), Ok(Schedule::Rate { every_ms }), "{text}");
    }

    #[test]
    fn rates() {
        check_rate("rate(1 minute)", 60_000);
        check_rate("rate(5 minutes)", 300_000);
        check_rate("rate(1 hour)", 3_600_000);
        check_rate("rate(5 hours)", 18_000_000);
        check_rate("rate(1 day)", 86_400_000);
        check_rate("rate(30 days)", 2_592_000_000);
        check_rate("rate(  2   days )", 172_800_000);
    }

    #[test]
    fn invalid_at_rate_and_kind() {
        check_error(
            "every 5 minutes | 1 | a schedule is a call; use at(2026-03-02T08:00:00), rate(5 minutes) or cron(0 10 * * ? *)",
        );
        check_error(
            "Rate(5 minutes) | 1 | unknown schedule kind `Rate`; use at(2026-03-02T08:00:00), rate(5 minutes) or cron(0 10 * * ? *)",
        );
        check_error(
            "räte(5 minutes) | 1 | unknown schedule kind `räte`; use at(2026-03-02T08:00:00), rate(5 minutes) or cron(0 10 * * ? *)",
        );
        check_error("rate(5 minutes | 15 | missing `)` at the end of rate(...)");
        check_error("rate(0 minutes) | 6 | rate needs a positive whole number and a unit: rate(5 minutes)");
        check_error("rate(-5 minutes) | 6 | rate needs a positive whole number and a unit: rate(5 minutes)");
        check_error("rate(1.5 hours) | 6 | rate needs a positive whole number and a unit: rate(5 minutes)");
        check_error("rate(minutes) | 6 | rate needs a positive whole number and a unit: rate(5 minutes)");
        check_error("rate() | 6 | rate needs a positive whole number and a unit: rate(5 minutes)");
        check_error("rate(5 minutes please) | 16 | rate takes a value and a unit, nothing more: rate(5 minutes)");
        check_error("rate(5 minute) | 8 | use `minutes` with a value other than 1: rate(5 minutes)");
        check_error("rate(1 hours) | 8 | use `hour` with the value 1: rate(1 hour)");
        check_error("rate(2 weeks) | 8 | unknown rate unit `weeks`; use minute, minutes, hour, hours, day or days");
        check_error("rate(99999999999999 days) | 6 | rate(99999999999999 days) is too long to simulate");
        check_error("at(2026-03-02 08:00:00) | 4 | at needs a local date and time: at(2026-03-02T08:00:00)");
        check_error("at(2026-3-2T08:00:00) | 4 | at needs a local date and time: at(2026-03-02T08:00:00)");
        check_error("at(2026-02-29T08:00:00) | 4 | `2026-02-29` is not a calendar date");
        check_error("at(2026-03-02T24:00:00) | 15 | `24:00:00` is not a time of day");
        check_error("at(2026-03-02T08:00:30) | 21 | at fires on whole minutes; use 00 for the seconds");
    }
}
