//! Scaling in the world: service auto scaling (scalable targets, policies, scheduled actions),
//! ECS managed scaling of capacity providers and EC2 Auto Scaling target tracking.

mod auto_scaling_group;
mod capacity_provider;
mod managed_alarms;
mod scheduled_actions;
mod service;
mod service_policies;

pub(super) use auto_scaling_group::AsgTargetTrackingState;
pub(super) use capacity_provider::ManagedScalingState;
pub(super) use service::{AutoScalingState, MetricPeriodState};
