//! Evaluation: an `Expectation` measured on a run's tables, to a `Verdict` with a message.

use super::ast::{Aggregate, Comparison, Expectation, Value, Window};
use super::figures::measure_figure;
use super::fold::Fold;
use super::table::RunTables;
use super::windows;
use crate::sim::SimDuration;

/// Whether an expectation holds in a run, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    /// True when the expectation holds; false when it fails or cannot be evaluated.
    pub passed: bool,
    /// The measured (left) value, when it could be measured.
    pub measured: Option<f64>,
    /// `max(web.running) = 9, expected <= 8`, or why it could not be evaluated.
    pub message: String,
}

/// Relative slack for `==`, `!=`, `<=` and `>=`, so float noise (`61.199999999`) does not decide.
const RELATIVE_EPSILON: f64 = 1e-9;

/// Evaluates `expectation` on `run`; never panics on a user mistake: an unknown column or an empty
/// window is a failed verdict whose message says why.
pub fn evaluate(expectation: &Expectation, run: &RunTables) -> Verdict {
    let measured = match measure(&expectation.left, run) {
        Ok(value) => value,
        Err(message) => {
            return Verdict {
                passed: false,
                measured: None,
                message,
            };
        }
    };
    let bound = match measure(&expectation.right, run) {
        Ok(value) => value,
        Err(message) => {
            return Verdict {
                passed: false,
                measured: Some(measured),
                message,
            };
        }
    };
    let tolerance = expectation.tolerance.map_or(0.0, |t| t.as_f64());
    let passed = holds(measured, expectation.comparison, bound, tolerance);
    let mut message = format!(
        "{} = {}, expected {} {}",
        expectation.left,
        show(measured),
        expectation.comparison.as_str(),
        expectation.right
    );
    if let Some(tolerance) = expectation.tolerance {
        message += &format!(" +- {tolerance}");
    }
    if !matches!(expectation.right, Value::Literal(_)) {
        message += &format!("; {} = {}", expectation.right, show(bound));
    }
    Verdict {
        passed,
        measured: Some(measured),
        message,
    }
}

/// Whether `measured op bound` holds, the bound loosened by `tolerance`.
fn holds(measured: f64, comparison: Comparison, bound: f64, tolerance: f64) -> bool {
    let slack = RELATIVE_EPSILON * 1f64.max(measured.abs()).max(bound.abs());
    match comparison {
        Comparison::Less => measured < bound + tolerance,
        Comparison::LessOrEqual => measured <= bound + tolerance + slack,
        Comparison::Greater => measured > bound - tolerance,
        Comparison::GreaterOrEqual => measured >= bound - tolerance - slack,
        Comparison::Equal => (measured - bound).abs() <= tolerance + slack,
        Comparison::NotEqual => (measured - bound).abs() > tolerance + slack,
    }
}

/// A measured number for messages: at most six decimals, trailing zeros trimmed.
fn show(value: f64) -> String {
    let text = format!("{value:.6}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_string()
    } else {
        text.to_string()
    }
}

fn measure(value: &Value, run: &RunTables) -> Result<f64, String> {
    match value {
        Value::Literal(literal) => Ok(literal.as_f64()),
        Value::Figure(figure) => measure_figure(figure, run),
        Value::Aggregate {
            aggregate,
            column,
            window,
        } => {
            if let Some(fold) = run.fold(column, window)?.filter(|_| Fold::folds(*aggregate)) {
                return match fold.value(*aggregate) {
                    Some(value) => Ok(value),
                    None if fold.selected > 0 => Err(format!(
                        "no values for {column}{window}: the column is empty in every selected row"
                    )),
                    None => {
                        let reason = empty_reason(window, run.row_span(column), run);
                        Err(format!("no rows for {column}{window}: {reason}"))
                    }
                };
            }
            let rows = run.column(column)?;
            let spans = windows::spans(window, &column.subject, rows.is_service, run)?;
            let selected = windows::select(rows.time_ms, spans.as_deref());
            let values: Vec<f64> = selected.iter().filter_map(|&i| rows.values.get(i)).collect();
            if *aggregate == Aggregate::Count {
                return Ok(values.len() as f64);
            }
            if values.is_empty() && !selected.is_empty() {
                return Err(format!(
                    "no values for {column}{window}: the column is empty in every selected row"
                ));
            }
            if values.is_empty() {
                let span = rows.time_ms.first().zip(rows.time_ms.last()).map(|(a, b)| (*a, *b));
                let reason = empty_reason(window, span, run);
                return Err(format!("no rows for {column}{window}: {reason}"));
            }
            Ok(aggregate_values(*aggregate, &values))
        }
    }
}

/// Why a window selected nothing, for the message.
fn empty_reason(window: &Window, rows_span: Option<(u64, u64)>, run: &RunTables) -> String {
    let run_ms = run.summary.simulated_ms();
    let starts_ms = match window {
        Window::Between(start, _) | Window::After(start) => Some(start.as_millis()),
        _ => None,
    };
    match rows_span {
        None => "the subject has no rows in this run".to_string(),
        _ if starts_ms.is_some_and(|s| s >= run_ms) => format!("the run is {} long", SimDuration(run_ms)),
        Some((first, last)) => format!("its rows run from {} to {}", SimDuration(first), SimDuration(last)),
    }
}

/// One number from the values of the selected rows (at least one).
fn aggregate_values(aggregate: Aggregate, values: &[f64]) -> f64 {
    match aggregate {
        Aggregate::Min => values.iter().copied().fold(f64::INFINITY, f64::min),
        Aggregate::Max => values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        Aggregate::Mean => values.iter().sum::<f64>() / values.len() as f64,
        Aggregate::Sum => values.iter().sum(),
        Aggregate::First => values[0],
        Aggregate::Last => values[values.len() - 1],
        Aggregate::Count => values.len() as f64,
        Aggregate::Percentile(p) => nearest_rank(values, p),
    }
}

/// The nearest-rank percentile: the smallest value with at least `p`% of the values at or below
/// it, i.e. the `ceil(p / 100 * n)`-th smallest (1-based).
fn nearest_rank(values: &[f64], p: u8) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = (usize::from(p) * sorted.len()).div_ceil(100).max(1);
    sorted[rank - 1]
}

#[cfg(test)]
#[path = "eval_tests.rs"]
mod tests;
