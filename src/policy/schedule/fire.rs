//! When a `ScheduleSpec` fires next: StartTime, EndTime, the rate anchor, and local time to UTC across daylight saving.

use super::{CronSchedule, Schedule, ScheduleSpec};
use chrono::{DateTime, NaiveDateTime, TimeDelta, TimeZone, Timelike};
use chrono_tz::Tz;

/// The longest daylight-saving or calendar gap searched across (Samoa skipped a whole day in 2011).
const MAX_GAP_MINUTES: i64 = 48 * 60;

impl ScheduleSpec {
    /// The first fire time strictly after `after_ms` (UTC epoch ms), or None if it never fires again.
    ///
    /// `origin_ms` anchors a `rate` schedule without StartTime. To include a firing at exactly
    /// `origin_ms`, ask for the one after `origin_ms - 1`.
    pub fn next_after(&self, after_ms: i64, origin_ms: i64) -> Option<i64> {
        // Searching after `StartTime - 1` makes StartTime itself the earliest eligible instant.
        let after_ms = match self.start_ms {
            Some(start_ms) => after_ms.max(start_ms.saturating_sub(1)),
            None => after_ms,
        };
        let next_ms = match &self.schedule {
            Schedule::At(local) => resolve_local(*local, self.timezone).filter(|fire_ms| *fire_ms > after_ms),
            Schedule::Rate { every_ms } => next_rate(self.start_ms.unwrap_or(origin_ms), *every_ms, after_ms),
            Schedule::Cron(cron) => next_cron(cron, self.timezone, after_ms),
        }?;
        match self.end_ms {
            Some(end_ms) if next_ms > end_ms => None,
            _ => Some(next_ms),
        }
    }
}

/// The first of `anchor_ms + k * every_ms` (k >= 0) strictly after `after_ms`.
fn next_rate(anchor_ms: i64, every_ms: u64, after_ms: i64) -> Option<i64> {
    let every_ms = i64::try_from(every_ms).ok().filter(|every_ms| *every_ms > 0);
    let every_ms = every_ms.expect("Schedule::Rate needs 0 < every_ms <= i64::MAX; parse_schedule ensures it");
    if after_ms < anchor_ms {
        return Some(anchor_ms);
    }
    let periods = (after_ms - anchor_ms) / every_ms + 1;
    anchor_ms.checked_add(periods.checked_mul(every_ms)?)
}

/// Walks the cron's local minutes forward until one maps to an instant after `after_ms`.
///
/// Mapping local minutes to instants (earliest of an overlap, gap end for a gap) never goes
/// backwards, so every local minute up to the wall clock at `after_ms` maps to `after_ms` or
/// earlier and the walk can start there. Only in the second pass of a fall-back overlap does the
/// loop turn more than once: it skips the repeated minutes, which already fired on the first pass.
fn next_cron(cron: &CronSchedule, timezone: Tz, after_ms: i64) -> Option<i64> {
    let after = DateTime::from_timestamp_millis(after_ms)?
        .with_timezone(&timezone)
        .naive_local();
    let mut local = after.with_second(0)?.with_nanosecond(0)?;
    loop {
        local = cron.next_local_after(local)?;
        let fire_ms = resolve_local(local, timezone)?;
        if fire_ms > after_ms {
            return Some(fire_ms);
        }
    }
}

/// The instant a local wall-clock time fires at: its only or first occurrence, or the end of the gap it falls in.
fn resolve_local(local: NaiveDateTime, timezone: Tz) -> Option<i64> {
    if let Some(fire) = timezone.from_local_datetime(&local).earliest() {
        return Some(fire.timestamp_millis());
    }
    let after_gap = (1..=MAX_GAP_MINUTES).find_map(|minutes| {
        let later = local.checked_add_signed(TimeDelta::minutes(minutes))?;
        timezone.from_local_datetime(&later).earliest()
    });
    let after_gap = after_gap.expect("no time zone has a gap longer than two days");
    Some(after_gap.timestamp_millis())
}

#[cfg(test)]
mod tests {
    use super::super::tests::{check, check_runs, ms, spec};

    #[test]
    fn rate_enumeration_case_18() {
        // Case 18: rate(5 hours) from StartTime 2021-01-30T12:00Z until EndTime 2021-01-31T22:00Z: 7 runs.
        let case_18 = spec("rate(5 hours)", "UTC", "2021-01-30T12:00Z", "2021-01-31T22:00Z");
        let runs = [
            "2021-01-30T12:00Z",
            "2021-01-30T17:00Z",
            "2021-01-30T22:00Z",
            "2021-01-31T03:00Z",
        ];
        let runs_31st = ["2021-01-31T08:00Z", "2021-01-31T13:00Z", "2021-01-31T18:00Z"];
        check_runs(case_18, "2021-01-30T00:00Z", &[&runs[..], &runs_31st[..]].concat());
        // Without StartTime the simulation start anchors the rate; the time zone plays no part.
        let unanchored = spec("rate(90 minutes)", "Asia/Kolkata", "-", "2021-01-30T03:00Z");
        check_runs(
            unanchored,
            "2021-01-30T00:00Z",
            &["2021-01-30T00:00Z", "2021-01-30T01:30Z", "2021-01-30T03:00Z"],
        );
        // A StartTime before the simulation start keeps its phase.
        let early_start = spec("rate(1 hour)", "UTC", "2021-01-29T23:20Z", "2021-01-30T02:00Z");
        check_runs(
            early_start,
            "2021-01-30T00:00Z",
            &["2021-01-30T00:20Z", "2021-01-30T01:20Z"],
        );
    }

