//! Recorded demand: parsing a `timestamp,value` CSV and reading the series at any instant.

use chrono::{DateTime, NaiveDateTime};

use crate::workload::shapes::Interpolation;

/// Zone-less timestamp layouts read as UTC, as CloudWatch console exports write them.
const NAIVE_UTC_FORMATS: [&str; 4] = [
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
];

/// A recorded demand series, in requests per second, replayed as one additive load shape.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplaySeries {
    /// `(t_ms, value)` pairs with strictly increasing `t_ms`.
    pub points: Vec<(u64, f64)>,
    /// How values between two points are read.
    pub interpolation: Interpolation,
    /// Factor applied to every value (for replaying a trace at a different size).
    pub scale: f64,
}

impl ReplaySeries {
    /// Value at `t_ms`: the first value before the first point, the last after the last, and
    /// linear or step (previous point's value) in between; times `scale`. O(log n), no allocation.
    pub fn value_at(&self, t_ms: u64) -> f64 {
        let after = self.points.partition_point(|&(point_ms, _)| point_ms <= t_ms);
        let value = match (after.checked_sub(1), self.points.get(after)) {
            (None, Some(&(_, first))) => first,
            (None, None) => 0.0,
            (Some(previous), None) => self.points[previous].1,
            (Some(previous), Some(&(next_ms, next_value))) => {
                let (previous_ms, previous_value) = self.points[previous];
                match self.interpolation {
                    Interpolation::Step => previous_value,
                    Interpolation::Linear => {
                        let fraction = (t_ms - previous_ms) as f64 / (next_ms - previous_ms) as f64;
                        previous_value + (next_value - previous_value) * fraction
                    }
                }
            }
        };
        value * self.scale
    }
}

/// The two ways a CSV row can say when it happened; one file uses one of them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Timestamp {
    /// Seconds since the start of the simulation, as written.
    SecondsSinceStart(f64),
    /// An absolute instant, in microseconds since the Unix epoch (ALB access logs give
    /// microseconds; demand series use whole milliseconds of it).
    EpochUs(i64),
}

/// One accepted row, before points before the start are dropped.
struct Row<'a> {
    time_text: &'a str,
    relative_ms: i64,
    value: f64,
}

/// Parses `timestamp,value` CSV text into `(t_ms, value)` points relative to `start_epoch_ms`.
///
/// Timestamps are RFC 3339 (`2026-03-02T14:05:00Z`, `+09:00` offsets), zone-less date-times
/// read as UTC (`2026-03-02 14:05:00`), or seconds since the start (`90.5`), one kind per file,
/// strictly increasing. A header row, blank lines and `#` comments are skipped; fields may be
/// quoted. Points before the start are dropped, except the latest one, which moves to t=0 when
/// no point falls exactly on the start.
pub fn parse_replay_csv(text: &str, start_epoch_ms: i64) -> Result<Vec<(u64, f64)>, String> {
    let mut rows: Vec<Row> = Vec::new();
    let mut first_kind: Option<(usize, Timestamp)> = None;
    let mut header_allowed = true;
    for (line, fields) in data_lines(text) {
        let timestamp = parse_timestamp(fields[0]);
        if std::mem::take(&mut header_allowed) && is_header(timestamp, &fields) {
            continue;
        }
        if fields.len() != 2 {
            let plural = if fields.len() == 1 { "" } else { "s" };
            return Err(format!(
                "line {line}: expected `timestamp,value`, found {} column{plural}",
                fields.len()
            ));
        }
        let (time_text, value_text) = (fields[0], fields[1]);
        let timestamp = timestamp.ok_or_else(|| {
            format!(
                "line {line}: `{time_text}` is not a timestamp (expected RFC 3339 like \
                 `2026-03-02T14:05:00Z`, `2026-03-02 14:05:00` for UTC, or seconds since start)"
            )
        })?;
        check_same_kind(line, timestamp, *first_kind.get_or_insert((line, timestamp)))?;
        let relative_ms = relative_ms(line, time_text, timestamp, start_epoch_ms)?;
        if let Some(previous) = rows.last()
            && relative_ms <= previous.relative_ms
        {
            return Err(format!(
                "line {line}: timestamps must increase ({time_text} is not after {})",
                previous.time_text
            ));
        }
        let value = parse_value(line, value_text)?;
        rows.push(Row {
            time_text,
            relative_ms,
            value,
        });
    }
    if rows.is_empty() {
        return Err("no data rows: expected at least one `timestamp,value` row".to_string());
    }
    Ok(clip_to_start(&rows))
}

/// The rows of a recorded-data file: each line's 1-based number and its comma-separated fields,
/// unquoted; blank lines, `#` comments and a byte order mark are skipped.
pub(super) fn data_lines(text: &str) -> impl Iterator<Item = (usize, Vec<&str>)> {
    text.lines().enumerate().filter_map(|(index, raw_line)| {
        let trimmed = raw_line.trim_start_matches('\u{feff}').trim();
        (!trimmed.is_empty() && !trimmed.starts_with('#'))
            .then(|| (index + 1, trimmed.split(',').map(unquote).collect()))
    })
}

