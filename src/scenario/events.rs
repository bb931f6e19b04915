//! `events`: operator actions and faults on the timeline (`updateService`, `failInstances`).

use super::diag::Diagnostics;
use super::reader::{as_list, object};
use super::yaml::{Node, Value};
use crate::sim::SimTime;
use crate::spec::{CapacityProviderSpec, InstanceSelector, ServiceSpec, TimelineAction, TimelineEvent};

pub(super) const ACTIONS: &[&str] = &["updateService", "failInstances"];

/// Reads the timeline, sorted by time (entries at the same time keep file order).
pub fn read_events(
    node: Option<&Node>,
    services: &[ServiceSpec],
    declared: &[String],
    providers: &[CapacityProviderSpec],
    zones: &[String],
    duration_ms: Option<u64>,
    d: &mut Diagnostics,
) -> Vec<TimelineEvent> {
    let Some(node) = node else { return Vec::new() };
    let mut out = Vec::new();
    for (path, n) in as_list(node, "events", d) {
        let Some(mut o) = object(n, &path, d) else { continue };
        let at = o.duration("at", d);
        if o.field("at").is_none() {
            o.missing("at", "when, as a time from the start such as `1d2h`", d);
        }
        let at_loc = o.key_loc("at");
        let update = o.field("updateService");
        let fail = o.field("failInstances");
        let mut action = None;
        match (update, fail) {
            (Some(u), None) => action = read_update(u, &format!("{path}.updateService"), services, declared, d),
            (None, Some(f)) => action = read_fail(f, &format!("{path}.failInstances"), providers, zones, d),
            (Some(_), Some(_)) => d.error(
                o.loc,
                &path,
                "each event holds exactly one action",
                Some("split it into two events".into()),
            ),
            (None, None) => {
                if !matches!(&n.value, Value::Map(e) if e.iter().any(|(k, _)| k.name != "at")) {
                    d.error(
                        o.loc,
                        &path,
                        "the event has no action",
                        Some(format!("actions: {}", ACTIONS.join(", "))),
                    );
                }
            }
        }
        o.finish(d);
        if let Some(at) = at {
            // Without a valid duration there is no end to compare with; `duration` has its own error.
            if duration_ms.is_some_and(|end| at.as_millis() > end) {
                d.error(
                    at_loc,
                    &format!("{path}.at"),
                    format!("{at} is after the end of the run"),
                    None,
                );
                continue;
            }
            if let Some(action) = action {
                out.push(TimelineEvent {
                    at: SimTime(at.as_millis()),
                    action,
                });
            }
        }
    }
    out.sort_by_key(|e| e.at);
    out
}

fn read_update(
    node: &Node,
    path: &str,
    services: &[ServiceSpec],
    declared: &[String],
    d: &mut Diagnostics,
) -> Option<TimelineAction> {
    let mut o = object(node, path, d)?;
    let name = o.required_string("service", "the service name", d);
    let name_loc = o.key_loc("service");
    let desired = o.int("desiredCount", 0, 100_000, d);
    for later in ["taskDefinition", "forceNewDeployment", "deploymentConfiguration"] {
        if o.field(later).is_some() {
            d.error(
                o.key_loc(later),
                &o.child(later),
                format!("`{later}` starts a rolling deployment, which is not simulated yet"),
                Some("only desiredCount can change for now".into()),
            );
        }
    }
    o.finish(d);
    let name = name?;
    let Some(service) = services.iter().position(|s| s.name == name) else {
        if declared.contains(&name) {
            // The service itself has an error, reported where it is defined.
            return None;
        }
        let names: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
        let help = super::diag::closest(&name, names.iter().copied()).map(|c| format!("did you mean `{c}`?"));
        d.error(
            name_loc,
            &format!("{path}.service"),
            format!("no service named `{name}`"),
            help,
        );
        return None;
    };
    Some(TimelineAction::UpdateServiceDesiredCount {
        service,
        desired_count: desired? as u32,
    })
}

fn read_fail(
    node: &Node,
    path: &str,
    providers: &[CapacityProviderSpec],
    zones: &[String],
    d: &mut Diagnostics,
) -> Option<TimelineAction> {
    let mut o = object(node, path, d)?;
    let az = o.string("availabilityZone", d);
    let az_loc = o.key_loc("availabilityZone");
    let provider = o.string("capacityProvider", d);
    let provider_loc = o.key_loc("capacityProvider");
    let count = o.int("count", 1, 100_000, d);
    let loc = o.loc;
    o.finish(d);
    match (az, provider) {
        (Some(az), None) => match zones.iter().position(|z| *z == az) {
            Some(i) => Some(TimelineAction::FailInstances(InstanceSelector::AvailabilityZone(i))),
            None => {
                d.error(
                    az_loc,
                    &format!("{path}.availabilityZone"),
                    format!(
                        "`{az}` is not one of the scenario's availabilityZones ({})",
                        zones.join(", ")
                    ),
                    None,
                );
                None
            }
        },
        (None, Some(p)) => match providers.iter().position(|cp| cp.name == p && !cp.is_fargate()) {
            Some(i) => Some(TimelineAction::FailInstances(InstanceSelector::Count {
                capacity_provider: i,
                count: count.unwrap_or(1) as u32,
            })),
            None => {
                d.error(
                    provider_loc,
                    &format!("{path}.capacityProvider"),
                    format!("no Auto Scaling group capacity provider named `{p}`"),
                    None,
                );
                None
            }
        },
        _ => {
            d.error(
                loc,
                path,
                "failInstances needs either `availabilityZone` or `capacityProvider` (with an optional `count`)",
                None,
            );
            None
        }
    }
}
