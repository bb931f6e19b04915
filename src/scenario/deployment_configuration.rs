//! `deploymentConfiguration` of CreateService and UpdateService: the rolling bounds, the circuit
//! breaker, deployment alarms, and the strategy (ROLLING, BLUE_GREEN, LINEAR, CANARY) with its
//! traffic-shift configuration, bake time and lifecycle hooks (reference 8.7); what fails a
//! deployment is `deployment_failures`.

use super::diag::{Diagnostics, closest};
use super::reader::{Obj, object};
use super::yaml::{Loc, Node};
use crate::sim::SimDuration;
use crate::spec::{
    DEFAULT_CANARY_BAKE_MINUTES, DEFAULT_CANARY_PERMILLE, DEFAULT_LINEAR_STEP_BAKE_MINUTES,
    DEFAULT_LINEAR_STEP_PERMILLE, DeploymentConfiguration, DeploymentStrategy, LifecycleHookSpec, LifecycleStage,
};

/// The values of `strategy`.
const STRATEGIES: &[&str] = &["ROLLING", "BLUE_GREEN", "LINEAR", "CANARY"];

/// The longest bake AWS accepts anywhere in `deploymentConfiguration`: 1440 minutes (24 hours).
const MAX_BAKE_MINUTES: i64 = 1440;

/// A `deploymentConfiguration` as read, with where its `strategy` is (for the checks against the
/// service's load balancers and deployment controller).
pub(super) struct ReadDeployment {
    /// The configuration.
    pub config: DeploymentConfiguration,
    /// Where `strategy` is and its path, when the strategy is not ROLLING.
    pub strategy_at: Option<(Loc, String)>,
}

/// `deploymentConfiguration` of `o`; AWS's defaults when it is absent.
pub(super) fn read_deployment_configuration(o: &mut Obj<'_>, d: &mut Diagnostics) -> ReadDeployment {
    let mut config = DeploymentConfiguration::default();
    let path = o.child("deploymentConfiguration");
    let absent = ReadDeployment {
        config: DeploymentConfiguration::default(),
        strategy_at: None,
    };
    let Some(n) = o.field("deploymentConfiguration") else {
        return absent;
    };
    let Some(mut dc) = object(n, &path, d) else {
        return absent;
    };
    let min = dc.int("minimumHealthyPercent", 0, 100, d);
    let max_loc = dc.key_loc("maximumPercent");
    let max = dc.int("maximumPercent", 0, 100_000, d);
    config.minimum_healthy_percent = min.map_or(100, |v| v as u32);
    config.maximum_percent = max.map_or(200, |v| v as u32);
    if let Some(cb) = dc.field("deploymentCircuitBreaker") {
        config.circuit_breaker =
            super::deployment_failures::read_circuit_breaker(cb, &dc.child("deploymentCircuitBreaker"), d);
    }
    if let Some(a) = dc.field("alarms") {
        config.alarms = super::deployment_failures::read_deployment_alarms(a, &dc.child("alarms"), d);
    }
    let strategy_loc = dc.key_loc("strategy");
    let strategy = dc.one_of("strategy", STRATEGIES, d).unwrap_or("ROLLING");
    let bake_loc = dc.key_loc("bakeTimeInMinutes");
    config.bake_time = dc
        .int("bakeTimeInMinutes", 0, MAX_BAKE_MINUTES, d)
        .map(|m| SimDuration::from_secs(m as u64 * 60));
    let linear = read_linear(&mut dc, d);
    let canary = read_canary(&mut dc, d);
    config.strategy = match strategy {
        "BLUE_GREEN" => DeploymentStrategy::BlueGreen,
        "LINEAR" => linear.unwrap_or(DeploymentStrategy::Linear {
            step_permille: DEFAULT_LINEAR_STEP_PERMILLE,
            step_bake: SimDuration::from_secs(DEFAULT_LINEAR_STEP_BAKE_MINUTES * 60),
        }),
        "CANARY" => canary.unwrap_or(DeploymentStrategy::Canary {
            canary_permille: DEFAULT_CANARY_PERMILLE,
            canary_bake: SimDuration::from_secs(DEFAULT_CANARY_BAKE_MINUTES * 60),
        }),
        _ => DeploymentStrategy::Rolling,
    };
    check_configuration_matches(&dc, strategy, linear.is_some(), canary.is_some(), d);
    let hooks_loc = dc.key_loc("lifecycleHooks");
    config.lifecycle_hooks = read_lifecycle_hooks(&mut dc, d);
    dc.finish(d);
    let strategy_path = format!("{path}.strategy");
    if strategy == "BLUE_GREEN" && config.bake_time.is_none() {
        d.error(
            strategy_loc,
            &strategy_path,
            "the BLUE_GREEN strategy needs bakeTimeInMinutes (AWS: you must provide it with BLUE_GREEN)",
            Some(
                "add bakeTimeInMinutes: 0 to 1440, the minutes both revisions run after production traffic has shifted"
                    .into(),
            ),
        );
    }
    if !config.strategy.shifts_traffic() {
        // Accepted as AWS accepts them, but a rolling deployment has no stage they run at.
        if config.bake_time.is_some() {
            d.ignored.push((format!("{path}.bakeTimeInMinutes"), bake_loc));
            config.bake_time = None;
        }
        if !config.lifecycle_hooks.is_empty() {
            d.ignored.push((format!("{path}.lifecycleHooks"), hooks_loc));
            config.lifecycle_hooks.clear();
        }
    }
    if config.maximum_percent < config.minimum_healthy_percent {
        d.error(
            max_loc,
            &format!("{path}.maximumPercent"),
            format!(
                "maximumPercent ({}) must not be below minimumHealthyPercent ({})",
                config.maximum_percent, config.minimum_healthy_percent
            ),
            None,
        );
    }
    let strategy_at = config
        .strategy
        .shifts_traffic()
        .then_some((strategy_loc, strategy_path));
    ReadDeployment { config, strategy_at }
}

