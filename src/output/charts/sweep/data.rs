//! A sweep's two output files read into typed values: `sweep_summary.csv` (one row per
//! combination, in grid order) and `best.json` (the question and its answer).
//!
//! The summary's columns are, in order: one per varied scenario path (headed by the path as the
//! user gave it), `replicas`, then `F_mean`, `F_ci_low`, `F_ci_high` for each figure `F`, and
//! last `feasible`. Everything before `replicas` is a path. A malformed file is an error naming
//! the file, line and column; nothing here panics on input.

use std::collections::BTreeMap;

use serde::Deserialize;

/// The file name of the per-combination summary, as errors name it.
pub const SUMMARY_FILE: &str = "sweep_summary.csv";
/// The file name of the answer, as errors name it.
pub const BEST_FILE: &str = "best.json";

/// The column that ends the paths.
const REPLICAS: &str = "replicas";
/// The last column.
const FEASIBLE: &str = "feasible";
/// The suffixes of a figure's three columns, in order.
const SUFFIXES: [&str; 3] = ["_mean", "_ci_low", "_ci_high"];

/// A figure's mean across replicates and its 95 % interval. A cell left empty reads as NaN
/// (a figure a combination has no value for, such as a deployment that never completed).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interval {
    /// Mean across replicates.
    pub mean: f64,
    /// Lower end of the 95 % interval.
    pub low: f64,
    /// Upper end of the 95 % interval.
    pub high: f64,
}

/// One row of `sweep_summary.csv`: a setting of the varied paths and what it gave.
#[derive(Clone, Debug, PartialEq)]
pub struct Combination {
    /// One value per path of [`SweepData::paths`], as the user gave it (`40`, `512`).
    pub values: Vec<String>,
    /// Replicates run for this combination.
    pub replicas: u32,
    /// Each figure's mean and interval, by figure name.
    pub figures: BTreeMap<String, Interval>,
    /// Whether the combination meets every constraint of `where`.
    pub feasible: bool,
}

/// Whether the objective figure should be low or high.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Goal {
    /// Lower is better (`{"minimize": F}`).
    Minimize,
    /// Higher is better (`{"maximize": F}`).
    Maximize,
}

impl Goal {
    /// `minimize` or `maximize`.
    pub fn as_str(self) -> &'static str {
        match self {
            Goal::Minimize => "minimize",
            Goal::Maximize => "maximize",
        }
    }
}

/// What the sweep optimises.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Objective {
    /// Minimize or maximize.
    pub goal: Goal,
    /// The figure, e.g. `cost_usd`.
    pub figure: String,
}

/// A sweep's results: the combinations, the question and the answer.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepData {
    /// The varied scenario paths, as the user gave them, in column order.
    pub paths: Vec<String>,
    /// The figures, in column order (`cost_usd`, `web.unserved_fraction`, ...).
    pub figures: Vec<String>,
    /// One per row, in grid order.
    pub combinations: Vec<Combination>,
    /// What the sweep optimises.
    pub objective: Objective,
    /// The `where` constraints, as written (`unserved_fraction < 0.002`).
    pub constraints: Vec<String>,
    /// Replicates per combination, as `best.json` states it.
    pub replicas: u32,
    /// Index into [`SweepData::combinations`] of the best feasible combination, if any.
    pub best: Option<usize>,
    /// Why no combination qualifies, when `best` is `None`.
    pub reason: Option<String>,
}

