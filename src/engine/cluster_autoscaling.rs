//! ECS cluster auto scaling in the world: each minute every capacity provider with managed scaling
//! publishes CapacityProviderReservation; after the metrics pipeline its target tracking alarms
//! are evaluated and the Auto Scaling group's desired capacity follows (reference 6.2 to 6.6).

use super::event::Event;
use super::managed_alarms::ManagedAlarmEvaluation;
use super::world::World;
use crate::metrics::{AlarmConfig, AlarmEvaluator, AlarmState, Comparison, TreatMissingData};
use crate::model::catalog::instance_type;
use crate::model::{InstanceState, StopReason, TaskId, TaskState};
use crate::policy::cluster_scaling::{
    InstanceCapacity, ScalingSteps, WaitingTaskGroup, additional_instances, capacity_provider_reservation,
    desired_for_reservation, scale_in_step_target,
};
use crate::sim::SimTime;
use crate::spec::{CapacityProviderKind, ManagedScaling, Spec};
use crate::trace::{AlarmRole, DesiredCause, EventDetail, EventKind, SinkError, TraceSink, TrackingAlarm};

/// Period of the CapacityProviderReservation metric: ECS publishes it every minute.
const METRIC_PERIOD_MS: u64 = 60_000;
/// The policy ECS creates on the group (AWS appends a random suffix).
const POLICY_NAME: &str = "ECSManagedAutoScalingPolicy";
const METRIC_NAME: &str = "CapacityProviderReservation";

/// One CapacityProviderReservation datapoint with the counts behind it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct ReservationSample {
    /// N: instances in the group.
    pub n: u32,
    /// M: instances needed.
    pub m: u32,
    /// M / N x 100.
    pub percent: f64,
}

/// Runtime state of one capacity provider with managed scaling.
pub(super) struct ManagedScalingState {
    pub provider: usize,
    pub group: usize,
    pub settings: ManagedScaling,
    /// High alarm: CPR > targetCapacity for 1 datapoint of 1 minute.
    pub high: AlarmEvaluator,
    /// Low alarm: CPR < targetCapacity for 15 datapoints of 1 minute.
    pub low: AlarmEvaluator,
    /// The datapoints in the metrics pipeline, oldest first.
    pub in_flight: std::collections::VecDeque<ReservationSample>,
    /// Scale-outs not made because instances were still warming up.
    pub last_blocked: bool,
    pub activities: u64,
}

impl ManagedScalingState {
    /// One state per capacity provider with `managedScaling.status: ENABLED`.
    pub fn for_spec(spec: &Spec) -> Vec<ManagedScalingState> {
        spec.capacity_providers
            .iter()
            .enumerate()
            .filter_map(|(provider, cp)| {
                let settings = cp.managed_scaling?;
                let CapacityProviderKind::AutoScalingGroup(group) = cp.kind else {
                    return None;
                };
                let target = f64::from(settings.target_capacity);
                let alarm = |periods: u32, comparison| {
                    AlarmEvaluator::new(AlarmConfig {
                        evaluation_periods: periods,
                        datapoints_to_alarm: periods,
                        threshold: target,
                        comparison,
                        treat_missing_data: TreatMissingData::Missing,
                    })
                };
                Some(ManagedScalingState {
                    provider,
                    group,
                    settings,
                    high: alarm(1, Comparison::GreaterThan),
                    low: alarm(15, Comparison::LessThan),
                    in_flight: Default::default(),
                    last_blocked: false,
                    activities: 0,
                })
            })
            .collect()
    }
}

