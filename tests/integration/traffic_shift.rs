//! Issue 19: BLUE_GREEN, LINEAR and CANARY deployments run by the engine (reference 8.7): the
//! stages in AWS's order, the traffic steps and bakes, a failure at every stage a hook can fail
//! rolling back to blue, determinism of the hooks' draws, and the weights splitting requests.

use crate::support::{column, load_text, run_to_strings};

/// A Fargate service `web` of 4 tasks at 200 rps, deployed to web:2 at 2 minutes with
/// `config` (YAML flow text of `deploymentConfiguration`); `behavior` is extra YAML for the
/// `behavior` block's `deployments`.
fn scenario(config: &str, deployments: &str, seed: u64) -> String {
    format!(
        r#"seed: {seed}
duration: 1h
traceInterval: 10s
elasticLoadBalancing:
  targetGroups: [{{TargetGroupName: blue}}, {{TargetGroupName: green}}]
ecs:
  cluster: {{clusterName: demo, capacityProviders: [FARGATE]}}
  taskDefinitions:
    - {{family: web, requiresCompatibilities: [FARGATE], networkMode: awsvpc, cpu: "256", memory: "512",
       containerDefinitions: [{{name: app, image: web:1}}]}}
    - {{family: web, requiresCompatibilities: [FARGATE], networkMode: awsvpc, cpu: "256", memory: "512",
       containerDefinitions: [{{name: app, image: web:2}}]}}
  services:
    - serviceName: web
      taskDefinition: "web:1"
      desiredCount: 4
      launchType: FARGATE
      deploymentConfiguration: {config}
      loadBalancers:
        - {{targetGroupArn: blue, containerName: app, containerPort: 80,
           advancedConfiguration: {{alternateTargetGroupArn: green, productionListenerRule: rule}}}}
behavior:
  taskDefinitions:
    web: {{requestsPerSecondAtFullCpu: 100}}
  deployments: {{{deployments}}}
load:
  web: {{requestsPerSecond: [{{constant: 200}}]}}
events:
  - {{at: 2m, updateService: {{service: web, taskDefinition: "web:2"}}}}
"#
    )
}

/// The `name` cells of the `deployment_stage` rows: the stages in the order entered.
fn stages(events: &str) -> Vec<String> {
    column(events, "name", Some(("kind", "deployment_stage")))
}

fn messages(events: &str, kind: &str) -> Vec<String> {
    column(events, "message", Some(("kind", kind)))
}

#[test]
fn every_strategy_walks_the_stages_in_aws_order_and_completes() {
    let all = [
        "PRE_SCALE_UP",
        "SCALE_UP",
        "POST_SCALE_UP",
        "TEST_TRAFFIC_SHIFT",
        "POST_TEST_TRAFFIC_SHIFT",
        "PRODUCTION_TRAFFIC_SHIFT",
        "POST_PRODUCTION_TRAFFIC_SHIFT",
        "BAKE_TIME",
        "CLEAN_UP",
    ];
    for config in [
        "{strategy: BLUE_GREEN, bakeTimeInMinutes: 1}",
        "{strategy: LINEAR, linearConfiguration: {stepPercent: 30.0, stepBakeTimeInMinutes: 1}}",
        "{strategy: CANARY, canaryConfiguration: {canaryPercent: 5.0, canaryBakeTimeInMinutes: 3}}",
    ] {
        let out = run_to_strings(&load_text("ok.yaml", &scenario(config, "", 1)).expect("loads"));
        assert_eq!(stages(&out.events), all, "{config}");
        assert_eq!(messages(&out.events, "deployment_completed").len(), 1, "{config}");
        assert_eq!(
            column(&out.services, "running", None).last().map(String::as_str),
            Some("4")
        );
    }
}

