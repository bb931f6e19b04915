//! The seed corpus of every fuzz target, gathered from the repository: the example scenarios,
//! the malformed scenarios of the integration tests, and the expectations, placement
//! expressions, schedules and durations found in them.
//!
//! The smoke test (`tests/integration/fuzz_smoke.rs`) mutates these; `cargo test --test
//! integration write_fuzz_seed_corpus -- --ignored` writes them to `fuzz/corpus/<target>/` for
//! `cargo fuzz`.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use ecsim::scenario::yaml::{self, Node, Value};
use ecsim::sim::time::parse_duration;

/// The seeds of every target, by target name (the names of `targets::TARGETS`).
pub fn all(root: &Path) -> Vec<(&'static str, Vec<String>)> {
    let scenarios = scenario_texts(root);
    let trees: Vec<Node> = scenarios.iter().filter_map(|t| yaml::parse(t, 0).ok()).collect();
    let mut json: Vec<String> = trees
        .iter()
        .filter_map(|t| serde_json::to_string_pretty(&to_json(t)).ok())
        .collect();
    json.extend(files_with(&root.join("scenarios/taskdefs"), "json"));
    json.extend(files_with(&root.join("tests/fixtures/aws-taskdefs"), "json"));

    let mut expectations = BTreeSet::new();
    let mut expressions = BTreeSet::new();
    let mut schedules = BTreeSet::new();
    let mut durations = BTreeSet::new();
    for tree in &trees {
        if let Some(Value::Seq(items)) = tree.get("expect").map(|n| &n.value) {
            expectations.extend(items.iter().filter_map(scalar));
        }
        walk(tree, &mut |key, node| {
            let Some(text) = scalar(node) else { return };
            match key {
                "expression" => {
                    expressions.insert(text);
                }
                "Schedule" => {
                    schedules.insert(text);
                }
                _ if parse_duration(&text).is_ok() => {
                    durations.insert(text);
                }
                _ => {}
            }
        });
    }
    expressions.extend(EXTRA_EXPRESSIONS.iter().map(|s| s.to_string()));
    schedules.extend(EXTRA_SCHEDULES.iter().map(|s| s.to_string()));
    durations.extend(EXTRA_DURATIONS.iter().map(|s| s.to_string()));
    vec![
        ("scenario_yaml", scenarios),
        ("scenario_json", json),
        ("expectation", expectations.into_iter().collect()),
        ("cql", expressions.into_iter().collect()),
        ("schedule", schedules.into_iter().collect()),
        ("duration", durations.into_iter().collect()),
        ("set_path", SET_LINES.iter().map(|s| s.to_string()).collect()),
        ("import_cloudformation", templates(root)),
        ("import_copilot", manifests(root)),
        (
            "import_terraform",
            files_with(&root.join("tests/fixtures/import/terraform"), "json"),
        ),
    ]
}

/// CloudFormation templates: the reference architecture, Copilot's generated templates and the
/// templates written in the import tests.
fn templates(root: &Path) -> Vec<String> {
    let fixtures = root.join("tests/fixtures/import");
    let mut texts = files_with(&fixtures.join("cloudformation"), "yaml");
    let copilot = files_with(&fixtures.join("copilot"), "yml");
    texts.extend(copilot.into_iter().filter(|t| t.contains("AWSTemplateFormatVersion")));
    for test in files_with(&root.join("tests/integration"), "rs") {
        texts.extend(raw_literals(&test).filter(|t| t.contains("Resources:")));
    }
    texts
}

/// Copilot manifests: the real ones beside their templates.
fn manifests(root: &Path) -> Vec<String> {
    let copilot = files_with(&root.join("tests/fixtures/import/copilot"), "yml");
    copilot.into_iter().filter(|t| t.contains("\ntype: ")).collect()
}

/// Expressions covering every subject and operator of the cluster query language.
const EXTRA_EXPRESSIONS: &[&str] = &[
    "attribute:ecs.instance-type =~ m5.* and attribute:stack == prod",
    "not (agentConnected == false) || runningTasksCount < 4",
    "agentVersion >= 1.14.2 and registeredAt > 2018-06-18T22:28:28+00:00",
    "ec2InstanceId in ['i-00000000000000001', \"i-2\"] or task:group == service:web",
    "attribute:weight greater_than_equal 12 and attribute:missing not_exists",
    "attribute:ecs.availability-zone !in [us-east-1a, us-east-1b] && !(task:group exists)",
    "attribute:ecs.os-type not_matches win*",
    "registeredAt < 2026-03-02",
];

