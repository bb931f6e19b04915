//! A request-serving service as a queue (issue 14, estimate mode): healthy tasks × concurrency
//! slots share one FIFO queue. Between trace ticks the demand is carried as a fluid with a
//! timeout ([`carry_over`]); at each tick the interval's latency is estimated by queueing theory
//! ([`estimate`]) and added to the run's response-time sketch.
//!
//! The rules, written once here:
//! - capacity is `healthy × concurrency / mean service time`; a sub-interval's busy fraction is
//!   what it served over that capacity (the M/G/c utilization, including a backlog draining);
//! - requests above capacity queue instead of being dropped; a request that would wait longer
//!   than the timeout times out and is never served, so `unserved` is exactly `timed out`;
//! - an interval's response time is its mean backlog wait (fluid, Latency A1 "Utilisation >= 1")
//!   plus the stationary M/G/c response time at the interval's mean demand and mean servers, or
//!   plus the service time alone when that demand is at or above capacity;
//! - percentiles describe the requests served; timed-out requests are counted apart.

use super::alb_metrics::{RequestPeriod, ResponseComponent, ResponseModel};
use super::latency::grid::ServiceGrid;
use super::latency::{
    Carryover, IntervalDemand, QuantileSketch, QueueModel, ResponseTime, ServiceTime, Stability, WaitTime, carry_over,
    erlang_c_upper_bound,
};
use super::serving::Served;

/// Below this probability of waiting (Erlang C) nobody measurably waits: the response time is
/// taken as the service time, whose tail probabilities differ from the response time's by at most
/// this much (1e-7 of the 1 % tail the p99 stands on). An O(1) bound on Erlang C decides first;
/// only when it cannot does the recursion run.
const NEGLIGIBLE_WAITING: f64 = 1e-9;
/// The run's sketch feeds each interval from this quantile of its service time: below p50, so
/// p50, p95 and p99 of the run keep the sketch's bound.
const SKETCH_LOW_QUANTILE: f64 = 0.25;
/// ... up to where this little probability is left above (below 1 %, for p99).
const SKETCH_HIGH_TAIL: f64 = 1e-4;
const MS_PER_S: f64 = 1_000.0;
/// Per-interval percentiles are bisected to this relative width (1e-7 of 100 ms is 10 ns, far
/// below the microsecond `services.csv` prints).
const PERCENTILE_TOLERANCE: f64 = 1e-7;
/// The sketch counts thousandths of requests, so an interval of a few requests keeps its shape.
const SKETCH_COUNTS_PER_REQUEST: f64 = 1_000.0;

/// One interval's latency figures, as `services.csv` writes them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IntervalLatency {
    /// Response-time percentiles of the interval's requests, ms; `None` with no healthy task.
    pub percentiles_ms: Option<[f64; 3]>,
    /// Mean queueing delay (backlog plus stationary wait), ms; `None` with no healthy task.
    pub queue_wait_ms_mean: Option<f64>,
    /// Requests per second that timed out, averaged over the interval.
    pub timed_out_rps: f64,
}

/// Response-time figures of a whole run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunLatency {
    /// p50, p95 and p99 of every served request's response time, ms.
    pub percentiles_ms: [f64; 3],
    /// Relative accuracy of the percentiles (the sketch's bound).
    pub relative_accuracy: f64,
    /// Requests that timed out.
    pub timed_out_requests: f64,
    /// The timeout, ms.
    pub timeout_ms: u64,
}

/// Sums over the current trace interval.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct IntervalSums {
    ms: u64,
    arrivals: f64,
    served: f64,
    timed_out: f64,
    /// Σ arrivals × mean backlog wait, over pieces with servers.
    backlog_wait_ms_requests: f64,
    arrivals_with_servers: f64,
    /// Σ servers × ms.
    server_ms: f64,
}

/// One piece of constant demand and servers, as [`RequestQueue::advance`] carried it.
struct Piece<'a> {
    elapsed_ms: u64,
    arrivals: f64,
    carried: &'a Carryover,
    /// Slots: healthy tasks × concurrency.
    servers: f64,
    has_capacity: bool,
}

