//! Containers' `dependsOn` with `startTimeout`, the stop order with `stopTimeout`, and Fargate
//! ephemeral storage beyond 20 GiB (docs/aws-behaviour.md reference 8.5 and 10.3, cases 46 and
//! 47).

use std::collections::BTreeMap;

use crate::support::{column, load_file, root, run_to_strings};

/// The time of each task's state transitions, by task id and transition (`PENDING -> RUNNING`).
fn transitions(events_csv: &str) -> BTreeMap<(String, String), f64> {
    let kinds = column(events_csv, "kind", None);
    let subjects = column(events_csv, "subject", None);
    let messages = column(events_csv, "message", None);
    let times = column(events_csv, "time_s", None);
    let mut out = BTreeMap::new();
    for (((kind, subject), message), time) in kinds.iter().zip(&subjects).zip(&messages).zip(&times) {
        if kind == "task_state" {
            out.entry((subject.clone(), message.clone()))
                .or_insert(time.parse::<f64>().expect("a time"));
        }
    }
    out
}

#[test]
fn dependencies_delay_or_end_the_start_and_stop_in_reverse_within_their_timeouts() {
    let path = root().join("scenarios/container-timeouts-and-storage.yaml");
    let loaded = load_file(&path, &[("behavior.taskEvents", "true")]).expect("valid");
    let out = run_to_strings(&loaded);
    let at = transitions(&out.events);
    let ids = column(&out.tasks, "task_id", None);
    let revisions = column(&out.tasks, "task_definition", None);
    let reasons = column(&out.tasks, "stop_reason", None);
    let since = |id: &str, from: &str, to: &str| -> Option<f64> {
        let key = |m: &str| (id.to_string(), m.to_string());
        Some(at.get(&key(to))? - at.get(&key(from))?)
    };
    let (mut started, mut gave_up, mut stopped) = (0, 0, 0);
    for ((id, revision), reason) in ids.iter().zip(&revisions).zip(&reasons) {
        if revision == "api:1" {
            // startTime 20 s, then envoy's first passing check 15 s later (case 46).
            if let Some(pending) = since(id, "PROVISIONING -> PENDING", "PENDING -> ACTIVATING") {
                assert_eq!(pending, 35.0, "{id}");
                started += 1;
            }
            // app killed at its stopTimeout 10 s, then envoy at 20 s: 30 s, not the 60 s exit.
            if let Some(stopping) = since(id, "DEACTIVATING -> STOPPING", "STOPPING -> DEPROVISIONING") {
                assert_eq!(stopping, 30.0, "{id}");
                stopped += 1;
            }
        }
        if revision == "api:2" {
            // envoy's startTimeout 10 s is shorter than its 15 s to HEALTHY: app gives up.
            assert_eq!(
                since(id, "PROVISIONING -> PENDING", "PENDING -> STOPPING"),
                Some(30.0),
                "{id}"
            );
            assert!(reason.starts_with("Task failed to start"), "{id}: {reason}");
            gave_up += 1;
        }
    }
    assert!(started >= 4 && stopped >= 4, "{started} started, {stopped} stopped");
    // The circuit breaker counts three; a fourth was already starting when it tripped.
    assert!(gave_up >= 3, "{gave_up}");
}

#[test]
fn ephemeral_storage_beyond_20_gib_is_billed_on_fargate() {
    // Case 47: 80 GiB over the included 20, at $0.000111 per GB-hour, 2 tasks for 6 hours.
    let path = root().join("scenarios/container-timeouts-and-storage.yaml");
    let out = run_to_strings(&load_file(&path, &[]).expect("valid"));
    let summary: serde_json::Value = serde_json::from_str(&out.summary).expect("json");
    let cost = |s: &str| {
        summary["services"]
            .as_array()
            .expect("services")
            .iter()
            .find(|v| v["service"] == s)
            .and_then(|v| v["cost_usd"].as_f64())
            .expect("a cost")
    };
    let storage = cost("scratch") - cost("plain");
    assert!((storage - 2.0 * 80.0 * 0.000111 * 6.0).abs() < 1e-6, "{storage}");
    // Another Region's price, set in behavior.cost.
    let other = load_file(&path, &[("behavior.cost.fargate.usdPerEphemeralGbHour", "0.0002")]).expect("valid");
    let out = run_to_strings(&other);
    let summary: serde_json::Value = serde_json::from_str(&out.summary).expect("json");
    let scratch = summary["services"]
        .as_array()
        .expect("services")
        .iter()
        .find(|v| v["service"] == "scratch")
        .and_then(|v| v["cost_usd"].as_f64())
        .expect("a cost");
    assert!(
        (scratch - cost("plain") - 2.0 * 80.0 * 0.0002 * 6.0).abs() < 1e-6,
        "{scratch}"
    );
}
