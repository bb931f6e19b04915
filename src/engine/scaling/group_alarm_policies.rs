//! EC2 Auto Scaling step and simple policies of the groups (reference 7.1): the CloudWatch alarms
//! on a group's average CPU run in the groups' pipeline (`auto_scaling_group`), and while one is
//! in ALARM each evaluation invokes the policies its `AlarmActions` name. A step policy answers
//! every invocation (warming instances are not current capacity on scale-out, and scale-in waits
//! for them); a simple policy waits for its scaling activity to finish and then its cooldown.

use crate::engine::world::World;
use crate::metrics::AlarmState;
use crate::model::{InstanceId, InstanceState};
use crate::policy::group_step_scaling::{self, GroupCapacity, GroupPolicyKind, SimpleGate};
use crate::policy::scaling_decision::{NotScaledReason, ScalingDecision};
use crate::sim::{SimDuration, SimTime};
use crate::spec::Spec;
use crate::trace::{DesiredCause, EventDetail, EventKind, SinkError, TraceSink};

use super::pipeline::{AlarmAction, Evaluated};

/// What one step or simple policy of a group remembers between invocations.
#[derive(Clone, Debug, Default)]
pub(in crate::engine) struct GroupPolicyState {
    /// Simple: the instances its last scaling activity launches or terminates, not yet done.
    pub activity: Vec<InstanceId>,
    /// Simple: the end of the cooldown that followed its last activity.
    pub cooldown_until: Option<SimTime>,
    /// The last reason it did not scale, so a repeated reason is logged once.
    pub last_not_scaled: Option<NotScaledReason>,
}

/// The state of every group's step and simple policies, by group, then policy.
pub(in crate::engine) fn group_policy_states(spec: &Spec) -> Vec<Vec<GroupPolicyState>> {
    spec.auto_scaling_groups
        .iter()
        .map(|g| vec![GroupPolicyState::default(); g.alarm_policies.len()])
        .collect()
}

