//! Aggregates folded row by row as a trace is read: `min`, `max`, `mean`, `sum`, `first`,
//! `last` and `count` over every row or a window fixed in time (`during [1h, 2h]`, `after 1h`,
//! `before 1h`) need a few numbers, not the column. Percentiles and windows that depend on
//! events (`during deployment`, `after steady_state(web)`) keep the column instead.
//!
//! A fold gives exactly what `eval` computes from the whole column: the same rows selected
//! (`windows::overlaps` on each row's interval), the same order of additions.

use super::ast::{Aggregate, Column, Window};
use super::windows::{self, Span};

/// One column of one subject over one window, folded.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Fold {
    /// The column.
    pub column: Column,
    /// The window as written.
    pub window: Window,
    /// Its spans; None for every row.
    spans: Option<Vec<Span>>,
    /// Rows the window selected.
    pub selected: u64,
    /// Of those, rows with a value.
    pub values: u64,
    min: f64,
    max: f64,
    sum: f64,
    first: Option<f64>,
    last: Option<f64>,
}

impl Fold {
    /// A fold of `column` over `window`, if the window is fixed in time (else the column must be
    /// kept).
    pub fn new(column: &Column, window: &Window) -> Option<Fold> {
        Some(Fold {
            column: column.clone(),
            window: window.clone(),
            spans: windows::fixed_spans(window)?,
            selected: 0,
            values: 0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            // What `Iterator::sum` starts from, so the additions are the same.
            sum: std::iter::empty::<f64>().sum(),
            first: None,
            last: None,
        })
    }

    /// Whether `aggregate` can be read from a fold.
    pub fn folds(aggregate: Aggregate) -> bool {
        !matches!(aggregate, Aggregate::Percentile(_))
    }

    /// Adds the row at `time_ms` whose previous row (of the same subject) was at `previous_ms`
    /// (0 for the first), with `value` (None: an empty cell).
    pub fn add(&mut self, previous_ms: u64, time_ms: u64, value: Option<f64>) {
        let selected = self
            .spans
            .as_ref()
            .is_none_or(|spans| spans.iter().any(|s| windows::overlaps(previous_ms, time_ms, *s)));
        if !selected {
            return;
        }
        self.selected += 1;
        let Some(v) = value else { return };
        self.values += 1;
        self.min = self.min.min(v);
        self.max = self.max.max(v);
        self.sum += v;
        self.first.get_or_insert(v);
        self.last = Some(v);
    }

    /// The aggregate of the values selected; None when there is none (`count` is 0 then).
    pub fn value(&self, aggregate: Aggregate) -> Option<f64> {
        if aggregate == Aggregate::Count {
            return Some(self.values as f64);
        }
        if self.values == 0 {
            return None;
        }
        match aggregate {
            Aggregate::Min => Some(self.min),
            Aggregate::Max => Some(self.max),
            Aggregate::Mean => Some(self.sum / self.values as f64),
            Aggregate::Sum => Some(self.sum),
            Aggregate::First => self.first,
            Aggregate::Last => self.last,
            Aggregate::Count | Aggregate::Percentile(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::SimDuration;

    fn column() -> Column {
        Column {
            subject: "web".into(),
            field: "running".into(),
        }
    }

    #[test]
    fn folds_fixed_windows_only_and_selects_rows_by_their_interval() {
        assert!(Fold::new(&column(), &Window::Deployment(None)).is_none());
        assert!(Fold::new(&column(), &Window::AfterSteadyState("web".into())).is_none());
        let window = Window::Between(SimDuration::from_secs(60), SimDuration::from_secs(180));
        let mut fold = Fold::new(&column(), &window).expect("fixed");
        // Rows at 60, 120, 180, 240 s: (60, 120] and (120, 180] overlap (60 s, 180 s].
        let rows = [
            (0, 60, Some(1.0)),
            (60, 120, Some(5.0)),
            (120, 180, None),
            (180, 240, Some(9.0)),
        ];
        for (previous, time, value) in rows {
            fold.add(previous * 1000, time * 1000, value);
        }
        assert_eq!((fold.selected, fold.values), (2, 1));
        for (aggregate, expected) in [
            (Aggregate::Min, 5.0),
            (Aggregate::Max, 5.0),
            (Aggregate::Mean, 5.0),
            (Aggregate::Count, 1.0),
            (Aggregate::First, 5.0),
            (Aggregate::Last, 5.0),
        ] {
            assert_eq!(fold.value(aggregate), Some(expected), "{aggregate}");
        }
        let empty = Fold::new(&column(), &Window::All).expect("fixed");
        assert_eq!(
            (empty.value(Aggregate::Max), empty.value(Aggregate::Count)),
            (None, Some(0.0))
        );
        assert!(!Fold::folds(Aggregate::Percentile(95)) && Fold::folds(Aggregate::Last));
    }
}
