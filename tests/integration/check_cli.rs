//! `ecsim check` and `ecsim run --strict` through the binary: exit codes, messages, JUnit XML,
//! GitHub annotations, and the same output whatever the parallelism.

use std::path::PathBuf;
use std::process::{Command, Output};

use crate::support::root;

fn ecsim(args: &[&str], github: bool) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ecsim"));
    cmd.args(args)
        .current_dir(root())
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE");
    if github {
        cmd.env("GITHUB_ACTIONS", "true");
    } else {
        cmd.env_remove("GITHUB_ACTIONS");
    }
    cmd.output().expect("ecsim runs")
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ecsim-check-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn every_scenario_in_the_repository_keeps_its_expectations() {
    let out = ecsim(&["check", "scenarios/"], false);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(" failed, 0 scenarios invalid") && stdout.contains("0 failed"),
        "{stdout}"
    );
    // Task definition JSON under scenarios/taskdefs is not mistaken for a scenario.
    assert!(!stdout.contains("taskdefs"), "{stdout}");
}

#[test]
fn a_failing_expectation_exits_1_with_file_line_and_measured_value() {
    let out = ecsim(&["check", "tests/fixtures/check/failing.yaml"], false);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "FAIL  tests/fixtures/check/failing.yaml (1 of 2 expectations failed)\n  tests/fixtures/check/failing.yaml:14: max(api.running) > 2\n    max(api.running) = 2, expected > 2\n\n1 scenario: 1 expectation passed, 1 failed, 0 scenarios invalid\n"
    );
}

#[test]
fn an_expectation_that_does_not_parse_exits_2_pointing_at_the_column() {
    let out = ecsim(&["check", "tests/fixtures/check/bad-expectation.yaml"], false);
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("error: invalid expectation: expected `)` after the column"),
        "{stdout}"
    );
    // Line 10, the quote at column 5, the expression's column 17: file column 5 + 1 + 16 = 22.
    assert!(
        stdout.contains("--> tests/fixtures/check/bad-expectation.yaml:10:22"),
        "{stdout}"
    );
}

#[test]
fn junit_xml_has_a_suite_per_scenario_and_a_case_per_expectation() {
    let dir = temp_dir("junit");
    let junit = dir.join("results.xml");
    let out = ecsim(
        &[
            "check",
            "tests/fixtures/check/failing.yaml",
            "scenarios/web-ec2-fixed.yaml",
            "--junit",
            junit.to_str().expect("utf-8"),
        ],
        false,
    );
    assert_eq!(out.status.code(), Some(1));
    let text = std::fs::read_to_string(&junit).expect("junit written");
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(
        (
            root.attribute("tests"),
            root.attribute("failures"),
            root.attribute("errors")
        ),
        (Some("8"), Some("1"), Some("0")),
        "failing.yaml's 2 expectations and web-ec2-fixed's 6"
    );
    let suites: Vec<_> = root.children().filter(|n| n.has_tag_name("testsuite")).collect();
    assert_eq!(suites.len(), 2);
    let cases = doc.descendants().filter(|n| n.has_tag_name("testcase")).count();
    let failures: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("failure")).collect();
    assert_eq!(cases, 8);
    assert_eq!(failures.len(), 1);
    assert_eq!(
        failures[0].attribute("message"),
        Some("max(api.running) = 2, expected > 2")
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn github_actions_get_an_error_annotation_on_the_expectation_line() {
    let out = ecsim(&["check", "tests/fixtures/check/failing.yaml"], true);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("::error file=tests/fixtures/check/failing.yaml,line=14,title=ecsim expectation failed::max(api.running) > 2%0Amax(api.running) = 2, expected > 2\n"),
        "{stdout}"
    );
    let quiet = ecsim(&["check", "tests/fixtures/check/failing.yaml"], false);
    assert!(!String::from_utf8_lossy(&quiet.stdout).contains("::error"));
}

#[test]
fn check_output_is_the_same_with_one_job_or_many() {
    let one = ecsim(
        &[
            "check",
            "scenarios/",
            "tests/fixtures/check/failing.yaml",
            "--jobs",
            "1",
        ],
        false,
    );
    let many = ecsim(
        &[
            "check",
            "scenarios/",
            "tests/fixtures/check/failing.yaml",
            "--jobs",
            "4",
        ],
        false,
    );
    assert_eq!(one.status.code(), Some(1));
    assert_eq!(one.stdout, many.stdout);
}

