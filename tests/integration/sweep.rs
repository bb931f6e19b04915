//! `ecsim sweep`: grid order and ranges, located errors before anything runs, replicate seeds and
//! common random numbers, the same files whatever the number of jobs or shards, merging and
//! missing shards, shards from array-job variables, the `sweep:` block and `--sample`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use ecsim::engine::{RunOptions, run};
use ecsim::output::{SummaryBuilder, SummarySink};
use ecsim::sweep::seeds::replicate_seed;
use ecsim::sweep::shard::ENV_VARS;

use crate::support::{load_file, root, run_to_strings};

const SMALL: &str = "tests/fixtures/sweep/small.yaml";
const WITH_BLOCK: &str = "tests/fixtures/sweep/with-block.yaml";
const TARGET: &str = "applicationAutoScaling.scalingPolicies[0].TargetTrackingScalingPolicyConfiguration.TargetValue";
const MIN: &str = "applicationAutoScaling.scalableTargets[0].MinCapacity";

/// Runs the binary in the repository root, with only `env` of the array-job variables set.
fn ecsim(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ecsim"));
    cmd.args(args).current_dir(root());
    for name in ENV_VARS {
        cmd.env_remove(name);
    }
    cmd.envs(env.iter().copied());
    cmd.output().expect("ecsim runs")
}

#[track_caller]
fn succeeded(out: &Output) {
    assert_eq!(
        out.status.code(),
        Some(0),
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// An empty temporary directory for one test.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ecsim-sweep-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{}: {e}", dir.join(name).display()))
}

/// The three files of a finished sweep.
fn files(dir: &Path) -> [String; 3] {
    ["sweep.csv", "sweep_summary.csv", "best.json"].map(|n| read(dir, n))
}

/// The bytes of `report.html` and of every file in `charts/`, by name.
fn chart_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join("charts"))
        .expect("charts/ was written")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut out: Vec<(String, Vec<u8>)> = names
        .into_iter()
        .map(|n| {
            let bytes = std::fs::read(dir.join("charts").join(&n)).expect("readable");
            (n, bytes)
        })
        .collect();
    out.push((
        "report.html".into(),
        std::fs::read(dir.join("report.html")).expect("report.html"),
    ));
    out
}

/// `sweep.csv` as rows of cells, header first.
fn rows(csv: &str) -> Vec<Vec<String>> {
    csv.lines()
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

/// The cells of column `name`.
fn column(csv: &str, name: &str) -> Vec<String> {
    let rows = rows(csv);
    let at = rows[0]
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}"));
    rows[1..].iter().map(|r| r[at].clone()).collect()
}

