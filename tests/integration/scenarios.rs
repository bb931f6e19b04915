//! Every scenario in `scenarios/` runs with invariant checks, and runs are deterministic; every
//! benchmark scenario in `benches/scenarios/` loads.

use crate::support::{column, load_file, run_to_strings, scenario_files};

#[test]
fn every_scenario_runs_with_invariants_checked() {
    let files = scenario_files();
    assert!(!files.is_empty(), "scenarios/ holds examples");
    for path in files {
        let loaded = load_file(&path, &[]).unwrap_or_else(|e| panic!("{} failed to load:\n{e}", path.display()));
        let out = run_to_strings(&loaded);
        let rows = out.services.lines().count() - 1;
        // ECS services and EKS Deployments each write one row per interval.
        let services = loaded.spec.services.len() + loaded.spec.eks.deployments.len();
        let expected = services as u64
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

/// Every scenario file under `benches/scenarios/`, sorted.
fn bench_scenario_files() -> Vec<std::path::PathBuf> {
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(crate::support::root().join("benches/scenarios"))
        .expect("benches/scenarios dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json")))
        .collect();
    files.sort();
    files
}

/// The benchmark scenarios are too long to run here (30 simulated days each), but each must load:
/// `cargo bench`, `benches/compare-simpy.sh` and the measurements in benches/RESULTS.md use them.
#[test]
fn every_benchmark_scenario_loads() {
    let files = bench_scenario_files();
    assert!(
        files.iter().any(|p| p.ends_with("simpy-equivalent.yaml")),
        "benches/scenarios holds the benchmark scenarios: {files:?}"
    );
    let failed: Vec<String> = files
        .iter()
        .filter_map(|path| load_file(path, &[]).err().map(|e| format!("{}:\n{e}", path.display())))
        .collect();
    assert!(
        failed.is_empty(),
        "benchmark scenarios that do not load:\n{}",
        failed.join("\n")
    );
}

/// The model of the SimPy peer holds its shape for a day: 8 instances x 4 task slots, so at most
/// 32 tasks run, tasks wait in PROVISIONING only while every slot is taken, and desired stays
/// within 2 and 200.
#[test]
fn the_simpy_equivalent_scenario_keeps_to_its_32_slots() {
    let path = crate::support::root().join("benches/scenarios/simpy-equivalent.yaml");
    let out = run_to_strings(&load_file(&path, &[("duration", "1d")]).expect("loads"));
    let numbers = |csv: &str, name: &str| -> Vec<f64> {
        column(csv, name, None)
            .iter()
            .map(|v| v.parse().expect("a number"))
            .collect()
    };
    let (desired, running) = (numbers(&out.services, "desired"), numbers(&out.services, "running"));
    let (waiting, reserved) = (
        numbers(&out.cluster, "tasks_provisioning"),
        numbers(&out.cluster, "cpu_reserved_pct"),
    );
    assert_eq!(running.len(), 1440, "one row a minute");
    assert!(running.iter().all(|r| *r <= 32.0));
    assert!(running.contains(&32.0), "the daily peak fills every slot");
    assert!(desired.iter().all(|d| (2.0..=200.0).contains(d)));
    for (minute, (w, r)) in waiting.iter().zip(&reserved).enumerate() {
        assert!(
            *w == 0.0 || *r == 100.0,
            "minute {minute}: {w} tasks wait with {r} % of the CPU reserved"
        );
    }
    assert!(waiting.iter().any(|w| *w > 0.0), "at the peak tasks wait for a slot");
}

/// The hash list of every scenario's outputs, kept so that a refactoring proves it changed no byte.
const OUTPUT_HASHES: &str = "tests/fixtures/output-hashes.txt";

/// 64-bit FNV-1a: stable across Rust versions and platforms, unlike `DefaultHasher`.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[test]
fn same_seed_gives_identical_bytes_and_another_seed_differs() {
    let mut hashes = String::new();
    for path in scenario_files() {
        let a = run_to_strings(&load_file(&path, &[]).expect("loads"));
        let b = run_to_strings(&load_file(&path, &[]).expect("loads"));
        assert_eq!(a.services, b.services, "{}", path.display());
        assert_eq!(a.cluster, b.cluster, "{}", path.display());
        assert_eq!(a.events, b.events, "{}", path.display());
        assert_eq!(a.tasks, b.tasks, "{}", path.display());
        assert_eq!(a.summary, b.summary, "{}", path.display());
        assert_eq!(a.alarms, b.alarms, "{}", path.display());
        assert_eq!(a.jobs, b.jobs, "{}", path.display());
        let name = path.file_name().expect("file name").to_string_lossy();
        for (file, text) in [
            ("services.csv", &a.services),
            ("cluster.csv", &a.cluster),
            ("events.csv", &a.events),
            ("tasks.csv", &a.tasks),
            ("alarms.csv", &a.alarms),
            ("summary.json", &a.summary),
        ] {
            hashes.push_str(&format!("{name} {file} {:016x}\n", fnv1a(text.as_bytes())));
        }
        // Only runs with standalone tasks write the jobs files.
        if let Some((jobs, trace)) = &a.jobs {
            for (file, text) in [("jobs.csv", jobs), ("jobs-trace.csv", trace)] {
                hashes.push_str(&format!("{name} {file} {:016x}\n", fnv1a(text.as_bytes())));
            }
        }
    }
    let list = crate::support::root().join(OUTPUT_HASHES);
    if std::env::var_os("ECSIM_BLESS").is_some() {
        std::fs::write(&list, &hashes).expect("hash list writable");
    }
    let kept = std::fs::read_to_string(&list).expect("the hash list is in the repository");
    let changed: Vec<String> = hashes
        .lines()
        .filter(|line| !kept.lines().any(|k| k == *line))
        .map(str::to_string)
        .collect();
    assert!(
        changed.is_empty() && kept.lines().count() == hashes.lines().count(),
        "outputs differ from {OUTPUT_HASHES} (a change of behaviour must be deliberate: rerun with \
         ECSIM_BLESS=1 and say why in the commit):\n{}",
        changed.join("\n")
    );
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
