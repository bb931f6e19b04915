//! EC2 Auto Scaling target tracking on `ASGAverageCPUUtilization`, the older way to scale an ECS
//! cluster (reference 7): each minute the group's average instance CPU goes through the metrics
//! pipeline to a high alarm (3 of 3 above the target) and a low alarm (15 of 15 below 0.7 x the
//! target, as observed); any policy may scale out, scale-in needs all of them.

use std::collections::VecDeque;

use super::event::Event;
use super::managed_alarms::ManagedAlarmEvaluation;
use super::world::World;
use crate::metrics::{AlarmConfig, AlarmEvaluator, AlarmState, Comparison, TreatMissingData};
use crate::model::{InstanceState, TaskState};
use crate::policy::scaling_decision::fmt_value;
use crate::sim::SimTime;
use crate::spec::Spec;
use crate::trace::{AlarmRole, DesiredCause, EventDetail, EventKind, SinkError, TraceSink, TrackingAlarm};

const PERIOD_MS: u64 = 60_000;
const METRIC_NAME: &str = "CPUUtilization";
/// The low alarm's threshold as a fraction of the target (reference 7, observed).
const LOW_ALARM_RATIO: f64 = 0.7;

/// One target tracking policy of a group with its two alarms.
pub(super) struct AsgPolicyState {
    pub group: usize,
    pub policy: usize,
    pub high: AlarmEvaluator,
    pub low: AlarmEvaluator,
}

/// Every group policy, and the datapoints in the pipeline (one per policy, oldest first).
#[derive(Default)]
pub(super) struct AsgTargetTrackingState {
    pub policies: Vec<AsgPolicyState>,
    pub in_flight: VecDeque<Vec<Option<f64>>>,
}

impl AsgTargetTrackingState {
    pub fn for_spec(spec: &Spec) -> Self {
        let mut policies = Vec::new();
        for (group, g) in spec.auto_scaling_groups.iter().enumerate() {
            for (policy, p) in g.scaling_policies.iter().enumerate() {
                let alarm = |periods: u32, threshold: f64, comparison| {
                    AlarmEvaluator::new(AlarmConfig {
                        evaluation_periods: periods,
                        datapoints_to_alarm: periods,
                        threshold,
                        comparison,
                        treat_missing_data: TreatMissingData::Missing,
                    })
                };
                policies.push(AsgPolicyState {
                    group,
                    policy,
                    high: alarm(3, p.target_value, Comparison::GreaterThan),
                    low: alarm(15, p.target_value * LOW_ALARM_RATIO, Comparison::LessThan),
                });
            }
        }
        AsgTargetTrackingState {
            policies,
            in_flight: VecDeque::new(),
        }
    }
}

