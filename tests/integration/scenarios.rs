//! Every scenario in `scenarios/` runs with invariant checks, and runs are deterministic.

use crate::support::{column, load_file, run_to_strings, scenario_files};

#[test]
fn every_scenario_runs_with_invariants_checked() {
    let files = scenario_files();
    assert!(!files.is_empty(), "scenarios/ holds examples");
    for path in files {
        let loaded = load_file(&path, &[]).unwrap_or_else(|e| panic!("{} failed to load:\n{e}", path.display()));
        let out = run_to_strings(&loaded);
        let rows = out.services.lines().count() - 1;
        let expected = loaded.spec.services.len() as u64
            * loaded
                .spec
                .duration
                .as_millis()
                .div_ceil(loaded.spec.trace_interval.as_millis());
        assert_eq!(
            rows as u64,
            expected,
            "{}: one services row per service per interval",
            path.display()
        );
        assert!(out.summary.contains(&format!("\"scenario\": \"{}\"", loaded.spec.name)));
    }
}

#[test]
fn same_seed_gives_identical_bytes_and_another_seed_differs() {
    for path in scenario_files() {
        let a = run_to_strings(&load_file(&path, &[]).expect("loads"));
        let b = run_to_strings(&load_file(&path, &[]).expect("loads"));
        assert_eq!(a.services, b.services, "{}", path.display());
        assert_eq!(a.cluster, b.cluster, "{}", path.display());
        assert_eq!(a.events, b.events, "{}", path.display());
        assert_eq!(a.tasks, b.tasks, "{}", path.display());
        assert_eq!(a.summary, b.summary, "{}", path.display());
        assert_eq!(a.alarms, b.alarms, "{}", path.display());
    }
    let path = crate::support::root().join("scenarios/web-ec2-fixed.yaml");
    let a = run_to_strings(&load_file(&path, &[("seed", "1")]).expect("loads"));
    let b = run_to_strings(&load_file(&path, &[("seed", "2")]).expect("loads"));
    assert_ne!(
        column(&a.services, "demand_rps", None),
        column(&b.services, "demand_rps", None),
        "the seed drives the noise"
    );
}

#[test]
fn a_fargate_service_with_constant_load_is_a_dozen_lines() {
    let yaml = "duration: 1h
ecs:
  taskDefinitions:
    - {family: api, cpu: \"256\", memory: \"512\", networkMode: awsvpc, requiresCompatibilities: [FARGATE],
       containerDefinitions: [{name: api, image: example/api}]}
  services:
    - {serviceName: api, taskDefinition: api, desiredCount: 2, launchType: FARGATE}
load:
  api:
    requestsPerSecond: [{constant: 50}]
";
    let loaded = crate::support::load_text("tiny.yaml", yaml).unwrap_or_else(|e| panic!("{e}"));
    let out = run_to_strings(&loaded);
    assert_eq!(
        column(&out.services, "running", None).last().map(String::as_str),
        Some("2")
    );
    // Case 32: 0.25 vCPU / 0.5 GB for one hour costs $0.0123425 per task.
    assert!(out.summary.contains("\"cost_usd\": 0.024685"), "{}", out.summary);
}
