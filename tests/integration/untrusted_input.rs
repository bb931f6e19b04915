//! Scenarios are untrusted input in CI (issue 16): the files they name stay inside their folder,
//! no outside file's contents reach a message, alias bombs and deep nesting are refused before
//! they cost memory, `check` does not follow symbolic links, and a strategy naming a provider
//! twice is bad input rather than a panic.

use std::fs;
use std::path::Path;

use crate::support::{TempDir, ecsim, root};

/// A Fargate scenario whose task definition comes from `file`.
fn scenario_naming(file: &str) -> String {
    let text = fs::read_to_string(root().join("scenarios/web-fargate.yaml")).expect("example scenario");
    text.replace("file: taskdefs/web-fargate.json", &format!("file: {file}"))
        .lines()
        .take_while(|l| !l.starts_with("expect:"))
        .collect::<Vec<_>>()
        .join("\n")
}

const SECRET: &str = "TOP-SECRET-5b1f";

/// Writes a scenario folder `dir/case/` and a secret file beside it, outside the folder.
fn case(dir: &Path, file: &str) -> std::path::PathBuf {
    let folder = dir.join("case");
    fs::create_dir_all(&folder).expect("folder");
    fs::write(dir.join("secret.json"), format!("{{\"family\": \"{SECRET}\"")).expect("secret");
    let path = folder.join("s.yaml");
    fs::write(&path, scenario_naming(file)).expect("scenario");
    path
}

fn stderr_of(args: &[&str]) -> (Option<i32>, String) {
    let out = ecsim(args);
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), all)
}

#[test]
fn a_file_outside_the_scenario_folder_is_refused_and_never_printed() {
    let tmp = TempDir::new("confine-outside");
    let path = case(&tmp.0, "../secret.json");
    let (code, text) = stderr_of(&["validate", path.to_str().expect("utf-8")]);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("outside the scenario's folder"), "{text}");
    assert!(text.contains("--allow-path"), "{text}");
    assert!(!text.contains(SECRET), "the outside file's contents leaked: {text}");

    // An absolute path and a symbolic link inside the folder are resolved the same way.
    let path = case(&tmp.0, &tmp.0.join("secret.json").display().to_string());
    let (code, text) = stderr_of(&["run", path.to_str().expect("utf-8"), "--no-charts"]);
    assert_eq!(code, Some(2), "{text}");
    assert!(!text.contains(SECRET), "{text}");
    #[cfg(unix)]
    {
        let folder = tmp.0.join("case");
        std::os::unix::fs::symlink(tmp.0.join("secret.json"), folder.join("link.json")).expect("symlink");
        let path = case(&tmp.0, "link.json");
        let (code, text) = stderr_of(&["check", path.to_str().expect("utf-8")]);
        assert_eq!(code, Some(2), "{text}");
        assert!(
            text.contains("outside the scenario's folder") && !text.contains(SECRET),
            "{text}"
        );
    }
}

#[test]
fn allow_path_lets_a_scenario_read_another_folder() {
    let tmp = TempDir::new("confine-allow");
    let shared = tmp.0.join("shared");
    fs::create_dir_all(&shared).expect("shared");
    fs::copy(
        root().join("scenarios/taskdefs/web-fargate.json"),
        shared.join("td.json"),
    )
    .expect("copy");
    let path = case(&tmp.0, "../shared/td.json");
    let p = path.to_str().expect("utf-8");
    let (code, text) = stderr_of(&["validate", p]);
    assert_eq!(code, Some(2), "refused without the flag: {text}");
    let (code, text) = stderr_of(&["validate", p, "--allow-path", shared.to_str().expect("utf-8")]);
    assert_eq!(code, Some(0), "{text}");
}

#[test]
fn devices_and_process_files_are_not_read() {
    let tmp = TempDir::new("confine-devices");
    for file in ["/dev/zero", "/proc/self/environ", "/dev/stdin"] {
        let path = case(&tmp.0, file);
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_ecsim"))
            .args(["validate", path.to_str().expect("utf-8"), "--allow-path", "/"])
            .env("ECSIM_TEST_SECRET", SECRET)
            .stdin(std::process::Stdio::null())
            .output()
            .expect("runs");
        let text = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{file}: {text}");
        assert!(text.contains("not a regular file"), "{file}: {text}");
        assert!(!text.contains(SECRET), "{file}: {text}");
    }
}