/// The queue over an interval, as its estimate sees it.
struct QueueState {
    /// Mean slots, rounded, at least 1.
    servers: u64,
    /// Mean demand, requests per second.
    demand_rps: f64,
    /// Mean wait in the backlog of the arrivals that found servers, ms.
    shift_ms: f64,
}

impl IntervalSums {
    fn add(&mut self, piece: &Piece<'_>) {
        self.ms += piece.elapsed_ms;
        self.arrivals += piece.arrivals;
        self.served += piece.carried.served;
        self.timed_out += piece.carried.timed_out;
        self.server_ms += piece.servers * piece.elapsed_ms as f64;
        if piece.has_capacity {
            self.arrivals_with_servers += piece.arrivals;
            self.backlog_wait_ms_requests += piece.arrivals * piece.carried.mean_backlog_wait_ms;
        }
    }

    /// The interval's mean servers, demand and backlog wait; `None` when no slot was there.
    fn queue_state(&self) -> Option<QueueState> {
        let mean_servers = if self.ms > 0 {
            self.server_ms / self.ms as f64
        } else {
            0.0
        };
        if mean_servers <= 0.0 {
            return None;
        }
        let interval_s = self.ms as f64 / MS_PER_S;
        let shift_ms = if self.arrivals_with_servers > 0.0 {
            self.backlog_wait_ms_requests / self.arrivals_with_servers
        } else {
            0.0
        };
        Some(QueueState {
            servers: (mean_servers.round() as u64).max(1),
            demand_rps: self.arrivals / interval_s,
            shift_ms,
        })
    }
}

/// The queue of one service with a service model.
#[derive(Debug, Clone)]
pub struct RequestQueue {
    service: ServiceTime,
    /// The lognormal's tail on a grid (its quadrature is too slow for every interval).
    grid: Option<ServiceGrid>,
    concurrency: u32,
    timeout_ms: u64,
    backlog: f64,
    sums: IntervalSums,
    /// p50, p95 and p99 of the service time alone.
    service_percentiles_ms: [f64; 3],
    sketch_low_ms: f64,
    sketch_high_ms: f64,
    /// Served requests whose response time was the service time alone (added at the end).
    pure_service_requests: f64,
    sketch: QuantileSketch,
    timed_out_total: f64,
    /// Sums over the current metric period, when the load balancer's metrics are read.
    period: Option<IntervalSums>,
}

impl RequestQueue {
    /// The queue of tasks with `concurrency` slots of `service`, timing out after `timeout_ms`.
    pub fn new(service: ServiceTime, concurrency: u32, timeout_ms: u64) -> RequestQueue {
        let response = |q: f64| {
            let alone = ResponseTime {
                wait: WaitTime::NONE,
                service: &service,
            };
            alone.percentile_ms(q).unwrap_or(0.0)
        };
        let service_percentiles_ms = [response(0.5), response(0.95), response(0.99)];
        let sketch_low_ms = response(SKETCH_LOW_QUANTILE).max(f64::MIN_POSITIVE);
        let sketch_high_ms = response(1.0 - SKETCH_HIGH_TAIL);
        let grid = matches!(service, ServiceTime::Lognormal { .. }).then(|| ServiceGrid::new(&service));
        RequestQueue {
            service,
            grid,
            concurrency: concurrency.max(1),
            timeout_ms,
            backlog: 0.0,
            sums: IntervalSums::default(),
            service_percentiles_ms,
            sketch_low_ms,
            sketch_high_ms,
            pure_service_requests: 0.0,
            sketch: QuantileSketch::default(),
            timed_out_total: 0.0,
            period: None,
        }
    }

    /// Requests per second one task completes with every slot busy.
    pub fn capacity_per_task_rps(&self) -> f64 {
        f64::from(self.concurrency) * MS_PER_S / self.service.mean_ms()
    }

    /// Requests queued now.
    pub fn backlog(&self) -> f64 {
        self.backlog
    }

