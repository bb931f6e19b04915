//! The ECS service Copilot deploys (`service-base-properties.yml`): its desired count, launch
//! type or capacity provider strategy, deployment configuration with the circuit breaker and
//! rollback alarms, and the target group of `http` with its health check and grace period.

use super::{Names, from};
use crate::import::copilot::count::Keyed;
use crate::import::copilot::manifest::{Manifest, RollbackAlarms, TargetHealthCheck};
use crate::import::doc::{Map, Seq};
use crate::import::report::ImportReport;

/// `ecs.services[0]`; the target group and the rollback alarms go to `target_groups` and `alarms`.
pub fn service(
    m: &Manifest,
    names: &Names,
    target_groups: &mut Seq,
    alarms: &mut Seq,
    report: &mut ImportReport,
) -> Map {
    let mut svc = Map::new();
    svc.insert("serviceName", m.name.as_str());
    svc.insert("taskDefinition", m.name.as_str());
    let desired = m.count.desired_count();
    svc.insert_commented("desiredCount", desired.value, from(&[&desired.key]));
    let strategy = m.count.capacity_provider_strategy();
    if strategy.is_empty() {
        svc.insert("launchType", "FARGATE");
    } else {
        let mut items = Seq::new();
        for item in &strategy {
            let mut i = Map::new().with("capacityProvider", item.provider);
            if let Some(base) = item.base {
                i.insert("base", base);
            }
            i.insert("weight", item.weight);
            items.push(i);
        }
        svc.insert_commented("capacityProviderStrategy", items, from(&[&desired.key]));
        let split: Vec<String> = strategy
            .iter()
            .map(|i| format!("{} base {} weight {}", i.provider, i.base.unwrap_or(0), i.weight))
            .collect();
        report.imported(&desired.key, "capacity provider strategy", split.join(", "));
    }
    svc.insert("platformVersion", "LATEST");
    svc.insert("deploymentConfiguration", deployment(m, names, alarms, report));
    let mut balancers = Seq::new();
    if let Some(http) = &m.http {
        svc.insert_commented(
            "healthCheckGracePeriodSeconds",
            http.grace_period_s.value as i64,
            from(&[&http.grace_period_s.key]),
        );
        let mut rules = vec![(names.target_group.clone(), http, "http".to_string())];
        for (i, rule) in http.additional_rules.iter().enumerate() {
            rules.push((
                format!("{}-rule{}", names.target_group, i + 1),
                rule,
                format!("http.additional_rules[{i}]"),
            ));
        }
        for (group, rule, key) in rules {
            let target = Target {
                container: rule.target_container.as_ref(),
                port: rule.target_port.as_ref(),
            };
            balancers.push_commented(load_balancer(m, &group, target, &key, report), from(&[&key]));
            let check = Check {
                health_check: &rule.health_check,
                deregistration_delay_s: &rule.deregistration_delay_s,
                tcp: false,
            };
            target_groups.push_commented(target_group(&group, check, &key, report), from(&[&key]));
        }
        if !http.additional_rules.is_empty() {
            report.guess(
                "http.additional_rules",
                "listener rules",
                format!(
                    "the service registers in {} target groups, one per rule, each with its health check and deregistration delay; ecsim does not split requests by path: the service's one load is served through `{}`",
                    http.additional_rules.len() + 1,
                    names.target_group
                ),
            );
        }
    }
    if let Some(nlb) = &m.nlb {
        if m.http.is_none() {
            svc.insert_commented(
                "healthCheckGracePeriodSeconds",
                nlb.grace_period_s.value as i64,
                from(&[&nlb.grace_period_s.key]),
            );
        }
        let group = format!("{}-nlb-tg", m.name);
        let target = Target {
            container: nlb.target_container.as_ref(),
            port: nlb.target_port.as_ref(),
        };
        balancers.push_commented(load_balancer(m, &group, target, "nlb", report), "from nlb");
        let check = Check {
            health_check: &nlb.health_check,
            deregistration_delay_s: &nlb.deregistration_delay_s,
            tcp: true,
        };
        target_groups.push_commented(target_group(&group, check, "nlb", report), "from nlb");
        let through = if m.http.is_some() {
            format!(
                "ecsim does not split the service's one load between the ALB and the NLB: it is served through `{}`",
                names.target_group
            )
        } else {
            "ecsim spreads the load's requests over the healthy targets, not connections by flow hash".to_string()
        };
        report.guess(
            &nlb.port.key,
            "network load balancer",
            format!(
                "port {}: the TCP target group `{group}` with its health check and deregistration delay; {through}",
                nlb.port.value
            ),
        );
    }
    if !balancers.is_empty() {
        svc.insert("loadBalancers", balancers);
    }
    report.imported(
        "name, type",
        "ECS service",
        format!("`{}` with {} task(s) at first deploy", m.name, desired.value),
    );
    svc
}

