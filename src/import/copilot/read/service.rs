//! The service side of a manifest: `http` (the target group, its health check and deregistration
//! delay, the grace period) and `deployment` (rolling and rollback alarms); and a Scheduled Job's
//! `on`, `retries` and `timeout`.

use super::fields::{Ctx, join};
use crate::import::copilot::count::Keyed;
use crate::import::copilot::manifest::{Deployment, Http, Job, RollbackAlarms, TargetHealthCheck};
use crate::import::copilot::schedule;
use crate::import::copilot::tree::{Node, Value};

/// `http` fields ecsim does not model (routing, DNS, certificates, stickiness, extra rules).
const HTTP_IGNORED: &[&str] = &[
    "alias",
    "hosted_zone",
    "allowed_source_ips",
    "stickiness",
    "redirect_to_https",
    "version",
    "alb",
    "certificates",
];
const HTTP_MODELLED: &[&str] = &[
    "path",
    "healthcheck",
    "deregistration_delay",
    "target_container",
    "target_port",
];
/// Copilot's default deregistration delay, in seconds (the ELB default is 300).
pub const DEFAULT_DEREGISTRATION_DELAY_S: u64 = 60;
/// Copilot's default health check grace period, in seconds.
pub const DEFAULT_GRACE_PERIOD_S: u64 = 60;

/// `http`: `None` when there is none or it is `false`.
pub fn read_http(root: &Node, ctx: &mut Ctx) -> Option<Http> {
    let node = root.get("http")?;
    if let Value::Scalar { .. } = node.value {
        if ctx.boolean(node, "http") == Some(true) {
            ctx.error(
                node,
                "http",
                "`http: true` is not a Copilot setting",
                Some("give http.path, or false".into()),
            );
        }
        return None;
    }
    let mut modelled = HTTP_MODELLED.to_vec();
    modelled.push("additional_rules");
    let mut http = read_listener(node, "http", &modelled, ctx)?;
    if let Some(Value::Seq(rules)) = node.get("additional_rules").map(|r| &r.value) {
        for (i, rule) in rules.iter().enumerate() {
            let path = format!("http.additional_rules[{i}]");
            if let Some(rule) = read_listener(rule, &path, HTTP_MODELLED, ctx) {
                // The service has one grace period: the main rule's.
                if let Some(n) = rule_grace(rule_node(node, i)) {
                    let key = ctx.origin(n, &format!("{path}.healthcheck.grace_period"));
                    ctx.ignored.push(key);
                }
                http.additional_rules.push(rule);
            }
        }
    }
    Some(http)
}

/// The `i`th additional rule's node.
fn rule_node(http: &Node, i: usize) -> Option<&Node> {
    match &http.get("additional_rules")?.value {
        Value::Seq(rules) => rules.get(i),
        _ => None,
    }
}

/// A rule's `healthcheck.grace_period`, which Copilot does not use.
fn rule_grace(rule: Option<&Node>) -> Option<&Node> {
    rule?.get("healthcheck")?.get("grace_period")
}

/// A listener rule (`http`, or one of its `additional_rules`) at `path`: its target group's
/// health check and deregistration delay, and where it sends requests.
fn read_listener(node: &Node, path: &str, modelled: &[&str], ctx: &mut Ctx) -> Option<Http> {
    if !ctx.keys(node, path, modelled, HTTP_IGNORED) {
        return None;
    }
    let key = |k: &str| join(path, k);
    let route = node
        .get("path")
        .and_then(|p| ctx.string(p, &key("path")))
        .unwrap_or_else(|| "/".into());
    let deregistration_delay_s = read_deregistration_delay(node, path, ctx);
    let (health_check, grace_period_s) =
        read_target_health_check(node.get("healthcheck"), &key("healthcheck"), false, ctx);
    let (target_container, target_port) = read_target(node, path, ctx);
    Some(Http {
        path: route,
        health_check,
        deregistration_delay_s,
        grace_period_s,
        target_container,
        target_port,
        additional_rules: Vec::new(),
    })
}

