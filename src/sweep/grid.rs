//! The grid of a sweep: the varied `--set` paths with their values, and the combinations in a
//! fixed order (the first axis varies slowest, like nested loops written in the order given).

use serde::{Deserialize, Serialize};

use super::range::{expand_range, looks_like_range};

/// Most runs one sweep may have (combinations times replicas).
pub const MAX_RUNS: usize = 1_000_000;

/// One varied setting: a `--set` path and its values, in the order given.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Axis {
    /// The path exactly as given (`ecs.services[0].desiredCount`): the column header too.
    pub path: String,
    /// The values, each the text a `--set PATH=VALUE` would take.
    pub values: Vec<String>,
}

/// Splits a list of values at the commas outside brackets and braces, so `[a, b],{x: 1, y: 2}`
/// is two values.
pub fn split_values(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (mut depth, mut current) = (0i32, String::new());
    for c in text.chars() {
        match c {
            '[' | '{' => depth += 1,
            ']' | '}' => depth -= 1,
            ',' if depth <= 0 => {
                out.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    out.push(current);
    out.into_iter().map(|v| v.trim().to_string()).collect()
}

/// The axis of `path` from its items: each a value or a range (`40..80:10`), expanded in place.
/// Errors name the path; a value given twice and an empty value are errors.
pub fn axis(path: &str, items: &[String]) -> Result<Axis, String> {
    let path = path.trim();
    if path.is_empty() {
        return Err("a varied path is empty: write PATH=V1,V2,... e.g. ecs.services[0].desiredCount=2,4".into());
    }
    if path == "seed" {
        return Err(
            "`seed` cannot be varied: each replicate has its own seed, derived from the scenario's; \
             use --replicas N (and --seed N to change the scenario's seed)"
                .into(),
        );
    }
    let mut values: Vec<String> = Vec::new();
    for item in items {
        let expanded = if looks_like_range(item) {
            expand_range(item).map_err(|e| format!("{path}: {e}"))?
        } else {
            vec![item.clone()]
        };
        for v in expanded {
            if v.is_empty() {
                return Err(format!(
                    "{path}: a value is empty (two commas in a row, or a trailing comma?)"
                ));
            }
            if values.contains(&v) {
                return Err(format!("{path}: the value `{v}` is listed twice"));
            }
            values.push(v);
        }
    }
    if values.is_empty() {
        return Err(format!("{path}: no values to vary"));
    }
    Ok(Axis {
        path: path.to_string(),
        values,
    })
}

/// Reads a `--vary PATH=V1,V2,...` argument.
pub fn parse_vary(arg: &str) -> Result<Axis, String> {
    let (path, values) = crate::spec::split_assignment(arg).ok_or_else(|| {
        format!("--vary expects PATH=V1,V2,... or PATH=START..END:STEP, e.g. --vary ecs.services[0].desiredCount=2,4,8; found `{arg}`")
    })?;
    axis(path, &split_values(values)).map_err(|e| format!("--vary {e}"))
}

/// The full grid of the axes.
#[derive(Clone, Debug, PartialEq)]
pub struct Grid {
    axes: Vec<Axis>,
    len: usize,
}

impl Grid {
    /// The grid of `axes` (none: one combination, the scenario as it is). A path varied twice,
    /// or more than [`MAX_RUNS`] combinations, is an error.
    pub fn new(axes: Vec<Axis>) -> Result<Grid, String> {
        for (i, a) in axes.iter().enumerate() {
            if axes[..i].iter().any(|b| b.path == a.path) {
                return Err(format!("the path `{}` is varied twice", a.path));
            }
        }
        let len = axes
            .iter()
            .try_fold(1usize, |n, a| n.checked_mul(a.values.len()).filter(|n| *n <= MAX_RUNS))
            .ok_or_else(|| format!("the grid has more than {MAX_RUNS} combinations"))?;
        Ok(Grid { axes, len })
    }

    /// The axes, in the order given.
    pub fn axes(&self) -> &[Axis] {
        &self.axes
    }

    /// How many combinations.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the grid has no combination (never: no axes is one combination).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Combination `index`'s value of each axis: the last axis varies fastest.
    pub fn setting(&self, index: usize) -> Vec<(&str, &str)> {
        let mut rest = index;
        let mut out: Vec<(&str, &str)> = self
            .axes
            .iter()
            .rev()
            .map(|a| {
                let v = &a.values[rest % a.values.len()];
                rest /= a.values.len();
                (a.path.as_str(), v.as_str())
            })
            .collect();
        out.reverse();
        out
    }

    /// Combination `index` as `--set` overrides.
    pub fn overrides(&self, index: usize) -> Vec<(String, String)> {
        self.setting(index)
            .into_iter()
            .map(|(p, v)| (p.to_string(), v.to_string()))
            .collect()
    }

    /// Combination `index` for people: `a=1, b=x` (`the scenario as it is` without axes).
    pub fn describe(&self, index: usize) -> String {
        let setting = self.setting(index);
        if setting.is_empty() {
            return "the scenario as it is".to_string();
        }
        setting
            .iter()
            .map(|(p, v)| format!("{p}={v}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn values_split_at_top_level_commas_and_ranges_expand() {
        assert_eq!(split_values("1, 2,3"), ["1", "2", "3"]);
        assert_eq!(split_values("[a, b],{x: 1, y: 2}"), ["[a, b]", "{x: 1, y: 2}"]);
        let a = parse_vary("x.y[0].z=1,10..30:10,64").expect("valid");
        assert_eq!(a.path, "x.y[0].z");
        assert_eq!(a.values, ["1", "10", "20", "30", "64"]);
        let a = parse_vary("ecs.services[name=web].desiredCount=2,4").expect("valid");
        assert_eq!(a.path, "ecs.services[name=web].desiredCount");
        assert_eq!(a.values, ["2", "4"]);
    }

    #[test]
    fn bad_vary_arguments_are_errors_naming_the_path() {
        let err = |a: &str| parse_vary(a).expect_err("invalid");
        assert!(err("desiredCount").contains("--vary expects PATH=V1,V2"));
        assert!(err("a=1,,2").contains("a: a value is empty"));
        assert!(err("a=1,2,1").contains("the value `1` is listed twice"));
        assert!(err("a=1..5:0").contains("a: the step of the range"));
        assert!(err("seed=1,2").contains("use --replicas N"));
        assert!(err("=1,2").contains("a varied path is empty"));
    }

    #[test]
    fn the_first_axis_varies_slowest() {
        let grid = Grid::new(vec![
            axis("a", &strings(&["1", "2"])).expect("a"),
            axis("b", &strings(&["x", "y", "z"])).expect("b"),
        ])
        .expect("grid");
        assert_eq!(grid.len(), 6);
        let all: Vec<String> = (0..grid.len()).map(|i| grid.describe(i)).collect();
        assert_eq!(
            all,
            ["a=1, b=x", "a=1, b=y", "a=1, b=z", "a=2, b=x", "a=2, b=y", "a=2, b=z"]
        );
        assert_eq!(grid.overrides(4), [("a".into(), "2".into()), ("b".into(), "y".into())]);
    }

    #[test]
    fn no_axes_is_one_combination_and_a_path_twice_is_an_error() {
        let grid = Grid::new(Vec::new()).expect("grid");
        assert_eq!((grid.len(), grid.describe(0)), (1, "the scenario as it is".to_string()));
        let twice = Grid::new(vec![
            axis("a", &strings(&["1"])).expect("a"),
            axis("a", &strings(&["2"])).expect("a"),
        ]);
        assert_eq!(twice.expect_err("twice"), "the path `a` is varied twice");
        let huge = (0..7).map(|i| {
            axis(
                &format!("p{i}"),
                &strings(&["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]),
            )
        });
        let huge: Vec<Axis> = huge.collect::<Result<_, _>>().expect("axes");
        assert!(Grid::new(huge).expect_err("too big").contains("more than 1000000"));
    }
}
