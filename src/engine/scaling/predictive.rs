//! Predictive scaling in the world (reference 15): each predictive policy measures its
//! service's load metric minute by minute into an hourly history (at most 14 days, so memory does
//! not grow with the run), forecasts every 6 hours (`predictive_actions`), and at each forecast
//! hour's start less `SchedulingBufferTime` raises the scalable target's minimum capacity.

use std::collections::{BTreeMap, VecDeque};

use crate::engine::event::Event;
use crate::engine::world::World;
use crate::model::TaskState;
use crate::policy::predictive::schedule::next_refresh;
use crate::policy::predictive::{HOUR_MS, HourlyLoad, LOOK_BACK_HOURS, hour_floor};
use crate::sim::{ServiceIdx, SimDuration, SimTime};
use crate::spec::{PolicyKind, PredictiveMetric, PredictiveScalingSpec, Spec};
use crate::trace::{ForecastRow, SinkError, TraceSink};

/// The slot of `ServiceState::metric_periods` predictive scaling measures its minutes in.
pub(in crate::engine) const PREDICTIVE_PERIOD: usize = 2;
/// The minute, ms.
const MINUTE_MS: u64 = 60_000;

/// The forecast a policy acts on.
pub(in crate::engine) struct ActiveForecast {
    /// When it was made, ms since the start.
    pub made_ms: u64,
    /// Its first hour, ms since the epoch.
    pub first_hour_epoch_ms: i64,
    /// Load per hour (NaN where a replayed forecast has none).
    pub load: Vec<f64>,
    /// Capacity per hour, tasks.
    pub capacity: Vec<u32>,
}

/// What was in force for an hour: written to `forecast.csv` when the hour ends.
#[derive(Clone, Copy)]
pub(in crate::engine) struct InForce {
    pub made_ms: u64,
    pub load: f64,
    pub capacity: u32,
    pub min_capacity: Option<u32>,
}

/// The state of one predictive policy.
pub(in crate::engine) struct PredictivePolicyState {
    /// Index into `Spec::auto_scaling.scaling_policies`.
    pub policy: usize,
    pub service: ServiceIdx,
    /// Whole hours of load, oldest first, at most `LOOK_BACK_HOURS`.
    pub history: VecDeque<HourlyLoad>,
    /// The hour being measured (ms since the epoch), the sum of its minutes and their number.
    hour_epoch_ms: i64,
    hour_sum: f64,
    hour_minutes: u32,
    pub forecast: Option<ActiveForecast>,
    /// Bumped by each forecast: the hour actions of an older one are dropped.
    pub generation: u32,
    /// The forecast values of the hours whose action ran, until they end.
    pub in_force: BTreeMap<i64, InForce>,
}

/// Every predictive policy's state, and the last minute measured.
#[derive(Default)]
pub(in crate::engine) struct PredictiveState {
    pub policies: Vec<PredictivePolicyState>,
    /// The end of the last minute measured, ms since the start.
    last_minute_ms: u64,
}

impl PredictiveState {
    /// One state per `PredictiveScaling` policy of `spec`.
    pub fn new(spec: &Spec) -> Self {
        let policies = spec
            .auto_scaling
            .scaling_policies
            .iter()
            .enumerate()
            .filter(|(_, p)| matches!(p.kind, PolicyKind::PredictiveScaling(_)))
            .map(|(policy, p)| PredictivePolicyState {
                policy,
                service: p.service,
                history: VecDeque::with_capacity(LOOK_BACK_HOURS),
                hour_epoch_ms: i64::MIN,
                hour_sum: 0.0,
                hour_minutes: 0,
                forecast: None,
                generation: 0,
                in_force: BTreeMap::new(),
            })
            .collect();
        PredictiveState {
            policies,
            last_minute_ms: 0,
        }
    }
}

/// The spec of predictive policy `policy`.
pub(in crate::engine) fn predictive_spec(spec: &Spec, policy: usize) -> &PredictiveScalingSpec {
    match &spec.auto_scaling.scaling_policies[policy].kind {
        PolicyKind::PredictiveScaling(p) => p,
        _ => unreachable!("predictive states belong to predictive policies"),
    }
}

