//! Kubernetes quantities (`500m`, `1Gi`, `129M`, `1e9`), Go durations (`30s`, `720h`, `Never`)
//! and `IntOrString` values (`25%`, `3`), read from scalars with Kubernetes' meaning.

use crate::model::k8s::IntOrPercent;
use crate::scenario::diag::Diagnostics;
use crate::scenario::yaml::{Node, Value};
use crate::sim::time::parse_duration;

/// An exact decimal amount: `mantissa × 10^exp10 × 2^exp2`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Amount {
    mantissa: u128,
    exp10: i32,
    exp2: u32,
}

/// What a quantity's text must look like, for messages.
const QUANTITY_FORM: &str = "a number with an optional suffix (m, k, M, G, T, Ki, Mi, Gi, Ti) or exponent (1e9)";

/// Parses a Kubernetes quantity (`resource.Quantity`): a non-negative decimal with a binary
/// suffix (`Ki`..`Ei`), a decimal suffix (`n`, `u`, `m`, `k`, `M`, `G`, `T`, `P`, `E`) or an
/// exponent (`1e9`, `1E3`).
fn parse_amount(text: &str) -> Option<Amount> {
    let t = text.trim().strip_prefix('+').unwrap_or(text.trim());
    let end = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
    let (number, suffix) = t.split_at(end);
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty() && fraction.is_empty() || whole.len() + fraction.len() > 30 {
        return None;
    }
    let mantissa: u128 = format!("{whole}{fraction}").parse().ok()?;
    let mut exp10 = -(fraction.len() as i32);
    let mut exp2 = 0;
    match suffix {
        "" => {}
        "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei" => {
            let i = ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"].iter().position(|s| *s == suffix)?;
            exp2 = 10 * (i as u32 + 1);
        }
        "n" => exp10 -= 9,
        "u" => exp10 -= 6,
        "m" => exp10 -= 3,
        "k" => exp10 += 3,
        "M" => exp10 += 6,
        "G" => exp10 += 9,
        "T" => exp10 += 12,
        "P" => exp10 += 15,
        "E" => exp10 += 18,
        _ => {
            let exponent = suffix.strip_prefix(['e', 'E'])?;
            let digits = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 2 {
                return None;
            }
            exp10 += exponent.parse::<i32>().ok()?;
        }
    }
    Some(Amount { mantissa, exp10, exp2 })
}

impl Amount {
    /// `ceil(self × 10^scale10 / 2^div2)`, or `None` when it does not fit in a u64.
    fn scaled_up(self, scale10: i32, div2: u32) -> Option<u64> {
        let e = self.exp10 + scale10;
        let mut num = self.mantissa.checked_mul(1u128.checked_shl(self.exp2)?)?;
        let mut den = 1u128.checked_shl(div2)?;
        if e >= 0 {
            num = num.checked_mul(10u128.checked_pow(e as u32)?)?;
        } else {
            den = den.checked_mul(10u128.checked_pow((-e) as u32)?)?;
        }
        u64::try_from(num.div_ceil(den)).ok()
    }
}

/// The plain text of a scalar, or an error naming what was expected.
fn scalar<'n>(n: &'n Node, path: &str, what: &str, d: &mut Diagnostics) -> Option<&'n str> {
    match &n.value {
        Value::Scalar { text, .. } => Some(text.as_str()),
        _ => {
            d.error(n.loc, path, format!("expected {what}, found {}", n.kind_words()), None);
            None
        }
    }
}

/// A CPU quantity in millicores, rounded up (`500m` = 500, `1` = 1000, `0.5` = 500, `"2"` = 2000).
pub fn cpu_milli(n: &Node, path: &str, d: &mut Diagnostics) -> Option<u64> {
    let text = scalar(n, path, "a CPU quantity such as `500m` or `2`", d)?;
    match parse_amount(text).and_then(|a| a.scaled_up(3, 0)) {
        Some(v) => Some(v),
        None => {
            bad_quantity(n, path, text, "CPU", "`500m` (half a vCPU), `1` or `0.25`", d);
            None
        }
    }
}

/// A memory quantity in MiB, bytes rounded up to whole MiB (`512Mi` = 512, `1Gi` = 1024,
/// `1G` = 954, `128974848` = 123).
pub fn memory_mib(n: &Node, path: &str, d: &mut Diagnostics) -> Option<u64> {
    let text = scalar(n, path, "a memory quantity such as `512Mi` or `1Gi`", d)?;
    match parse_amount(text).and_then(|a| a.scaled_up(0, 20)) {
        Some(v) => Some(v),
        None => {
            bad_quantity(
                n,
                path,
                text,
                "memory",
                "`512Mi`, `1Gi`, `1G` (10^9 bytes) or `128974848`",
                d,
            );
            None
        }
    }
}

