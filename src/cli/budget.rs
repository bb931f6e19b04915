//! `--budget KIND=N`: the resource limits `run`, `check` and `sweep` check before simulating
//! (issue 16, finding 7). The estimate and the defaults are `spec::budget`'s; this file reads the
//! flag and applies the budget to a loaded scenario.

use clap::Args;

use crate::spec::Spec;
use crate::spec::budget::{Budget, Resource, TraceCost};

/// The `--budget` option of `run`, `check` and `sweep`.
#[derive(Args, Debug, Default, Clone)]
pub struct BudgetArgs {
    /// Change a resource limit checked before simulating (repeatable): KIND is events, rows,
    /// bytes, instances, services, firings or jobs; N an integer, `_` allowed, with an optional
    /// k, M or G suffix (thousand, million, billion). Defaults: events=200M rows=10M bytes=2G
    /// instances=100k services=10k firings=1M jobs=500k.
    #[arg(long = "budget", value_name = "KIND=N", value_parser = parse_budget_item)]
    budget: Vec<(Resource, u64)>,
}

impl BudgetArgs {
    /// The default budget with the flags' changes.
    pub fn budget(&self) -> Budget {
        let mut budget = Budget::default();
        for &(resource, limit) in &self.budget {
            budget.set(resource, limit);
        }
        budget
    }
}

/// Checks `spec` against `budget` for a run making `traces`; on success, caps the run's events
/// at the budget (the engine stops at the smaller of it and the scenario's `behavior.maxEvents`).
pub fn apply(budget: &Budget, spec: &mut Spec, traces: TraceCost) -> Result<(), String> {
    budget.check(spec, traces)?;
    spec.behavior.max_events = spec.behavior.max_events.min(budget.events);
    Ok(())
}

/// One `--budget KIND=N`.
fn parse_budget_item(text: &str) -> Result<(Resource, u64), String> {
    let kinds = Resource::ALL.map(Resource::key).join(", ");
    let (kind, value) = text
        .split_once('=')
        .ok_or_else(|| format!("expected KIND=N, e.g. rows=50M (KIND: {kinds})"))?;
    let resource = Resource::from_key(kind.trim())
        .ok_or_else(|| format!("unknown resource `{}`; expected one of {kinds}", kind.trim()))?;
    Ok((resource, parse_amount(value.trim())?))
}

/// `50000000`, `50_000_000`, `50M`, `4G`, `100k`.
fn parse_amount(text: &str) -> Result<u64, String> {
    let (digits, factor) = match text.char_indices().last() {
        Some((i, 'k' | 'K')) => (&text[..i], 1_000),
        Some((i, 'M')) => (&text[..i], 1_000_000),
        Some((i, 'G')) => (&text[..i], 1_000_000_000),
        _ => (text, 1),
    };
    let digits: String = digits.chars().filter(|&c| c != '_').collect();
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(factor))
        .ok_or_else(|| format!("expected a whole number such as 50000000, 50_000_000 or 50M, found `{text}`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_kinds_and_amounts() {
        assert_eq!(parse_budget_item("rows=50M"), Ok((Resource::Rows, 50_000_000)));
        assert_eq!(parse_budget_item("bytes=4G"), Ok((Resource::Bytes, 4_000_000_000)));
        assert_eq!(parse_budget_item("services=20_000"), Ok((Resource::Services, 20_000)));
        assert_eq!(parse_budget_item("firings=100k"), Ok((Resource::Firings, 100_000)));
        assert!(parse_budget_item("memory=1G").expect_err("unknown").contains("rows"));
        assert!(parse_budget_item("rows").is_err());
        assert!(parse_budget_item("rows=-1").is_err());
        assert!(parse_budget_item("rows=99999999999999G").is_err());
    }
}
