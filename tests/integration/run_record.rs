//! A run records what made it (issue 15, items 13 and 14): summary.json carries ecsim's
//! version, the seed, every override and the scenario file's SHA-256, and the figures a reader
//! looks for first: the unserved fraction, task-hours and instance-hours, utilization
//! percentiles.

use std::fs;

use ecsim::output::Summary;
use ecsim::scenario::provenance::sha256_hex;

use crate::support::{TempDir, ecsim, load_file, root, run_to_strings};

fn summary_of(dir: &std::path::Path) -> Summary {
    Summary::from_json(&fs::read_to_string(dir.join("summary.json")).expect("summary.json")).expect("parses")
}

#[test]
fn summary_json_records_the_version_seed_overrides_and_scenario_hash() {
    let tmp = TempDir::new("run-record");
    let args = |out: &str| {
        vec![
            "run".to_string(),
            "scenarios/web-ec2-fixed.yaml".into(),
            "--no-charts".into(),
            "--set".into(),
            "ecs.services[0].desiredCount=5".into(),
            "--set".into(),
            "duration=2h".into(),
            "--seed".into(),
            "3".into(),
            "--out".into(),
            tmp.0.join(out).display().to_string(),
        ]
    };
    for out in ["a", "b"] {
        let o = ecsim(&args(out).iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let s = summary_of(&tmp.0.join("a"));
    assert_eq!(s.ecsim_version, env!("CARGO_PKG_VERSION"));
    let bytes = fs::read(root().join("scenarios/web-ec2-fixed.yaml")).expect("scenario");
    assert_eq!(s.scenario_sha256, sha256_hex(&bytes));
    assert_eq!(s.seed, 3);
    assert_eq!(
        s.overrides,
        ["ecs.services[0].desiredCount=5", "duration=2h", "seed=3"],
        "every --set in order, then --seed"
    );
    assert!(
        s.scenario_header
            .starts_with("What this shows: a fixed web service on EC2.")
    );
    assert!(!s.scenario_header.contains('#'), "{}", s.scenario_header);
    // The record does not break determinism: the same scenario, seed and overrides give the
    // same bytes.
    assert_eq!(
        fs::read(tmp.0.join("a/summary.json")).expect("a"),
        fs::read(tmp.0.join("b/summary.json")).expect("b")
    );
}

#[test]
fn summary_json_has_unserved_fraction_task_and_instance_hours_and_utilization_percentiles() {
    // Six tasks on three m5.large for 6 h, all there from the start (warm start).
    let out = run_to_strings(&load_file(&root().join("scenarios/web-ec2-fixed.yaml"), &[]).expect("loads"));
    let s = Summary::from_json(&out.summary).expect("parses");
    let web = s.service("web").expect("web");
    assert_eq!(web.task_hours, 36.0);
    assert_eq!(web.unserved_fraction, 0.0);
    let p = |v: Option<f64>| v.expect("the service had running tasks");
    let (p50, p90, p99) = (
        p(web.cpu_utilization_p50),
        p(web.cpu_utilization_p90),
        p(web.cpu_utilization_p99),
    );
    assert!(
        p50 <= p90 && p90 <= p99 && p99 <= web.max_cpu_utilization + 0.05,
        "{p50} {p90} {p99}"
    );
    assert!(
        (p50 - web.mean_cpu_utilization).abs() < 2.0,
        "{p50} vs mean {}",
        web.mean_cpu_utilization
    );
    let provider = &s.capacity_providers[0];
    assert_eq!(provider.instance_hours, 18.0);
    assert_eq!(provider.task_hours, 36.0);
    // Six tasks of 512 CPU units on 3 x 2048: 50 % reserved throughout.
    assert_eq!(provider.cpu_reserved_p50, Some(50.0));
    assert_eq!(provider.cpu_reserved_p99, Some(50.0));

    let out = run_to_strings(&load_file(&root().join("scenarios/diurnal-spike-unserved.yaml"), &[]).expect("loads"));
    let s = Summary::from_json(&out.summary).expect("parses");
    let shop = s.service("shop").expect("shop");
    assert!(shop.unserved_fraction > 0.0);
    assert!(
        (shop.unserved_fraction - shop.unserved_requests / shop.demand_requests).abs() < 1e-6,
        "{} vs {} / {}",
        shop.unserved_fraction,
        shop.unserved_requests,
        shop.demand_requests
    );
    assert_eq!(shop.cpu_utilization_p99, Some(100.0), "pinned at 100 at the peak");

    // A Fargate provider has no instances: no instance-hours and no reservation percentiles.
    let out = run_to_strings(&load_file(&root().join("scenarios/web-fargate.yaml"), &[]).expect("loads"));
    let s = Summary::from_json(&out.summary).expect("parses");
    let fargate = s.provider("FARGATE").expect("FARGATE");
    assert_eq!(fargate.instance_hours, 0.0);
    assert_eq!(fargate.cpu_reserved_p50, None);
    assert!(fargate.task_hours > 0.0);
    let total: f64 = s.services.iter().map(|x| x.task_hours).sum();
    let by_provider: f64 = s.capacity_providers.iter().map(|x| x.task_hours).sum();
    assert!((total - by_provider).abs() < 1e-3, "{total} vs {by_provider}");
}

#[test]
fn set_paths_select_list_items_by_name_and_append_to_lists() {
    let tmp = TempDir::new("set-selectors");
    let out = tmp.0.join("web");
    let o = ecsim(&[
        "run",
        "scenarios/web-ec2-fixed.yaml",
        "--no-charts",
        "--set",
        "ecs.services[name=web].desiredCount=4",
        "--set",
        "expect[+]=max(web.running) <= 4",
        "--set",
        "events[+]={at: 3h, updateService: {service: web, desiredCount: 2}}",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    let s = summary_of(&out);
    let web = s.service("web").expect("web");
    assert_eq!(web.peak_desired, 4, "the selector picked the service");
    assert_eq!(web.min_healthy, 2, "the appended event ran");
    let appended = s
        .expectations
        .iter()
        .find(|e| e.expression == "max(web.running) <= 4")
        .expect("the appended expectation is judged");
    assert!(appended.passed, "{}", appended.message);
    assert_eq!(
        s.overrides,
        [
            "ecs.services[name=web].desiredCount=4",
            "expect[+]=max(web.running) <= 4",
            "events[+]={at: 3h, updateService: {service: web, desiredCount: 2}}"
        ]
    );

    let o = ecsim(&[
        "validate",
        "scenarios/web-ec2-fixed.yaml",
        "--set",
        "ecs.services[name=api].desiredCount=4",
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("no item has name = `api`: the list has `web`"),
        "{stderr}"
    );
}

#[test]
fn run_prints_its_summary_line_and_verdicts_to_stdout_and_diagnostics_to_stderr() {
    let tmp = TempDir::new("run-streams");
    let out = tmp.0.join("web");
    let o = ecsim(&[
        "run",
        "scenarios/web-ec2-fixed.yaml",
        "--no-charts",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let (stdout, stderr) = (String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert!(
        stdout.starts_with("simulated 6h of \"web on a fixed EC2 fleet\" (")
            && stdout.contains(&format!("; wrote {}\n", out.display())),
        "{stdout}"
    );
    assert!(stdout.contains("pass line "), "verdicts are results: {stdout}");
    assert!(!stdout.contains("wall time"), "{stdout}");
    assert!(stderr.contains("of wall time ("), "{stderr}");
    assert!(!stderr.contains("simulated 6h"), "{stderr}");
}
