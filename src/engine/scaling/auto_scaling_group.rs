//! EC2 Auto Scaling target tracking on `ASGAverageCPUUtilization`, `ASGAverageNetworkIn` or
//! `ASGAverageNetworkOut`, the older way to scale an ECS cluster (reference 7), as a kind of the
//! scaling pipeline: each minute the group's averages (one series per group and metric) go
//! through the metrics pipeline to each policy's high alarm (3 of 3 above the target) and low
//! alarm (15 of 15 below 0.7 x the target, as observed); any policy may scale out, scale-in needs
//! all that may scale in. The CloudWatch alarms on a group's metrics that invoke its step and
//! simple policies (`group_alarm_policies`) read the same series. Each group is a batch: its
//! alarms, then the group.

use super::ScalingState;
use super::pipeline::{AlarmAction, AlarmText, Evaluated, Pipeline, PipelineAlarm, ScalingKind, ScalingPipeline};
use crate::engine::world::World;
use crate::metrics::Statistic;
use crate::model::{InstanceState, TaskState};
use crate::policy::rounding::tracking_capacity;
use crate::policy::scaling_decision::{Direction, fmt_value};
use crate::policy::target_tracking::{Agreement, PolicyAsk, TrackingPolicyOwner, agree, tracking_alarms};
use crate::sim::{SimDuration, SimTime};
use crate::spec::{GroupMetric, Spec};
use crate::trace::{DesiredCause, EventDetail, EventKind, SinkError, TraceSink};
use crate::workload::RevisionsServed;
use crate::workload::revisions::serve_revisions;

const PERIOD_MS: u64 = 60_000;

/// The series of `metric` of group `group`.
fn series(group: usize, metric: GroupMetric) -> usize {
    group * GroupMetric::ALL.len() + metric.index()
}

/// One target tracking policy of a group, with the indices of its alarms.
pub(in crate::engine) struct AsgPolicyState {
    pub group: usize,
    pub policy: usize,
    pub high: usize,
    /// None with DisableScaleIn.
    pub low: Option<usize>,
}

/// Every group policy, and their pipeline: series and batch `g` are group `g`.
#[derive(Default)]
pub(in crate::engine) struct AsgTargetTrackingState {
    pub policies: Vec<AsgPolicyState>,
    pub pipeline: Pipeline<Option<f64>>,
    /// Whether an alarm reads group `g`'s CPU.
    pub measured: Vec<bool>,
}

impl AsgTargetTrackingState {
    /// The policies with their alarms, `TargetTracking-<group>-AlarmHigh-<policy>` and `-AlarmLow-`.
    pub fn new(spec: &Spec) -> Self {
        let mut state = AsgTargetTrackingState::default();
        for (group, g) in spec.auto_scaling_groups.iter().enumerate() {
            for (policy, p) in g.scaling_policies.iter().enumerate() {
                let k = state.policies.len();
                let alarms = tracking_alarms(
                    TrackingPolicyOwner::AutoScalingGroup,
                    p.target_value,
                    p.disable_scale_in,
                );
                let mut high = None;
                let mut low = None;
                for shape in alarms.iter() {
                    let alarm = PipelineAlarm::new(
                        format!("TargetTracking-{}-{}-{}", g.name, shape.name_suffix, p.name),
                        g.name.clone(),
                        p.metric.metric_name().to_string(),
                        shape.config,
                        AlarmAction::TargetTracking {
                            policy: k,
                            policy_name: p.name.clone(),
                            direction: shape.direction,
                        },
                    );
                    let index = state.pipeline.add(alarm.reading(series(group, p.metric), group));
                    match shape.direction {
                        Direction::Out => high = Some(index),
                        Direction::In => low = Some(index),
                    }
                }
                state.policies.push(AsgPolicyState {
                    group,
                    policy,
                    high: high.expect("every policy has a high alarm"),
                    low,
                });
            }
            // The user alarms on the group, in the group's batch after its tracking alarms.
            for (a, alarm) in spec.auto_scaling.group_alarms.iter().enumerate() {
                if alarm.group != group {
                    continue;
                }
                let action = AlarmAction::GroupPolicies {
                    alarm: a,
                    policies: alarm.actions.clone(),
                };
                let pipeline_alarm = PipelineAlarm::new(
                    alarm.name.clone(),
                    g.name.clone(),
                    alarm.metric.metric_name().to_string(),
                    alarm.config,
                    action,
                )
                .reading(series(group, alarm.metric), group)
                .aggregating(Statistic::Average, alarm.datapoints_per_period);
                state.pipeline.add(pipeline_alarm);
            }
        }
        state.measured = vec![false; spec.auto_scaling_groups.len() * GroupMetric::ALL.len()];
        for a in &state.pipeline.alarms {
            state.measured[a.series] = true;
        }
        state
    }
}

/// The pipeline of the groups' target tracking policies.
pub(in crate::engine) struct GroupTargetTracking;

