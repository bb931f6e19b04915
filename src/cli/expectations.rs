//! Expectations of a scenario: parse its `expect:` lines (errors located in the file) and judge a run.

use crate::check::{self, Needs, ParseError, RunTables};
use crate::output::{ExpectationRecord, SummaryBuilder};
use crate::scenario::diag::{Diagnostics, closest};
use crate::scenario::{Expectation, LoadedScenario};

/// An `expect:` line parsed.
pub struct ParsedExpectation {
    /// As written, with its location.
    pub source: Expectation,
    /// The parsed expression.
    pub expression: check::Expectation,
}

/// Parses every expectation; on errors, the rendered diagnostics (file, line, column).
pub fn parse_expectations(loaded: &LoadedScenario) -> Result<Vec<ParsedExpectation>, String> {
    let mut d = Diagnostics::default();
    let mut parsed = Vec::new();
    let triggers = loaded.spec.trigger_names();
    for (i, e) in loaded.expectations.iter().enumerate() {
        match check::parse_expectation(&e.text).and_then(|x| known_triggers(x, &e.text, &triggers)) {
            Ok(expression) => parsed.push(ParsedExpectation {
                source: e.clone(),
                expression,
            }),
            Err(err) => {
                // Point into the expression: the scalar starts at `loc`, after a quote if quoted.
                let line = loaded
                    .sources
                    .text(e.loc.file)
                    .lines()
                    .nth(e.loc.line.saturating_sub(1))
                    .unwrap_or("");
                let quoted = matches!(line.chars().nth(e.loc.col.saturating_sub(1)), Some('"' | '\''));
                let mut loc = e.loc;
                loc.col += err.column - 1 + usize::from(quoted);
                d.error(
                    loc,
                    &format!("expect[{i}]"),
                    format!("invalid expectation: {}", err.message),
                    None,
                );
            }
        }
    }
    if d.has_errors() {
        Err(d.render(&loaded.sources))
    } else {
        Ok(parsed)
    }
}

/// `expression` if every trigger it names is one of the scenario's, else an error at the name
/// with the nearest trigger: `ecsim validate` and `ecsim run` refuse the same lines.
fn known_triggers(
    expression: check::Expectation,
    text: &str,
    triggers: &[&str],
) -> Result<check::Expectation, ParseError> {
    for name in expression.triggers() {
        if triggers.contains(&name) {
            continue;
        }
        // Where the name is written: `jobs.NAME.field` or `figure(NAME)`.
        let at = [format!(".{name}."), format!("({name}")]
            .iter()
            .find_map(|pattern| text.find(pattern.as_str()))
            .map_or(0, |at| at + 1);
        let column = text[..at].chars().count() + 1;
        let message = if triggers.is_empty() {
            format!(
                "no trigger named `{name}`: the scenario starts no standalone tasks (add a `runTask` event or an `eventBridge` schedule or rule)"
            )
        } else {
            let hint = closest(name, triggers.iter().copied())
                .map(|t| format!("; did you mean `{t}`?"))
                .unwrap_or_default();
            format!("no trigger named `{name}`{hint} (triggers: {})", triggers.join(", "))
        };
        return Err(ParseError::new(column, message));
    }
    Ok(expression)
}

/// The texts of a finished run that expectations read.
pub struct RunTexts<'a> {
    /// `services.csv`.
    pub services: &'a str,
    /// `cluster.csv`.
    pub cluster: &'a str,
    /// `events.csv`.
    pub events: &'a str,
}

/// What the expectations read of a run's traces.
pub fn needs(expectations: &[ParsedExpectation]) -> Needs {
    Needs::of(expectations.iter().map(|e| &e.expression))
}

/// Evaluates every expectation on the texts of a run and records the verdicts in the summary.
pub fn judge(
    expectations: &[ParsedExpectation],
    texts: &RunTexts<'_>,
    summary: &mut SummaryBuilder,
) -> Result<Vec<ExpectationRecord>, String> {
    let tables = RunTables::read_texts(
        &needs(expectations),
        texts.services,
        texts.cluster,
        texts.events,
        &summary.to_json(),
    )?;
    Ok(judge_tables(expectations, &tables, summary))
}

/// Evaluates every expectation on the tables of a run and records the verdicts in the summary.
pub fn judge_tables(
    expectations: &[ParsedExpectation],
    tables: &RunTables,
    summary: &mut SummaryBuilder,
) -> Vec<ExpectationRecord> {
    let records: Vec<ExpectationRecord> = expectations
        .iter()
        .map(|e| {
            let verdict = check::evaluate(&e.expression, tables);
            ExpectationRecord {
                expression: e.source.text.clone(),
                line: e.source.loc.line,
                passed: verdict.passed,
                measured: verdict.measured,
                message: verdict.message,
            }
        })
        .collect();
    summary.set_expectations(records.clone());
    records
}