impl World<'_> {
    /// Starts measuring and schedules the first forecast on a 6-hour UTC boundary.
    pub(in crate::engine) fn start_predictive_scaling(&mut self) {
        if self.scaling.predictive.policies.is_empty() {
            return;
        }
        self.schedule_in(SimDuration::from_millis(MINUTE_MS), Event::PredictiveMinute);
        let start = self.spec.start_epoch_ms;
        let first = (next_refresh(start) - start) as u64;
        self.queue.push(SimTime(first), Event::PredictiveForecast);
    }

    /// A minute has ended: each predictive policy adds its service's load over it to the hour,
    /// and an hour that ended goes into the history (and `forecast.csv`).
    pub fn on_predictive_minute(&mut self, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        self.schedule_in(SimDuration::from_millis(MINUTE_MS), Event::PredictiveMinute);
        self.measure_predictive_minute(sink)
    }

    /// Measures the minute that ends now, once (a forecast at the same instant measures it
    /// first, so the hour that just ended is in its history).
    pub(in crate::engine) fn measure_predictive_minute(&mut self, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        if !self.now.0.is_multiple_of(MINUTE_MS) || self.now.0 <= self.scaling.predictive.last_minute_ms {
            return Ok(());
        }
        self.scaling.predictive.last_minute_ms = self.now.0;
        let minute_start_epoch = self.spec.start_epoch_ms + (self.now.0 - MINUTE_MS) as i64;
        let mut by_service: BTreeMap<ServiceIdx, [f64; 3]> = BTreeMap::new();
        for i in 0..self.scaling.predictive.policies.len() {
            let service = self.scaling.predictive.policies[i].service;
            if let std::collections::btree_map::Entry::Vacant(e) = by_service.entry(service) {
                e.insert(self.minute_load(service));
            }
        }
        for i in 0..self.scaling.predictive.policies.len() {
            let state = &self.scaling.predictive.policies[i];
            let spec = predictive_spec(self.spec, state.policy);
            let value = by_service[&state.service][match spec.metric {
                PredictiveMetric::Cpu => 0,
                PredictiveMetric::Memory => 1,
                PredictiveMetric::AlbRequestCount => 2,
            }];
            let hour = hour_floor(minute_start_epoch);
            if state.hour_epoch_ms != hour {
                self.close_predictive_hour(i, sink)?;
                let state = &mut self.scaling.predictive.policies[i];
                state.hour_epoch_ms = hour;
                state.hour_sum = 0.0;
                state.hour_minutes = 0;
            }
            let state = &mut self.scaling.predictive.policies[i];
            state.hour_sum += value;
            state.hour_minutes += 1;
            // The minute that ends on the hour ends the hour: a forecast at this instant has it.
            if (minute_start_epoch + MINUTE_MS as i64).rem_euclid(HOUR_MS) == 0 {
                self.close_predictive_hour(i, sink)?;
                self.scaling.predictive.policies[i].hour_epoch_ms = i64::MIN;
            }
        }
        Ok(())
    }

    /// The minute's load metrics of `service`: total CPU and memory utilization (the mean per
    /// running task times the tasks running now, percent of one task; A26) and requests per
    /// minute; the minute's accumulator starts anew.
    fn minute_load(&mut self, service: ServiceIdx) -> [f64; 3] {
        self.accumulate_load(service);
        let s = &mut self.services[service];
        let period = std::mem::take(&mut s.metric_periods[PREDICTIVE_PERIOD]);
        let running = f64::from(s.counts[TaskState::Running.index()]);
        let avg = period.accumulator.finish();
        let ran = period.ran_ms > 0;
        [
            if ran { avg.cpu_utilization * running } else { 0.0 },
            if ran { avg.memory_utilization * running } else { 0.0 },
            avg.served_rps * 60.0,
        ]
    }

    /// Ends the hour policy `i` was measuring: a whole hour (60 minutes) joins the history, and
    /// if a forecast was in force for it, its `forecast.csv` row is written.
    fn close_predictive_hour(&mut self, i: usize, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let state = &mut self.scaling.predictive.policies[i];
        let hour = state.hour_epoch_ms;
        let (sum, minutes) = (
            std::mem::take(&mut state.hour_sum),
            std::mem::take(&mut state.hour_minutes),
        );
        if minutes != (HOUR_MS as u64 / MINUTE_MS) as u32 {
            return Ok(());
        }
        let actual = sum / f64::from(minutes);
        if state.history.len() == LOOK_BACK_HOURS {
            state.history.pop_front();
        }
        state.history.push_back(HourlyLoad {
            hour_epoch_ms: hour,
            load: actual,
        });
        let in_force = state.in_force.remove(&hour);
        state.in_force.retain(|&h, _| h > hour);
        let Some(f) = in_force else { return Ok(()) };
        let policy = &self.spec.auto_scaling.scaling_policies[state.policy];
        sink.forecast_row(&ForecastRow {
            time_ms: (hour - self.spec.start_epoch_ms) as u64,
            service: &self.spec.services[state.service].name,
            policy: &policy.name,
            forecast_made_ms: f.made_ms,
            load_forecast: f.load.is_finite().then_some(f.load),
            capacity_forecast: f.capacity,
            actual_load: actual,
            min_capacity: f.min_capacity,
        })
    }
}
