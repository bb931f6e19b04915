//! Operator actions and faults placed on the simulated timeline.

use crate::sim::{ProviderIdx, ServiceIdx, SimDuration, SimTime};

/// How many of the matching instances or tasks an action hits.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Quantity {
    /// Every match.
    All,
    /// At most this many.
    Count(u32),
    /// This fraction of the matches, rounded up (`fraction: 0.3` of 4 instances hits 2), so that a
    /// fraction above zero always hits at least one when anything matches.
    Fraction(f64),
}

impl Quantity {
    /// How many of `matching` candidates are hit.
    pub fn of(self, matching: usize) -> usize {
        match self {
            Quantity::All => matching,
            Quantity::Count(n) => (n as usize).min(matching),
            // A tiny epsilon keeps 0.3 x 10 = 3.0000000000000004 from rounding up to 4.
            Quantity::Fraction(f) => ((f * matching as f64 - 1e-9).ceil().max(0.0) as usize).min(matching),
        }
    }
}

/// Which container instances a fault or an operator action hits: the live (launching, active or
/// draining) instances that match every filter given, in launch order, then the first
/// `quantity` of them.
#[derive(Clone, Debug, PartialEq)]
pub struct InstanceSelector {
    /// EC2 instance ids as the simulator assigns them (`i-00000000000000001` is the first
    /// instance launched); empty = any.
    pub instance_ids: Vec<String>,
    /// Only instances in this Availability Zone (index into `Spec::availability_zones`).
    pub availability_zone: Option<usize>,
    /// Only instances of this type.
    pub instance_type: Option<String>,
    /// Only instances of this capacity provider (index into `Spec::capacity_providers`).
    pub capacity_provider: Option<ProviderIdx>,
    /// Only instances of this Auto Scaling group (index into `Spec::auto_scaling_groups`).
    pub auto_scaling_group: Option<usize>,
    /// EKS: only nodes of this managed node group (index into `EksSpec::node_groups`).
    pub node_group: Option<usize>,
    /// EKS: only nodes of this Karpenter NodePool (index into `EksSpec::node_pools`).
    pub node_pool: Option<usize>,
    /// EKS: node names as the simulator gives them (`<node group or NodePool>-<n>`); empty = any.
    pub node_names: Vec<String>,
    /// How many of the matches.
    pub quantity: Quantity,
}

impl InstanceSelector {
    /// Every instance in Availability Zone `az`.
    pub fn zone(az: usize) -> Self {
        InstanceSelector {
            availability_zone: Some(az),
            ..Self::any(Quantity::All)
        }
    }

    /// The first `count` instances of capacity provider `capacity_provider`.
    pub fn count(capacity_provider: ProviderIdx, count: u32) -> Self {
        InstanceSelector {
            capacity_provider: Some(capacity_provider),
            ..Self::any(Quantity::Count(count))
        }
    }

    /// `quantity` of all live instances.
    pub fn any(quantity: Quantity) -> Self {
        InstanceSelector {
            instance_ids: Vec::new(),
            availability_zone: None,
            instance_type: None,
            capacity_provider: None,
            auto_scaling_group: None,
            node_group: None,
            node_pool: None,
            node_names: Vec::new(),
            quantity,
        }
    }

    /// Whether the selector may pick ECS container instances: it names no EKS node group,
    /// NodePool or node.
    pub fn may_pick_instances(&self) -> bool {
        self.node_group.is_none() && self.node_pool.is_none() && self.node_names.is_empty()
    }

    /// Whether the selector may pick EKS nodes: it names no instance id, capacity provider or
    /// Auto Scaling group.
    pub fn may_pick_nodes(&self) -> bool {
        self.instance_ids.is_empty() && self.capacity_provider.is_none() && self.auto_scaling_group.is_none()
    }

    /// True when the selector names a whole Availability Zone and nothing else: `failInstances`
    /// then fails the zone for good (nothing launches there again).
    pub fn is_whole_zone(&self) -> bool {
        self.availability_zone.is_some()
            && self.instance_ids.is_empty()
            && self.instance_type.is_none()
            && self.capacity_provider.is_none()
            && self.auto_scaling_group.is_none()
            && self.may_pick_instances()
            && self.quantity == Quantity::All
    }
}

/// Which Spot capacity a `spotInterruption` burst reclaims.
#[derive(Clone, Debug, PartialEq)]
pub struct SpotInterruptionSpec {
    /// FARGATE_SPOT (tasks) or an Auto Scaling group provider (its Spot instances).
    pub capacity_provider: ProviderIdx,
    /// Only tasks of this service (FARGATE_SPOT only).
    pub service: Option<ServiceIdx>,
    /// How many of the RUNNING Spot tasks or live Spot instances.
    pub quantity: Quantity,
}

