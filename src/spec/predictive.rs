//! A predictive scaling policy (`PolicyType: PredictiveScaling`, reference 15) as the engine
//! needs it: the metric pair, `TargetValue`, `Mode`, `SchedulingBufferTime`,
//! `MaxCapacityBreachBehavior` with `MaxCapacityBuffer`, and the forecaster.

use crate::policy::predictive::capacity::MaxCapacityBreach;
use crate::policy::predictive::replay::Replay;
use crate::policy::predictive::seasonal::Seasonal;
use crate::sim::SimDuration;

/// The metric pair of a predictive policy: the load metric summed over the service's tasks and
/// the scaling metric it is divided by (reference 15.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PredictiveMetric {
    /// `ECSServiceCPUUtilization`: load = the tasks' CPU utilization summed (percent of one
    /// task); scaling metric = the average CPU utilization.
    Cpu,
    /// `ECSServiceMemoryUtilization`: the same with memory.
    Memory,
    /// `ALBRequestCount`: load = requests per minute to the target group; scaling metric =
    /// `RequestCountPerTarget` (per minute).
    AlbRequestCount,
}

impl PredictiveMetric {
    /// The pair's `PredefinedMetricType`.
    pub fn pair_name(self) -> &'static str {
        match self {
            PredictiveMetric::Cpu => "ECSServiceCPUUtilization",
            PredictiveMetric::Memory => "ECSServiceMemoryUtilization",
            PredictiveMetric::AlbRequestCount => "ALBRequestCount",
        }
    }
}

/// `Mode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PredictiveMode {
    /// `ForecastOnly` (AWS's default): forecasts are made and written, capacity is not changed.
    ForecastOnly,
    /// `ForecastAndScale`: each hour's forecast capacity becomes the minimum capacity.
    ForecastAndScale,
}

/// Which forecaster makes the policy's forecasts (`behavior.predictiveScaling.forecaster`).
#[derive(Clone, Debug, PartialEq)]
pub enum ForecasterSpec {
    /// ecsim's own approximation from the service's load history (A26).
    Seasonal(Seasonal),
    /// AWS's forecast exported by `get-predictive-scaling-forecast`, replayed.
    Replay(Replay),
}

/// A predictive scaling policy.
#[derive(Clone, Debug, PartialEq)]
pub struct PredictiveScalingSpec {
    /// The metric pair.
    pub metric: PredictiveMetric,
    /// `TargetValue` of the scaling metric.
    pub target_value: f64,
    /// `Mode`.
    pub mode: PredictiveMode,
    /// `SchedulingBufferTime` (default 300 s, under 3600 s).
    pub scheduling_buffer: SimDuration,
    /// `MaxCapacityBreachBehavior` with `MaxCapacityBuffer`.
    pub breach: MaxCapacityBreach,
    /// The forecaster.
    pub forecaster: ForecasterSpec,
}