/// A sweep of the small scenario over two target values and two minimum capacities.
fn grid_args(out: &Path) -> Vec<String> {
    [
        SMALL,
        "--vary",
        &format!("{MIN}=1,2"),
        "--vary",
        &format!("{TARGET}=50..70:10"),
        "--replicas",
        "2",
        "--out",
        &out.display().to_string(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn sweep_args(args: &[String], extra: &[&str]) -> Vec<String> {
    let mut all = vec!["sweep".to_string()];
    all.extend(args.iter().cloned());
    all.extend(extra.iter().map(|s| s.to_string()));
    all
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn the_grid_runs_in_order_with_replicate_seeds_and_common_random_numbers() {
    let dir = temp_dir("grid");
    let out = ecsim(&strs(&sweep_args(&grid_args(&dir), &["--jobs", "2"])), &[]);
    succeeded(&out);
    let csv = read(&dir, "sweep.csv");
    let header = &rows(&csv)[0];
    assert_eq!(header[..4], [MIN, TARGET, "replica", "seed"]);
    // The first --vary varies slowest, then the range, then the replicate.
    assert_eq!(
        column(&csv, MIN),
        ["1"; 6].iter().chain(&["2"; 6]).copied().collect::<Vec<_>>()
    );
    assert_eq!(
        column(&csv, TARGET),
        ["50", "50", "60", "60", "70", "70", "50", "50", "60", "60", "70", "70"]
    );
    let (s0, s1) = (7.to_string(), replicate_seed(7, 1).to_string());
    assert_eq!(
        column(&csv, "seed"),
        [&s0, &s1].repeat(6).into_iter().cloned().collect::<Vec<_>>()
    );
    // Common random numbers: the target value and the minimum do not touch the load, so every
    // combination sees replicate k's demand; the replicates differ.
    let demand = column(&csv, "demand_requests");
    for k in 0..2 {
        let of_replicate: Vec<&String> = demand.iter().skip(k).step_by(2).collect();
        assert!(of_replicate.iter().all(|d| *d == of_replicate[0]), "{demand:?}");
    }
    assert_ne!(demand[0], demand[1]);
    // Replicate 0 is `ecsim run` with the same settings: the same summary figures.
    let loaded = load_file(&root().join(SMALL), &[(MIN, "2"), (TARGET, "60")]).expect("loads");
    let summary: serde_json::Value = serde_json::from_str(&run_to_strings(&loaded).summary).expect("JSON");
    let row = &rows(&csv)[1 + 8];
    assert_eq!(row[..4], ["2", "60", "0", "7"]);
    assert_eq!(
        column(&csv, "cost_usd")[8],
        ecsim::trace::format::usd(summary["cost_usd"].as_f64().expect("cost"))
    );
    assert_eq!(
        column(&csv, "scaling_activities")[8],
        summary["services"][0]["scaling_activities"].to_string()
    );
    // One row per combination in the summary, each with its replicas and a verdict.
    let summary_csv = read(&dir, "sweep_summary.csv");
    assert_eq!(column(&summary_csv, "replicas"), ["2"; 6]);
    assert_eq!(column(&summary_csv, "feasible"), ["true"; 6]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with("Best setting (6 combination(s) x 2 replica(s), minimize cost_usd):\n"),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_bad_path_is_the_error_set_gives_before_anything_runs() {
    let dir = temp_dir("bad-path");
    let out_dir = dir.join("out");
    let path = "ecs.services[0].desiredCont";
    let sweep = ecsim(
        &[
            "sweep",
            SMALL,
            "--vary",
            &format!("{path}=1,2"),
            "--out",
            &out_dir.display().to_string(),
        ],
        &[],
    );
    assert_eq!(sweep.status.code(), Some(2));
    let run = ecsim(
        &[
            "run",
            SMALL,
            "--set",
            &format!("{path}=1"),
            "--out",
            &out_dir.display().to_string(),
        ],
        &[],
    );
    let stderr = String::from_utf8_lossy(&sweep.stderr);
    assert_eq!(stderr, String::from_utf8_lossy(&run.stderr));
    assert!(stderr.contains("error: unknown field `desiredCont`"), "{stderr}");
    assert!(stderr.contains("--> --set ecs.services[0].desiredCont:1:1"), "{stderr}");
    assert!(stderr.contains("did you mean `desiredCount`?"), "{stderr}");
    // With nothing close, the valid keys are listed.
    let listed = ecsim(&["sweep", SMALL, "--vary", "ecs.services[0].zzz=1"], &[]);
    assert_eq!(listed.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&listed.stderr)
            .contains("valid fields here: availabilityZoneRebalancing, capacityProviderStrategy, "),
        "{}",
        String::from_utf8_lossy(&listed.stderr)
    );
    // A value wrong for its field names the combination; an empty range and an unknown figure
    // are errors too; nothing is written for any of them.
    let value = ecsim(
        &[
            "sweep",
            SMALL,
            "--vary",
            &format!("{MIN}=1,-3"),
            "--out",
            &out_dir.display().to_string(),
        ],
        &[],
    );
    assert_eq!(value.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&value.stderr).contains(&format!(
        "error: combination 2 of 2 ({MIN}=-3) is not a valid scenario:"
    )));
    let range = ecsim(&["sweep", SMALL, "--vary", &format!("{TARGET}=70..50:10")], &[]);
    assert!(String::from_utf8_lossy(&range.stderr).contains("is empty: its end is below its start"));
    let figure = ecsim(
        &[
            "sweep",
            SMALL,
            "--where",
            "p99 < 3",
            "--out",
            &out_dir.display().to_string(),
        ],
        &[],
    );
    assert_eq!(figure.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&figure.stderr)
            .contains("unknown figure `p99`; the figures of this sweep are: cost_usd, ")
    );
    assert!(!out_dir.exists(), "nothing was written");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn one_job_or_two_and_one_machine_or_two_shards_write_the_same_bytes() {
    let dir = temp_dir("identity");
    let (one, two, sharded, merged) = (
        dir.join("one"),
        dir.join("two"),
        dir.join("sharded"),
        dir.join("merged"),
    );
    succeeded(&ecsim(&strs(&sweep_args(&grid_args(&one), &["--jobs", "1"])), &[]));
    succeeded(&ecsim(&strs(&sweep_args(&grid_args(&two), &["--jobs", "2"])), &[]));
    assert_eq!(files(&one), files(&two));
    // Two paths vary: a Pareto chart and a heat map, PNG and SVG, and the report page.
    let drawn = chart_files(&one);
    let names: Vec<&str> = drawn.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["heatmap.png", "heatmap.svg", "pareto.png", "pareto.svg", "report.html"]
    );
    assert_eq!(drawn, chart_files(&two));
    for shard in ["0/2", "1/2"] {
        let out = ecsim(&strs(&sweep_args(&grid_args(&sharded), &["--shard", shard])), &[]);
        succeeded(&out);
    }
    assert!(sharded.join("shard-1-of-2/shard.json").is_file());
    assert!(!sharded.join("sweep.csv").exists(), "a shard writes only its rows");
    // Missing shard: reported by index, nothing written.
    let missing = ecsim(
        &[
            "sweep",
            "merge",
            &sharded.join("shard-0-of-2").display().to_string(),
            "--out",
            &merged.display().to_string(),
        ],
        &[],
    );
    assert_eq!(missing.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&missing.stderr),
        "error: missing shard(s) 1 of 2 (numbered 0 to 1): run them, then merge every shard; nothing was written\n"
    );
    assert!(!merged.exists());
    let out = ecsim(
        &[
            "sweep",
            "merge",
            &sharded.display().to_string(),
            "--out",
            &merged.display().to_string(),
        ],
        &[],
    );
    succeeded(&out);
    assert_eq!(files(&merged), files(&one));
    assert_eq!(
        chart_files(&merged),
        chart_files(&one),
        "merged charts are the same bytes"
    );
    // Shards of another sweep do not merge with these.
    let other = dir.join("other");
    let mut args = grid_args(&other);
    args[6] = "3".into(); // --replicas 3
    succeeded(&ecsim(&strs(&sweep_args(&args, &["--shard", "1/2"])), &[]));
    let mixed = ecsim(
        &[
            "sweep",
            "merge",
            &sharded.join("shard-0-of-2").display().to_string(),
            &other.join("shard-1-of-2").display().to_string(),
            "--out",
            &dir.join("mixed").display().to_string(),
        ],
        &[],
    );
    assert_eq!(mixed.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&mixed.stderr).contains("are shards of different sweeps: --replicas differs"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn array_job_variables_choose_the_shard() {
    let dir = temp_dir("env");
    let base = grid_args(&dir);
    // In process, with an explicit environment: a Kubernetes Indexed Job with --shards.
    let env: BTreeMap<String, String> = [("JOB_COMPLETION_INDEX".to_string(), "1".to_string())].into();
    let in_process = |extra: &[&str]| {
        let mut args = vec!["ecsim".to_string()];
        args.extend(sweep_args(&base, extra));
        args[2] = root().join(SMALL).display().to_string();
        args
    };
    let code = ecsim::cli::main_with_env(in_process(&["--shards", "3"]), &env);
    assert_eq!(code, std::process::ExitCode::SUCCESS);
    let manifest: serde_json::Value =
        serde_json::from_str(&read(&dir.join("shard-1-of-3"), "shard.json")).expect("JSON");
    assert_eq!(
        (manifest["shard"]["index"].as_u64(), manifest["runs"].as_u64()),
        (Some(1), Some(12))
    );
    assert_eq!(
        column(&read(&dir.join("shard-1-of-3"), "runs.csv"), "run"),
        ["1", "4", "7", "10"]
    );
    // Without --shards the index alone is an error (exit 2); main_with reads no environment.
    let code = ecsim::cli::main_with_env(in_process(&[]), &env);
    assert_eq!(code, std::process::ExitCode::from(2));
    // Slurm, through the binary, with ids starting at 1.
    let slurm = [
        ("SLURM_ARRAY_TASK_ID", "3"),
        ("SLURM_ARRAY_TASK_MIN", "1"),
        ("SLURM_ARRAY_TASK_COUNT", "3"),
    ];
    succeeded(&ecsim(&strs(&sweep_args(&base, &[])), &slurm));
    assert!(dir.join("shard-2-of-3/runs.csv").is_file());
    // AWS Batch, with its array size.
    let batch = [("AWS_BATCH_JOB_ARRAY_INDEX", "0"), ("AWS_BATCH_JOB_ARRAY_SIZE", "3")];
    let out = ecsim(&strs(&sweep_args(&base, &[])), &batch);
    succeeded(&out);
    assert!(String::from_utf8_lossy(&out.stderr).contains("shard 0/3 (from AWS_BATCH_JOB_ARRAY_INDEX)"));
    // The three shards merge into the unsharded sweep.
    let (merged, whole) = (dir.join("merged"), dir.join("whole"));
    succeeded(&ecsim(
        &[
            "sweep",
            "merge",
            &dir.display().to_string(),
            "--out",
            &merged.display().to_string(),
        ],
        &[],
    ));
    succeeded(&ecsim(&strs(&sweep_args(&grid_args(&whole), &[])), &[]));
    assert_eq!(files(&merged), files(&whole));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_sweep_block_gives_defaults_that_flags_override() {
    let dir = temp_dir("block");
    let (block, flags) = (dir.join("block"), dir.join("flags"));
    let out = ecsim(&["sweep", WITH_BLOCK, "--out", &block.display().to_string()], &[]);
    succeeded(&out);
    let csv = read(&block, "sweep.csv");
    assert_eq!(rows(&csv)[0][..2], [TARGET, "ecs.services[0].desiredCount"]);
    assert_eq!(rows(&csv).len(), 1 + 3 * 2 * 2);
    let best: serde_json::Value = serde_json::from_str(&read(&block, "best.json")).expect("JSON");
    assert_eq!(best["where"], serde_json::json!(["unserved_fraction < 0.05"]));
    assert_eq!(
        (best["replicas"].as_u64(), best["combinations"].as_u64()),
        (Some(2), Some(6))
    );
    // Flags win: one replicate, a constraint nothing meets, and a sample of the grid.
    let out = ecsim(
        &[
            "sweep",
            WITH_BLOCK,
            "--replicas",
            "1",
            "--where",
            "peak_running < 2",
            "--sample",
            "4",
            "--out",
            &flags.display().to_string(),
        ],
        &[],
    );
    succeeded(&out);
    let best: serde_json::Value = serde_json::from_str(&read(&flags, "best.json")).expect("JSON");
    assert_eq!(best["best"], serde_json::Value::Null);
    let reason = best["reason"].as_str().expect("a reason");
    assert!(
        reason.starts_with("no combination meets peak_running < 2; the closest is "),
        "{reason}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("No best setting (4 combination(s) x 1 replica(s)"));
    // The sample: four combinations in grid order, the same on every run.
    let summary = read(&flags, "sweep_summary.csv");
    let sampled: Vec<String> = rows(&summary)[1..]
        .iter()
        .map(|r| format!("{}/{}", r[0], r[1]))
        .collect();
    assert_eq!(sampled.len(), 4);
    let grid = ["50/2", "50/3", "60/2", "60/3", "70/2", "70/3"];
    let positions: Vec<usize> = sampled
        .iter()
        .map(|s| grid.iter().position(|g| g == s).expect("in the grid"))
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{sampled:?}");
    // A bad range in the block is located in the file; nothing runs.
    let bad = dir.join("bad-range.yaml");
    let text = read(&root(), WITH_BLOCK).replace("\"50..70:10\"", "\"70..50:10\"");
    std::fs::write(&bad, text).expect("written");
    let out = ecsim(
        &[
            "sweep",
            &bad.display().to_string(),
            "--out",
            &dir.join("bad").display().to_string(),
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "error: {}:55:5: sweep.vary: {TARGET}: the range `70..50:10` is empty",
            bad.display()
        )),
        "{stderr}"
    );
    assert!(!dir.join("bad").exists());
    // An unknown key in the block is an error of the scenario, located.
    let text = read(&root(), WITH_BLOCK).replace("  replicas: 2", "  replica: 2");
    let err =
        ecsim::scenario::load("with-block.yaml", &text, &crate::support::DirLoader(root()), &[]).expect_err("typo");
    assert!(err.rendered.contains("unknown field `replica`"), "{}", err.rendered);
    assert!(err.rendered.contains("did you mean `replicas`?"), "{}", err.rendered);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn keep_runs_writes_each_run_directory_and_a_summary_only_run_matches_a_full_one() {
    let dir = temp_dir("keep");
    let out = ecsim(
        &[
            "sweep",
            SMALL,
            "--vary",
            &format!("{TARGET}=50,70"),
            "--keep-runs",
            "--out",
            &dir.display().to_string(),
        ],
        &[],
    );
    succeeded(&out);
    for run in ["0", "1"] {
        let run_dir = dir.join("runs").join(run);
        for file in [
            "services.csv",
            "cluster.csv",
            "events.csv",
            "tasks.csv",
            "alarms.csv",
            "summary.json",
        ] {
            assert!(run_dir.join(file).is_file(), "{}", run_dir.join(file).display());
        }
    }
    let kept: serde_json::Value = serde_json::from_str(&read(&dir.join("runs/1"), "summary.json")).expect("JSON");
    assert_eq!(
        column(&read(&dir, "sweep.csv"), "cost_usd")[1],
        ecsim::trace::format::usd(kept["cost_usd"].as_f64().expect("cost"))
    );
    // The sink a sweep uses builds the same summary as the CSV writer.
    let loaded = load_file(&root().join(SMALL), &[]).expect("loads");
    let mut sink = SummarySink::new(SummaryBuilder::new(&loaded.spec).with_provenance(&loaded.provenance));
    run(&loaded.spec, &mut sink, RunOptions::default()).expect("runs");
    assert_eq!(sink.into_summary().to_json(), run_to_strings(&loaded).summary);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_chart_figure_that_does_not_exist_is_bad_input_and_nothing_is_written() {
    let dir = temp_dir("bad-axis");
    let out = dir.join("out");
    let bad = ecsim(&strs(&sweep_args(&grid_args(&out), &["--y", "latency_p99"])), &[]);
    assert_eq!(bad.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(
        stderr.contains("latency_p99") && stderr.contains("unserved_fraction"),
        "{stderr}"
    );
    assert!(!out.exists(), "nothing was written");
    let none = dir.join("none");
    succeeded(&ecsim(&strs(&sweep_args(&grid_args(&none), &["--no-charts"])), &[]));
    assert!(none.join("best.json").is_file() && !none.join("charts").exists() && !none.join("report.html").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

/// The entries of `dir`, sorted.
fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("directory")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn keep_runs_replaces_its_directory_whole_under_the_out_lock() {
    let parent = temp_dir("keep-lock");
    let dir = parent.join("grid");
    let dir_s = dir.display().to_string();
    let sweep = |values: &str, extra: &[&str]| {
        let vary = format!("{TARGET}={values}");
        let mut args = vec!["sweep", SMALL, "--vary", &vary, "--out", &dir_s];
        args.extend_from_slice(extra);
        ecsim(&args, &[])
    };
    succeeded(&sweep("50,60,70", &["--keep-runs"]));
    assert_eq!(entries(&dir.join("runs")), ["0", "1", "2"]);
    // A second sweep with fewer runs replaces the first whole: no run of the first stays beside
    // its runs (as runs/2 did when runs were written into the directory in place).
    succeeded(&sweep("55,65", &["--keep-runs", "--seed", "3"]));
    assert_eq!(entries(&dir.join("runs")), ["0", "1"]);
    let kept: serde_json::Value = serde_json::from_str(&read(&dir.join("runs/0"), "summary.json")).expect("JSON");
    assert_eq!(kept["seed"], 3, "runs/0 is the second sweep's");
    assert_eq!(entries(&parent), ["grid"], "no staging directory or lock left");

    // While a run or another sweep holds the lock (this test process stands for it: it is
    // alive), a sweep fails at once, with or without --keep-runs, and leaves the directory alone.
    let before = files(&dir);
    let lock = parent.join(".grid.lock");
    std::fs::write(&lock, format!("{} sweep\n", std::process::id())).expect("lock");
    for extra in [&["--keep-runs"][..], &[]] {
        let out = sweep("50,70", extra);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        let holder = format!(
            "another `ecsim sweep` (process {}) is writing into --out {dir_s}",
            std::process::id()
        );
        assert!(stderr.contains(&holder), "{stderr}");
    }
    assert_eq!(files(&dir), before, "the locked directory is as it was");
    assert_eq!(entries(&dir.join("runs")), ["0", "1"]);
    // A run into the directory a sweep holds fails the same way.
    let run = ecsim(&["run", SMALL, "--out", &dir_s, "--no-charts"], &[]);
    assert_eq!(run.status.code(), Some(2), "{}", String::from_utf8_lossy(&run.stderr));
    std::fs::remove_file(&lock).expect("unlock");

    // A folder ecsim did not write is never replaced by a sweep's runs.
    let foreign = parent.join("mine");
    std::fs::create_dir_all(&foreign).expect("folder");
    std::fs::write(foreign.join("notes.txt"), "keep me").expect("file");
    let out = ecsim(
        &[
            "sweep",
            SMALL,
            "--vary",
            &format!("{TARGET}=50"),
            "--keep-runs",
            "--out",
            &foreign.display().to_string(),
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(entries(&foreign), ["notes.txt"]);
    let _ = std::fs::remove_dir_all(&parent);
}