/// What happens at a point of the timeline.
#[derive(Clone, Debug, PartialEq)]
pub enum TimelineAction {
    /// `UpdateService` with a new desiredCount.
    UpdateServiceDesiredCount {
        /// Index into `Spec::services`.
        service: ServiceIdx,
        /// The new desiredCount.
        desired_count: u32,
    },
    /// `UpdateService` with a `taskDefinition` or `forceNewDeployment`, optionally with a new
    /// desiredCount. A deployment starts if the revision is not the one the service runs at that
    /// time (its PRIMARY deployment's) or `forceNewDeployment` is set; otherwise, as in ECS, none
    /// does, and the engine says so in events.csv.
    UpdateServiceDeployment {
        /// Index into `Spec::services`.
        service: ServiceIdx,
        /// Index into `Spec::task_definitions` of the revision named; `None`: the revision the
        /// service runs when the update happens (`forceNewDeployment` alone).
        task_definition: Option<usize>,
        /// `forceNewDeployment: true`: a deployment starts even of the same revision.
        force_new_deployment: bool,
        /// The new desiredCount, if given.
        desired_count: Option<u32>,
        /// A new `deploymentConfiguration`, if given.
        deployment_configuration: Option<crate::spec::DeploymentConfiguration>,
    },
    /// `UpdateService` that only changes `deploymentConfiguration` (and maybe desiredCount):
    /// no deployment starts; the next one, or the one in progress, uses it.
    UpdateServiceDeploymentConfiguration {
        /// Index into `Spec::services`.
        service: ServiceIdx,
        /// The new configuration.
        deployment_configuration: crate::spec::DeploymentConfiguration,
        /// The new desiredCount, if given.
        desired_count: Option<u32>,
    },
    /// Instances fail (EC2 terminates them); their Auto Scaling group replaces them.
    FailInstances(InstanceSelector),
    /// `update-container-instances-state --status DRAINING`: the instances stay DRAINING.
    DrainInstances(InstanceSelector),
    /// An Availability Zone is out for a while: its instances terminate, its Fargate tasks stop,
    /// nothing launches or is placed there until it recovers.
    AzOutage {
        /// Index into `Spec::availability_zones`.
        availability_zone: usize,
        /// How long the outage lasts.
        duration: SimDuration,
    },
    /// A burst of Spot interruptions.
    SpotInterruption(SpotInterruptionSpec),
    /// EKS: a burst of Spot interruptions on a managed node group's or a NodePool's Spot nodes.
    EksSpotInterruption(crate::spec::eks::EksSpotInterruptionSpec),
    /// `UpdateTaskProtection` on `count` RUNNING tasks of a service, the oldest first
    /// (reference 8.6): protected tasks are never chosen on scale-in until the protection expires.
    UpdateTaskProtection {
        /// Index into `Spec::services`.
        service: ServiceIdx,
        /// How many RUNNING tasks (at most all of them).
        count: u32,
        /// `protectionEnabled`: true protects, false removes the protection.
        protection_enabled: bool,
        /// `expiresInMinutes` (1 to 2880, default 120) for `protection_enabled`.
        expires_in: SimDuration,
    },
    /// EKS: `kubectl apply` of a Deployment with a new pod template (a rollout) and/or a new
    /// `spec.replicas` (`kubectl scale`).
    UpdateDeployment {
        /// Index into `EksSpec::deployments`.
        deployment: usize,
        /// Index into the Deployment's `revisions` of the template applied, if it changes.
        revision: Option<usize>,
        /// The new `spec.replicas`, if given.
        replicas: Option<u32>,
    },
    /// EKS: `kubectl rollout undo [--to-revision=N]`: the Deployment's template goes back to an
    /// earlier revision's, whose ReplicaSet becomes the new one (k8s-semantics 2.8).
    RolloutUndo {
        /// Index into `EksSpec::deployments`.
        deployment: usize,
        /// `--to-revision`: a Kubernetes revision number; `None` is the previous revision.
        to_revision: Option<u32>,
    },
    /// EKS: `kubectl rollout pause`: template changes are not rolled out; scaling still is.
    RolloutPause {
        /// Index into `EksSpec::deployments`.
        deployment: usize,
    },
    /// EKS: `kubectl rollout resume`: a paused Deployment rolls out its template again.
    RolloutResume {
        /// Index into `EksSpec::deployments`.
        deployment: usize,
    },
}

/// One timeline entry.
#[derive(Clone, Debug, PartialEq)]
pub struct TimelineEvent {
    /// When it happens.
    pub at: SimTime,
    /// What happens.
    pub action: TimelineAction,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(quantity: Quantity, matching: usize, expected: usize) {
        assert_eq!(quantity.of(matching), expected, "{quantity:?} of {matching}");
    }

    #[test]
    fn quantities_round_fractions_up() {
        check(Quantity::All, 5, 5);
        check(Quantity::Count(2), 5, 2);
        check(Quantity::Count(9), 5, 5);
        check(Quantity::Fraction(0.5), 5, 3);
        check(Quantity::Fraction(0.3), 10, 3);
        check(Quantity::Fraction(0.01), 4, 1);
        check(Quantity::Fraction(1.0), 4, 4);
        check(Quantity::Fraction(0.5), 0, 0);
        check(Quantity::Fraction(0.0), 4, 0);
    }
}
