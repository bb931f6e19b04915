//! `charts`: how the run's charts are drawn. `window` is the stretch of the run every chart zooms
//! to, which `ecsim run --from/--to` and `ecsim plot --from/--to` override; `compare` names
//! services that are alternatives to one another (the same load under two policies, say), which
//! get one overlay chart on a shared scale and are never added up into a total; `timeZone` is the
//! IANA zone the time axes show clock times in (otherwise the zone every scheduled action names,
//! or UTC).
//!
//! ```yaml
//! charts:
//!   window: {from: 11h30m, to: 12h30m}
//!   compare: [tracked, stepped]
//!   timeZone: Asia/Seoul
//! ```

use super::diag::{Diagnostics, closest};
use super::reader::{as_list, as_string, object};
use super::yaml::Node;
use crate::sim::time::SimDuration;
use crate::spec::Spec;
use crate::trace::summary::ComparedService;

/// The `charts` block.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChartSettings {
    /// `window`: from and to, since the start of the run.
    pub window: Option<(SimDuration, SimDuration)>,
    /// `compare`: services that are alternatives to one another, in the order given; empty
    /// without the field.
    pub compare: Vec<String>,
    /// `timeZone`: the zone of the charts' clock times; `None` without the field.
    pub time_zone: Option<chrono_tz::Tz>,
}

/// Most services one comparison chart draws: more lines than this on one axis do not read.
pub const MAX_COMPARED: usize = 6;

/// Reads `charts`, if present; `duration` is the run's, which the window must lie within, and
/// `services` the scenario's service names, which `compare` must name.
pub fn read_charts(
    node: Option<&Node>,
    duration: Option<SimDuration>,
    services: &[String],
    d: &mut Diagnostics,
) -> ChartSettings {
    let Some(mut o) = node.and_then(|n| object(n, "charts", d)) else {
        return ChartSettings::default();
    };
    let window = o.field("window").and_then(|n| {
        let mut w = object(n, "charts.window", d)?;
        let from = w.duration("from", d).unwrap_or(SimDuration::ZERO);
        let to = w.duration("to", d).or(duration)?;
        let (to_loc, to_path) = (w.key_loc("to"), w.child("to"));
        w.finish(d);
        if to <= from {
            d.error(
                to_loc,
                &to_path,
                format!("the window must end after it starts ({from}); found to: {to}"),
                Some("e.g. `window: {from: 11h30m, to: 12h30m}`".into()),
            );
            return None;
        }
        if let Some(duration) = duration.filter(|&run| to > run) {
            d.error(
                to_loc,
                &to_path,
                format!("the window ends after the run does ({duration})"),
                Some(format!("end it at {duration} or earlier")),
            );
            return None;
        }
        Some((from, to))
    });
    let compare = o
        .field("compare")
        .map(|n| read_compare(n, "charts.compare", services, d))
        .unwrap_or_default();
    let time_zone = o
        .field("timeZone")
        .and_then(|n| super::time_zone::read_time_zone(n, "charts.timeZone", d));
    o.finish(d);
    ChartSettings {
        window,
        compare,
        time_zone,
    }
}

/// `compare`: two to [`MAX_COMPARED`] distinct names of services of the scenario.
fn read_compare(node: &Node, path: &str, services: &[String], d: &mut Diagnostics) -> Vec<String> {
    let errors_before = d.errors.len();
    let items = as_list(node, path, d);
    let mut names: Vec<String> = Vec::new();
    let mut unread = false;
    for (item_path, item) in items {
        let Some(name) = as_string(item, &item_path, d) else {
            continue;
        };
        if !services.contains(&name) {
            // A service or Deployment that failed to read is not also "not a service of this
            // scenario".
            if d.unread.any(super::diag::Declared::Service) || d.unread.covers(super::diag::Declared::Deployment, &name)
            {
                unread = true;
                continue;
            }
            let help = closest(&name, services.iter().map(String::as_str))
                .map(|c| format!("did you mean `{c}`?"))
                .or_else(|| Some(format!("the services are: {}", services.join(", "))));
            d.error(
                item.loc,
                &item_path,
                format!("`{name}` is not a service of this scenario"),
                help,
            );
        } else if names.contains(&name) {
            d.error(
                item.loc,
                &item_path,
                format!("`{name}` is named twice"),
                Some("name each alternative once".into()),
            );
        } else {
            names.push(name);
        }
    }
    if d.errors.len() > errors_before || unread {
        return Vec::new();
    }
    if !(2..=MAX_COMPARED).contains(&names.len()) {
        d.error(
            node.loc,
            path,
            format!("a comparison needs 2 to {MAX_COMPARED} services; found {}", names.len()),
            Some("e.g. `compare: [tracked, stepped]`".into()),
        );
        return Vec::new();
    }
    names
}

/// The services of `compare` as `summary.json` records them, each with the capacity providers
/// its tasks may run on (its launch type's or its strategy's), so a chart can tell which
/// provider is an alternative's own.
pub fn compared_services(settings: &ChartSettings, spec: &Spec) -> Vec<ComparedService> {
    settings
        .compare
        .iter()
        .filter_map(|name| {
            if let Some(service) = spec.services.iter().find(|s| &s.name == name) {
                let providers = service
                    .strategy
                    .iter()
                    .filter_map(|item| spec.capacity_providers.get(item.provider.0))
                    .map(|p| p.name.clone())
                    .collect();
                return Some(ComparedService {
                    service: service.name.clone(),
                    capacity_providers: providers,
                });
            }
            // An EKS Deployment: the node groups, NodePools and Fargate profiles its pods may use.
            spec.eks.deployment_index(name).map(|d| ComparedService {
                service: name.clone(),
                capacity_providers: spec.eks.capacity_for(d),
            })
        })
        .collect()
}