    /// Serves `demand_rps` for `elapsed_ms` with `healthy` tasks, carrying the backlog.
    pub fn advance(&mut self, elapsed_ms: u64, demand_rps: f64, healthy: u32) -> Served {
        if elapsed_ms == 0 {
            return Served {
                served_rps: 0.0,
                unserved_rps: 0.0,
                load_share: 0.0,
            };
        }
        let elapsed_s = elapsed_ms as f64 / MS_PER_S;
        let capacity_rps = f64::from(healthy) * self.capacity_per_task_rps();
        let arrivals = demand_rps.max(0.0) * elapsed_s;
        let demand = IntervalDemand {
            arrivals,
            capacity_rps,
            backlog_in: self.backlog,
            interval_ms: elapsed_ms,
            timeout_ms: self.timeout_ms,
        };
        // The inputs are finite and non-negative, so carry_over cannot refuse them; should it,
        // nothing is served and everything times out.
        let carried = carry_over(&demand).unwrap_or(Carryover {
            backlog_out: 0.0,
            served: 0.0,
            timed_out: arrivals + self.backlog,
            mean_backlog_wait_ms: 0.0,
        });
        self.backlog = carried.backlog_out;
        let piece = Piece {
            elapsed_ms,
            arrivals,
            carried: &carried,
            servers: f64::from(healthy) * f64::from(self.concurrency),
            has_capacity: capacity_rps > 0.0,
        };
        self.sums.add(&piece);
        if let Some(period) = &mut self.period {
            period.add(&piece);
        }
        Served {
            served_rps: carried.served / elapsed_s,
            unserved_rps: carried.timed_out / elapsed_s,
            load_share: if capacity_rps > 0.0 {
                (carried.served / (capacity_rps * elapsed_s)).min(1.0)
            } else {
                0.0
            },
        }
    }

    /// The latency of the interval since the last call, which it closes.
    pub fn finish_interval(&mut self) -> IntervalLatency {
        let sums = std::mem::take(&mut self.sums);
        self.timed_out_total += sums.timed_out;
        let interval_s = sums.ms as f64 / MS_PER_S;
        let timed_out_rps = if sums.ms > 0 { sums.timed_out / interval_s } else { 0.0 };
        let Some(QueueState {
            servers,
            demand_rps,
            shift_ms,
        }) = sums.queue_state()
        else {
            return IntervalLatency {
                percentiles_ms: None,
                queue_wait_ms_mean: None,
                timed_out_rps,
            };
        };
        let (percentiles, wait) = self.interval_response(demand_rps, servers, shift_ms, sums.served);
        IntervalLatency {
            percentiles_ms: Some(percentiles),
            queue_wait_ms_mean: Some(wait),
            timed_out_rps,
        }
    }

    /// The interval's response-time percentiles and mean wait; feeds `served` requests of that
    /// distribution to the run's sketch.
    fn interval_response(&mut self, demand_rps: f64, servers: u64, shift_ms: f64, served: f64) -> ([f64; 3], f64) {
        let shifted = |p: [f64; 3]| p.map(|v| v + shift_ms);
        let Some(wait) = self.stationary_wait(demand_rps, servers) else {
            let mean_wait_ms = shift_ms;
            self.add_service_alone(served, shift_ms);
            return (shifted(self.service_percentiles_ms), mean_wait_ms);
        };
        let count = served * SKETCH_COUNTS_PER_REQUEST;
        let low = self.sketch_low_ms + shift_ms;
        let percentiles = match &self.grid {
            // No closed-form tail (lognormal): the whole curve on the grid, one exp a point.
            Some(grid) => {
                let curve = grid.response(&wait);
                let high = curve.end_ms().max(self.sketch_high_ms) + shift_ms;
                let exceeds = |t: f64| curve.exceeds(t - shift_ms);
                self.sketch.add_distribution(count, low, high, exceeds);
                [0.5, 0.95, 0.99].map(|q| curve.percentile_ms(q))
            }
            None => {
                let response = ResponseTime {
                    wait,
                    service: &self.service,
                };
                let percentiles = [0.5, 0.95, 0.99].map(|q| response.percentile_within(q, PERCENTILE_TOLERANCE));
                let high = (percentiles[2] * 2.0).max(self.sketch_high_ms) + shift_ms;
                let exceeds = |t: f64| response.exceeds(t - shift_ms);
                self.sketch.add_distribution(count, low, high, exceeds);
                percentiles
            }
        };
        (shifted(percentiles), wait.mean_ms() + shift_ms)
    }

