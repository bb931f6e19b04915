//! Issue 18, scope item 4: each real Copilot manifest imported directly and the CloudFormation
//! Copilot generated from it (with its parameters file) imported as a template describe the same
//! service. Both scenarios are loaded with the scenario loader and their `Spec`s compared field
//! by field (names aside: Copilot names resources in the environment's stack).

use ecsim::import::cloudformation;
use ecsim::spec::{PolicyKind, Spec};

use crate::import_copilot::imported_spec;
use crate::support::{load_text, root};

const DIR: &str = "tests/fixtures/import/copilot";

/// The spec of a fixture template imported as CloudFormation with its parameters file.
fn template_spec(template: &str, parameters: &str) -> Spec {
    let read = |name: &str| std::fs::read_to_string(root().join(DIR).join(name)).expect("fixture readable");
    let (text, params) = (read(template), read(parameters));
    let beside = |_: &str, relative: &str| Err(format!("{relative}: no nested stacks in these fixtures"));
    let imported = cloudformation::import(&text, template, Some((parameters, &params)), &beside)
        .unwrap_or_else(|e| panic!("{template}: {e}"));
    let yaml = imported.scenario.to_yaml("test");
    load_text(template, &yaml)
        .unwrap_or_else(|e| panic!("{template}:\n{}", e.rendered))
        .spec
}

/// A service's desired count, (provider, base, weight) strategy, min/max percent, circuit
/// breaker, number of deployment alarms and grace period in seconds.
type ServiceSettings = (u32, Vec<(String, u32, u32)>, u32, u32, bool, usize, u64);

/// The settings a pair must agree on, per part, without names.
#[derive(Debug, PartialEq)]
struct Deployed {
    /// Each task definition: CPU units, memory, architecture.
    task_sizes: Vec<(Option<u32>, Option<u64>, String)>,
    /// Each service: desired count, (provider, base, weight) strategy, min/max percent,
    /// circuit breaker, how many deployment alarms, grace period in seconds.
    services: Vec<ServiceSettings>,
    /// The distinct health checks of the services' target groups: interval s, healthy and
    /// unhealthy thresholds, deregistration delay s.
    health_checks: Vec<(u64, u32, u32, u64)>,
    /// Each scalable target's range.
    ranges: Vec<(u32, u32)>,
    /// Each target tracking policy: metric, statistic, target, scale-in and scale-out cooldowns.
    policies: Vec<(String, String, String, u64, u64)>,
    /// Each alarm: metric, statistic, threshold, as text.
    alarms: Vec<String>,
    /// Each schedule: its expression, whether enabled, the tasks it starts and how.
    schedules: Vec<(String, bool, u32, String)>,
    /// Each schedule's retry policy: retries, maximum event age in seconds.
    schedule_retries: Vec<(u32, u64)>,
}

fn deployed(spec: &Spec) -> Deployed {
    let secs = |d: ecsim::sim::SimDuration| d.as_millis() / 1000;
    let mut health_checks: Vec<(u64, u32, u32, u64)> = Vec::new();
    for s in &spec.services {
        for &tg in &s.target_groups {
            let g = &spec.target_groups[tg];
            let check = (
                secs(g.health_check_interval),
                g.healthy_threshold,
                g.unhealthy_threshold,
                secs(g.deregistration_delay),
            );
            if !health_checks.contains(&check) {
                health_checks.push(check);
            }
        }
    }
    Deployed {
        task_sizes: spec
            .task_definitions
            .iter()
            .map(|t| (t.cpu_units, t.memory_mib, t.cpu_architecture.clone()))
            .collect(),
        services: spec
            .services
            .iter()
            .map(|s| {
                let strategy = s
                    .strategy
                    .iter()
                    .map(|i| (spec.capacity_providers[i.provider].name.clone(), i.base, i.weight))
                    .collect();
                let d = &s.deployment;
                (
                    s.desired_count,
                    strategy,
                    d.minimum_healthy_percent,
                    d.maximum_percent,
                    d.circuit_breaker.is_some(),
                    d.alarms.as_ref().map_or(0, |a| a.alarms.len()),
                    secs(s.health_check_grace_period),
                )
            })
            .collect(),
        health_checks,
        ranges: spec
            .auto_scaling
            .scalable_targets
            .iter()
            .map(|t| (t.min_capacity, t.max_capacity))
            .collect(),
        policies: spec
            .auto_scaling
            .scaling_policies
            .iter()
            .filter_map(|p| match &p.kind {
                PolicyKind::TargetTracking(t) => Some((
                    t.stream.metric_name().into_owned(),
                    format!("{:?}", t.statistic),
                    t.target_value.to_string(),
                    secs(t.scale_in_cooldown),
                    secs(t.scale_out_cooldown),
                )),
                _ => None,
            })
            .collect(),
        alarms: spec
            .auto_scaling
            .alarms
            .iter()
            .map(|a| format!("{} {:?} {:?}", a.stream.metric_name(), a.statistic, a.config))
            .collect(),
        schedules: spec
            .event_bridge
            .schedules
            .iter()
            .map(|s| {
                let t = &s.target;
                let how = format!("{:?} {:?}", t.launch_type, t.strategy);
                (s.expression_text.clone(), s.enabled, t.task_count, how)
            })
            .collect(),
        schedule_retries: spec
            .event_bridge
            .schedules
            .iter()
            .map(|s| {
                (
                    s.target.retry.maximum_retry_attempts,
                    u64::from(s.target.retry.maximum_event_age_s),
                )
            })
            .collect(),
    }
}

