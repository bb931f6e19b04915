//! The exact model as a service's serving model (issue 14, `model: requests`): the engine
//! calls [`ExactServing::advance`] whenever the estimate mode's `RequestQueue::advance` would be
//! called (at every change of demand or of the task set, and at each trace tick), and reads the
//! same figures: served and unserved rates and the busy fraction for the interval accumulator,
//! each trace interval's latency ([`ExactServing::finish_interval`]) and the run's
//! ([`ExactServing::run_latency`]).
//!
//! The rules, written once here:
//! - arrivals are Poisson at the demand the engine gives (the load step's rate, noise
//!   included), from the `arrival` stream, unless the service replays recorded arrival times
//!   ([`ExactServing::replay_arrivals`]): then those come, and the demand is not used; service
//!   times come from the `service` stream;
//! - the busy fraction is busy slot-time over the slots of the targets that were `Healthy`
//!   during the stretch (the estimate mode's load share: what the healthy tasks' CPU does);
//!   draining targets still finish their requests but, as tasks no longer RUNNING, count in no
//!   utilization;
//! - `served` counts the requests answered within the stretch (some arrived in an earlier one);
//!   `unserved` is what timed out (504) plus what failed (no healthy target, or held by a target
//!   that was removed: 5XX); `timed_out_rps` is the timed-out part alone;
//! - percentiles are of the requests served in the interval (or in the run), from sketches
//!   with the 1 % relative bound of `QuantileSketch::default`, never from stored requests.

use std::sync::Arc;

use rand_chacha::ChaCha8Rng;

use super::{
    Arrivals, MAX_RATE_PER_S, RateStep, RequestConfig, RequestError, RequestModel, StretchReport, TargetState,
};
use crate::sim::time::SimTime;
use crate::workload::RequestPeriod;
use crate::workload::latency::QuantileSketch;
use crate::workload::request_queue::{IntervalLatency, RunLatency};
use crate::workload::serving::Served;

const MS_PER_S: f64 = 1_000.0;

/// What one trace interval's stretches added up to.
#[derive(Debug, Clone, Default)]
struct IntervalTally {
    ms: u64,
    timed_out: u64,
    response_ms: QuantileSketch,
    wait_ms_sum: f64,
    waits: u64,
}

/// Run-long totals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExactTotals {
    /// Requests that arrived.
    pub arrived: u64,
    /// Requests answered within the timeout.
    pub served: u64,
    /// Requests that timed out.
    pub timed_out: u64,
    /// Requests that failed (no healthy target, or their target was removed).
    pub failed: u64,
    /// Requests served by targets that were draining or unhealthy (what they held when they
    /// stopped receiving new requests).
    pub served_while_draining: u64,
}

/// One service's requests, simulated one by one.
#[derive(Debug, Clone)]
pub struct ExactServing {
    model: RequestModel,
    arrival_rng: ChaCha8Rng,
    service_rng: ChaCha8Rng,
    interval: IntervalTally,
    /// The load balancer's metric period so far, when its metrics are read.
    period: Option<RequestPeriod>,
    run_response_ms: QuantileSketch,
    totals: ExactTotals,
    /// Recorded arrival times (ms since the start, sorted) and how many of them came already.
    replayed: Option<(Arc<[f64]>, usize)>,
}

impl ExactServing {
    /// A service without targets at `start`, routing by `config`, drawing arrivals from
    /// `arrival_rng` and service times from `service_rng`.
    pub fn new(
        config: RequestConfig,
        start: SimTime,
        arrival_rng: ChaCha8Rng,
        service_rng: ChaCha8Rng,
    ) -> Result<ExactServing, RequestError> {
        Ok(ExactServing {
            model: RequestModel::new(config, start)?,
            arrival_rng,
            service_rng,
            interval: IntervalTally::default(),
            period: None,
            run_response_ms: QuantileSketch::default(),
            totals: ExactTotals::default(),
            replayed: None,
        })
    }

    /// Requests arrive at these times (ms since the start of the run, sorted) from now on,
    /// instead of Poisson arrivals at the demand [`Self::advance`] is given. Times before the
    /// model's clock never come.
    pub fn replay_arrivals(&mut self, times_ms: Arc<[f64]>) {
        let now_ms = self.model.now().as_millis() as f64;
        let next = times_ms.partition_point(|&t| t < now_ms);
        self.replayed = Some((times_ms, next));
    }