    #[test]
    fn at_start_and_end() {
        // `at` is local time: 08:00 in Seoul (UTC+9) is 23:00Z the day before, once.
        check_runs(
            spec("at(2026-03-02T08:00:00)", "Asia/Seoul", "-", "-"),
            "2026-01-01T00:00Z",
            &["2026-03-01T23:00Z"],
        );
        check("at(2026-03-02T08:00:00) | Asia/Seoul | 2026-03-01T23:00Z | none");
        // An `at` inside a spring-forward gap fires when the gap ends.
        check("at(2026-03-08T02:15:00) | America/New_York | 2026-01-01T00:00Z | 2026-03-08T07:00Z");
        // StartTime and EndTime are inclusive bounds for `at` and `cron` alike.
        let window = spec(
            "at(2026-03-02T08:00:00)",
            "UTC",
            "2026-03-02T08:00Z",
            "2026-03-02T08:00Z",
        );
        check_runs(window, "2026-01-01T00:00Z", &["2026-03-02T08:00Z"]);
        check_runs(
            spec("at(2026-03-02T08:00:00)", "UTC", "2026-03-02T08:01Z", "-"),
            "2026-01-01T00:00Z",
            &[],
        );
        let cron = spec("cron(0 10 * * ? *)", "UTC", "2026-03-02T10:00Z", "2026-03-04T10:00Z");
        check_runs(
            cron,
            "2026-01-01T00:00Z",
            &["2026-03-02T10:00Z", "2026-03-03T10:00Z", "2026-03-04T10:00Z"],
        );
    }

    #[test]
    fn daylight_saving_transitions() {
        // New York springs forward on 2026-03-08 at 02:00 EST (07:00Z) to 03:00 EDT: 02:30 does not exist.
        check("cron(30 2 * * ? *) | America/New_York | 2026-03-07T00:00Z | 2026-03-07T07:30Z");
        check("cron(30 2 * * ? *) | America/New_York | 2026-03-07T07:30Z | 2026-03-08T07:00Z");
        check("cron(30 2 * * ? *) | America/New_York | 2026-03-08T07:00Z | 2026-03-09T06:30Z");
        check("cron(30 1 * * ? *) | America/New_York | 2026-03-07T07:00Z | 2026-03-08T06:30Z");
        check("cron(30 1 * * ? *) | America/New_York | 2026-03-08T06:30Z | 2026-03-09T05:30Z");
        // ... and falls back on 2026-11-01 at 02:00 EDT (06:00Z) to 01:00 EST: 01:30 happens twice, fires once.
        check("cron(30 1 * * ? *) | America/New_York | 2026-10-31T06:00Z | 2026-11-01T05:30Z");
        check("cron(30 1 * * ? *) | America/New_York | 2026-11-01T05:30Z | 2026-11-02T06:30Z");
        check("cron(30 1 * * ? *) | America/New_York | 2026-11-01T06:10Z | 2026-11-02T06:30Z");
        check("cron(30 2 * * ? *) | America/New_York | 2026-10-31T07:00Z | 2026-11-01T07:30Z");
        // Quarter-hourly: the gap's four times collapse onto 03:00 EDT; the repeated hour fires once.
        check("cron(0/15 * * * ? *) | America/New_York | 2026-03-08T06:45Z | 2026-03-08T07:00Z");
        check("cron(0/15 * * * ? *) | America/New_York | 2026-03-08T07:00Z | 2026-03-08T07:15Z");
        check("cron(0/15 * * * ? *) | America/New_York | 2026-11-01T05:45Z | 2026-11-01T07:00Z");
        check("cron(0/15 * * * ? *) | America/New_York | 2026-11-01T06:20Z | 2026-11-01T07:00Z");
        // Berlin springs forward on 2026-03-29 at 02:00 CET (01:00Z), falls back on 2026-10-25 at 03:00 CEST (01:00Z).
        check("cron(30 2 * * ? *) | Europe/Berlin | 2026-03-28T02:00Z | 2026-03-29T01:00Z");
        check("cron(30 2 * * ? *) | Europe/Berlin | 2026-03-29T01:00Z | 2026-03-30T00:30Z");
        check("cron(30 1 * * ? *) | Europe/Berlin | 2026-03-28T02:00Z | 2026-03-29T00:30Z");
        check("cron(30 2 * * ? *) | Europe/Berlin | 2026-10-24T02:00Z | 2026-10-25T00:30Z");
        check("cron(30 2 * * ? *) | Europe/Berlin | 2026-10-25T00:30Z | 2026-10-26T01:30Z");
        check("cron(30 1 * * ? *) | Europe/Berlin | 2026-10-24T02:00Z | 2026-10-24T23:30Z");
        check("cron(30 1 * * ? *) | Europe/Berlin | 2026-10-24T23:30Z | 2026-10-26T00:30Z");
    }

    /// A cron firing every minute for a year takes one cheap `next_after` per firing.
    #[test]
    fn every_minute_for_a_year() {
        // The local year 2026 in New York: 2026-01-01T05:00Z to 2027-01-01T05:00Z (exclusive).
        let spec = spec("cron(* * * * ? *)", "America/New_York", "-", "2027-01-01T04:59Z");
        let (mut after_ms, mut count) = (ms("2026-01-01T05:00Z") - 1, 0);
        while let Some(next_ms) = spec.next_after(after_ms, 0) {
            let step_ms = next_ms - after_ms;
            // Only the repeated hour of the fall back leaves a longer pause: 01:59 EDT, then 02:00 EST.
            assert!(step_ms <= 60_000 || (next_ms, step_ms) == (ms("2026-11-01T07:00Z"), 3_660_000));
            (after_ms, count) = (next_ms, count + 1);
        }
        // 365 days of local minutes, less the 60 that the spring-forward gap folds onto 03:00 EDT.
        assert_eq!(count, 365 * 24 * 60 - 60);
    }
}
