//! Rolling deployments (reference 8.1, 8.2, 8.5): bounds, the start/stop step, the circuit
//! breaker threshold, the restart throttle and health-check timings. Pure functions of counts.

mod bounds;
mod circuit_breaker;
mod health;
mod rolling;

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
