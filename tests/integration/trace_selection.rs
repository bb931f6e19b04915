//! Which traces a run writes (`--traces`, `--no-traces`) and what `alarms.csv` holds (the alarm
//! history, or every evaluation with `--alarm-evaluations`): the verdicts of `expect:` and the
//! charts are the same whatever is written, and `ecsim plot` draws what the files allow.

use std::path::Path;

use ecsim::output::AlarmRows;

use crate::support::{TempDir, column, drawn_files, ecsim, load_file, root, run_to_strings, run_to_strings_with};

/// `target-tracking-cpu.yaml` with expectations on alarm events, scaling activities and
/// services.csv columns, written into `dir`.
fn scenario_with_expectations(dir: &Path) -> String {
    let text = std::fs::read_to_string(root().join("scenarios/target-tracking-cpu.yaml")).expect("scenario");
    let extra = "  - count_events(alarm, web) >= 10\n  - count_events(alarm, web) > 1000\n  \
                 - scaling_activities >= 5\n  - max(web.cpu_utilization during [6h, 12h]) < 70\n  \
                 - mean(FARGATE.tasks) > 100\n";
    let path = dir.join("tracked.yaml");
    std::fs::write(&path, format!("{text}{extra}")).expect("temp scenario");
    path.to_str().expect("utf-8 path").to_string()
}

