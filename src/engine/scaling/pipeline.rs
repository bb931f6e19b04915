//! The one metric -> alarm -> action pipeline every kind of scaling runs through. At the end of
//! each metric period the kind's metric source computes one sample per series; after the
//! pipeline latency the samples reach the alarms, which aggregate them into their period,
//! evaluate (M of N), write an `alarms.csv` row and, on a change of state, an `events.csv` row;
//! then the kind's actuator acts on the alarms just evaluated. A kind plugs in by implementing
//! [`ScalingPipeline`] and adding its arm to [`ScalingKind`] and to [`World::on_scaling_event`].

use std::collections::VecDeque;

use super::ScalingState;
use super::auto_scaling_group::GroupTargetTracking;
use super::capacity_provider::ManagedScalingPipeline;
use super::service::ServiceScaling;
use crate::engine::event::Event;
use crate::engine::world::World;
use crate::metrics::{AlarmConfig, AlarmEvaluator, AlarmState, PeriodAccumulator, Statistic};
use crate::policy::scaling_decision::{Direction, fmt_value};
use crate::sim::{SimDuration, SimTime};
use crate::spec::Spec;
use crate::trace::{AlarmRole, AlarmRow, EventKind, EventRecord, SinkError, TraceSink, TrackingAlarm};

/// Which pipeline an event is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(in crate::engine) enum ScalingKind {
    /// Application Auto Scaling of services (target tracking and step policies), for the metrics
    /// of one resolution.
    Service {
        /// 20-second datapoints instead of 60-second ones.
        high_resolution: bool,
    },
    /// ECS managed scaling: CapacityProviderReservation of each capacity provider.
    CapacityProvider,
    /// EC2 Auto Scaling on the groups' average CPU: target tracking, and the alarms of step and
    /// simple policies.
    AutoScalingGroup,
}

impl ScalingKind {
    /// Every pipeline, in the order their first periods are scheduled.
    pub const ALL: [ScalingKind; 4] = [
        ScalingKind::Service { high_resolution: false },
        ScalingKind::Service { high_resolution: true },
        ScalingKind::CapacityProvider,
        ScalingKind::AutoScalingGroup,
    ];
}

/// What the pipeline does for an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(in crate::engine) enum Phase {
    /// Schedule the first metric period, if the pipeline has alarms.
    Start,
    /// A metric period ends.
    MetricPeriod,
    /// The oldest samples come out of the pipeline.
    AlarmEvaluation,
}

/// A kind of scaling as the pipeline sees it: where its datapoints come from (the metric source)
/// and what its alarms do (the actuator).
pub(in crate::engine) trait ScalingPipeline {
    /// What a series yields each period: the datapoint, and what the actuator needs with it.
    type Sample;
    /// How a change of its alarms' state reads in `events.csv`.
    const ALARM_TEXT: AlarmText;
    /// The kind, for the events the pipeline schedules.
    fn kind(&self) -> ScalingKind;
    /// Length of a metric period.
    fn period_ms(&self) -> u64;
    /// From the end of a period to the evaluation of its datapoints.
    fn latency(&self, spec: &Spec) -> SimDuration;
    /// The kind's pipeline in the world.
    fn pipeline<'a>(&self, scaling: &'a mut ScalingState) -> &'a mut Pipeline<Self::Sample>;
    /// The datapoint the alarms see in a sample (`None`: missing).
    fn datapoint(sample: &Self::Sample) -> Option<f64>;
    /// The metric source: one sample per series for the period ending now.
    fn measure(&self, world: &mut World<'_>, sink: &mut dyn TraceSink) -> Result<Vec<Self::Sample>, SinkError>;
    /// The actuator: acts once the alarms of `batch` are evaluated (`evaluated`, in order; an
    /// alarm whose own period has not ended is not in it), with the samples they saw.
    fn act(
        &self,
        world: &mut World<'_>,
        batch: usize,
        evaluated: &[Evaluated],
        samples: &[Self::Sample],
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError>;
}

/// The wording of an alarm's change of state in `events.csv`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(in crate::engine) enum AlarmText {
    /// `<alarm>: OK -> ALARM (CPUUtilization 78.2 > 60 for 3 of 3 datapoints)`: service alarms.
    Transition,
    /// `<alarm>: ALARM (CapacityProviderReservation 150; alarms when > 100 for 1 of 1
    /// datapoints).`: the alarms of managed scaling and EC2 Auto Scaling policies.
    Managed,
}

