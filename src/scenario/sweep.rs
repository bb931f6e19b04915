//! `sweep`: the settings of `ecsim sweep` kept with the scenario, so a study can be rerun with
//! `ecsim sweep FILE` alone. The reader only reads them; `cli::sweep` checks them against the
//! sweep (ranges, figure names) and lets command-line flags override them.
//!
//! ```yaml
//! sweep:
//!   vary:
//!     ecs.services[0].desiredCount: [2, 4, 8]
//!     applicationAutoScaling.scalingPolicies[0].TargetTrackingScalingPolicyConfiguration.TargetValue: "40..80:10"
//!   replicas: 5
//!   minimize: cost_usd
//!   where: unserved_fraction < 0.002
//! ```

use super::diag::Diagnostics;
use super::reader::{Obj, as_list, as_string, join, object};
use super::schema::recorder::Scalar;
use super::yaml::{Loc, Node, Value};

/// Most replicates per combination (as `--replicas` allows).
const MAX_REPLICAS: i64 = 10_000;
/// Most combinations a sample may take (a sweep has at most a million runs).
const MAX_SAMPLE: i64 = 1_000_000;

/// One varied path of `sweep.vary`.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepVary {
    /// The `--set` path, as written.
    pub path: String,
    /// Its values as texts, each a value or a range such as `40..80:10`.
    pub items: Vec<String>,
    /// Where the path is written.
    pub loc: Loc,
}

/// The `sweep` block.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepBlock {
    /// `vary`, in the order written.
    pub vary: Vec<SweepVary>,
    /// `replicas`.
    pub replicas: Option<u32>,
    /// `minimize: FIG` as `("minimize", FIG)`, or `maximize`.
    pub objective: Option<(&'static str, String)>,
    /// `where`: one string or a list, each `FIG OP NUMBER [and ...]`.
    pub constraints: Vec<String>,
    /// `sample`.
    pub sample: Option<usize>,
    /// Where the block is.
    pub loc: Loc,
}

/// Any scalar: a value of `vary` is the text a `--set` would take.
fn record_any_scalar(d: &mut Diagnostics, pattern: &str) {
    if let Some(r) = d.schema.as_mut() {
        r.scalar(pattern, Scalar::String);
        r.scalar(
            pattern,
            Scalar::Number {
                min: f64::MIN,
                max: f64::MAX,
            },
        );
        r.scalar(pattern, Scalar::Boolean);
    }
}

/// The text of a scalar value of `vary` (a list or mapping must be quoted, as with `--set`).
fn value_text(n: &Node, path: &str, d: &mut Diagnostics) -> Option<String> {
    match &n.value {
        Value::Scalar { text, .. } => Some(text.clone()),
        _ => {
            d.error(
                n.loc,
                path,
                format!("expected a value, found {}", n.kind_words()),
                Some("write a list or mapping value as a quoted string, e.g. \"[a, b]\", as --set takes it".into()),
            );
            None
        }
    }
}

