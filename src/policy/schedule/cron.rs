//! The AWS cron grammar, `cron(Minutes Hours Day-of-month Month Day-of-week Year)`, parsed into sets of values.
//!
//! Follows the EventBridge table: `, - * /` everywhere, `?` in either day field, `L` and `W` in
//! day-of-month (`L`, `LW`, `15W`), `L` and `#` in day-of-week (`L` = Saturday, `6L` = last Friday,
//! `3#2` = second Tuesday), weekdays numbered 1-7 from Sunday, names case-insensitive, years
//! 1970-2199. Exactly one of day-of-month and day-of-week must be `?`. Quartz rules AWS inherits:
//! `L`, `W` and `#` stand alone in their field. Rejected, because AWS does not document them:
//! ranges that wrap (`FRI-MON`, `22-2`), a step without a start (`/5`), the `L-3` offset. A day
//! with `W` past the month's end (`31W` in April) fires nothing that month, as `31` does.

use super::{Located, reject, words};

/// A parsed AWS cron expression, matched against local wall-clock minutes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CronSchedule {
    pub(super) minutes: ValueSet<1>,
    pub(super) hours: ValueSet<1>,
    pub(super) days: DaySelector,
    pub(super) months: ValueSet<1>,
    pub(super) years: ValueSet<4>,
}

/// Which days fire. AWS requires exactly one day field to be `?`, so exactly one of them selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum DaySelector {
    DayOfMonth(DayOfMonth),
    DayOfWeek(DayOfWeek),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum DayOfMonth {
    Days(ValueSet<1>),
    /// `L`: the last day of the month.
    Last,
    /// `LW`: the last weekday (Monday-Friday) of the month.
    LastWeekday,
    /// `15W`: the weekday nearest to the 15th, without leaving the month.
    NearestWeekday(u32),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum DayOfWeek {
    /// Weekdays numbered 1 (Sunday) to 7 (Saturday).
    Days(ValueSet<1>),
    /// `6L`: the last Friday of the month.
    LastInMonth(u32),
    /// `3#2`: the second Tuesday of the month.
    Nth { weekday: u32, nth: u32 },
}

/// A set of up to `64 * WORDS` consecutive integers from `min`, kept as a bitmap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ValueSet<const WORDS: usize> {
    min: u32,
    bits: [u64; WORDS],
}

impl<const WORDS: usize> ValueSet<WORDS> {
    fn new(min: u32) -> Self {
        ValueSet { min, bits: [0; WORDS] }
    }

    fn insert(&mut self, value: u32) {
        let index = (value - self.min) as usize;
        self.bits[index / 64] |= 1 << (index % 64);
    }

    pub(super) fn contains(&self, value: u32) -> bool {
        self.next_at_or_after(value) == Some(value)
    }

    /// The smallest member that is `value` or larger.
    pub(super) fn next_at_or_after(&self, value: u32) -> Option<u32> {
        let mut index = value.saturating_sub(self.min) as usize;
        while index < 64 * WORDS {
            let word = self.bits[index / 64] >> (index % 64);
            if word != 0 {
                return Some(self.min + index as u32 + word.trailing_zeros());
            }
            index = (index / 64 + 1) * 64;
        }
        None
    }
}

/// What one cron field accepts, and the words its messages use.
struct Field {
    name: &'static str,
    min: u32,
    max: u32,
    names: &'static [&'static str],
    hint: &'static str,
    /// Whether `?` is allowed as the whole field.
    any_allowed: bool,
}