/// A field with surrounding whitespace and one pair of surrounding double quotes removed.
fn unquote(field: &str) -> &str {
    let field = field.trim();
    field
        .strip_prefix('"')
        .and_then(|inner| inner.strip_suffix('"'))
        .map_or(field, str::trim)
}

/// A header row names its columns: neither the time nor the value field is a number.
fn is_header(timestamp: Option<Timestamp>, fields: &[&str]) -> bool {
    timestamp.is_none() && fields.get(1).is_none_or(|value| value.parse::<f64>().is_err())
}

/// Reads either kind of timestamp; `None` when the field is neither.
pub(super) fn parse_timestamp(field: &str) -> Option<Timestamp> {
    // Only fields that look numeric count as seconds, so `inf` or `NaN` headers are not numbers.
    let numeric_start = field
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.'));
    if numeric_start && let Ok(seconds) = field.parse::<f64>() {
        return Some(Timestamp::SecondsSinceStart(seconds));
    }
    if let Ok(instant) = DateTime::parse_from_rfc3339(field) {
        return Some(Timestamp::EpochUs(instant.timestamp_micros()));
    }
    NAIVE_UTC_FORMATS.iter().find_map(|format| {
        let naive = NaiveDateTime::parse_from_str(field, format).ok()?;
        Some(Timestamp::EpochUs(naive.and_utc().timestamp_micros()))
    })
}

/// Rejects a row whose timestamp kind differs from the file's first row.
pub(super) fn check_same_kind(line: usize, timestamp: Timestamp, first: (usize, Timestamp)) -> Result<(), String> {
    let (first_line, first_timestamp) = first;
    match (first_timestamp, timestamp) {
        (Timestamp::SecondsSinceStart(_), Timestamp::EpochUs(_)) => Err(format!(
            "line {line}: absolute timestamp in a file of seconds since start (line {first_line}); use one kind"
        )),
        (Timestamp::EpochUs(_), Timestamp::SecondsSinceStart(_)) => Err(format!(
            "line {line}: seconds since start in a file of absolute timestamps (line {first_line}); use one kind"
        )),
        _ => Ok(()),
    }
}

/// Milliseconds from the simulation start; negative for absolute instants before it.
fn relative_ms(line: usize, text: &str, timestamp: Timestamp, start_epoch_ms: i64) -> Result<i64, String> {
    match timestamp {
        Timestamp::SecondsSinceStart(seconds) if seconds.is_finite() && seconds >= 0.0 => {
            // `as` saturates for absurdly large values, which then fail the increasing check.
            Ok((seconds * 1_000.0).round() as i64)
        }
        Timestamp::SecondsSinceStart(_) => Err(format!(
            "line {line}: seconds since start must be finite and >= 0, found {text}"
        )),
        // Flooring to whole milliseconds, as chrono's `timestamp_millis` does.
        Timestamp::EpochUs(epoch_us) => Ok(epoch_us.div_euclid(1_000).saturating_sub(start_epoch_ms)),
    }
}

/// A demand value: a finite, non-negative number.
fn parse_value(line: usize, text: &str) -> Result<f64, String> {
    let value = text
        .parse::<f64>()
        .map_err(|_| format!("line {line}: value `{text}` is not a number"))?;
    if !value.is_finite() || value < 0.0 {
        return Err(format!("line {line}: value must be finite and >= 0, found {text}"));
    }
    Ok(value)
}