#[test]
fn an_alias_bomb_and_deep_nesting_are_refused_before_they_cost_memory() {
    let tmp = TempDir::new("yaml-bomb");
    // Nine levels of ten aliases each: a billion values from a few hundred bytes.
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..=9 {
        let prev = format!("*a{}", level - 1);
        bomb.push_str(&format!("a{level}: &a{level} [{}]\n", [prev.as_str(); 10].join(", ")));
    }
    bomb.push_str("duration: 1h\n");
    let path = tmp.0.join("bomb.yaml");
    fs::write(&path, &bomb).expect("bomb");
    let (code, text) = stderr_of(&["validate", path.to_str().expect("utf-8")]);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("values once its aliases"), "{text}");

    // Deeper than ecsim's limit (128), shallower than the YAML parser's own.
    let deep = format!("duration: 1h\nx: {}{}\n", "[".repeat(200), "]".repeat(200));
    let path = tmp.0.join("deep.yaml");
    fs::write(&path, deep).expect("deep");
    let (code, text) = stderr_of(&["validate", path.to_str().expect("utf-8")]);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("nest more than"), "{text}");
}

#[cfg(unix)]
#[test]
fn check_does_not_follow_symbolic_links_in_folders() {
    let tmp = TempDir::new("check-links");
    fs::copy(root().join("scenarios/web-ec2-fixed.yaml"), tmp.0.join("one.yaml")).expect("copy");
    std::os::unix::fs::symlink(&tmp.0, tmp.0.join("loop-a")).expect("link");
    std::os::unix::fs::symlink(&tmp.0, tmp.0.join("loop-b")).expect("link");
    std::os::unix::fs::symlink("/", tmp.0.join("root")).expect("link");
    let (code, text) = stderr_of(&["check", tmp.0.to_str().expect("utf-8")]);
    assert_eq!(code, Some(0), "{text}");
    assert_eq!(text.matches("one.yaml").count(), 1, "one scenario, found once: {text}");
    assert!(!text.contains("loop-a") && !text.contains("root/"), "{text}");
}

#[test]
fn a_strategy_naming_a_provider_twice_is_bad_input_not_a_panic() {
    let tmp = TempDir::new("duplicate-provider");
    let text = fs::read_to_string(root().join("scenarios/web-fargate.yaml"))
        .expect("example")
        .replace(
            "      launchType: FARGATE\n",
            "      capacityProviderStrategy: [{capacityProvider: FARGATE, weight: 1}, {capacityProvider: FARGATE, weight: 2}]\n",
        )
        .replace("file: taskdefs/web-fargate.json", "file: ../taskdefs/web-fargate.json");
    let folder = tmp.0.join("s");
    fs::create_dir_all(&folder).expect("folder");
    fs::create_dir_all(tmp.0.join("taskdefs")).expect("taskdefs");
    fs::copy(
        root().join("scenarios/taskdefs/web-fargate.json"),
        tmp.0.join("taskdefs/web-fargate.json"),
    )
    .expect("copy");
    let path = folder.join("s.yaml");
    fs::write(&path, text).expect("scenario");
    let (code, out) = stderr_of(&[
        "run",
        path.to_str().expect("utf-8"),
        "--no-charts",
        "--allow-path",
        tmp.0.to_str().expect("utf-8"),
    ]);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("already in this strategy"), "{out}");
}

