//! A run replaces its output directory whole (issue 16, safe output directories): no stale chart
//! or report from an earlier run stays beside new CSVs, a symbolic link planted in the output
//! path is replaced rather than followed, a directory that is not a run directory is never
//! replaced, and a failed run leaves the previous directory as it was.

use std::fs;

use crate::support::{TempDir, ecsim};

fn run_into(out: &std::path::Path, extra: &[&str]) -> (Option<i32>, String) {
    let mut args = vec![
        "run",
        "scenarios/web-ec2-fixed.yaml",
        "--out",
        out.to_str().expect("utf-8"),
    ];
    args.extend_from_slice(extra);
    let o = ecsim(&args);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    (o.status.code(), text)
}

#[test]
fn a_second_run_replaces_the_first_whole() {
    let tmp = TempDir::new("outdir-replace");
    let out = tmp.0.join("web");
    let (code, text) = run_into(&out, &[]);
    assert_eq!(code, Some(0), "{text}");
    assert!(out.join("report.html").is_file() && out.join("charts").is_dir());
    assert!(
        text.contains(&format!("wrote {}", out.display())),
        "messages name the run directory: {text}"
    );
    let (code, text) = run_into(&out, &["--no-charts", "--seed", "9"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(
        !out.join("report.html").exists() && !out.join("charts").exists(),
        "stale charts stayed"
    );
    assert!(out.join("summary.json").is_file());
    // Nothing is left beside it: no staging or parked directory.
    let names: Vec<String> = fs::read_dir(&tmp.0)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["web".to_string()]);
}

#[cfg(unix)]
#[test]
fn symbolic_links_in_the_output_path_are_replaced_not_followed() {
    let tmp = TempDir::new("outdir-links");
    let victim = tmp.0.join("victim");
    fs::create_dir_all(&victim).expect("victim");
    fs::write(victim.join("precious.txt"), "keep me").expect("file");
    // A committed `output/web -> victim`: the run replaces the link.
    let out = tmp.0.join("web");
    std::os::unix::fs::symlink(&victim, &out).expect("link");
    let (code, text) = run_into(&out, &["--no-charts"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(!fs::symlink_metadata(&out).expect("out").file_type().is_symlink());
    assert_eq!(
        fs::read_dir(&victim).expect("victim").count(),
        1,
        "nothing written through the link"
    );
    // A run directory with `charts -> victim` inside: replaced whole, victim untouched.
    std::os::unix::fs::symlink(&victim, out.join("charts")).expect("link");
    let (code, text) = run_into(&out, &[]);
    assert_eq!(code, Some(0), "{text}");
    assert!(
        out.join("charts").is_dir()
            && !fs::symlink_metadata(out.join("charts"))
                .expect("charts")
                .file_type()
                .is_symlink()
    );
    assert_eq!(
        fs::read_to_string(victim.join("precious.txt")).expect("kept"),
        "keep me"
    );
    assert_eq!(fs::read_dir(&victim).expect("victim").count(), 1);
}

#[test]
fn a_folder_that_is_not_a_run_directory_is_never_replaced() {
    let tmp = TempDir::new("outdir-foreign");
    fs::write(tmp.0.join("notes.txt"), "mine").expect("file");
    let (code, text) = run_into(&tmp.0, &["--no-charts"]);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("is not an ecsim run or sweep directory"), "{text}");
    assert_eq!(fs::read_to_string(tmp.0.join("notes.txt")).expect("kept"), "mine");
    let (code, text) = run_into(std::path::Path::new("."), &["--no-charts"]);
    assert_eq!(code, Some(2), "{text}");
}

#[test]
fn a_folder_whose_summary_json_ecsim_did_not_write_is_never_replaced() {
    let tmp = TempDir::new("outdir-foreign-summary");
    for (i, text) in ["{\"total\": 3}\n", "not json\n", "[1, 2]\n"].iter().enumerate() {
        let out = tmp.0.join(format!("mine-{i}"));
        fs::create_dir(&out).expect("dir");
        fs::write(out.join("summary.json"), text).expect("file");
        fs::write(out.join("notes.txt"), "mine").expect("file");
        let (code, text) = run_into(&out, &["--no-charts"]);
        assert_eq!(code, Some(2), "{text}");
        assert!(
            text.contains("no summary.json, best.json or shard.json written by ecsim"),
            "{text}"
        );
        assert_eq!(fs::read_to_string(out.join("notes.txt")).expect("kept"), "mine");
    }
}

#[test]
fn a_failed_run_leaves_the_previous_directory() {
    let tmp = TempDir::new("outdir-failed");
    let out = tmp.0.join("web");
    let (code, text) = run_into(&out, &["--no-charts"]);
    assert_eq!(code, Some(0), "{text}");
    let before = fs::read(out.join("services.csv")).expect("services");
    // The event budget stops this run part-way: bad input, exit 2.
    let (code, text) = run_into(&out, &["--no-charts", "--set", "behavior.maxEvents=10"]);
    assert_eq!(code, Some(2), "{text}");
    assert_eq!(fs::read(out.join("services.csv")).expect("services"), before);
    assert_eq!(
        fs::read_dir(&tmp.0).expect("list").count(),
        1,
        "no staging directory left"
    );
}

/// Starts a long run into `out` and returns it once its staging directory exists (it is
/// simulating then).
#[cfg(unix)]
fn start_long_run(tmp: &std::path::Path, out: &std::path::Path, extra: &[&str]) -> std::process::Child {
    let mut args = vec![
        "run",
        "benches/scenarios/large-30d-managed-scaling.yaml",
        "--set",
        "duration=365d",
        "--no-charts",
        "--out",
        out.to_str().expect("utf-8"),
    ];
    args.extend_from_slice(extra);
    start_and_wait_for_staging(tmp, &args)
}

/// Starts `ecsim ARGS` and returns it once a staging directory exists in `tmp`; fails (rather
/// than waiting for ever) if the command ends first.
#[cfg(unix)]
fn start_and_wait_for_staging(tmp: &std::path::Path, args: &[&str]) -> std::process::Child {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ecsim"))
        .args(args)
        .current_dir(crate::support::root())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("starts");
    while !fs::read_dir(tmp)
        .expect("list")
        .any(|e| e.expect("entry").file_name().to_string_lossy().contains(".staging-"))
    {
        if let Some(status) = child.try_wait().expect("polls") {
            let output = child.wait_with_output().expect("output");
            panic!(
                "ecsim {args:?} ended ({status}) before staging: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        std::thread::yield_now();
    }
    child
}

/// Sends `signal` (`-INT`, `-TERM`) to `child` and checks that it exits with `code`, says that
/// nothing was written, and leaves `dir` empty.
#[cfg(unix)]
fn assert_stops_leaving_nothing(child: std::process::Child, signal: &str, code: i32, dir: &std::path::Path) {
    let status = std::process::Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let result = child.wait_with_output().expect("waits");
    let text = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(code), "{text}");
    assert!(text.contains("nothing was written"), "{text}");
    assert_eq!(
        fs::read_dir(dir).expect("list").count(),
        0,
        "no file left behind: {text}"
    );
}

#[cfg(unix)]
#[test]
fn sigint_and_sigterm_stop_a_run_cleanly() {
    for (signal, code) in [("-INT", 130), ("-TERM", 143)] {
        let tmp = TempDir::new(&format!("outdir-signal{signal}"));
        let out = tmp.0.join("long");
        let child = start_long_run(&tmp.0, &out, &[]);
        assert_stops_leaving_nothing(child, signal, code, &tmp.0);
    }
}

/// Issue 16 item 5: a sweep stops on SIGINT or SIGTERM as a run does, and its staging
/// directory (with `--keep-runs`) and lock are removed.
#[cfg(unix)]
#[test]
fn sigint_and_sigterm_stop_a_sweep_cleanly() {
    for (signal, code) in [("-INT", 130), ("-TERM", 143)] {
        let tmp = TempDir::new(&format!("outdir-sweep-signal{signal}"));
        let out = tmp.0.join("sweep");
        let args = [
            "sweep",
            "benches/scenarios/large-30d-managed-scaling.yaml",
            "--vary",
            "duration=365d,366d",
            "--jobs",
            "1",
            "--keep-runs",
            "--out",
            out.to_str().expect("utf-8"),
        ];
        let child = start_and_wait_for_staging(&tmp.0, &args);
        assert_stops_leaving_nothing(child, signal, code, &tmp.0);
    }
}

#[cfg(unix)]
#[test]
fn a_wall_clock_timeout_stops_a_run_as_bad_input() {
    let tmp = TempDir::new("outdir-timeout");
    let out = tmp.0.join("long");
    let child = start_long_run(&tmp.0, &out, &["--timeout", "1s"]);
    let result = child.wait_with_output().expect("waits");
    let text = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(2), "{text}");
    assert!(text.contains("--timeout"), "{text}");
    assert_eq!(fs::read_dir(&tmp.0).expect("list").count(), 0, "{text}");
}

/// Issue 16 item 5: `ecsim check` stops on SIGTERM as a run does: the scenario under way is
/// dropped, finished ones keep their results and run directories, no JUnit file is written, and
/// the exit code is 143.
#[cfg(unix)]
#[test]
fn sigterm_stops_a_check_cleanly_after_the_finished_scenarios() {
    use std::io::BufRead;
    let tmp = TempDir::new("outdir-check-signal");
    let scenarios = tmp.0.join("scenarios");
    fs::create_dir(&scenarios).expect("dir");
    let root = crate::support::root();
    let long = fs::read_to_string(root.join("benches/scenarios/large-30d-managed-scaling.yaml")).expect("bench");
    let long: String = long
        .lines()
        .map(|l| {
            if l.starts_with("duration:") {
                "duration: 365d"
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    fs::write(scenarios.join("b-long.yaml"), long).expect("long");
    fs::copy(
        root.join("scenarios/target-tracking-cpu.yaml"),
        scenarios.join("a-quick.yaml"),
    )
    .expect("quick");
    let (out, junit) = (tmp.0.join("out"), tmp.0.join("junit.xml"));
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ecsim"))
        .args(["check", "--jobs", "1"])
        .arg(&scenarios)
        .arg("--out")
        .arg(&out)
        .arg("--junit")
        .arg(&junit)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("starts");
    let mut stdout = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    stdout.read_line(&mut first).expect("the quick scenario's line");
    assert!(first.contains("a-quick.yaml"), "{first}");
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let result = child.wait_with_output().expect("waits");
    let text = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(143), "{text}");
    assert!(text.contains("terminated (SIGTERM) after 1 of 2 scenario(s)"), "{text}");
    assert!(!junit.exists(), "no JUnit file for a stopped check");
    let written: Vec<String> = fs::read_dir(&out)
        .expect("the finished scenario's run directory")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(written, ["a-quick"], "{text}");
}