const MINUTE: Field = Field {
    name: "minute",
    min: 0,
    max: 59,
    names: &[],
    hint: "0-59",
    any_allowed: false,
};
const HOUR: Field = Field {
    name: "hour",
    min: 0,
    max: 23,
    names: &[],
    hint: "0-23",
    any_allowed: false,
};
const DAY_OF_MONTH: Field = Field {
    name: "day-of-month",
    min: 1,
    max: 31,
    names: &[],
    hint: "1-31",
    any_allowed: true,
};
const MONTH: Field = Field {
    name: "month",
    min: 1,
    max: 12,
    names: &[
        "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
    ],
    hint: "1-12 or JAN-DEC",
    any_allowed: false,
};
const DAY_OF_WEEK: Field = Field {
    name: "day-of-week",
    min: 1,
    max: 7,
    names: &["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"],
    hint: "1-7 (1 = SUN) or SUN-SAT",
    any_allowed: true,
};
const YEAR: Field = Field {
    name: "year",
    min: 1970,
    max: 2199,
    names: &[],
    hint: "1970-2199",
    any_allowed: false,
};

/// Parses the inside of `cron(...)`, which starts at byte `base` of the whole string.
pub(super) fn parse_cron(inner: &str, base: usize) -> Located<CronSchedule> {
    let fields = words(inner, base);
    if fields.len() != 6 {
        let at = fields.get(6).map_or(base + inner.len(), |field| field.0);
        let found = fields.len();
        let message = format!("cron needs 6 fields (minutes hours day-of-month month day-of-week year), found {found}");
        return reject(at, message);
    }
    let minutes = parse_set(fields[0], &MINUTE)?;
    let hours = parse_set(fields[1], &HOUR)?;
    let day_of_month = parse_day_of_month(fields[2])?;
    let months = parse_set(fields[3], &MONTH)?;
    let day_of_week = parse_day_of_week(fields[4])?;
    let years = parse_set(fields[5], &YEAR)?;
    let days = match (day_of_month, day_of_week) {
        (Some(day_of_month), None) => DaySelector::DayOfMonth(day_of_month),
        (None, Some(day_of_week)) => DaySelector::DayOfWeek(day_of_week),
        (Some(_), Some(_)) => {
            let message = "day-of-month and day-of-week cannot both be set; use ? in one of them";
            return reject(fields[2].0, message);
        }
        (None, None) => {
            let message = "day-of-month and day-of-week cannot both be ?; set one of them";
            return reject(fields[2].0, message);
        }
    };
    Ok(CronSchedule {
        minutes,
        hours,
        days,
        months,
        years,
    })
}

/// Splits a field on `,`, keeping each item's byte offset.
fn items((at, text): (usize, &str)) -> impl Iterator<Item = (usize, &str)> {
    text.split(',').scan(at, |next, item| {
        let item_at = *next;
        *next += item.len() + 1;
        Some((item_at, item))
    })
}

/// Rejects `special` items (`L`, `W`, `#`, `?`) that share their field with other items.
fn check_alone(field: (usize, &str), kind: &Field, is_special: impl Fn(&str) -> bool, what: &str) -> Located<()> {
    if field.1.contains(',')
        && let Some((at, _)) = items(field).find(|(_, item)| is_special(item))
    {
        return reject(at, format!("{what} must stand alone in {}", kind.name));
    }
    Ok(())
}

fn parse_day_of_month(field: (usize, &str)) -> Located<Option<DayOfMonth>> {
    let (at, text) = field;
    check_alone(field, &DAY_OF_MONTH, |item| item == "?", "`?`")?;
    let has_l_or_w = |item: &str| item.contains(['L', 'l', 'W', 'w']);
    check_alone(field, &DAY_OF_MONTH, has_l_or_w, "`L` and `W`")?;
    let upper = text.to_ascii_uppercase();
    let rule = match upper.as_str() {
        "?" => return Ok(None),
        "L" => DayOfMonth::Last,
        "LW" => DayOfMonth::LastWeekday,
        _ if has_l_or_w(text) => match upper.strip_suffix('W') {
            Some(day) if !day.is_empty() && day.bytes().all(|b| b.is_ascii_digit()) => {
                DayOfMonth::NearestWeekday(parse_value(at, day, &DAY_OF_MONTH)?)
            }
            _ => {
                let message = format!("unsupported day-of-month `{text}`; use L, LW or a day and W: 15W");
                return reject(at, message);
            }
        },
        _ => DayOfMonth::Days(parse_set(field, &DAY_OF_MONTH)?),
    };
    Ok(Some(rule))
}

