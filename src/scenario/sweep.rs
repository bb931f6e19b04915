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
        if items.is_empty() {
            d.error(
                value.loc,
                &path,
                "no values to vary",
                Some("e.g. `[2, 4, 8]` or `\"40..80:10\"`".into()),
            );
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
