//! A replayed predictive-scaling forecast as CSV: a header naming the timestamp column and one
//! or both of the capacity and load forecasts, then one row per hour, e.g. what
//! `aws application-autoscaling get-predictive-scaling-forecast` prints once turned into
//! columns (`Timestamp,CapacityForecast,LoadForecast`).

use std::collections::BTreeMap;

use crate::policy::predictive::HOUR_MS;
use crate::policy::predictive::replay::ReplayPoint;

/// Names the header may give each column (compared case-insensitively).
const TIME_NAMES: &[&str] = &["timestamp", "timestamps", "time", "hour"];
const CAPACITY_NAMES: &[&str] = &["capacityforecast", "capacity_forecast", "capacity"];
const LOAD_NAMES: &[&str] = &["loadforecast", "load_forecast", "load"];

/// A CSV mistake: the 1-based line and column, and what is wrong.
#[derive(Debug, PartialEq)]
pub(super) struct CsvError {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

fn error(line: usize, col: usize, message: String) -> CsvError {
    CsvError { line, col, message }
}

/// The hourly points of a forecast CSV, sorted by hour. Blank lines and lines starting with
/// `#` are skipped; the first other line is the header.
pub(super) fn parse_forecast_csv(text: &str) -> Result<Vec<ReplayPoint>, CsvError> {
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    let Some((header_line, header)) = lines.next() else {
        return Err(error(1, 1, "the forecast CSV is empty".into()));
    };
    let names: Vec<String> = header.split(',').map(|h| h.trim().to_ascii_lowercase()).collect();
    let find = |wanted: &[&str]| names.iter().position(|n| wanted.contains(&n.as_str()));
    let Some(time) = find(TIME_NAMES) else {
        return Err(error(
            header_line,
            1,
            format!("the header `{header}` names no timestamp column"),
        ));
    };
    let (capacity, load) = (find(CAPACITY_NAMES), find(LOAD_NAMES));
    if capacity.is_none() && load.is_none() {
        return Err(error(
            header_line,
            1,
            format!("the header `{header}` names neither CapacityForecast nor LoadForecast"),
        ));
    }
    let mut points: BTreeMap<i64, ReplayPoint> = BTreeMap::new();
    for (line, row) in lines {
        let fields: Vec<&str> = row.split(',').map(str::trim).collect();
        if fields.len() != names.len() {
            return Err(error(
                line,
                1,
                format!("{} columns where the header has {}", fields.len(), names.len()),
            ));
        }
        let col = |index: usize| fields[..index].iter().map(|f| f.len() + 1).sum::<usize>() + 1;
        let hour = parse_hour(fields[time]).map_err(|m| error(line, col(time), m))?;
        let number = |index: Option<usize>| -> Result<Option<f64>, CsvError> {
            let Some(i) = index else { return Ok(None) };
            if fields[i].is_empty() {
                return Ok(None);
            }
            match fields[i].parse::<f64>() {
                Ok(v) if v.is_finite() && v >= 0.0 => Ok(Some(v)),
                _ => Err(error(
                    line,
                    col(i),
                    format!("`{}` is not a number of zero or more", fields[i]),
                )),
            }
        };
        let point = ReplayPoint {
            hour_epoch_ms: hour,
            capacity: number(capacity)?,
            load: number(load)?,
        };
        if points.insert(hour, point).is_some() {
            return Err(error(line, col(time), format!("`{}` appears twice", fields[time])));
        }
    }
    if points.is_empty() {
        return Err(error(
            header_line,
            1,
            "the forecast CSV has a header but no rows".into(),
        ));
    }
    Ok(points.into_values().collect())
}

/// An RFC 3339 timestamp on the hour, as ms since the epoch.
fn parse_hour(text: &str) -> Result<i64, String> {
    match chrono::DateTime::parse_from_rfc3339(text) {
        Ok(t) if t.timestamp_millis().rem_euclid(HOUR_MS) == 0 => Ok(t.timestamp_millis()),
        Ok(_) => Err(format!("`{text}` is not on the hour: forecasts are hourly")),
        Err(_) => Err(format!(
            "`{text}` is not an RFC 3339 timestamp (write it as AWS prints it, e.g. 2026-03-02T08:00:00+00:00)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H8: i64 = 1_772_438_400_000; // 2026-03-02T08:00:00Z

    /// An hour: its start, its capacity and its load.
    type Hour = (i64, Option<f64>, Option<f64>);

    #[track_caller]
    fn check(text: &str, expected: Result<Vec<Hour>, (usize, usize, &str)>) {
        let got = parse_forecast_csv(text)
            .map(|ps| {
                ps.into_iter()
                    .map(|p| (p.hour_epoch_ms, p.capacity, p.load))
                    .collect::<Vec<_>>()
            })
            .map_err(|e| (e.line, e.col, e.message));
        match (got, expected) {
            (Ok(g), Ok(e)) => assert_eq!(g, e),
            (Err((l, c, m)), Err((el, ec, em))) => {
                assert_eq!((l, c), (el, ec), "{m}");
                assert!(m.contains(em), "`{m}` lacks `{em}`");
            }
            (g, e) => panic!("got {g:?}, expected {e:?}"),
        }
    }

    #[test]
    fn forecast_csvs() {
        let h = |n: i64| H8 + n * HOUR_MS;
        check(
            "Timestamp,CapacityForecast,LoadForecast\n2026-03-02T08:00:00+00:00,10,600\n2026-03-02T09:00:00Z,12,720.5\n",
            Ok(vec![(h(0), Some(10.0), Some(600.0)), (h(1), Some(12.0), Some(720.5))]),
        );
        // Rows out of order are sorted; a column may be only capacity; comments and blanks skipped.
        check(
            "# exported\n\ntime,capacity\n2026-03-02T09:00:00Z,4\n2026-03-02T08:00:00Z,3\n",
            Ok(vec![(h(0), Some(3.0), None), (h(1), Some(4.0), None)]),
        );
        // An empty cell is no value for that hour.
        check(
            "timestamp,load,capacity\n2026-03-02T08:00:00Z,,5\n",
            Ok(vec![(h(0), Some(5.0), None)]),
        );
        check("", Err((1, 1, "empty")));
        check("when,capacity\n", Err((1, 1, "no timestamp column")));
        check("timestamp,value\n2026-03-02T08:00:00Z,1\n", Err((1, 1, "neither")));
        check("timestamp,capacity\n", Err((1, 1, "no rows")));
        check(
            "timestamp,capacity\n2026-03-02T08:00:00Z\n",
            Err((2, 1, "1 columns where the header has 2")),
        );
        check(
            "timestamp,capacity\n2026-03-02T08:30:00Z,1\n",
            Err((2, 1, "not on the hour")),
        );
        check("timestamp,capacity\nmonday,1\n", Err((2, 1, "RFC 3339")));
        check(
            "timestamp,capacity\n2026-03-02T08:00:00Z,ten\n",
            Err((2, 22, "`ten` is not a number")),
        );
        check(
            "timestamp,capacity\n2026-03-02T08:00:00Z,-1\n",
            Err((2, 22, "zero or more")),
        );
        check(
            "timestamp,capacity\n2026-03-02T08:00:00Z,1\n2026-03-02T08:00:00Z,2\n",
            Err((3, 1, "appears twice")),
        );
    }
}