/// `deploymentConfiguration`: rolling `default` (100 / 200) or `recreate` (0 / 100), the circuit
/// breaker Copilot always enables with rollback, and the rollback alarms.
fn deployment(m: &Manifest, names: &Names, alarms: &mut Seq, report: &mut ImportReport) -> Map {
    let recreate = m.deployment.recreate.as_ref().is_some_and(|r| r.value);
    let (min, max) = if recreate { (0, 100) } else { (100, 200) };
    let key = m
        .deployment
        .recreate
        .as_ref()
        .map_or("deployment.rolling (Copilot's default)".to_string(), |r| r.key.clone());
    let mut dc = Map::new();
    dc.insert_commented("minimumHealthyPercent", min as u32, from(&[&key]));
    dc.insert("maximumPercent", max as u32);
    dc.insert_commented(
        "deploymentCircuitBreaker",
        Map::new().with("enable", true).with("rollback", true),
        "Copilot always enables the circuit breaker with rollback",
    );
    report.imported(
        &key,
        "deployment",
        format!("minimumHealthyPercent {min}, maximumPercent {max}, circuit breaker with rollback"),
    );
    let names_written = rollback_alarms(m, names, alarms, report);
    if !names_written.is_empty() {
        let mut list = Seq::new();
        for (n, _) in &names_written {
            list.push(n.as_str());
        }
        let keys: Vec<&str> = names_written.iter().map(|(_, k)| k.as_str()).collect();
        let a = Map::new()
            .with("alarmNames", list)
            .with("enable", true)
            .with("rollback", true);
        dc.insert_commented("alarms", a, from(&keys));
    }
    dc
}

/// The CloudWatch alarms Copilot creates for `rollback_alarms` (`rollback-alarms.yml`): the
/// metric averaged over 60 s, in alarm when 2 of 3 datapoints are at or above the threshold.
/// Returns the names written, each with its key.
fn rollback_alarms(m: &Manifest, names: &Names, alarms: &mut Seq, report: &mut ImportReport) -> Vec<(String, String)> {
    let mut written = Vec::new();
    match &m.deployment.rollback_alarms {
        RollbackAlarms::None => {}
        RollbackAlarms::Names(list) => report.ignored(
            &list.key,
            "rollback alarms",
            format!(
                "alarms {} are defined outside the manifest: add them under cloudWatch.alarms and deploymentConfiguration.alarms to simulate them",
                list.value.join(", ")
            ),
        ),
        RollbackAlarms::Copilot {
            cpu_utilization,
            memory_utilization,
            messages_delayed,
        } => {
            for (threshold, metric, suffix) in [
                (cpu_utilization, "CPUUtilization", "CopilotRollbackCPUAlarm"),
                (memory_utilization, "MemoryUtilization", "CopilotRollbackMemAlarm"),
            ] {
                let Some(t) = threshold else { continue };
                let name = format!("{}-{suffix}", m.name);
                let dimensions = Seq::new()
                    .with(Map::new().with("Name", "ClusterName").with("Value", names.cluster.as_str()))
                    .with(Map::new().with("Name", "ServiceName").with("Value", m.name.as_str()));
                let alarm = Map::new()
                    .with("AlarmName", name.as_str())
                    .with("Namespace", "AWS/ECS")
                    .with("MetricName", metric)
                    .with("Dimensions", dimensions)
                    .with("Statistic", "Average")
                    .with("Period", 60u32)
                    .with("EvaluationPeriods", 3u32)
                    .with("DatapointsToAlarm", 2u32)
                    .with("Threshold", t.value)
                    .with("ComparisonOperator", "GreaterThanOrEqualToThreshold");
                alarms.push_commented(alarm, from(&[&t.key]));
                report.imported(&t.key, "rollback alarm", format!("`{name}`: {metric} >= {} for 2 of 3 minutes", t.value));
                written.push((name, t.key.clone()));
            }
            if let Some(t) = messages_delayed {
                report.ignored(
                    &t.key,
                    "rollback alarm",
                    "ApproximateNumberOfMessagesDelayed is not simulated (ecsim's queues delay no message)",
                );
            }
        }
    }
    written
}

