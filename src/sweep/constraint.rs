//! `--where`: constraints on the replicate means, `FIG OP NUMBER` joined by `and`, with OP one
//! of `<`, `<=`, `>`, `>=`, `==`; a figure in seconds takes a duration too (`jobs.makespan_s < 3h`).

use super::figures::FigureSet;
use crate::sim::time::parse_duration;

/// A comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `<`
    Less,
    /// `<=`
    LessOrEqual,
    /// `>`
    Greater,
    /// `>=`
    GreaterOrEqual,
    /// `==` (exact equality of the mean)
    Equal,
}

/// Operators, longest first so `<=` is not read as `<`.
const OPS: [(&str, Op); 5] = [
    ("<=", Op::LessOrEqual),
    (">=", Op::GreaterOrEqual),
    ("==", Op::Equal),
    ("<", Op::Less),
    (">", Op::Greater),
];

impl Op {
    /// Whether `value OP threshold`.
    pub fn holds(self, value: f64, threshold: f64) -> bool {
        match self {
            Op::Less => value < threshold,
            Op::LessOrEqual => value <= threshold,
            Op::Greater => value > threshold,
            Op::GreaterOrEqual => value >= threshold,
            Op::Equal => value == threshold,
        }
    }

    /// How it is written.
    pub fn symbol(self) -> &'static str {
        OPS.iter().find(|(_, op)| *op == self).map_or("?", |(s, _)| s)
    }
}

/// One constraint on a figure's replicate mean.
#[derive(Clone, Debug, PartialEq)]
pub struct Constraint {
    /// Index of the figure in the sweep's `FigureSet`.
    pub figure: usize,
    /// The figure's name.
    pub name: String,
    /// The comparison.
    pub op: Op,
    /// The number compared with.
    pub threshold: f64,
    /// The number as written.
    pub threshold_text: String,
}

impl Constraint {
    /// `unserved_fraction < 0.002`: how best.json and messages write it.
    pub fn text(&self) -> String {
        format!("{} {} {}", self.name, self.op.symbol(), self.threshold_text)
    }

    /// Whether a mean meets it (a missing mean never does).
    pub fn holds(&self, mean: Option<f64>) -> bool {
        mean.is_some_and(|m| self.op.holds(m, self.threshold))
    }

    /// How far a mean misses it, relative to the threshold (absolute for a zero threshold): 0
    /// when it holds, infinite when the mean is missing.
    pub fn miss(&self, mean: Option<f64>) -> f64 {
        let Some(m) = mean else { return f64::INFINITY };
        if self.holds(Some(m)) {
            return 0.0;
        }
        let distance = (m - self.threshold).abs();
        if self.threshold == 0.0 {
            distance
        } else {
            distance / self.threshold.abs()
        }
    }
}

/// Reads one `--where` text into its constraints.
pub fn parse_where(text: &str, figures: &FigureSet) -> Result<Vec<Constraint>, String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut clauses: Vec<String> = vec![String::new()];
    for w in words {
        if w == "and" {
            clauses.push(String::new());
        } else {
            let c = clauses.last_mut().expect("one clause at least");
            if !c.is_empty() {
                c.push(' ');
            }
            c.push_str(w);
        }
    }
    clauses.iter().map(|c| parse_clause(c, text, figures)).collect()
}

fn parse_clause(clause: &str, text: &str, figures: &FigureSet) -> Result<Constraint, String> {
    let grammar = "write FIGURE OP NUMBER joined by `and`, OP one of < <= > >= ==, \
                   e.g. --where 'unserved_fraction < 0.002 and peak_running <= 20'";
    if clause.is_empty() {
        return Err(format!(
            "--where `{text}`: a condition is missing around `and`; {grammar}"
        ));
    }
    let Some((at, symbol, op)) = OPS
        .iter()
        .filter_map(|(s, op)| clause.find(s).map(|at| (at, *s, *op)))
        .min_by_key(|(at, s, _)| (*at, std::cmp::Reverse(s.len())))
    else {
        return Err(format!("--where `{text}`: `{clause}` has no comparison; {grammar}"));
    };
    let name = clause[..at].trim();
    let number = clause[at + symbol.len()..].trim();
    if name.is_empty() {
        return Err(format!(
            "--where `{text}`: `{clause}` has no figure before `{symbol}`; {grammar}"
        ));
    }
    let threshold = threshold(name, number).map_err(|e| format!("--where `{text}`: {e}; {grammar}"))?;
    let figure = figures.index(name).map_err(|e| format!("--where `{text}`: {e}"))?;
    Ok(Constraint {
        figure,
        name: name.to_string(),
        op,
        threshold,
        threshold_text: number.to_string(),
    })
}

