//! `elasticLoadBalancing.targetGroups`: target groups as describe-target-groups prints them, with
//! the deregistration delay, the routing algorithm and slow start from their `Attributes`
//! (describe-target-group-attributes; Latency A4).

use super::diag::{Declared, Diagnostics};
use super::reader::{Obj, as_list, as_string, declared_name, object};
use super::yaml::{Loc, Node};
use crate::sim::SimDuration;
use crate::spec::{AdvancedConfigurationSpec, LoadBalancingAlgorithm, TargetGroupSpec};

/// The values of `load_balancing.algorithm.type` (Latency A4).
const ALGORITHMS: &[&str] = &["round_robin", "least_outstanding_requests", "weighted_random"];

const TARGET_GROUP_IGNORED: &[&str] = &[
    "TargetGroupArn",
    "Protocol",
    "ProtocolVersion",
    "Port",
    "VpcId",
    "HealthCheckProtocol",
    "HealthCheckPort",
    "HealthCheckEnabled",
    "HealthCheckPath",
    "HealthCheckTimeoutSeconds",
    "Matcher",
    "LoadBalancerArns",
    "TargetType",
    "IpAddressType",
];

/// Reads the target groups; the name is `TargetGroupName`, or the name inside `TargetGroupArn`.
pub fn read_target_groups(node: Option<&Node>, d: &mut Diagnostics) -> Vec<TargetGroupSpec> {
    let Some(node) = node else { return Vec::new() };
    let Some(mut block) = object(node, "elasticLoadBalancing", d) else {
        return Vec::new();
    };
    let items = block.list("targetGroups", d);
    block.finish(d);
    let mut groups: Vec<TargetGroupSpec> = Vec::new();
    for (path, n) in items {
        let Some(mut o) = object(n, &path, d) else { continue };
        let arn = o
            .field("TargetGroupArn")
            .and_then(|n| as_string(n, &format!("{path}.TargetGroupArn"), d));
        let name = o
            .string("TargetGroupName", d)
            .or_else(|| arn.as_deref().and_then(name_in_arn));
        let mut tg = TargetGroupSpec::new(name.clone().unwrap_or_default());
        if let Some(v) = o.int("HealthCheckIntervalSeconds", 5, 300, d) {
            tg.health_check_interval = SimDuration::from_secs(v as u64);
        }
        if let Some(v) = o.int("HealthyThresholdCount", 2, 10, d) {
            tg.healthy_threshold = v as u32;
        }
        if let Some(v) = o.int("UnhealthyThresholdCount", 2, 10, d) {
            tg.unhealthy_threshold = v as u32;
        }
        read_target_group_attributes(&mut o, &mut tg, d);
        o.ignore(TARGET_GROUP_IGNORED);
        let name_loc = o.loc;
        o.finish(d);
        let Some(name) = name else {
            // A misspelt name key (`TargetGroupNam:`) is that key's error; what refers to the
            // group it meant to define is not a second one.
            let meant = declared_name(n, "TargetGroupName")
                .or_else(|| declared_name(n, "TargetGroupArn").and_then(|arn| name_in_arn(&arn)));
            d.unread.add(Declared::TargetGroup, meant.as_deref());
            d.error(
                name_loc,
                &path,
                "a target group needs a TargetGroupName or a TargetGroupArn",
                None,
            );
            continue;
        };
        if groups.iter().any(|g| g.name == name) {
            d.error(name_loc, &path, format!("target group `{name}` is defined twice"), None);
            continue;
        }
        groups.push(tg);
    }
    groups
}