/// Runs `ecsim run SCENARIO --out DIR ARGS...`; panics unless it exits 0.
fn run_into(scenario: &str, out: &Path, args: &[&str]) {
    let mut all = vec!["run", scenario, "--out", out.to_str().expect("utf-8 path")];
    all.extend_from_slice(args);
    let output = ecsim(&all);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{all:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The names of the files in `dir` (not in sub-directories), sorted.
fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("run dir")
        .map(|e| e.expect("entry"))
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn verdicts_and_charts_are_the_same_whatever_traces_are_written() {
    let tmp = TempDir::new("traces");
    let scenario = scenario_with_expectations(&tmp.0);
    let full = tmp.0.join("full");
    run_into(&scenario, &full, &[]);
    let summary = std::fs::read_to_string(full.join("summary.json")).expect("summary");
    // The verdicts mix passes and failures, so a change of any measured figure would show.
    assert!(summary.contains("\"passed\": true") && summary.contains("\"passed\": false"));
    let charts = drawn_files(&full);
    let cases: [(&str, &[&str], &[&str]); 4] = [
        (
            "some",
            &["--traces", "services,events"],
            &["events.csv", "services.csv"],
        ),
        ("tasks", &["--traces", "tasks"], &["tasks.csv"]),
        ("none", &["--no-traces"], &[]),
        (
            "evaluations",
            &["--traces", "alarms", "--alarm-evaluations"],
            &["alarms.csv"],
        ),
    ];
    for (name, args, traces) in cases {
        let out = tmp.0.join(name);
        run_into(&scenario, &out, args);
        let mut expected: Vec<&str> = traces.iter().copied().chain(["report.html", "summary.json"]).collect();
        expected.sort_unstable();
        assert_eq!(file_names(&out), expected, "{name}");
        let kept = std::fs::read_to_string(out.join("summary.json")).expect("summary");
        assert_eq!(kept, summary, "{name}: the same verdicts and figures");
        assert!(drawn_files(&out) == charts, "{name}: the same charts and report");
    }
}

#[test]
fn unknown_trace_names_and_conflicting_flags_are_bad_input() {
    let run = |args: &[&str]| {
        let mut all = vec![
            "run",
            "scenarios/target-tracking-cpu.yaml",
            "--out",
            "/nonexistent/never",
        ];
        all.extend_from_slice(args);
        let output = ecsim(&all);
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (code, stderr) = run(&["--traces", "services,evnts"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("invalid value 'evnts' for '--traces <LIST>'") && stderr.contains("'events'"),
        "names the bad value and suggests the nearest: {stderr}"
    );
    let (code, stderr) = run(&["--traces", "services", "--no-traces"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("cannot be used with"), "{stderr}");
    let (code, stderr) = run(&["--traces", "services", "--alarm-evaluations"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.starts_with("error: --alarm-evaluations writes every evaluation into alarms.csv"),
        "{stderr}"
    );
}

#[test]
fn ecsim_plot_draws_what_the_written_traces_allow() {
    let tmp = TempDir::new("plot-fewer");
    let out = tmp.0.join("run");
    run_into(
        "scenarios/target-tracking-cpu.yaml",
        &out,
        &["--traces", "services,events", "--no-charts"],
    );
    let plot = ecsim(&["plot", out.to_str().expect("utf-8 path")]);
    let stderr = String::from_utf8_lossy(&plot.stderr);
    assert_eq!(plot.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("cluster.csv is not there (not in the run's --traces): no capacity or cost charts"));
    assert!(stderr.contains("alarms.csv is not there: the utilization charts show no alarm periods"));
    let names: Vec<String> = drawn_files(&out).into_iter().map(|(n, _)| n).collect();
    assert!(names.contains(&"service-web-utilization.png".to_string()), "{names:?}");
    assert!(
        !names
            .iter()
            .any(|n| n.starts_with("cost") || n.starts_with("provider-")),
        "{names:?}"
    );

    let bare = tmp.0.join("bare");
    run_into(
        "scenarios/target-tracking-cpu.yaml",
        &bare,
        &["--no-traces", "--no-charts"],
    );
    assert_eq!(file_names(&bare), ["summary.json"]);
    let plot = ecsim(&["plot", bare.to_str().expect("utf-8 path")]);
    let stderr = String::from_utf8_lossy(&plot.stderr);
    assert_eq!(plot.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("services.csv is not there"), "{stderr}");
    assert!(bare.join("report.html").is_file(), "the report of the summary alone");
}

#[test]
fn the_alarm_history_is_the_evaluations_that_changed_state() {
    for name in ["target-tracking-cpu.yaml", "step-scaling-doc-sequence.yaml"] {
        let loaded = load_file(&root().join("scenarios").join(name), &[]).expect("loads");
        let history = run_to_strings(&loaded);
        let every = run_to_strings_with(&loaded, AlarmRows::Evaluations);
        assert_eq!(
            history.summary, every.summary,
            "{name}: the summary counts every evaluation"
        );
        assert_eq!(history.events, every.events, "{name}");
        let header = every.alarms.lines().next().expect("header");
        let state = header.split(',').position(|c| c == "state").expect("state");
        let previous = header
            .split(',')
            .position(|c| c == "previous_state")
            .expect("previous_state");
        let changes: Vec<&str> = every
            .alarms
            .lines()
            .skip(1)
            .filter(|line| {
                let cells: Vec<&str> = line.split(',').collect();
                cells[state] != cells[previous]
            })
            .collect();
        let rows: Vec<&str> = history.alarms.lines().skip(1).collect();
        assert!(
            rows.len() >= 4 && rows.len() * 10 < every.alarms.lines().count(),
            "{name}"
        );
        assert_eq!(rows, changes, "{name}");
        // Every change names where it came from, with the datapoints and the reason.
        let from = column(&history.alarms, "previous_state", None);
        assert_eq!(
            from[0], "INSUFFICIENT_DATA",
            "{name}: the first change leaves INSUFFICIENT_DATA"
        );
        // The reason is quoted (it holds commas) and last: `column` gives its first piece.
        let reasons = column(&history.alarms, "reason", None);
        assert!(
            reasons
                .iter()
                .all(|r| r.trim_start_matches('"').starts_with("Threshold Crossed: ")),
            "{name}: {reasons:?}"
        );
        let datapoints = column(&history.alarms, "datapoints", None);
        assert!(datapoints.iter().all(|d| d.contains('@')), "{name}");
    }
}
