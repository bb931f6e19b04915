//! What a scenario's expectations read of a run: the trace columns and event kinds to keep, so a
//! run judged in memory holds those and nothing else (`ecsim check` on a 90-day run keeps a few
//! columns, not the whole of `services.csv`, `cluster.csv` and `events.csv`).

use std::collections::BTreeSet;

use super::ast::{Column, Expectation, Figure, Value, Window};
use super::figures::SCALING_ACTIVITY;
use super::fold::Fold;
use super::windows::{DEPLOYMENT_COMPLETED, DEPLOYMENT_STARTED, STEADY_STATE};

/// The columns and event kinds some expectation reads.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Needs {
    /// Every column of every subject and every event (tests, and runs read from text).
    everything: bool,
    /// `(subject, field)` of each column an aggregate reads whole (a percentile, a window of
    /// events).
    columns: BTreeSet<(String, String)>,
    /// The aggregates folded row by row instead: their column and window, once each.
    folds: Vec<(Column, Window)>,
    /// The `events.csv` kinds windows and figures look up row by row.
    event_kinds: BTreeSet<String>,
    /// The kinds `count_events` counts: counted per subject as they are read, not kept.
    counted_kinds: BTreeSet<String>,
}

impl Needs {
    /// Everything a run has: every column and every event.
    pub fn everything() -> Needs {
        Needs {
            everything: true,
            ..Needs::default()
        }
    }

