//! Which combination is best: the best replicate mean of the objective among the combinations
//! whose means meet every constraint. Ties go to the earliest combination in grid order.

use super::constraint::Constraint;

/// Whether the objective is to be small or large.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Smaller is better.
    Minimize,
    /// Larger is better.
    Maximize,
}

impl Direction {
    /// `minimize` or `maximize`.
    pub fn word(self) -> &'static str {
        match self {
            Direction::Minimize => "minimize",
            Direction::Maximize => "maximize",
        }
    }

    fn better(self, a: f64, b: f64) -> bool {
        match self {
            Direction::Minimize => a < b,
            Direction::Maximize => a > b,
        }
    }
}

/// The figure to optimise.
#[derive(Clone, Debug, PartialEq)]
pub struct Objective {
    /// Minimize or maximize.
    pub direction: Direction,
    /// Index of the figure.
    pub figure: usize,
}

/// The decision over the combinations (indices are positions in the list of combinations).
#[derive(Clone, Debug, PartialEq)]
pub struct Decision {
    /// Whether each combination's means meet every constraint.
    pub feasible: Vec<bool>,
    /// The best feasible combination with a mean of the objective.
    pub best: Option<usize>,
    /// When none is feasible: the one that came closest (the most constraints met, then the
    /// smallest sum of relative misses, then the earliest).
    pub closest: Option<usize>,
}

/// Decides over `means[c][f]`, the replicate mean of figure `f` of combination `c` (`None` when
/// no replicate has it).
pub fn decide(means: &[Vec<Option<f64>>], objective: &Objective, constraints: &[Constraint]) -> Decision {
    let feasible: Vec<bool> = means
        .iter()
        .map(|m| constraints.iter().all(|c| c.holds(m[c.figure])))
        .collect();
    let mut best: Option<(usize, f64)> = None;
    for (i, m) in means.iter().enumerate() {
        let Some(v) = m[objective.figure].filter(|_| feasible[i]) else {
            continue;
        };
        if best.is_none_or(|(_, b)| objective.direction.better(v, b)) {
            best = Some((i, v));
        }
    }
    let closest = if feasible.iter().any(|f| *f) {
        None
    } else {
        let score = |m: &Vec<Option<f64>>| {
            let met = constraints.iter().filter(|c| c.holds(m[c.figure])).count();
            let miss: f64 = constraints.iter().map(|c| c.miss(m[c.figure])).sum();
            (met, miss)
        };
        let mut closest: Option<(usize, (usize, f64))> = None;
        for (i, m) in means.iter().enumerate() {
            let s = score(m);
            let closer = closest.is_none_or(|(_, (met, miss))| s.0 > met || (s.0 == met && s.1 < miss));
            if closer {
                closest = Some((i, s));
            }
        }
        closest.map(|(i, _)| i)
    };
    Decision {
        feasible,
        best: best.map(|(i, _)| i),
        closest,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::constraint::parse_where;
    use crate::sweep::figures::FigureSet;

    /// Figures 0 = cost_usd, 3 = unserved_fraction, 4 = peak_running of a one-service sweep.
    fn table(rows: &[(f64, f64, u32)]) -> Vec<Vec<Option<f64>>> {
        rows.iter()
            .map(|(cost, unserved, running)| {
                let mut m = vec![Some(0.0); 10];
                m[0] = Some(*cost);
                m[3] = Some(*unserved);
                m[4] = Some(f64::from(*running));
                m
            })
            .collect()
    }

    fn constraints(text: &str) -> Vec<Constraint> {
        parse_where(text, &FigureSet::for_services(&[("web".into(), false)])).expect("valid")
    }

    const MIN_COST: Objective = Objective {
        direction: Direction::Minimize,
        figure: 0,
    };

    #[test]
    fn the_cheapest_feasible_combination_wins() {
        let means = table(&[(10.0, 0.010, 4), (14.0, 0.001, 6), (12.0, 0.0019, 5), (20.0, 0.0, 9)]);
        let d = decide(&means, &MIN_COST, &constraints("unserved_fraction < 0.002"));
        assert_eq!(d.feasible, [false, true, true, true]);
        assert_eq!((d.best, d.closest), (Some(2), None));
        // Without constraints, the cheapest of all.
        assert_eq!(decide(&means, &MIN_COST, &[]).best, Some(0));
        // Maximizing.
        let most_running = Objective {
            direction: Direction::Maximize,
            figure: 4,
        };
        assert_eq!(decide(&means, &most_running, &[]).best, Some(3));
    }

    #[test]
    fn ties_go_to_the_earliest_combination() {
        let means = table(&[(15.0, 0.0, 4), (12.0, 0.0, 5), (12.0, 0.0, 6)]);
        assert_eq!(decide(&means, &MIN_COST, &[]).best, Some(1));
        let max_cost = Objective {
            direction: Direction::Maximize,
            figure: 0,
        };
        let means = table(&[(12.0, 0.0, 4), (15.0, 0.0, 5), (15.0, 0.0, 6)]);
        assert_eq!(decide(&means, &max_cost, &[]).best, Some(1));
    }

    #[test]
    fn with_none_feasible_the_closest_is_named() {
        let means = table(&[(10.0, 0.05, 4), (14.0, 0.004, 30), (12.0, 0.003, 25), (11.0, 0.003, 12)]);
        let d = decide(
            &means,
            &MIN_COST,
            &constraints("unserved_fraction < 0.002 and peak_running <= 20"),
        );
        assert_eq!(d.feasible, [false; 4]);
        assert_eq!(d.best, None);
        // Combinations 0 and 3 meet one of two; 3 misses by 0.5 (relative), 0 by 24.
        assert_eq!(d.closest, Some(3));
    }

    #[test]
    fn a_missing_mean_is_never_feasible_nor_best() {
        let mut means = table(&[(10.0, 0.0, 4), (12.0, 0.0, 5)]);
        means[0][0] = None;
        assert_eq!(decide(&means, &MIN_COST, &[]).best, Some(1));
        means[1][0] = None;
        let d = decide(&means, &MIN_COST, &[]);
        assert_eq!((d.best, d.closest), (None, None));
    }
}