/// Input that could not be read, located as precisely as the input allows.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.describe())]
pub struct SweepDataError {
    /// [`SUMMARY_FILE`] or [`BEST_FILE`].
    pub file: &'static str,
    /// 1-based line, when known.
    pub line: Option<u64>,
    /// 1-based column (a CSV field's position, a JSON character's), when known.
    pub column: Option<u64>,
    /// The CSV column's header, when known.
    pub column_name: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl SweepDataError {
    fn describe(&self) -> String {
        let mut place = self.file.to_string();
        if let Some(line) = self.line {
            place.push_str(&format!(" line {line}"));
        }
        if let Some(column) = self.column {
            place.push_str(&format!(", column {column}"));
        }
        if let Some(name) = &self.column_name {
            place.push_str(&format!(" ({name})"));
        }
        format!("{place}: {}", self.message)
    }

    fn summary(line: u64, column: Option<(usize, &str)>, message: impl Into<String>) -> Self {
        SweepDataError {
            file: SUMMARY_FILE,
            line: Some(line),
            column: column.map(|(i, _)| i as u64 + 1),
            column_name: column.map(|(_, name)| name.to_string()),
            message: message.into(),
        }
    }

    /// An error in `best.json` at the first place `needle` occurs in `text`, if it does.
    fn best(text: &str, needle: Option<&str>, message: impl Into<String>) -> Self {
        let (line, column) = needle.and_then(|n| locate(text, n)).unzip();
        SweepDataError {
            file: BEST_FILE,
            line,
            column,
            column_name: None,
            message: message.into(),
        }
    }
}

/// 1-based line and character column of the first occurrence of `needle` in `text`.
fn locate(text: &str, needle: &str) -> Option<(u64, u64)> {
    let at = text.find(needle)?;
    let before = &text[..at];
    let line = before.matches('\n').count() as u64 + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Some((line, text[line_start..at].chars().count() as u64 + 1))
}

/// The header of `sweep_summary.csv`, split by position.
struct Header {
    paths: Vec<String>,
    figures: Vec<String>,
    width: usize,
}

fn parse_header(names: &[String], line: u64) -> Result<Header, SweepDataError> {
    let Some(replicas) = names.iter().position(|n| n == REPLICAS) else {
        return Err(SweepDataError::summary(
            line,
            None,
            format!("the header has no `{REPLICAS}` column (paths come before it, figures after)"),
        ));
    };
    let last = names.len() - 1;
    if names[last] != FEASIBLE {
        return Err(SweepDataError::summary(
            line,
            Some((last, &names[last])),
            format!("the last column must be `{FEASIBLE}`"),
        ));
    }
    let figure_columns = &names[replicas + 1..last];
    if !figure_columns.len().is_multiple_of(3) {
        return Err(SweepDataError::summary(
            line,
            None,
            format!(
                "{} figure columns between `{REPLICAS}` and `{FEASIBLE}`: expected three per figure (F_mean, F_ci_low, F_ci_high)",
                figure_columns.len()
            ),
        ));
    }
    let mut figures: Vec<String> = Vec::new();
    for (k, triple) in figure_columns.chunks(3).enumerate() {
        let first = replicas + 1 + 3 * k;
        let Some(figure) = triple[0].strip_suffix(SUFFIXES[0]).filter(|f| !f.is_empty()) else {
            return Err(SweepDataError::summary(
                line,
                Some((first, &triple[0])),
                "expected a figure's mean column, named F_mean",
            ));
        };
        for (j, suffix) in SUFFIXES.iter().enumerate().skip(1) {
            let expected = format!("{figure}{suffix}");
            if triple[j] != expected {
                return Err(SweepDataError::summary(
                    line,
                    Some((first + j, &triple[j])),
                    format!("expected `{expected}` after `{}`", triple[j - 1]),
                ));
            }
        }
        if figures.iter().any(|f| f == figure) {
            return Err(SweepDataError::summary(
                line,
                Some((first, &triple[0])),
                format!("figure `{figure}` appears twice"),
            ));
        }
        figures.push(figure.to_string());
    }
    if let Some(i) = names[..replicas].iter().position(|p| p.is_empty()) {
        return Err(SweepDataError::summary(
            line,
            Some((i, "")),
            "a path column has no name",
        ));
    }
    Ok(Header {
        paths: names[..replicas].to_vec(),
        figures,
        width: names.len(),
    })
}

fn number(cell: &str, line: u64, column: (usize, &str)) -> Result<f64, SweepDataError> {
    if cell.is_empty() {
        return Ok(f64::NAN);
    }
    cell.parse::<f64>()
        .map_err(|_| SweepDataError::summary(line, Some(column), format!("`{cell}` is not a number")))
}

fn parse_row(header: &Header, names: &[String], cells: &[String], line: u64) -> Result<Combination, SweepDataError> {
    if cells.len() != header.width {
        return Err(SweepDataError::summary(
            line,
            None,
            format!("{} fields, the header has {}", cells.len(), header.width),
        ));
    }
    let at = |i: usize| (i, names[i].as_str());
    let p = header.paths.len();
    let replicas = cells[p]
        .parse::<u32>()
        .map_err(|_| SweepDataError::summary(line, Some(at(p)), format!("`{}` is not a whole number", cells[p])))?;
    let mut figures = BTreeMap::new();
    for (k, figure) in header.figures.iter().enumerate() {
        let i = p + 1 + 3 * k;
        let interval = Interval {
            mean: number(&cells[i], line, at(i))?,
            low: number(&cells[i + 1], line, at(i + 1))?,
            high: number(&cells[i + 2], line, at(i + 2))?,
        };
        figures.insert(figure.clone(), interval);
    }
    let last = header.width - 1;
    let feasible = match cells[last].to_ascii_lowercase().as_str() {
        "true" => true,
        "false" => false,
        other => {
            return Err(SweepDataError::summary(
                line,
                Some(at(last)),
                format!("`{other}` is neither true nor false"),
            ));
        }
    };
    Ok(Combination {
        values: cells[..p].to_vec(),
        replicas,
        figures,
        feasible,
    })
}

type Parsed = (Vec<String>, Vec<String>, Vec<Combination>);

fn parse_summary(text: &str) -> Result<Parsed, SweepDataError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut header: Option<(Header, Vec<String>)> = None;
    let mut combinations = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| SweepDataError {
            file: SUMMARY_FILE,
            line: e.position().map(|p| p.line()),
            column: None,
            column_name: None,
            message: e.to_string(),
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let cells: Vec<String> = record.iter().map(str::to_string).collect();
        match &header {
            None => header = Some((parse_header(&cells, line)?, cells)),
            Some((h, names)) => combinations.push(parse_row(h, names, &cells, line)?),
        }
    }
    let Some((header, _)) = header else {
        return Err(SweepDataError {
            file: SUMMARY_FILE,
            line: None,
            column: None,
            column_name: None,
            message: "the file is empty".into(),
        });
    };
    if combinations.is_empty() {
        return Err(SweepDataError::summary(2, None, "no combinations after the header"));
    }
    Ok((header.paths, header.figures, combinations))
}