/// A quantity in thousandths of its unit, rounded up (`500m` = 500, `10` = 10 000): the
/// milli-units of HPA `averageValue` / `value` targets.
pub fn milli_units(n: &Node, path: &str, d: &mut Diagnostics) -> Option<u64> {
    let text = scalar(n, path, "a quantity such as `500m` or `10`", d)?;
    match parse_amount(text).and_then(|a| a.scaled_up(3, 0)) {
        Some(v) => Some(v),
        None => {
            bad_quantity(n, path, text, "", "`500m`, `10` or `1k`", d);
            None
        }
    }
}

/// A memory quantity in thousandths of a MiB, rounded up (`100Mi` = 100 000): the unit of a
/// memory metric's `averageValue`.
pub fn memory_milli_mib(n: &Node, path: &str, d: &mut Diagnostics) -> Option<u64> {
    let text = scalar(n, path, "a memory quantity such as `512Mi`", d)?;
    match parse_amount(text).and_then(|a| a.scaled_up(3, 20)) {
        Some(v) => Some(v),
        None => {
            bad_quantity(n, path, text, "memory", "`512Mi`, `1Gi` or `1G`", d);
            None
        }
    }
}

fn bad_quantity(n: &Node, path: &str, text: &str, kind: &str, examples: &str, d: &mut Diagnostics) {
    let what = if kind.is_empty() {
        "quantity".to_string()
    } else {
        format!("{kind} quantity")
    };
    let help = if text.trim().starts_with('-') {
        "quantities here are not negative".to_string()
    } else {
        format!("write {QUANTITY_FORM}, e.g. {examples}")
    };
    d.error(n.loc, path, format!("`{text}` is not a valid {what}"), Some(help));
}

/// A Go duration as Kubernetes and Karpenter write them (`30s`, `10m`, `720h`, `1h30m`), in
/// seconds rounded up; `Never` is `None` where `never_ok`.
pub fn duration_s(n: &Node, path: &str, never_ok: bool, d: &mut Diagnostics) -> Option<Option<u64>> {
    let text = scalar(n, path, "a duration such as `30s` or `720h`", d)?;
    if never_ok && text == "Never" {
        return Some(None);
    }
    match parse_duration(text) {
        Ok(v) => Some(Some(v.as_millis().div_ceil(1000))),
        Err(message) => {
            let help = never_ok.then(|| "or `Never`".to_string());
            d.error(n.loc, path, message, help);
            None
        }
    }
}