/// `Attributes` (describe-target-group-attributes): the deregistration delay, the routing
/// algorithm and slow start; other keys are accepted, not modelled, and listed as ignored.
fn read_target_group_attributes(o: &mut Obj<'_>, tg: &mut TargetGroupSpec, d: &mut Diagnostics) {
    let mut slow_start_loc = None;
    for (p, a) in o.list("Attributes", d) {
        let Some(mut attr) = object(a, &p, d) else { continue };
        let key = attr.required_string("Key", "an attribute name", d);
        let value = attr.required_string("Value", "its value, as a string", d);
        let value_loc = attr.key_loc("Value");
        let key_loc = attr.key_loc("Key");
        attr.finish(d);
        let (Some(key), Some(value)) = (key, value) else {
            continue;
        };
        let value_path = format!("{p}.Value");
        match key.as_str() {
            "deregistration_delay.timeout_seconds" => match value.parse::<u64>() {
                Ok(s) if s <= 3600 => tg.deregistration_delay = SimDuration::from_secs(s),
                _ => d.error(
                    value_loc,
                    &value_path,
                    "deregistration_delay.timeout_seconds must be a whole number of seconds from 0 to 3600",
                    None,
                ),
            },
            "load_balancing.algorithm.type" => {
                tg.algorithm = match value.as_str() {
                    "round_robin" => LoadBalancingAlgorithm::RoundRobin,
                    "least_outstanding_requests" => LoadBalancingAlgorithm::LeastOutstandingRequests,
                    "weighted_random" => LoadBalancingAlgorithm::WeightedRandom,
                    other => {
                        // A shortened value (`least_outstanding`) is closest to the value it starts.
                        let prefix = ALGORITHMS
                            .iter()
                            .copied()
                            .find(|a| !other.is_empty() && a.starts_with(other));
                        let help = prefix
                            .or_else(|| super::diag::closest(other, ALGORITHMS.iter().copied()))
                            .map_or_else(
                                || format!("use one of {}", ALGORITHMS.join(", ")),
                                |c| format!("did you mean `{c}`? (valid: {})", ALGORITHMS.join(", ")),
                            );
                        let message = format!("`{other}` is not a load_balancing.algorithm.type");
                        d.error(value_loc, &value_path, message, Some(help));
                        continue;
                    }
                };
            }
            "slow_start.duration_seconds" => match value.parse::<u64>() {
                Ok(s) if s == 0 || (30..=900).contains(&s) => {
                    tg.slow_start = SimDuration::from_secs(s);
                    slow_start_loc = Some((value_loc, value_path));
                }
                _ => d.error(
                    value_loc,
                    &value_path,
                    "slow_start.duration_seconds must be 0 (off) or a whole number of seconds from 30 to 900",
                    None,
                ),
            },
            // Accepted as AWS prints it, not modelled: listed as ignored like any such field.
            _ => d.ignored.push((format!("{p}[Key={key}]"), key_loc)),
        }
    }
    // ALB refuses slow start with least outstanding requests (Latency A4).
    let least_outstanding = tg.algorithm == LoadBalancingAlgorithm::LeastOutstandingRequests;
    if let Some((loc, path)) = slow_start_loc.filter(|_| least_outstanding && tg.slow_start > SimDuration::ZERO) {
        d.error(
            loc,
            &path,
            "slow start cannot be combined with least_outstanding_requests (ALB refuses it)",
            Some("set slow_start.duration_seconds to 0, or use round_robin".into()),
        );
    }
}

/// `arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>` -> `<name>`.
pub fn name_in_arn(arn: &str) -> Option<String> {
    let rest = arn.split_once("targetgroup/")?.1;
    Some(rest.split('/').next()?.to_string())
}

/// A service's `loadBalancers`, resolved.
#[derive(Default)]
pub struct ServiceLoadBalancers {
    /// Indices into the target groups, one per item that names a known group.
    pub target_groups: Vec<usize>,
    /// Each such item's `advancedConfiguration`, if it has one.
    pub advanced: Vec<Option<AdvancedConfigurationSpec>>,
    /// Every item's location and path, with whether it has an `advancedConfiguration` with a
    /// `productionListenerRule` (what a non-rolling strategy needs).
    pub items: Vec<(Loc, String, bool)>,
}