#[test]
fn linear_steps_and_bakes_in_the_engine() {
    // 30 %: 30, 60, 90, 100, with 1-minute bakes between steps and none after 100 %.
    let config =
        "{strategy: LINEAR, linearConfiguration: {stepPercent: 30.0, stepBakeTimeInMinutes: 1}, bakeTimeInMinutes: 2}";
    let out = run_to_strings(&load_text("ok.yaml", &scenario(config, "", 1)).expect("loads"));
    let shifts: Vec<String> = messages(&out.events, "traffic_shifted")
        .into_iter()
        .filter(|m| m.contains("production"))
        .collect();
    // Blue's share after each step (`column` cuts the message at its first comma).
    let blue: Vec<&str> = shifts
        .iter()
        .map(|m| m.rsplit(' ').nth(1).unwrap_or_default())
        .collect();
    assert_eq!(blue, ["70", "40", "10", "0"], "{shifts:?}");
    let times = column(&out.events, "time_s", Some(("kind", "traffic_shifted")));
    let t: Vec<f64> = times.iter().map(|s| s.parse().expect("number")).collect();
    // Test traffic, then four production steps one minute apart.
    assert_eq!(t.len(), 5);
    for k in 2..5 {
        assert!((t[k] - t[k - 1] - 60.0).abs() < 1e-6, "{t:?}");
    }
    // The final bake starts with the last step: BAKE_TIME two minutes before CLEAN_UP.
    let stage_times = column(&out.events, "time_s", Some(("kind", "deployment_stage")));
    let bake = stage_times[stages(&out.events).iter().position(|s| s == "BAKE_TIME").expect("bake")]
        .parse::<f64>()
        .expect("number");
    assert!((bake - t[4]).abs() < 1e-6);
    // Requests follow the weights: green served about 30 % of 200 rps for the first minute.
    let weights = column(&out.services, "new_revision_weight_pct", None);
    assert!(
        weights.iter().any(|w| w == "30") && weights.iter().any(|w| w == "90"),
        "{weights:?}"
    );
}

#[test]
fn a_hook_failing_at_any_stage_rolls_back_to_blue() {
    for stage in [
        "PRE_SCALE_UP",
        "POST_SCALE_UP",
        "TEST_TRAFFIC_SHIFT",
        "POST_TEST_TRAFFIC_SHIFT",
        "PRODUCTION_TRAFFIC_SHIFT",
        "POST_PRODUCTION_TRAFFIC_SHIFT",
    ] {
        let config = format!(
            "{{strategy: CANARY, bakeTimeInMinutes: 5, lifecycleHooks: [{{hookTargetArn: check, lifecycleStages: [{stage}]}}]}}"
        );
        let text = scenario(&config, "lifecycleHookFailureProbability: 1", 1);
        let out = run_to_strings(&load_text("ok.yaml", &text).expect("loads"));
        let failed = messages(&out.events, "deployment_failed");
        assert_eq!(failed.len(), 1, "{stage}");
        assert!(
            failed[0].contains(&format!(
                "failed at {stage}: lifecycle hook check returned FAILED at {stage}"
            )),
            "{failed:?}"
        );
        assert_eq!(messages(&out.events, "rollback_started").len(), 1, "{stage}");
        // Blue serves throughout: nothing unserved, and blue's 4 tasks are what is left.
        let unserved: f64 = column(&out.services, "unserved_rps", None)
            .iter()
            .map(|v| v.parse::<f64>().expect("number"))
            .sum();
        assert_eq!(unserved, 0.0, "{stage}");
        assert_eq!(
            column(&out.services, "running", None).last().map(String::as_str),
            Some("4")
        );
        let tasks = column(&out.tasks, "task_definition", Some(("stop_reason", "")));
        assert!(tasks.iter().all(|t| t == "web:1"), "{stage}: {tasks:?}");
        assert!(stages(&out.events).last().is_some_and(|s| s == stage), "{stage}");
    }
}

#[test]
fn hook_failures_are_drawn_from_their_own_seeded_stream() {
    let config = "{strategy: BLUE_GREEN, bakeTimeInMinutes: 1, lifecycleHooks: [{hookTargetArn: a, lifecycleStages: [POST_SCALE_UP]}, {hookTargetArn: b, lifecycleStages: [POST_SCALE_UP]}]}";
    let outcomes = |seed: u64| {
        let text = scenario(config, "lifecycleHookFailureProbability: 0.5", seed);
        let out = run_to_strings(&load_text("ok.yaml", &text).expect("loads"));
        (out.events.clone(), messages(&out.events, "lifecycle_hook"))
    };
    let (first, hooks) = outcomes(1);
    assert_eq!(outcomes(1).0, first, "the same seed gives the same bytes");
    assert_eq!(hooks.len(), 2, "both hooks return: {hooks:?}");
    // Over a few seeds both outcomes occur: the probability is used.
    let failed: Vec<bool> = (1..=8)
        .map(|seed| outcomes(seed).1.iter().any(|m| m.contains("FAILED")))
        .collect();
    assert!(failed.contains(&true) && failed.contains(&false), "{failed:?}");
}

