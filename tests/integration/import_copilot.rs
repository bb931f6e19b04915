//! `ecsim import copilot` on the real manifests of `tests/fixtures/import/copilot/` (from
//! aws/copilot-cli, Apache-2.0, LICENSE beside them): each imports for each environment it
//! names, validates, runs twice to the same bytes, and says what Copilot would deploy.

use ecsim::import::copilot;
use ecsim::spec::{PolicyKind, Spec};

use crate::support::{ecsim, load_text, root, run_to_strings};

const DIR: &str = "tests/fixtures/import/copilot";

/// The scenario text imported from a fixture manifest for `env`.
pub fn imported_text(manifest: &str, env: Option<&str>) -> String {
    let path = root().join(DIR).join(manifest);
    let text = std::fs::read_to_string(&path).expect("fixture readable");
    let imported = copilot::import(&text, manifest, env).unwrap_or_else(|e| panic!("{manifest} {env:?}: {e}"));
    imported.scenario.to_yaml("imported by the tests")
}

/// The spec of a fixture manifest imported for `env`.
pub fn imported_spec(manifest: &str, env: Option<&str>) -> Spec {
    let text = imported_text(manifest, env);
    load_text(manifest, &text)
        .unwrap_or_else(|e| panic!("{manifest} {env:?} does not load:\n{}\n{text}", e.rendered))
        .spec
}

/// What Copilot deploys, read off a spec: task size, desired count, strategy, scaling range,
/// each policy's metric, target and cooldowns, deployment bounds, target group health check.
fn facts(spec: &Spec) -> Vec<String> {
    let mut out = Vec::new();
    for td in &spec.task_definitions {
        let containers: Vec<&str> = td.containers.iter().map(|c| c.name.as_str()).collect();
        out.push(format!(
            "task {} cpu {:?} memory {:?} containers {containers:?}",
            td.family, td.cpu_units, td.memory_mib
        ));
    }
    for s in &spec.services {
        let strategy: Vec<String> = s
            .strategy
            .iter()
            .map(|i| {
                format!(
                    "{} base {} weight {}",
                    spec.capacity_providers[i.provider].name, i.base, i.weight
                )
            })
            .collect();
        out.push(format!(
            "service {} desired {} strategy {strategy:?}",
            s.name, s.desired_count
        ));
        let d = &s.deployment;
        out.push(format!(
            "deployment {}/{} circuit breaker {} alarms {:?}",
            d.minimum_healthy_percent,
            d.maximum_percent,
            d.circuit_breaker.is_some(),
            d.alarms.as_ref().map(|a| a.alarms.len())
        ));
        for &tg in &s.target_groups {
            let g = &spec.target_groups[tg];
            out.push(format!(
                "target group interval {} healthy {} unhealthy {} deregistration {} grace {}",
                g.health_check_interval.as_millis() / 1000,
                g.healthy_threshold,
                g.unhealthy_threshold,
                g.deregistration_delay.as_millis() / 1000,
                s.health_check_grace_period.as_millis() / 1000
            ));
        }
    }
    for t in &spec.auto_scaling.scalable_targets {
        out.push(format!("range {}-{}", t.min_capacity, t.max_capacity));
    }
    for p in &spec.auto_scaling.scaling_policies {
        if let PolicyKind::TargetTracking(tt) = &p.kind {
            out.push(format!(
                "policy {} target {} in {} out {}",
                tt.stream.metric_name(),
                tt.target_value,
                tt.scale_in_cooldown.as_millis() / 1000,
                tt.scale_out_cooldown.as_millis() / 1000
            ));
        }
    }
    out
}

#[test]
fn every_real_manifest_imports_validates_and_runs_twice_to_the_same_bytes() {
    let cases = [
        ("svc-manifest.yml", None),
        ("svc-manifest.yml", Some("test")),
        ("svc-manifest.yml", Some("staging")),
        ("svc-manifest.yml", Some("prod")),
        ("worker-manifest.yml", Some("test")),
        ("job-manifest.yml", Some("test")),
        ("backend-http-autoscaling-manifest.yml", None),
    ];
    for (manifest, env) in cases {
        let text = imported_text(manifest, env);
        assert_eq!(
            text,
            imported_text(manifest, env),
            "{manifest} {env:?}: the import is deterministic"
        );
        assert!(text.contains("# from "), "{manifest}: items name their manifest keys");
        let loaded = load_text(manifest, &text).unwrap_or_else(|e| panic!("{manifest} {env:?}:\n{}", e.rendered));
        let a = run_to_strings(&loaded);
        let b = run_to_strings(&loaded);
        let context = format!("{manifest} {env:?}");
        assert_eq!(a.services, b.services, "{context}");
        assert_eq!(a.events, b.events, "{context}");
        assert_eq!(a.tasks, b.tasks, "{context}");
        assert_eq!(a.summary, b.summary, "{context}");
        assert_eq!(a.alarms, b.alarms, "{context}");
        assert_eq!(a.jobs, b.jobs, "{context}");
        assert!(a.tasks.lines().count() > 1 || a.jobs.is_some(), "{context}: tasks ran");
    }
}

