//! Formatting shared by the output files: simulated seconds, wall-clock timestamps and
//! fixed-precision numbers.

use chrono::{DateTime, SecondsFormat};

/// The ISO 8601 UTC time of simulated `time_ms` for a run anchored at `start_epoch_ms`.
pub fn timestamp(start_epoch_ms: i64, time_ms: u64) -> String {
    let ms = start_epoch_ms.saturating_add(time_ms as i64);
    DateTime::from_timestamp_millis(ms).map_or_else(String::new, |t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
}

/// Simulated milliseconds as seconds: `90` or `7337.855` (at most three decimals, none when whole).
pub fn seconds(ms: u64) -> String {
    if ms.is_multiple_of(1000) {
        (ms / 1000).to_string()
    } else {
        format!("{}.{:03}", ms / 1000, ms % 1000)
    }
}

/// A float with three decimals, trailing zeros trimmed (`12.5`, `0`, `100`).
pub fn number(v: f64) -> String {
    fixed(v, 3)
}

/// A cost with six decimals (micro-dollars), trailing zeros trimmed.
pub fn usd(v: f64) -> String {
    fixed(v, 6)
}

/// `v` rounded to `decimals` places, trailing zeros trimmed, without `-0`. Integer arithmetic on
/// the scaled value: this is on the hot path of every CSV row, and float formatting was a quarter
/// of a long run's time.
fn fixed(v: f64, decimals: u32) -> String {
    let scale = 10i64.pow(decimals);
    let x = v * scale as f64;
    let scaled = x.round();
    // Near a tie the product's own rounding may decide wrongly: let exact formatting decide.
    let near_tie = ((x - x.trunc()).abs() - 0.5).abs() < 1e-6;
    if !scaled.is_finite() || scaled.abs() >= 9e15 || near_tie {
        let s = format!("{v:.*}", decimals as usize);
        let s = s.trim_end_matches('0').trim_end_matches('.');
        return if s == "-0" { "0".to_string() } else { s.to_string() };
    }
    let n = scaled as i64;
    let (whole, mut frac) = ((n / scale).abs(), (n % scale).abs());
    let mut out = String::with_capacity(24);
    if n < 0 {
        out.push('-');
    }
    out.push_str(&whole.to_string());
    if frac != 0 {
        let mut width = decimals as usize;
        while frac % 10 == 0 {
            frac /= 10;
            width -= 1;
        }
        out.push('.');
        out.push_str(&format!("{frac:0width$}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_numbers_and_times() {
        assert_eq!(seconds(90_000), "90");
        assert_eq!(seconds(7_337_855), "7337.855");
        assert_eq!(seconds(500), "0.500");
        assert_eq!(number(12.5), "12.5");
        assert_eq!(number(100.0), "100");
        assert_eq!(number(0.0004), "0");
        assert_eq!(number(-0.0001), "0");
        assert_eq!(number(1.23456), "1.235");
        assert_eq!(usd(0.0123426), "0.012343");
        assert_eq!(timestamp(1_767_571_200_000, 90_000), "2026-01-05T00:01:30Z");
        assert_eq!(number(-12.5), "-12.5");
        assert_eq!(number(0.05), "0.05");
        assert_eq!(number(-0.05), "-0.05");
        assert_eq!(number(1234567.0001), "1234567");
        assert_eq!(number(99.9996), "100");
        assert_eq!(usd(41472.0), "41472");
        assert_eq!(usd(1.110461), "1.110461");
        assert_eq!(number(f64::NAN), "NaN");
        // 47.2375 is stored just below the tie: exact formatting rounds it down.
        assert_eq!(number(47.2375), format!("{:.3}", 47.2375_f64));
    }
}
