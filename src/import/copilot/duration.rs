//! Copilot's durations (Go's `time.ParseDuration`: `2m30s`, `1h`, `250ms`, `1.5s`) in whole
//! milliseconds, the simulator's unit.

/// The duration `text` in milliseconds, or `None` if it is not one (or is finer than 1 ms).
pub fn millis(text: &str) -> Option<u64> {
    let text = text.trim();
    if text == "0" {
        return Some(0);
    }
    let mut rest = text;
    let mut total: u64 = 0;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (number, tail) = rest.split_at(number_len);
        let unit_len = tail
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(tail.len());
        let (unit, tail) = tail.split_at(unit_len);
        let unit_ms: u64 = match unit {
            "ms" => 1,
            "s" => 1_000,
            "m" => 60_000,
            "h" => 3_600_000,
            _ => return None,
        };
        total = total.checked_add(scaled(number, unit_ms)?)?;
        rest = tail;
    }
    Some(total)
}

/// `number` (digits, maybe a fraction) times `unit_ms`, if that is a whole number of ms.
fn scaled(number: &str, unit_ms: u64) -> Option<u64> {
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty() && fraction.is_empty() {
        return None;
    }
    let whole: u64 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
    let mut ms = whole.checked_mul(unit_ms)?;
    if !fraction.is_empty() {
        let digits: u32 = fraction.len().try_into().ok()?;
        let denominator = 10u64.checked_pow(digits)?;
        let numerator = fraction.parse::<u64>().ok()?.checked_mul(unit_ms)?;
        if numerator % denominator != 0 {
            return None;
        }
        ms = ms.checked_add(numerator / denominator)?;
    }
    Some(ms)
}

#[cfg(test)]
mod tests {
    use super::millis;

    #[test]
    fn go_durations_read_in_milliseconds() {
        let cases = [
            ("2m30s", Some(150_000)),
            ("1m30s", Some(90_000)),
            ("30s", Some(30_000)),
            ("15m", Some(900_000)),
            ("1h", Some(3_600_000)),
            ("250ms", Some(250)),
            ("1.5s", Some(1_500)),
            ("0", Some(0)),
            ("2", None),
            ("1d", None),
            ("", None),
            ("0.0001s", None),
            ("s", None),
        ];
        for (text, expected) in cases {
            assert_eq!(millis(text), expected, "{text}");
        }
    }
}
