//! `ecsim schema`: every scenario validates against the schema with a JSON Schema validator (`schema_validator.rs`),
//! what the reader rejects the schema rejects too, AWS enums are complete, the output is
//! deterministic, and the kitchen sink the schema is recorded from covers every field of
//! `ecs.services[]` and the objects nested in it.

use std::collections::BTreeSet;
use std::process::Command;

use ecsim::scenario::schema::{KITCHEN_SINK, KitchenSinkFiles, json_schema, json_schema_text};
use ecsim::scenario::yaml::{self, Node, Value};
use ecsim::scenario::{self};
use serde_json::Value as Json;

use crate::schema_validator::Validator;
use crate::support::{root, scenario_files};

/// A YAML tree as JSON, typing plain scalars by the YAML 1.2 core schema (what editors' YAML
/// language servers do); quoted scalars are strings.
fn to_json(node: &Node) -> Json {
    match &node.value {
        Value::Seq(items) => Json::Array(items.iter().map(to_json).collect()),
        Value::Map(entries) => Json::Object(entries.iter().map(|(k, v)| (k.name.clone(), to_json(v))).collect()),
        Value::Scalar { text, quoted: true } => Json::String(text.clone()),
        Value::Scalar { text, quoted: false } => core_schema_scalar(text),
    }
}

fn core_schema_scalar(text: &str) -> Json {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Json::Null,
        "true" | "True" | "TRUE" => return Json::Bool(true),
        "false" | "False" | "FALSE" => return Json::Bool(false),
        _ => {}
    }
    if digits(unsigned) {
        if let Ok(i) = text.parse::<i64>() {
            return Json::from(i);
        }
    }
    let (mantissa, exponent) = unsigned.split_once(['e', 'E']).unwrap_or((unsigned, "0"));
    let exponent_ok = digits(exponent.strip_prefix(['-', '+']).unwrap_or(exponent));
    let mantissa_ok = match mantissa.split_once('.') {
        Some((whole, fraction)) => {
            (whole.is_empty() || digits(whole)) && (fraction.is_empty() || digits(fraction)) && mantissa != "."
        }
        None => digits(mantissa),
    };
    if mantissa_ok && exponent_ok {
        if let Some(n) = text.parse::<f64>().ok().and_then(serde_json::Number::from_f64) {
            return Json::Number(n);
        }
    }
    Json::String(text.to_string())
}

fn validator() -> Validator {
    Validator::new(json_schema()).unwrap_or_else(|e| panic!("the schema uses only known keywords: {e}"))
}

/// The validator's complaints about `text`, as `instance path: message`.
fn schema_errors(validator: &Validator, text: &str) -> Vec<String> {
    validator.errors(&to_json(&yaml::parse(text, 0).expect("valid YAML")))
}

#[test]
fn every_scenario_and_the_kitchen_sink_validate_against_the_schema() {
    let validator = validator();
    let mut texts = vec![("kitchen_sink.yaml".to_string(), KITCHEN_SINK.to_string())];
    for path in scenario_files() {
        texts.push((
            path.display().to_string(),
            std::fs::read_to_string(&path).expect("readable"),
        ));
    }
    assert!(texts.len() > 5, "the scenarios were found");
    for (name, text) in texts {
        let errors = schema_errors(&validator, &text);
        assert!(errors.is_empty(), "{name} does not validate:\n{}", errors.join("\n"));
    }
}

/// The kitchen sink with `from` replaced by `to` (exactly once).
fn edited(from: &str, to: &str) -> String {
    assert_eq!(
        KITCHEN_SINK.matches(from).count(),
        1,
        "`{from}` is in the kitchen sink once"
    );
    KITCHEN_SINK.replacen(from, to, 1)
}

/// Both the reader and the schema reject `text`, the schema at `instance_path`.
#[track_caller]
fn check_rejected(validator: &Validator, text: &str, instance_path: &str) {
    let loaded = scenario::load("kitchen_sink.yaml", text, &KitchenSinkFiles, &[]);
    assert!(loaded.is_err(), "the reader accepts it");
    let errors = schema_errors(validator, text);
    assert!(
        errors.iter().any(|e| e.starts_with(&format!("{instance_path}: "))),
        "no schema error at {instance_path}: {errors:?}"
    );
}

