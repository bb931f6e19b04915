//! Simulated time as integer milliseconds, and the duration strings of scenario files.

use std::fmt;

/// A point in simulated time: milliseconds since the start of the run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimTime(pub u64);

/// A length of simulated time in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimDuration(pub u64);

impl SimTime {
    /// The start of every run.
    pub const ZERO: SimTime = SimTime(0);

    /// Milliseconds since the start.
    pub fn as_millis(self) -> u64 {
        self.0
    }

    /// The start of the step of length `step` this time falls in (the time itself for a zero
    /// step).
    pub fn floor_to(self, step: SimDuration) -> SimTime {
        if step.0 == 0 {
            self
        } else {
            SimTime(self.0 - self.0 % step.0)
        }
    }

    /// Seconds since the start, as a float for display and averages.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }

    /// This time plus a duration, saturating at the end of representable time.
    pub fn plus(self, d: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }

    /// The duration from `earlier` to `self` (zero if `earlier` is later).
    pub fn since(self, earlier: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(earlier.0))
    }
}

impl SimDuration {
    /// No time at all.
    pub const ZERO: SimDuration = SimDuration(0);

    /// A duration of `s` whole seconds.
    pub const fn from_secs(s: u64) -> SimDuration {
        SimDuration(s * 1000)
    }

    /// A duration of `m` whole minutes.
    pub const fn from_mins(m: u64) -> SimDuration {
        SimDuration(m * 60_000)
    }

    /// Milliseconds in this duration.
    pub fn as_millis(self) -> u64 {
        self.0
    }

    /// Seconds in this duration, as a float.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }
}

impl fmt::Display for SimDuration {
    /// Formats in the scenario syntax, largest units first (`1d2h`, `90s`, `500ms`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        if rest == 0 {
            return write!(f, "0s");
        }
        for (unit, ms) in UNITS {
            if rest >= *ms {
                write!(f, "{}{}", rest / ms, unit)?;
                rest %= ms;
            }
        }
        Ok(())
    }
}

impl std::ops::Add<SimDuration> for SimTime {
    type Output = SimTime;

    /// `self` plus `d`, saturating at the end of representable time.
    fn add(self, d: SimDuration) -> SimTime {
        self.plus(d)
    }
}

impl std::ops::Sub for SimTime {
    type Output = SimDuration;

    /// The duration from `earlier` to `self`, zero if `earlier` is later.
    fn sub(self, earlier: SimTime) -> SimDuration {
        self.since(earlier)
    }
}

impl SimDuration {
    /// A duration of `ms` milliseconds.
    pub const fn from_millis(ms: u64) -> SimDuration {
        SimDuration(ms)
    }
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        SimDuration(self.0).fmt(f)
    }
}

const UNITS: &[(&str, u64)] = &[
    ("d", 86_400_000),
    ("h", 3_600_000),
    ("m", 60_000),
    ("s", 1_000),
    ("ms", 1),
];

/// Parses a duration string such as `500ms`, `90s`, `15m`, `6h`, `1d2h` or `1d2h30m`.
///
/// Components must appear largest unit first, each at most once; a bare `0` is accepted.
pub fn parse_duration(text: &str) -> Result<SimDuration, String> {
    let s = text.trim();
    parse_compact(s).map_err(|message| match spelled_out(s) {
        // `2 hours` is a duration a person reads at once: say how to write it, not that a unit
        // is missing.
        Some(compact) if compact != s && parse_compact(&compact).is_ok() => format!(
            "duration `{s}` is not in ecsim's form: write `{compact}` (a number and a unit d, h, m, s or ms, no spaces)"
        ),
        _ => message,
    })
}

/// `2 hours`, `1 day 6 hours`, `90 seconds`, `15min` as the compact form (`2h`, `1d6h`, `90s`,
/// `15m`), if every word is a unit in English.
fn spelled_out(s: &str) -> Option<String> {
    let mut out = String::new();
    let mut rest = s;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == ',');
        rest = rest.strip_prefix("and ").unwrap_or(rest);
        if rest.is_empty() {
            break;
        }
        let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
        if digits == 0 {
            return None;
        }
        out.push_str(&rest[..digits]);
        rest = rest[digits..].trim_start();
        let letters = rest.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(rest.len());
        let unit = match rest[..letters].to_ascii_lowercase().as_str() {
            "d" | "day" | "days" => "d",
            "h" | "hr" | "hrs" | "hour" | "hours" => "h",
            "m" | "min" | "mins" | "minute" | "minutes" => "m",
            "s" | "sec" | "secs" | "second" | "seconds" => "s",
            "ms" | "msec" | "msecs" | "millisecond" | "milliseconds" => "ms",
            _ => return None,
        };
        out.push_str(unit);
        rest = &rest[letters..];
    }
    (!out.is_empty()).then_some(out)
}