impl ScalingPipeline for GroupTargetTracking {
    type Sample = Option<f64>;
    const ALARM_TEXT: AlarmText = AlarmText::Managed;

    fn kind(&self) -> ScalingKind {
        ScalingKind::AutoScalingGroup
    }

    fn period_ms(&self) -> u64 {
        PERIOD_MS
    }

    fn latency(&self, spec: &Spec) -> SimDuration {
        spec.behavior.metric_pipeline.standard_latency
    }

    fn pipeline<'a>(&self, scaling: &'a mut ScalingState) -> &'a mut Pipeline<Option<f64>> {
        &mut scaling.groups.pipeline
    }

    fn datapoint(sample: &Option<f64>) -> Option<f64> {
        *sample
    }

    /// Each group's average of each metric, series `series(group, metric)` (`None` where no
    /// alarm reads it).
    fn measure(&self, world: &mut World<'_>, _sink: &mut dyn TraceSink) -> Result<Vec<Option<f64>>, SinkError> {
        let n = GroupMetric::ALL.len();
        Ok((0..world.spec.auto_scaling_groups.len() * n)
            .map(|s| {
                let measured = world.scaling.groups.measured[s];
                measured
                    .then(|| world.group_average(s / n, GroupMetric::ALL[s % n]))
                    .flatten()
            })
            .collect())
    }

    fn act(
        &self,
        world: &mut World<'_>,
        group: usize,
        evaluated: &[Evaluated],
        _samples: &[Option<f64>],
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        world.apply_asg_policies(group, sink)?;
        world.apply_group_alarm_policies(group, evaluated, sink)
    }
}