    /// Keeps the load balancer's metric periods from now on ([`Self::finish_period`]).
    pub fn track_metric_periods(&mut self) {
        self.period.get_or_insert_with(RequestPeriod::default);
    }

    /// What the load balancer saw in the metric period since the last call, which it closes:
    /// the requests simulated in it, their response times in a sketch. Empty unless
    /// [`Self::track_metric_periods`] was called.
    pub fn finish_period(&mut self) -> RequestPeriod {
        match self.period.as_mut() {
            Some(period) => std::mem::take(period),
            None => RequestPeriod::default(),
        }
    }

    /// The model, to read its targets.
    pub fn model(&self) -> &RequestModel {
        &self.model
    }

    /// The model, to change its targets between stretches.
    pub fn model_mut(&mut self) -> &mut RequestModel {
        &mut self.model
    }

    /// The run's totals so far.
    pub fn totals(&self) -> ExactTotals {
        self.totals
    }

    /// Simulates every request from the model's clock to `until` at `demand_rps` (Poisson,
    /// capped at 1e9 per second; or the replayed arrivals of the stretch), adds the stretch to the interval and the run, and returns
    /// what the interval accumulator needs with the stretch's report.
    pub fn advance(&mut self, until: SimTime, demand_rps: f64) -> Result<(Served, StretchReport), RequestError> {
        let start = self.model.now();
        let rate = if demand_rps.is_finite() {
            demand_rps.clamp(0.0, MAX_RATE_PER_S)
        } else {
            0.0
        };
        let steps = [RateStep {
            from: start,
            requests_per_s: rate,
        }];
        let arrivals = match &mut self.replayed {
            Some((times, next)) => {
                let until_ms = until.as_millis() as f64;
                let first = *next;
                *next += times
                    .get(first..)
                    .map_or(0, |rest| rest.partition_point(|&t| t < until_ms));
                Arrivals::Replayed(times.get(first..*next).unwrap_or_default())
            }
            None => Arrivals::Poisson(&steps),
        };
        let report = self
            .model
            .run(until, arrivals, &mut self.arrival_rng, &mut self.service_rng)?;
        let elapsed_ms = until.since(start).as_millis();
        self.add(&report, elapsed_ms)?;
        let served = served_of(&report, elapsed_ms);
        Ok((served, report))
    }

    fn add(&mut self, report: &StretchReport, elapsed_ms: u64) -> Result<(), RequestError> {
        let t = &mut self.totals;
        t.arrived += report.arrived;
        t.served += report.served;
        t.timed_out += report.timed_out;
        t.failed += report.failed;
        t.served_while_draining += report
            .targets
            .iter()
            .filter(|r| r.state != TargetState::Healthy)
            .map(|r| r.served)
            .sum::<u64>();
        let i = &mut self.interval;
        i.ms += elapsed_ms;
        i.timed_out += report.timed_out;
        i.wait_ms_sum += report.wait_ms_sum;
        i.waits += report.wait_ms.count();
        // Both sketches have the default accuracy, so merging cannot be refused.
        i.response_ms
            .merge(&report.response_ms)
            .map_err(RequestError::Service)?;
        self.run_response_ms
            .merge(&report.response_ms)
            .map_err(RequestError::Service)?;
        if let Some(period) = self.period.as_mut() {
            period.merge(RequestPeriod {
                requests: report.arrived as f64,
                served: report.served as f64,
                timed_out: report.timed_out as f64,
                failed: report.failed as f64,
                target_errors: 0.0,
                response_ms_sum: report.response_ms_sum,
                components: Vec::new(),
                response_ms: Some(report.response_ms.clone()),
            });
        }
        Ok(())
    }

    /// The latency of the trace interval since the last call, which it closes. Percentiles and
    /// the mean wait are `None` when no request was served (or started) in the interval.
    pub fn finish_interval(&mut self) -> IntervalLatency {
        let i = std::mem::take(&mut self.interval);
        let q = |p: f64| i.response_ms.quantile(p);
        let percentiles_ms = match (q(0.5), q(0.95), q(0.99)) {
            (Some(a), Some(b), Some(c)) => Some([a, b, c]),
            _ => None,
        };
        let timed_out_rps = if i.ms > 0 {
            i.timed_out as f64 * MS_PER_S / i.ms as f64
        } else {
            0.0
        };
        IntervalLatency {
            percentiles_ms,
            queue_wait_ms_mean: (i.waits > 0).then(|| i.wait_ms_sum / i.waits as f64),
            timed_out_rps,
        }
    }

