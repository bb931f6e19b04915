//! Service auto scaling as a kind of the scaling pipeline: scalable targets, the alarms of target
//! tracking policies and the user's CloudWatch alarms, the services' metrics as their source, and
//! as actuator the deployment alarms and the policies (`service_policies`). Scheduled actions are
//! in `scheduled_actions`.

use super::ScalingState;
use super::alb_series::{ALARM_STATISTIC, AlbSeries};
use super::pipeline::{AlarmAction, AlarmText, Evaluated, Pipeline, PipelineAlarm, ScalingKind, ScalingPipeline};
use crate::engine::world::World;
use crate::metrics::{AlarmState, Statistic};
use crate::policy::scaling_decision::{Direction, NotScaledReason};
use crate::policy::target_tracking::{TrackingPolicyOwner, tracking_alarms};
use crate::sim::{ServiceIdx, SimDuration, SimTime};
use crate::spec::{MetricOf, MetricStream, PolicyKind, ServiceMetric, Spec};
use crate::trace::{DesiredCause, EventDetail, EventKind, SinkError, TraceSink};
use crate::workload::{IntervalAccumulator, RequestPeriod};

/// Runtime state of a scalable target.
pub(in crate::engine) struct TargetState {
    pub service: ServiceIdx,
    /// The MinCapacity in force: the target's own, raised by predictive scaling's floor
    /// (`refresh_bounds`); the policies scale within `min..=max`.
    pub min: u32,
    /// The MaxCapacity in force: the target's own, raised by IncreaseMaxCapacity.
    pub max: u32,
    /// MinCapacity as registered or set by the last scheduled action.
    pub own_min: u32,
    /// MaxCapacity as registered or set by the last scheduled action.
    pub own_max: u32,
    /// The minimum capacity predictive scaling set for the current hour (0: none).
    pub predictive_min: u32,
    /// The maximum capacity IncreaseMaxCapacity set for the current hour (0: none).
    pub predictive_max: u32,
    pub scale_in_cooldown_until: SimTime,
}

impl TargetState {
    /// Recomputes the bounds in force: the larger of the target's own and predictive scaling's
    /// (reference 15.3: "the larger wins"), the minimum never above the maximum.
    pub fn refresh_bounds(&mut self) {
        self.max = self.own_max.max(self.predictive_max);
        self.min = self.own_min.max(self.predictive_min).min(self.max);
    }
}

/// Runtime state of a scaling policy.
#[derive(Default)]
pub(in crate::engine) struct PolicyState {
    pub scale_out_cooldown_until: SimTime,
    /// Step policies: the capacity before the scale-out that started the current cooldown.
    pub scale_out_base: Option<u32>,
    pub cooldown_until: SimTime,
    /// Target tracking policies: the low alarm (none with DisableScaleIn).
    pub low_alarm: Option<AlarmRef>,
    pub last_not_scaled: Option<NotScaledReason>,
}

/// Where a service alarm is: the pipeline of its resolution and its index there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(in crate::engine) struct AlarmRef {
    pub resolution: usize,
    pub index: usize,
}

/// Per-service metric accumulation for one resolution.
#[derive(Default)]
pub(in crate::engine) struct MetricPeriodState {
    pub accumulator: IntervalAccumulator,
    /// Milliseconds of the period during which at least one task was RUNNING.
    pub ran_ms: u64,
}

/// Everything service auto scaling keeps in the world.
#[derive(Default)]
pub(in crate::engine) struct AutoScalingState {
    pub targets: Vec<TargetState>,
    pub policies: Vec<PolicyState>,
    /// The user alarms (`cloudWatch.alarms`, in order).
    pub user_alarms: Vec<AlarmRef>,
    /// The 60-second and the 20-second pipelines; alarm `i` of one reads series `i`.
    pub pipelines: [Pipeline<Option<f64>>; 2],
    /// The metric stream of each alarm of each pipeline.
    streams: [Vec<MetricStream>; 2],
    /// The 60-second pipeline's series of load balancer metrics (`None` for the others).
    alb_series: Vec<Option<AlbSeries>>,
    /// The scalable target of each service, by service index (the first, as
    /// `AutoScalingSpec::target_of` finds it): a lookup instead of a scan per decision.
    target_by_service: Vec<Option<usize>>,
    /// The scaling policies of each service, ascending.
    policies_by_service: Vec<Vec<usize>>,
}

