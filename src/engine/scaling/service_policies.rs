//! Application Auto Scaling policies invoked by their alarms: target tracking (any policy scales
//! out, all must agree to scale in) and step scaling, with cooldowns, suspended states and the
//! hold on scale-in during a deployment; every decision is an `events.csv` row.

use super::service::AlarmRef;
use crate::engine::world::World;
use crate::metrics::AlarmState;
use crate::model::TaskState;
use crate::policy::scaling_decision::{Direction, NotScaledReason, ScalingDecision};
use crate::policy::target_tracking::{Agreement, PolicyAsk, agree};
use crate::policy::{step_scaling, target_tracking};
use crate::sim::{ServiceIdx, SimDuration};
use crate::spec::PolicyKind;
use crate::trace::{DesiredCause, EventDetail, EventKind, SinkError, TraceSink};

impl World<'_> {
    fn running(&self, service: ServiceIdx) -> u32 {
        self.services[service].counts[TaskState::Running.index()]
    }

    pub(in crate::engine) fn invoke_target_tracking(
        &mut self,
        p: usize,
        direction: Direction,
        alarm: AlarmRef,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let policy = &self.spec.auto_scaling.scaling_policies[p];
        let PolicyKind::TargetTracking(tt) = &policy.kind else {
            unreachable!("managed alarms belong to target tracking")
        };
        let service = policy.service;
        let Some(t) = self.scaling.services.target_of(service) else {
            return Ok(());
        };
        let suspended = self.spec.auto_scaling.scalable_targets[t].suspended;
        if direction == Direction::Out && suspended.dynamic_scaling_out
            || direction == Direction::In && suspended.dynamic_scaling_in
        {
            return Ok(());
        }
        let Some(metric) = self.scaling.services.alarm(alarm).evaluator.latest_value() else {
            return Ok(());
        };
        let target = &self.scaling.services.targets[t];
        let obs = target_tracking::Observation {
            running: self.running(service),
            desired: self.services[service].desired,
            metric,
            min_capacity: target.min,
            max_capacity: target.max,
        };
        let params = target_tracking::TargetTrackingParams {
            target_value: tt.target_value,
            disable_scale_in: tt.disable_scale_in,
        };
        let mut decision = target_tracking::decide(direction, &obs, &params);
        if direction == Direction::In {
            if self.services[service].deployment.is_some() {
                decision = not_scaled(NotScaledReason::DeploymentInProgress, &decision);
            } else if self.now < target.scale_in_cooldown_until {
                decision = not_scaled(NotScaledReason::ScaleInCooldown, &decision);
            } else {
                // Scale in only if every policy that may scale in wants to, to the largest
                // capacity any of them asks for (reference 2.6).
                let (own, _) = target_tracking::proportional_capacity(&obs, tt.target_value);
                decision = match agree(&self.scale_in_asks(p, own, service)) {
                    Agreement::ScaleIn { capacity: n, .. } => match decision {
                        ScalingDecision::SetDesired { desired, explanation } if n > desired => {
                            if n < obs.desired {
                                ScalingDecision::SetDesired {
                                    desired: n,
                                    explanation: format!("{explanation}; another policy needs {n}"),
                                }
                            } else {
                                not_scaled(
                                    NotScaledReason::AlreadyAtDesiredCapacity,
                                    &ScalingDecision::SetDesired { desired, explanation },
                                )
                            }
                        }
                        other => other,
                    },
                    Agreement::ScaleOut { .. } | Agreement::NoChange => {
                        not_scaled(NotScaledReason::OtherPolicyNotReadyToScaleIn, &decision)
                    }
                };
            }
        }
        let cooldown = if direction == Direction::Out {
            tt.scale_out_cooldown
        } else {
            tt.scale_in_cooldown
        };
        self.apply_decision(p, alarm, direction, decision, cooldown.as_millis(), sink)
    }

    /// Where the target tracking policies of `service` that may scale in stand when policy `p`,
    /// asking for `own`, is invoked by its low alarm: the others are ready when their low alarm
    /// is in ALARM too.
    fn scale_in_asks(&self, p: usize, own: u32, service: ServiceIdx) -> Vec<PolicyAsk> {
        let t = self.scaling.services.target_of(service).expect("policies have targets");
        let target = &self.scaling.services.targets[t];
        let mut asks = Vec::new();
        for &q in self.scaling.services.policies_of(service) {
            let policy = &self.spec.auto_scaling.scaling_policies[q];
            let PolicyKind::TargetTracking(tt) = &policy.kind else {
                continue;
            };
            let Some(low) = self.scaling.services.policies[q].low_alarm else {
                continue;
            };
            if policy.service != service {
                continue;
            }
            if q == p {
                asks.push(PolicyAsk::ScaleIn(own));
                continue;
            }
            let alarm = self.scaling.services.alarm(low);
            if alarm.evaluator.state != AlarmState::Alarm {
                asks.push(PolicyAsk::NotReady);
                continue;
            }
            let obs = target_tracking::Observation {
                running: self.running(service),
                desired: self.services[service].desired,
                metric: alarm.evaluator.latest_value().unwrap_or(0.0),
                min_capacity: target.min,
                max_capacity: target.max,
            };
            let (n, _) = target_tracking::proportional_capacity(&obs, tt.target_value);
            asks.push(PolicyAsk::ScaleIn(n));
        }
        asks
    }

    pub(in crate::engine) fn invoke_step_scaling(
        &mut self,
        p: usize,
        alarm: AlarmRef,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let policy = &self.spec.auto_scaling.scaling_policies[p];
        let PolicyKind::StepScaling(step) = &policy.kind else {
            return Ok(());
        };
        let service = policy.service;
        let Some(t) = self.scaling.services.target_of(service) else {
            return Ok(());
        };
        let Some(metric) = self.scaling.services.alarm(alarm).evaluator.latest_value() else {
            return Ok(());
        };
        let threshold = self.scaling.services.alarm(alarm).evaluator.config.threshold;
        let running = self.running(service);
        let state = &self.scaling.services.policies[p];
        let in_cooldown = self.now < state.cooldown_until;
        // During a scale-out cooldown, capacity counts from before the activity that started it.
        let base = match (in_cooldown, state.scale_out_base) {
            (true, Some(base)) => base,
            _ => running,
        };
        let target = &self.scaling.services.targets[t];
        let desired = self.services[service].desired;
        let decision = step_scaling::decide(metric, threshold, base, desired, &step.params, target.min, target.max);
        let direction = match decision.desired() {
            Some(n) if n < desired => Direction::In,
            _ => Direction::Out,
        };
        let suspended = self.spec.auto_scaling.scalable_targets[t].suspended;
        if direction == Direction::Out && suspended.dynamic_scaling_out
            || direction == Direction::In && suspended.dynamic_scaling_in
        {
            return Ok(());
        }
        let decision = if direction == Direction::In && self.services[service].deployment.is_some() {
            not_scaled(NotScaledReason::DeploymentInProgress, &decision)
        } else if direction == Direction::In && (in_cooldown || self.now < target.scale_in_cooldown_until) {
            not_scaled(NotScaledReason::ScaleInCooldown, &decision)
        } else {
            decision
        };
        if direction == Direction::Out && decision.desired().is_some() && !in_cooldown {
            self.scaling.services.policies[p].scale_out_base = Some(running);
        }
        let cooldown = step.cooldown.as_millis();
        self.apply_decision(p, alarm, direction, decision, cooldown, sink)
    }

    fn apply_decision(
        &mut self,
        p: usize,
        alarm: AlarmRef,
        direction: Direction,
        decision: ScalingDecision,
        cooldown_ms: u64,
        sink: &mut dyn TraceSink,
    ) -> Result<(), SinkError> {
        let policy = &self.spec.auto_scaling.scaling_policies[p];
        let service = policy.service;
        let name = self.spec.services[service].name.clone();
        let reason = self.scaling.services.alarm(alarm).reason();
        match decision {
            ScalingDecision::SetDesired {
                desired: new,
                explanation,
            } => {
                let old = self.services[service].desired;
                let t = self.scaling.services.target_of(service).expect("policies have targets");
                let until = self.now + SimDuration::from_millis(cooldown_ms);
                let state = &mut self.scaling.services.policies[p];
                state.last_not_scaled = None;
                match direction {
                    Direction::Out => {
                        state.scale_out_cooldown_until = until;
                        if self.now >= state.cooldown_until {
                            state.cooldown_until = until;
                        }
                        // A scale-out ends any scale-in cooldown (reference 2.5, case 9).
                        self.scaling.services.targets[t].scale_in_cooldown_until = self.now;
                    }
                    Direction::In => {
                        state.cooldown_until = until;
                        state.scale_out_base = None;
                        self.scaling.services.targets[t].scale_in_cooldown_until = until;
                    }
                }
                self.set_desired(service, new);
                self.log_detail(
                    sink,
                    EventKind::ScalingActivity,
                    name,
                    format!("{}: {reason}; desired {old} -> {new} = {explanation}", policy.name),
                    EventDetail::DesiredChange {
                        from: old,
                        to: new,
                        cause: DesiredCause::ScalingPolicy,
                        name: policy.name.clone(),
                    },
                )
            }
            ScalingDecision::NotScaled {
                reason: why,
                explanation,
            } => {
                let state = &mut self.scaling.services.policies[p];
                if state.last_not_scaled == Some(why) {
                    return Ok(());
                }
                state.last_not_scaled = Some(why);
                self.log(
                    sink,
                    EventKind::NotScaled,
                    name,
                    format!(
                        "{}: {reason}; not scaled: {} ({explanation})",
                        policy.name,
                        why.as_str()
                    ),
                )
            }
        }
    }
}

fn not_scaled(reason: NotScaledReason, decision: &ScalingDecision) -> ScalingDecision {
    let explanation = match decision {
        ScalingDecision::SetDesired { explanation, .. } | ScalingDecision::NotScaled { explanation, .. } => {
            explanation.clone()
        }
    };
    ScalingDecision::NotScaled { reason, explanation }
}
