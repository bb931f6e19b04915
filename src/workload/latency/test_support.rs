//! Test helpers: reading a value as printed in the reference, with the tolerance its printing
//! implies.

/// A value as printed and its tolerance: half a unit in the last printed digit, or exact (to a
/// relative 1e-9) for an integer, whose printing is exact in the reference's tables.
pub fn printed(text: &str) -> (f64, f64) {
    let value: f64 = text.parse().unwrap_or_else(|_| panic!("not a number: {text}"));
    let (mantissa, exponent) = match text.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i32>().expect("an exponent")),
        None => (text, 0),
    };
    let tolerance = match mantissa.split_once('.') {
        Some((_, decimals)) => 0.5 * 10f64.powi(exponent - decimals.len() as i32),
        None => 1e-9 * value.abs(),
    };
    (value, tolerance)
}

/// Asserts `got` equals the printed value within its printing (and `slack`, relative, for a
/// computation that is itself approximate).
#[track_caller]
pub fn check_printed(what: &str, got: f64, text: &str, slack: f64) {
    let (want, tolerance) = printed(text);
    let allowed = tolerance + slack * want.abs();
    assert!(
        (got - want).abs() <= allowed,
        "{what}: got {got}, printed {text} (allowed ±{allowed:e})"
    );
}