    /// The stationary wait at `demand_rps` on `servers` slots; `None` when nobody measurably
    /// waits (an O(1) bound, then Erlang C itself), or when the demand is at or above capacity
    /// and the backlog is the queue: each request then takes its service.
    fn stationary_wait(&self, demand_rps: f64, servers: u64) -> Option<WaitTime> {
        let offered = demand_rps * self.service.mean_ms() / MS_PER_S;
        if erlang_c_upper_bound(servers, offered) < NEGLIGIBLE_WAITING {
            return None;
        }
        let model = QueueModel::poisson(demand_rps, servers, &self.service);
        match model.wait() {
            Ok(Stability::Stable(wait)) if wait.probability_of_waiting >= NEGLIGIBLE_WAITING => Some(wait),
            _ => None,
        }
    }

    /// Keeps sums over metric periods too, for the load balancer's metrics ([`Self::finish_period`]).
    pub fn track_metric_periods(&mut self) {
        self.period.get_or_insert_with(IntervalSums::default);
    }

    /// What the load balancer saw in the metric period since the last call, which it closes:
    /// the period's estimate (as [`Self::finish_interval`] makes it for a trace interval) as one
    /// response-time component. Empty unless [`Self::track_metric_periods`] was called.
    pub fn finish_period(&mut self) -> RequestPeriod {
        let Some(sums) = self.period.as_mut().map(std::mem::take) else {
            return RequestPeriod::default();
        };
        let mut period = RequestPeriod {
            requests: sums.arrivals,
            served: sums.served,
            timed_out: sums.timed_out,
            ..RequestPeriod::default()
        };
        let Some(state) = sums.queue_state().filter(|_| sums.served > 0.0) else {
            return period;
        };
        let wait = self
            .stationary_wait(state.demand_rps, state.servers)
            .unwrap_or(WaitTime::NONE);
        period.response_ms_sum = sums.served * (state.shift_ms + wait.mean_ms() + self.service.mean_ms());
        period.components.push(ResponseComponent {
            served: sums.served,
            shift_ms: state.shift_ms,
            wait,
        });
        period
    }

    /// The service time (and its grid) the response-time components of [`Self::finish_period`]
    /// are read with.
    pub fn response_model(&self) -> ResponseModel<'_> {
        ResponseModel {
            service: &self.service,
            grid: self.grid.as_ref(),
        }
    }

    /// Adds `served` requests that waited `shift_ms` and were then served to the run's sketch.
    fn add_service_alone(&mut self, served: f64, shift_ms: f64) {
        if shift_ms == 0.0 {
            self.pure_service_requests += served;
            return;
        }
        let service = &self.service;
        let (low, high) = (self.sketch_low_ms + shift_ms, self.sketch_high_ms + shift_ms);
        let count = served * SKETCH_COUNTS_PER_REQUEST;
        self.sketch
            .add_distribution(count, low, high, |t| service.exceeds(t - shift_ms));
    }

    /// The run's response-time figures so far; `None` when no request was served.
    pub fn run_latency(&self) -> Option<RunLatency> {
        let mut sketch = self.sketch.clone();
        let service = &self.service;
        sketch.add_distribution(
            self.pure_service_requests * SKETCH_COUNTS_PER_REQUEST,
            self.sketch_low_ms,
            self.sketch_high_ms,
            |t| service.exceeds(t),
        );
        let q = |p: f64| sketch.quantile(p);
        Some(RunLatency {
            percentiles_ms: [q(0.5)?, q(0.95)?, q(0.99)?],
            relative_accuracy: sketch.relative_accuracy(),
            timed_out_requests: self.timed_out_total,
            timeout_ms: self.timeout_ms,
        })
    }
}

#[cfg(test)]
#[path = "request_queue_tests.rs"]
mod tests;
