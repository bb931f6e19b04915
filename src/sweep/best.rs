//! `best.json` and the lines printed on stdout: the best setting with its figures and 95 %
//! intervals, or why no combination qualifies and which came closest.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

use super::decision::Decision;
use super::definition::Sweep;
use super::tables::CombinationStats;

/// A JSON value whose objects keep their keys in the order built (serde_json's own map sorts).
enum Json {
    Plain(Value),
    Object(Vec<(String, Json)>),
}

impl Serialize for Json {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Json::Plain(v) => v.serialize(s),
            Json::Object(entries) => {
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

fn object(entries: Vec<(&str, Json)>) -> Json {
    Json::Object(entries.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// A figure's value as the CSV files write it, as a JSON number.
fn number(sweep: &Sweep, figure: usize, v: f64) -> Value {
    let text = sweep.figures.figures()[figure].format(v);
    text.parse::<f64>().map_or(Value::Null, Value::from)
}

/// `{"setting": {...}, "figures": {F: {"mean", "ci_low", "ci_high"}}}` of one combination.
fn combination(sweep: &Sweep, s: &CombinationStats) -> Json {
    let setting = sweep
        .grid
        .setting(s.combination)
        .into_iter()
        .map(|(p, v)| (p.to_string(), Json::Plain(Value::from(v))))
        .collect();
    let figures = sweep
        .figures
        .figures()
        .iter()
        .enumerate()
        .map(|(f, figure)| {
            let at = |pick: fn(&super::stats::Interval) -> f64| {
                Json::Plain(s.intervals[f].map_or(Value::Null, |i| number(sweep, f, pick(&i))))
            };
            let entry = object(vec![
                ("mean", at(|i| i.mean)),
                ("ci_low", at(|i| i.low)),
                ("ci_high", at(|i| i.high)),
            ]);
            (figure.name.clone(), entry)
        })
        .collect();
    object(vec![
        ("setting", Json::Object(setting)),
        ("figures", Json::Object(figures)),
    ])
}

/// Why no combination qualifies: a sentence naming the constraints and the closest combination.
pub fn reason(sweep: &Sweep, stats: &[CombinationStats], decision: &Decision) -> String {
    let objective = &sweep.definition.objective.figure;
    let why = "(a deployment that never completed has no duration)";
    if sweep.constraints.is_empty() {
        return format!("no combination has a value of {objective} {why}");
    }
    if decision.feasible.iter().any(|f| *f) {
        return format!("no combination that meets the constraints has a value of {objective} {why}");
    }
    let all = sweep.definition.constraints.join(" and ");
    let Some(c) = decision.closest else {
        return format!("no combination meets {all}");
    };
    let means = stats[c].means();
    let met = sweep.constraints.iter().filter(|k| k.holds(means[k.figure])).count();
    let missed: Vec<String> = sweep
        .constraints
        .iter()
        .filter(|k| !k.holds(means[k.figure]))
        .map(|k| {
            let value = means[k.figure].map_or("no value".to_string(), |v| sweep.figures.figures()[k.figure].format(v));
            format!("{} = {value}, needs {} {}", k.name, k.op.symbol(), k.threshold_text)
        })
        .collect();
    format!(
        "no combination meets {all}; the closest is {} (meets {met} of {}: {})",
        sweep.grid.describe(stats[c].combination),
        sweep.constraints.len(),
        missed.join("; ")
    )
}

/// `best.json`: the objective, the constraints, the replicas and combinations, and the best
/// combination (or `null` with a `reason` and the `closest` combination).
pub fn best_json(sweep: &Sweep, stats: &[CombinationStats], decision: &Decision) -> String {
    let d = &sweep.definition;
    let mut entries = vec![
        (
            "objective",
            object(vec![(
                d.objective.direction.word(),
                Json::Plain(Value::from(d.objective.figure.clone())),
            )]),
        ),
        ("where", Json::Plain(Value::from(d.constraints.clone()))),
        ("replicas", Json::Plain(Value::from(d.replicas))),
        ("combinations", Json::Plain(Value::from(stats.len()))),
    ];
    match decision.best {
        Some(b) => entries.push(("best", combination(sweep, &stats[b]))),
        None => {
            entries.push(("best", Json::Plain(Value::Null)));
            entries.push(("reason", Json::Plain(Value::from(reason(sweep, stats, decision)))));
            if let Some(c) = decision.closest {
                entries.push(("closest", combination(sweep, &stats[c])));
            }
        }
    }
    serde_json::to_string_pretty(&object(entries)).expect("JSON of strings and numbers serializes") + "\n"
}

/// What stdout shows: the best setting and its figures with 95 % intervals, or the reason.
pub fn stdout_text(sweep: &Sweep, stats: &[CombinationStats], decision: &Decision) -> String {
    let d = &sweep.definition;
    let mut goal = format!("{} {}", d.objective.direction.word(), d.objective.figure);
    if !d.constraints.is_empty() {
        goal.push_str(&format!(" where {}", d.constraints.join(" and ")));
    }
    let runs = format!("{} combination(s) x {} replica(s), {goal}", stats.len(), d.replicas);
    let Some(b) = decision.best else {
        return format!("No best setting ({runs}): {}.\n", reason(sweep, stats, decision));
    };
    let s = &stats[b];
    let mut out = format!("Best setting ({runs}):\n");
    let setting = sweep.grid.setting(s.combination);
    if setting.is_empty() {
        out.push_str("  the scenario as it is\n");
    }
    for (p, v) in setting {
        out.push_str(&format!("  {p} = {v}\n"));
    }
    let width = sweep.figures.figures().iter().map(|f| f.name.len()).max().unwrap_or(0);
    for (f, figure) in sweep.figures.figures().iter().enumerate() {
        let line = match s.intervals[f] {
            Some(i) => format!(
                "{}  (95% interval {} to {})",
                figure.format(i.mean),
                figure.format(i.low),
                figure.format(i.high)
            ),
            None => "no value".to_string(),
        };
        out.push_str(&format!("  {:width$}  {line}\n", figure.name));
    }
    out
}
