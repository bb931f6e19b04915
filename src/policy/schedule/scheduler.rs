//! The same expressions read as EventBridge Scheduler reads them (CreateSchedule), where it
//! differs from Application Auto Scaling's scheduled actions.
//!
//! One parser and one calendar serve both services (`parse_schedule`, `CronSchedule`,
//! `ScheduleSpec::next_after`), so an expression means the same minutes to both. EventBridge
//! Scheduler differs in three documented ways (docs/aws-behaviour.md, "EventBridge Scheduler"):
//!
//! * **Daylight saving gaps.** A cron time that a spring-forward gap skips is *skipped*
//!   ("your schedule invocation gets skipped if the cron expression falls on a non-existent date
//!   and time"); a scheduled action fires at the end of the gap instead. A fall-back overlap
//!   fires once in both.
//! * **One-time schedules ignore StartDate and EndDate** ("EventBridge Scheduler ignores
//!   StartDate/EndDate for one-time schedules"); a scheduled action's `at` honours them.
//! * **Flexible time windows**: with `Mode: FLEXIBLE` each invocation happens at some instant in
//!   the `MaximumWindowInMinutes` after the scheduled time; [`flexible_offset_ms`] draws it.

use super::{Schedule, ScheduleSpec};
use chrono::{DateTime, TimeDelta, TimeZone, Timelike};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// A schedule expression with EventBridge Scheduler's reading of StartDate, EndDate and
/// daylight-saving gaps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchedulerExpression {
    /// The expression with its `ScheduleExpressionTimezone`, `StartDate` and `EndDate`.
    pub spec: ScheduleSpec,
}

impl SchedulerExpression {
    /// The expression as Scheduler reads it: StartDate and EndDate are dropped for `at(...)`.
    pub fn new(mut spec: ScheduleSpec) -> Self {
        if matches!(spec.schedule, Schedule::At(_)) {
            spec.start_ms = None;
            spec.end_ms = None;
        }
        SchedulerExpression { spec }
    }

    /// The first invocation strictly after `after_ms` (UTC epoch ms), or None if there is none.
    ///
    /// `origin_ms` anchors a `rate` without StartDate (the moment the schedule is created: the
    /// simulation start). A cron time inside a spring-forward gap is skipped.
    pub fn next_after(&self, after_ms: i64, origin_ms: i64) -> Option<i64> {
        let Schedule::Cron(cron) = &self.spec.schedule else {
            return self.spec.next_after(after_ms, origin_ms);
        };
        let mut after_ms = after_ms;
        loop {
            let fire_ms = self.spec.next_after(after_ms, origin_ms)?;
            // The scheduled-action reading moves a gap time to the gap's end; Scheduler skips it,
            // unless the gap's end is itself one of the cron's minutes.
            let local = DateTime::from_timestamp_millis(fire_ms)?
                .with_timezone(&self.spec.timezone)
                .naive_local();
            let minute_before = local.checked_sub_signed(TimeDelta::minutes(1))?;
            if cron.next_local_after(minute_before) == Some(local.with_second(0)?) {
                return Some(fire_ms);
            }
            after_ms = fire_ms;
        }
    }

    /// Whether an `at(...)` names a local time that a daylight-saving gap skips (so it would never
    /// run); always false for `rate` and `cron`.
    pub fn at_falls_in_gap(&self) -> bool {
        match &self.spec.schedule {
            Schedule::At(local) => self.spec.timezone.from_local_datetime(local).earliest().is_none(),
            _ => false,
        }
    }
}

/// The delay of one invocation within a flexible time window of `window_minutes`: uniform over
/// the whole milliseconds `[0, window_minutes * 60 s)`, one draw from `rng` per invocation.
///
/// `window_minutes` of 0 (`Mode: OFF`) draws nothing and returns 0, so a schedule without a
/// window never consumes its stream.
pub fn flexible_offset_ms(window_minutes: u32, rng: &mut ChaCha8Rng) -> u64 {
    let window_ms = u64::from(window_minutes) * 60_000;
    if window_ms == 0 {
        return 0;
    }
    // A modulo of a 64-bit draw: its bias is below 2^-37 for any window up to 1,440 minutes,
    // and it does not depend on how a crate version maps draws to ranges.
    rng.next_u64() % window_ms
}