/// `deregistration_delay` of the load balancer rule at `path` (Copilot's default 60 s).
pub(super) fn read_deregistration_delay(node: &Node, path: &str, ctx: &mut Ctx) -> Keyed<u64> {
    let key = join(path, "deregistration_delay");
    match node.get("deregistration_delay") {
        Some(n) => Keyed::new(
            ctx.seconds(n, &key).unwrap_or(DEFAULT_DEREGISTRATION_DELAY_S),
            ctx.origin(n, &key),
        ),
        None => Keyed::new(DEFAULT_DEREGISTRATION_DELAY_S, format!("{key} (Copilot's default)")),
    }
}

/// `target_container` and `target_port` of the load balancer rule at `path`.
pub(super) fn read_target(node: &Node, path: &str, ctx: &mut Ctx) -> (Option<Keyed<String>>, Option<Keyed<u16>>) {
    let key = |k: &str| join(path, k);
    let container = node.get("target_container").and_then(|n| {
        let name = ctx.string(n, &key("target_container"))?;
        Some(Keyed::new(name, ctx.origin(n, &key("target_container"))))
    });
    let port = node.get("target_port").and_then(|n| {
        let port = ctx.uint(n, &key("target_port"), 1, 65_535)? as u16;
        Some(Keyed::new(port, ctx.origin(n, &key("target_port"))))
    });
    (container, port)
}

/// `http.healthcheck` (a path, or a mapping) or `nlb.healthcheck` (`tcp`: a mapping without
/// `path` and `success_codes`) at `path`; and its grace period.
pub(super) fn read_target_health_check(
    node: Option<&Node>,
    path: &str,
    tcp: bool,
    ctx: &mut Ctx,
) -> (TargetHealthCheck, Keyed<u64>) {
    let mut check = TargetHealthCheck {
        path: Keyed::new("/".to_string(), format!("{path} (Copilot's default path)")),
        healthy_threshold: None,
        unhealthy_threshold: None,
        interval_s: None,
        timeout_s: None,
        success_codes: None,
    };
    let mut grace = Keyed::new(
        DEFAULT_GRACE_PERIOD_S,
        format!("{path}.grace_period (Copilot's default)"),
    );
    let Some(node) = node else { return (check, grace) };
    if let (Value::Scalar { text, .. }, false) = (&node.value, tcp) {
        check.path = Keyed::new(text.clone(), ctx.origin(node, path));
        return (check, grace);
    }
    let fields: &[&str] = if tcp {
        &[
            "port",
            "healthy_threshold",
            "unhealthy_threshold",
            "interval",
            "timeout",
            "grace_period",
        ]
    } else {
        &[
            "path",
            "port",
            "success_codes",
            "healthy_threshold",
            "unhealthy_threshold",
            "interval",
            "timeout",
            "grace_period",
        ]
    };
    if !ctx.keys(node, path, fields, &[]) {
        return (check, grace);
    }
    if let Some(n) = node.get("port") {
        ctx.ignored.push(ctx.origin(n, &join(path, "port")));
    }
    let key = |n: &Node, k: &str, ctx: &Ctx| ctx.origin(n, &join(path, k));
    if let Some(n) = node.get("path") {
        if let Some(p) = ctx.string(n, &join(path, "path")) {
            check.path = Keyed::new(p, key(n, "path", ctx));
        }
    }
    if let Some(n) = node.get("success_codes") {
        if let Some(c) = ctx.string(n, &join(path, "success_codes")) {
            check.success_codes = Some(Keyed::new(c, key(n, "success_codes", ctx)));
        }
    }
    let threshold = |k: &str, ctx: &mut Ctx| {
        let n = node.get(k)?;
        let v = ctx.uint(n, &join(path, k), 2, 10)? as u32;
        Some(Keyed::new(v, key(n, k, ctx)))
    };
    check.healthy_threshold = threshold("healthy_threshold", ctx);
    check.unhealthy_threshold = threshold("unhealthy_threshold", ctx);
    let seconds = |k: &str, min: u64, max: u64, ctx: &mut Ctx| {
        let n = node.get(k)?;
        let s = ctx.seconds(n, &join(path, k))?;
        if !(min..=max).contains(&s) {
            ctx.error(
                n,
                &join(path, k),
                format!("{s}s is outside {min}s to {max}s, ELB's limits"),
                None,
            );
            return None;
        }
        Some(Keyed::new(s, key(n, k, ctx)))
    };
    check.interval_s = seconds("interval", 5, 300, ctx);
    check.timeout_s = seconds("timeout", 2, 120, ctx);
    if let Some(g) = seconds("grace_period", 0, 2_147_483_647, ctx) {
        grace = g;
    }
    (check, grace)
}

