//! The cells `alarms.csv` adds to an evaluation to make it a CloudWatch alarm history item: the
//! datapoints evaluated (`value@time_s;...`) and the state reason, worded as CloudWatch words it
//! (`Threshold Crossed: 3 out of the last 3 datapoints [72.1 (03/12/26 10:04:00), ...] were
//! greater than the threshold (60) (minimum 3 datapoints for OK -> ALARM transition).`).

use chrono::{DateTime, Datelike, Timelike};

use super::AlarmRow;
use super::format::{RowWriter, number};
use crate::metrics::AlarmDatapoint;

/// Writes the evaluated datapoints of a change of state, oldest first, `;`-separated, each
/// `VALUE@TIME_S` (the value empty for a missing period; the time the start of the datapoint's
/// period). Empty when the state held: every evaluation's newest datapoint is its `value`, and
/// repeating the window on each row would make `--alarm-evaluations` twice as large.
pub fn write_datapoints(row: &AlarmRow<'_>, w: &mut RowWriter) {
    if !row.changed_state() {
        return;
    }
    for (i, d) in row.datapoints.iter().enumerate() {
        if i > 0 {
            w.plain(";");
        }
        if let Some(v) = d.value {
            w.number(v);
        }
        w.plain("@");
        w.seconds(d.time_ms);
    }
}

/// The state reason of a change of state, as CloudWatch words it; empty when the state held.
pub fn reason(row: &AlarmRow<'_>, start_epoch_ms: i64) -> String {
    if !row.changed_state() {
        return String::new();
    }
    let n = row.evaluation_periods as usize;
    let real = row.datapoints.iter().filter(|d| d.value.is_some()).count();
    let missing = n.saturating_sub(real);
    let breaching = |d: &&AlarmDatapoint| d.value.is_some_and(|v| row.comparison.breaches(v, row.threshold));
    match row.state {
        "ALARM" => {
            let listed: Vec<&AlarmDatapoint> = row.datapoints.iter().filter(breaching).collect();
            let m = row.datapoints_to_alarm as usize;
            let filled = (listed.len() < m).then_some((missing, "breaching"));
            crossed(row, &listed, "", filled, m, start_epoch_ms)
        }
        "OK" => {
            let listed: Vec<&AlarmDatapoint> = row
                .datapoints
                .iter()
                .filter(|d| d.value.is_some() && !breaching(d))
                .collect();
            let minimum = n + 1 - (row.datapoints_to_alarm as usize).min(n);
            let filled = (listed.len() < minimum).then_some((missing, "not breaching"));
            crossed(row, &listed, "not ", filled, minimum, start_epoch_ms)
        }
        _ => format!("Insufficient Data: {missing} {} unknown.", datapoints_were(missing)),
    }
}

/// `Threshold Crossed: B out of the last N datapoints [v (time), ...] were [not ]greater than the
/// threshold (T)[ and K missing datapoints were treated as breaching] (minimum M datapoints for
/// OLD -> NEW transition).`, the listed datapoints newest first.
fn crossed(
    row: &AlarmRow<'_>,
    listed: &[&AlarmDatapoint],
    not: &str,
    filled: Option<(usize, &str)>,
    minimum: usize,
    start_epoch_ms: i64,
) -> String {
    let points: Vec<String> = listed
        .iter()
        .rev()
        .map(|d| {
            format!(
                "{} ({})",
                number(d.value.unwrap_or(f64::NAN)),
                wall_clock(start_epoch_ms, d.time_ms)
            )
        })
        .collect();
    let verb = if listed.len() == 1 { "was" } else { "were" };
    let mut text = format!(
        "Threshold Crossed: {} out of the last {} datapoints [{}] {verb} {not}{} the threshold ({})",
        listed.len(),
        row.evaluation_periods,
        points.join(", "),
        row.comparison.words(),
        number(row.threshold)
    );
    if let Some((k, treated)) = filled.filter(|(k, _)| *k > 0) {
        text.push_str(&format!(" and {k} missing {} treated as {treated}", datapoints_were(k)));
    }
    let plural = if minimum == 1 { "" } else { "s" };
    text.push_str(&format!(
        " (minimum {minimum} datapoint{plural} for {} -> {} transition).",
        row.previous_state, row.state
    ));
    text
}

/// `1 datapoint was`, `3 datapoints were`, without the number.
fn datapoints_were(count: usize) -> &'static str {
    if count == 1 { "datapoint was" } else { "datapoints were" }
}

