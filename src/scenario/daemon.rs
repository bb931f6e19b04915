//! `schedulingStrategy: DAEMON` on a service: what CreateService refuses with it, and the
//! deployment settings it implies (reference 8.1, 8.6; docs/aws-behaviour.md "Daemon services").

use super::diag::Diagnostics;
use super::yaml::{Loc, Node};
use crate::spec::{CapacityProviderSpec, DeploymentConfiguration, StrategyItem};

/// AWS's CreateService error for a desired count on a DAEMON service.
pub(super) const DESIRED_COUNT_REFUSED: &str = "The daemon scheduling strategy does not support a desired count for services. Remove the desired count value and try again";

/// A DAEMON deployment's `maximumPercent`: fixed at 100 (reference 8.1).
pub const DAEMON_MAXIMUM_PERCENT: u32 = 100;

/// A DAEMON deployment's `minimumHealthyPercent` when not given (API, CLI and SDK; reference 8.1).
pub const DAEMON_DEFAULT_MINIMUM_HEALTHY_PERCENT: u32 = 0;

/// What the service block holds that a DAEMON service may not have, with where each is.
pub(super) struct DaemonFields<'a> {
    /// The service's path (`ecs.services[0]`).
    pub path: &'a str,
    /// `desiredCount`, if written: where.
    pub desired_count: Option<Loc>,
    /// `placementStrategy`, if it lists a rule: where.
    pub placement_strategy: Option<Loc>,
    /// Where `capacityProviderStrategy` is, if written; else where the service's name is.
    pub strategy_loc: Loc,
    /// True when the service names `capacityProviderStrategy` itself.
    pub names_strategy: bool,
    /// True when the service names a launch type or falls back to EC2 (no cluster default).
    pub uses_launch_type: bool,
}

/// Reports every field CreateService refuses on a DAEMON service, in AWS's words where known.
pub(super) fn check_daemon_service(
    fields: &DaemonFields<'_>,
    strategy: Option<&[StrategyItem]>,
    providers: &[CapacityProviderSpec],
    d: &mut Diagnostics,
) {
    let path = fields.path;
    if let Some(loc) = fields.desired_count {
        d.error(
            loc,
            &format!("{path}.desiredCount"),
            DESIRED_COUNT_REFUSED,
            Some("a DAEMON service runs one task on each container instance: remove desiredCount".into()),
        );
    }
    if let Some(loc) = fields.placement_strategy {
        d.error(
            loc,
            &format!("{path}.placementStrategy"),
            "The daemon scheduling strategy does not support placement strategies. Remove the placement strategy and try again",
            Some("placementConstraints still choose the instances a DAEMON service runs on".into()),
        );
    }
    if !fields.uses_launch_type {
        let help = if fields.names_strategy {
            "remove capacityProviderStrategy and set launchType: EC2"
        } else {
            "the cluster has a default capacity provider strategy: set launchType: EC2 on the service"
        };
        d.error(
            fields.strategy_loc,
            &format!("{path}.capacityProviderStrategy"),
            "Specifying a capacity provider strategy is not supported when you create a service using the DAEMON scheduling strategy.",
            Some(help.into()),
        );
    } else if strategy.is_some_and(|s| s.iter().any(|i| providers[i.provider].is_fargate())) {
        d.error(
            fields.strategy_loc,
            &format!("{path}.launchType"),
            "Tasks using the Fargate launch type do not support the DAEMON scheduling strategy",
            Some("set launchType: EC2, or use schedulingStrategy: REPLICA on Fargate".into()),
        );
    }
}

