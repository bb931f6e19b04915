//! The dotted names of the standalone tasks' figures, as the issue writes them:
//! `jobs.completed`, `jobs.nightly.makespan_s`, `p95(jobs.wait_s)`, `jobs.cost_per_job_usd`.
//!
//! ```text
//! jobs.FIELD            FIELD: completed | failed | interrupted | abandoned | makespan_s | cost_per_job_usd
//! jobs.TRIGGER.FIELD    FIELD: completed | failed | interrupted | abandoned | makespan_s
//! p50(jobs.wait_s)      p95(jobs.wait_s)
//! ```
//! Each maps onto a `Figure` of `summary.json`'s `jobs` block, the same as the call forms
//! (`jobs_completed(nightly)`, `job_wait_p95_s`), which stay accepted. A trigger's name may hold
//! dots (EventBridge allows them): the field is what follows the last dot. `jobs.FIELD` where
//! FIELD is a column of `services.csv` or `cluster.csv` stays a column (of a service or
//! capacity provider named `jobs`).

use super::ParseError;
use crate::check::ast::{Aggregate, Figure};
use crate::check::closest;
use crate::trace::columns::{cluster, header, services};

/// The subject word that starts a job figure.
pub(super) const JOBS: &str = "jobs";

/// The fields after `jobs.` or `jobs.TRIGGER.` and whether a trigger may precede them.
const FIELDS: &[(&str, bool)] = &[
    ("completed", true),
    ("failed", true),
    ("interrupted", true),
    ("abandoned", true),
    ("makespan_s", true),
    ("cost_per_job_usd", false),
    ("wait_s", false),
];

/// The wait for capacity, only inside `p50(...)` or `p95(...)`.
const WAIT_S: &str = "wait_s";

/// The trigger and field of a word that names a job figure (`jobs.nightly.makespan_s` ->
/// `(Some("nightly"), "makespan_s")`); `None` for any other word, and for `jobs.FIELD` where
/// FIELD is a trace column (a service or provider named `jobs`).
fn split(word: &str) -> Option<(Option<&str>, &str)> {
    let rest = word.strip_prefix(JOBS)?.strip_prefix('.')?;
    match rest.rsplit_once('.') {
        Some((trigger, field)) => Some((Some(trigger), field)),
        None if is_trace_column(rest) => None,
        None => Some((None, rest)),
    }
}

fn is_trace_column(field: &str) -> bool {
    header(services::COLUMNS)
        .chain(header(services::LATENCY_COLUMNS))
        .chain(header(cluster::COLUMNS))
        .any(|c| c == field)
}

/// Whether `word` is meant as a job figure (so the every-row form leaves it alone).
pub(super) fn is_job_word(word: &str) -> bool {
    split(word).is_some()
}

/// The figure a bare word names (`jobs.completed`, `jobs.nightly.makespan_s`), `None` when the
/// word is not a job figure; an unknown field or a misplaced trigger is an error at `column`.
pub(super) fn bare(word: &str, column: usize) -> Option<Result<Figure, ParseError>> {
    let (trigger, field) = split(word)?;
    Some(resolve(word, trigger, field, column).and_then(|figure| {
        figure.ok_or_else(|| {
            ParseError::new(
                column,
                format!("`{word}` is a distribution: write `p50({word})` or `p95({word})`"),
            )
        })
    }))
}

/// The figure `aggregate(word)` names (`p95(jobs.wait_s)`), `None` when the word is not a job
/// figure.
pub(super) fn aggregated(aggregate: Aggregate, word: &str, column: usize) -> Option<Result<Figure, ParseError>> {
    let (trigger, field) = split(word)?;
    Some(resolve(word, trigger, field, column).and_then(|figure| match (figure, aggregate) {
        (None, Aggregate::Percentile(50)) => Ok(Figure::JobWaitP50S),
        (None, Aggregate::Percentile(95)) => Ok(Figure::JobWaitP95S),
        (None, _) => Err(ParseError::new(
            column,
            format!("summary.json has the p50 and p95 of `{word}`: write `p50({word})` or `p95({word})`, not `{aggregate}(...)`"),
        )),
        (Some(_), _) => Err(ParseError::new(
            column,
            format!("`{word}` is one figure of the run: write it without `{aggregate}(...)`"),
        )),
    }))
}

/// The figure of `field` (of `trigger`), or `None` for the wait, which needs a percentile.
fn resolve(word: &str, trigger: Option<&str>, field: &str, column: usize) -> Result<Option<Figure>, ParseError> {
    let Some(&(_, per_trigger)) = FIELDS.iter().find(|(name, _)| *name == field) else {
        let hint = closest(field, FIELDS.iter().map(|(name, _)| *name))
            .map(|n| format!("; did you mean `{n}`?"))
            .unwrap_or_default();
        let shape = match trigger {
            Some(t) => format!("jobs.{t}.FIELD"),
            None => "jobs.FIELD".to_string(),
        };
        return Err(ParseError::new(
            column,
            format!(
                "unknown job figure `{field}` in `{word}`{hint} ({shape}: completed, failed, interrupted, abandoned, makespan_s{}; p50/p95 of jobs.wait_s)",
                if trigger.is_some() { "" } else { ", cost_per_job_usd" }
            ),
        ));
    };
    if trigger == Some("") {
        return Err(ParseError::new(
            column,
            format!("`{word}` has an empty trigger name: write `jobs.TRIGGER.{field}`"),
        ));
    }
    if let (Some(t), false) = (trigger, per_trigger) {
        return Err(ParseError::new(
            column,
            format!(
                "`{field}` is a figure of all the jobs, not of one trigger: write `jobs.{field}` instead of `jobs.{t}.{field}`"
            ),
        ));
    }
    let trigger = trigger.map(str::to_string);
    Ok(match field {
        "completed" => Some(Figure::JobsCompleted(trigger)),
        "failed" => Some(Figure::JobsFailed(trigger)),
        "interrupted" => Some(Figure::JobsInterrupted(trigger)),
        "abandoned" => Some(Figure::JobsAbandoned(trigger)),
        "makespan_s" => Some(Figure::JobMakespanS(trigger)),
        "cost_per_job_usd" => Some(Figure::CostPerJobUsd),
        WAIT_S => None,
        other => unreachable!("job field `{other}` is in FIELDS but not built"),
    })
}