/// `deployment`: `rolling` and `rollback_alarms`.
pub fn read_deployment(root: &Node, ctx: &mut Ctx) -> Deployment {
    let mut deployment = Deployment::default();
    let Some(node) = root.get("deployment") else {
        return deployment;
    };
    if !ctx.keys(node, "deployment", &["rolling", "rollback_alarms"], &[]) {
        return deployment;
    }
    if let Some(n) = node.get("rolling") {
        match ctx.string(n, "deployment.rolling").map(|r| r.to_lowercase()).as_deref() {
            Some("recreate") => deployment.recreate = Some(Keyed::new(true, ctx.origin(n, "deployment.rolling"))),
            Some("default") => deployment.recreate = Some(Keyed::new(false, ctx.origin(n, "deployment.rolling"))),
            Some(other) => {
                let message = format!("`{other}` is not a rolling strategy");
                ctx.error(n, "deployment.rolling", message, Some("use default or recreate".into()));
            }
            None => {}
        }
    }
    if let Some(n) = node.get("rollback_alarms") {
        deployment.rollback_alarms = read_rollback_alarms(n, ctx);
    }
    deployment
}

/// `rollback_alarms`: names of existing alarms, or Copilot's alarms by threshold.
fn read_rollback_alarms(node: &Node, ctx: &mut Ctx) -> RollbackAlarms {
    let path = "deployment.rollback_alarms";
    if let Value::Seq(items) = &node.value {
        let names = items
            .iter()
            .enumerate()
            .filter_map(|(i, n)| ctx.string(n, &format!("{path}[{i}]")))
            .collect();
        return RollbackAlarms::Names(Keyed::new(names, ctx.origin(node, path)));
    }
    let fields = ["cpu_utilization", "memory_utilization", "messages_delayed"];
    if !ctx.keys(node, path, &fields, &[]) {
        return RollbackAlarms::None;
    }
    let threshold = |k: &str, ctx: &mut Ctx| {
        let n = node.get(k)?;
        let v = ctx.number(n, &join(path, k))?;
        Some(Keyed::new(v, ctx.origin(n, &join(path, k))))
    };
    RollbackAlarms::Copilot {
        cpu_utilization: threshold("cpu_utilization", ctx),
        memory_utilization: threshold("memory_utilization", ctx),
        messages_delayed: threshold("messages_delayed", ctx),
    }
}