/// A non-rolling strategy moves traffic between a production and an alternate target group
/// through a listener rule: the service needs `loadBalancers`, each with an
/// `advancedConfiguration` naming the alternate group and the production listener rule.
/// `load_balancers` lists each item's path and whether it has both; `service` names the service.
pub(super) fn check_strategy_load_balancers(
    strategy: DeploymentStrategy,
    at: &(Loc, String),
    service: &str,
    load_balancers: &[(String, bool)],
    d: &mut Diagnostics,
) {
    let name = strategy.as_str();
    if load_balancers.is_empty() {
        d.error(
            at.0,
            &at.1,
            format!("the {name} strategy shifts traffic between two target groups, but service `{service}` has no loadBalancers"),
            Some("add loadBalancers with targetGroupArn and advancedConfiguration {alternateTargetGroupArn, productionListenerRule}, or use ROLLING".into()),
        );
        return;
    }
    for (path, complete) in load_balancers {
        if !complete {
            d.error(
                at.0,
                &at.1,
                format!("the {name} strategy needs {path}.advancedConfiguration with alternateTargetGroupArn and productionListenerRule (service `{service}`)"),
                Some("name the alternate target group green tasks register with and the listener rule ECS moves between the two groups".into()),
            );
        }
    }
}

/// `deploymentController`: the ECS controller is simulated; a strategy other than ROLLING is
/// valid only with it (AWS refuses it under CODE_DEPLOY or EXTERNAL).
pub(super) fn read_deployment_controller(o: &mut Obj<'_>, d: &mut Diagnostics) -> Option<(Loc, &'static str)> {
    let n = o.field("deploymentController")?;
    let mut dc = object(n, &o.child("deploymentController"), d)?;
    let loc = dc.key_loc("type");
    let kind = dc.one_of("type", &["ECS", "CODE_DEPLOY", "EXTERNAL"], d);
    dc.finish(d);
    kind.map(|k| (loc, k))
}

