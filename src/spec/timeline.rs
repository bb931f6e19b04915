//! Operator actions and faults placed on the simulated timeline.

use crate::sim::SimTime;

/// Which container instances a fault hits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InstanceSelector {
    /// Every instance in this Availability Zone (index into `Spec::availability_zones`).
    AvailabilityZone(usize),
    /// The first `count` running instances of a capacity provider (by launch order).
    Count {
        /// Index into `Spec::capacity_providers`.
        capacity_provider: usize,
        /// How many instances.
        count: u32,
    },
}

/// What happens at a point of the timeline.
#[derive(Clone, Debug, PartialEq)]
pub enum TimelineAction {
    /// `UpdateService` with a new desiredCount.
    UpdateServiceDesiredCount {
        /// Index into `Spec::services`.
        service: usize,
        /// The new desiredCount.
        desired_count: u32,
    },
    /// Instances fail (EC2 terminates them); their Auto Scaling group replaces them.
    FailInstances(InstanceSelector),
}

/// One timeline entry.
#[derive(Clone, Debug, PartialEq)]
pub struct TimelineEvent {
    /// When it happens.
    pub at: SimTime,
    /// What happens.
    pub action: TimelineAction,
}