/// CloudWatch's time in a reason: `dd/mm/yy HH:MM:SS`, UTC.
fn wall_clock(start_epoch_ms: i64, time_ms: u64) -> String {
    let ms = start_epoch_ms.saturating_add(time_ms as i64);
    let Some(t) = DateTime::from_timestamp_millis(ms) else {
        return String::new();
    };
    // Field by field: a strftime pattern is parsed again on every call, and reasons list many.
    let mut text = String::with_capacity(17);
    let two = |text: &mut String, n: u32, after: char| {
        text.push(char::from(b'0' + (n / 10 % 10) as u8));
        text.push(char::from(b'0' + (n % 10) as u8));
        text.push(after);
    };
    two(&mut text, t.day(), '/');
    two(&mut text, t.month(), '/');
    two(&mut text, t.year().rem_euclid(100) as u32, ' ');
    two(&mut text, t.hour(), ':');
    two(&mut text, t.minute(), ':');
    two(&mut text, t.second(), ' ');
    text.pop();
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::Comparison;

    /// 2026-12-03T10:00:00Z.
    const START: i64 = 1_796_292_000_000;

    fn point(minute: u64, value: Option<f64>) -> AlarmDatapoint {
        AlarmDatapoint {
            time_ms: minute * 60_000,
            value,
        }
    }

    fn row<'a>(previous: &'a str, state: &'a str, datapoints: &'a [AlarmDatapoint], m: u32) -> AlarmRow<'a> {
        AlarmRow {
            time_ms: 600_000,
            alarm: "high",
            service: "web",
            metric: "CPUUtilization",
            value: datapoints.last().and_then(|d| d.value),
            threshold: 60.0,
            comparison: Comparison::GreaterThan,
            state,
            previous_state: previous,
            datapoints,
            datapoints_to_alarm: m,
            evaluation_periods: 3,
            tracking: None,
        }
    }

    #[test]
    fn a_crossing_lists_the_breaching_datapoints_newest_first() {
        let points = [point(2, Some(75.0)), point(3, Some(70.25)), point(4, Some(72.1))];
        assert_eq!(
            reason(&row("OK", "ALARM", &points, 3), START),
            "Threshold Crossed: 3 out of the last 3 datapoints [72.1 (03/12/26 10:04:00), \
             70.25 (03/12/26 10:03:00), 75 (03/12/26 10:02:00)] were greater than the threshold (60) \
             (minimum 3 datapoints for OK -> ALARM transition)."
        );
        let mut w = RowWriter::new(START);
        write_datapoints(&row("OK", "ALARM", &points, 3), &mut w);
        assert_eq!(w.as_bytes(), b"75@120;70.25@180;72.1@240");
    }

    #[test]
    fn back_to_ok_lists_the_datapoints_that_do_not_breach() {
        let points = [point(2, Some(75.0)), point(3, Some(70.0)), point(4, Some(41.5))];
        assert_eq!(
            reason(&row("ALARM", "OK", &points, 3), START),
            "Threshold Crossed: 1 out of the last 3 datapoints [41.5 (03/12/26 10:04:00)] was not \
             greater than the threshold (60) (minimum 1 datapoint for ALARM -> OK transition)."
        );
    }

    #[test]
    fn missing_datapoints_are_named_and_written_without_a_value() {
        let points = [point(2, None), point(3, Some(75.0)), point(4, None)];
        assert_eq!(
            reason(&row("OK", "ALARM", &points, 2), START),
            "Threshold Crossed: 1 out of the last 3 datapoints [75 (03/12/26 10:03:00)] was greater \
             than the threshold (60) and 2 missing datapoints were treated as breaching (minimum 2 \
             datapoints for OK -> ALARM transition)."
        );
        let unknown = [point(2, None), point(3, None), point(4, None)];
        assert_eq!(
            reason(&row("OK", "INSUFFICIENT_DATA", &unknown, 3), START),
            "Insufficient Data: 3 datapoints were unknown."
        );
        let mut w = RowWriter::new(START);
        write_datapoints(&row("OK", "ALARM", &points, 2), &mut w);
        assert_eq!(w.as_bytes(), b"@120;75@180;@240");
    }

    #[test]
    fn an_evaluation_that_keeps_the_state_has_no_reason_and_no_datapoints() {
        let points = [point(2, Some(75.0)), point(3, Some(70.0)), point(4, Some(72.0))];
        assert_eq!(reason(&row("ALARM", "ALARM", &points, 3), START), "");
        let mut w = RowWriter::new(START);
        write_datapoints(&row("ALARM", "ALARM", &points, 3), &mut w);
        assert_eq!(w.as_bytes(), b"");
    }
}
