//! The timeline of a generated scenario: deployments, desired-count and configuration changes,
//! task protection, and faults (failed and drained instances, zone outages, Spot interruptions).

use serde_json::{Map, Value, json};

use super::Gen;

/// Adds `events`: up to five actions at random times.
pub fn generate(g: &mut Gen, top: &mut Map<String, Value>) {
    let mut events = Vec::new();
    for _ in 0..g.int(0, 5) {
        if let Some(action) = action(g) {
            let at = g.at();
            let mut event = json!({ "at": at });
            let (key, value) = action;
            event[key] = value;
            events.push(event);
        }
    }
    if !events.is_empty() {
        top.insert("events".into(), Value::Array(events));
    }
}

/// One action of the timeline, or none when the scenario has nothing it applies to.
fn action(g: &mut Gen) -> Option<(&'static str, Value)> {
    let k = g.int(0, g.services.len() as u64 - 1) as usize;
    let service = g.services[k].name.clone();
    let action = match g.int(0, 9) {
        0 | 1 => (
            "updateService",
            json!({ "service": service, "taskDefinition": format!("{service}:2") }),
        ),
        2 => (
            "updateService",
            json!({ "service": service, "desiredCount": g.int(0, 8) }),
        ),
        3 => (
            "updateService",
            json!({ "service": service, "forceNewDeployment": true }),
        ),
        4 => (
            "updateService",
            json!({ "service": service, "deploymentConfiguration": { "minimumHealthyPercent": 50, "maximumPercent": 200 } }),
        ),
        5 => (
            "updateTaskProtection",
            json!({ "service": service, "count": g.int(1, 3), "protectionEnabled": g.chance(0.8),
                    "expiresInMinutes": g.pick(&[5, 60]) }),
        ),
        6 => {
            let zone = g.pick(&g.zones.clone());
            (
                "azOutage",
                json!({ "availabilityZone": zone, "duration": g.pick(&["5m", "30m"]) }),
            )
        }
        7 => {
            let provider = provider(g)?;
            let selector = if g.chance(0.5) {
                json!({ "capacityProvider": provider, "count": g.int(1, 2) })
            } else {
                json!({ "capacityProvider": provider, "fraction": g.pick(&[0.5, 1.0]) })
            };
            (
                if g.chance(0.5) {
                    "failInstances"
                } else {
                    "drainInstances"
                },
                selector,
            )
        }
        8 => {
            if g.services.iter().any(|s| s.fargate_spot) && g.chance(0.5) {
                (
                    "spotInterruption",
                    json!({ "capacityProvider": "FARGATE_SPOT", "fraction": 0.5 }),
                )
            } else {
                let spot: Vec<String> = g
                    .groups
                    .iter()
                    .filter(|gr| gr.spot)
                    .map(|gr| gr.provider.clone())
                    .collect();
                let provider = spot.first()?.clone();
                (
                    "spotInterruption",
                    json!({ "capacityProvider": provider, "count": g.int(1, 2) }),
                )
            }
        }
        _ => {
            let zone = g.pick(&g.zones.clone());
            if g.groups.is_empty() || g.chance(0.7) {
                return None;
            }
            ("failInstances", json!({ "availabilityZone": zone }))
        }
    };
    Some(action)
}

/// One of the groups' capacity providers, if there are groups.
fn provider(g: &mut Gen) -> Option<String> {
    if g.groups.is_empty() {
        return None;
    }
    let i = g.int(0, g.groups.len() as u64 - 1) as usize;
    Some(g.groups[i].provider.clone())
}
