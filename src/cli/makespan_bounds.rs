//! The makespan bounds of a scenario's expectations, for the jobs chart's deadlines:
//! `jobs.nightly.makespan_s < 1h` (or `1h > jobs.nightly.makespan_s`) bounds each batch of
//! `nightly` by an hour. Only a makespan compared with a constant bounds anything; `==`, `!=`
//! and comparisons with other figures draw no line. Here, in the CLI, because it joins the
//! `expect:` language (`check`) and the charts (`output`), which do not use each other.

use crate::check::{Comparison, Expectation, Figure, Value, parse_expectation};
use crate::output::charts::deadlines::MakespanBound;

/// The bounds among `expressions` (the text of `expect:` lines, as `summary.json` records
/// them); a line that does not parse bounds nothing.
pub fn makespan_bounds<'a>(expressions: impl IntoIterator<Item = &'a str>) -> Vec<MakespanBound> {
    expressions
        .into_iter()
        .filter_map(|text| parse_expectation(text).ok())
        .filter_map(|e| bound_of(&e))
        .collect()
}

fn bound_of(e: &Expectation) -> Option<MakespanBound> {
    let (trigger, comparison, literal) = match (&e.left, &e.right) {
        (Value::Figure(Figure::JobMakespanS(t)), Value::Literal(l)) => (t, e.comparison, l),
        // `1h > jobs.nightly.makespan_s` reads as `jobs.nightly.makespan_s < 1h`.
        (Value::Literal(l), Value::Figure(Figure::JobMakespanS(t))) => (t, mirrored(e.comparison)?, l),
        _ => return None,
    };
    let upper = match comparison {
        Comparison::Less | Comparison::LessOrEqual => true,
        Comparison::Greater | Comparison::GreaterOrEqual => false,
        Comparison::Equal | Comparison::NotEqual => return None,
    };
    Some(MakespanBound {
        trigger: trigger.clone(),
        seconds: literal.as_f64(),
        upper,
        operator: comparison.as_str(),
    })
}

/// The comparison with its sides swapped.
fn mirrored(c: Comparison) -> Option<Comparison> {
    Some(match c {
        Comparison::Less => Comparison::Greater,
        Comparison::LessOrEqual => Comparison::GreaterOrEqual,
        Comparison::Greater => Comparison::Less,
        Comparison::GreaterOrEqual => Comparison::LessOrEqual,
        Comparison::Equal | Comparison::NotEqual => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn makespan_compared_with_a_constant_is_a_bound() {
        let bounds = makespan_bounds([
            "jobs.nightly.makespan_s < 1h",
            "jobs.nightly.makespan_s == 4380",
            "1800 <= jobs.makespan_s",
            "jobs.nightly.completed == 24",
            "not an expectation (",
        ]);
        assert_eq!(
            bounds,
            [
                MakespanBound {
                    trigger: Some("nightly".into()),
                    seconds: 3600.0,
                    upper: true,
                    operator: "<",
                },
                MakespanBound {
                    trigger: None,
                    seconds: 1800.0,
                    upper: false,
                    operator: ">=",
                },
            ]
        );
    }
}