/// Resolves a service's `loadBalancers` to target group indices and their
/// `advancedConfiguration`s.
pub fn read_service_load_balancers(
    o: &mut Obj<'_>,
    target_groups: &[TargetGroupSpec],
    d: &mut Diagnostics,
) -> ServiceLoadBalancers {
    let mut out = ServiceLoadBalancers::default();
    let path = o.child("loadBalancers");
    let Some(n) = o.field("loadBalancers") else { return out };
    for (p, item) in as_list(n, &path, d) {
        let Some(mut lb) = object(item, &p, d) else { continue };
        let arn_loc = lb.key_loc("targetGroupArn");
        let arn = lb.required_string("targetGroupArn", "the target group's ARN or name", d);
        lb.string("containerName", d);
        lb.int("containerPort", 0, 65_535, d);
        let advanced = lb
            .field("advancedConfiguration")
            .and_then(|a| read_advanced_configuration(a, &lb.child("advancedConfiguration"), target_groups, d));
        lb.ignore(&["loadBalancerName"]);
        lb.finish(d);
        // What the item says, whether or not its target groups resolve (an unknown group is its
        // own error); an item with an error of its own is not also incomplete.
        let says = |key: &str| item.get("advancedConfiguration").and_then(|a| a.get(key)).is_some();
        let complete = (says("alternateTargetGroupArn") && says("productionListenerRule")) || d.failed_under(&p);
        out.items.push((item.loc, p.clone(), complete));
        let Some(arn) = arn else { continue };
        let name = name_in_arn(&arn).unwrap_or(arn);
        match target_groups.iter().position(|g| g.name == name) {
            Some(i) => {
                if advanced.as_ref().is_some_and(|a| a.alternate_target_group == i) {
                    d.error(
                        arn_loc,
                        &format!("{p}.advancedConfiguration.alternateTargetGroupArn"),
                        format!("the alternate target group is `{name}`, the same as targetGroupArn"),
                        Some("blue and green need two target groups: name a second one".into()),
                    );
                }
                out.target_groups.push(i);
                out.advanced.push(advanced);
            }
            None if d.unread.covers(super::diag::Declared::TargetGroup, &name) => {}
            None => unknown_target_group(&name, arn_loc, &format!("{p}.targetGroupArn"), target_groups, d),
        }
    }
    out
}

/// `advancedConfiguration`: `alternateTargetGroupArn` (required), `productionListenerRule`,
/// `testListenerRule`; `roleArn` is accepted and not modelled.
fn read_advanced_configuration(
    node: &Node,
    path: &str,
    target_groups: &[TargetGroupSpec],
    d: &mut Diagnostics,
) -> Option<AdvancedConfigurationSpec> {
    let mut a = object(node, path, d)?;
    let loc = a.key_loc("alternateTargetGroupArn");
    let alternate = a.required_string(
        "alternateTargetGroupArn",
        "the target group green tasks register with",
        d,
    );
    let production = a.string("productionListenerRule", d);
    let test = a.string("testListenerRule", d);
    a.ignore(&["roleArn"]);
    let alternate_path = a.child("alternateTargetGroupArn");
    a.finish(d);
    let name = alternate.map(|arn| name_in_arn(&arn).unwrap_or(arn))?;
    let Some(index) = target_groups.iter().position(|g| g.name == name) else {
        if !d.unread.covers(super::diag::Declared::TargetGroup, &name) {
            unknown_target_group(&name, loc, &alternate_path, target_groups, d);
        }
        return None;
    };
    Some(AdvancedConfigurationSpec {
        alternate_target_group: index,
        production_listener_rule: production,
        test_listener_rule: test,
    })
}

/// A reference to a target group that `elasticLoadBalancing.targetGroups` does not define.
fn unknown_target_group(name: &str, loc: Loc, path: &str, target_groups: &[TargetGroupSpec], d: &mut Diagnostics) {
    let names: Vec<&str> = target_groups.iter().map(|g| g.name.as_str()).collect();
    d.error(
        loc,
        path,
        format!("no target group `{name}` in elasticLoadBalancing.targetGroups"),
        super::diag::closest(name, names.iter().copied())
            .map(|c| format!("did you mean `{c}`?"))
            .or_else(|| Some("define it under elasticLoadBalancing.targetGroups".into())),
    );
}
