//! Services of several clusters: a scenario simulates one, the busiest by default or the one
//! `--cluster` names; the others' services are listed as ignored, and the report says how to
//! import them.

use ecsim::import::terraform::{import, import_cluster};

use super::super::support::{TempDir, ecsim, load_text};
use super::{FARGATE_SERVICE, lines, state};

/// Two services in cluster `c` (from `FARGATE_SERVICE` and `s2`) and one in `batch`.
fn two_clusters() -> String {
    state(&format!(
        r#"{FARGATE_SERVICE},
        {{"address": "aws_ecs_service.s2", "mode": "managed", "type": "aws_ecs_service", "name": "s2",
          "values": {{"name": "s2", "cluster": "c", "task_definition": "t:1", "desired_count": 1, "launch_type": "FARGATE"}}}},
        {{"address": "aws_ecs_cluster.batch", "mode": "managed", "type": "aws_ecs_cluster", "name": "batch", "values": {{"name": "batch"}}}},
        {{"address": "aws_ecs_service.nightly", "mode": "managed", "type": "aws_ecs_service", "name": "nightly",
          "values": {{"name": "nightly", "cluster": "arn:aws:ecs:us-east-1:123456789012:cluster/batch", "task_definition": "t:1", "desired_count": 3, "launch_type": "FARGATE"}}}}"#
    ))
}

#[test]
fn the_busiest_cluster_is_simulated_and_the_others_are_named_with_the_option() {
    let imported = import(&two_clusters(), "state.json").expect("imports");
    let yaml = imported.scenario.to_yaml("");
    let spec = load_text("state.yaml", &yaml)
        .unwrap_or_else(|e| panic!("{}\n{yaml}", e.rendered))
        .spec;
    let names: Vec<&str> = spec.services.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["s", "s2"]);
    let ignored = lines(&imported.report.ignored);
    assert!(
        ignored.contains(&"clusters (scenario): a scenario simulates one cluster: `c` (the one most services run in); services also run in `batch` (1 service): import them with --cluster batch".to_string()),
        "{ignored:#?}"
    );
    assert!(
        ignored.contains(
            &"aws_ecs_service.nightly (aws_ecs_service): runs in cluster `batch`, not the simulated `c`".to_string()
        ),
        "{ignored:#?}"
    );
}

#[test]
fn cluster_chooses_which_one_and_an_unknown_one_is_an_error_listing_them() {
    let imported = import_cluster(&two_clusters(), "state.json", Some("batch")).expect("imports");
    let yaml = imported.scenario.to_yaml("");
    let spec = load_text("state.yaml", &yaml)
        .unwrap_or_else(|e| panic!("{}\n{yaml}", e.rendered))
        .spec;
    let names: Vec<(&str, u32)> = spec
        .services
        .iter()
        .map(|s| (s.name.as_str(), s.desired_count))
        .collect();
    assert_eq!(names, [("nightly", 3)]);
    assert!(yaml.contains("clusterName: batch"), "{yaml}");
    let ignored = lines(&imported.report.ignored);
    assert!(
        ignored.contains(&"clusters (scenario): a scenario simulates one cluster: `batch` (chosen with --cluster); services also run in `c` (2 services): import them with --cluster c".to_string()),
        "{ignored:#?}"
    );
    let err = import_cluster(&two_clusters(), "state.json", Some("prod")).expect_err("no such cluster");
    let text = err.to_string();
    assert!(text.contains("no aws_ecs_service runs in cluster `prod`"), "{text}");
    assert!(
        text.contains("--cluster takes a cluster that services run in: `c` (2 services), `batch` (1 service)"),
        "{text}"
    );
    // The command line: the option, and exit 2 for a cluster without services.
    let dir = TempDir::new("import-cluster");
    let input = dir.0.join("state.json");
    std::fs::write(&input, two_clusters()).expect("writable");
    let input = input.to_str().expect("utf-8");
    let run = ecsim(&["import", "terraform", input, "--cluster", "batch"]);
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(String::from_utf8_lossy(&run.stdout).contains("serviceName: nightly"));
    let run = ecsim(&["import", "terraform", input, "--cluster", "prod"]);
    assert_eq!(run.status.code(), Some(2));
}