/// Keeps points at or after the start; the latest earlier point moves to t=0 if none is at 0.
fn clip_to_start(rows: &[Row]) -> Vec<(u64, f64)> {
    let first_kept = rows.partition_point(|row| row.relative_ms < 0);
    let mut points = Vec::with_capacity(rows.len() - first_kept + 1);
    let starts_at_zero = rows.get(first_kept).is_some_and(|row| row.relative_ms == 0);
    if first_kept > 0 && !starts_at_zero {
        points.push((0, rows[first_kept - 1].value));
    }
    // Every kept `relative_ms` is >= 0, so `unsigned_abs` is the same number.
    points.extend(
        rows[first_kept..]
            .iter()
            .map(|row| (row.relative_ms.unsigned_abs(), row.value)),
    );
    points
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::DEFAULT_START_EPOCH_MS;

    /// 2026-03-02T00:00:00Z.
    const MARCH_2_MS: i64 = 1_772_409_600_000;

    #[track_caller]
    fn check(text: &str, start_epoch_ms: i64, expected: Result<&[(u64, f64)], &str>) {
        let actual = parse_replay_csv(text, start_epoch_ms);
        let expected = expected.map(<[_]>::to_vec).map_err(str::to_string);
        assert_eq!(actual, expected, "input:\n{text}");
    }

    #[test]
    fn parses_each_timestamp_kind() {
        let m = MARCH_2_MS;
        check("0,1\n60,2\n90.5,3", m, Ok(&[(0, 1.0), (60_000, 2.0), (90_500, 3.0)]));
        check(
            "2026-03-02T00:00:00Z,1\n2026-03-02T09:05:00+09:00,2\n2026-03-02T00:10:00.250Z,3",
            m,
            Ok(&[(0, 1.0), (300_000, 2.0), (600_250, 3.0)]),
        );
        check(
            "2026-03-02 00:01:00,4\n\"2026-03-02 00:02\",\"5\"",
            m,
            Ok(&[(60_000, 4.0), (120_000, 5.0)]),
        );
        check(
            "\u{feff}timestamp,value\r\n# comment\r\n\r\n 0 , 7 \r\n",
            m,
            Ok(&[(0, 7.0)]),
        );
        check("\"Time (UTC)\",\"RequestCount\"\n30,1", m, Ok(&[(30_000, 1.0)]));
    }

    #[test]
    fn points_before_start_collapse_to_the_latest_at_zero() {
        let m = MARCH_2_MS;
        let before = "2026-03-01T23:58:00Z,1\n2026-03-01T23:59:00Z,2\n";
        check(
            &format!("{before}2026-03-02T00:01:00Z,3"),
            m,
            Ok(&[(0, 2.0), (60_000, 3.0)]),
        );
        check(&format!("{before}2026-03-02T00:00:00Z,3"), m, Ok(&[(0, 3.0)]));
        check(before, m, Ok(&[(0, 2.0)]));
        check("2026-01-05T00:00:30Z,9", DEFAULT_START_EPOCH_MS, Ok(&[(30_000, 9.0)]));
    }

    #[test]
    fn error_messages() {
        let m = MARCH_2_MS;
        #[rustfmt::skip]
        let cases: &[(&str, &str)] = &[
            ("2026-03-02T14:06:00Z,1\n\n2026-03-02T14:05:00Z,2",
             "line 3: timestamps must increase (2026-03-02T14:05:00Z is not after 2026-03-02T14:06:00Z)"),
            ("0,1\n0,2", "line 2: timestamps must increase (0 is not after 0)"),
            ("t,v\n0,abc", "line 2: value `abc` is not a number"),
            ("0,1\n2026-13-02T00:00:00Z,2",
             "line 2: `2026-13-02T00:00:00Z` is not a timestamp (expected RFC 3339 like `2026-03-02T14:05:00Z`, `2026-03-02 14:05:00` for UTC, or seconds since start)"),
            ("0,1\n2026-03-02T00:05:00Z,2",
             "line 2: absolute timestamp in a file of seconds since start (line 1); use one kind"),
            ("2026-03-02T00:05:00Z,2\n600,1",
             "line 2: seconds since start in a file of absolute timestamps (line 1); use one kind"),
            ("0,-2", "line 1: value must be finite and >= 0, found -2"),
            ("0,NaN", "line 1: value must be finite and >= 0, found NaN"),
            ("-5,1", "line 1: seconds since start must be finite and >= 0, found -5"),
            ("0,1\n60", "line 2: expected `timestamp,value`, found 1 column"),
            ("0,1,2", "line 1: expected `timestamp,value`, found 3 columns"),
            ("", "no data rows: expected at least one `timestamp,value` row"),
            ("timestamp,value\n# nothing\n", "no data rows: expected at least one `timestamp,value` row"),
        ];
        for (text, message) in cases {
            check(text, m, Err(message));
        }
    }

    #[track_caller]
    fn check_value(interpolation: Interpolation, cases: &[(u64, f64)]) {
        let series = ReplaySeries {
            points: vec![(1_000, 10.0), (3_000, 30.0), (4_000, 0.0)],
            interpolation,
            scale: 2.0,
        };
        for &(t_ms, expected) in cases {
            assert_eq!(series.value_at(t_ms), expected, "{interpolation:?} at {t_ms}");
        }
    }

    #[test]
    fn value_at_interpolates_and_holds_the_ends() {
        #[rustfmt::skip]
        check_value(Interpolation::Linear, &[(0, 20.0), (1_000, 20.0), (2_000, 40.0), (2_500, 50.0), (3_000, 60.0), (3_500, 30.0), (4_000, 0.0), (9_000, 0.0)]);
        #[rustfmt::skip]
        check_value(Interpolation::Step, &[(0, 20.0), (1_000, 20.0), (2_999, 20.0), (3_000, 60.0), (3_999, 60.0), (4_000, 0.0), (9_000, 0.0)]);
        let empty = ReplaySeries {
            points: Vec::new(),
            interpolation: Interpolation::Linear,
            scale: 1.0,
        };
        assert_eq!(empty.value_at(5), 0.0);
    }
}