/// A Scheduled Job's `on.schedule`, `retries` and `timeout`.
pub fn read_job(root: &Node, ctx: &mut Ctx) -> Option<Job> {
    let Some(on) = root.get("on") else {
        ctx.error(
            root,
            "on",
            "a Scheduled Job needs `on.schedule`",
            Some("e.g. on: {schedule: \"@daily\"}".into()),
        );
        return None;
    };
    if !ctx.keys(on, "on", &["schedule"], &[]) {
        return None;
    }
    let Some(node) = on.get("schedule") else {
        ctx.error(
            on,
            "on",
            "a Scheduled Job needs `on.schedule`",
            Some("e.g. schedule: \"@daily\"".into()),
        );
        return None;
    };
    let text = ctx.string(node, "on.schedule")?;
    let expression = match schedule::expression(&text) {
        Ok(e) => e,
        Err(message) => {
            ctx.error(node, "on.schedule", message, None);
            return None;
        }
    };
    let retries = root.get("retries").and_then(|n| {
        let v = ctx.uint(n, "retries", 0, 10)? as u32;
        Some(Keyed::new(v, ctx.origin(n, "retries")))
    });
    let timeout_s = root.get("timeout").and_then(|n| {
        let s = ctx.seconds(n, "timeout")?;
        if s == 0 {
            ctx.error(n, "timeout", "a timeout must be at least 1 second", None);
            return None;
        }
        Some(Keyed::new(s, ctx.origin(n, "timeout")))
    });
    Some(Job {
        schedule: Keyed::new(expression, ctx.origin(node, "on.schedule")),
        retries,
        timeout_s,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::copilot::tree::parse;

    #[test]
    fn http_reads_with_copilots_defaults() {
        let tree = parse("http: {path: api, healthcheck: {path: /ping, interval: 10s, healthy_threshold: 3, grace_period: 30s}, deregistration_delay: 30s, alias: x.com}\n").expect("valid");
        let mut ctx = Ctx::default();
        let http = read_http(&tree, &mut ctx).expect("http");
        assert_eq!(http.health_check.path.value, "/ping");
        assert_eq!(http.health_check.interval_s.map(|k| k.value), Some(10));
        assert_eq!(http.health_check.healthy_threshold.map(|k| k.value), Some(3));
        assert_eq!(http.health_check.unhealthy_threshold, None);
        assert_eq!((http.grace_period_s.value, http.deregistration_delay_s.value), (30, 30));
        assert_eq!(ctx.ignored, ["http.alias"]);
        let tree = parse("http: {path: /}\n").expect("valid");
        let http = read_http(&tree, &mut ctx).expect("http");
        assert_eq!(
            (
                http.health_check.path.value.as_str(),
                http.grace_period_s.value,
                http.deregistration_delay_s.value
            ),
            ("/", 60, 60)
        );
        assert!(read_http(&parse("http: false\n").expect("valid"), &mut ctx).is_none());
    }

    #[test]
    fn deployment_and_rollback_alarms_read() {
        let tree =
            parse("deployment: {rolling: Recreate, rollback_alarms: {cpu_utilization: 70, messages_delayed: 5}}\n")
                .expect("valid");
        let mut ctx = Ctx::default();
        let d = read_deployment(&tree, &mut ctx);
        assert_eq!(d.recreate.map(|r| r.value), Some(true));
        let RollbackAlarms::Copilot {
            cpu_utilization,
            memory_utilization,
            messages_delayed,
        } = d.rollback_alarms
        else {
            panic!("Copilot alarms")
        };
        assert_eq!(cpu_utilization.map(|k| k.value), Some(70.0));
        assert_eq!(memory_utilization, None);
        assert_eq!(messages_delayed.map(|k| k.value), Some(5.0));
        let tree = parse("deployment: {rollback_alarms: [a, b]}\n").expect("valid");
        let d = read_deployment(&tree, &mut ctx);
        assert!(matches!(d.rollback_alarms, RollbackAlarms::Names(n) if n.value == ["a", "b"]));
        assert!(ctx.problems.is_empty());
    }

    #[test]
    fn a_job_reads_its_schedule_retries_and_timeout() {
        let tree = parse("on: {schedule: \"0 12 * * MON\"}\nretries: 3\ntimeout: 1h\n").expect("valid");
        let mut ctx = Ctx::default();
        let job = read_job(&tree, &mut ctx).expect("job");
        assert_eq!(job.schedule.value.as_deref(), Some("cron(0 12 ? * MON *)"));
        assert_eq!(
            (job.retries.map(|r| r.value), job.timeout_s.map(|t| t.value)),
            (Some(3), Some(3600))
        );
        let tree = parse("on: {schedule: \"0 9 1 * MON\"}\n").expect("valid");
        assert!(read_job(&tree, &mut ctx).is_none());
        assert_eq!(ctx.problems[0].path, "on.schedule");
    }
}
