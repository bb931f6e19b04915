//! Issue 19: `deploymentConfiguration.strategy` BLUE_GREEN, LINEAR and CANARY as AWS validates
//! them (reference 8.7): ranges, defaults, the load balancer's
//! `advancedConfiguration`, the deployment controller, and the same in `updateService`.

use ecsim::sim::SimDuration;
use ecsim::spec::DeploymentStrategy;

use crate::support::load_text;

/// A Fargate service `web` with two target groups; `config` is its `deploymentConfiguration`
/// and `lb` its `loadBalancers` (YAML flow text).
fn scenario(config: &str, lb: &str) -> String {
    format!(
        r#"duration: 1h
elasticLoadBalancing:
  targetGroups: [{{TargetGroupName: blue}}, {{TargetGroupName: green}}]
ecs:
  taskDefinitions:
    - {{family: web, requiresCompatibilities: [FARGATE], networkMode: awsvpc, cpu: "256", memory: "512",
       containerDefinitions: [{{name: app, image: web}}]}}
  services:
    - serviceName: web
      taskDefinition: web
      desiredCount: 2
      launchType: FARGATE
      deploymentConfiguration: {config}
      loadBalancers: {lb}
"#
    )
}

const ADVANCED: &str = "[{targetGroupArn: blue, containerName: app, containerPort: 80, advancedConfiguration: {alternateTargetGroupArn: green, productionListenerRule: rule}}]";

#[track_caller]
fn rendered_error(text: &str) -> String {
    match load_text("bad.yaml", text) {
        Ok(_) => panic!("the scenario loaded:\n{text}"),
        Err(e) => e.rendered,
    }
}

#[test]
fn linear_and_canary_take_aws_defaults_in_tenths_of_a_percent() {
    let linear = load_text("ok.yaml", &scenario("{strategy: LINEAR}", ADVANCED)).expect("loads");
    assert_eq!(
        linear.spec.services[0].deployment.strategy,
        DeploymentStrategy::Linear {
            step_permille: 100,
            step_bake: SimDuration::from_secs(6 * 60)
        }
    );
    let canary = load_text(
        "ok.yaml",
        &scenario(
            "{strategy: CANARY, canaryConfiguration: {canaryPercent: 0.1}}",
            ADVANCED,
        ),
    )
    .expect("loads");
    assert_eq!(
        canary.spec.services[0].deployment.strategy,
        DeploymentStrategy::Canary {
            canary_permille: 1,
            canary_bake: SimDuration::from_secs(10 * 60)
        }
    );
    assert_eq!(
        canary.spec.services[0].advanced_configurations[0]
            .as_ref()
            .map(|a| a.alternate_target_group),
        Some(1)
    );
}

#[test]
fn a_strategy_without_the_listener_rule_it_needs() {
    let lb = "[{targetGroupArn: blue, containerName: app, containerPort: 80, advancedConfiguration: {alternateTargetGroupArn: green}}]";
    assert_eq!(
        rendered_error(&scenario("{strategy: BLUE_GREEN, bakeTimeInMinutes: 5}", lb)),
        "error: the BLUE_GREEN strategy needs ecs.services[0].loadBalancers[0].advancedConfiguration with alternateTargetGroupArn and productionListenerRule (service `web`)
  --> bad.yaml:13:33
   |
13 |       deploymentConfiguration: {strategy: BLUE_GREEN, bakeTimeInMinutes: 5}
   |                                 ^^^^^^^^
   = field: ecs.services[0].deploymentConfiguration.strategy
   = help: name the alternate target group green tasks register with and the listener rule ECS moves between the two groups

1 error found; nothing was simulated.
"
    );
}

#[test]
fn blue_green_needs_a_bake_time_and_steps_are_tenths() {
    let text = scenario(
        "{strategy: LINEAR, linearConfiguration: {stepPercent: 12.25, stepBakeTimeInMinutes: 1441}}",
        ADVANCED,
    );
    let rendered = rendered_error(&text);
    assert!(
        rendered.contains(
            "error: stepPercent must be a multiple of 0.1 (AWS accepts 3.0 to 100.0 in steps of 0.1), found 12.25"
        ),
        "{rendered}"
    );
    assert!(
        rendered.contains("error: 1441 is out of range: expected 0 to 1440"),
        "{rendered}"
    );
    let rendered = rendered_error(&scenario("{strategy: BLUE_GREEN}", ADVANCED));
    assert!(
        rendered.starts_with(
            "error: the BLUE_GREEN strategy needs bakeTimeInMinutes (AWS: you must provide it with BLUE_GREEN)"
        ),
        "{rendered}"
    );
    let rendered = rendered_error(&scenario(
        "{strategy: CANARY, canaryConfiguration: {canaryPercent: 0}}",
        ADVANCED,
    ));
    assert!(
        rendered.starts_with("error: 0 is out of range: expected 0.1 to 100"),
        "{rendered}"
    );
}

#[test]
fn a_strategy_under_the_code_deploy_controller() {
    let text = scenario("{strategy: CANARY}", ADVANCED).replace(
        "      launchType: FARGATE\n",
        "      launchType: FARGATE\n      deploymentController: {type: CODE_DEPLOY}\n",
    );
    assert_eq!(
        rendered_error(&text),
        "error: strategy CANARY is only valid with deploymentController type ECS, but the controller is CODE_DEPLOY
  --> bad.yaml:14:33
   |
14 |       deploymentConfiguration: {strategy: CANARY}
   |                                 ^^^^^^^^
   = field: ecs.services[0].deploymentConfiguration.strategy
   = help: set deploymentController: {type: ECS} (ECS-native blue/green replaces CodeDeploy's)

1 error found; nothing was simulated.
"
    );
}

#[test]
fn update_service_to_canary_on_a_service_without_load_balancers() {
    let text = scenario("{strategy: ROLLING}", "[]")
        + "events:\n  - at: 10m\n    updateService: {service: web, taskDefinition: web, deploymentConfiguration: {strategy: CANARY}}\n";
    assert_eq!(
        rendered_error(&text),
        "error: the CANARY strategy shifts traffic between two target groups, but service `web` has no loadBalancers
  --> bad.yaml:17:82
   |
17 |     updateService: {service: web, taskDefinition: web, deploymentConfiguration: {strategy: CANARY}}
   |                                                                                  ^^^^^^^^
   = field: events[0].updateService.deploymentConfiguration.strategy
   = help: add loadBalancers with targetGroupArn and advancedConfiguration {alternateTargetGroupArn, productionListenerRule}, or use ROLLING

1 error found; nothing was simulated.
"
    );
}

#[test]
fn hooks_and_bake_time_under_rolling_are_listed_as_ignored() {
    let text = scenario(
        "{strategy: ROLLING, bakeTimeInMinutes: 5, lifecycleHooks: [{hookTargetArn: fn, lifecycleStages: [POST_SCALE_UP]}]}",
        "[]",
    );
    let loaded = load_text("ok.yaml", &text).expect("loads");
    let ignored: Vec<&str> = loaded.spec.ignored_fields.iter().map(String::as_str).collect();
    assert!(
        ignored.contains(&"ecs.services[0].deploymentConfiguration.bakeTimeInMinutes"),
        "{ignored:?}"
    );
    assert!(
        ignored.contains(&"ecs.services[0].deploymentConfiguration.lifecycleHooks"),
        "{ignored:?}"
    );
    assert!(loaded.spec.services[0].deployment.lifecycle_hooks.is_empty());
}