#[test]
fn each_environment_deploys_what_copilot_would() {
    let cases: [(&str, Option<&str>, &[&str]); 5] = [
        (
            "svc-manifest.yml",
            Some("test"),
            &[
                "task fe cpu Some(256) memory Some(512) containers [\"fe\"]",
                "service fe desired 2 strategy [\"FARGATE base 0 weight 1\"]",
                "deployment 100/200 circuit breaker true alarms None",
                // `http` and its one additional rule: a target group each, as Copilot deploys.
                "target group interval 30 healthy 5 unhealthy 2 deregistration 60 grace 60",
                "target group interval 30 healthy 5 unhealthy 2 deregistration 60 grace 60",
                "range 2-10",
                "policy CPUUtilization target 70 in 120 out 150",
                "policy TargetResponseTime target 2 in 120 out 60",
            ],
        ),
        (
            "svc-manifest.yml",
            Some("staging"),
            &[
                "task fe cpu Some(256) memory Some(512) containers [\"fe\"]",
                "service fe desired 5 strategy [\"FARGATE_SPOT base 0 weight 1\"]",
                "deployment 100/200 circuit breaker true alarms None",
                "target group interval 30 healthy 5 unhealthy 2 deregistration 30 grace 30",
                "target group interval 30 healthy 5 unhealthy 2 deregistration 60 grace 30",
            ],
        ),
        (
            "svc-manifest.yml",
            Some("prod"),
            &[
                "task fe cpu Some(256) memory Some(512) containers [\"fe\", \"nginx\", \"operation\"]",
                "service fe desired 3 strategy [\"FARGATE_SPOT base 0 weight 1\", \"FARGATE base 5 weight 0\"]",
                "deployment 100/200 circuit breaker true alarms Some(1)",
                "target group interval 30 healthy 5 unhealthy 2 deregistration 60 grace 60",
                "target group interval 30 healthy 5 unhealthy 2 deregistration 60 grace 60",
                "target group interval 30 healthy 5 unhealthy 2 deregistration 60 grace 60",
                "range 3-12",
                "policy CPUUtilization target 70 in 30 out 150",
            ],
        ),
        (
            "worker-manifest.yml",
            Some("test"),
            &[
                "task dogworker cpu Some(256) memory Some(512) containers [\"dogworker\"]",
                "service dogworker desired 1 strategy [\"FARGATE_SPOT base 0 weight 1\", \"FARGATE base 5 weight 0\"]",
                "deployment 100/200 circuit breaker true alarms Some(2)",
                "range 1-10",
                "policy ApproximateNumberOfMessagesVisible / RunningTaskCount target 900 in 120 out 60",
            ],
        ),
        (
            "backend-http-autoscaling-manifest.yml",
            None,
            &[
                "task http-autoscaling cpu Some(512) memory Some(1024) containers [\"http-autoscaling\"]",
                "service http-autoscaling desired 1 strategy [\"FARGATE base 0 weight 1\"]",
                "deployment 100/200 circuit breaker true alarms None",
                "target group interval 30 healthy 5 unhealthy 2 deregistration 60 grace 60",
                "range 1-3",
                "policy RequestCountPerTarget target 256 in 120 out 60",
            ],
        ),
    ];
    for (manifest, env, expected) in cases {
        assert_eq!(facts(&imported_spec(manifest, env)), expected, "{manifest} {env:?}");
    }
}

#[test]
fn the_scheduled_job_runs_on_its_schedule() {
    let spec = imported_spec("job-manifest.yml", Some("test"));
    let schedules = &spec.event_bridge.schedules;
    assert_eq!(schedules.len(), 1);
    assert!(spec.services.is_empty(), "a job is no service");
    // `0 12 * * MON` over a week from Monday 2 March 2026: one run, at 12:00 on the Monday.
    let fired: Vec<u64> = spec.triggered_run_tasks().map(|t| t.firing_ms / 1000).collect();
    assert_eq!(fired, [12 * 3600]);
    let text = imported_text("job-manifest.yml", Some("test"));
    assert!(text.contains("ScheduleExpression: cron(0 12 ? * MON *)"), "{text}");
    assert!(text.contains("MaximumRetryAttempts: 3"), "{text}");
}