#[test]
fn what_the_reader_rejects_the_schema_rejects() {
    let v = validator();
    // A typo'd key: `additionalProperties: false` works.
    check_rejected(
        &v,
        &edited("      desiredCount: 2\n", "      desiredCont: 2\n"),
        "/ecs/services/0",
    );
    check_rejected(&v, &edited("  loadStep: 10s", "  loadStpe: 10s"), "/behavior");
    check_rejected(
        &v,
        &edited("      launchType: EC2", "      launchType: EC3"),
        "/ecs/services/0/launchType",
    );
    check_rejected(
        &v,
        &edited("      desiredCount: 2\n", "      desiredCount: two\n"),
        "/ecs/services/0/desiredCount",
    );
    check_rejected(
        &v,
        &edited("      cpu: \"1024\"", "      cpu: \"1024x\""),
        "/ecs/taskDefinitions/0",
    );
    check_rejected(&v, &edited("duration: 1d", "duration: 1x"), "/duration");
    check_rejected(&v, &edited("duration: 1d\n", ""), "");
    check_rejected(
        &v,
        &edited(
            "      - {MetricIntervalLowerBound: 10, ScalingAdjustment: 2}",
            "      - {MetricIntervalLowerBound: 10}",
        ),
        "/applicationAutoScaling/scalingPolicies/2/StepScalingPolicyConfiguration/StepAdjustments/1",
    );
    check_rejected(
        &v,
        &edited("duration: 10m, add: 100}", "duration: 10m, add: 100, multiply: 2}"),
        // A `load` entry is a service's load or an event rule's arrivals (anyOf): the schema
        // reports the entry that fits neither.
        "/load/web",
    );
    check_rejected(
        &v,
        &edited(
            "      - constant: 100",
            "      - constant: 100\n        ramp: {from: 0, to: 1, start: 1h, end: 2h}",
        ),
        "/load/web",
    );
    check_rejected(&v, &edited("    noise: poisson", "    noise: gaussian"), "/load/web");
    check_rejected(
        &v,
        &edited(
            "    updateService: {service: web, desiredCount: 3}",
            "    updateService: {service: web, desiredCount: 3}\n    failInstances: {availabilityZone: us-east-1a}",
        ),
        "/events/0",
    );
}

/// The schema at a JSON pointer-like path of property names and `[]` for list items.
fn at<'s>(schema: &'s Json, path: &[&str]) -> &'s Json {
    path.iter().fold(schema, |s, step| match *step {
        "[]" => &s["items"],
        name => &s["properties"][name],
    })
}

#[test]
fn aws_enums_appear_with_all_their_values() {
    let schema = json_schema();
    let metric = at(
        &schema,
        &[
            "applicationAutoScaling",
            "scalingPolicies",
            "[]",
            "TargetTrackingScalingPolicyConfiguration",
            "PredefinedMetricSpecification",
            "PredefinedMetricType",
        ],
    );
    assert_eq!(
        metric["enum"],
        serde_json::json!([
            "ECSServiceAverageCPUUtilization",
            "ECSServiceAverageMemoryUtilization",
            "ALBRequestCountPerTarget",
            "ECSServiceAverageCPUUtilizationHighResolution",
            "ECSServiceAverageMemoryUtilizationHighResolution"
        ])
    );
    // Required as the reader requires: ResourceLabel only for ALB metrics, so not in the schema.
    let tracking = at(
        &schema,
        &[
            "applicationAutoScaling",
            "scalingPolicies",
            "[]",
            "TargetTrackingScalingPolicyConfiguration",
        ],
    );
    assert_eq!(tracking["required"], serde_json::json!(["TargetValue"]));
    let predefined = &tracking["properties"]["PredefinedMetricSpecification"];
    assert_eq!(predefined["required"], Json::Null);
    let comparison = at(&schema, &["cloudWatch", "alarms", "[]", "ComparisonOperator"]);
    assert_eq!(comparison["enum"].as_array().map(Vec::len), Some(4));
    let cpu = at(&schema, &["ecs", "taskDefinitions", "[]"]);
    let inline = cpu["anyOf"]
        .as_array()
        .expect("inline or file")
        .iter()
        .find(|s| s["properties"]["family"].is_object())
        .expect("inline form");
    assert_eq!(
        inline["properties"]["cpu"]["type"],
        serde_json::json!(["integer", "string"])
    );
    assert_eq!(
        inline["properties"]["family"]["description"],
        "the task definition family"
    );
    assert_eq!(
        inline["properties"]["volumes"]["description"],
        "accepted from AWS output, not modelled"
    );
}