#[track_caller]
fn check_pair(manifest: &str, env: Option<&str>, template: &str, parameters: &str) -> (Deployed, Deployed) {
    let direct = deployed(&imported_spec(manifest, env));
    let generated = deployed(&template_spec(template, parameters));
    (direct, generated)
}

#[test]
fn a_manifest_and_the_template_copilot_generated_from_it_deploy_the_same_service() {
    let pairs = [
        (
            "svc-manifest.yml",
            Some("test"),
            "svc-test.stack.yml",
            "svc-test.params.json",
        ),
        (
            "backend-http-autoscaling-manifest.yml",
            Some("my-env"),
            "backend-http-autoscaling-template.yml",
            "backend-http-autoscaling-params.json",
        ),
    ];
    for (manifest, env, template, parameters) in pairs {
        let (direct, generated) = check_pair(manifest, env, template, parameters);
        assert_eq!(direct, generated, "{manifest} and {template}");
        assert!(!direct.task_sizes.is_empty(), "{manifest}: something to compare");
    }
}

#[test]
fn the_worker_and_its_template_scale_on_the_same_backlog_per_task() {
    let (direct, generated) = check_pair(
        "worker-manifest.yml",
        Some("test"),
        "worker-test.stack.yml",
        "worker-test.params.json",
    );
    // Copilot deploys one BacklogPerTask policy per queue; the EventsQueue's is the one an ecsim
    // worker's single queue can carry (the others are reported as left out, in both imports).
    assert_eq!(
        direct.policies,
        [(
            "ApproximateNumberOfMessagesVisible / RunningTaskCount".to_string(),
            "Average".to_string(),
            "900".to_string(),
            120,
            60
        )]
    );
    assert_eq!(direct, generated);
}

#[test]
fn the_job_and_its_template_agree_retries_included() {
    let (direct, generated) = check_pair(
        "job-manifest.yml",
        Some("test"),
        "job-test.stack.yml",
        "job-test.params.json",
    );
    assert_eq!(direct.schedules.len(), 1);
    assert_eq!(direct.schedules[0].0, "cron(0 12 ? * MON *)");
    // The manifest's `retries: 3` and `timeout: 1h` are the state machine's Retry and
    // TimeoutSeconds, which the CloudFormation import reads from its definition.
    assert_eq!(direct.schedule_retries, [(3, 3600)]);
    assert_eq!(direct, generated);
}

#[test]
fn both_imports_say_how_copilots_backlog_per_task_is_modelled_and_which_queues_are_left_out() {
    let read = |name: &str| std::fs::read_to_string(root().join(DIR).join(name)).expect("fixture readable");
    let beside = |_: &str, relative: &str| Err(format!("{relative}: no nested stacks in these fixtures"));
    let params = read("worker-test.params.json");
    let template = cloudformation::import(
        &read("worker-test.stack.yml"),
        "worker-test.stack.yml",
        Some(("worker-test.params.json", &params)),
        &beside,
    )
    .expect("imports")
    .report
    .render();
    let manifest = ecsim::import::copilot::import(&read("worker-manifest.yml"), "worker-manifest.yml", Some("test"))
        .expect("imports")
        .report
        .render();
    for (what, report, queue) in [
        ("template", &template, "EventsQueue"),
        ("manifest", &manifest, "dogworker-events"),
    ] {
        let modelled = format!(
            "Copilot's BacklogPerTask metric of queue EventsQueue: modelled as ApproximateNumberOfMessagesVisible / RunningTaskCount of the worker's queue `{queue}`"
        );
        assert!(report.contains(&modelled), "{what}:\n{report}");
        for other in [
            "dogsvcgiveshuskiesEventsQueue",
            "mytopicmytopicfifoEventsQueue",
            "yourtopicyourtopicfifoEventsQueue",
            "nonfifotopicnonfifotopicEventsQueue",
        ] {
            let left_out = format!("Copilot's BacklogPerTask metric of queue {other}: not modelled, policy left out");
            assert!(report.contains(&left_out), "{what}: {other}\n{report}");
        }
    }
}