/// Schedules of every kind, valid and not.
const EXTRA_SCHEDULES: &[&str] = &[
    "cron(0 8 ? * MON-FRI *)",
    "cron(0/15 * * * ? *)",
    "cron(0 10 L * ? 2026-2030)",
    "cron(30 2 ? * 6L *)",
    "cron(0 0 15W * ? *)",
    "cron(0 12 ? * 2#1 *)",
    "cron(0 0 30 2 ? *)",
    "rate(1 hour)",
    "rate(5 minutes)",
    "rate(2 days)",
    "at(2026-03-08T02:30:00)",
    "at(2011-12-30T10:00:00)",
];

/// Durations, valid and not.
const EXTRA_DURATIONS: &[&str] = &[
    "0",
    "500ms",
    "1d2h30m15s5ms",
    "18446744073709551615ms",
    "1.5h",
    "2h1d",
    "90",
];

/// `--set` lines (`PATH=VALUE`) for the `set_path` target.
const SET_LINES: &[&str] = &[
    "ecs.services[0].desiredCount=8",
    "seed=42",
    "duration=2h\ntraceInterval=30s",
    "ec2AutoScaling.autoScalingGroups[0].InstanceType=m5.xlarge",
    "behavior.instances.launchTime={median: 30s, p95: 60s}",
    "load.web.requestsPerSecond=[{constant: 100}, {spike: {at: 1h, duration: 5m, add: 50}}]",
    "ecs.services[0].placementStrategy[0]=x",
    "expect=[max(web.running) <= 10]",
    "a.b.c.d[3]=1",
];

/// The scenario texts: examples, fixtures, the schema's kitchen sink and the YAML literals of
/// the integration tests (most of them malformed on purpose).
fn scenario_texts(root: &Path) -> Vec<String> {
    let mut texts = files_with(&root.join("scenarios"), "yaml");
    texts.extend(files_with(&root.join("tests/fixtures/check"), "yaml"));
    texts.extend(files_with(&root.join("tests/fixtures/sweep"), "yaml"));
    texts.extend(fs::read_to_string(root.join("src/scenario/schema/kitchen_sink.yaml")).ok());
    for test in files_with(&root.join("tests/integration"), "rs") {
        texts.extend(raw_literals(&test).filter(|t| t.contains("duration:")));
    }
    texts
}

/// The texts of the `r#"..."#` literals in Rust source.
fn raw_literals(source: &str) -> impl Iterator<Item = String> + '_ {
    source
        .split("r#\"")
        .skip(1)
        .filter_map(|rest| rest.split_once("\"#").map(|(literal, _)| literal.to_string()))
}

/// The contents of the files in `dir` whose names end in `.ext`, in name order.
fn files_with(dir: &Path, ext: &str) -> Vec<String> {
    let mut paths: Vec<PathBuf> = fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.retain(|p| p.extension().is_some_and(|e| e == ext));
    paths.sort();
    paths.iter().filter_map(|p| fs::read_to_string(p).ok()).collect()
}

/// The text of a scalar node.
fn scalar(node: &Node) -> Option<String> {
    match &node.value {
        Value::Scalar { text, .. } => Some(text.clone()),
        _ => None,
    }
}

/// Calls `f(key, value)` for every mapping entry of the tree.
fn walk(node: &Node, f: &mut dyn FnMut(&str, &Node)) {
    match &node.value {
        Value::Map(entries) => {
            for (key, value) in entries {
                f(&key.name, value);
                walk(value, f);
            }
        }
        Value::Seq(items) => items.iter().for_each(|item| walk(item, f)),
        Value::Scalar { .. } => {}
    }
}

/// The tree as JSON: an unquoted scalar that reads as a JSON number, boolean or null stays one.
fn to_json(node: &Node) -> serde_json::Value {
    match &node.value {
        Value::Map(entries) => serde_json::Value::Object(
            entries
                .iter()
                .map(|(key, value)| (key.name.clone(), to_json(value)))
                .collect(),
        ),
        Value::Seq(items) => serde_json::Value::Array(items.iter().map(to_json).collect()),
        Value::Scalar { text, quoted: false } if node.is_null() && text.is_empty() => serde_json::Value::Null,
        Value::Scalar { text, quoted: false } => {
            serde_json::from_str(text).unwrap_or_else(|_| serde_json::Value::String(text.clone()))
        }
        Value::Scalar { text, quoted: true } => serde_json::Value::String(text.clone()),
    }
}