/// What an alarm invokes while it is in ALARM.
#[derive(Clone, Debug, PartialEq)]
pub(in crate::engine) enum AlarmAction {
    /// The high (`Out`) or low (`In`) alarm AWS created for target tracking policy `policy`
    /// (an index into the kind's policies).
    TargetTracking {
        policy: usize,
        /// The policy's name, for the `policy` column of `alarms.csv`.
        policy_name: String,
        direction: Direction,
    },
    /// User alarm `alarm` of `cloudWatch.alarms`, whose actions name these step policies.
    User { alarm: usize, step_policies: Vec<usize> },
    /// User alarm `alarm` of `cloudWatch.alarms` on an Auto Scaling group (an index into
    /// `group_alarms`), whose actions name these step or simple policies of the group.
    GroupPolicies { alarm: usize, policies: Vec<usize> },
}

/// An alarm in a pipeline.
pub(in crate::engine) struct PipelineAlarm {
    /// `AlarmName`.
    pub name: String,
    /// What it watches (a service, capacity provider or group): the `service` column of
    /// `alarms.csv` and the subject in `events.csv`.
    pub subject: String,
    /// The metric's name.
    pub metric: String,
    /// Which sample of a period it reads.
    pub series: usize,
    /// The actuator acts on the alarms of a batch together, after evaluating them all; the alarms
    /// of a batch are consecutive.
    pub batch: usize,
    /// What it invokes.
    pub action: AlarmAction,
    pub evaluator: AlarmEvaluator,
    /// The statistic over the datapoints of the alarm's period.
    statistic: Statistic,
    /// Datapoints in the alarm's period (a 300 s alarm over 60 s datapoints: 5).
    datapoints_per_period: u32,
    period: PeriodAccumulator,
    datapoints_in_period: u32,
    /// Start of the alarm's current period, ms (the time its datapoint is stamped with).
    period_start_ms: u64,
}

impl PipelineAlarm {
    /// An alarm with a period of one datapoint, reading series 0, in batch 0.
    pub fn new(name: String, subject: String, metric: String, config: AlarmConfig, action: AlarmAction) -> Self {
        PipelineAlarm {
            name,
            subject,
            metric,
            series: 0,
            batch: 0,
            action,
            evaluator: AlarmEvaluator::new(config),
            statistic: Statistic::Average,
            datapoints_per_period: 1,
            period: PeriodAccumulator::default(),
            datapoints_in_period: 0,
            period_start_ms: 0,
        }
    }

    /// Reads series `series` and belongs to batch `batch`.
    pub fn reading(mut self, series: usize, batch: usize) -> Self {
        self.series = series;
        self.batch = batch;
        self
    }

    /// Aggregates `datapoints_per_period` datapoints with `statistic` into each of its periods.
    pub fn aggregating(mut self, statistic: Statistic, datapoints_per_period: u32) -> Self {
        self.statistic = statistic;
        self.datapoints_per_period = datapoints_per_period;
        self
    }

    /// How many metric periods the alarm's period spans.
    pub fn datapoints_per_period(&self) -> u32 {
        self.datapoints_per_period
    }

