//! `sweep.csv` (one row per run) and `sweep_summary.csv` (one row per combination, with the
//! replicate means and 95 % intervals), and the statistics behind them.

use super::decision::Decision;
use super::definition::Sweep;
use super::figures::RunFigures;
use super::stats::{Interval, interval};

/// `sweep.csv`'s replicate column.
pub const REPLICA: &str = "replica";
/// `sweep.csv`'s seed column.
pub const SEED: &str = "seed";
/// `sweep_summary.csv`'s column of replicates per combination.
pub const REPLICAS: &str = "replicas";
/// `sweep_summary.csv`'s last column: `true` when the means meet every `--where`.
pub const FEASIBLE: &str = "feasible";

/// `sweep_summary.csv`'s column of figure `f`'s mean: `f_mean`.
pub fn mean_column(figure: &str) -> String {
    format!("{figure}_mean")
}

/// `sweep_summary.csv`'s column of the low end of figure `f`'s interval: `f_ci_low`.
pub fn ci_low_column(figure: &str) -> String {
    format!("{figure}_ci_low")
}

/// `sweep_summary.csv`'s column of the high end of figure `f`'s interval: `f_ci_high`.
pub fn ci_high_column(figure: &str) -> String {
    format!("{figure}_ci_high")
}

/// The figures of one combination across its replicates.
#[derive(Clone, Debug, PartialEq)]
pub struct CombinationStats {
    /// The combination's index in the grid.
    pub combination: usize,
    /// Each figure's mean and interval over the replicates that have it.
    pub intervals: Vec<Option<Interval>>,
}

impl CombinationStats {
    /// The means, figure by figure.
    pub fn means(&self) -> Vec<Option<f64>> {
        self.intervals.iter().map(|i| i.map(|i| i.mean)).collect()
    }
}

/// The statistics of every combination that ran, in grid order, from `runs[i]`, the figures of
/// run `i`.
pub fn combination_stats(sweep: &Sweep, runs: &[RunFigures]) -> Vec<CombinationStats> {
    let replicas = sweep.plan.replicas() as usize;
    sweep
        .plan
        .combinations()
        .iter()
        .zip(runs.chunks(replicas))
        .map(|(&combination, replicates)| CombinationStats {
            combination,
            intervals: (0..sweep.figures.len())
                .map(|f| interval(&replicates.iter().filter_map(|r| r[f]).collect::<Vec<f64>>()))
                .collect(),
        })
        .collect()
}

fn csv_text(rows: Vec<Vec<String>>) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    for row in rows {
        w.write_record(&row).expect("writing to memory cannot fail");
    }
    String::from_utf8(w.into_inner().expect("writing to memory cannot fail")).expect("CSV of strings is UTF-8")
}

fn setting_cells(sweep: &Sweep, combination: usize) -> Vec<String> {
    sweep
        .grid
        .setting(combination)
        .into_iter()
        .map(|(_, v)| v.to_string())
        .collect()
}

fn path_headers(sweep: &Sweep) -> Vec<String> {
    sweep.grid.axes().iter().map(|a| a.path.clone()).collect()
}

/// `sweep.csv`: the varied paths, `replica`, `seed`, then the figures; one row per run in run
/// order. A figure a run does not have is an empty cell.
pub fn sweep_csv(sweep: &Sweep, runs: &[RunFigures]) -> String {
    let mut header = path_headers(sweep);
    header.extend([REPLICA.to_string(), SEED.to_string()]);
    header.extend(sweep.figures.names());
    let mut rows = vec![header];
    for (i, values) in runs.iter().enumerate() {
        let run = sweep.run(i);
        let mut row = setting_cells(sweep, run.combination);
        row.extend([run.replica.to_string(), run.seed.to_string()]);
        row.extend(
            sweep
                .figures
                .figures()
                .iter()
                .zip(values)
                .map(|(f, v)| v.map(|v| f.format(v)).unwrap_or_default()),
        );
        rows.push(row);
    }
    csv_text(rows)
}

/// `sweep_summary.csv`: the varied paths, `replicas`, `F_mean`, `F_ci_low`, `F_ci_high` for each
/// figure, then `feasible`; one row per combination in grid order.
pub fn summary_csv(sweep: &Sweep, stats: &[CombinationStats], decision: &Decision) -> String {
    let mut header = path_headers(sweep);
    header.push(REPLICAS.to_string());
    for name in sweep.figures.names() {
        header.extend([mean_column(&name), ci_low_column(&name), ci_high_column(&name)]);
    }
    header.push(FEASIBLE.to_string());
    let mut rows = vec![header];
    for (c, s) in stats.iter().enumerate() {
        let mut row = setting_cells(sweep, s.combination);
        row.push(sweep.plan.replicas().to_string());
        for (f, i) in sweep.figures.figures().iter().zip(&s.intervals) {
            match i {
                Some(i) => row.extend([f.format(i.mean), f.format(i.low), f.format(i.high)]),
                None => row.extend([String::new(), String::new(), String::new()]),
            }
        }
        row.push(decision.feasible[c].to_string());
        rows.push(row);
    }
    csv_text(rows)
}