impl World<'_> {
    /// Invokes the policies of the group's alarms that are in ALARM after this evaluation:
    /// Auto Scaling actions repeat at each evaluation in ALARM (reference 5).
    pub(in crate::engine) fn apply_group_alarm_policies(
        &mut self,
        group: usize,
        evaluated: &[Evaluated],
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        for e in evaluated.iter().filter(|e| e.after == AlarmState::Alarm) {
            let alarm = &self.scaling.groups.pipeline.alarms[e.alarm];
            let AlarmAction::GroupPolicies { policies, .. } = &alarm.action else {
                continue;
            };
            let Some(metric) = alarm.evaluator.latest_value() else {
                continue;
            };
            let invocation = Invocation {
                metric,
                threshold: alarm.evaluator.config.threshold,
                reason: alarm.reason(),
            };
            for p in policies.clone() {
                self.invoke_group_policy(group, p, &invocation, sink)?;
            }
        }
        Ok(())
    }

    /// The group's desired capacity, the instances warming up for `warmup` (launching, or in
    /// service for less than it) and those terminating (draining).
    fn group_capacity(&self, group: usize, warmup: SimDuration) -> GroupCapacity {
        let (mut warming, mut terminating) = (0, 0);
        for id in &self.capacity.groups[group].live {
            let i = &self.capacity.instances[id];
            match i.state {
                InstanceState::Launching => warming += 1,
                // Instances there at the start of the run are warm.
                InstanceState::Active if i.launched_at > SimTime::ZERO && self.now.since(i.launched_at) < warmup => {
                    warming += 1
                }
                InstanceState::Draining => terminating += 1,
                _ => {}
            }
        }
        GroupCapacity {
            desired: self.capacity.groups[group].desired,
            warming,
            terminating,
        }
    }

    fn invoke_group_policy(
        &mut self,
        group: usize,
        p: usize,
        invocation: &Invocation,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let spec = &self.spec.auto_scaling_groups[group];
        let policy = &spec.alarm_policies[p];
        let state = &self.scaling.group_policies[group][p];
        if policy.kind == GroupPolicyKind::Simple {
            let gate = group_step_scaling::simple_gate(!state.activity.is_empty(), state.cooldown_until, self.now);
            if gate != SimpleGate::Ready {
                // AWS answers nothing to the alarm while the policy waits (reference 7.1, case 45).
                return Ok(());
            }
        }
        let capacity = self.group_capacity(group, policy.instance_warmup);
        let decision = group_step_scaling::decide(
            policy.kind,
            invocation.metric,
            invocation.threshold,
            capacity,
            &policy.params,
            (spec.min_size, spec.max_size),
        );
        let name = spec.name.clone();
        let policy_name = policy.name.clone();
        match decision {
            ScalingDecision::SetDesired { desired, explanation } => {
                self.scaling.group_policies[group][p].last_not_scaled = None;
                let old = capacity.desired;
                let message = format!(
                    "{policy_name}: {}; desired {old} -> {desired} = {explanation}.",
                    invocation.reason
                );
                let activity = self.set_group_desired(group, desired, (&message, &policy_name), sink)?;
                if spec.alarm_policies[p].kind == GroupPolicyKind::Simple {
                    let cooldown = spec.alarm_policies[p].cooldown;
                    let state = &mut self.scaling.group_policies[group][p];
                    state.cooldown_until = activity.is_empty().then_some(self.now + cooldown);
                    state.activity = activity;
                }
                Ok(())
            }
            ScalingDecision::NotScaled { reason, explanation } => {
                let state = &mut self.scaling.group_policies[group][p];
                if state.last_not_scaled == Some(reason) {
                    return Ok(());
                }
                state.last_not_scaled = Some(reason);
                self.log(
                    sink,
                    EventKind::NotScaled,
                    name,
                    format!(
                        "{policy_name}: {}; not scaled: {} ({explanation})",
                        invocation.reason,
                        reason.as_str()
                    ),
                )
            }
        }
    }

    /// Sets the group's desired capacity for a policy and launches or retires instances;
    /// returns the instances of the scaling activity. Instances protected from scale-in are never
    /// chosen, so a scale-in may remove fewer than asked (or none, and log nothing).
    fn set_group_desired(
        &mut self,
        group: usize,
        wanted: u32,
        (message, policy_name): (&str, &str),
        sink: &mut dyn TraceSink,
    ) -> Result<Vec<InstanceId>, SinkError> {
        let spec = &self.spec.auto_scaling_groups[group];
        let current = self.capacity.groups[group].desired;
        let change = |to: u32| EventDetail::DesiredChange {
            from: current,
            to,
            cause: DesiredCause::GroupPolicy,
            name: policy_name.to_string(),
        };
        if wanted > current {
            self.log_detail(
                sink,
                EventKind::ScalingActivity,
                spec.name.clone(),
                message.to_string(),
                change(wanted),
            )?;
            self.capacity.groups[group].desired = wanted;
            let before: Vec<InstanceId> = self.capacity.groups[group].live.clone();
            self.replace_missing_instances(group, sink)?;
            let live = &self.capacity.groups[group].live;
            return Ok(live.iter().copied().filter(|i| !before.contains(i)).collect());
        }
        let victims = if spec.new_instances_protected_from_scale_in {
            Vec::new()
        } else {
            self.choose_instances_to_terminate(group, (current - wanted) as usize, false)
        };
        if victims.is_empty() {
            return Ok(victims);
        }
        let new_desired = current - victims.len() as u32;
        self.log_detail(
            sink,
            EventKind::ScalingActivity,
            spec.name.clone(),
            message.to_string(),
            change(new_desired),
        )?;
        self.capacity.groups[group].desired = new_desired;
        for id in &victims {
            self.retire_instance(*id, "the Auto Scaling group scaled in", sink)?;
        }
        // Retiring may terminate at once: what is gone already is done.
        let live = &self.capacity.groups[group].live;
        Ok(victims.into_iter().filter(|i| live.contains(i)).collect())
    }

    /// An instance of `group` finished launching (registered) or terminating: a simple policy
    /// whose activity it was starts its cooldown once the activity's last instance is done.
    pub(in crate::engine) fn on_group_activity_progress(&mut self, group: usize, id: InstanceId) {
        let now = self.now;
        let policies = &self.spec.auto_scaling_groups[group].alarm_policies;
        for (state, policy) in self.scaling.group_policies[group].iter_mut().zip(policies) {
            let before = state.activity.len();
            state.activity.retain(|i| *i != id);
            if before > 0 && state.activity.is_empty() {
                state.cooldown_until = Some(now + policy.cooldown);
            }
        }
    }
}

/// One invocation of a group's policies by an alarm in ALARM.
struct Invocation {
    /// The alarm's latest datapoint.
    metric: f64,
    /// Its threshold.
    threshold: f64,
    /// Why it is in ALARM, for the event log.
    reason: String,
}