fn parse_day_of_week(field: (usize, &str)) -> Located<Option<DayOfWeek>> {
    let (at, text) = field;
    check_alone(field, &DAY_OF_WEEK, |item| item == "?", "`?`")?;
    // No weekday name ends in L, so a trailing L is always the "last" marker.
    let is_special = |item: &str| item.contains('#') || item.ends_with(['L', 'l']);
    check_alone(field, &DAY_OF_WEEK, is_special, "`L` and `#`")?;
    let rule = if text == "?" {
        return Ok(None);
    } else if text.eq_ignore_ascii_case("L") {
        // `L` alone is the last day of the week: Saturday.
        let mut saturday = ValueSet::new(DAY_OF_WEEK.min);
        saturday.insert(7);
        DayOfWeek::Days(saturday)
    } else if let Some((weekday, nth)) = text.split_once('#') {
        let weekday = parse_value(at, weekday, &DAY_OF_WEEK)?;
        let nth_at = at + text.len() - nth.len();
        let message = "`#` needs an occurrence 1-5: 3#2 is the second Tuesday";
        let nth = nth
            .parse::<u32>()
            .ok()
            .filter(|nth| (1..=5).contains(nth))
            .ok_or((nth_at, message.to_string()))?;
        DayOfWeek::Nth { weekday, nth }
    } else if is_special(text) {
        DayOfWeek::LastInMonth(parse_value(at, &text[..text.len() - 1], &DAY_OF_WEEK)?)
    } else {
        DayOfWeek::Days(parse_set(field, &DAY_OF_WEEK)?)
    };
    Ok(Some(rule))
}

/// Parses a plain list of `*`, values, ranges and steps into the set of values it selects.
fn parse_set<const WORDS: usize>(field: (usize, &str), kind: &Field) -> Located<ValueSet<WORDS>> {
    let mut set = ValueSet::new(kind.min);
    for (at, item) in items(field) {
        if item == "?" && !kind.any_allowed {
            return reject(at, "`?` is only allowed in day-of-month and day-of-week");
        }
        let (range, step) = match item.split_once('/') {
            Some((range, step)) => (range, Some(parse_step(at + range.len() + 1, step)?)),
            None => (item, None),
        };
        let (low, high) = if range == "*" {
            (kind.min, kind.max)
        } else if let Some((low, high)) = range.split_once('-') {
            let (low, high) = (
                parse_value(at, low, kind)?,
                parse_value(at + low.len() + 1, high, kind)?,
            );
            if low > high {
                return reject(at, format!("range `{range}` runs backwards; write it from low to high"));
            }
            (low, high)
        } else {
            let value = parse_value(at, range, kind)?;
            // `0/15` starts at 0 and steps to the end of the field.
            (value, if step.is_some() { kind.max } else { value })
        };
        (low..=high)
            .step_by(step.unwrap_or(1))
            .for_each(|value| set.insert(value));
    }
    Ok(set)
}

fn parse_step(at: usize, step: &str) -> Located<usize> {
    let message = || (at, format!("step `{step}` must be a positive whole number, as in 0/15"));
    let valid = !step.is_empty() && step.bytes().all(|b| b.is_ascii_digit());
    valid
        .then(|| step.parse::<usize>().ok())
        .flatten()
        .filter(|step| *step > 0)
        .ok_or_else(message)
}