    /// Adds one datapoint, of the metric period starting at `start_ms`; at the end of the alarm's
    /// period, evaluates its datapoint and returns it with the state before.
    fn add(&mut self, start_ms: u64, value: Option<f64>) -> Option<(Option<f64>, AlarmState)> {
        if self.datapoints_in_period == 0 {
            self.period_start_ms = start_ms;
        }
        if let Some(v) = value {
            self.period.add(v);
        }
        self.datapoints_in_period += 1;
        if self.datapoints_in_period < self.datapoints_per_period {
            return None;
        }
        self.datapoints_in_period = 0;
        let datapoint = self.period.take().map(|d| d.value(self.statistic));
        let before = self.evaluator.state;
        self.evaluator.push(self.period_start_ms, datapoint);
        Some((datapoint, before))
    }

    /// `CPUUtilization 78.2 > 60 for 3 of 3 datapoints`.
    pub fn reason(&self) -> String {
        let c = &self.evaluator.config;
        let (breaching, n) = self.evaluator.breaching_of_last_n();
        let value = self
            .evaluator
            .latest_value()
            .map_or_else(|| "no data".to_string(), fmt_value);
        format!(
            "{} {} {} {} for {} of {} datapoints",
            self.metric,
            value,
            c.comparison.symbol(),
            fmt_value(c.threshold),
            breaching,
            n.max(c.evaluation_periods as usize)
        )
    }
}

/// One alarm evaluated at an evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(in crate::engine) struct Evaluated {
    /// Index into the pipeline's alarms.
    pub alarm: usize,
    /// Its state before.
    pub before: AlarmState,
    /// Its state now.
    pub after: AlarmState,
}

impl Evaluated {
    /// It is in ALARM now and was not before.
    pub fn entered_alarm(&self) -> bool {
        self.after == AlarmState::Alarm && self.before != AlarmState::Alarm
    }
}

/// The alarms of one kind and the samples on their way to them.
pub(in crate::engine) struct Pipeline<S> {
    /// In evaluation order.
    pub alarms: Vec<PipelineAlarm>,
    /// The samples of each period still in the pipeline with the period's start (ms), oldest
    /// first.
    in_flight: VecDeque<(u64, Vec<S>)>,
}

impl<S> Default for Pipeline<S> {
    fn default() -> Self {
        Pipeline {
            alarms: Vec::new(),
            in_flight: VecDeque::new(),
        }
    }
}

impl<S> Pipeline<S> {
    /// Adds an alarm after the others; returns its index.
    pub fn add(&mut self, alarm: PipelineAlarm) -> usize {
        debug_assert!(
            self.alarms.last().is_none_or(|last| last.batch <= alarm.batch),
            "the alarms of a batch are consecutive"
        );
        self.alarms.push(alarm);
        self.alarms.len() - 1
    }
}

