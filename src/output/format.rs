//! Formatting shared by the output files: wall-clock timestamps and fixed-precision numbers.

use chrono::{DateTime, SecondsFormat};

/// The ISO 8601 UTC time of simulated `time_ms` for a run anchored at `start_epoch_ms`.
pub fn timestamp(start_epoch_ms: i64, time_ms: u64) -> String {
    let ms = start_epoch_ms.saturating_add(time_ms as i64);
    DateTime::from_timestamp_millis(ms).map_or_else(String::new, |t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
}

/// A float with three decimals, trailing zeros trimmed (`12.5`, `0`, `100`).
pub fn number(v: f64) -> String {
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".to_string() } else { s.to_string() }
}

/// A cost with six decimals (micro-dollars), trailing zeros trimmed.
pub fn usd(v: f64) -> String {
    let s = format!("{v:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".to_string() } else { s.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_numbers_and_times() {
        assert_eq!(number(12.5), "12.5");
        assert_eq!(number(100.0), "100");
        assert_eq!(number(0.0004), "0");
        assert_eq!(number(-0.0001), "0");
        assert_eq!(number(1.23456), "1.235");
        assert_eq!(usd(0.0123426), "0.012343");
        assert_eq!(timestamp(1_767_571_200_000, 90_000), "2026-01-05T00:01:30Z");
    }
}