impl World<'_> {
    /// Average of `metric` over the group's registered instances that are not warming up, at the
    /// end of the minute: each RUNNING task uses its share of its CPU reservation, and receives
    /// and sends its task definition's bytes per request for the requests it serves, over the
    /// minute (`None`: no instance counted, the datapoint is missing).
    fn group_average(&self, group: usize, metric: GroupMetric) -> Option<f64> {
        let warmup = self.spec.auto_scaling_groups[group].default_instance_warmup;
        // Per service, how its demand is served now; a task's CPU is its revision's at its share.
        let served: Vec<RevisionsServed> = self
            .services
            .iter()
            .map(|s| {
                let demand = match &s.queue {
                    Some(q) if q.visible() > 0.0 => f64::INFINITY,
                    _ => s.demand_rps,
                };
                match s.revisions.common_model() {
                    Some(model) => RevisionsServed::uniform(&model.serve(demand, s.healthy)),
                    None if s.revisions.groups().is_empty() => {
                        RevisionsServed::uniform(&s.serving.serve(demand, s.healthy))
                    }
                    None => serve_revisions(demand, s.revisions.groups(), s.demand_split),
                }
            })
            .collect();
        let task_cpu = |t: &crate::model::Task| {
            let s = &self.services[t.service];
            let model = s.revisions.model_of(t.task_definition).unwrap_or(&s.serving);
            model.cpu_percent(served[t.service].load_share(model))
        };
        // Bytes a task moves in a minute: the requests it serves (its share of its capacity) times
        // its task definition's bytes per request.
        let task_bytes = |t: &crate::model::Task, per_request: f64| {
            let s = &self.services[t.service];
            let model = s.revisions.model_of(t.task_definition).unwrap_or(&s.serving);
            let rps = served[t.service].load_share(model) * model.requests_per_second_at_full_cpu;
            rps * 60.0 * per_request
        };
        let mut sum = 0.0;
        let mut counted = 0u32;
        for id in &self.capacity.groups[group].live {
            let i = &self.capacity.instances[id];
            if i.state != InstanceState::Active || self.is_warming(i.launched_at, warmup) {
                continue;
            }
            let mut used_units = 0.0;
            let mut bytes = 0.0;
            for t in i.tasks.iter().map(|t| &self.tasks[t]) {
                if t.state != TaskState::Running {
                    continue;
                }
                let b = &self.spec.behavior.task_definitions[t.task_definition];
                match metric {
                    GroupMetric::CpuUtilization => {
                        let units = f64::from(self.spec.task_definitions[t.task_definition].resources().cpu_units);
                        used_units += units * task_cpu(t) / 100.0;
                    }
                    GroupMetric::NetworkIn => bytes += task_bytes(t, b.network_in_bytes_per_request),
                    GroupMetric::NetworkOut => bytes += task_bytes(t, b.network_out_bytes_per_request),
                }
            }
            sum += match metric {
                GroupMetric::CpuUtilization => (used_units / f64::from(i.instance_type.cpu_units()) * 100.0).min(100.0),
                _ => bytes,
            };
            counted += 1;
        }
        (counted > 0).then(|| sum / f64::from(counted))
    }

    /// True while an instance launched at `launched_at` (after the start) is still warming up.
    fn is_warming(&self, launched_at: SimTime, warmup: Option<crate::sim::SimDuration>) -> bool {
        match warmup {
            Some(w) if launched_at > SimTime::ZERO => self.now.since(launched_at) < w,
            _ => false,
        }
    }

    /// Any policy in high ALARM scales out to the largest count asked; scale-in needs the low alarm
    /// of every policy that may scale in, and no instance warming up (reference 2.6, 7).
    fn apply_asg_policies(&mut self, group: usize, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let spec = &self.spec.auto_scaling_groups[group];
        if spec.scaling_policies.is_empty() {
            return Ok(());
        }
        let warmup = spec.default_instance_warmup;
        let (mut counted, mut warming) = (0u32, 0u32);
        for id in &self.capacity.groups[group].live {
            let i = &self.capacity.instances[id];
            if matches!(i.state, InstanceState::Launching | InstanceState::Active) {
                if i.state == InstanceState::Launching || self.is_warming(i.launched_at, warmup) {
                    warming += 1;
                } else {
                    counted += 1;
                }
            }
        }
        let current = self.capacity.groups[group].desired;
        let mine: Vec<&AsgPolicyState> = self
            .scaling
            .groups
            .policies
            .iter()
            .filter(|p| p.group == group)
            .collect();
        let alarms = &self.scaling.groups.pipeline.alarms;
        // ceil(instances counted x metric / target): the metric of the instances not warming up.
        let proposal = |p: &AsgPolicyState| {
            let metric = alarms[p.high].evaluator.latest_value().unwrap_or(0.0);
            let target = spec.scaling_policies[p.policy].target_value;
            let n = u32::try_from(tracking_capacity(counted, metric, target)).unwrap_or(u32::MAX);
            (n, metric, target)
        };
        // Warming instances count toward the next scale-out (reference 7).
        let asks: Vec<PolicyAsk> = mine
            .iter()
            .map(|p| {
                let (n, ..) = proposal(p);
                let low = p.low.map(|l| alarms[l].evaluator.state);
                PolicyAsk::from_alarms(alarms[p.high].evaluator.state, low, n.saturating_add(warming), n)
            })
            .collect();
        let (wanted, why, policy) = match agree(&asks) {
            Agreement::ScaleOut { capacity, policy } => {
                let n = capacity.clamp(spec.min_size, spec.max_size);
                if n <= current {
                    return Ok(());
                }
                let (_, metric, target) = proposal(mine[policy]);
                let why = format!(
                    "{}: average {} {} > {}; desired {current} -> {n} = ceil({counted} x {} / {}) + {warming} warming",
                    spec.scaling_policies[mine[policy].policy].name,
                    spec.scaling_policies[mine[policy].policy].metric.metric_name(),
                    fmt_value(metric),
                    fmt_value(target),
                    fmt_value(metric),
                    fmt_value(target)
                );
                (n, why, mine[policy].policy)
            }
            // Policy scale-in waits until no instance is warming up (reference 7).
            Agreement::ScaleIn { capacity, policy } if warming == 0 => {
                let n = capacity.clamp(spec.min_size, spec.max_size);
                if n >= current {
                    return Ok(());
                }
                let p = mine[policy];
                let (_, metric, target) = proposal(p);
                let low = &alarms[p.low.expect("a policy asking to scale in has a low alarm")].evaluator;
                let why = format!(
                    "{}: average {} {} < {} for {} datapoints; desired {current} -> {n} = ceil({counted} x {} / {})",
                    spec.scaling_policies[p.policy].name,
                    spec.scaling_policies[p.policy].metric.metric_name(),
                    fmt_value(metric),
                    fmt_value(low.config.threshold),
                    low.config.datapoints_to_alarm,
                    fmt_value(metric),
                    fmt_value(target)
                );
                (n, why, p.policy)
            }
            _ => return Ok(()),
        };
        let name = spec.name.clone();
        let change = |to: u32| EventDetail::DesiredChange {
            from: current,
            to,
            cause: DesiredCause::GroupPolicy,
            name: spec.scaling_policies[policy].name.clone(),
        };
        if wanted > current {
            self.log_detail(
                sink,
                EventKind::ScalingActivity,
                name,
                format!("{why}."),
                change(wanted),
            )?;
            self.capacity.groups[group].desired = wanted;
            return self.replace_missing_instances(group, sink);
        }
        // Instances protected from scale-in (NewInstancesProtectedFromScaleIn) are never chosen.
        let protected = spec.new_instances_protected_from_scale_in;
        let victims = if protected {
            Vec::new()
        } else {
            self.choose_instances_to_terminate(group, (current - wanted) as usize, false)
        };
        if victims.is_empty() {
            return Ok(());
        }
        let new_desired = current - victims.len() as u32;
        self.log_detail(
            sink,
            EventKind::ScalingActivity,
            name,
            format!("{why}."),
            change(new_desired),
        )?;
        self.capacity.groups[group].desired = new_desired;
        for id in victims {
            self.retire_instance(id, "the Auto Scaling group scaled in", sink)?;
        }
        Ok(())
    }
}