impl World<'_> {
    /// Schedules the first minute of the groups' CPU metric when any group has a policy.
    pub fn start_asg_target_tracking(&mut self) {
        if !self.asg_tracking.policies.is_empty() {
            self.queue.push(SimTime(PERIOD_MS), Event::AsgMetric);
        }
    }

    /// A minute ends: each policy's group average CPU enters the metrics pipeline.
    pub fn on_asg_metric(&mut self) {
        let values = (0..self.asg_tracking.policies.len())
            .map(|k| self.group_average_cpu(self.asg_tracking.policies[k].group))
            .collect();
        self.asg_tracking.in_flight.push_back(values);
        let latency = self.spec.behavior.metric_pipeline.standard_latency.as_millis();
        self.schedule_in(latency, Event::AsgAlarms);
        self.schedule_in(PERIOD_MS, Event::AsgMetric);
    }

    /// Average CPUUtilization of the group's registered instances that are not warming up, at the
    /// end of the minute: each RUNNING task uses its share of its reservation (`None`: no
    /// instance counted, the datapoint is missing).
    fn group_average_cpu(&self, group: usize) -> Option<f64> {
        let warmup = self.spec.auto_scaling_groups[group].default_instance_warmup;
        let per_task_cpu: Vec<f64> = self
            .services
            .iter()
            .map(|s| {
                let demand = match &s.queue {
                    Some(q) if q.visible() > 0.0 => f64::INFINITY,
                    _ => s.demand_rps,
                };
                s.serving.cpu_percent(s.serving.serve(demand, s.healthy).load_share)
            })
            .collect();
        let mut sum = 0.0;
        let mut counted = 0u32;
        for id in &self.groups[group].live {
            let i = &self.instances[id.0 as usize];
            if i.state != InstanceState::Active || self.is_warming(i.launched_at, warmup) {
                continue;
            }
            let mut used_units = 0.0;
            for t in i.tasks.iter().map(|t| &self.tasks[t]) {
                if t.state == TaskState::Running {
                    let units = f64::from(self.spec.task_definitions[t.task_definition].resources().cpu_units);
                    used_units += units * per_task_cpu[t.service] / 100.0;
                }
            }
            sum += (used_units / f64::from(i.instance_type.cpu_units()) * 100.0).min(100.0);
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

    /// The oldest datapoints leave the pipeline: the alarms evaluate them and the groups act.
    pub fn on_asg_alarms(&mut self, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let Some(values) = self.asg_tracking.in_flight.pop_front() else {
            return Ok(());
        };
        for (k, value) in values.into_iter().enumerate() {
            let (group, policy) = (
                self.asg_tracking.policies[k].group,
                self.asg_tracking.policies[k].policy,
            );
            let group_name = self.spec.auto_scaling_groups[group].name.clone();
            let policy_name = &self.spec.auto_scaling_groups[group].scaling_policies[policy].name;
            for high in [true, false] {
                let st = &mut self.asg_tracking.policies[k];
                let alarm = if high { &mut st.high } else { &mut st.low };
                let changed = alarm.push(value);
                let alarm_name = format!(
                    "TargetTracking-{group_name}-{}-{policy_name}",
                    if high { "AlarmHigh" } else { "AlarmLow" }
                );
                let st = &self.asg_tracking.policies[k];
                let evaluation = ManagedAlarmEvaluation {
                    alarm: &alarm_name,
                    subject: &group_name,
                    metric: METRIC_NAME,
                    value,
                    evaluator: if high { &st.high } else { &st.low },
                    changed,
                    tracking: TrackingAlarm {
                        policy: policy_name,
                        role: if high { AlarmRole::High } else { AlarmRole::Low },
                    },
                };
                self.record_managed_alarm(&evaluation, sink)?;
            }
        }
        for group in 0..self.spec.auto_scaling_groups.len() {
            self.apply_asg_policies(group, sink)?;
        }
        Ok(())
    }

    /// Any policy in high ALARM scales out to the largest count asked; scale-in needs every
    /// policy's low alarm, no policy with DisableScaleIn, and no instance warming up.
    fn apply_asg_policies(&mut self, group: usize, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let spec = &self.spec.auto_scaling_groups[group];
        if spec.scaling_policies.is_empty() {
            return Ok(());
        }
        let warmup = spec.default_instance_warmup;
        let (mut counted, mut warming) = (0u32, 0u32);
        for id in &self.groups[group].live {
            let i = &self.instances[id.0 as usize];
            if matches!(i.state, InstanceState::Launching | InstanceState::Active) {
                if i.state == InstanceState::Launching || self.is_warming(i.launched_at, warmup) {
                    warming += 1;
                } else {
                    counted += 1;
                }
            }
        }
        let current = self.groups[group].desired;
        let mine: Vec<&AsgPolicyState> = self.asg_tracking.policies.iter().filter(|p| p.group == group).collect();
        let proposal = |p: &AsgPolicyState| {
            let metric = p.high.latest_value().unwrap_or(0.0);
            let target = spec.scaling_policies[p.policy].target_value;
            ((f64::from(counted) * metric / target).ceil() as u32, metric, target)
        };
        let out: Option<(u32, f64, f64, usize)> = mine
            .iter()
            .filter(|p| p.high.state == AlarmState::Alarm)
            .map(|p| {
                let (n, m, t) = proposal(p);
                (n + warming, m, t, p.policy)
            })
            .max_by_key(|(n, ..)| *n);
        let all_in = mine
            .iter()
            .all(|p| p.low.state == AlarmState::Alarm && !spec.scaling_policies[p.policy].disable_scale_in);
        let (wanted, why, policy) = if let Some((n, metric, target, policy)) = out {
            let n = n.clamp(spec.min_size, spec.max_size);
            if n <= current {
                return Ok(());
            }
            let why = format!(
                "{}: average CPUUtilization {} > {}; desired {current} -> {n} = ceil({counted} x {} / {}) + {warming} warming",
                spec.scaling_policies[policy].name,
                fmt_value(metric),
                fmt_value(target),
                fmt_value(metric),
                fmt_value(target)
            );
            (n, why, policy)
        } else if all_in && warming == 0 {
            let (n, metric, target, policy) = mine
                .iter()
                .map(|p| {
                    let (n, m, t) = proposal(p);
                    (n, m, t, p.policy)
                })
                .max_by_key(|(n, ..)| *n)
                .expect("a group with policies");
            let n = n.clamp(spec.min_size, spec.max_size);
            if n >= current {
                return Ok(());
            }
            let why = format!(
                "{}: average CPUUtilization {} < {} for 15 datapoints; desired {current} -> {n} = ceil({counted} x {} / {})",
                spec.scaling_policies[policy].name,
                fmt_value(metric),
                fmt_value(target * LOW_ALARM_RATIO),
                fmt_value(metric),
                fmt_value(target)
            );
            (n, why, policy)
        } else {
            return Ok(());
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
            self.groups[group].desired = wanted;
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
        self.groups[group].desired = new_desired;
        for id in victims {
            self.retire_instance(id, "the Auto Scaling group scaled in", sink)?;
        }
        Ok(())
    }
}