/// A deployment a hook failed says so in its own row: `cause` `lifecycle_hook`, `name` the hook's
/// `hookTargetArn` (reference 8.7), so a reader need not find the hook row before it.
#[test]
fn a_failed_hook_is_the_typed_cause_of_the_failure() {
    let config = "{strategy: BLUE_GREEN, bakeTimeInMinutes: 1, lifecycleHooks: [{hookTargetArn: check-green, lifecycleStages: [POST_SCALE_UP]}]}";
    let text = scenario(config, "lifecycleHookFailureProbability: 1", 1);
    let out = run_to_strings(&load_text("ok.yaml", &text).expect("loads"));
    let causes = column(&out.events, "cause", Some(("kind", "deployment_failed")));
    let names = column(&out.events, "name", Some(("kind", "deployment_failed")));
    assert_eq!(causes, ["lifecycle_hook"]);
    assert_eq!(names, ["check-green"]);
}

#[test]
fn a_hook_takes_its_behavior_duration() {
    let config = "{strategy: BLUE_GREEN, bakeTimeInMinutes: 0, lifecycleHooks: [{hookTargetArn: slow, lifecycleStages: [PRE_SCALE_UP]}]}";
    let text = scenario(config, "lifecycleHookDuration: 90s", 1);
    let out = run_to_strings(&load_text("ok.yaml", &text).expect("loads"));
    let t = column(&out.events, "time_s", Some(("kind", "deployment_stage")));
    assert_eq!(&t[..2], ["120", "210"], "SCALE_UP starts 90 s after PRE_SCALE_UP");
}

#[test]
fn the_circuit_breaker_fails_scale_up_and_blue_keeps_serving() {
    let config =
        "{strategy: BLUE_GREEN, bakeTimeInMinutes: 5, deploymentCircuitBreaker: {enable: true, rollback: true}}";
    let text = scenario(config, "", 1).replace(
        "    web: {requestsPerSecondAtFullCpu: 100}",
        "    web: {requestsPerSecondAtFullCpu: 100}\n    \"web:2\": {startFailureProbability: 1}",
    );
    let out = run_to_strings(&load_text("ok.yaml", &text).expect("loads"));
    let failed = messages(&out.events, "deployment_failed");
    assert_eq!(failed.len(), 1);
    assert!(
        failed[0].contains("failed at SCALE_UP: the circuit breaker tripped"),
        "{failed:?}"
    );
    assert_eq!(
        column(&out.events, "cause", Some(("kind", "deployment_failed"))),
        ["circuit_breaker"]
    );
    assert_eq!(
        messages(&out.events, "deployment_completed").len(),
        1,
        "the rollback completes"
    );
    let weights = column(&out.services, "new_revision_weight_pct", None);
    assert!(
        weights.iter().all(|w| w == "0" || w == "100"),
        "no traffic ever reached green: {weights:?}"
    );
}

#[test]
fn an_update_service_on_the_timeline_switches_a_rolling_service_to_canary() {
    let text = scenario("{strategy: ROLLING}", "", 1).replace(
        "updateService: {service: web, taskDefinition: \"web:2\"}",
        "updateService: {service: web, taskDefinition: \"web:2\", deploymentConfiguration: {strategy: CANARY, canaryConfiguration: {canaryPercent: 20.0, canaryBakeTimeInMinutes: 1}}}",
    );
    let out = run_to_strings(&load_text("ok.yaml", &text).expect("loads"));
    let started = messages(&out.events, "deployment_started");
    assert!(started[0].contains("CANARY deployment ecs-svc/2"), "{started:?}");
    assert_eq!(
        column(&out.events, "cause", Some(("kind", "deployment_stage")))
            .iter()
            .filter(|c| *c == "CANARY")
            .count(),
        9
    );
    let weights = column(&out.services, "new_revision_weight_pct", None);
    assert!(weights.iter().any(|w| w == "20"), "{weights:?}");
    // Peak: 4 blue beside 4 green.
    let running: Vec<u32> = column(&out.services, "running", None)
        .iter()
        .map(|v| v.parse().expect("count"))
        .collect();
    assert_eq!(running.iter().max(), Some(&8));
}

