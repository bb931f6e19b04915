//! The standalone tasks' figures in `expect:` as the issue writes them (issue 17):
//! `jobs.nightly.makespan_s < 4h`, `p95(jobs.wait_s) < 300`, through the binary.

use crate::support::{TempDir, ecsim, root};

/// `scenarios/nightly-batch-from-zero.yaml` with its `expect:` block replaced by `expect`.
fn nightly_with(dir: &TempDir, expect: &[&str]) -> String {
    let text = std::fs::read_to_string(root().join("scenarios/nightly-batch-from-zero.yaml")).expect("scenario");
    let (head, _) = text.split_once("\nexpect:\n").expect("the scenario has expectations");
    let lines: String = expect.iter().map(|e| format!("  - {e}\n")).collect();
    let path = dir.0.join("nightly.yaml");
    std::fs::write(&path, format!("{head}\nexpect:\n{lines}")).expect("write");
    path.to_str().expect("utf-8").to_string()
}

#[test]
fn the_issues_forms_are_judged_from_the_jobs_block() {
    let dir = TempDir::new("job-expectations");
    let scenario = nightly_with(
        &dir,
        &[
            "jobs.nightly.makespan_s < 4h",
            "p95(jobs.wait_s) < 300",
            "p50(jobs.wait_s) > 2m",
            "jobs.nightly.completed >= 18",
            "jobs.failed <= 2",
            "jobs.cost_per_job_usd < 0.05",
            "jobs.nightly.makespan_s == job_makespan_s(nightly)",
        ],
    );
    let out = ecsim(&["validate", &scenario]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let run_dir = dir.0.join("out");
    let out = ecsim(&[
        "run",
        &scenario,
        "--out",
        run_dir.to_str().expect("utf-8"),
        "--no-charts",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let verdict = |expression: &str| {
        let line = stdout
            .lines()
            .find(|l| l.contains(&format!(": {expression}  (")))
            .unwrap_or_else(|| panic!("no verdict of {expression}\n{stdout}"));
        line.split(' ').next().expect("a word").to_string()
    };
    // The nightly batch waits minutes for instances from zero: its p95 wait is over 300 s.
    assert_eq!(verdict("p95(jobs.wait_s) < 300"), "FAIL");
    for passing in [
        "jobs.nightly.makespan_s < 4h",
        "p50(jobs.wait_s) > 2m",
        "jobs.nightly.completed >= 18",
        "jobs.failed <= 2",
        "jobs.cost_per_job_usd < 0.05",
        "jobs.nightly.makespan_s == job_makespan_s(nightly)",
    ] {
        assert_eq!(verdict(passing), "pass", "{passing}");
    }
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run_dir.join("summary.json")).expect("summary")).expect("json");
    let makespan = summary["jobs"]["triggers"][0]["makespan_s"].as_f64().expect("makespan");
    let verdict = &summary["expectations"][0];
    assert_eq!(verdict["measured"].as_f64(), Some(makespan), "{verdict}");
    assert_eq!(
        verdict["message"].as_str(),
        Some(format!("jobs.nightly.makespan_s = {makespan}, expected < 4h").as_str())
    );
}

#[test]
fn an_unknown_trigger_is_refused_by_validate_and_run_alike() {
    let dir = TempDir::new("job-expectations-unknown");
    let scenario = nightly_with(&dir, &["jobs.nightli.makespan_s < 4h"]);
    let expected = "no trigger named `nightli`; did you mean `nightly`? (triggers: nightly)";
    for args in [vec!["validate", &scenario], vec!["run", &scenario, "--no-charts"]] {
        let out = ecsim(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        // Line of the expectation, its column 5 (`  - `) plus the name's 6th character.
        assert!(stderr.contains("nightly.yaml:68:10"), "{args:?}: {stderr}");
    }
    // An unknown field names the fields there are.
    let scenario = nightly_with(&dir, &["jobs.nightly.makespan < 4h"]);
    let out = ecsim(&["validate", &scenario]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("unknown job figure `makespan` in `jobs.nightly.makespan`; did you mean `makespan_s`?"),
        "{stderr}"
    );
}