impl World<'_> {
    /// Schedules the first minute's metric of every capacity provider with managed scaling.
    pub fn start_cluster_auto_scaling(&mut self) {
        if !self.managed_scaling.is_empty() {
            self.queue
                .push(SimTime(METRIC_PERIOD_MS), Event::CapacityProviderMetric);
        }
    }

    /// ECS computes CapacityProviderReservation for each managed provider; the datapoints reach
    /// the alarms after the metrics pipeline latency.
    pub fn on_capacity_provider_metric(&mut self, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        self.stop_tasks_waiting_too_long(sink)?;
        for k in 0..self.managed_scaling.len() {
            let provider = self.managed_scaling[k].provider;
            let sample = self.reservation_sample(provider);
            self.managed_scaling[k].in_flight.push_back(sample);
        }
        let latency = self.spec.behavior.cluster_auto_scaling.metric_latency.as_millis();
        self.schedule_in(latency, Event::CapacityProviderAlarms);
        self.schedule_in(METRIC_PERIOD_MS, Event::CapacityProviderMetric);
        Ok(())
    }

    /// Tasks of managed-scaling providers that have waited in PROVISIONING for an instance longer
    /// than `provisioningTimeout` stop; the service scheduler starts new ones.
    fn stop_tasks_waiting_too_long(&mut self, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        let timeout = self.spec.behavior.cluster_auto_scaling.provisioning_timeout;
        for service in 0..self.services.len() {
            if self.services[service].unplaced.is_empty() || self.spec.services[service].uses_launch_type {
                continue;
            }
            let expired: Vec<TaskId> = self.services[service]
                .unplaced
                .iter()
                .copied()
                .filter(|id| {
                    let t = &self.tasks[id];
                    self.spec.capacity_providers[t.capacity_provider]
                        .managed_scaling
                        .is_some()
                        && self.now.since(t.created_at) >= timeout
                })
                .collect();
            if expired.is_empty() {
                continue;
            }
            for id in &expired {
                self.stop_task(*id, StopReason::CapacityWaitTimedOut, sink)?;
            }
            let name = self.spec.services[service].name.clone();
            self.log(
                sink,
                EventKind::ServiceScheduler,
                name.clone(),
                format!(
                    "(service {name}) stopped {} task(s) that waited {timeout} in PROVISIONING without capacity; it starts new ones.",
                    expired.len()
                ),
            )?;
            self.request_reconcile(service);
        }
        Ok(())
    }

    /// CapacityProviderReservation of `provider` now (reference 6.3 and 6.4).
    pub fn reservation_sample(&self, provider: usize) -> ReservationSample {
        let CapacityProviderKind::AutoScalingGroup(group) = self.spec.capacity_providers[provider].kind else {
            unreachable!("Fargate providers have no managed scaling");
        };
        let mut n = 0u32;
        let mut busy = 0u32;
        for id in &self.groups[group].live {
            let i = &self.instances[id.0 as usize];
            if matches!(i.state, InstanceState::Launching | InstanceState::Active) {
                n += 1;
                busy += u32::from(i.is_busy());
            }
        }
        let groups = self.waiting_task_groups(provider);
        let steps = self.spec.capacity_providers[provider].managed_scaling.map_or(
            ScalingSteps {
                minimum: 1,
                maximum: 10_000,
            },
            |s| ScalingSteps {
                minimum: s.minimum_scaling_step_size,
                maximum: s.maximum_scaling_step_size,
            },
        );
        let (smallest, largest) = self.instance_capacity_bounds(group);
        let m = match additional_instances(&groups, &smallest, &largest, steps) {
            Some(extra) => busy + extra,
            // Tasks wait but none fits the smallest type: scaling stops at 100 %.
            None => n,
        };
        ReservationSample {
            n,
            m,
            percent: capacity_provider_reservation(n, m),
        }
    }

    /// Tasks of services using `provider` through a capacity provider strategy that wait in
    /// PROVISIONING for an instance, grouped by identical requirements, at most
    /// `provisioningTaskLimit` of them (reference 6.4 step 2 and 9).
    fn waiting_task_groups(&self, provider: usize) -> Vec<WaitingTaskGroup> {
        let mut groups: Vec<(usize, WaitingTaskGroup)> = Vec::new();
        let mut budget = u64::from(self.spec.behavior.cluster_auto_scaling.provisioning_task_limit);
        for (s, state) in self.services.iter().enumerate() {
            if self.spec.services[s].uses_launch_type || state.unplaced.is_empty() {
                continue;
            }
            for id in &state.unplaced {
                let t = &self.tasks[id];
                if t.capacity_provider != provider || t.state != TaskState::Provisioning || budget == 0 {
                    continue;
                }
                budget -= 1;
                match groups.iter_mut().find(|(td, _)| *td == t.task_definition) {
                    Some((_, g)) => g.tasks += 1,
                    None => groups.push((
                        t.task_definition,
                        WaitingTaskGroup {
                            resources: self.spec.task_definitions[t.task_definition].resources(),
                            tasks: 1,
                        },
                    )),
                }
            }
        }
        // Task definitions with identical requirements form one group.
        let mut merged: Vec<WaitingTaskGroup> = Vec::new();
        for (_, g) in groups {
            match merged.iter_mut().find(|m| m.resources == g.resources) {
                Some(m) => m.tasks += g.tasks,
                None => merged.push(g),
            }
        }
        merged
    }

    /// The smallest and largest of the group's instance types, parameter by parameter.
    fn instance_capacity_bounds(&self, group: usize) -> (InstanceCapacity, InstanceCapacity) {
        let b = &self.spec.behavior.instances;
        let caps: Vec<InstanceCapacity> = self.spec.auto_scaling_groups[group]
            .instance_types
            .iter()
            .filter_map(|t| instance_type(t))
            .map(|t| InstanceCapacity {
                cpu_units: t.cpu_units().saturating_sub(b.agent_reserved_cpu_units),
                memory_mib: t.memory_mib.saturating_sub(b.agent_reserved_memory_mib),
                awsvpc_tasks: t.awsvpc_tasks_without_trunking(),
            })
            .collect();
        let fold = |pick: fn(u64, u64) -> u64| InstanceCapacity {
            cpu_units: caps.iter().map(|c| u64::from(c.cpu_units)).reduce(pick).unwrap_or(0) as u32,
            memory_mib: caps.iter().map(|c| c.memory_mib).reduce(pick).unwrap_or(0),
            awsvpc_tasks: caps.iter().map(|c| u64::from(c.awsvpc_tasks)).reduce(pick).unwrap_or(0) as u32,
        };
        (fold(u64::min), fold(u64::max))
    }

    /// The oldest datapoint leaves the pipeline: both alarms evaluate it and the provider's
    /// target tracking policy acts on the one in ALARM.
    pub fn on_capacity_provider_alarms(&mut self, sink: &mut dyn TraceSink) -> Result<(), SinkError> {
        for k in 0..self.managed_scaling.len() {
            let Some(sample) = self.managed_scaling[k].in_flight.pop_front() else {
                continue;
            };
            let provider = self.managed_scaling[k].provider;
            let name = self.spec.capacity_providers[provider].name.clone();
            for high in [true, false] {
                let st = &mut self.managed_scaling[k];
                let alarm = if high { &mut st.high } else { &mut st.low };
                let changed = alarm.push(Some(sample.percent));
                let st = &self.managed_scaling[k];
                let alarm_name = format!(
                    "TargetTracking-{}-{}",
                    self.spec.auto_scaling_groups[st.group].name,
                    if high { "AlarmHigh" } else { "AlarmLow" }
                );
                let evaluation = ManagedAlarmEvaluation {
                    alarm: &alarm_name,
                    subject: &name,
                    metric: METRIC_NAME,
                    value: Some(sample.percent),
                    evaluator: if high { &st.high } else { &st.low },
                    changed,
                    tracking: TrackingAlarm {
                        policy: POLICY_NAME,
                        role: if high { AlarmRole::High } else { AlarmRole::Low },
                    },
                };
                self.record_managed_alarm(&evaluation, sink)?;
            }
            if self.managed_scaling[k].high.state == AlarmState::Alarm {
                self.managed_scale_out(k, sample, sink)?;
            } else if self.managed_scaling[k].low.state == AlarmState::Alarm {
                self.managed_scale_in(k, sample, sink)?;
            }
        }
        Ok(())
    }

    /// Provider index, group index and settings of managed provider `k`.
    fn managed_provider(&self, k: usize) -> (usize, usize, ManagedScaling) {
        let st = &self.managed_scaling[k];
        (st.provider, st.group, st.settings)
    }

    fn managed_scale_out(
        &mut self,
        k: usize,
        sample: ReservationSample,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let (provider, group, settings) = self.managed_provider(k);
        let spec = &self.spec.auto_scaling_groups[group];
        let current = self.groups[group].desired;
        let wanted =
            desired_for_reservation(sample.n, sample.m, settings.target_capacity).clamp(spec.min_size, spec.max_size);
        if wanted <= current {
            return Ok(());
        }
        let name = self.spec.capacity_providers[provider].name.clone();
        // Warm-up gate: no further scale-out until the newest launched instance is old enough.
        if let Some(launched) = self.groups[group].last_launch_at {
            let age = self.now.since(launched);
            if age < settings.instance_warmup_period {
                if !self.managed_scaling[k].last_blocked {
                    self.managed_scaling[k].last_blocked = true;
                    self.log(
                        sink,
                        EventKind::NotScaled,
                        name,
                        format!(
                            "{POLICY_NAME}: scale-out to {wanted} waits: the newest instance launched {age} ago, instanceWarmupPeriod is {}.",
                            settings.instance_warmup_period
                        ),
                    )?;
                }
                return Ok(());
            }
        }
        self.managed_scaling[k].last_blocked = false;
        self.managed_scaling[k].activities += 1;
        let formula = if sample.n == 0 {
            "the 200 % of an empty group launches two".to_string()
        } else {
            format!("ceil({} x 100 / {})", sample.m, settings.target_capacity)
        };
        self.log_detail(
            sink,
            EventKind::ScalingActivity,
            name,
            format!(
                "{POLICY_NAME}: {METRIC_NAME} {} > {} (M {} of N {}); desired {current} -> {wanted} = {formula}.",
                crate::policy::scaling_decision::fmt_value(sample.percent),
                settings.target_capacity,
                sample.m,
                sample.n
            ),
            EventDetail::DesiredChange {
                from: current,
                to: wanted,
                cause: DesiredCause::ManagedScaling,
                name: POLICY_NAME.to_string(),
            },
        )?;
        self.groups[group].desired = wanted;
        self.replace_missing_instances(group, sink)
    }

    fn managed_scale_in(
        &mut self,
        k: usize,
        sample: ReservationSample,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let (provider, group, settings) = self.managed_provider(k);
        let spec = &self.spec.auto_scaling_groups[group];
        let current = self.groups[group].desired;
        let wanted = desired_for_reservation(sample.n, sample.m, settings.target_capacity).max(spec.min_size);
        let step = scale_in_step_target(current, wanted);
        if step >= current {
            return Ok(());
        }
        let protected = self.spec.capacity_providers[provider].managed_termination_protection;
        let victims = self.choose_instances_to_terminate(group, (current - step) as usize, protected);
        if victims.is_empty() {
            return Ok(());
        }
        let new_desired = current - victims.len() as u32;
        self.managed_scaling[k].activities += 1;
        let name = self.spec.capacity_providers[provider].name.clone();
        let why = if protected {
            " Managed termination protection: only instances without tasks are terminated."
        } else {
            ""
        };
        self.log_detail(
            sink,
            EventKind::ScalingActivity,
            name,
            format!(
                "{POLICY_NAME}: {METRIC_NAME} {} < {} for 15 of 15 datapoints (M {} of N {}); desired {current} -> {new_desired} (at most half the group per step).{why}",
                crate::policy::scaling_decision::fmt_value(sample.percent),
                settings.target_capacity,
                sample.m,
                sample.n
            ),
            EventDetail::DesiredChange {
                from: current,
                to: new_desired,
                cause: DesiredCause::ManagedScaling,
                name: POLICY_NAME.to_string(),
            },
        )?;
        self.groups[group].desired = new_desired;
        for id in victims {
            self.retire_instance(id, "the Auto Scaling group scaled in", sink)?;
        }
        Ok(())
    }
}
