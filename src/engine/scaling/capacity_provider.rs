//! ECS managed scaling as a kind of the scaling pipeline: each minute every capacity provider
//! with managed scaling publishes CapacityProviderReservation (`capacity_provider_reservation`);
//! after the pipeline latency the high and low alarms of the target tracking policy ECS put on
//! the provider's Auto Scaling group evaluate it, and the group's desired capacity follows
//! (reference 6.2 to 6.6). Each provider is a batch: its alarms, then its group.

use super::ScalingState;
use super::capacity_provider_reservation::ReservationSample;
use super::pipeline::{AlarmAction, AlarmText, Evaluated, Pipeline, PipelineAlarm, ScalingKind, ScalingPipeline};
use crate::engine::world::World;
use crate::policy::cluster_scaling::{desired_for_reservation, scale_in_step_target};
use crate::policy::scaling_decision::fmt_value;
use crate::policy::target_tracking::{Agreement, PolicyAsk, TrackingPolicyOwner, agree, tracking_alarms};
use crate::sim::{ProviderIdx, SimDuration};
use crate::spec::{CapacityProviderKind, ManagedScaling, Spec};
use crate::trace::{DesiredCause, EventDetail, EventKind, SinkError, TraceSink};

/// Period of the CapacityProviderReservation metric: ECS publishes it every minute.
const METRIC_PERIOD_MS: u64 = 60_000;
/// The policy ECS creates on the group (AWS appends a random suffix).
const POLICY_NAME: &str = "ECSManagedAutoScalingPolicy";
const METRIC_NAME: &str = "CapacityProviderReservation";

/// Runtime state of one capacity provider with managed scaling.
pub(in crate::engine) struct ManagedProvider {
    pub provider: ProviderIdx,
    pub group: usize,
    pub settings: ManagedScaling,
    /// Index of its high alarm (CPR > targetCapacity for 1 datapoint of 1 minute).
    pub high: usize,
    /// Index of its low alarm (CPR < targetCapacity for 15 datapoints of 1 minute).
    pub low: usize,
    /// Scale-outs not made because instances were still warming up.
    pub last_blocked: bool,
}

/// Every capacity provider with managed scaling, and their pipeline: series and batch `k` are
/// provider `k`.
#[derive(Default)]
pub(in crate::engine) struct ManagedScalingState {
    pub providers: Vec<ManagedProvider>,
    pub pipeline: Pipeline<ReservationSample>,
}

impl ManagedScalingState {
    /// One provider per capacity provider with `managedScaling.status: ENABLED`, with the alarms
    /// `TargetTracking-<group>-AlarmHigh` and `-AlarmLow`.
    pub fn new(spec: &Spec) -> Self {
        let mut state = ManagedScalingState::default();
        for (provider, cp) in spec.capacity_providers.iter().enumerate() {
            let (Some(settings), CapacityProviderKind::AutoScalingGroup(group)) = (cp.managed_scaling, &cp.kind) else {
                continue;
            };
            let group = *group;
            let k = state.providers.len();
            let target = f64::from(settings.target_capacity);
            let alarms = tracking_alarms(TrackingPolicyOwner::CapacityProvider, target, false);
            let mut indices = Vec::new();
            for shape in alarms.iter() {
                let alarm = PipelineAlarm::new(
                    format!(
                        "TargetTracking-{}-{}",
                        spec.auto_scaling_groups[group].name, shape.name_suffix
                    ),
                    cp.name.clone(),
                    METRIC_NAME.to_string(),
                    shape.config,
                    AlarmAction::TargetTracking {
                        policy: k,
                        policy_name: POLICY_NAME.to_string(),
                        direction: shape.direction,
                    },
                );
                indices.push(state.pipeline.add(alarm.reading(k, k)));
            }
            let [high, low] = indices[..] else {
                unreachable!("managed scaling has a high and a low alarm");
            };
            state.providers.push(ManagedProvider {
                provider: ProviderIdx(provider),
                group,
                settings,
                high,
                low,
                last_blocked: false,
            });
        }
        state
    }
}

/// The pipeline of managed scaling.
pub(in crate::engine) struct ManagedScalingPipeline;

