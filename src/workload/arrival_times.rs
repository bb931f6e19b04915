//! Replayed request arrivals (issue 14, exact mode): a file of one timestamp per line, such as
//! the `request_creation_time` field of ALB access logs, read into arrival times from the start
//! of the run, and the per-second demand series those arrivals make.
//!
//! Timestamps are the kinds `replay` reads (RFC 3339 with fractions of a second, zone-less
//! date-times as UTC, or seconds since the start), one kind per file. Rows may come in any
//! order (access logs are written when responses leave, so they are not in order of arrival):
//! they are sorted. Arrivals before the start are dropped; so are those at or after the end of
//! the run, which never come. Memory is bounded by the size of the file the scenario reader
//! accepts (8 bytes per arrival kept).

use super::replay::{Timestamp, check_same_kind, data_lines, parse_timestamp};

/// Most arrivals one file may hold (8 MiB of times), far above what 64 MiB of text can hold
/// with timestamps of 8 characters or more.
pub const MAX_REPLAYED_ARRIVALS: usize = 8 << 20;

/// Parses the arrival file's text: the arrival times in ms since the run's start (fractions
/// kept), sorted, those in `[0, duration_ms)` only. A header row, blank lines and `#`
/// comments are skipped; a field may be quoted. Errors start with `line N:`.
pub fn parse_arrival_times(text: &str, start_epoch_ms: i64, duration_ms: u64) -> Result<Vec<f64>, String> {
    let mut times = Vec::new();
    let mut first_kind: Option<(usize, Timestamp)> = None;
    let mut header_allowed = true;
    for (line, fields) in data_lines(text) {
        let timestamp = parse_timestamp(fields[0]);
        if std::mem::take(&mut header_allowed) && timestamp.is_none() && fields.len() == 1 {
            continue;
        }
        if fields.len() != 1 {
            return Err(format!(
                "line {line}: expected one timestamp per line, found {} columns",
                fields.len()
            ));
        }
        let text = fields[0];
        let timestamp = timestamp.ok_or_else(|| {
            format!(
                "line {line}: `{text}` is not a timestamp (expected RFC 3339 like \
                 `2026-03-02T14:05:00.123456Z`, `2026-03-02 14:05:00` for UTC, or seconds since start)"
            )
        })?;
        check_same_kind(line, timestamp, *first_kind.get_or_insert((line, timestamp)))?;
        let at_ms = match timestamp {
            Timestamp::SecondsSinceStart(s) if s.is_finite() && s >= 0.0 => s * 1_000.0,
            Timestamp::SecondsSinceStart(_) => {
                return Err(format!(
                    "line {line}: seconds since start must be finite and >= 0, found {text}"
                ));
            }
            // Whole ms and the microseconds apart, so the difference is exact before the division.
            Timestamp::EpochUs(us) => {
                let whole_ms = us.div_euclid(1_000).saturating_sub(start_epoch_ms);
                whole_ms as f64 + us.rem_euclid(1_000) as f64 / 1_000.0
            }
        };
        if (0.0..duration_ms as f64).contains(&at_ms) {
            if times.len() >= MAX_REPLAYED_ARRIVALS {
                return Err(format!(
                    "line {line}: more than {MAX_REPLAYED_ARRIVALS} arrivals within the run; \
                     shorten the file or the run"
                ));
            }
            times.push(at_ms);
        }
    }
    if first_kind.is_none() {
        return Err("no arrivals: expected one timestamp per line".to_string());
    }
    if times.is_empty() {
        return Err(format!(
            "none of the arrivals falls within the run (the first {duration_ms} ms from its start)"
        ));
    }
    times.sort_by(f64::total_cmp);
    Ok(times)
}

