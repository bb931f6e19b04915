//! Predictive scaling's forecasts and hourly actions (reference 15.1, 15.3): every 6 hours each
//! policy forecasts the next 48 hours from its history; each forecast hour's action, at the
//! hour's start less `SchedulingBufferTime`, sets the minimum capacity (ForecastAndScale) and
//! raises the desired count to it, never lowering it. ForecastOnly writes the forecast only.

use super::predictive::{ActiveForecast, InForce, predictive_spec};
use crate::engine::event::Event;
use crate::engine::world::World;
use crate::policy::predictive::capacity::{capacity_for_load, hour_bounds, whole_tasks};
use crate::policy::predictive::schedule::{first_forecast_hour, hour_actions};
use crate::policy::predictive::{FORECAST_HOURS, Forecaster, HOUR_MS, MIN_HISTORY_HOURS, REFRESH_MS};
use crate::sim::{SimDuration, SimTime};
use crate::spec::{ForecasterSpec, PredictiveMode};
use crate::trace::format::timestamp;
use crate::trace::{DesiredCause, EventDetail, EventKind, ForecastMade, SinkError, TraceSink};

impl World<'_> {
    /// The 6-hourly forecast of every predictive policy; then the next one is scheduled.
    pub fn on_predictive_forecast(&mut self, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        self.schedule_in(SimDuration::from_millis(REFRESH_MS as u64), Event::PredictiveForecast);
        self.measure_predictive_minute(sink)?;
        for i in 0..self.scaling.predictive.policies.len() {
            self.forecast_policy(i, sink)?;
        }
        Ok(())
    }

    fn forecast_policy(&mut self, i: usize, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let now_epoch = self.spec.start_epoch_ms + self.now.0 as i64;
        let state = &mut self.scaling.predictive.policies[i];
        let spec = predictive_spec(self.spec, state.policy);
        let policy = &self.spec.auto_scaling.scaling_policies[state.policy].name;
        let service = self.spec.services[state.service].name.clone();
        let first = first_forecast_hour(now_epoch);
        let history = state.history.make_contiguous();
        let forecast = match &spec.forecaster {
            ForecasterSpec::Seasonal(s) => s.forecast(history, first, FORECAST_HOURS),
            ForecasterSpec::Replay(r) => r.forecast(history, first, FORECAST_HOURS),
        };
        let Some(forecast) = forecast else {
            let why = match &spec.forecaster {
                ForecasterSpec::Seasonal(_) => format!(
                    "{} hours of load history; a forecast needs {MIN_HISTORY_HOURS}",
                    history.len()
                ),
                ForecasterSpec::Replay(_) => "the replayed forecast has no value for the hour from now".to_string(),
            };
            let start = self.spec.start_epoch_ms;
            let at = timestamp(start, (first - start) as u64);
            return self.log(
                sink,
                EventKind::Forecast,
                service,
                format!("{policy}: no forecast at {at}: {why}"),
            );
        };
        let capacity: Vec<u32> = match &forecast.capacity {
            Some(c) => c
                .iter()
                .zip(&forecast.load)
                .map(|(&c, &l)| {
                    if c.is_finite() {
                        whole_tasks(c)
                    } else {
                        capacity_for_load(l, spec.target_value)
                    }
                })
                .collect(),
            None => forecast
                .load
                .iter()
                .map(|&l| capacity_for_load(l, spec.target_value))
                .collect(),
        };
        let hours = capacity.len();
        let (lo, hi) = (
            capacity.iter().min().copied().unwrap_or(0),
            capacity.iter().max().copied().unwrap_or(0),
        );
        let made_ms = self.now.0;
        state.generation = state.generation.wrapping_add(1);
        let generation = state.generation;
        let buffer_ms = spec.scheduling_buffer.as_millis() as i64;
        let actions = hour_actions(now_epoch, first, hours, buffer_ms);
        state.forecast = Some(ActiveForecast {
            made_ms,
            first_hour_epoch_ms: first,
            load: forecast.load,
            capacity,
        });
        let start = self.spec.start_epoch_ms;
        for a in &actions {
            let at = SimTime((a.at_epoch_ms - start) as u64);
            if at <= self.end {
                self.queue.push(
                    at,
                    Event::PredictiveHour {
                        policy: i,
                        generation,
                        index: a.index,
                    },
                );
            }
        }
        let policy_name = policy.clone();
        let name = match &spec.forecaster {
            ForecasterSpec::Seasonal(s) => s.name(),
            ForecasterSpec::Replay(r) => r.name(),
        };
        sink.forecast(&ForecastMade {
            time_ms: made_ms,
            service: &service,
            policy: &policy_name,
            hours: hours as u32,
        })?;
        let from = timestamp(start, (first - start) as u64);
        self.log(
            sink,
            EventKind::Forecast,
            service,
            format!(
                "{policy_name}: {name} forecast of {hours} hours from {from}: capacity {lo} to {hi} tasks at {} {}",
                spec.metric.pair_name(),
                spec.target_value
            ),
        )
    }

    /// Forecast hour `index` of policy `policy`'s forecast (if it is still the latest) starts
    /// in `SchedulingBufferTime`: its values are in force, and in ForecastAndScale its capacity
    /// becomes the minimum.
    pub fn on_predictive_hour(
        &mut self,
        policy: usize,
        generation: u32,
        index: usize,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let state = &self.scaling.predictive.policies[policy];
        let Some(f) = state.forecast.as_ref().filter(|_| state.generation == generation) else {
            return Ok(());
        };
        let spec = predictive_spec(self.spec, state.policy);
        let hour = f.first_hour_epoch_ms + index as i64 * HOUR_MS;
        let (made_ms, load, capacity) = (f.made_ms, f.load[index], f.capacity[index]);
        let service = state.service;
        let policy_index = state.policy;
        let scale = spec.mode == PredictiveMode::ForecastAndScale;
        let t = self
            .scaling
            .services
            .target_of(service)
            .expect("validated: policies have targets");
        let min_capacity = scale.then(|| hour_bounds(capacity, self.scaling.services.targets[t].own_max, spec.breach));
        self.scaling.predictive.policies[policy].in_force.insert(
            hour,
            InForce {
                made_ms,
                load,
                capacity,
                min_capacity: min_capacity.map(|b| b.min_capacity),
            },
        );
        let Some(bounds) = min_capacity else { return Ok(()) };
        let target = &mut self.scaling.services.targets[t];
        let (old_min, old_max) = (target.min, target.max);
        target.predictive_min = bounds.min_capacity;
        target.predictive_max = if bounds.max_capacity > target.own_max {
            bounds.max_capacity
        } else {
            0
        };
        target.refresh_bounds();
        let (min, max) = (target.min, target.max);
        let desired = self.services[service].desired;
        // Predictive scaling never scales in (reference 15.1): desired only rises to the floor.
        let new = desired.max(min);
        let name = self.spec.services[service].name.clone();
        let policy_name = self.spec.auto_scaling.scaling_policies[policy_index].name.clone();
        let start = self.spec.start_epoch_ms;
        let from = timestamp(start, (hour - start) as u64);
        let max_text = if max != old_max {
            format!(", MaxCapacity {old_max} -> {max}")
        } else {
            String::new()
        };
        let what = format!(
            "{policy_name}: forecast capacity {capacity} for the hour from {from}; MinCapacity {old_min} -> {min}{max_text}"
        );
        if new != desired {
            self.set_desired(service, new);
            self.log_detail(
                sink,
                EventKind::ScalingActivity,
                name,
                format!("{what}; desired {desired} -> {new}"),
                EventDetail::DesiredChange {
                    from: desired,
                    to: new,
                    cause: DesiredCause::PredictiveScaling,
                    name: policy_name,
                },
            )
        } else if (min, max) != (old_min, old_max) {
            self.log(
                sink,
                EventKind::PredictiveCapacity,
                name,
                format!("{what}; desired {desired} is at or above it"),
            )
        } else {
            Ok(())
        }
    }
}