/// Applies the DAEMON deployment settings to `config`, read from `node` (the
/// `deploymentConfiguration` block, if any): `maximumPercent` must be 100, and
/// `minimumHealthyPercent` defaults to 0 (reference 8.1).
pub(super) fn daemon_deployment(
    node: Option<&Node>,
    path: &str,
    config: &mut DeploymentConfiguration,
    d: &mut Diagnostics,
) {
    let given_min = node.and_then(|n| n.get("minimumHealthyPercent")).is_some();
    if !given_min {
        config.minimum_healthy_percent = DAEMON_DEFAULT_MINIMUM_HEALTHY_PERCENT;
    }
    let max = node.and_then(|n| n.get("maximumPercent").map(|m| (m.loc, config.maximum_percent)));
    match max {
        Some((loc, value)) if value > DAEMON_MAXIMUM_PERCENT => d.error(
            loc,
            &format!("{path}.deploymentConfiguration.maximumPercent"),
            "The daemon scheduling strategy does not support values above 100 for maximumPercent on a deployment configuration. Change the maximumPercent value to 100, and try again",
            None,
        ),
        Some((loc, value)) if value < DAEMON_MAXIMUM_PERCENT => d.error(
            loc,
            &format!("{path}.deploymentConfiguration.maximumPercent"),
            format!("maximumPercent of a DAEMON service is 100; found {value}"),
            Some("remove maximumPercent or set it to 100".into()),
        ),
        _ => {}
    }
    config.maximum_percent = DAEMON_MAXIMUM_PERCENT;
    // A daemon deployment replaces each instance's task in place: there is no second revision
    // at full size to shift traffic to (ECS supports only ROLLING for DAEMON services).
    if let Some(at) = node
        .and_then(|n| n.get("strategy"))
        .filter(|_| config.strategy.shifts_traffic())
    {
        d.error(
            at.loc,
            &format!("{path}.deploymentConfiguration.strategy"),
            format!(
                "a DAEMON service deploys with the ROLLING strategy only; found {}",
                config.strategy.as_str()
            ),
            Some("remove strategy, or set it to ROLLING".into()),
        );
        config.strategy = crate::spec::DeploymentStrategy::Rolling;
    }
}

/// An `updateService` event on a DAEMON service (`node`): a desired count is refused as
/// CreateService refuses it, and a new `deploymentConfiguration` keeps `maximumPercent` 100.
pub(super) fn check_daemon_update(
    node: &Node,
    path: &str,
    config: Option<&mut DeploymentConfiguration>,
    d: &mut Diagnostics,
) {
    if let Some(n) = node.get("desiredCount") {
        d.error(
            n.loc,
            &format!("{path}.desiredCount"),
            DESIRED_COUNT_REFUSED,
            Some("a DAEMON service runs one task on each container instance: remove desiredCount".into()),
        );
    }
    if let Some(config) = config {
        daemon_deployment(node.get("deploymentConfiguration"), path, config, d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::yaml::parse;

    /// `deploymentConfiguration` as written (`{}` for none) read as a DAEMON service's:
    /// (minimumHealthyPercent, maximumPercent, refused).
    #[track_caller]
    fn daemon_percents(block: &str, read_min: u32, read_max: u32) -> (u32, u32, bool) {
        let node = parse(block, 0).expect("yaml");
        let mut config = DeploymentConfiguration {
            minimum_healthy_percent: read_min,
            maximum_percent: read_max,
            ..DeploymentConfiguration::default()
        };
        let mut d = Diagnostics::default();
        daemon_deployment(Some(&node), "ecs.services[0]", &mut config, &mut d);
        (config.minimum_healthy_percent, config.maximum_percent, d.has_errors())
    }

    #[test]
    fn daemon_deployment_percents() {
        // Reference 8.1: maximumPercent stays 100; minimumHealthyPercent defaults to 0.
        // (block, as the REPLICA reader read it (min, max)) -> (min, max, refused)
        for (block, read, expected) in [
            ("{}", (100, 200), (0, 100, false)),
            ("{minimumHealthyPercent: 50}", (50, 200), (50, 100, false)),
            ("{maximumPercent: 100}", (100, 100), (0, 100, false)),
            ("{maximumPercent: 200}", (100, 200), (0, 100, true)),
            ("{maximumPercent: 50}", (0, 50), (0, 100, true)),
        ] {
            assert_eq!(daemon_percents(block, read.0, read.1), expected, "{block}");
        }
    }
}