#[test]
fn a_second_deployment_during_a_canary_bake_takes_over_without_stale_timers() {
    let config = "{strategy: CANARY, canaryConfiguration: {canaryPercent: 10.0, canaryBakeTimeInMinutes: 10}, bakeTimeInMinutes: 1}";
    let text = scenario(config, "", 1)
        + "  - {at: 6m, updateService: {service: web, taskDefinition: \"web:1\", forceNewDeployment: true}}\n";
    let out = run_to_strings(&load_text("ok.yaml", &text).expect("loads"));
    let started = messages(&out.events, "deployment_started");
    assert_eq!(started.len(), 2, "{started:?}");
    // The first deployment's canary bake would have ended at about 14 minutes; nothing of it
    // fires after the second one started: one completion, of ecs-svc/3.
    let completed = messages(&out.events, "deployment_completed");
    assert_eq!(completed.len(), 1, "{completed:?}");
    assert!(completed[0].contains("ecs-svc/3"), "{completed:?}");
    let tasks = column(&out.tasks, "task_definition", Some(("stop_reason", "")));
    assert_eq!(tasks.len(), 4);
    assert!(tasks.iter().all(|t| t == "web:1"), "{tasks:?}");
    // The second deployment's canary bake lasts its full 10 minutes.
    let shifts: Vec<(f64, String)> = column(&out.events, "time_s", Some(("kind", "traffic_shifted")))
        .iter()
        .map(|t| t.parse().expect("number"))
        .zip(messages(&out.events, "traffic_shifted"))
        .filter(|(_, m)| m.contains("ecs-svc/3") && m.contains("production"))
        .collect();
    assert_eq!(shifts.len(), 2, "{shifts:?}");
    assert!((shifts[1].0 - shifts[0].0 - 600.0).abs() < 1e-6, "{shifts:?}");
}

/// Exact mode routes each request to a task, not first to a target group by the listener rule's
/// weights, so a traffic-shifting deployment of a service in exact mode is refused, whether the
/// service sets the strategy or an `updateService` does, with the way out named.
#[test]
fn a_traffic_shifting_deployment_in_exact_mode_is_refused() {
    let exact = |text: String| {
        text.replace(
            "    web: {requestsPerSecondAtFullCpu: 100}",
            "    web: {serviceTime: {distribution: exponential, mean: 50ms}, concurrency: 8}",
        )
        .replace(
            "  web: {requestsPerSecond: [{constant: 200}]}",
            "  web: {model: requests, requestsPerSecond: [{constant: 200}]}",
        )
    };
    let canary = exact(scenario("{strategy: CANARY}", "", 1));
    let err = load_text("exact.yaml", &canary).expect_err("refused").to_string();
    assert!(
        err.contains("does not route by the listener rule's target group weights a CANARY deployment shifts")
            && err.contains("load.web.model")
            && err.contains("use `model: estimate`"),
        "{err}"
    );
    let update = exact(scenario("{}", "", 1)).replace(
        r#"taskDefinition: "web:2"}}"#,
        r#"taskDefinition: "web:2", deploymentConfiguration: {strategy: LINEAR}}}"#,
    );
    let err = load_text("exact.yaml", &update).expect_err("refused").to_string();
    assert!(
        err.contains("a LINEAR deployment shifts")
            && err.contains("events[0].updateService.deploymentConfiguration.strategy"),
        "{err}"
    );
    // ROLLING in exact mode still loads.
    assert!(load_text("exact.yaml", &exact(scenario("{}", "", 1))).is_ok());
}