const PERIOD_MS: [u64; 2] = [60_000, 20_000];

fn resolution(high: bool) -> usize {
    usize::from(high)
}

/// The interval of a metric stream's datapoints, ms: an alarm's `Period` is a whole number of
/// them.
pub(in crate::engine) fn datapoint_ms(high_resolution: bool) -> u64 {
    PERIOD_MS[resolution(high_resolution)]
}

impl AutoScalingState {
    /// Builds targets, policies and alarms: those AWS creates for each target tracking policy
    /// (`TargetTracking-service/<cluster>/<service>-AlarmHigh-<policy>`), then the user's.
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
                    own_min: t.min_capacity,
                    own_max: t.max_capacity,
                    predictive_min: 0,
                    predictive_max: 0,
                    scale_in_cooldown_until: SimTime::ZERO,
                })
                .collect(),
            policies: a.scaling_policies.iter().map(|_| PolicyState::default()).collect(),
            target_by_service: vec![None; spec.services.len()],
            policies_by_service: vec![Vec::new(); spec.services.len()],
            ..Default::default()
        };
        for (t, target) in a.scalable_targets.iter().enumerate() {
            state.target_by_service[target.service].get_or_insert(t);
        }
        for (p, policy) in a.scaling_policies.iter().enumerate() {
            state.policies_by_service[policy.service].push(p);
        }
        for (p, policy) in a.scaling_policies.iter().enumerate() {
            let PolicyKind::TargetTracking(tt) = &policy.kind else {
                continue;
            };
            let service = &spec.services[policy.service].name;
            let resource = format!("service/{}/{service}", spec.cluster_name);
            let owner = TrackingPolicyOwner::EcsService {
                high_resolution: tt.stream.high_resolution,
            };
            for shape in tracking_alarms(owner, tt.target_value, tt.disable_scale_in).iter() {
                let period_ms = PERIOD_MS[resolution(tt.stream.high_resolution)];
                let alarm = PipelineAlarm::new(
                    format!("TargetTracking-{resource}-{}-{}", shape.name_suffix, policy.name),
                    service.clone(),
                    tt.stream.metric_name().into_owned(),
                    shape.config,
                    AlarmAction::TargetTracking {
                        policy: p,
                        policy_name: policy.name.clone(),
                        direction: shape.direction,
                    },
                )
                .aggregating(
                    alarm_statistic(tt.stream, tt.statistic),
                    (shape.period_ms / period_ms) as u32,
                );
                let at = state.add_alarm(tt.stream, alarm);
                if shape.direction == Direction::In {
                    state.policies[p].low_alarm = Some(at);
                }
            }
        }
        for (u, alarm) in a.alarms.iter().enumerate() {
            let runtime = PipelineAlarm::new(
                alarm.name.clone(),
                spec.services[alarm.stream.service].name.clone(),
                alarm.stream.metric_name().into_owned(),
                alarm.config,
                AlarmAction::User {
                    alarm: u,
                    step_policies: alarm.actions.clone(),
                },
            )
            .aggregating(
                alarm_statistic(alarm.stream, alarm.statistic),
                alarm.datapoints_per_period,
            );
            let at = state.add_alarm(alarm.stream, runtime);
            state.user_alarms.push(at);
        }
        state
    }

    /// The scalable target of `service`, if it has one.
    pub fn target_of(&self, service: ServiceIdx) -> Option<usize> {
        self.target_by_service.get(service.0).copied().flatten()
    }

    /// The scaling policies of `service`, ascending.
    pub fn policies_of(&self, service: ServiceIdx) -> &[usize] {
        self.policies_by_service.get(service.0).map_or(&[], Vec::as_slice)
    }

    /// Adds an alarm on `stream` to the pipeline of its resolution, reading a series of its own.
    fn add_alarm(&mut self, stream: MetricStream, alarm: PipelineAlarm) -> AlarmRef {
        let resolution = resolution(stream.high_resolution);
        let series = self.streams[resolution].len();
        self.streams[resolution].push(stream);
        if resolution == 0 {
            let alb = stream.metric.alb().is_some();
            self.alb_series
                .push(alb.then(|| AlbSeries::new(alarm.datapoints_per_period())));
        }
        let index = self.pipelines[resolution].add(alarm.reading(series, 0));
        AlarmRef { resolution, index }
    }

    /// The alarm at `at`.
    pub fn alarm(&self, at: AlarmRef) -> &PipelineAlarm {
        &self.pipelines[at.resolution].alarms[at.index]
    }
}

