//! `summary.json` read leniently for charts and the report: absent fields become empty values.

use serde_json::Value;

use super::data::{DataError, Expectation, PolicyFacts, ProviderFacts, RunSummary, ServiceFacts};

/// Reads `summary.json` leniently: absent fields become empty values.
pub(super) fn parse_summary(text: &str) -> Result<RunSummary, DataError> {
    let root: Value = serde_json::from_str(text).map_err(|e| DataError {
        file: "summary.json",
        message: e.to_string(),
    })?;
    let list = |key: &str| root.get(key).and_then(Value::as_array).cloned().unwrap_or_default();
    Ok(RunSummary {
        scenario: text_of(&root, "scenario"),
        description: text_of(&root, "description"),
        seed: root.get("seed").and_then(Value::as_u64),
        start: text_of(&root, "start"),
        simulated_seconds: number_of(&root, "simulated_seconds").unwrap_or(0.0),
        cost_usd: number_of(&root, "cost_usd"),
        tasks_started: root.get("tasks_started").and_then(Value::as_u64),
        placement_failures: root.get("placement_failures").and_then(Value::as_u64),
        services: list("services")
            .iter()
            .map(|s| ServiceFacts {
                service: text_of(s, "service"),
                peak_desired: number_of(s, "peak_desired"),
                peak_running: number_of(s, "peak_running"),
                min_healthy: number_of(s, "min_healthy"),
                mean_cpu_utilization: number_of(s, "mean_cpu_utilization"),
                demand_requests: number_of(s, "demand_requests"),
                unserved_requests: number_of(s, "unserved_requests"),
                first_steady_state_s: number_of(s, "first_steady_state_s"),
            })
            .collect(),
        providers: list("capacity_providers")
            .iter()
            .map(|p| ProviderFacts {
                capacity_provider: text_of(p, "capacity_provider"),
                peak_instances: number_of(p, "peak_instances"),
                peak_tasks: number_of(p, "peak_tasks"),
                cost_usd: number_of(p, "cost_usd"),
            })
            .collect(),
        expectations: list("expectations").iter().map(expectation).collect(),
        not_yet_simulated: list("not_yet_simulated")
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        scaling_policies: list("scaling_policies")
            .iter()
            .map(|p| PolicyFacts {
                policy: text_of(p, "policy"),
                service: text_of(p, "service"),
                policy_type: text_of(p, "policy_type"),
                metric: text_of(p, "metric"),
                target_value: number_of(p, "target_value"),
                scaling_activities: p.get("scaling_activities").and_then(Value::as_u64),
            })
            .collect(),
    })
}

/// An expectation from either shape: a string, or an object with any of its fields.
fn expectation(value: &Value) -> Expectation {
    match value {
        Value::String(s) => Expectation {
            expression: s.clone(),
            ..Default::default()
        },
        Value::Object(_) => Expectation {
            expression: text_of(value, "expression"),
            line: value.get("line").and_then(Value::as_u64),
            measured: match value.get("measured") {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(s)) => s.clone(),
                Some(other) => other.to_string(),
            },
            // `ecsim run` writes `passed`; older or hand-written files may say `verdict`.
            verdict: match value.get("passed").and_then(Value::as_bool) {
                Some(true) => "pass".to_string(),
                Some(false) => "fail".to_string(),
                None => text_of(value, "verdict"),
            },
            message: text_of(value, "message"),
        },
        other => Expectation {
            expression: other.to_string(),
            ..Default::default()
        },
    }
}

fn text_of(value: &Value, key: &str) -> String {
    value.get(key).and_then(Value::as_str).unwrap_or("").to_string()
}

fn number_of(value: &Value, key: &str) -> Option<f64> {
    value.get(key).and_then(Value::as_f64)
}