#[cfg(test)]
mod tests {
    use super::super::tests::{ms, spec};
    use super::*;
    use rand::SeedableRng;
    use std::collections::BTreeSet;

    /// Every invocation of `expression` from `from` (inclusive) to `to`, as Scheduler and as a
    /// scheduled action, UTC epoch ms.
    fn both_ways(expression: &str, timezone: &str, from: &str, to: &str) -> (Vec<i64>, Vec<i64>) {
        let schedule_spec = spec(expression, timezone, "-", "-");
        let scheduler = SchedulerExpression::new(schedule_spec.clone());
        let (from_ms, to_ms) = (ms(from), ms(to));
        let collect = |next: &dyn Fn(i64) -> Option<i64>| {
            let mut out = Vec::new();
            let mut after_ms = from_ms - 1;
            while let Some(fire_ms) = next(after_ms).filter(|t| *t <= to_ms) {
                out.push(fire_ms);
                after_ms = fire_ms;
            }
            out
        };
        (
            collect(&|after| scheduler.next_after(after, from_ms)),
            collect(&|after| schedule_spec.next_after(after, from_ms)),
        )
    }

    /// The two readings agree on every expression and time zone, except that Scheduler skips
    /// the cron times a spring-forward gap removes.
    #[test]
    fn scheduler_and_scheduled_scaling_agree_except_in_gaps() {
        let expressions = [
            "cron(0 2 * * ? *)",
            "cron(30 2 * * ? *)",
            "cron(0/15 * * * ? *)",
            "cron(0 8 ? * MON-FRI *)",
            "cron(0 10 L * ? *)",
            "cron(15 3 ? * 1#2 *)",
            "rate(5 minutes)",
            "rate(1 day)",
            "rate(7 hours)",
            "at(2026-07-01T12:00:00)",
        ];
        let zones = [
            "UTC",
            "Asia/Seoul",
            "America/New_York",
            "Europe/Berlin",
            "Australia/Lord_Howe",
        ];
        for expression in expressions {
            for zone in zones {
                let (scheduler, scaling) = both_ways(expression, zone, "2026-01-01T00:00Z", "2027-01-01T00:00Z");
                let tz: chrono_tz::Tz = zone.parse().expect("zone");
                // What the scaling reading fires that Scheduler does not: only moved gap times.
                let (scheduler_set, scaling_set): (BTreeSet<i64>, BTreeSet<i64>) =
                    (scheduler.iter().copied().collect(), scaling.iter().copied().collect());
                let extra: Vec<i64> = scaling_set.difference(&scheduler_set).copied().collect();
                assert!(scheduler_set.is_subset(&scaling_set), "{expression} in {zone}");
                for t in &extra {
                    let local = DateTime::from_timestamp_millis(*t)
                        .expect("in range")
                        .with_timezone(&tz);
                    let Schedule::Cron(cron) = &spec(expression, zone, "-", "-").schedule else {
                        panic!("{expression} in {zone}: only cron differs, yet {t} differs");
                    };
                    let before = local.naive_local() - TimeDelta::minutes(1);
                    assert_ne!(
                        cron.next_local_after(before),
                        Some(local.naive_local()),
                        "{expression} {zone} {t}"
                    );
                }
                if zone == "UTC" || zone == "Asia/Seoul" || !expression.starts_with("cron") {
                    assert_eq!(scheduler, scaling, "{expression} in {zone}: no gap, same invocations");
                }
            }
        }
    }