/// The number a condition compares with; for a figure in seconds (its name ends in `_s`) a
/// duration as the scenario writes one (`3h`, `90s`) is its seconds.
fn threshold(name: &str, number: &str) -> Result<f64, String> {
    if let Some(v) = number.parse::<f64>().ok().filter(|v| v.is_finite()) {
        return Ok(v);
    }
    let starts_like_a_duration = number.starts_with(|c: char| c.is_ascii_digit());
    if name.ends_with("_s") && starts_like_a_duration {
        return parse_duration(number)
            .map(|d| d.as_secs_f64())
            .map_err(|e| format!("`{number}` is not a number or a duration: {e}"));
    }
    if starts_like_a_duration && parse_duration(number).is_ok() {
        return Err(format!(
            "`{number}` is a duration, and `{name}` is not a figure in seconds (those end in `_s`)"
        ));
    }
    Err(format!("`{number}` is not a number"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures() -> FigureSet {
        FigureSet::for_services(&[("web".into(), false)])
    }

    #[test]
    fn reads_conditions_joined_by_and() {
        let c = parse_where(
            "unserved_fraction < 0.002 and peak_running<=20 and  cost_usd >= 1e1",
            &figures(),
        )
        .expect("valid");
        let texts: Vec<String> = c.iter().map(Constraint::text).collect();
        assert_eq!(
            texts,
            ["unserved_fraction < 0.002", "peak_running <= 20", "cost_usd >= 1e1"]
        );
        assert_eq!(c[1].op, Op::LessOrEqual);
        assert_eq!(c[2].threshold, 10.0);
        assert!(c[0].holds(Some(0.001)) && !c[0].holds(Some(0.002)) && !c[0].holds(None));
    }

    #[test]
    fn misses_are_relative_to_the_threshold() {
        let c = parse_where("cost_usd < 10 and unserved_requests == 0", &figures()).expect("valid");
        assert_eq!(c[0].miss(Some(9.0)), 0.0);
        assert_eq!(c[0].miss(Some(12.0)), 0.2);
        assert_eq!(c[1].miss(Some(3.0)), 3.0);
        assert_eq!(c[1].miss(None), f64::INFINITY);
    }

    #[test]
    fn figures_in_seconds_take_durations() {
        let figures = FigureSet::for_services(&[("web".into(), false)]).with_jobs(true);
        let c = parse_where("jobs.makespan_s < 3h and jobs.wait_p95_s <= 90s", &figures).expect("valid");
        assert_eq!((c[0].threshold, c[1].threshold), (10_800.0, 90.0));
        assert_eq!(c[0].text(), "jobs.makespan_s < 3h", "written as given");
        assert_eq!(figures.names()[c[0].figure], "jobs.makespan_s");
        let err = parse_where("jobs.completed > 3h", &figures).expect_err("not seconds");
        assert!(
            err.contains("`3h` is a duration, and `jobs.completed` is not a figure in seconds"),
            "{err}"
        );
        let err = parse_where("jobs.makespan_s < 3x", &figures).expect_err("no duration");
        assert!(err.contains("`3x` is not a number or a duration"), "{err}");
    }

    #[test]
    fn errors_say_what_is_wrong() {
        let err = |t: &str| parse_where(t, &figures()).expect_err("invalid");
        assert!(err("cost < 3").contains("unknown figure `cost`; the figures of this sweep are: cost_usd"));
        assert!(err("cost_usd 3").contains("has no comparison"));
        assert!(err("cost_usd < x").contains("`x` is not a number"));
        assert!(err("cost_usd < 3 and").contains("a condition is missing"));
        assert!(err("< 3").contains("has no figure"));
        assert!(err("cost_usd = 3").contains("has no comparison"));
    }
}
