//! A sweep's definition (what a shard manifest records, and all a merge needs) and the sweep
//! made from it: grid, plan, figures, objective and constraints, checked.

use serde::{Deserialize, Serialize};

use super::constraint::{Constraint, parse_where};
use super::decision::{Direction, Objective};
use super::figures::FigureSet;
use super::grid::{Axis, Grid};
use super::plan::{Plan, Run};

/// The figure a sweep optimises, as written: `{"minimize": "cost_usd"}` in JSON.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectiveSpec {
    /// Minimize or maximize.
    pub direction: Direction,
    /// The figure's name.
    pub figure: String,
}

impl ObjectiveSpec {
    /// The default objective: minimize `cost_usd`.
    pub fn default_cost() -> ObjectiveSpec {
        ObjectiveSpec {
            direction: Direction::Minimize,
            figure: "cost_usd".into(),
        }
    }
}

/// Everything that decides a sweep's runs and its results, independent of the machine.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Definition {
    /// The scenario's name.
    pub scenario: String,
    /// The varied paths and their values.
    pub axes: Vec<Axis>,
    /// Replicates per combination.
    pub replicas: u32,
    /// The scenario's seed (replicate 0's).
    pub seed: u64,
    /// `--sample N`, if given.
    pub sample: Option<usize>,
    /// What to optimise.
    pub objective: ObjectiveSpec,
    /// The constraints, one `FIG OP NUMBER` each.
    pub constraints: Vec<String>,
    /// The figures measured, in column order.
    pub figures: Vec<String>,
}

/// A checked definition with everything derived from it.
#[derive(Clone, Debug)]
pub struct Sweep {
    /// The definition.
    pub definition: Definition,
    /// The grid of the axes.
    pub grid: Grid,
    /// The runs.
    pub plan: Plan,
    /// The figures.
    pub figures: FigureSet,
    /// The objective, resolved.
    pub objective: Objective,
    /// The constraints, resolved.
    pub constraints: Vec<Constraint>,
}

impl Sweep {
    /// Checks `definition`: the grid's size, the replicas and sample, and that the objective
    /// and constraints name figures of the sweep (an error lists them).
    pub fn new(definition: Definition) -> Result<Sweep, String> {
        let grid = Grid::new(definition.axes.clone())?;
        let plan = Plan::new(grid.len(), definition.replicas, definition.seed, definition.sample)?;
        let figures = FigureSet::from_names(&definition.figures)?;
        let objective = Objective {
            direction: definition.objective.direction,
            figure: figures
                .index(&definition.objective.figure)
                .map_err(|e| format!("--{}: {e}", definition.objective.direction.word()))?,
        };
        let mut constraints = Vec::new();
        for text in &definition.constraints {
            constraints.extend(parse_where(text, &figures)?);
        }
        let definition = Definition {
            constraints: constraints.iter().map(Constraint::text).collect(),
            ..definition
        };
        Ok(Sweep {
            definition,
            grid,
            plan,
            figures,
            objective,
            constraints,
        })
    }

    /// How many runs.
    pub fn run_count(&self) -> usize {
        self.plan.run_count()
    }

    /// Run `index`.
    pub fn run(&self, index: usize) -> Run {
        self.plan.run(index)
    }

    /// The `--set` overrides of run `index`: its combination's values, then its seed.
    pub fn overrides(&self, index: usize) -> Vec<(String, String)> {
        let run = self.run(index);
        let mut sets = self.grid.overrides(run.combination);
        sets.push(("seed".into(), run.seed.to_string()));
        sets
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::grid::axis;

    fn definition() -> Definition {
        Definition {
            scenario: "s".into(),
            axes: vec![axis("a", &["1".into(), "2".into()]).expect("axis")],
            replicas: 2,
            seed: 42,
            sample: None,
            objective: ObjectiveSpec::default_cost(),
            constraints: vec!["unserved_fraction<0.01 and peak_running <= 4".into()],
            figures: FigureSet::for_services(&[("web".into(), false)]).names(),
        }
    }

    #[test]
    fn constraints_are_split_and_written_one_per_entry() {
        let sweep = Sweep::new(definition()).expect("valid");
        assert_eq!(
            sweep.definition.constraints,
            ["unserved_fraction < 0.01", "peak_running <= 4"]
        );
        assert_eq!(sweep.run_count(), 4);
        assert_eq!(
            sweep.overrides(3),
            [
                ("a".into(), "2".into()),
                ("seed".into(), crate::sweep::seeds::replicate_seed(42, 1).to_string())
            ]
        );
        // Written again, the definition reads the same.
        assert_eq!(
            Sweep::new(sweep.definition.clone()).expect("valid").definition,
            sweep.definition
        );
    }

    #[test]
    fn an_unknown_objective_lists_the_figures() {
        let mut d = definition();
        d.objective = ObjectiveSpec {
            direction: Direction::Maximize,
            figure: "throughput".into(),
        };
        let err = Sweep::new(d).expect_err("unknown");
        assert!(
            err.starts_with("--maximize: unknown figure `throughput`; the figures of this sweep are: cost_usd"),
            "{err}"
        );
    }
}
