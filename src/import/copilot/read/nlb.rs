//! `nlb` of a Load Balanced Web Service (`nlb.yml` of Copilot's templates): the Network Load
//! Balancer's TCP target group, with the health check thresholds and interval the manifest sets
//! (the ELB defaults otherwise), Copilot's 60 s deregistration delay and grace period.

use super::fields::Ctx;
use super::service::{read_deregistration_delay, read_target, read_target_health_check};
use crate::import::copilot::count::Keyed;
use crate::import::copilot::manifest::Nlb;
use crate::import::copilot::tree::Node;

const NLB_MODELLED: &[&str] = &[
    "port",
    "healthcheck",
    "deregistration_delay",
    "target_container",
    "target_port",
];
/// Listener and DNS settings: ecsim simulates no connection handling or names.
const NLB_IGNORED: &[&str] = &["ssl_policy", "stickiness", "alias", "additional_listeners"];

/// `nlb`, if the manifest has one.
pub fn read_nlb(root: &Node, ctx: &mut Ctx) -> Option<Nlb> {
    let node = root.get("nlb")?;
    if !ctx.keys(node, "nlb", NLB_MODELLED, NLB_IGNORED) {
        return None;
    }
    let Some(port_node) = node.get("port") else {
        ctx.error(
            node,
            "nlb.port",
            "`nlb` needs a `port`",
            Some("e.g. port: 443/tls or port: 8080/tcp".into()),
        );
        return None;
    };
    let port = read_port(port_node, ctx)?;
    let deregistration_delay_s = read_deregistration_delay(node, "nlb", ctx);
    let (health_check, grace_period_s) =
        read_target_health_check(node.get("healthcheck"), "nlb.healthcheck", true, ctx);
    let (target_container, target_port) = read_target(node, "nlb", ctx);
    Some(Nlb {
        port,
        health_check,
        deregistration_delay_s,
        grace_period_s,
        target_container,
        target_port,
    })
}

/// `nlb.port`: `<port>` or `<port>/<protocol>` (tcp, udp, tls, tcp_udp).
fn read_port(node: &Node, ctx: &mut Ctx) -> Option<Keyed<u16>> {
    let path = "nlb.port";
    let text = ctx.string(node, path)?;
    let (number, protocol) = text.split_once('/').unwrap_or((&text, "tcp"));
    let known = ["tcp", "udp", "tls", "tcp_udp"];
    let port = number.trim().parse::<u16>().ok().filter(|&p| p > 0);
    match (port, known.contains(&protocol.to_lowercase().as_str())) {
        (Some(port), true) => Some(Keyed::new(port, ctx.origin(node, path))),
        _ => {
            ctx.error(
                node,
                path,
                format!("`{text}` is not a port and protocol"),
                Some(format!(
                    "write <port>/<protocol>, the protocol one of {}",
                    known.join(", ")
                )),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::copilot::tree::parse;

    fn nlb(text: &str) -> (Option<Nlb>, Vec<String>) {
        let root = parse(text).expect("valid YAML");
        let mut ctx = Ctx::default();
        let nlb = read_nlb(&root, &mut ctx);
        let problems = ctx
            .problems
            .iter()
            .map(|p| format!("{}: {}", p.path, p.message))
            .collect();
        (nlb, problems)
    }

    #[test]
    fn the_port_health_check_and_delay_are_read_with_copilots_defaults() {
        let (read, problems) = nlb(
            "nlb:\n  port: 443/tls\n  healthcheck: {healthy_threshold: 3, interval: 15s, grace_period: 2m}\n  deregistration_delay: 30s\n  stickiness: true\n",
        );
        assert!(problems.is_empty(), "{problems:?}");
        let read = read.expect("read");
        assert_eq!(read.port.value, 443);
        assert_eq!(read.health_check.healthy_threshold.map(|k| k.value), Some(3));
        assert_eq!(read.health_check.interval_s.map(|k| k.value), Some(15));
        assert_eq!(
            (read.grace_period_s.value, read.deregistration_delay_s.value),
            (120, 30)
        );
        let (read, _) = nlb("nlb: {port: 8080}\n");
        let read = read.expect("read");
        assert_eq!(
            (
                read.port.value,
                read.deregistration_delay_s.value,
                read.grace_period_s.value
            ),
            (8080, 60, 60)
        );
    }

    #[test]
    fn a_bad_port_or_an_http_only_field_is_an_error() {
        assert_eq!(
            nlb("nlb: {port: 80/http}\n").1,
            ["nlb.port: `80/http` is not a port and protocol"]
        );
        assert_eq!(
            nlb("nlb: {healthcheck: {interval: 10s}}\n").1,
            ["nlb.port: `nlb` needs a `port`"]
        );
        let (_, problems) = nlb("nlb: {port: 80, healthcheck: {path: /}}\n");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("nlb.healthcheck.path"), "{problems:?}");
    }
}
