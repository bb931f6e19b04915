//! The `expect:` language: parse an expectation, read a run's traces, evaluate to a `Verdict`.
//!
//! ```text
//! text --parser--> Expectation ──needs──> Needs ──┐
//! CSV texts (whole, or fed as written) + summary.json ──table──> RunTables ──eval──> Verdict
//! ```
//! Nothing here reads files or clocks: the caller hands in the texts of `services.csv`,
//! `cluster.csv`, `events.csv` and `summary.json`, whole (`ecsim run` evaluates what it just
//! wrote) or as the run writes them (`TraceFeed`: `ecsim check` keeps only what the
//! expectations need, folding most aggregates row by row). The grammar is in `docs/expect.md`.

mod ast;
mod deployment_figures;
mod eval;
mod feed;
mod figures;
mod fold;
mod lexer;
mod needs;
mod parser;
mod table;
mod trace_reader;
mod windows;

pub use ast::{Aggregate, Column, Comparison, Expectation, Figure, Literal, Value, Window};
pub use eval::{Verdict, evaluate};
pub use feed::TraceFeed;
pub use needs::Needs;
pub use parser::{ParseError, parse_expectation};
pub use table::RunTables;
pub use trace_reader::{TraceReader, TraceText};

/// The candidate nearest to `word` by edit distance (case-insensitive), if close enough to be a
/// likely typo, else the shortest candidate that `word` (3 characters or more) begins; ties go to
/// the candidate that sorts first, so hints are deterministic.
fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str> + Clone) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).clamp(1, 4);
    let typo = candidates
        .clone()
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c);
    let prefix = || {
        let lower = word.to_lowercase();
        candidates
            .into_iter()
            .filter(|c| lower.chars().count() >= 3 && c.to_lowercase().starts_with(&lower))
            .min_by_key(|c| (c.len(), *c))
    };
    typo.or_else(prefix)
}

/// Edit distance between `a` and `b`, ignoring case: insertions, deletions, substitutions and
/// swaps of two neighbours (`wbe` -> `web`) each count one (optimal string alignment).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    // rows[i][j] is the distance between a[..i] and b[..j].
    let mut rows: Vec<Vec<usize>> = (0..=a.len()).map(|i| (i..=i + b.len()).collect()).collect();
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let substitution = rows[i - 1][j - 1] + usize::from(a[i - 1] != b[j - 1]);
            let mut best = substitution.min(rows[i - 1][j] + 1).min(rows[i][j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(word: &str, candidates: &[&str], expected: Option<&str>) {
        assert_eq!(closest(word, candidates.iter().copied()), expected, "word {word:?}");
    }

    #[test]
    fn edit_distance_counts_swaps_as_one_edit() {
        for (a, b, expected) in [
            ("web", "web", 0),
            ("wbe", "web", 1),
            ("runing", "running", 1),
            ("", "abc", 3),
            ("MAX", "max", 0),
            ("abc", "ca", 3),
        ] {
            assert_eq!(edit_distance(a, b), expected, "{a:?} -> {b:?}");
            assert_eq!(edit_distance(b, a), expected, "{b:?} -> {a:?}");
        }
    }

    #[test]
    fn suggests_the_nearest_candidate() {
        check("runing", &["running", "pending", "healthy"], Some("running"));
        check("MAX", &["max", "min"], Some("max"));
        check("durng", &["during", "after", "before"], Some("during"));
        check("xyz", &["running", "pending"], None);
        check("cost", &["cost_usd", "count"], Some("cost_usd"));
        check("unserved", &["unserved_rps", "unserved_requests"], Some("unserved_rps"));
        check("ru", &["running"], None);
        check("wbe", &["web", "api"], Some("web"));
        // Equal distances: the candidate that sorts first wins.
        check("mox", &["mix", "max"], Some("max"));
    }
}