#[test]
fn run_records_verdicts_and_only_strict_turns_a_failure_into_exit_1() {
    let dir = temp_dir("strict");
    let out_dir = dir.join("run");
    let out = out_dir.to_str().expect("utf-8");
    let lenient = ecsim(
        &["run", "tests/fixtures/check/failing.yaml", "--out", out, "--no-charts"],
        false,
    );
    assert_eq!(lenient.status.code(), Some(0));
    let summary = std::fs::read_to_string(out_dir.join("summary.json")).expect("summary");
    assert!(
        summary.contains("\"expression\": \"max(api.running) > 2\""),
        "{summary}"
    );
    assert!(summary.contains("\"passed\": false"), "{summary}");
    let strict = ecsim(
        &[
            "run",
            "tests/fixtures/check/failing.yaml",
            "--out",
            out,
            "--no-charts",
            "--strict",
        ],
        false,
    );
    assert_eq!(strict.status.code(), Some(1));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn validate_parses_expectations_and_takes_folders() {
    let tmp = crate::support::TempDir::new("validate-expect");
    let text = std::fs::read_to_string(crate::support::root().join("scenarios/web-ec2-fixed.yaml")).expect("scenario");
    assert!(text.contains("max(web.unserved_rps) == 0"));
    let broken = tmp.0.join("broken.yaml");
    std::fs::write(
        &broken,
        text.replace("max(web.unserved_rps) == 0", "max(web.unserved_rps <= 3"),
    )
    .expect("write");
    let out = crate::support::ecsim(&["validate", broken.to_str().expect("utf-8")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("invalid expectation") && stderr.contains("field: expect[0]"),
        "{stderr}"
    );
    // A folder is searched as `check` searches it: every example scenario validates.
    let out = crate::support::ecsim(&["validate", "scenarios"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let count = std::fs::read_dir(crate::support::root().join("scenarios"))
        .expect("scenarios")
        .filter(|e| {
            e.as_ref()
                .expect("entry")
                .path()
                .extension()
                .is_some_and(|x| x == "yaml")
        })
        .count();
    assert_eq!(stdout.matches(": ok (").count(), count, "{stdout}");
}

#[test]
fn plot_on_a_scenario_file_says_what_it_wants() {
    let out = crate::support::ecsim(&["plot", "scenarios/web-fargate.yaml"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("is a file: plot draws a finished run's directory")
            && stderr.contains("ecsim run scenarios/web-fargate.yaml")
            && stderr.contains("ecsim plot output/web-fargate"),
        "{stderr}"
    );
}

#[test]
fn check_takes_set_and_seed_for_every_scenario() {
    // failing.yaml fails `max(api.running) > 2` with two tasks; three make it pass.
    let out = ecsim(
        &[
            "check",
            "tests/fixtures/check/failing.yaml",
            "--set",
            "ecs.services[name=api].desiredCount=3",
            "--set",
            "expect[0]=last(api.running) == 3",
            "--seed",
            "5",
        ],
        false,
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.starts_with("PASS  tests/fixtures/check/failing.yaml (2 expectations)"),
        "{stdout}"
    );
    // A path that does not fit the scenario makes it invalid, with the reason.
    let out = ecsim(
        &[
            "check",
            "tests/fixtures/check/failing.yaml",
            "--set",
            "ecs.services[name=web].desiredCount=3",
        ],
        false,
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{stdout}");
    assert!(
        stdout.contains("no item has name = `web`: the list has `api`"),
        "{stdout}"
    );
}

#[test]
fn check_out_writes_every_run_directory_and_report_only_the_failing_ones() {
    let dir = temp_dir("outputs");
    let (out, report) = (dir.join("runs"), dir.join("artifacts"));
    let passing = "scenarios/web-ec2-fixed.yaml";
    let out = ecsim(
        &[
            "check",
            "tests/fixtures/check/failing.yaml",
            passing,
            "--seed",
            "5",
            "--out",
            out.to_str().expect("utf-8"),
            "--report",
            report.to_str().expect("utf-8"),
        ],
        false,
    );
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let runs = dir.join("runs");
    for name in ["failing", "web-ec2-fixed"] {
        for file in [
            "services.csv",
            "cluster.csv",
            "events.csv",
            "tasks.csv",
            "alarms.csv",
            "summary.json",
            "report.html",
        ] {
            assert!(runs.join(name).join(file).is_file(), "{name}/{file}");
        }
        assert!(runs.join(name).join("charts/cost.png").is_file(), "{name} charts");
    }
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(runs.join("failing/summary.json")).expect("summary"))
            .expect("json");
    assert_eq!(summary["seed"], 5);
    assert_eq!(summary["overrides"], serde_json::json!(["seed=5"]));
    assert_eq!(summary["expectations"][1]["passed"], false, "verdicts are recorded");
    // --report: the failing scenario only, its report and SVG charts and summary, no traces.
    let artifacts = dir.join("artifacts");
    let names: Vec<String> = std::fs::read_dir(&artifacts)
        .expect("report dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["failing"]);
    let failing = artifacts.join("failing");
    assert!(failing.join("report.html").is_file() && failing.join("summary.json").is_file());
    assert!(failing.join("charts/cost.svg").is_file() && !failing.join("charts/cost.png").exists());
    assert!(!failing.join("services.csv").exists());
    let html = std::fs::read_to_string(failing.join("report.html")).expect("report");
    assert!(html.contains("<td class=\"fail\">fail</td>") && html.contains("src=\"charts/cost.svg\""));
    // --out and --report must differ: --report writes a subset of --out.
    let same = ecsim(
        &[
            "check",
            passing,
            "--out",
            dir.to_str().expect("utf-8"),
            "--report",
            dir.to_str().expect("utf-8"),
        ],
        false,
    );
    assert_eq!(same.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&same.stderr).contains("name the same folder"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A run directory of `check --out` has the standalone tasks' files of a run that has them, the
/// same bytes `ecsim run` writes (issue 17).
#[test]
fn check_out_writes_the_jobs_files_as_run_does() {
    let dir = temp_dir("jobs");
    let scenario = "scenarios/eventbridge-nightly-and-uploads.yaml";
    let (checked, ran) = (dir.join("checked"), dir.join("ran"));
    let out = ecsim(&["check", scenario, "--out", checked.to_str().expect("utf-8")], false);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let out = ecsim(
        &["run", scenario, "--out", ran.to_str().expect("utf-8"), "--no-charts"],
        false,
    );
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let stem = "eventbridge-nightly-and-uploads";
    for file in ["jobs.csv", "jobs-trace.csv"] {
        let read = |p: PathBuf| std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        assert_eq!(read(checked.join(stem).join(file)), read(ran.join(file)), "{file}");
    }
    assert!(checked.join(stem).join("charts/jobs.png").is_file());
    let _ = std::fs::remove_dir_all(&dir);
}
