//! Deployments (reference 8.1, 8.2, 8.5, 8.7): rolling bounds, the start/stop step, the circuit
//! breaker threshold, the restart throttle, health-check timings, and for BLUE_GREEN, LINEAR and
//! CANARY the stage table and the traffic schedule. Pure functions of counts.

mod alarm_bake;
mod bounds;
mod circuit_breaker;
mod health;
mod rolling;
mod stages;
mod strategy;
mod traffic_shift;

pub use alarm_bake::rolling_alarm_bake;
pub use bounds::{
    BoundsCounts, DEFAULT_MAXIMUM_PERCENT, DEFAULT_MINIMUM_HEALTHY_PERCENT, RollingBounds, RollingSettings,
    rolling_bounds,
};
pub use circuit_breaker::{
    RESTART_THROTTLE_BASE_MS, RESTART_THROTTLE_CAP_MS, ThresholdType, circuit_breaker_threshold, restart_throttle_ms,
};
pub use health::{
    NO_HEALTH_CHECK_HEALTHY_AFTER_MS, container_healthy_after_ms, container_unhealthy_after_ms,
    target_healthy_after_ms, target_recovered_after_ms, target_unhealthy_after_ms,
};
pub use rolling::{RollingState, RollingStep, rolling_step};
pub use stages::{
    RollbackPlan, StageEnd, green_task_count, next_stage, peak_task_count, rollback_plan, stage_end, stage_table,
};
pub use strategy::{DeploymentStrategy, LifecycleStage};
pub use traffic_shift::{FULL_WEIGHT_PERMILLE, ShiftStep, production_shift_steps, shift_duration, split_by_weight};