    /// What `expectations` read.
    pub fn of<'a>(expectations: impl IntoIterator<Item = &'a Expectation>) -> Needs {
        let mut needs = Needs::default();
        for e in expectations {
            needs.add(&e.left);
            needs.add(&e.right);
        }
        needs
    }

    fn add(&mut self, value: &Value) {
        let kinds: &[&str] = match value {
            Value::Literal(_) => &[],
            Value::Aggregate {
                aggregate,
                column,
                window,
            } => {
                if Fold::folds(*aggregate) && Fold::new(column, window).is_some() {
                    if !self.folds.iter().any(|(c, w)| c == column && w == window) {
                        self.folds.push((column.clone(), window.clone()));
                    }
                } else {
                    self.columns.insert((column.subject.clone(), column.field.clone()));
                }
                match window {
                    Window::Deployment(_) => &[DEPLOYMENT_STARTED, DEPLOYMENT_COMPLETED],
                    Window::AfterSteadyState(_) => &[STEADY_STATE],
                    Window::All | Window::Between(..) | Window::After(_) | Window::Before(_) => &[],
                }
            }
            Value::Figure(figure) => match figure {
                Figure::SteadyStateS(_) => &[STEADY_STATE],
                Figure::ScalingActivities(_) => &[SCALING_ACTIVITY],
                Figure::Deployments(_) => &[DEPLOYMENT_STARTED],
                Figure::DeploymentDurationS(_) => &[DEPLOYMENT_STARTED, DEPLOYMENT_COMPLETED],
                Figure::CountEvents(kind, _) => {
                    self.counted_kinds.insert(kind.clone());
                    &[]
                }
                Figure::CostUsd(_)
                | Figure::Deployment(..)
                | Figure::UnservedRequests(_)
                | Figure::PlacementFailures
                | Figure::TasksStarted
                | Figure::ServiceCostUsd(_)
                | Figure::UnallocatedCostUsd
                | Figure::SpotInterruptions(_)
                | Figure::UnservedFraction(_)
                | Figure::TaskHours(_)
                | Figure::InstanceHours(_)
                | Figure::JobsCompleted(_)
                | Figure::JobsFailed(_)
                | Figure::JobsInterrupted(_)
                | Figure::JobsAbandoned(_)
                | Figure::JobWaitP50S
                | Figure::JobWaitP95S
                | Figure::JobMakespanS(_)
                | Figure::CostPerJobUsd => &[],
            },
        };
        self.event_kinds.extend(kinds.iter().map(|k| k.to_string()));
    }

    /// The folds of the column `field` of `subject` (none when everything is kept: the
    /// columns answer).
    pub(super) fn folds_of<'a>(&'a self, subject: &'a str, field: &'a str) -> impl Iterator<Item = Fold> + 'a {
        self.folds
            .iter()
            .filter(move |(c, _)| c.subject == subject && c.field == field)
            .filter_map(|(c, w)| Fold::new(c, w))
    }

    /// Whether the column `field` of `subject` is kept whole.
    pub(super) fn column(&self, subject: &str, field: &str) -> bool {
        self.everything || self.columns.contains(&(subject.to_string(), field.to_string()))
    }

    /// Whether any column of `subject` is kept whole (then its row times are kept too).
    pub(super) fn subject(&self, subject: &str) -> bool {
        self.everything
            || self
                .columns
                .range((subject.to_string(), String::new())..)
                .next()
                .is_some_and(|(s, _)| s == subject)
    }

    /// Whether events of `kind` are kept.
    pub(super) fn event_kind(&self, kind: &str) -> bool {
        self.everything || self.event_kinds.contains(kind)
    }

    /// Whether events of `kind` are counted per subject instead of kept (a kind kept is
    /// counted from its rows).
    pub(super) fn counted_kind(&self, kind: &str) -> bool {
        !self.event_kind(kind) && self.counted_kinds.contains(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::parse_expectation;

    fn needs(lines: &[&str]) -> Needs {
        let parsed: Vec<Expectation> = lines
            .iter()
            .map(|l| parse_expectation(l).unwrap_or_else(|e| panic!("{l}: {e}")))
            .collect();
        Needs::of(&parsed)
    }

    #[test]
    fn keeps_the_columns_aggregates_read_and_the_events_windows_need() {
        let n = needs(&[
            "max(web.running during deployment) <= 8",
            "p95(cp.cpu_reserved_pct during [1h, 2h]) < p50(web.desired)",
            "count_events(fault) == 1",
        ]);
        assert!(n.column("web", "running") && n.column("web", "desired"));
        assert!(n.column("cp", "cpu_reserved_pct"), "a percentile keeps its column");
        assert!(!n.column("web", "pending"), "a column no expectation reads");
        assert!(!n.column("api", "running"), "a subject no expectation reads");
        assert!(n.subject("web") && n.subject("cp") && !n.subject("api") && !n.subject("we"));
        for kind in [DEPLOYMENT_STARTED, DEPLOYMENT_COMPLETED] {
            assert!(n.event_kind(kind), "{kind}");
        }
        assert!(
            !n.event_kind("fault") && n.counted_kind("fault"),
            "count_events counts rows, it does not keep them"
        );
        assert!(!n.event_kind(STEADY_STATE) && !n.event_kind(SCALING_ACTIVITY));
        assert_eq!(n.folds_of("web", "running").count(), 0);
    }

    #[test]
    fn aggregates_over_fixed_windows_are_folded_not_kept() {
        let n = needs(&[
            "max(web.running) <= 8",
            "web.running >= 2",
            "mean(web.running during [1h, 2h]) < 5",
            "max(web.running) < 9",
            "count(web.cpu_utilization after 1h) > 0",
        ]);
        assert!(
            !n.column("web", "running") && !n.subject("web"),
            "no column is kept whole"
        );
        assert_eq!(
            n.folds_of("web", "running").count(),
            2,
            "every row, and [1h, 2h], once each"
        );
        assert_eq!(n.folds_of("web", "cpu_utilization").count(), 1);
        assert_eq!(Needs::everything().folds_of("web", "running").count(), 0);
    }

    #[test]
    fn figures_of_the_summary_need_no_trace_and_everything_keeps_all() {
        let n = needs(&["cost_usd < 10", "unserved_fraction(web) == 0", "tasks_started > 0"]);
        assert_eq!(n, Needs::default());
        let n = needs(&[
            "steady_state_s(web) < 60",
            "scaling_activities > 0",
            "web.running > 0 after steady_state(web)",
        ]);
        assert!(n.event_kind(STEADY_STATE) && n.event_kind(SCALING_ACTIVITY));
        let all = Needs::everything();
        assert!(all.column("x", "y") && all.subject("x") && all.event_kind("anything"));
        assert!(!all.counted_kind("anything"), "a kept kind is counted from its rows");
        let both = needs(&["count_events(steady_state) == 1", "steady_state_s(web) < 60"]);
        assert!(both.event_kind(STEADY_STATE) && !both.counted_kind(STEADY_STATE));
    }
}