impl World<'_> {
    /// Starts every pipeline that has alarms.
    pub(in crate::engine) fn start_scaling_pipelines(&mut self, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        for kind in ScalingKind::ALL {
            self.on_scaling_event(kind, Phase::Start, sink)?;
        }
        Ok(())
    }

    /// Runs `phase` of the pipeline of `kind`: the one place that maps a kind to its
    /// implementation.
    pub fn on_scaling_event(
        &mut self,
        kind: ScalingKind,
        phase: Phase,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        match kind {
            ScalingKind::Service { high_resolution } => {
                self.run_phase(&ServiceScaling { high_resolution }, phase, sink)
            }
            ScalingKind::CapacityProvider => self.run_phase(&ManagedScalingPipeline, phase, sink),
            ScalingKind::AutoScalingGroup => self.run_phase(&GroupTargetTracking, phase, sink),
        }
    }

    fn run_phase<K: ScalingPipeline>(
        &mut self,
        kind: &K,
        phase: Phase,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        match phase {
            Phase::Start => {
                if !kind.pipeline(&mut self.scaling).alarms.is_empty() {
                    let event = Event::MetricPeriod { kind: kind.kind() };
                    self.queue.push(SimTime(kind.period_ms()), event);
                }
                Ok(())
            }
            Phase::MetricPeriod => self.end_metric_period(kind, sink),
            Phase::AlarmEvaluation => self.evaluate_alarms(kind, sink),
        }
    }

    /// A metric period ends: the samples enter the pipeline, to be evaluated after its latency.
    fn end_metric_period<K: ScalingPipeline>(&mut self, kind: &K, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let samples = kind.measure(self, sink)?;
        let start_ms = self.now.0.saturating_sub(kind.period_ms());
        kind.pipeline(&mut self.scaling)
            .in_flight
            .push_back((start_ms, samples));
        self.schedule_in(kind.latency(self.spec), Event::AlarmEvaluation { kind: kind.kind() });
        let period = SimDuration::from_millis(kind.period_ms());
        if self.now + period <= self.end {
            self.schedule_in(period, Event::MetricPeriod { kind: kind.kind() });
        }
        Ok(())
    }

    /// The oldest samples leave the pipeline: batch by batch, the alarms evaluate them and the
    /// kind acts.
    fn evaluate_alarms<K: ScalingPipeline>(&mut self, kind: &K, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let Some((start_ms, samples)) = kind.pipeline(&mut self.scaling).in_flight.pop_front() else {
            return Ok(());
        };
        let now = self.now;
        let mut next = 0;
        while next < kind.pipeline(&mut self.scaling).alarms.len() {
            let alarms = &mut kind.pipeline(&mut self.scaling).alarms;
            let batch = alarms[next].batch;
            let mut evaluated = Vec::new();
            while let Some(alarm) = alarms.get_mut(next).filter(|a| a.batch == batch) {
                if let Some((datapoint, before)) = alarm.add(start_ms, K::datapoint(&samples[alarm.series])) {
                    record_evaluation(now, alarm, datapoint, before, K::ALARM_TEXT, sink)?;
                    let after = alarm.evaluator.state;
                    evaluated.push(Evaluated {
                        alarm: next,
                        before,
                        after,
                    });
                }
                next += 1;
            }
            kind.act(self, batch, &evaluated, &samples, sink)?;
        }
        Ok(())
    }
}

/// Writes an evaluation's `alarms.csv` row and, if the state changed, its `events.csv` row.
fn record_evaluation(
    now: SimTime,
    alarm: &PipelineAlarm,
    datapoint: Option<f64>,
    before: AlarmState,
    text: AlarmText,
    sink: &mut dyn TraceSink,
) -> Result<(), SinkError> {
    let c = &alarm.evaluator.config;
    let after = alarm.evaluator.state;
    sink.alarm_row(&AlarmRow {
        time_ms: now.0,
        alarm: &alarm.name,
        service: &alarm.subject,
        metric: &alarm.metric,
        value: datapoint,
        threshold: c.threshold,
        comparison: c.comparison,
        state: after.as_str(),
        previous_state: before.as_str(),
        datapoints: alarm.evaluator.evaluated_datapoints(),
        datapoints_to_alarm: c.datapoints_to_alarm,
        evaluation_periods: c.evaluation_periods,
        tracking: match &alarm.action {
            AlarmAction::TargetTracking {
                policy_name, direction, ..
            } => Some(TrackingAlarm {
                policy: policy_name,
                role: match direction {
                    Direction::Out => AlarmRole::High,
                    Direction::In => AlarmRole::Low,
                },
            }),
            AlarmAction::User { .. } | AlarmAction::GroupPolicies { .. } => None,
        },
    })?;
    if before == after {
        return Ok(());
    }
    let message = match text {
        AlarmText::Transition => format!(
            "{}: {} -> {} ({})",
            alarm.name,
            before.as_str(),
            after.as_str(),
            alarm.reason()
        ),
        AlarmText::Managed => format!(
            "{}: {} ({} {}; alarms when {} {} for {} of {} datapoints).",
            alarm.name,
            after.as_str(),
            alarm.metric,
            datapoint.map_or("missing".into(), fmt_value),
            c.comparison.symbol(),
            fmt_value(c.threshold),
            c.datapoints_to_alarm,
            c.evaluation_periods
        ),
    };
    sink.event(&EventRecord {
        time_ms: now.0,
        kind: EventKind::Alarm,
        subject: alarm.subject.clone(),
        message,
        detail: None,
    })
}
