//! `ecsim sweep` over a scenario of standalone tasks (issue 17): the job figures are columns,
//! `--where` bounds the makespan with a duration, and the best row is the cheapest that meets it.

use crate::support::{TempDir, ecsim};

const STEP: &str = "ecs.capacityProviders[0].autoScalingGroupProvider.managedScaling.maximumScalingStepSize";

#[test]
fn a_sweep_of_the_nightly_batch_picks_the_cheapest_step_size_within_the_makespan() {
    let dir = TempDir::new("sweep-jobs");
    let out_dir = dir.0.join("sweep");
    let vary = format!("{STEP}=1,2,4,10");
    let out = ecsim(&[
        "sweep",
        "scenarios/nightly-batch-from-zero.yaml",
        "--vary",
        &vary,
        "--replicas",
        "3",
        "--minimize",
        "cost_usd",
        "--where",
        "jobs.makespan_s < 50m",
        "--out",
        out_dir.to_str().expect("utf-8"),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sweep_csv = std::fs::read_to_string(out_dir.join("sweep.csv")).expect("sweep.csv");
    let header: Vec<&str> = sweep_csv.lines().next().expect("header").split(',').collect();
    assert_eq!(
        header[header.len() - 5..],
        [
            "jobs.completed",
            "jobs.failed",
            "jobs.wait_p95_s",
            "jobs.makespan_s",
            "jobs.cost_per_job_usd"
        ]
    );
    assert_eq!(sweep_csv.lines().count(), 1 + 4 * 3, "a row per run");
    // Every run's job figures are those of its summary: all 20 tasks ended, completed or failed.
    for row in sweep_csv.lines().skip(1) {
        let cells: Vec<f64> = row
            .split(',')
            .rev()
            .take(5)
            .map(|c| c.parse().expect("a number"))
            .collect();
        let (completed, failed) = (cells[4], cells[3]);
        assert_eq!(completed + failed, 20.0, "{row}");
    }
    let summary = std::fs::read_to_string(out_dir.join("sweep_summary.csv")).expect("summary");
    let column = |name: &str| {
        let header: Vec<&str> = summary.lines().next().expect("header").split(',').collect();
        let at = header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("{name}"));
        summary
            .lines()
            .skip(1)
            .map(|l| l.split(',').nth(at).expect("cell").to_string())
            .collect::<Vec<_>>()
    };
    // One instance a step keeps the batch waiting longest: its makespan breaks the bound.
    let makespans: Vec<f64> = column("jobs.makespan_s_mean")
        .iter()
        .map(|c| c.parse().expect("number"))
        .collect();
    assert!(
        makespans[0] > 3000.0 && makespans[1..].iter().all(|m| *m < 3000.0),
        "{makespans:?}"
    );
    let waits: Vec<f64> = column("jobs.wait_p95_s_mean")
        .iter()
        .map(|c| c.parse().expect("number"))
        .collect();
    assert!(
        waits.windows(2).all(|w| w[0] > w[1]),
        "larger steps wait less: {waits:?}"
    );
    assert_eq!(column("feasible"), ["false", "true", "true", "true"]);
    // The cheapest feasible combination wins: 4 at a time.
    let best: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("best.json")).expect("best.json")).expect("json");
    assert_eq!(best["where"][0], "jobs.makespan_s < 50m");
    assert_eq!(best["best"]["setting"][STEP], "4", "{best}");
    let costs: Vec<f64> = column("cost_usd_mean")
        .iter()
        .map(|c| c.parse().expect("number"))
        .collect();
    let cheapest_feasible = costs[1..].iter().copied().fold(f64::INFINITY, f64::min);
    assert_eq!(
        best["best"]["figures"]["cost_usd"]["mean"].as_f64(),
        Some(cheapest_feasible)
    );
    // Without services, the Pareto chart plots cost against the makespan.
    assert!(out_dir.join("charts/pareto.png").exists());
    let report = std::fs::read_to_string(out_dir.join("report.html")).expect("report.html");
    assert!(report.contains("jobs.makespan_s"), "the report lists the job figures");
}
