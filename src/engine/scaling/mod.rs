//! Scaling in the world: one metric -> alarm -> action pipeline (`pipeline`) and the kinds that
//! run through it, each with its metric source and its actuator: service auto scaling
//! (`service`, its policies in `service_policies`), ECS managed scaling of capacity providers
//! (`capacity_provider`, its metric in `capacity_provider_reservation`) and EC2 Auto Scaling
//! target tracking (`auto_scaling_group`) with the step and simple policies that alarms on a group
//! invoke (`group_alarm_policies`); `alb_series` is the services' load balancer metrics
//! over an alarm's period. Scheduled actions (`scheduled_actions`) set a
//! service's bounds without alarms; so does predictive scaling (`predictive`: the load history;
//! `predictive_actions`: forecasts and hourly minimum capacities). The rules AWS applies are pure functions in `policy/`.

mod alb_series;
mod auto_scaling_group;
mod capacity_provider;
mod capacity_provider_reservation;
mod group_alarm_policies;
mod pipeline;
mod predictive;
mod predictive_actions;
mod scheduled_actions;
mod service;
mod service_policies;

use auto_scaling_group::AsgTargetTrackingState;
use capacity_provider::ManagedScalingState;
use group_alarm_policies::{GroupPolicyState, group_policy_states};
use predictive::PredictiveState;
use service::AutoScalingState;

pub(super) use pipeline::{Phase, ScalingKind};
pub(super) use service::{MetricPeriodState, datapoint_ms};

use crate::spec::Spec;

/// Everything scaling keeps in the world, by kind.
pub(super) struct ScalingState {
    /// Scalable targets, policies and alarms of services.
    pub services: AutoScalingState,
    /// Capacity providers with managed scaling.
    pub providers: ManagedScalingState,
    /// EC2 Auto Scaling target tracking policies of the groups, and the alarms of their step
    /// and simple policies.
    pub groups: AsgTargetTrackingState,
    /// The groups' step and simple policies, by group, then policy.
    pub group_policies: Vec<Vec<GroupPolicyState>>,
    /// Predictive scaling policies: their load history, forecasts and hourly actions.
    pub predictive: PredictiveState,
}

impl ScalingState {
    /// The targets, policies and alarms of `spec`.
    pub fn new(spec: &Spec) -> Self {
        ScalingState {
            services: AutoScalingState::new(spec),
            providers: ManagedScalingState::new(spec),
            groups: AsgTargetTrackingState::new(spec),
            group_policies: group_policy_states(spec),
            predictive: PredictiveState::new(spec),
        }
    }
}