/// An `IntOrString` count or percentage: `3` or `"25%"`; a quoted count (`"3"`) only where the
/// API takes one (Karpenter budgets' `nodes`). Percentages above `max_percent` are rejected.
pub fn int_or_percent(
    n: &Node,
    path: &str,
    quoted_count_ok: bool,
    max_percent: Option<u32>,
    d: &mut Diagnostics,
) -> Option<IntOrPercent> {
    let Value::Scalar { text, quoted } = &n.value else {
        d.error(
            n.loc,
            path,
            format!(
                "expected a count or a percentage such as `25%`, found {}",
                n.kind_words()
            ),
            None,
        );
        return None;
    };
    let text = text.trim();
    let value = match text.strip_suffix('%') {
        Some(p) => p.parse::<u32>().ok().map(IntOrPercent::Percent),
        None if !*quoted || quoted_count_ok => text.parse::<u32>().ok().map(IntOrPercent::Int),
        None => None,
    };
    let Some(value) = value else {
        let help = if *quoted && text.parse::<u32>().is_ok() {
            format!("write {text} without quotes, or a percentage such as `{text}%`")
        } else {
            "write a whole number such as `1`, or a percentage such as `25%`".to_string()
        };
        d.error(
            n.loc,
            path,
            format!("`{text}` is not a count or a percentage"),
            Some(help),
        );
        return None;
    };
    if let (IntOrPercent::Percent(p), Some(max)) = (value, max_percent) {
        if p > max {
            d.error(
                n.loc,
                path,
                format!("must not be greater than {max}%"),
                Some(format!("a percentage from 0% to {max}%")),
            );
            return None;
        }
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::yaml::parse;

    fn node(text: &str) -> Node {
        parse(&format!("v: {text}\n"), 0)
            .expect("yaml")
            .get("v")
            .expect("v")
            .clone()
    }

    #[track_caller]
    fn check(read: fn(&Node, &str, &mut Diagnostics) -> Option<u64>, text: &str, expected: Option<u64>) {
        let mut d = Diagnostics::default();
        assert_eq!(read(&node(text), "v", &mut d), expected, "{text}");
        assert_eq!(d.errors.is_empty(), expected.is_some(), "{text}: {:?}", d.errors);
    }

    #[test]
    fn cpu_quantities_are_millicores_rounded_up() {
        check(cpu_milli, "500m", Some(500));
        check(cpu_milli, "1", Some(1000));
        check(cpu_milli, "0.5", Some(500));
        check(cpu_milli, "\"2\"", Some(2000));
        check(cpu_milli, "2.0005", Some(2001));
        check(cpu_milli, "0", Some(0));
        check(cpu_milli, "100u", Some(1));
        check(cpu_milli, "1k", Some(1_000_000));
        check(cpu_milli, "1e3", Some(1_000_000));
        check(cpu_milli, "-1", None);
        check(cpu_milli, "half", None);
        check(cpu_milli, "500 m", None);
        check(cpu_milli, "1e999", None);
    }

    #[test]
    fn memory_quantities_are_mib_with_bytes_rounded_up() {
        check(memory_mib, "512Mi", Some(512));
        check(memory_mib, "1Gi", Some(1024));
        check(memory_mib, "1G", Some(954));
        check(memory_mib, "128974848", Some(123));
        check(memory_mib, "128974849", Some(124));
        check(memory_mib, "129M", Some(124));
        check(memory_mib, "1e9", Some(954));
        check(memory_mib, "1048576", Some(1));
        check(memory_mib, "1", Some(1));
        check(memory_mib, "0", Some(0));
        check(memory_mib, "1.5Gi", Some(1536));
        check(memory_mib, "1000Gi", Some(1_024_000));
        check(memory_mib, "1GB", None);
        check(memory_mib, "Gi", None);
    }

    #[test]
    fn metric_values_are_milli_units() {
        check(milli_units, "10", Some(10_000));
        check(milli_units, "500m", Some(500));
        check(milli_units, "1.5k", Some(1_500_000));
        check(memory_milli_mib, "100Mi", Some(100_000));
        check(memory_milli_mib, "1Gi", Some(1_024_000));
    }

    #[track_caller]
    fn check_duration(text: &str, never_ok: bool, expected: Option<Option<u64>>) {
        let mut d = Diagnostics::default();
        assert_eq!(duration_s(&node(text), "v", never_ok, &mut d), expected, "{text}");
    }

    #[test]
    fn durations_are_go_durations_or_never() {
        check_duration("30s", false, Some(Some(30)));
        check_duration("10m", false, Some(Some(600)));
        check_duration("720h", false, Some(Some(2_592_000)));
        check_duration("1h30m", false, Some(Some(5400)));
        check_duration("0s", false, Some(Some(0)));
        check_duration("Never", true, Some(None));
        check_duration("Never", false, None);
        check_duration("soon", true, None);
    }

    #[track_caller]
    fn check_int_or_percent(text: &str, quoted_ok: bool, max: Option<u32>, expected: Option<IntOrPercent>) {
        let mut d = Diagnostics::default();
        assert_eq!(
            int_or_percent(&node(text), "v", quoted_ok, max, &mut d),
            expected,
            "{text}"
        );
        assert_eq!(d.errors.is_empty(), expected.is_some());
    }

    #[test]
    fn int_or_string_is_a_count_or_a_percentage() {
        use IntOrPercent::{Int, Percent};
        check_int_or_percent("25%", false, Some(100), Some(Percent(25)));
        check_int_or_percent("\"25%\"", false, Some(100), Some(Percent(25)));
        check_int_or_percent("3", false, Some(100), Some(Int(3)));
        check_int_or_percent("0", false, None, Some(Int(0)));
        check_int_or_percent("\"3\"", false, None, None);
        check_int_or_percent("\"3\"", true, None, Some(Int(3)));
        check_int_or_percent("101%", false, Some(100), None);
        check_int_or_percent("150%", false, None, Some(Percent(150)));
        check_int_or_percent("-1", false, None, None);
        check_int_or_percent("a%", false, None, None);
    }
}