#[cfg(unix)]
#[test]
fn a_file_name_or_an_expectation_cannot_inject_ci_commands_or_break_junit() {
    let tmp = TempDir::new("ci-injection");
    let text = fs::read_to_string(root().join("scenarios/web-ec2-fixed.yaml")).expect("example");
    // A failing expectation whose text carries a terminal escape and a vertical tab.
    let text = format!("{text}\n  - max(web.running) == 1 # \u{1b}[31m red \u{b}\n");
    let name = "evil\n::error file=x::pwned,x.yaml";
    fs::write(tmp.0.join(name), text).expect("scenario");
    let junit = tmp.0.join("junit.xml");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ecsim"))
        .args([
            "check",
            tmp.0.to_str().expect("utf-8"),
            "--junit",
            junit.to_str().expect("utf-8"),
        ])
        .env("GITHUB_ACTIONS", "true")
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let commands: Vec<&str> = stdout.lines().filter(|l| l.starts_with("::")).collect();
    assert!(!commands.is_empty(), "{stdout}");
    for line in &commands {
        assert!(line.starts_with("::error file="), "{line}");
        assert!(!line.contains('\u{1b}'), "a terminal escape reached the log: {line:?}");
    }
    assert!(
        !stdout.lines().any(|l| l.starts_with("::error file=x::pwned")),
        "{stdout}"
    );
    let xml = fs::read_to_string(&junit).expect("junit written");
    roxmltree::Document::parse(&xml).expect("the JUnit file stays parseable");
}

#[test]
fn a_second_run_into_the_same_out_fails_clearly_and_a_stale_lock_is_taken_over() {
    let tmp = TempDir::new("out-lock");
    let out = tmp.0.join("run");
    let out_s = out.to_str().expect("utf-8");
    let lock = tmp.0.join(".run.lock");
    // A run in progress holds the lock (this test process stands for it: it is alive).
    fs::write(&lock, format!("{} run\n", std::process::id())).expect("lock");
    let (code, text) = stderr_of(&["run", "scenarios/web-fargate.yaml", "--out", out_s, "--no-charts"]);
    assert_eq!(code, Some(2), "{text}");
    assert!(
        text.contains(&format!(
            "another `ecsim run` (process {}) is writing into --out",
            std::process::id()
        )),
        "{text}"
    );
    assert!(text.contains(".run.lock"), "names the lock to remove: {text}");
    assert!(!out.exists(), "the second run wrote nothing");
    assert!(lock.exists(), "the first run's lock is left alone");

    // A lock left by a process that was killed (here: one that has exited) is taken over, and
    // the run removes its own lock when it ends.
    let mut child = std::process::Command::new("true").spawn().expect("spawn");
    let dead = child.id();
    child.wait().expect("exited");
    fs::write(&lock, format!("{dead}\n")).expect("stale lock");
    let (code, text) = stderr_of(&["run", "scenarios/web-fargate.yaml", "--out", out_s, "--no-charts"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(out.join("summary.json").exists());
    assert!(!lock.exists(), "the lock is removed when the run ends");
}

/// A Fargate service scenario whose service is called `name` (and `other`, if given).
fn named_services(name: &str, other: Option<&str>) -> String {
    let mut text = String::from(
        "name: names\nduration: 10m\necs:\n  cluster: {clusterName: c, capacityProviders: [FARGATE]}\n  taskDefinitions:\n    - {family: web, cpu: '256', memory: '512', networkMode: awsvpc, requiresCompatibilities: [FARGATE], containerDefinitions: [{name: app, image: web}]}\n  services:\n",
    );
    for n in std::iter::once(name).chain(other) {
        text += &format!("    - {{serviceName: \"{n}\", taskDefinition: web, desiredCount: 1, launchType: FARGATE}}\n");
    }
    text
}

#[test]
fn names_follow_aws_rules_and_never_share_or_overflow_a_file_name() {
    let tmp = TempDir::new("names");
    // `a/b` is not an ECS service name: refused up front, with AWS's rule.
    let path = tmp.0.join("slash.yaml");
    fs::write(&path, named_services("a/b", Some("a_b"))).expect("scenario");
    let (code, text) = stderr_of(&["validate", path.to_str().expect("utf-8")]);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("service name `a/b` contains `/`"), "{text}");
    assert!(
        text.contains("letters, numbers, hyphens (-) and underscores (_)"),
        "{text}"
    );
    // Whatever names reach the charts (`ecsim plot` reads them from a run's CSV files), their
    // file names are one to one.
    use ecsim::output::charts::file_safe;
    assert_ne!(file_safe("a/b"), file_safe("a_b"));
    assert_ne!(file_safe("a/b"), file_safe("a%2Fb"));
    let long_a = "a".repeat(300);
    let long_b = format!("{}b", "a".repeat(299));
    assert_ne!(file_safe(&long_a), file_safe(&long_b));
    assert!(file_safe(&long_a).len() <= 150);

    // A 244-character name (AWS allows 255) runs and draws its charts: the file names are
    // shortened deterministically instead of failing after the simulation.
    let name = "s".repeat(244);
    let path = tmp.0.join("long.yaml");
    fs::write(&path, named_services(&name, None)).expect("scenario");
    let out = tmp.0.join("out");
    let (code, text) = stderr_of(&[
        "run",
        path.to_str().expect("utf-8"),
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(code, Some(0), "{text}");
    let charts: Vec<String> = fs::read_dir(out.join("charts"))
        .expect("charts")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        charts.iter().any(|c| c.starts_with("service-sss") && c.contains('~')),
        "{charts:?}"
    );
    assert!(charts.iter().all(|c| c.len() < 255), "{charts:?}");

    // 256 characters: refused before running, the name echoed clipped with its length.
    let path = tmp.0.join("too-long.yaml");
    fs::write(&path, named_services(&"s".repeat(256), None)).expect("scenario");
    let (code, text) = stderr_of(&["validate", path.to_str().expect("utf-8")]);
    assert_eq!(code, Some(2), "{text}");
    assert!(
        text.contains("… (256 characters)` has 256 characters, more than the 255"),
        "{text}"
    );
}

#[test]
fn a_megabyte_value_is_not_echoed_whole() {
    let tmp = TempDir::new("echo");
    let huge = "x".repeat(1_000_000);
    let path = tmp.0.join("huge.yaml");
    let text = named_services("web", None).replace("desiredCount: 1,", &format!("desiredCount: {huge},"));
    fs::write(&path, text).expect("scenario");
    let (code, text) = stderr_of(&["validate", path.to_str().expect("utf-8")]);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.len() < 5_000, "{} bytes of error", text.len());
    assert!(text.contains("(1000000 characters)"), "{text}");
}

#[test]
fn a_set_path_of_thousands_of_segments_is_refused_not_a_stack_overflow() {
    let deep = format!("{}=1", vec!["a"; 30_000].join("."));
    let scenario = root().join("scenarios/web-fargate.yaml");
    let (code, text) = stderr_of(&["validate", scenario.to_str().expect("utf-8"), "--set", &deep]);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("a --set path may have at most 32"), "{text}");
    assert!(text.len() < 4_000, "the path is not echoed whole: {} bytes", text.len());
}