    #[test]
    fn a_cron_time_in_a_spring_forward_gap_is_skipped() {
        // New York springs forward on 2026-03-08 at 02:00 EST (07:00Z): 02:30 does not exist that day.
        let (scheduler, scaling) = both_ways(
            "cron(30 2 * * ? *)",
            "America/New_York",
            "2026-03-07T00:00Z",
            "2026-03-09T23:00Z",
        );
        assert_eq!(
            scaling,
            [
                ms("2026-03-07T07:30Z"),
                ms("2026-03-08T07:00Z"),
                ms("2026-03-09T06:30Z")
            ]
        );
        assert_eq!(scheduler, [ms("2026-03-07T07:30Z"), ms("2026-03-09T06:30Z")]);
        // Quarter-hourly: 02:00-02:45 are skipped, 03:00 EDT (07:00Z) is a real cron minute and runs.
        let (scheduler, _) = both_ways(
            "cron(0/15 * * * ? *)",
            "America/New_York",
            "2026-03-08T06:45Z",
            "2026-03-08T07:15Z",
        );
        assert_eq!(
            scheduler,
            [
                ms("2026-03-08T06:45Z"),
                ms("2026-03-08T07:00Z"),
                ms("2026-03-08T07:15Z")
            ]
        );
        // Fall back: 01:30 happens twice on 2026-11-01 and runs once (05:30Z), as in scaling.
        let (scheduler, scaling) = both_ways(
            "cron(30 1 * * ? *)",
            "America/New_York",
            "2026-10-31T00:00Z",
            "2026-11-02T12:00Z",
        );
        assert_eq!(
            scheduler,
            [
                ms("2026-10-31T05:30Z"),
                ms("2026-11-01T05:30Z"),
                ms("2026-11-02T06:30Z")
            ]
        );
        assert_eq!(scheduler, scaling);
    }

    #[test]
    fn one_time_schedules_ignore_start_and_end_dates() {
        let bounded = spec(
            "at(2026-03-02T08:00:00)",
            "UTC",
            "2026-03-03T00:00Z",
            "2026-03-01T00:00Z",
        );
        assert_eq!(bounded.next_after(0, 0), None, "a scheduled action honours its window");
        let scheduler = SchedulerExpression::new(bounded);
        assert_eq!(scheduler.next_after(0, 0), Some(ms("2026-03-02T08:00Z")));
        assert_eq!(scheduler.next_after(ms("2026-03-02T08:00Z"), 0), None);
        // A recurring schedule keeps them.
        let cron = SchedulerExpression::new(spec(
            "cron(0 10 * * ? *)",
            "UTC",
            "2026-03-02T10:00Z",
            "2026-03-03T10:00Z",
        ));
        assert_eq!(cron.next_after(0, 0), Some(ms("2026-03-02T10:00Z")));
        assert_eq!(cron.next_after(ms("2026-03-03T10:00Z"), 0), None);
    }

    #[test]
    fn an_at_in_a_gap_is_detected() {
        let gap = SchedulerExpression::new(spec("at(2026-03-08T02:30:00)", "America/New_York", "-", "-"));
        assert!(gap.at_falls_in_gap());
        let fine = SchedulerExpression::new(spec("at(2026-03-08T03:30:00)", "America/New_York", "-", "-"));
        assert!(!fine.at_falls_in_gap());
        let cron = SchedulerExpression::new(spec("cron(30 2 * * ? *)", "America/New_York", "-", "-"));
        assert!(!cron.at_falls_in_gap());
    }

    #[test]
    fn flexible_offsets_stay_inside_the_window_and_spread_over_it() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        assert_eq!(flexible_offset_ms(0, &mut rng), 0);
        let untouched = rng.clone();
        assert_eq!(rng.next_u64(), untouched.clone().next_u64(), "OFF draws nothing");
        for window in [1, 15, 1440] {
            let window_ms = u64::from(window) * 60_000;
            let offsets: Vec<u64> = (0..2000).map(|_| flexible_offset_ms(window, &mut rng)).collect();
            assert!(offsets.iter().all(|o| *o < window_ms), "window {window}");
            // Uniform: both halves of the window get about half the draws, and the mean is near the middle.
            let low = offsets.iter().filter(|o| **o < window_ms / 2).count();
            assert!(
                (900..1100).contains(&low),
                "window {window}: {low} of 2000 in the first half"
            );
            let mean = offsets.iter().sum::<u64>() as f64 / 2000.0;
            assert!(
                (mean / window_ms as f64 - 0.5).abs() < 0.03,
                "window {window}: mean {mean}"
            );
        }
    }
}