/// The container and port a target group sends to, as a rule or `nlb` names them.
#[derive(Clone, Copy)]
struct Target<'a> {
    container: Option<&'a Keyed<String>>,
    port: Option<&'a Keyed<u16>>,
}

/// A `loadBalancers` entry: `group` to the target container's port (the rule's `target_port`,
/// else the container's port, else 80, reported).
fn load_balancer(m: &Manifest, group: &str, target: Target<'_>, key: &str, report: &mut ImportReport) -> Map {
    let container = target.container.map_or(m.main.name.as_str(), |c| c.value.as_str());
    let port = target.port.map(|p| p.value).or_else(|| {
        std::iter::once(&m.main)
            .chain(&m.sidecars)
            .find(|c| c.name == container)
            .and_then(|c| c.port.as_ref().map(|p| p.value))
    });
    let port = port.unwrap_or_else(|| {
        report.guess(key, "port", "no port for the target container: 80 assumed");
        80
    });
    Map::new()
        .with("targetGroupArn", group)
        .with("containerName", container)
        .with("containerPort", u32::from(port))
}

/// What a target group checks: the health check fields the manifest sets and the delay.
#[derive(Clone, Copy)]
struct Check<'a> {
    health_check: &'a TargetHealthCheck,
    deregistration_delay_s: &'a Keyed<u64>,
    /// An NLB's TCP check: no path or matcher.
    tcp: bool,
}

/// An `elasticLoadBalancing.targetGroups` entry: the health check fields the manifest sets (the
/// ELB defaults otherwise) and the deregistration delay (Copilot's default 60 s).
fn target_group(name: &str, check: Check<'_>, key: &str, report: &mut ImportReport) -> Map {
    let hc = check.health_check;
    let mut tg = Map::new().with("TargetGroupName", name);
    if check.tcp {
        tg.insert("Protocol", "TCP");
    } else {
        tg.insert_commented("HealthCheckPath", hc.path.value.as_str(), from(&[&hc.path.key]));
    }
    if let Some(v) = &hc.interval_s {
        tg.insert_commented("HealthCheckIntervalSeconds", v.value as i64, from(&[&v.key]));
    }
    if let Some(v) = &hc.timeout_s {
        tg.insert_commented("HealthCheckTimeoutSeconds", v.value as i64, from(&[&v.key]));
    }
    if let Some(v) = &hc.healthy_threshold {
        tg.insert_commented("HealthyThresholdCount", v.value, from(&[&v.key]));
    }
    if let Some(v) = &hc.unhealthy_threshold {
        tg.insert_commented("UnhealthyThresholdCount", v.value, from(&[&v.key]));
    }
    if let (Some(v), false) = (&hc.success_codes, check.tcp) {
        tg.insert_commented(
            "Matcher",
            Map::new().with("HttpCode", v.value.as_str()),
            from(&[&v.key]),
        );
    }
    let delay = check.deregistration_delay_s;
    let attribute = Map::new()
        .with("Key", "deregistration_delay.timeout_seconds")
        .with("Value", delay.value.to_string());
    tg.insert_commented("Attributes", Seq::new().with(attribute), from(&[&delay.key]));
    let what = if check.tcp {
        "TCP health check".to_string()
    } else {
        format!("health check {}", hc.path.value)
    };
    report.imported(
        key,
        "target group",
        format!("`{name}`: {what}, deregistration delay {} s", delay.value),
    );
    tg
}