#[test]
fn plot_replaces_charts_whole_and_follows_no_planted_link() {
    let tmp = TempDir::new("plot-links");
    let out = tmp.0.join("run");
    let out_s = out.to_str().expect("utf-8");
    let (code, text) = stderr_of(&["run", "scenarios/web-fargate.yaml", "--out", out_s, "--format", "svg"]);
    assert_eq!(code, Some(0), "{text}");
    // A committed run directory whose `charts` and `.report.html.partial` point elsewhere.
    let victim = tmp.0.join("victim");
    fs::create_dir(&victim).expect("victim dir");
    fs::write(victim.join("keep.txt"), "mine").expect("victim file");
    let secret = tmp.0.join("secret.txt");
    fs::write(&secret, "secret").expect("secret");
    fs::remove_dir_all(out.join("charts")).expect("remove charts");
    std::os::unix::fs::symlink(&victim, out.join("charts")).expect("link charts");
    std::os::unix::fs::symlink(&secret, out.join(".report.html.partial")).expect("link partial");
    let (code, text) = stderr_of(&["plot", out_s, "--format", "svg"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(
        !fs::symlink_metadata(out.join("charts"))
            .expect("charts")
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        fs::read_dir(&victim).expect("victim").count(),
        1,
        "nothing written through the link"
    );
    assert_eq!(fs::read_to_string(&secret).expect("secret"), "secret");
    // A chart left from an earlier drawing does not stay beside the new ones.
    fs::write(out.join("charts").join("service-gone-load.svg"), "stale").expect("stale chart");
    let (code, text) = stderr_of(&["plot", out_s, "--format", "svg"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(!out.join("charts").join("service-gone-load.svg").exists());
    assert!(
        fs::read_dir(&out).expect("run dir").all(|e| !e
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .contains("staging")),
        "no staging directory left"
    );
}