/// Parses one number or (month, weekday) name, case-insensitive.
fn parse_value(at: usize, text: &str, kind: &Field) -> Located<u32> {
    let (name, hint) = (kind.name, kind.hint);
    if text.is_empty() {
        return reject(at, format!("missing {name} value; use {hint}"));
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        let in_range = text
            .parse::<u32>()
            .ok()
            .filter(|value| (kind.min..=kind.max).contains(value));
        return in_range.ok_or_else(|| (at, format!("{name} {text} is out of range; use {hint}")));
    }
    match kind.names.iter().position(|known| known.eq_ignore_ascii_case(text)) {
        Some(index) => Ok(kind.min + index as u32),
        None if kind.names.is_empty() => reject(at, format!("{name} `{text}` is not a number; use {hint}")),
        None => reject(at, format!("unknown {name} `{text}`; use {hint}")),
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::check_error;

    #[test]
    fn invalid_cron_expressions() {
        // Case 19: `*` in both day fields.
        check_error("cron(0 18 * * * *) | 11 | day-of-month and day-of-week cannot both be set; use ? in one of them");
        check_error("cron(0 8 L * 6L *) | 10 | day-of-month and day-of-week cannot both be set; use ? in one of them");
        check_error("cron(0 18 ? * ? *) | 11 | day-of-month and day-of-week cannot both be ?; set one of them");
        check_error(
            "cron(0 18 ? * MON-FRI) | 22 | cron needs 6 fields (minutes hours day-of-month month day-of-week year), found 5",
        );
        check_error(
            "cron(0 0 18 ? * MON-FRI *) | 25 | cron needs 6 fields (minutes hours day-of-month month day-of-week year), found 7",
        );
        check_error("cron(60 * * * ? *) | 6 | minute 60 is out of range; use 0-59");
        check_error("cron(0 8-24 * * ? *) | 10 | hour 24 is out of range; use 0-23");
        check_error("cron(0 8 0 * ? *) | 10 | day-of-month 0 is out of range; use 1-31");
        check_error("cron(0 8 1 JANUARY ? *) | 12 | unknown month `JANUARY`; use 1-12 or JAN-DEC");
        check_error("cron(0 8 ? * 0 *) | 14 | day-of-week 0 is out of range; use 1-7 (1 = SUN) or SUN-SAT");
        check_error("cron(0 8 ? * MON-FUN *) | 18 | unknown day-of-week `FUN`; use 1-7 (1 = SUN) or SUN-SAT");
        check_error("cron(0 8 1 * ? 1969) | 16 | year 1969 is out of range; use 1970-2199");
        check_error("cron(0 8 1 * ? 2027-2026) | 16 | range `2027-2026` runs backwards; write it from low to high");
        check_error("cron(0 8 ? * FRI-MON *) | 14 | range `FRI-MON` runs backwards; write it from low to high");
        check_error("cron(0/0 * * * ? *) | 8 | step `0` must be a positive whole number, as in 0/15");
        check_error("cron(0/x * * * ? *) | 8 | step `x` must be a positive whole number, as in 0/15");
        check_error("cron(/5 * * * ? *) | 6 | missing minute value; use 0-59");
        check_error("cron(1,,2 * * * ? *) | 8 | missing minute value; use 0-59");
        check_error("cron(x * * * ? *) | 6 | minute `x` is not a number; use 0-59");
        check_error("cron(0 ? * * ? *) | 8 | `?` is only allowed in day-of-month and day-of-week");
        check_error("cron(0 8 ?,1 * ? *) | 10 | `?` must stand alone in day-of-month");
        check_error("cron(0 8 1,15W * ? *) | 12 | `L` and `W` must stand alone in day-of-month");
        check_error("cron(0 8 L-3 * ? *) | 10 | unsupported day-of-month `L-3`; use L, LW or a day and W: 15W");
        check_error("cron(0 8 32W * ? *) | 10 | day-of-month 32 is out of range; use 1-31");
        check_error("cron(0 8 ? * MON#2,WED *) | 14 | `L` and `#` must stand alone in day-of-week");
        check_error("cron(0 8 ? * 3#6 *) | 16 | `#` needs an occurrence 1-5: 3#2 is the second Tuesday");
        check_error("cron(0 8 ? * 8L *) | 14 | day-of-week 8 is out of range; use 1-7 (1 = SUN) or SUN-SAT");
        check_error("cron(0 8 * L * *) | 12 | unknown month `L`; use 1-12 or JAN-DEC");
    }
}