/// The demand the arrivals make, to be read as steps: `(t_ms, requests per second)` points, one
/// per step of `step_ms` from 0 to the last step with an arrival and a 0 after it. So the mean
/// demand over whole steps is their arrivals over their length.
pub fn demand_of_arrivals(times_ms: &[f64], step_ms: u64) -> Vec<(u64, f64)> {
    let step_ms = step_ms.max(1);
    let per_arrival = 1_000.0 / step_ms as f64;
    let mut points: Vec<(u64, f64)> = Vec::new();
    for &t in times_ms {
        let step = (t / step_ms as f64) as u64 * step_ms;
        match points.last_mut() {
            Some((at, count)) if *at == step => *count += 1.0,
            last => {
                // Steps without arrivals between two with them have no demand.
                if let Some(&mut (at, _)) = last
                    && at + step_ms < step
                {
                    points.push((at + step_ms, 0.0));
                }
                points.push((step, 1.0));
            }
        }
    }
    if let Some(&(at, _)) = points.last() {
        points.push((at + step_ms, 0.0));
    }
    if points.first().is_some_and(|&(at, _)| at > 0) {
        points.insert(0, (0, 0.0));
    }
    for (_, value) in &mut points {
        *value *= per_arrival;
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-03-02T00:00:00Z.
    const MARCH_2_MS: i64 = 1_772_409_600_000;

    #[track_caller]
    fn check(text: &str, expected: Result<&[f64], &str>) {
        let actual = parse_arrival_times(text, MARCH_2_MS, 3_600_000);
        let expected = expected.map(<[_]>::to_vec).map_err(str::to_string);
        assert_eq!(actual, expected, "input:\n{text}");
    }

    #[test]
    fn reads_each_kind_sorts_and_keeps_fractions_of_a_millisecond() {
        check("0.5\n0.25\n1.0005", Ok(&[250.0, 500.0, 1_000.5]));
        check(
            "request_creation_time\n2026-03-02T00:00:01.000250Z\n\"2026-03-02T00:00:00.5Z\"\n# note\n\n2026-03-02 00:00:02",
            Ok(&[500.0, 1_000.25, 2_000.0]),
        );
        check("2026-03-02T09:00:03+09:00", Ok(&[3_000.0]));
    }

    #[test]
    fn arrivals_outside_the_run_are_dropped() {
        check(
            "2026-03-01T23:59:59.9Z\n2026-03-02T00:00:00Z\n2026-03-02T00:59:59.999Z\n2026-03-02T01:00:00Z",
            Ok(&[0.0, 3_599_999.0]),
        );
        check("3600\n3599.5", Ok(&[3_599_500.0]));
    }

    #[test]
    fn bad_rows_say_their_line() {
        check(
            "1\n2\nsoon",
            Err(
                "line 3: `soon` is not a timestamp (expected RFC 3339 like `2026-03-02T14:05:00.123456Z`, `2026-03-02 14:05:00` for UTC, or seconds since start)",
            ),
        );
        check(
            "time\n1,200",
            Err("line 2: expected one timestamp per line, found 2 columns"),
        );
        check(
            "1\n2026-03-02T00:00:00Z",
            Err("line 2: absolute timestamp in a file of seconds since start (line 1); use one kind"),
        );
        check(
            "-1",
            Err("line 1: seconds since start must be finite and >= 0, found -1"),
        );
        check("time\n# nothing\n", Err("no arrivals: expected one timestamp per line"));
    }

    #[test]
    fn a_file_wholly_outside_the_run_is_refused() {
        check(
            "2026-03-01T12:00:00Z",
            Err("none of the arrivals falls within the run (the first 3600000 ms from its start)"),
        );
    }

    #[test]
    fn demand_is_arrivals_per_step_as_steps() {
        let times = [1_200.0, 1_900.0, 2_000.0, 4_500.0];
        assert_eq!(
            demand_of_arrivals(&times, 1_000),
            [
                (0, 0.0),
                (1_000, 2.0),
                (2_000, 1.0),
                (3_000, 0.0),
                (4_000, 1.0),
                (5_000, 0.0)
            ]
        );
        // Per 2-second steps: 2 arrivals in [0, 2 s), 1 in [2 s, 4 s), 1 in [4 s, 6 s).
        assert_eq!(
            demand_of_arrivals(&times, 2_000),
            [(0, 1.0), (2_000, 0.5), (4_000, 0.5), (6_000, 0.0)]
        );
        assert_eq!(demand_of_arrivals(&[0.0], 60_000), [(0, 1.0 / 60.0), (60_000, 0.0)]);
        assert!(demand_of_arrivals(&[], 1_000).is_empty());
    }
}
