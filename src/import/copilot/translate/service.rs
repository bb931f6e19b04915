//! The ECS service Copilot deploys (`service-base-properties.yml`): its desired count, launch
//! type or capacity provider strategy, deployment configuration with the circuit breaker and
//! rollback alarms, and the target group of `http` with its health check and grace period.

use super::{Names, from};
use crate::import::copilot::manifest::{Manifest, RollbackAlarms};
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
    if let Some(http) = &m.http {
        let container = http
            .target_container
            .as_ref()
            .map_or(m.main.name.as_str(), |c| c.value.as_str());
        let port = http.target_port.as_ref().map(|p| p.value).or_else(|| {
            std::iter::once(&m.main)
                .chain(&m.sidecars)
                .find(|c| c.name == container)
                .and_then(|c| c.port.as_ref().map(|p| p.value))
        });
        let port = port.unwrap_or_else(|| {
            report.guess("image.port", "port", "no port for the target container: 80 assumed");
            80
        });
        svc.insert_commented(
            "healthCheckGracePeriodSeconds",
            http.grace_period_s.value as i64,
            from(&[&http.grace_period_s.key]),
        );
        let lb = Map::new()
            .with("targetGroupArn", names.target_group.as_str())
            .with("containerName", container)
            .with("containerPort", u32::from(port));
        svc.insert_commented("loadBalancers", Seq::new().with(lb), "from http");
        target_groups.push_commented(target_group(m, names, report), "from http");
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

/// `elasticLoadBalancing.targetGroups[0]`: the health check fields the manifest sets (the ELB
/// defaults otherwise) and the deregistration delay (Copilot's default 60 s).
fn target_group(m: &Manifest, names: &Names, report: &mut ImportReport) -> Map {
    let Some(http) = &m.http else { return Map::new() };
    let hc = &http.health_check;
    let mut tg = Map::new().with("TargetGroupName", names.target_group.as_str());
    tg.insert_commented("HealthCheckPath", hc.path.value.as_str(), from(&[&hc.path.key]));
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
    if let Some(v) = &hc.success_codes {
        tg.insert_commented(
            "Matcher",
            Map::new().with("HttpCode", v.value.as_str()),
            from(&[&v.key]),
        );
    }
    let delay = Map::new()
        .with("Key", "deregistration_delay.timeout_seconds")
        .with("Value", http.deregistration_delay_s.value.to_string());
    tg.insert_commented(
        "Attributes",
        Seq::new().with(delay),
        from(&[&http.deregistration_delay_s.key]),
    );
    report.imported(
        "http",
        "target group",
        format!(
            "`{}`: health check {}, deregistration delay {} s",
            names.target_group, hc.path.value, http.deregistration_delay_s.value
        ),
    );
    tg
}