fn read_vary(node: Option<&Node>, d: &mut Diagnostics) -> Vec<SweepVary> {
    record_any_scalar(d, "sweep.vary.*");
    if let Some(r) = d.schema.as_mut() {
        r.list("sweep.vary.*");
    }
    record_any_scalar(d, "sweep.vary.*[]");
    let Some(node) = node else { return Vec::new() };
    let Value::Map(entries) = &node.value else {
        d.error(
            node.loc,
            "sweep.vary",
            format!(
                "expected a mapping from a --set path to its values, found {}",
                node.kind_words()
            ),
            Some("e.g. `vary: {ecs.services[0].desiredCount: [2, 4, 8]}`".into()),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, value) in entries {
        let path = join("sweep.vary", &key.name);
        let items: Vec<String> = match &value.value {
            Value::Seq(items) => items
                .iter()
                .enumerate()
                .filter_map(|(i, item)| value_text(item, &format!("{path}[{i}]"), d))
                .collect(),
            _ => value_text(value, &path, d).into_iter().collect(),
        };
        if matches!(&value.value, Value::Seq(list) if list.is_empty()) {
            d.error(
                value.loc,
                &path,
                "no values to vary",
                Some("e.g. `[2, 4, 8]` or `\"40..80:10\"`".into()),
            );
        }
        if items.is_empty() {
            continue;
        }
        out.push(SweepVary {
            path: key.name.clone(),
            items,
            loc: key.loc,
        });
    }
    out
}

/// `where`: a string, or a list of strings all to be met.
fn read_where(o: &mut Obj<'_>, d: &mut Diagnostics) -> Vec<String> {
    let path = o.child("where");
    if let Some(r) = d.schema.as_mut() {
        r.scalar(&path, Scalar::String);
        r.list(&path);
        r.scalar(&format!("{path}[]"), Scalar::String);
    }
    match o.field("where") {
        None => Vec::new(),
        Some(n) if matches!(n.value, Value::Seq(_)) => as_list(n, &path, d)
            .into_iter()
            .filter_map(|(p, item)| as_string(item, &p, d))
            .collect(),
        Some(n) => as_string(n, &path, d).into_iter().collect(),
    }
}

/// Reads `sweep`, if present.
pub fn read_sweep(node: Option<&Node>, d: &mut Diagnostics) -> Option<SweepBlock> {
    let node = node?;
    let mut o = object(node, "sweep", d)?;
    let vary = read_vary(o.field("vary"), d);
    let replicas = o.int("replicas", 1, MAX_REPLICAS, d).map(|v| v as u32);
    let minimize = o.string("minimize", d);
    let maximize = o.string("maximize", d);
    if minimize.is_some() && maximize.is_some() {
        d.error(
            o.key_loc("maximize"),
            &o.child("maximize"),
            "a sweep either minimizes or maximizes one figure, not both",
            Some("keep minimize or maximize".into()),
        );
    }
    let objective = match (minimize, maximize) {
        (Some(f), _) => Some(("minimize", f)),
        (None, Some(f)) => Some(("maximize", f)),
        (None, None) => None,
    };
    let constraints = read_where(&mut o, d);
    let sample = o.int("sample", 1, MAX_SAMPLE, d).map(|v| v as usize);
    let loc = o.loc;
    o.finish(d);
    Some(SweepBlock {
        vary,
        replicas,
        objective,
        constraints,
        sample,
        loc,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::yaml::parse;

    fn read(text: &str) -> (Option<SweepBlock>, Vec<String>) {
        let tree = parse(text, 0).expect("yaml");
        let mut d = Diagnostics::default();
        let block = read_sweep(tree.get("sweep"), &mut d);
        (
            block,
            d.errors.iter().map(|e| format!("{}: {}", e.path, e.message)).collect(),
        )
    }

    #[test]
    fn reads_paths_in_order_with_lists_ranges_and_constraints() {
        let (block, errors) = read(
            "sweep:\n  vary:\n    b.c[0]: [2, 4]\n    a: \"40..80:10\"\n  replicas: 3\n  maximize: peak_running\n  where: cost_usd < 3\n",
        );
        assert!(errors.is_empty(), "{errors:?}");
        let block = block.expect("a block");
        let vary: Vec<(&str, Vec<&str>)> = block
            .vary
            .iter()
            .map(|v| (v.path.as_str(), v.items.iter().map(String::as_str).collect()))
            .collect();
        assert_eq!(vary, [("b.c[0]", vec!["2", "4"]), ("a", vec!["40..80:10"])]);
        assert_eq!(block.vary[0].loc.line, 3);
        assert_eq!(block.replicas, Some(3));
        assert_eq!(block.objective, Some(("maximize", "peak_running".to_string())));
        assert_eq!(block.constraints, ["cost_usd < 3"]);
        let (block, _) = read("sweep:\n  where: [cost_usd < 3, peak_running <= 4]\n");
        assert_eq!(block.expect("a block").constraints.len(), 2);
    }

    #[test]
    fn mistakes_are_errors_with_their_path() {
        let (_, errors) = read(
            "sweep:\n  vary:\n    a: [[1, 2]]\n    b: []\n  minimize: x\n  maximize: y\n  replicas: 0\n  repeats: 2\n",
        );
        assert_eq!(
            errors,
            [
                "sweep.vary.a[0]: expected a value, found a list",
                "sweep.vary.b: no values to vary",
                "sweep.replicas: 0 is out of range: expected 1 to 10000",
                "sweep.maximize: a sweep either minimizes or maximizes one figure, not both",
                "sweep.repeats: unknown field `repeats`",
            ],
        );
        let (_, errors) = read("sweep:\n  vary: [a, b]\n");
        assert_eq!(
            errors,
            ["sweep.vary: expected a mapping from a --set path to its values, found a list"]
        );
    }
}
