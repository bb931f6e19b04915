//! Numeric ranges of a varied value: `40..80:10` is 40, 50, 60, 70, 80.
//!
//! The bounds and the step are read as exact decimals (integers scaled by a power of ten), so
//! `0.1..0.3:0.1` is 0.1, 0.2, 0.3 with no float noise, and each value is written back with no
//! trailing zeros (`0.5..1.5:0.5` is 0.5, 1, 1.5).

/// Most values one range may expand to.
pub const MAX_RANGE_VALUES: u64 = 100_000;

/// Most decimal places a bound or step may have.
const MAX_DECIMALS: usize = 9;

/// A decimal as written: `digits / 10^decimals`.
struct Decimal {
    digits: i128,
    decimals: usize,
}

fn parse_decimal(text: &str) -> Option<Decimal> {
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty()
        || !all_digits(whole)
        || !all_digits(fraction)
        || (unsigned.contains('.') && fraction.is_empty())
    {
        return None;
    }
    if whole.len() + fraction.len() > 30 || fraction.len() > MAX_DECIMALS {
        return None;
    }
    let digits: i128 = format!("{whole}{fraction}").parse().ok()?;
    Some(Decimal {
        digits: if negative { -digits } else { digits },
        decimals: fraction.len(),
    })
}

/// `d` scaled to `decimals` places (at least its own).
fn scaled(d: &Decimal, decimals: usize) -> i128 {
    d.digits * 10i128.pow((decimals - d.decimals) as u32)
}

/// `value / 10^decimals` written without trailing zeros.
fn write_scaled(value: i128, decimals: usize) -> String {
    let scale = 10i128.pow(decimals as u32);
    let sign = if value < 0 { "-" } else { "" };
    let (whole, fraction) = (value.abs() / scale, value.abs() % scale);
    if fraction == 0 {
        return format!("{sign}{whole}");
    }
    let fraction = format!("{fraction:0decimals$}");
    format!("{sign}{whole}.{}", fraction.trim_end_matches('0'))
}

/// Whether `text` is meant as a range: two numbers joined by `..`, with or without a step.
pub fn looks_like_range(text: &str) -> bool {
    let before_step = text.split_once(':').map_or(text, |(r, _)| r);
    before_step
        .split_once("..")
        .is_some_and(|(a, b)| parse_decimal(a.trim()).is_some() && parse_decimal(b.trim()).is_some())
}

/// The values of `START..END:STEP` (both ends included), or why it is not a usable range.
pub fn expand_range(text: &str) -> Result<Vec<String>, String> {
    let example = "write a range as START..END:STEP, e.g. 40..80:10 (both ends included)";
    let Some((range, step)) = text.split_once(':') else {
        return Err(format!("the range `{text}` has no step; {example}"));
    };
    let (start, end) = range
        .split_once("..")
        .ok_or_else(|| format!("`{text}` is not a range; {example}"))?;
    let number = |s: &str, what: &str| {
        parse_decimal(s.trim()).ok_or_else(|| {
            format!("the {what} of the range `{text}` is not a number (at most {MAX_DECIMALS} decimals); {example}")
        })
    };
    let (start, end, step) = (number(start, "start")?, number(end, "end")?, number(step, "step")?);
    let decimals = start.decimals.max(end.decimals).max(step.decimals);
    let (a, b, s) = (
        scaled(&start, decimals),
        scaled(&end, decimals),
        scaled(&step, decimals),
    );
    if s <= 0 {
        return Err(format!("the step of the range `{text}` must be greater than zero"));
    }
    if b < a {
        return Err(format!(
            "the range `{text}` is empty: its end is below its start; {example}"
        ));
    }
    let count = (b - a) / s + 1;
    if count > i128::from(MAX_RANGE_VALUES) {
        return Err(format!(
            "the range `{text}` has {count} values, more than the {MAX_RANGE_VALUES} a range may have"
        ));
    }
    Ok((0..count).map(|i| write_scaled(a + i * s, decimals)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn values(text: &str) -> Vec<String> {
        expand_range(text).expect("a valid range")
    }

    #[test]
    fn integer_and_decimal_ranges_include_both_ends() {
        assert_eq!(values("40..80:10"), ["40", "50", "60", "70", "80"]);
        assert_eq!(values("40..85:10"), ["40", "50", "60", "70", "80"]);
        assert_eq!(values("0.1..0.3:0.1"), ["0.1", "0.2", "0.3"]);
        assert_eq!(values("0.5..1.5:0.5"), ["0.5", "1", "1.5"]);
        assert_eq!(values("-1..1:0.75"), ["-1", "-0.25", "0.5"]);
        assert_eq!(values("5..5:1"), ["5"]);
        assert_eq!(values(" 1 .. 3 : 1 "), ["1", "2", "3"]);
    }

    #[test]
    fn bad_ranges_say_what_is_wrong() {
        let err = |t: &str| expand_range(t).expect_err("invalid");
        assert!(
            err("40..80:0").contains("must be greater than zero"),
            "{}",
            err("40..80:0")
        );
        assert!(err("40..80:-10").contains("must be greater than zero"));
        assert!(err("80..40:10").contains("is empty"));
        assert!(err("40..80").contains("has no step"));
        assert!(err("40..x:10").contains("the end of the range"));
        assert!(err("0..1000000:1").contains("more than the 100000"));
    }

    #[test]
    fn only_two_numbers_joined_by_dots_look_like_a_range() {
        assert!(looks_like_range("40..80:10"));
        assert!(looks_like_range("40..80"));
        assert!(looks_like_range("0.5..1.5:0.5"));
        assert!(!looks_like_range("../taskdefs/web.json"));
        assert!(!looks_like_range("m5.large"));
        assert!(!looks_like_range("8"));
        assert!(!looks_like_range("a..b"));
    }
}