    /// The run's response-time figures so far (percentiles of every request served); `None`
    /// when none was.
    pub fn run_latency(&self) -> Option<RunLatency> {
        let q = |p: f64| self.run_response_ms.quantile(p);
        Some(RunLatency {
            percentiles_ms: [q(0.5)?, q(0.95)?, q(0.99)?],
            relative_accuracy: self.run_response_ms.relative_accuracy(),
            timed_out_requests: self.totals.timed_out as f64,
            timeout_ms: self.model.config().timeout_ms,
        })
    }
}

/// The stretch as rates over its length, and the healthy targets' busy fraction.
fn served_of(report: &StretchReport, elapsed_ms: u64) -> Served {
    if elapsed_ms == 0 {
        return Served {
            served_rps: 0.0,
            unserved_rps: 0.0,
            load_share: 0.0,
        };
    }
    let elapsed_s = elapsed_ms as f64 / MS_PER_S;
    let (mut busy, mut slots) = (0.0, 0.0);
    for t in report.targets.iter().filter(|t| t.state == TargetState::Healthy) {
        busy += t.busy_fraction * f64::from(t.concurrency);
        slots += f64::from(t.concurrency);
    }
    Served {
        served_rps: report.served as f64 / elapsed_s,
        unserved_rps: (report.timed_out + report.failed) as f64 / elapsed_s,
        load_share: if slots > 0.0 { busy / slots } else { 0.0 },
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    use super::super::{RequestConfig, Routing, TargetId, TargetSpec, TargetState};
    use super::ExactServing;
    use crate::sim::time::SimTime;
    use crate::workload::latency::ServiceTime;

    fn serving(targets: u64) -> ExactServing {
        let config = RequestConfig {
            routing: Routing::RoundRobin,
            slow_start_ms: 0,
            timeout_ms: 60_000,
        };
        let rng = |s| ChaCha8Rng::seed_from_u64(s);
        let mut s = ExactServing::new(config, SimTime::ZERO, rng(1), rng(2)).expect("valid");
        for i in 0..targets {
            let spec = TargetSpec {
                concurrency: 4,
                service: ServiceTime::Constant { value_ms: 100.0 },
            };
            s.model_mut()
                .add_target(TargetId(i), spec, TargetState::Healthy)
                .expect("new");
        }
        s
    }

    #[test]
    fn busy_fraction_is_offered_load_over_slots_and_rates_are_per_second() {
        // 2 targets x 4 slots of 100 ms: 80 requests/s capacity; 40 requests/s is half of it.
        let mut s = serving(2);
        let (served, report) = s.advance(SimTime(600_000), 40.0).expect("runs");
        assert!((served.load_share - 0.5).abs() < 0.02, "{served:?}");
        let arrived_rps = report.arrived as f64 / 600.0;
        assert!((arrived_rps - 40.0).abs() < 1.0, "{arrived_rps}");
        assert!((served.served_rps - arrived_rps).abs() < 0.01);
        assert_eq!(served.unserved_rps, 0.0);
        let interval = s.finish_interval();
        let [p50, _, p99] = interval.percentiles_ms.expect("served");
        assert!(p50 >= 99.0 && p99 <= 300.0, "{p50} {p99}");
        assert!(s.run_latency().is_some());
    }

    #[test]
    fn without_healthy_targets_every_request_fails_and_nothing_is_served() {
        let mut s = serving(0);
        let (served, report) = s.advance(SimTime(10_000), 50.0).expect("runs");
        assert_eq!(report.failed, report.arrived);
        assert!(report.arrived > 400);
        assert_eq!(served.served_rps, 0.0);
        assert!((served.unserved_rps - report.arrived as f64 / 10.0).abs() < 1e-9);
        assert_eq!(s.finish_interval().percentiles_ms, None);
        assert_eq!(s.run_latency(), None);
    }
}