impl ScalingPipeline for ManagedScalingPipeline {
    type Sample = ReservationSample;
    const ALARM_TEXT: AlarmText = AlarmText::Managed;

    fn kind(&self) -> ScalingKind {
        ScalingKind::CapacityProvider
    }

    fn period_ms(&self) -> u64 {
        METRIC_PERIOD_MS
    }

    fn latency(&self, spec: &Spec) -> SimDuration {
        spec.behavior.cluster_auto_scaling.metric_latency
    }

    fn pipeline<'a>(&self, scaling: &'a mut ScalingState) -> &'a mut Pipeline<ReservationSample> {
        &mut scaling.providers.pipeline
    }

    fn datapoint(sample: &ReservationSample) -> Option<f64> {
        Some(sample.percent)
    }

    /// ECS's once-a-minute pass: it stops the tasks that waited too long for an instance, then
    /// computes each provider's CapacityProviderReservation.
    fn measure(&self, world: &mut World<'_>, sink: &mut dyn TraceSink) -> Result<Vec<ReservationSample>, SinkError> {
        world.stop_tasks_waiting_too_long(sink)?;
        Ok((0..world.scaling.providers.providers.len())
            .map(|k| world.reservation_sample(world.scaling.providers.providers[k].provider))
            .collect())
    }

    /// The provider's one policy acts on the alarm in ALARM (reference 6.4, 6.5).
    fn act(
        &self,
        world: &mut World<'_>,
        k: usize,
        _evaluated: &[Evaluated],
        samples: &[ReservationSample],
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let sample = samples[k];
        let (_, group, settings) = world.managed_provider(k);
        let spec = &world.spec.auto_scaling_groups[group];
        let wanted = desired_for_reservation(sample.n, sample.m, settings.target_capacity);
        let st = &world.scaling.providers.providers[k];
        let alarms = &world.scaling.providers.pipeline.alarms;
        let ask = PolicyAsk::from_alarms(
            alarms[st.high].evaluator.state,
            Some(alarms[st.low].evaluator.state),
            wanted.clamp(spec.min_size, spec.max_size),
            wanted.max(spec.min_size),
        );
        match agree(&[ask]) {
            Agreement::ScaleOut { capacity, .. } => world.managed_scale_out(k, sample, capacity, sink),
            Agreement::ScaleIn { capacity, .. } => world.managed_scale_in(k, sample, capacity, sink),
            Agreement::NoChange => Ok(()),
        }
    }
}

impl World<'_> {
    /// Provider index, group index and settings of managed provider `k`.
    fn managed_provider(&self, k: usize) -> (ProviderIdx, usize, ManagedScaling) {
        let st = &self.scaling.providers.providers[k];
        (st.provider, st.group, st.settings)
    }

    fn managed_scale_out(
        &mut self,
        k: usize,
        sample: ReservationSample,
        wanted: u32,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let (provider, group, settings) = self.managed_provider(k);
        let current = self.capacity.groups[group].desired;
        if wanted <= current {
            return Ok(());
        }
        let name = self.spec.capacity_providers[provider].name.clone();
        // Warm-up gate: no further scale-out until the newest launched instance is old enough.
        if let Some(launched) = self.capacity.groups[group].last_launch_at {
            let age = self.now.since(launched);
            if age < settings.instance_warmup_period {
                if !self.scaling.providers.providers[k].last_blocked {
                    self.scaling.providers.providers[k].last_blocked = true;
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
        self.scaling.providers.providers[k].last_blocked = false;
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
                fmt_value(sample.percent),
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
        self.capacity.groups[group].desired = wanted;
        self.replace_missing_instances(group, sink)
    }

    fn managed_scale_in(
        &mut self,
        k: usize,
        sample: ReservationSample,
        wanted: u32,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let (provider, group, settings) = self.managed_provider(k);
        let current = self.capacity.groups[group].desired;
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
                fmt_value(sample.percent),
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
        self.capacity.groups[group].desired = new_desired;
        for id in victims {
            self.retire_instance(id, "the Auto Scaling group scaled in", sink)?;
        }
        Ok(())
    }
}