#[test]
fn the_cli_writes_the_scenario_and_reports_what_it_did() {
    let dir = std::env::temp_dir().join(format!("ecsim-import-copilot-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let out = dir.join("fe-prod.yaml");
    let manifest = root().join(DIR).join("svc-manifest.yml");
    let run = ecsim(&[
        "import",
        "copilot",
        manifest.to_str().expect("utf-8"),
        "--env",
        "prod",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("environments.prod.count.range (scalable target): MinCapacity 3, MaxCapacity 12"),
        "{stderr}"
    );
    assert!(
        stderr.contains("environments.prod.logging (manifest field): not modelled by ecsim"),
        "{stderr}"
    );
    let written = std::fs::read_to_string(&out).expect("written");
    assert!(
        written.contains("# from environments.prod.count.cooldown.in\n        ScaleInCooldown: 30"),
        "{written}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_bad_manifest_is_refused_with_its_line_field_and_a_suggestion() {
    let text = "name: api\ntype: Backend Service\ncount:\n  range: 1-4\n  cpu_percentage: 60\n  cuoldown: {in: 30s}\n";
    let err = copilot::import(text, "api/manifest.yml", None).expect_err("a typo");
    assert_eq!(
        err.to_string(),
        "error: `cuoldown` is not a Copilot manifest field here\n  --> api/manifest.yml:6:13\n  |\n6 |   cuoldown: {in: 30s}\n  |             ^\n  = field: count.cuoldown\n  = help: did you mean `cooldown`?\n"
    );
    let err = copilot::import("- a\n- b\n", "m.yml", None).expect_err("not a manifest");
    assert!(
        err.to_string()
            .starts_with("error: this is not a Copilot manifest: expected a mapping"),
        "{err}"
    );
    let err = copilot::import("name: x\ntype: Request-Driven Web Service\n", "m.yml", None).expect_err("type");
    assert!(
        err.to_string().contains("is not a workload type ecsim imports"),
        "{err}"
    );
    // Found by fuzzing: a name Copilot refuses (here with control characters) is refused too,
    // not written into a scenario that cannot be read back.
    let err = copilot::import("name: \"dog\\x1dworker\"\ntype: Worker Service\n", "m.yml", None).expect_err("name");
    assert!(
        err.to_string()
            .contains("`dog\\u{1d}worker` is not a name Copilot accepts"),
        "{err}"
    );
    let run = ecsim(&["import", "copilot", root().join("Cargo.toml").to_str().expect("utf-8")]);
    assert_eq!(run.status.code(), Some(2));
}

/// A small manifest of `kind` with `extra` lines, imported and loaded.
fn small(kind: &str, extra: &str) -> Spec {
    let text =
        format!("name: api\ntype: {kind}\nimage: {{location: example/api:1, port: 8080}}\nhttp: {{path: /}}\n{extra}");
    let text = if kind == "Worker Service" {
        text.replace("http: {path: /}\n", "")
    } else {
        text
    };
    let imported = copilot::import(&text, "api/manifest.yml", None).unwrap_or_else(|e| panic!("{text}\n{e}"));
    let yaml = imported.scenario.to_yaml("test");
    load_text("api.yaml", &yaml)
        .unwrap_or_else(|e| panic!("{yaml}\n{}", e.rendered))
        .spec
}

#[test]
fn each_count_form_and_deployment_loads_as_copilot_deploys_it() {
    let web = "Load Balanced Web Service";
    let cases: [(&str, &str, &[&str]); 8] = [
        (
            web,
            "",
            &["service api desired 1 strategy [\"FARGATE base 0 weight 1\"]"],
        ),
        (
            web,
            "count: 4\n",
            &["service api desired 4 strategy [\"FARGATE base 0 weight 1\"]"],
        ),
        (
            web,
            "count: {spot: 3}\n",
            &["service api desired 3 strategy [\"FARGATE_SPOT base 0 weight 1\"]"],
        ),
        (
            web,
            "count: {range: {min: 2, max: 8, spot_from: 1}, memory_percentage: 80}\n",
            &[
                "service api desired 2 strategy [\"FARGATE_SPOT base 0 weight 1\"]",
                "range 2-8",
                "policy MemoryUtilization target 80 in 120 out 60",
            ],
        ),
        (
            web,
            "count: {range: 1-5, requests: 1000, cooldown: {in: 5m, out: 30s}}\n",
            &["range 1-5", "policy RequestCountPerTarget target 1000 in 300 out 30"],
        ),
        (
            "Backend Service",
            "count: {range: 1-5, response_time: {value: 500ms, cooldown: {out: 10s}}}\n",
            &["range 1-5", "policy TargetResponseTime target 0.5 in 120 out 10"],
        ),
        (
            "Worker Service",
            "count: {range: 0-20, queue_delay: {acceptable_latency: 10m, msg_processing_time: 250ms, cooldown: {in: 1m}}}\n",
            &[
                "range 0-20",
                "policy ApproximateNumberOfMessagesVisible / RunningTaskCount target 2400 in 60 out 60",
            ],
        ),
        (
            web,
            "deployment: {rolling: recreate}\n",
            &["deployment 0/100 circuit breaker true alarms None"],
        ),
    ];
    for (kind, extra, expected) in cases {
        let facts = facts(&small(kind, extra));
        for line in expected {
            assert!(
                facts.iter().any(|f| f == line),
                "{kind} {extra}: no `{line}` in {facts:#?}"
            );
        }
    }
}
