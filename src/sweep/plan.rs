//! The runs of a sweep, numbered: run `index` is replica `index % replicas` of the
//! `index / replicas`-th combination chosen (all of the grid, or a `--sample` of it, in grid
//! order).

use rand::Rng;

use super::grid::MAX_RUNS;
use super::seeds::replicate_seed;
use crate::sim::RngStreams;

/// Most replicates per combination.
pub const MAX_REPLICAS: u32 = 10_000;

/// The name of the random stream `--sample` draws from (seeded from the scenario's seed).
const SAMPLE_STREAM: &str = "sweep-sample";

/// One run of a sweep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Run {
    /// Position in run order (combination order, then replica), from 0.
    pub index: usize,
    /// Index of the combination in the grid.
    pub combination: usize,
    /// Replicate number, from 0.
    pub replica: u32,
    /// The run's seed: [`replicate_seed`] of the scenario's seed and `replica`.
    pub seed: u64,
}

/// Which combinations run, how many times, with which seeds.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    combinations: Vec<usize>,
    replicas: u32,
    base_seed: u64,
}

impl Plan {
    /// The plan of a grid of `grid_len` combinations: all of them, or `sample` of them chosen at
    /// random from the scenario's seed, each run `replicas` times.
    pub fn new(grid_len: usize, replicas: u32, base_seed: u64, sample: Option<usize>) -> Result<Plan, String> {
        if !(1..=MAX_REPLICAS).contains(&replicas) {
            return Err(format!(
                "--replicas must be between 1 and {MAX_REPLICAS}, found {replicas}"
            ));
        }
        let combinations = match sample {
            Some(0) => return Err("--sample must be at least 1".into()),
            Some(n) if n < grid_len => sample_combinations(grid_len, n, base_seed),
            _ => (0..grid_len).collect(),
        };
        let runs = combinations.len().saturating_mul(replicas as usize);
        if runs > MAX_RUNS {
            return Err(format!(
                "the sweep has {runs} runs ({} combinations x {replicas} replicas), more than the {MAX_RUNS} allowed",
                combinations.len()
            ));
        }
        Ok(Plan {
            combinations,
            replicas,
            base_seed,
        })
    }

    /// The grid indices of the combinations that run, in grid order.
    pub fn combinations(&self) -> &[usize] {
        &self.combinations
    }

    /// Replicates per combination.
    pub fn replicas(&self) -> u32 {
        self.replicas
    }

    /// How many runs.
    pub fn run_count(&self) -> usize {
        self.combinations.len() * self.replicas as usize
    }

    /// Run `index` (below `run_count`).
    pub fn run(&self, index: usize) -> Run {
        let replicas = self.replicas as usize;
        let replica = (index % replicas) as u32;
        Run {
            index,
            combination: self.combinations[index / replicas],
            replica,
            seed: replicate_seed(self.base_seed, replica),
        }
    }
}

/// `n` of `grid_len` combinations, in grid order: each combination draws a key from the seeded
/// stream in grid order, and the `n` smallest keys win (ties, which need equal 64-bit draws, go
/// to the earlier combination).
fn sample_combinations(grid_len: usize, n: usize, base_seed: u64) -> Vec<usize> {
    let mut rng = RngStreams::new(base_seed).stream(SAMPLE_STREAM);
    let mut keyed: Vec<(u64, usize)> = (0..grid_len).map(|i| (rng.next_u64(), i)).collect();
    keyed.sort_unstable();
    let mut chosen: Vec<usize> = keyed[..n].iter().map(|(_, i)| *i).collect();
    chosen.sort_unstable();
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_go_combination_by_combination_with_replicate_seeds() {
        let plan = Plan::new(3, 2, 42, None).expect("plan");
        assert_eq!(plan.run_count(), 6);
        let runs: Vec<(usize, u32, u64)> = (0..6)
            .map(|i| plan.run(i))
            .map(|r| (r.combination, r.replica, r.seed))
            .collect();
        let s1 = replicate_seed(42, 1);
        assert_eq!(
            runs,
            [(0, 0, 42), (0, 1, s1), (1, 0, 42), (1, 1, s1), (2, 0, 42), (2, 1, s1)]
        );
    }

    #[test]
    fn a_sample_is_seeded_in_grid_order_and_the_whole_grid_when_large_enough() {
        let a = Plan::new(100, 1, 7, Some(10)).expect("plan");
        let b = Plan::new(100, 1, 7, Some(10)).expect("plan");
        let other = Plan::new(100, 1, 8, Some(10)).expect("plan");
        assert_eq!(a.combinations(), b.combinations());
        assert_ne!(a.combinations(), other.combinations());
        assert_eq!(a.combinations().len(), 10);
        assert!(
            a.combinations().windows(2).all(|w| w[0] < w[1]),
            "grid order, no repeats"
        );
        assert_eq!(Plan::new(4, 1, 7, Some(9)).expect("plan").combinations(), [0, 1, 2, 3]);
    }

    #[test]
    fn bad_counts_are_errors() {
        assert!(
            Plan::new(3, 0, 1, None)
                .expect_err("0")
                .contains("--replicas must be between 1")
        );
        assert!(
            Plan::new(3, 1, 1, Some(0))
                .expect_err("0")
                .contains("--sample must be at least 1")
        );
        assert!(
            Plan::new(MAX_RUNS, 2, 1, None)
                .expect_err("big")
                .contains("more than the 1000000")
        );
    }
}
