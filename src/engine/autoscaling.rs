//! Service auto scaling in the world: scalable targets, metric periods and alarm evaluations.
//! The policies the alarms invoke are in `scaling_policies`, scheduled actions in
//! `scheduled_actions`.

use std::collections::VecDeque;

use super::event::Event;
use super::world::World;
use crate::metrics::{
    AlarmConfig, AlarmEvaluator, AlarmState, Comparison, PeriodAccumulator, Statistic, TreatMissingData,
};
use crate::policy::scaling_decision::{Direction, NotScaledReason, fmt_value};
use crate::sim::SimTime;
use crate::spec::{MetricStream, PolicyKind, ServiceMetric, Spec};
use crate::trace::{AlarmRole, AlarmRow, DesiredCause, EventDetail, EventKind, SinkError, TraceSink, TrackingAlarm};
use crate::workload::IntervalAccumulator;

/// What an alarm does when it is in ALARM at an evaluation.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum AlarmAction {
    /// A target tracking policy's managed high or low alarm.
    TargetTracking { policy: usize, direction: Direction },
    /// A user alarm whose actions name step policies.
    Step { policies: Vec<usize> },
}

/// An alarm being evaluated.
pub(super) struct AlarmRuntime {
    pub name: String,
    pub stream: MetricStream,
    pub statistic: Statistic,
    pub datapoints_per_period: u32,
    pub evaluator: AlarmEvaluator,
    pub period: PeriodAccumulator,
    pub datapoints_in_period: u32,
    pub action: AlarmAction,
}

/// Runtime state of a scalable target.
pub(super) struct TargetState {
    pub service: usize,
    pub min: u32,
    pub max: u32,
    pub scale_in_cooldown_until: SimTime,
}

/// Runtime state of a scaling policy.
#[derive(Default)]
pub(super) struct PolicyState {
    pub scale_out_cooldown_until: SimTime,
    /// Step policies: the capacity before the scale-out that started the current cooldown.
    pub scale_out_base: Option<u32>,
    pub cooldown_until: SimTime,
    pub low_alarm: Option<usize>,
    pub last_not_scaled: Option<NotScaledReason>,
    pub activities: u64,
}

/// Per-service metric accumulation for one resolution.
#[derive(Default)]
pub(super) struct MetricPeriodState {
    pub accumulator: IntervalAccumulator,
    /// Milliseconds of the period during which at least one task was RUNNING.
    pub ran_ms: u64,
}

/// Everything auto scaling keeps in the world.
#[derive(Default)]
pub(super) struct AutoScalingState {
    pub targets: Vec<TargetState>,
    pub policies: Vec<PolicyState>,
    pub alarms: Vec<AlarmRuntime>,
    /// Where the user alarms (`cloudWatch.alarms`, in order) begin in `alarms`.
    pub user_alarms_start: usize,
    /// Datapoints waiting for the pipeline latency: (resolution index, one value per alarm).
    pub pending: [VecDeque<Vec<Option<f64>>>; 2],
    pub uses_resolution: [bool; 2],
}

const PERIOD_MS: [u64; 2] = [60_000, 20_000];

fn resolution(high: bool) -> usize {
    usize::from(high)
}

impl AutoScalingState {
    /// Builds targets, policies and alarms (two managed alarms per target tracking policy).
    pub fn new(spec: &Spec) -> Self {
        let a = &spec.auto_scaling;
        let mut state = AutoScalingState {
            targets: a
                .scalable_targets
                .iter()
                .map(|t| TargetState {
                    service: t.service,
                    min: t.min_capacity,
                    max: t.max_capacity,
                    scale_in_cooldown_until: SimTime::ZERO,
                })
                .collect(),
            policies: a.scaling_policies.iter().map(|_| PolicyState::default()).collect(),
            ..Default::default()
        };
        for (p, policy) in a.scaling_policies.iter().enumerate() {
            let PolicyKind::TargetTracking(tt) = &policy.kind else {
                continue;
            };
            let resource = format!("service/{}/{}", spec.cluster_name, spec.services[policy.service].name);
            let alarm =
                |suffix: &str, n: u32, threshold: f64, comparison: Comparison, direction: Direction| AlarmRuntime {
                    name: format!("TargetTracking-{resource}-{suffix}-{}", policy.name),
                    stream: tt.stream,
                    statistic: tt.statistic,
                    datapoints_per_period: 1,
                    evaluator: AlarmEvaluator::new(AlarmConfig {
                        evaluation_periods: n,
                        datapoints_to_alarm: n,
                        threshold,
                        comparison,
                        treat_missing_data: TreatMissingData::Missing,
                    }),
                    period: PeriodAccumulator::default(),
                    datapoints_in_period: 0,
                    action: AlarmAction::TargetTracking { policy: p, direction },
                };
            // Reference 2.3 (A1): high 3 x 1 min > T; low 15 x 1 min < 0.9 T.
            state.alarms.push(alarm(
                "AlarmHigh",
                3,
                tt.target_value,
                Comparison::GreaterThan,
                Direction::Out,
            ));
            if !tt.disable_scale_in {
                state.policies[p].low_alarm = Some(state.alarms.len());
                state.alarms.push(alarm(
                    "AlarmLow",
                    15,
                    0.9 * tt.target_value,
                    Comparison::LessThan,
                    Direction::In,
                ));
            }
        }
        state.user_alarms_start = state.alarms.len();
        for alarm in &a.alarms {
            state.alarms.push(AlarmRuntime {
                name: alarm.name.clone(),
                stream: alarm.stream,
                statistic: alarm.statistic,
                datapoints_per_period: alarm.datapoints_per_period,
                evaluator: AlarmEvaluator::new(alarm.config),
                period: PeriodAccumulator::default(),
                datapoints_in_period: 0,
                action: AlarmAction::Step {
                    policies: alarm.actions.clone(),
                },
            });
        }
        for alarm in &state.alarms {
            state.uses_resolution[resolution(alarm.stream.high_resolution)] = true;
        }
        state
    }
}