/// The statistic an alarm on `stream` aggregates its period's datapoints with: the alarm's own,
/// except for a load balancer metric, whose series yields the period's statistic itself.
fn alarm_statistic(stream: MetricStream, statistic: Statistic) -> Statistic {
    if stream.metric.alb().is_some() {
        ALARM_STATISTIC
    } else {
        statistic
    }
}

/// The pipeline of the services' metrics of one resolution. All its alarms form one batch: the
/// user alarms that went to ALARM may fail a deployment first, then every alarm in ALARM invokes
/// its policies, in the order of the alarms.
pub(in crate::engine) struct ServiceScaling {
    pub high_resolution: bool,
}

impl ScalingPipeline for ServiceScaling {
    type Sample = Option<f64>;
    const ALARM_TEXT: AlarmText = AlarmText::Transition;

    fn kind(&self) -> ScalingKind {
        ScalingKind::Service {
            high_resolution: self.high_resolution,
        }
    }

    fn period_ms(&self) -> u64 {
        PERIOD_MS[resolution(self.high_resolution)]
    }

    fn latency(&self, spec: &Spec) -> SimDuration {
        let pipeline = &spec.behavior.metric_pipeline;
        if self.high_resolution {
            pipeline.high_resolution_latency
        } else {
            pipeline.standard_latency
        }
    }

    fn pipeline<'a>(&self, scaling: &'a mut ScalingState) -> &'a mut Pipeline<Option<f64>> {
        &mut scaling.services.pipelines[resolution(self.high_resolution)]
    }

    fn datapoint(sample: &Option<f64>) -> Option<f64> {
        *sample
    }

    /// Each alarm's metric over the period that ends now; the services' accumulators start anew.
    fn measure(&self, world: &mut World<'_>, _sink: &mut dyn TraceSink) -> Result<Vec<Option<f64>>, SinkError> {
        let r = resolution(self.high_resolution);
        for service in ServiceIdx::all(world.services.len()) {
            world.accumulate_load(service);
        }
        // The load balancer's metrics are published every 60 s only (the reader refuses them at
        // high resolution).
        let alb_periods = if r == 0 {
            world.close_alb_periods(self.period_ms())
        } else {
            Vec::new()
        };
        let mut alb_series = std::mem::take(&mut world.scaling.services.alb_series);
        let values = world.scaling.services.streams[r]
            .iter()
            .enumerate()
            .map(
                |(i, stream)| match alb_series.get_mut(i).filter(|_| r == 0).and_then(Option::as_mut) {
                    Some(series) => match &alb_periods[stream.service.0] {
                        Some(period) if stream.divided_by.is_none() => {
                            world.alb_series_value(series, stream.service, stream.metric, period)
                        }
                        _ => world.metric_value(*stream, self.period_ms(), &alb_periods),
                    },
                    None => world.metric_value(*stream, self.period_ms(), &alb_periods),
                },
            )
            .collect();
        world.scaling.services.alb_series = alb_series;
        for s in &mut world.services {
            s.metric_periods[r] = MetricPeriodState::default();
        }
        Ok(values)
    }

    fn act(
        &self,
        world: &mut World<'_>,
        _batch: usize,
        evaluated: &[Evaluated],
        _samples: &[Option<f64>],
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let r = resolution(self.high_resolution);
        let alarm_ref = |e: &Evaluated| AlarmRef {
            resolution: r,
            index: e.alarm,
        };
        // User alarms that went to ALARM may fail a deployment (reference 8.3).
        let entered: Vec<usize> = evaluated
            .iter()
            .filter(|e| e.entered_alarm())
            .filter_map(|e| match world.scaling.services.alarm(alarm_ref(e)).action {
                AlarmAction::User { alarm, .. } => Some(alarm),
                AlarmAction::TargetTracking { .. } | AlarmAction::GroupPolicies { .. } => None,
            })
            .collect();
        for user_alarm in entered {
            world.on_deployment_alarm(user_alarm, sink)?;
        }
        // Auto Scaling actions repeat at every evaluation in ALARM (reference 2.3, 5).
        for e in evaluated.iter().filter(|e| e.after == AlarmState::Alarm) {
            let at = alarm_ref(e);
            match world.scaling.services.alarm(at).action.clone() {
                AlarmAction::TargetTracking { policy, direction, .. } => {
                    world.invoke_target_tracking(policy, direction, at, sink)?
                }
                AlarmAction::User { step_policies, .. } => {
                    for p in step_policies {
                        world.invoke_step_scaling(p, at, sink)?;
                    }
                }
                // Alarms on groups are in the groups' pipeline.
                AlarmAction::GroupPolicies { .. } => {}
            }
        }
        Ok(())
    }
}

