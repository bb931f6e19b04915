//! Parameter sweeps: a grid of `--set` overrides run with replicates, the figures of each run,
//! their replicate means and 95 % intervals, the best setting under constraints, sharding across
//! machines and merging the shards back.
//!
//! This layer decides and formats; it runs nothing and touches no file. `cli::sweep` loads the
//! scenario once per run with [`Sweep::overrides`], runs the engine, measures each run's summary
//! with [`FigureSet::measure`], and writes what [`report::report`] makes.
//!
//! - `grid` and `range`: `--vary PATH=V1,V2` and `PATH=40..80:10`, combinations in grid order
//!   (the first axis varies slowest).
//! - `seeds` and `plan`: replicate seeds (common random numbers) and the numbered runs.
//! - `figures`, `stats`, `constraint`, `decision`: what is measured, means and intervals,
//!   `--where`, and the best combination (ties to the earliest in grid order).
//! - `tables`, `best`, `report`: `sweep.csv`, `sweep_summary.csv`, `best.json`, stdout.
//! - `shard`, `shard_rows`, `manifest`, `merge`: shard `i` of `n` runs the runs `≡ i (mod n)`,
//!   writes `runs.csv` and `shard.json`; a merge writes what one machine would have.

pub mod best;
pub mod constraint;
pub mod decision;
pub mod definition;
pub mod figures;
pub mod grid;
pub mod manifest;
pub mod merge;
pub mod plan;
pub mod range;
pub mod report;
pub mod seeds;
pub mod shard;
pub mod shard_rows;
pub mod stats;
pub mod tables;

pub use definition::{Definition, ObjectiveSpec, Sweep};
pub use figures::{FigureSet, RunFigures};

/// One row per run: the varied paths, `replica`, `seed`, the figures.
pub const SWEEP_CSV: &str = "sweep.csv";
/// One row per combination: the varied paths, `replicas`, each figure's mean and 95 % interval,
/// `feasible`.
pub const SUMMARY_CSV: &str = "sweep_summary.csv";
/// The objective, the constraints and the best combination (or why there is none).
pub const BEST_JSON: &str = "best.json";
/// A shard's runs, exact, with their run index.
pub const RUNS_CSV: &str = "runs.csv";
/// A shard's manifest.
pub const SHARD_JSON: &str = "shard.json";
/// Under a sweep's output directory with `--keep-runs`: `runs/<index>/` per run.
pub const RUNS_DIR: &str = "runs";
