//! How a service rolls out a new revision: `deploymentConfiguration` with its circuit breaker.

use crate::policy::deployment::{DEFAULT_MAXIMUM_PERCENT, DEFAULT_MINIMUM_HEALTHY_PERCENT};
use crate::sim::SimDuration;

/// `deploymentConfiguration` of a REPLICA service with the ECS deployment controller.
#[derive(Clone, Debug, PartialEq)]
pub struct DeploymentConfiguration {
    /// `minimumHealthyPercent` (default [`DEFAULT_MINIMUM_HEALTHY_PERCENT`], 100).
    pub minimum_healthy_percent: u32,
    /// `maximumPercent` (default [`DEFAULT_MAXIMUM_PERCENT`], 200).
    pub maximum_percent: u32,
    /// `deploymentCircuitBreaker` when `enable` is true.
    pub circuit_breaker: Option<CircuitBreakerSpec>,
    /// `alarms` when `enable` is true (reference 8.3).
    pub alarms: Option<DeploymentAlarmsSpec>,
    /// `strategy` with its `linearConfiguration` or `canaryConfiguration` (default ROLLING).
    pub strategy: super::DeploymentStrategy,
    /// `bakeTimeInMinutes`: how long both revisions run after all production traffic has
    /// shifted, before blue is stopped (non-rolling strategies only). `None` when not given:
    /// BLUE_GREEN requires it; LINEAR and CANARY use `behavior.deployments.bakeTimeWhenUnset`.
    pub bake_time: Option<SimDuration>,
    /// `lifecycleHooks` (non-rolling strategies only).
    pub lifecycle_hooks: Vec<super::LifecycleHookSpec>,
}

impl Default for DeploymentConfiguration {
    fn default() -> Self {
        DeploymentConfiguration {
            minimum_healthy_percent: DEFAULT_MINIMUM_HEALTHY_PERCENT,
            maximum_percent: DEFAULT_MAXIMUM_PERCENT,
            circuit_breaker: None,
            alarms: None,
            strategy: super::DeploymentStrategy::Rolling,
            bake_time: None,
            lifecycle_hooks: Vec::new(),
        }
    }
}

/// How the circuit breaker's failure threshold is computed (reference 8.2).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FailureThreshold {
    /// `BOUNDED_PERCENT` of the desired count, clamped to 3..=200 (the default, value 50).
    BoundedPercent(f64),
    /// `UNBOUNDED_PERCENT` of the desired count.
    UnboundedPercent(f64),
    /// `COUNT`: a fixed number of failed tasks.
    Count(u32),
}

/// `deploymentCircuitBreaker` with `enable: true`.
#[derive(Clone, Debug, PartialEq)]
pub struct CircuitBreakerSpec {
    /// `rollback`: start a deployment of the last COMPLETED revision when the breaker trips.
    pub rollback: bool,
    /// `resetOnHealthyTask` (default true): a task reaching healthy resets the failure count.
    pub reset_on_healthy_task: bool,
    /// `thresholdConfiguration`.
    pub threshold: FailureThreshold,
}

/// `deploymentConfiguration.alarms` with `enable: true` (reference 8.3): a named CloudWatch alarm
/// entering ALARM while a deployment is in progress fails the deployment.
#[derive(Clone, Debug, PartialEq)]
pub struct DeploymentAlarmsSpec {
    /// `alarmNames`, as written.
    pub alarm_names: Vec<String>,
    /// The same alarms as indices into `AutoScalingSpec::alarms` (the scenario's `cloudWatch.alarms`).
    pub alarms: Vec<usize>,
    /// `rollback`: start a deployment of the last COMPLETED revision when an alarm fails it.
    pub rollback: bool,
}

/// A container health check (`healthCheck` of an essential container).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HealthCheckSpec {
    /// `interval` (default 30 s).
    pub interval: SimDuration,
    /// `retries` (default 3).
    pub retries: u32,
    /// `startPeriod` (default 0).
    pub start_period: SimDuration,
}

/// An Elastic Load Balancing target group a service registers its tasks with.
#[derive(Clone, Debug, PartialEq)]
pub struct TargetGroupSpec {
    /// `TargetGroupName`.
    pub name: String,
    /// `HealthCheckIntervalSeconds` (default 30).
    pub health_check_interval: SimDuration,
    /// `HealthyThresholdCount` (default 5; a new target needs one passing check).
    pub healthy_threshold: u32,
    /// `UnhealthyThresholdCount` (default 2).
    pub unhealthy_threshold: u32,
    /// `deregistration_delay.timeout_seconds` (default 300): a deregistered target drains this
    /// long while its task stays DEACTIVATING and holds its resources.
    pub deregistration_delay: SimDuration,
    /// `load_balancing.algorithm.type` (default `round_robin`); it routes the requests of a
    /// service in exact mode (`load.<service>.model: requests`).
    pub algorithm: LoadBalancingAlgorithm,
    /// `slow_start.duration_seconds` (default 0, off; else 30 to 900 s, and only with
    /// `round_robin`).
    pub slow_start: SimDuration,
}

/// A target group's `load_balancing.algorithm.type` (Latency A4).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LoadBalancingAlgorithm {
    /// `round_robin` (AWS's default).
    #[default]
    RoundRobin,
    /// `least_outstanding_requests`.
    LeastOutstandingRequests,
    /// `weighted_random` (automatic target weights): accepted, not modelled; a service in
    /// exact mode cannot use it.
    WeightedRandom,
}

impl LoadBalancingAlgorithm {
    /// The attribute's value as AWS prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            LoadBalancingAlgorithm::RoundRobin => "round_robin",
            LoadBalancingAlgorithm::LeastOutstandingRequests => "least_outstanding_requests",
            LoadBalancingAlgorithm::WeightedRandom => "weighted_random",
        }
    }
}

impl TargetGroupSpec {
    /// A target group with AWS's defaults.
    pub fn new(name: impl Into<String>) -> Self {
        TargetGroupSpec {
            name: name.into(),
            health_check_interval: SimDuration::from_secs(30),
            healthy_threshold: 5,
            unhealthy_threshold: 2,
            deregistration_delay: SimDuration::from_secs(300),
            algorithm: LoadBalancingAlgorithm::RoundRobin,
            slow_start: SimDuration::ZERO,
        }
    }
}
