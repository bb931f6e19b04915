//! CloudWatch-like metrics: datapoints per period with statistics, and alarm evaluation.

pub mod alarm;
pub mod datapoint;

pub use alarm::{AlarmConfig, AlarmDatapoint, AlarmEvaluator, AlarmState, Comparison, TreatMissingData};
pub use datapoint::{Datapoint, PeriodAccumulator, Statistic};
