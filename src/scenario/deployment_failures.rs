//! What fails a deployment, as `deploymentConfiguration` says it: `deploymentCircuitBreaker`
//! (reference 8.2) and `alarms` (reference 8.3), whose names resolve against `cloudWatch.alarms`
//! once those are read.

use super::diag::{Declared, Diagnostics, closest};
use super::reader::object;
use super::yaml::{Node, Value};
use crate::spec::{AlarmSpec, CircuitBreakerSpec, DeploymentAlarmsSpec, FailureThreshold, ServiceSpec};

/// `alarms`; `None` unless `enable` is true. The names are resolved against `cloudWatch.alarms`
/// later (`resolve_deployment_alarms`), once the alarms are read.
pub(super) fn read_deployment_alarms(node: &Node, path: &str, d: &mut Diagnostics) -> Option<DeploymentAlarmsSpec> {
    let mut a = object(node, path, d)?;
    let mut names = Vec::new();
    let empty_list = a
        .field("alarmNames")
        .is_some_and(|n| matches!(&n.value, Value::Seq(v) if v.is_empty()));
    let what = "the CloudWatch alarms (from cloudWatch.alarms) that fail a deployment";
    for (p, n) in a.required_list("alarmNames", what, d) {
        if let Some(name) = super::reader::as_string(n, &p, d) {
            names.push(name);
        }
    }
    if empty_list {
        d.error(
            a.key_loc("alarmNames"),
            &a.child("alarmNames"),
            "alarmNames lists no alarm",
            None,
        );
    }
    let enable = a.required_boolean("enable", "true or false", d);
    let rollback = a.required_boolean("rollback", "true or false", d);
    a.finish(d);
    enable?.then_some(DeploymentAlarmsSpec {
        alarm_names: names,
        alarms: Vec::new(),
        rollback: rollback.unwrap_or(false),
    })
}

/// Resolves every service's `deploymentConfiguration.alarms.alarmNames` against the scenario's
/// `cloudWatch.alarms`: an unknown name is an error at its place, with the nearest alarm name.
pub fn resolve_deployment_alarms(
    node: Option<&Node>,
    services: &mut [ServiceSpec],
    alarms: &[AlarmSpec],
    d: &mut Diagnostics,
) {
    let Some(Value::Seq(items)) = node.map(|n| &n.value) else {
        return;
    };
    let mut by_name = std::collections::BTreeMap::new();
    for (k, s) in services.iter().enumerate() {
        by_name.entry(s.name.clone()).or_insert(k);
    }
    for (i, item) in items.iter().enumerate() {
        let Some(Value::Scalar { text: name, .. }) = item.get("serviceName").map(|n| &n.value) else {
            continue;
        };
        let Some(&k) = by_name.get(name) else {
            continue;
        };
        let service = &mut services[k];
        let Some(spec) = service.deployment.alarms.as_mut() else {
            continue;
        };
        let Some(Value::Seq(names)) = item
            .get("deploymentConfiguration")
            .and_then(|n| n.get("alarms"))
            .and_then(|n| n.get("alarmNames"))
            .map(|n| &n.value)
        else {
            continue;
        };
        for (j, n) in names.iter().enumerate() {
            let Value::Scalar { text: alarm, .. } = &n.value else {
                continue;
            };
            match alarms.iter().position(|a| a.name == *alarm) {
                Some(a) => spec.alarms.push(a),
                None if d.unread.covers(Declared::Alarm, alarm) => {}
                None => {
                    let help = closest(alarm, alarms.iter().map(|a| a.name.as_str()))
                        .map(|c| format!("did you mean `{c}`?"))
                        .or_else(|| Some("name an alarm defined in cloudWatch.alarms".into()));
                    d.error(
                        n.loc,
                        &format!("ecs.services[{i}].deploymentConfiguration.alarms.alarmNames[{j}]"),
                        format!("no CloudWatch alarm named `{alarm}` in cloudWatch.alarms"),
                        help,
                    );
                }
            }
        }
    }
}

/// `deploymentCircuitBreaker`; `None` unless `enable` is true.
pub(super) fn read_circuit_breaker(node: &Node, path: &str, d: &mut Diagnostics) -> Option<CircuitBreakerSpec> {
    let mut c = object(node, path, d)?;
    let enable = c.required_boolean("enable", "true or false", d);
    let rollback = c.required_boolean("rollback", "true or false", d);
    let reset = c.boolean("resetOnHealthyTask", d).unwrap_or(true);
    let mut threshold = FailureThreshold::BoundedPercent(50.0);
    if let Some(t) = c.field("thresholdConfiguration") {
        if let Some(mut tc) = object(t, &c.child("thresholdConfiguration"), d) {
            let kind = tc.one_of("type", &["BOUNDED_PERCENT", "UNBOUNDED_PERCENT", "COUNT"], d);
            let value = tc.number("value", 0.0, 100_000.0, d);
            tc.finish(d);
            threshold = match (kind.unwrap_or("BOUNDED_PERCENT"), value.unwrap_or(50.0)) {
                ("COUNT", v) => FailureThreshold::Count(v.max(1.0) as u32),
                ("UNBOUNDED_PERCENT", v) => FailureThreshold::UnboundedPercent(v),
                (_, v) => FailureThreshold::BoundedPercent(v),
            };
        }
    }
    c.finish(d);
    enable?.then_some(CircuitBreakerSpec {
        rollback: rollback.unwrap_or(false),
        reset_on_healthy_task: reset,
        threshold,
    })
}