impl World<'_> {
    /// Clamps services into their targets' bounds and schedules the first metric periods.
    pub fn start_auto_scaling(&mut self, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        for t in 0..self.auto_scaling.targets.len() {
            let (service, min, max) = {
                let t = &self.auto_scaling.targets[t];
                (t.service, t.min, t.max)
            };
            let desired = self.services[service].desired;
            let clamped = desired.clamp(min, max);
            if clamped != desired {
                self.set_desired(service, clamped);
                let name = self.spec.services[service].name.clone();
                self.log_detail(sink, EventKind::ScalingActivity, name, format!(
                    "RegisterScalableTarget: desired {desired} -> {clamped} to fit MinCapacity {min} and MaxCapacity {max}."
                ), EventDetail::DesiredChange {
                    from: desired,
                    to: clamped,
                    cause: DesiredCause::ScalableTarget,
                    name: String::new(),
                })?;
            }
        }
        for index in 0..self.spec.auto_scaling.scheduled_actions.len() {
            let start = self.spec.start_epoch_ms;
            let first = self.spec.auto_scaling.scheduled_actions[index]
                .schedule
                .next_after(start - 1, start);
            self.schedule_scheduled_action(index, first);
        }
        for (r, period_ms) in PERIOD_MS.iter().enumerate() {
            if self.auto_scaling.uses_resolution[r] {
                self.queue.push(
                    SimTime(*period_ms),
                    Event::MetricPeriod {
                        high_resolution: r == 1,
                    },
                );
            }
        }
        Ok(())
    }

    /// Sets a service's desiredCount and asks the scheduler to act.
    pub fn set_desired(&mut self, service: usize, desired: u32) {
        self.services[service].desired = desired;
        self.request_reconcile(service);
    }

    /// The MinCapacity and MaxCapacity of a service (its desired count when it has no target).
    pub fn capacity_bounds(&self, service: usize) -> (u32, u32) {
        match self.spec.auto_scaling.target_of(service) {
            Some(t) => (self.auto_scaling.targets[t].min, self.auto_scaling.targets[t].max),
            None => (self.services[service].desired, self.services[service].desired),
        }
    }

    /// A metric period ends: compute each alarm's datapoint, deliver it after the pipeline latency.
    pub fn on_metric_period(&mut self, high_resolution: bool) {
        let r = resolution(high_resolution);
        let period_ms = PERIOD_MS[r];
        for service in 0..self.services.len() {
            self.accumulate_load(service);
        }
        let values: Vec<Option<f64>> = (0..self.auto_scaling.alarms.len())
            .map(|a| {
                let stream = self.auto_scaling.alarms[a].stream;
                if stream.high_resolution != high_resolution {
                    return None;
                }
                self.metric_value(stream, period_ms)
            })
            .collect();
        for s in &mut self.services {
            s.metric_periods[r] = MetricPeriodState::default();
        }
        self.auto_scaling.pending[r].push_back(values);
        let latency = if high_resolution {
            self.spec.behavior.metric_pipeline.high_resolution_latency
        } else {
            self.spec.behavior.metric_pipeline.standard_latency
        };
        self.schedule_in(latency.as_millis(), Event::AlarmEvaluation { high_resolution });
        if self.now.0 + period_ms <= self.end.0 {
            self.schedule_in(period_ms, Event::MetricPeriod { high_resolution });
        }
    }

    /// The datapoint of `stream` for the period that just ended; `None` when ECS publishes nothing
    /// (no task ran, or no healthy target for the per-target metric).
    fn metric_value(&self, stream: MetricStream, period_ms: u64) -> Option<f64> {
        let value = self.service_metric_value(stream.service, stream.metric, stream.high_resolution, period_ms)?;
        match stream.divided_by {
            None => Some(value),
            Some(d) => {
                let divisor = self.service_metric_value(d.service, d.metric, stream.high_resolution, period_ms)?;
                // Metric math has no value for a division by zero (reference 11, case 33).
                (divisor != 0.0).then(|| value / divisor)
            }
        }
    }

    fn service_metric_value(
        &self,
        service: usize,
        metric: ServiceMetric,
        high_resolution: bool,
        period_ms: u64,
    ) -> Option<f64> {
        if let Some(value) = self.queue_metric_value(service, metric) {
            return value;
        }
        let s = &self.services[service];
        let period = &s.metric_periods[resolution(high_resolution)];
        if period.ran_ms == 0 {
            return None;
        }
        let avg = period.accumulator.finish();
        match metric {
            ServiceMetric::CpuUtilization => Some(avg.cpu_utilization),
            ServiceMetric::MemoryUtilization => Some(avg.memory_utilization),
            ServiceMetric::RequestCountPerTarget => {
                (s.healthy > 0).then(|| avg.served_rps * period_ms as f64 / 1000.0 / f64::from(s.healthy))
            }
            _ => unreachable!("queue and task-count metrics are answered above"),
        }
    }

    /// CloudWatch evaluates the alarms on the datapoints that have come through the pipeline.
    pub fn on_alarm_evaluation(&mut self, high_resolution: bool, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let r = resolution(high_resolution);
        let Some(values) = self.auto_scaling.pending[r].pop_front() else {
            return Ok(());
        };
        let mut to_invoke = Vec::new();
        // User alarms (indices into `cloudWatch.alarms`) that went to ALARM: they may fail a deployment.
        let mut entered_alarm = Vec::new();
        for (a, value) in values.into_iter().enumerate() {
            let alarm = &mut self.auto_scaling.alarms[a];
            if alarm.stream.high_resolution != high_resolution {
                continue;
            }
            // Alarms with a period of several datapoints aggregate them first.
            if let Some(v) = value {
                alarm.period.add(v);
            }
            alarm.datapoints_in_period += 1;
            if alarm.datapoints_in_period < alarm.datapoints_per_period {
                continue;
            }
            alarm.datapoints_in_period = 0;
            let datapoint = alarm.period.take().map(|d| d.value(alarm.statistic));
            let before = alarm.evaluator.state;
            alarm.evaluator.push(datapoint);
            let after = alarm.evaluator.state;
            let service = &self.spec.services[alarm.stream.service].name;
            sink.alarm_row(&AlarmRow {
                time_ms: self.now.0,
                alarm: &alarm.name,
                service,
                metric: &alarm.stream.metric_name(),
                value: datapoint,
                threshold: alarm.evaluator.config.threshold,
                comparison: alarm.evaluator.config.comparison.symbol(),
                state: after.as_str(),
                tracking: match alarm.action {
                    AlarmAction::TargetTracking { policy, direction } => Some(TrackingAlarm {
                        policy: &self.spec.auto_scaling.scaling_policies[policy].name,
                        role: match direction {
                            Direction::Out => AlarmRole::High,
                            Direction::In => AlarmRole::Low,
                        },
                    }),
                    AlarmAction::Step { .. } => None,
                },
            })?;
            if before != after {
                let name = alarm.name.clone();
                let message = format!(
                    "{name}: {} -> {} ({})",
                    before.as_str(),
                    after.as_str(),
                    self.alarm_reason(a)
                );
                let subject = self.spec.services[self.auto_scaling.alarms[a].stream.service]
                    .name
                    .clone();
                self.log(sink, EventKind::Alarm, subject, message)?;
            }
            if self.auto_scaling.alarms[a].evaluator.state == AlarmState::Alarm {
                to_invoke.push(a);
                if before != AlarmState::Alarm && a >= self.auto_scaling.user_alarms_start {
                    entered_alarm.push(a - self.auto_scaling.user_alarms_start);
                }
            }
        }
        for user_alarm in entered_alarm {
            self.on_deployment_alarm(user_alarm, sink)?;
        }
        for a in to_invoke {
            match self.auto_scaling.alarms[a].action.clone() {
                AlarmAction::TargetTracking { policy, direction } => {
                    self.invoke_target_tracking(policy, direction, a, sink)?
                }
                AlarmAction::Step { policies } => {
                    for p in policies {
                        self.invoke_step_scaling(p, a, sink)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// True when user alarm `alarm` (an index into `cloudWatch.alarms`) is in ALARM.
    pub fn user_alarm_in_alarm(&self, alarm: usize) -> bool {
        self.auto_scaling.alarms[self.auto_scaling.user_alarms_start + alarm]
            .evaluator
            .state
            == AlarmState::Alarm
    }

    /// `CPUUtilization 78.2 > 60 for 3 of 3 datapoints`.
    pub(super) fn alarm_reason(&self, a: usize) -> String {
        let alarm = &self.auto_scaling.alarms[a];
        let c = &alarm.evaluator.config;
        let (breaching, n) = alarm.evaluator.breaching_of_last_n();
        let value = alarm
            .evaluator
            .latest_value()
            .map_or_else(|| "no data".to_string(), fmt_value);
        format!(
            "{} {} {} {} for {} of {} datapoints",
            alarm.stream.metric_name(),
            value,
            c.comparison.symbol(),
            fmt_value(c.threshold),
            breaching,
            n.max(c.evaluation_periods as usize)
        )
    }
}
