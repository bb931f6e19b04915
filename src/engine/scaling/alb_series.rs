//! The load balancer's metrics (`AWS/ApplicationELB`, issue 14 item 4) as a source of the
//! services' 60-second pipeline. At each metric period's end every service whose ALB metrics are
//! read closes its [`RequestPeriod`]; a series of an ALB metric merges those periods over its
//! alarm's whole period and yields the statistic of the merged period at its last datapoint (a
//! percentile of a 5-minute alarm is the percentile of the five minutes' requests, not a
//! statistic of five per-minute percentiles). Its alarm therefore takes that one datapoint as it
//! is ([`ALARM_STATISTIC`]).

use crate::engine::world::World;
use crate::metrics::Statistic;
use crate::sim::ServiceIdx;
use crate::spec::ServiceMetric;
use crate::workload::RequestPeriod;

/// The statistic an alarm on an ALB series aggregates its period with: the series yields one
/// datapoint per alarm period (the others are missing), which Maximum keeps as it is.
pub(in crate::engine) const ALARM_STATISTIC: Statistic = Statistic::Maximum;

/// An ALB series: the requests of its alarm's period so far.
#[derive(Debug, Clone, Default)]
pub(in crate::engine) struct AlbSeries {
    /// Metric periods in the alarm's period.
    datapoints_per_period: u32,
    /// Metric periods merged so far.
    seen: u32,
    period: RequestPeriod,
}

impl AlbSeries {
    /// A series whose alarm's period spans `datapoints_per_period` metric periods.
    pub fn new(datapoints_per_period: u32) -> AlbSeries {
        AlbSeries {
            datapoints_per_period: datapoints_per_period.max(1),
            ..AlbSeries::default()
        }
    }

    /// Merges a metric period; at the last of the alarm's period, returns the merged period and
    /// starts anew.
    fn add(&mut self, period: &RequestPeriod) -> Option<RequestPeriod> {
        self.period.merge(period.clone());
        self.seen += 1;
        if self.seen < self.datapoints_per_period {
            return None;
        }
        self.seen = 0;
        Some(std::mem::take(&mut self.period))
    }
}

impl World<'_> {
    /// Closes the metric period of every service: its [`RequestPeriod`] if a policy or alarm
    /// reads its load balancer's metrics (`None` for the others). Requests come from the
    /// serving model of a service with a service model (the estimate's request queue, or the
    /// requests simulated in exact mode), else from the demand alone.
    pub(in crate::engine) fn close_alb_periods(&mut self, period_ms: u64) -> Vec<Option<RequestPeriod>> {
        let auto_scaling = &self.spec.auto_scaling;
        ServiceIdx::all(self.services.len())
            .map(|service| {
                if !auto_scaling.reads_alb_metrics_of(service) {
                    return None;
                }
                let s = &mut self.services[service];
                let target_errors = std::mem::take(&mut s.target_errors_in_period);
                let mut period = match s.requests.as_mut() {
                    Some(serving) => serving.finish_period(),
                    None => RequestPeriod {
                        requests: s.metric_periods[0].accumulator.finish().demand_rps * period_ms as f64 / 1_000.0,
                        ..RequestPeriod::default()
                    },
                };
                period.target_errors = target_errors;
                Some(period)
            })
            .collect()
    }

    /// The datapoint of ALB metric `metric` of `service` over `period`.
    pub(in crate::engine) fn alb_value(
        &self,
        service: ServiceIdx,
        metric: ServiceMetric,
        period: &RequestPeriod,
    ) -> Option<f64> {
        let (metric, statistic) = metric.alb()?;
        let model = self.services[service]
            .requests
            .as_ref()
            .and_then(|r| r.estimate())
            .map(|q| q.response_model());
        period.value(metric, statistic, model)
    }

    /// The datapoint series `series` yields this metric period: the merged period's statistic at
    /// the last metric period of its alarm's period, else `None`.
    pub(in crate::engine) fn alb_series_value(
        &self,
        series: &mut AlbSeries,
        service: ServiceIdx,
        metric: ServiceMetric,
        period: &RequestPeriod,
    ) -> Option<f64> {
        let merged = series.add(period)?;
        self.alb_value(service, metric, &merged)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_series_yields_the_merged_period_at_the_end_of_its_alarm_period() {
        let minute = |requests: f64| RequestPeriod {
            requests,
            ..RequestPeriod::default()
        };
        let mut series = AlbSeries::new(3);
        assert_eq!(series.add(&minute(10.0)), None);
        assert_eq!(series.add(&minute(20.0)), None);
        assert_eq!(series.add(&minute(30.0)).map(|p| p.requests), Some(60.0));
        assert_eq!(series.add(&minute(5.0)), None, "a new period starts");
        let mut every_minute = AlbSeries::new(1);
        assert_eq!(every_minute.add(&minute(7.0)).map(|p| p.requests), Some(7.0));
        assert_eq!(every_minute.add(&minute(8.0)).map(|p| p.requests), Some(8.0));
    }
}