/// `best.json` as written.
#[derive(Deserialize)]
struct BestFile {
    objective: ObjectiveJson,
    #[serde(rename = "where", default)]
    constraints: Vec<String>,
    replicas: u32,
    combinations: usize,
    best: Option<BestJson>,
    #[serde(default)]
    reason: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum ObjectiveJson {
    Minimize(String),
    Maximize(String),
}

#[derive(Deserialize)]
struct BestJson {
    /// Path to value; the row's figures are read from the summary, which has the same numbers.
    setting: BTreeMap<String, serde_json::Value>,
}

/// A setting's value as the summary spells it: strings as they are, numbers and booleans as
/// JSON writes them.
fn spelled(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Whether a summary cell and a setting's value are the same value: the same text, or the same
/// number spelled differently (`40` and `40.0`).
fn same_value(cell: &str, value: &str) -> bool {
    cell == value || matches!((cell.parse::<f64>(), value.parse::<f64>()), (Ok(a), Ok(b)) if a == b)
}

fn find_best(text: &str, paths: &[String], rows: &[Combination], best: &BestJson) -> Result<usize, SweepDataError> {
    if let Some(extra) = best.setting.keys().find(|k| !paths.contains(k)) {
        return Err(SweepDataError::best(
            text,
            Some(&format!("\"{extra}\"")),
            format!("best.setting names `{extra}`, which is not a path column of {SUMMARY_FILE}"),
        ));
    }
    if let Some(missing) = paths.iter().find(|p| !best.setting.contains_key(*p)) {
        return Err(SweepDataError::best(
            text,
            Some("\"setting\""),
            format!("best.setting has no value for the path `{missing}`"),
        ));
    }
    let wanted: Vec<String> = paths.iter().map(|p| spelled(&best.setting[p])).collect();
    rows.iter()
        .position(|c| c.values.iter().zip(&wanted).all(|(cell, v)| same_value(cell, v)))
        .ok_or_else(|| {
            let setting: Vec<String> = paths.iter().zip(&wanted).map(|(p, v)| format!("{p}={v}")).collect();
            SweepDataError::best(
                text,
                Some("\"setting\""),
                format!("best.setting ({}) matches no row of {SUMMARY_FILE}", setting.join(", ")),
            )
        })
}

impl SweepData {
    /// Reads `sweep_summary.csv` and `best.json` (their texts) and checks that they agree: the
    /// objective is a figure of the summary, the best setting is one of its rows, and the counts
    /// match.
    pub fn parse(summary_csv: &str, best_json: &str) -> Result<SweepData, SweepDataError> {
        let (paths, figures, combinations) = parse_summary(summary_csv)?;
        let file: BestFile = serde_json::from_str(best_json).map_err(|e| SweepDataError {
            file: BEST_FILE,
            line: Some(e.line() as u64),
            column: Some(e.column() as u64),
            column_name: None,
            message: e.to_string().split(" at line ").next().unwrap_or_default().to_string(),
        })?;
        let objective = match file.objective {
            ObjectiveJson::Minimize(figure) => Objective {
                goal: Goal::Minimize,
                figure,
            },
            ObjectiveJson::Maximize(figure) => Objective {
                goal: Goal::Maximize,
                figure,
            },
        };
        if !figures.contains(&objective.figure) {
            return Err(SweepDataError::best(
                best_json,
                Some(&format!("\"{}\"", objective.figure)),
                format!(
                    "the objective `{}` is not a figure of {SUMMARY_FILE} (figures: {})",
                    objective.figure,
                    figures.join(", ")
                ),
            ));
        }
        if file.combinations != combinations.len() {
            return Err(SweepDataError::best(
                best_json,
                Some("\"combinations\""),
                format!(
                    "combinations is {}, but {SUMMARY_FILE} has {} rows",
                    file.combinations,
                    combinations.len()
                ),
            ));
        }
        let best = match &file.best {
            Some(b) => Some(find_best(best_json, &paths, &combinations, b)?),
            None => None,
        };
        Ok(SweepData {
            paths,
            figures,
            combinations,
            objective,
            constraints: file.constraints,
            replicas: file.replicas,
            best,
            reason: file.reason,
        })
    }

    /// Each path in short form: its last segment (`TargetValue`, `cpu`), or as many trailing
    /// segments as it takes to tell it from the other paths (`taskDefinitions[1].cpu`).
    pub fn short_paths(&self) -> Vec<String> {
        short_names(&self.paths)
    }

    /// The `i`-th combination's setting in short form: `TargetValue=40, cpu=512`.
    pub fn setting_label(&self, i: usize) -> String {
        let values = &self.combinations[i].values;
        self.short_paths()
            .iter()
            .zip(values)
            .map(|(p, v)| format!("{p}={v}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The figure `name` names: itself when the summary has it, else the first per-service
    /// figure of that name (`web.unserved_fraction` for `unserved_fraction`).
    pub fn resolve_figure(&self, name: &str) -> Option<&str> {
        let suffix = format!(".{name}");
        self.figures
            .iter()
            .find(|f| *f == name)
            .or_else(|| self.figures.iter().find(|f| f.ends_with(&suffix)))
            .map(String::as_str)
    }

    /// Whether lower values of `figure` are better: every figure, unless the objective maximizes
    /// it.
    pub fn lower_is_better(&self, figure: &str) -> bool {
        !(self.objective.goal == Goal::Maximize && self.objective.figure == figure)
    }
}

/// The shortest trailing dotted segments of each path that no other path ends with (the whole
/// path when every tail is shared).
pub fn short_names(paths: &[String]) -> Vec<String> {
    let segments: Vec<Vec<&str>> = paths.iter().map(|p| p.split('.').collect()).collect();
    segments
        .iter()
        .enumerate()
        .map(|(i, mine)| {
            (1..=mine.len())
                .map(|k| mine[mine.len() - k..].join("."))
                .find(|name| {
                    paths
                        .iter()
                        .enumerate()
                        .all(|(j, other)| j == i || !ends_with_segments(other, name))
                })
                .unwrap_or_else(|| paths[i].clone())
        })
        .collect()
}

/// Whether the dotted `path` ends with the dotted `name` at a segment boundary.
fn ends_with_segments(path: &str, name: &str) -> bool {
    path == name || path.ends_with(&format!(".{name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TV: &str = "applicationAutoScaling.scalingPolicies[0].TargetTrackingScalingPolicyConfiguration.TargetValue";

    fn summary() -> String {
        format!(
            "{TV},ecs.taskDefinitions[0].cpu,replicas,cost_usd_mean,cost_usd_ci_low,cost_usd_ci_high,\
unserved_fraction_mean,unserved_fraction_ci_low,unserved_fraction_ci_high,feasible\n\
40,512,5,12.5,12.0,13.0,0.0001,0.00005,0.00015,true\n\
60,512,5,9.5,9.0,10.0,0.004,0.003,0.005,false\n"
        )
    }

    fn best(setting: &str) -> String {
        format!(
            "{{\"objective\": {{\"minimize\": \"cost_usd\"}},\n \"where\": [\"unserved_fraction < 0.002\"],\n \
\"replicas\": 5, \"combinations\": 2,\n \"best\": {setting}}}"
        )
    }

    #[test]
    fn reads_paths_figures_rows_and_the_best_row() {
        let json = best(&format!(
            "{{\"setting\": {{\"{TV}\": 40, \"ecs.taskDefinitions[0].cpu\": \"512\"}}, \"figures\": {{}}}}"
        ));
        let data = SweepData::parse(&summary(), &json).expect("parses");
        assert_eq!(data.paths, [TV, "ecs.taskDefinitions[0].cpu"]);
        assert_eq!(data.figures, ["cost_usd", "unserved_fraction"]);
        assert_eq!(data.combinations.len(), 2);
        let row = &data.combinations[1];
        assert_eq!(row.values, ["60", "512"]);
        assert_eq!(row.replicas, 5);
        assert!(!row.feasible);
        assert_eq!(
            row.figures["cost_usd"],
            Interval {
                mean: 9.5,
                low: 9.0,
                high: 10.0
            }
        );
        assert_eq!(data.best, Some(0));
        assert_eq!(data.objective.goal, Goal::Minimize);
        assert_eq!(data.constraints, ["unserved_fraction < 0.002"]);
        assert_eq!(data.setting_label(1), "TargetValue=60, cpu=512");
        assert!(data.lower_is_better("cost_usd"));
    }

    #[test]
    fn a_null_best_keeps_its_reason() {
        let json = best("null, \"reason\": \"no combination meets unserved_fraction < 0.002\"");
        let data = SweepData::parse(&summary(), &json).expect("parses");
        assert_eq!(data.best, None);
        assert_eq!(
            data.reason.as_deref(),
            Some("no combination meets unserved_fraction < 0.002")
        );
    }

    #[test]
    fn malformed_summaries_name_the_line_and_column() {
        let bad_number = summary().replace("9.5,9.0", "9.5,abc");
        let e = SweepData::parse(&bad_number, &best("null")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "sweep_summary.csv line 3, column 5 (cost_usd_ci_low): `abc` is not a number"
        );
        let short_row = summary().replace("60,512,5,", "60,5,");
        let e = SweepData::parse(&short_row, &best("null")).unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("9 fields, the header has 10"), "{e}");
        let bad_bool = summary().replace(",false", ",maybe");
        let e = SweepData::parse(&bad_bool, &best("null")).unwrap_err();
        assert_eq!((e.line, e.column), (Some(3), Some(10)));
        let no_replicas = summary().replace("replicas", "runs");
        let e = SweepData::parse(&no_replicas, &best("null")).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("sweep_summary.csv line 1: the header has no `replicas`"),
            "{e}"
        );
        let bad_triple = summary().replace("cost_usd_ci_high", "cost_usd_high");
        let e = SweepData::parse(&bad_triple, &best("null")).unwrap_err();
        assert_eq!(e.column, Some(6));
        assert!(e.message.contains("expected `cost_usd_ci_high`"), "{e}");
        let header_only = summary().lines().next().unwrap_or_default().to_string();
        assert!(SweepData::parse(&header_only, &best("null")).is_err());
        assert!(SweepData::parse("", &best("null")).is_err());
    }

    #[test]
    fn malformed_best_files_name_the_line_and_column() {
        let e = SweepData::parse(
            &summary(),
            "{\"objective\": {\"minimize\": \"cost_usd\"},\n \"replicas\": \"five\"}",
        )
        .unwrap_err();
        assert_eq!((e.file, e.line), (BEST_FILE, Some(2)));
        assert!(e.column.is_some() && e.message.contains("invalid type"), "{e}");
        let unknown = best("null").replace("\"minimize\": \"cost_usd\"", "\"minimize\": \"price\"");
        let e = SweepData::parse(&summary(), &unknown).unwrap_err();
        assert_eq!((e.line, e.column), (Some(1), Some(28)));
        assert!(e.message.contains("figures: cost_usd, unserved_fraction"), "{e}");
        let wrong_count = best("null").replace("\"combinations\": 2", "\"combinations\": 3");
        assert!(
            SweepData::parse(&summary(), &wrong_count)
                .unwrap_err()
                .message
                .contains("has 2 rows")
        );
        let no_row = best(&format!(
            "{{\"setting\": {{\"{TV}\": 99, \"ecs.taskDefinitions[0].cpu\": 512}}}}"
        ));
        let e = SweepData::parse(&summary(), &no_row).unwrap_err();
        assert!(e.message.contains("matches no row"), "{e}");
        assert_eq!(e.line, Some(4));
        let missing_path = best(&format!("{{\"setting\": {{\"{TV}\": 40}}}}"));
        assert!(
            SweepData::parse(&summary(), &missing_path)
                .unwrap_err()
                .message
                .contains("no value for the path")
        );
    }

    #[test]
    fn short_names_add_segments_only_to_tell_paths_apart() {
        let paths = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            short_names(&paths(&[TV, "ecs.taskDefinitions[0].cpu"])),
            ["TargetValue", "cpu"]
        );
        assert_eq!(
            short_names(&paths(&[
                "ecs.taskDefinitions[0].cpu",
                "ecs.taskDefinitions[1].cpu",
                "x.memory"
            ])),
            ["taskDefinitions[0].cpu", "taskDefinitions[1].cpu", "memory"]
        );
        assert_eq!(short_names(&paths(&["a.cpu", "cpu"])), ["a.cpu", "cpu"]);
    }

    #[test]
    fn per_service_figures_answer_for_their_plain_name() {
        let text = "p,replicas,cost_usd_mean,cost_usd_ci_low,cost_usd_ci_high,web.unserved_fraction_mean,\
web.unserved_fraction_ci_low,web.unserved_fraction_ci_high,feasible\n1,3,1,1,1,,,,true\n";
        let json = "{\"objective\": {\"maximize\": \"web.unserved_fraction\"}, \"replicas\": 3, \"combinations\": 1, \"best\": null}";
        let data = SweepData::parse(text, json).expect("parses");
        assert_eq!(data.resolve_figure("unserved_fraction"), Some("web.unserved_fraction"));
        assert_eq!(data.resolve_figure("cost_usd"), Some("cost_usd"));
        assert_eq!(data.resolve_figure("peak_running"), None);
        assert!(data.combinations[0].figures["web.unserved_fraction"].mean.is_nan());
        assert!(!data.lower_is_better("web.unserved_fraction"));
    }
}
