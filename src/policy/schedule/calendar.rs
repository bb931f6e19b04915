//! Matching a `CronSchedule` against the local calendar: the next local minute it selects.

use super::cron::{CronSchedule, DayOfMonth, DayOfWeek, DaySelector};
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Timelike, Weekday};

impl CronSchedule {
    /// The first matching local minute strictly after `local`, or None past the year 2199.
    ///
    /// Skips whole years and months that cannot match, then walks days, so a call costs at most a
    /// few dozen day checks, except for days that rarely or never come: `0 0 30 2 ? *` checks the
    /// 28 or 29 days of every February up to 2199 (about 6,500 checks) before giving up.
    pub(super) fn next_local_after(&self, local: NaiveDateTime) -> Option<NaiveDateTime> {
        let start = local
            .with_second(0)?
            .with_nanosecond(0)?
            .checked_add_signed(TimeDelta::minutes(1))?;
        let mut date = start.date();
        let mut from_minute = start.hour() * 60 + start.minute();
        loop {
            let (year, month) = (date.year(), date.month());
            let year_index = u32::try_from(year).unwrap_or(0);
            if !self.years.contains(year_index) {
                let next_year = self.years.next_at_or_after(year_index + 1)?;
                date = NaiveDate::from_ymd_opt(i32::try_from(next_year).ok()?, 1, 1)?;
            } else if !self.months.contains(month) {
                date = match self.months.next_at_or_after(month + 1) {
                    Some(next_month) => NaiveDate::from_ymd_opt(year, next_month, 1)?,
                    None => NaiveDate::from_ymd_opt(year + 1, 1, 1)?,
                };
            } else if self.day_matches(date)
                && let Some(time) = self.first_time_from(from_minute)
            {
                return Some(date.and_time(time));
            } else {
                date = date.succ_opt()?;
            }
            from_minute = 0;
        }
    }

    /// The first matching time of day at or after `from_minute` minutes past midnight.
    fn first_time_from(&self, from_minute: u32) -> Option<NaiveTime> {
        let (hour, minute) = (from_minute / 60, from_minute % 60);
        if self.hours.contains(hour)
            && let Some(minute) = self.minutes.next_at_or_after(minute)
        {
            return NaiveTime::from_hms_opt(hour, minute, 0);
        }
        let hour = self.hours.next_at_or_after(hour + 1)?;
        NaiveTime::from_hms_opt(hour, self.minutes.next_at_or_after(0)?, 0)
    }

    fn day_matches(&self, date: NaiveDate) -> bool {
        let (day, last_day) = (date.day(), u32::from(date.num_days_in_month()));
        match &self.days {
            DaySelector::DayOfMonth(DayOfMonth::Days(days)) => days.contains(day),
            DaySelector::DayOfMonth(DayOfMonth::Last) => day == last_day,
            DaySelector::DayOfMonth(DayOfMonth::LastWeekday) => nearest_weekday(date, last_day) == Some(day),
            DaySelector::DayOfMonth(DayOfMonth::NearestWeekday(target)) => nearest_weekday(date, *target) == Some(day),
            DaySelector::DayOfWeek(rule) => {
                let weekday = date.weekday().number_from_sunday();
                match rule {
                    DayOfWeek::Days(weekdays) => weekdays.contains(weekday),
                    DayOfWeek::LastInMonth(target) => weekday == *target && day + 7 > last_day,
                    DayOfWeek::Nth { weekday: target, nth } => weekday == *target && (day - 1) / 7 + 1 == *nth,
                }
            }
        }
    }
}