impl World<'_> {
    /// Clamps services into their targets' bounds, schedules the scheduled actions and starts the
    /// scaling pipelines.
    pub fn start_scaling(&mut self, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        for t in 0..self.scaling.services.targets.len() {
            let (service, min, max) = {
                let t = &self.scaling.services.targets[t];
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
        self.start_predictive_scaling();
        self.start_scaling_pipelines(sink)
    }

    /// Sets a service's desiredCount and asks the scheduler to act.
    pub fn set_desired(&mut self, service: ServiceIdx, desired: u32) {
        self.services[service].desired = desired;
        self.request_reconcile(service);
    }

    /// The MinCapacity and MaxCapacity of a service (its desired count when it has no target).
    pub fn capacity_bounds(&self, service: ServiceIdx) -> (u32, u32) {
        match self.scaling.services.target_of(service) {
            Some(t) => (
                self.scaling.services.targets[t].min,
                self.scaling.services.targets[t].max,
            ),
            None => (self.services[service].desired, self.services[service].desired),
        }
    }

    /// The datapoint of `stream` for the period that just ended; `None` when ECS publishes nothing
    /// (no task ran, or no healthy target for the per-target metric) or the load balancer
    /// reports nothing. `alb_periods` holds each service's load balancer period
    /// (`close_alb_periods`).
    fn metric_value(&self, stream: MetricStream, period_ms: u64, alb_periods: &[Option<RequestPeriod>]) -> Option<f64> {
        let value = |of: MetricOf| match alb_periods.get(of.service.0) {
            Some(Some(period)) if of.metric.alb().is_some() => self.alb_value(of.service, of.metric, period),
            _ => self.service_metric_value(of.service, of.metric, stream.high_resolution, period_ms),
        };
        let numerator = value(MetricOf {
            service: stream.service,
            metric: stream.metric,
        })?;
        match stream.divided_by {
            None => Some(numerator),
            Some(d) => {
                let divisor = value(d)?;
                // Metric math has no value for a division by zero (reference 11, case 33).
                (divisor != 0.0).then(|| numerator / divisor)
            }
        }
    }

    fn service_metric_value(
        &self,
        service: ServiceIdx,
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
            _ => unreachable!("queue, task-count and load balancer metrics are answered before"),
        }
    }

    /// True when user alarm `alarm` (an index into `cloudWatch.alarms`) is in ALARM.
    pub fn user_alarm_in_alarm(&self, alarm: usize) -> bool {
        let services = &self.scaling.services;
        services.alarm(services.user_alarms[alarm]).evaluator.state == AlarmState::Alarm
    }
}