/// The deployment controller against the strategy: CODE_DEPLOY and EXTERNAL are not simulated,
/// and a BLUE_GREEN, LINEAR or CANARY strategy under them is AWS's own error.
pub(super) fn check_deployment_controller(
    controller: Option<(Loc, &'static str)>,
    path: &str,
    strategy: &ReadDeployment,
    d: &mut Diagnostics,
) {
    let Some((loc, kind)) = controller.filter(|(_, k)| *k != "ECS") else {
        return;
    };
    match &strategy.strategy_at {
        Some(at) => d.error(
            at.0,
            &at.1,
            format!(
                "strategy {} is only valid with deploymentController type ECS, but the controller is {kind}",
                strategy.config.strategy.as_str()
            ),
            Some("set deploymentController: {type: ECS} (ECS-native blue/green replaces CodeDeploy's)".into()),
        ),
        None => d.error(
            loc,
            &format!("{path}.deploymentController.type"),
            format!("the {kind} deployment controller is not simulated"),
            Some("use type ECS; for blue/green, set deploymentConfiguration.strategy: BLUE_GREEN".into()),
        ),
    }
}

/// `linearConfiguration`: `stepPercent` 3.0 to 100.0 in steps of 0.1 (default 10.0),
/// `stepBakeTimeInMinutes` 0 to 1440 (default 6).
fn read_linear(dc: &mut Obj<'_>, d: &mut Diagnostics) -> Option<DeploymentStrategy> {
    let n = dc.field("linearConfiguration")?;
    let mut o = object(n, &dc.child("linearConfiguration"), d)?;
    let step = read_permille(&mut o, "stepPercent", 30, d).unwrap_or(DEFAULT_LINEAR_STEP_PERMILLE);
    let bake = o
        .int("stepBakeTimeInMinutes", 0, MAX_BAKE_MINUTES, d)
        .map_or(DEFAULT_LINEAR_STEP_BAKE_MINUTES, |m| m as u64);
    o.finish(d);
    Some(DeploymentStrategy::Linear {
        step_permille: step,
        step_bake: SimDuration::from_secs(bake * 60),
    })
}

/// `canaryConfiguration`: `canaryPercent` 0.1 to 100.0 in steps of 0.1 (default 5.0),
/// `canaryBakeTimeInMinutes` 0 to 1440 (default 10).
fn read_canary(dc: &mut Obj<'_>, d: &mut Diagnostics) -> Option<DeploymentStrategy> {
    let n = dc.field("canaryConfiguration")?;
    let mut o = object(n, &dc.child("canaryConfiguration"), d)?;
    let percent = read_permille(&mut o, "canaryPercent", 1, d).unwrap_or(DEFAULT_CANARY_PERMILLE);
    let bake = o
        .int("canaryBakeTimeInMinutes", 0, MAX_BAKE_MINUTES, d)
        .map_or(DEFAULT_CANARY_BAKE_MINUTES, |m| m as u64);
    o.finish(d);
    Some(DeploymentStrategy::Canary {
        canary_permille: percent,
        canary_bake: SimDuration::from_secs(bake * 60),
    })
}

/// A percentage that AWS takes in multiples of 0.1 from `min_permille / 10` to 100.0, in tenths
/// of a percent.
fn read_permille(o: &mut Obj<'_>, name: &'static str, min_permille: u32, d: &mut Diagnostics) -> Option<u32> {
    let loc = o.key_loc(name);
    let path = o.child(name);
    let min = f64::from(min_permille) / 10.0;
    let value = o.number(name, min, 100.0, d)?;
    let tenths = (value * 10.0).round();
    if (value * 10.0 - tenths).abs() > 1e-6 {
        d.error(
            loc,
            &path,
            format!("{name} must be a multiple of 0.1 (AWS accepts {min:.1} to 100.0 in steps of 0.1), found {value}"),
            Some(format!("use {:.1}", tenths / 10.0)),
        );
        return None;
    }
    Some(tenths as u32)
}

/// `linearConfiguration` goes with LINEAR only and `canaryConfiguration` with CANARY only.
fn check_configuration_matches(dc: &Obj<'_>, strategy: &str, linear: bool, canary: bool, d: &mut Diagnostics) {
    for (present, key, wants) in [
        (linear, "linearConfiguration", "LINEAR"),
        (canary, "canaryConfiguration", "CANARY"),
    ] {
        if present && strategy != wants {
            d.error(
                dc.key_loc(key),
                &dc.child(key),
                format!("{key} is only valid with strategy {wants}, but the strategy is {strategy}"),
                Some(format!("set strategy: {wants}, or remove {key}")),
            );
        }
    }
}

/// `lifecycleHooks`: each with `hookTargetArn` and the `lifecycleStages` it runs at.
fn read_lifecycle_hooks(dc: &mut Obj<'_>, d: &mut Diagnostics) -> Vec<LifecycleHookSpec> {
    let mut hooks = Vec::new();
    for (p, n) in dc.list("lifecycleHooks", d) {
        let Some(mut h) = object(n, &p, d) else { continue };
        let target = h.required_string("hookTargetArn", "the Lambda function ECS invokes", d);
        let mut stages = Vec::new();
        for (sp, sn) in h.required_list("lifecycleStages", "the stages the hook runs at", d) {
            if let Some(stage) = read_stage(sn, &sp, d) {
                if !stages.contains(&stage) {
                    stages.push(stage);
                }
            }
        }
        h.ignore(&["roleArn", "hookDetails", "targetType", "timeoutConfiguration"]);
        h.finish(d);
        if let Some(hook_target_arn) = target {
            hooks.push(LifecycleHookSpec {
                hook_target_arn,
                stages,
            });
        }
    }
    hooks
}

/// One item of `lifecycleStages`: a stage a hook may run at.
fn read_stage(n: &Node, path: &str, d: &mut Diagnostics) -> Option<LifecycleStage> {
    let name = super::reader::as_string(n, path, d)?;
    let hookable: Vec<&str> = LifecycleStage::ALL
        .into_iter()
        .filter(|s| s.accepts_hooks())
        .map(LifecycleStage::as_str)
        .collect();
    match LifecycleStage::parse(&name) {
        Some(stage) if stage.accepts_hooks() => Some(stage),
        Some(stage) => {
            d.error(
                n.loc,
                path,
                format!("no lifecycle hook runs at {}", stage.as_str()),
                Some(format!("hooks run at {}", hookable.join(", "))),
            );
            None
        }
        None => {
            let help = closest(&name, hookable.iter().copied())
                .map(|c| format!("did you mean `{c}`?"))
                .unwrap_or_else(|| format!("stages: {}", hookable.join(", ")));
            d.error(n.loc, path, format!("`{name}` is not a lifecycle stage"), Some(help));
            None
        }
    }
}
