//! Queue-driven workers in the world: the queue's depth and age in rows and as CloudWatch metrics.
//!
//! The queue itself advances in `load` (`accumulate_load`), so it is exact at every event; here
//! its state is read out. Each of these metrics has one sample per period, its value at the
//! period end, so every statistic but SampleCount gives that sample.

use crate::engine::world::World;
use crate::model::TaskState;
use crate::sim::ServiceIdx;
use crate::spec::ServiceMetric;

impl World<'_> {
    /// The value of a queue or task-count metric of `service` now (the end of a metric period):
    /// `None` for the other metrics, which are averaged over the period instead.
    pub(in crate::engine) fn queue_metric_value(
        &self,
        service: ServiceIdx,
        metric: ServiceMetric,
    ) -> Option<Option<f64>> {
        let s = &self.services[service];
        match metric {
            ServiceMetric::MessagesVisible => Some(s.queue.as_ref().map(|q| q.visible())),
            ServiceMetric::AgeOfOldestMessage => Some(s.queue.as_ref().map(|q| q.oldest_message_age_s(self.now.0))),
            // Container Insights reports 0 for a service with no task; a division by it has no value.
            ServiceMetric::RunningTaskCount => Some(Some(f64::from(s.counts[TaskState::Running.index()]))),
            ServiceMetric::CpuUtilization
            | ServiceMetric::MemoryUtilization
            | ServiceMetric::RequestCountPerTarget
            | ServiceMetric::Alb { .. } => None,
        }
    }

    /// `queue_depth` and `oldest_message_age_s` of a services row: empty for a service without a
    /// queue. The caller has accumulated the service's load up to now.
    pub(in crate::engine) fn queue_columns(&self, service: ServiceIdx) -> (Option<f64>, Option<f64>) {
        match &self.services[service].queue {
            Some(q) => (Some(q.visible()), Some(q.oldest_message_age_s(self.now.0))),
            None => (None, None),
        }
    }
}