#[test]
fn the_schema_is_the_same_bytes_every_time_and_ecsim_schema_prints_it() {
    let first = json_schema_text();
    assert_eq!(first, json_schema_text());
    let output = Command::new(env!("CARGO_BIN_EXE_ecsim"))
        .arg("schema")
        .current_dir(root())
        .output()
        .expect("ecsim runs");
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8(output.stdout).expect("utf-8"), first);
    let parsed: Json = serde_json::from_str(&first).expect("JSON");
    assert_eq!(parsed["$schema"], "https://json-schema.org/draft/2020-12/schema");
}

const PROBE: &str = "zzzzzzzzzzzz";

/// The fields the reader knows in the object at `probe_path`, from its "valid fields here" help
/// for an unknown key, reading the kitchen sink with `sets`; `None` if no such help came.
fn reader_fields(sets: &[(String, String)], probe_path: &str) -> Option<BTreeSet<String>> {
    let err = scenario::load("kitchen_sink.yaml", KITCHEN_SINK, &KitchenSinkFiles, sets).err()?;
    let field_line = format!("= field: {probe_path}.{PROBE}");
    let mut lines = err.rendered.lines().skip_while(|l| l.trim() != field_line);
    lines.next()?;
    let help = lines.next()?.trim().strip_prefix("= help: valid fields here: ")?;
    Some(help.split(", ").map(str::to_string).collect())
}

/// The property names of every object form of `schema`.
fn schema_fields(schema: &Json) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = schema["properties"]
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    for form in schema["anyOf"].as_array().into_iter().flatten() {
        out.extend(schema_fields(form));
    }
    out
}

/// Checks that the fields the reader `known` at `path` (read with `context` applied) are in
/// `schema`, and so on for the objects and lists of objects under them, `depth` levels down.
fn check_covered(
    path: &str,
    context: &[(String, String)],
    known: &BTreeSet<String>,
    schema: &Json,
    depth: usize,
    missing: &mut Vec<String>,
) {
    let listed = schema_fields(schema);
    missing.extend(
        known
            .iter()
            .filter(|f| !listed.contains(*f))
            .map(|f| format!("{path}.{f}")),
    );
    if depth == 0 {
        return;
    }
    let with = |child: &str, value: String| {
        let mut sets = context.to_vec();
        sets.push((child.to_string(), value));
        sets
    };
    for field in known {
        let child = format!("{path}.{field}");
        let child_schema = &schema["properties"][field];
        let as_object = format!("{{{PROBE}: 1}}");
        if let Some(fields) = reader_fields(&with(&child, as_object.clone()), &child) {
            let context = with(&child, "{}".into());
            check_covered(&child, &context, &fields, child_schema, depth - 1, missing);
        } else if let Some(fields) = reader_fields(&with(&child, format!("[{as_object}]")), &format!("{child}[0]")) {
            let context = with(&child, "[{}]".into());
            let item = format!("{child}[0]");
            check_covered(&item, &context, &fields, &child_schema["items"], depth - 1, missing);
        }
    }
}

#[test]
fn the_kitchen_sink_covers_every_field_of_a_service() {
    let schema = json_schema();
    let services = at(&schema, &["ecs", "services", "[]"]);
    let path = "ecs.services[0]";
    let known = reader_fields(&[(format!("{path}.{PROBE}"), "1".into())], path).expect("services are objects");
    assert!(known.contains("deploymentConfiguration"), "{known:?}");
    let mut missing = Vec::new();
    check_covered(path, &[], &known, services, 3, &mut missing);
    assert!(
        missing.is_empty(),
        "fields the reader accepts but the schema lacks (add them to src/scenario/schema/kitchen_sink.yaml): {missing:?}"
    );
}