/// The day of `date`'s month that `W` picks for `target`: a Saturday moves to Friday and a Sunday
/// to Monday, unless that leaves the month (the 1st on a Saturday goes to Monday the 3rd, the last
/// day on a Sunday to Friday). None when the month has no such day.
fn nearest_weekday(date: NaiveDate, target: u32) -> Option<u32> {
    let last_day = u32::from(date.num_days_in_month());
    Some(match date.with_day(target)?.weekday() {
        Weekday::Sat if target == 1 => 3,
        Weekday::Sat => target - 1,
        Weekday::Sun if target == last_day => target - 2,
        Weekday::Sun => target + 1,
        _ => target,
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::check;

    #[test]
    fn case_19_cron_with_time_zone() {
        // Case 19: weekdays at 18:00 New York time, EDT (UTC-4) in July, EST (UTC-5) in January.
        check("cron(0 18 ? * MON-FRI *) | America/New_York | 2021-07-14T00:00Z | 2021-07-14T22:00Z");
        check("cron(0 18 ? * MON-FRI *) | America/New_York | 2021-01-13T00:00Z | 2021-01-13T23:00Z");
        // Friday the 15th fires; Saturday the 16th and Sunday the 17th do not.
        check("cron(0 18 ? * MON-FRI *) | America/New_York | 2021-01-15T23:00Z | 2021-01-18T23:00Z");
    }

    #[test]
    fn documented_examples() {
        check("cron(0 10 * * ? *) | UTC | 2026-03-02T09:59Z | 2026-03-02T10:00Z");
        check("cron(0 10 * * ? *) | UTC | 2026-03-02T10:00Z | 2026-03-03T10:00Z");
        // 2026-03-06 is a Friday.
        check("cron(0 18 ? * MON-FRI *) | UTC | 2026-03-06T17:59Z | 2026-03-06T18:00Z");
        check("cron(0 18 ? * MON-FRI *) | UTC | 2026-03-06T18:00Z | 2026-03-09T18:00Z");
        check("cron(0 8 1 * ? *) | UTC | 2026-01-15T00:00Z | 2026-02-01T08:00Z");
        check("cron(0 8 1 * ? *) | UTC | 2026-02-01T08:00Z | 2026-03-01T08:00Z");
        check("cron(0/15 * * * ? *) | UTC | 2026-03-02T09:50Z | 2026-03-02T10:00Z");
        check("cron(0/15 * * * ? *) | UTC | 2026-03-02T10:00Z | 2026-03-02T10:15Z");
        check("cron(0/15 * * * ? *) | UTC | 2026-03-02T23:45Z | 2026-03-03T00:00Z");
        check("cron(0/5 8-17 ? * MON-FRI *) | UTC | 2026-03-06T07:59Z | 2026-03-06T08:00Z");
        check("cron(0/5 8-17 ? * MON-FRI *) | UTC | 2026-03-06T17:50Z | 2026-03-06T17:55Z");
        check("cron(0/5 8-17 ? * MON-FRI *) | UTC | 2026-03-06T17:55Z | 2026-03-09T08:00Z");
        check("cron(1/10 0 1 1 ? 2027) | UTC | 2026-03-02T00:00Z | 2027-01-01T00:01Z");
        check("cron(1/10 0 1 1 ? 2027) | UTC | 2027-01-01T00:01Z | 2027-01-01T00:11Z");
    }

    #[test]
    fn special_characters() {
        // L: the last day of the month, leap years included.
        check("cron(0 0 L * ? *) | UTC | 2028-02-01T00:00Z | 2028-02-29T00:00Z");
        check("cron(0 0 L * ? *) | UTC | 2028-02-29T00:00Z | 2028-03-31T00:00Z");
        check("cron(0 0 L 2 ? *) | UTC | 2026-03-01T00:00Z | 2027-02-28T00:00Z");
        // 6L: the last Friday (2026-01-30, 2026-02-27); names work too.
        check("cron(0 12 ? * 6L *) | UTC | 2026-01-01T00:00Z | 2026-01-30T12:00Z");
        check("cron(0 12 ? * 6L *) | UTC | 2026-01-30T12:00Z | 2026-02-27T12:00Z");
        check("cron(0 12 ? * friL *) | UTC | 2026-01-01T00:00Z | 2026-01-30T12:00Z");
        // `L` alone in day-of-week and `7` are Saturday (2026-01-03); 1 is Sunday.
        check("cron(0 12 ? * L *) | UTC | 2026-01-01T00:00Z | 2026-01-03T12:00Z");
        check("cron(0 12 ? * 7 *) | UTC | 2026-01-01T00:00Z | 2026-01-03T12:00Z");
        check("cron(0 12 ? * 7 *) | UTC | 2026-01-03T12:00Z | 2026-01-10T12:00Z");
        check("cron(0 12 ? * 1,sat *) | UTC | 2026-01-03T12:00Z | 2026-01-04T12:00Z");
        // 3#2: the second Tuesday (2026-01-13, 2026-02-10); 6#5: a fifth Friday, when the month has one.
        check("cron(0 9 ? * 3#2 *) | UTC | 2026-01-01T00:00Z | 2026-01-13T09:00Z");
        check("cron(0 9 ? * 3#2 *) | UTC | 2026-01-13T09:00Z | 2026-02-10T09:00Z");
        check("cron(0 9 ? * TUE#2 *) | UTC | 2026-02-10T09:00Z | 2026-03-10T09:00Z");
        check("cron(0 9 ? * 6#5 *) | UTC | 2026-01-30T09:00Z | 2026-05-29T09:00Z");
        // 15W: Sunday 2026-03-15 moves to Monday, Saturday 2026-08-15 to Friday; Wednesday 2026-04-15 stays.
        check("cron(0 9 15W * ? *) | UTC | 2026-03-01T00:00Z | 2026-03-16T09:00Z");
        check("cron(0 9 15W * ? *) | UTC | 2026-08-01T00:00Z | 2026-08-14T09:00Z");
        check("cron(0 9 15W * ? *) | UTC | 2026-04-01T00:00Z | 2026-04-15T09:00Z");
        // W at the month's edges: Saturday 2026-08-01 goes forward to Monday the 3rd, Sunday 2026-05-31
        // back to Friday the 29th, Sunday 2025-11-30 back to Friday the 28th; 31W skips 30-day months.
        check("cron(0 9 1W * ? *) | UTC | 2026-07-31T00:00Z | 2026-08-03T09:00Z");
        check("cron(0 9 31W * ? *) | UTC | 2026-04-01T00:00Z | 2026-05-29T09:00Z");
        check("cron(0 9 31W * ? *) | UTC | 2026-05-29T09:00Z | 2026-07-31T09:00Z");
        check("cron(0 9 30W 11 ? *) | UTC | 2025-11-01T00:00Z | 2025-11-28T09:00Z");
        // LW: the last weekday; Saturday 2026-02-28, Sunday 2026-05-31.
        check("cron(0 9 LW * ? *) | UTC | 2026-02-01T00:00Z | 2026-02-27T09:00Z");
        check("cron(0 9 LW * ? *) | UTC | 2026-02-27T09:00Z | 2026-03-31T09:00Z");
        check("cron(0 9 lw * ? *) | UTC | 2026-05-01T00:00Z | 2026-05-29T09:00Z");
        // Year lists, ranges and steps; month names and steps.
        check("cron(0 0 1 JAN ? 2028,2030-2031) | UTC | 2026-01-01T00:00Z | 2028-01-01T00:00Z");
        check("cron(0 0 1 JAN ? 2028,2030-2031) | UTC | 2028-01-01T00:00Z | 2030-01-01T00:00Z");
        check("cron(0 0 1 JAN ? 2028,2030-2031) | UTC | 2031-01-01T00:00Z | none");
        check("cron(0 0 1 jan-mar/2 ? 2026/10) | UTC | 2026-01-01T00:00Z | 2026-03-01T00:00Z");
        check("cron(0 0 1 jan-mar/2 ? 2026/10) | UTC | 2026-03-01T00:00Z | 2036-01-01T00:00Z");
        // A day that never comes, and the last minute the grammar can name.
        check("cron(0 0 30 2 ? *) | UTC | 2026-01-01T00:00Z | none");
        check("cron(59 23 31 12 ? *) | UTC | 2199-12-31T23:58Z | 2199-12-31T23:59Z");
        check("cron(59 23 31 12 ? *) | UTC | 2199-12-31T23:59Z | none");
    }
}