/// Parses the compact form, `1d2h30m`.
fn parse_compact(s: &str) -> Result<SimDuration, String> {
    if s.is_empty() {
        return Err("expected a duration like `90s`, `15m`, `6h` or `1d2h`, found an empty string".into());
    }
    if s == "0" {
        return Ok(SimDuration(0));
    }
    if s.contains('.') {
        return Err(format!(
            "fractions are not allowed in duration `{s}`; use smaller units, e.g. `1h30m` or `1500ms`"
        ));
    }
    let bytes = s.as_bytes();
    let mut i = 0;
    let mut total: u64 = 0;
    let mut last_rank = usize::MAX;
    while i < bytes.len() {
        let digits_start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i == digits_start {
            return Err(format!(
                "expected a number at `{}` in duration `{s}` (use e.g. `90s`, `15m`, `1d2h`)",
                &s[i..]
            ));
        }
        let number: u64 = s[digits_start..i]
            .parse()
            .map_err(|_| format!("number too large in duration `{s}`"))?;
        let unit_start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
            i += 1;
        }
        let unit = &s[unit_start..i];
        let Some(rank) = UNITS.iter().position(|(u, _)| *u == unit) else {
            let word: String = s[i..]
                .trim_start()
                .chars()
                .take_while(char::is_ascii_alphabetic)
                .collect();
            let hint = if unit.is_empty() && !word.is_empty() {
                format!("unknown unit `{word}`")
            } else if unit.is_empty() {
                "a unit is required".to_string()
            } else {
                format!("unknown unit `{unit}`")
            };
            return Err(format!(
                "{hint} in duration `{s}`; units are d, h, m, s and ms (e.g. `90s`, `1d2h`)"
            ));
        };
        if last_rank != usize::MAX && rank <= last_rank {
            return Err(format!(
                "units in duration `{s}` must go from largest to smallest, each once (e.g. `1d2h30m`)"
            ));
        }
        last_rank = rank;
        total = number
            .checked_mul(UNITS[rank].1)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(|| format!("duration `{s}` is too long"))?;
    }
    Ok(SimDuration(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_and_duration_arithmetic_saturates_and_floors() {
        assert_eq!(SimTime(1_500) + SimDuration::from_secs(2), SimTime(3_500));
        assert_eq!(SimTime(u64::MAX - 1) + SimDuration(5), SimTime(u64::MAX));
        assert_eq!(SimTime(3_500) - SimTime(1_500), SimDuration(2_000));
        assert_eq!(SimTime(1_500) - SimTime(3_500), SimDuration::ZERO);
        assert_eq!(SimTime(125_000).floor_to(SimDuration::from_mins(1)), SimTime(120_000));
        assert_eq!(SimTime(125_000).floor_to(SimDuration::ZERO), SimTime(125_000));
    }

    #[track_caller]
    fn check(input: &str, expected: Result<u64, &str>) {
        let got = parse_duration(input).map(|d| d.0);
        assert_eq!(got, expected.map_err(str::to_string), "input {input:?}");
    }

    #[test]
    fn parses_durations() {
        check("500ms", Ok(500));
        check("90s", Ok(90_000));
        check("15m", Ok(900_000));
        check("6h", Ok(21_600_000));
        check("1d2h", Ok(93_600_000));
        check("1d2h30m15s250ms", Ok(95_415_250));
        check("0", Ok(0));
        check(" 2d ", Ok(172_800_000));
    }

    #[test]
    fn rejects_bad_durations() {
        check(
            "",
            Err("expected a duration like `90s`, `15m`, `6h` or `1d2h`, found an empty string"),
        );
        check(
            "90",
            Err("a unit is required in duration `90`; units are d, h, m, s and ms (e.g. `90s`, `1d2h`)"),
        );
        check(
            "5y",
            Err("unknown unit `y` in duration `5y`; units are d, h, m, s and ms (e.g. `90s`, `1d2h`)"),
        );
        check(
            "2h1d",
            Err("units in duration `2h1d` must go from largest to smallest, each once (e.g. `1d2h30m`)"),
        );
        check(
            "h",
            Err("expected a number at `h` in duration `h` (use e.g. `90s`, `15m`, `1d2h`)"),
        );
        check(
            "2 hours",
            Err(
                "duration `2 hours` is not in ecsim's form: write `2h` (a number and a unit d, h, m, s or ms, no spaces)",
            ),
        );
        check(
            "1 day, 6 hours and 30 minutes",
            Err(
                "duration `1 day, 6 hours and 30 minutes` is not in ecsim's form: write `1d6h30m` (a number and a unit d, h, m, s or ms, no spaces)",
            ),
        );
        check(
            "15min",
            Err(
                "duration `15min` is not in ecsim's form: write `15m` (a number and a unit d, h, m, s or ms, no spaces)",
            ),
        );
        check(
            "2 fortnights",
            Err(
                "unknown unit `fortnights` in duration `2 fortnights`; units are d, h, m, s and ms (e.g. `90s`, `1d2h`)",
            ),
        );
        check(
            "1.5h",
            Err("fractions are not allowed in duration `1.5h`; use smaller units, e.g. `1h30m` or `1500ms`"),
        );
    }

    #[test]
    fn displays_in_scenario_syntax() {
        assert_eq!(SimDuration(93_600_000).to_string(), "1d2h");
        assert_eq!(SimDuration(500).to_string(), "500ms");
        assert_eq!(SimDuration(0).to_string(), "0s");
        assert_eq!(SimDuration(90_000).to_string(), "1m30s");
    }
}
