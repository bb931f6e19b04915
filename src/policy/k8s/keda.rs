//! KEDA's own scaling of a ScaledObject's target between zero and one pod (k8s-semantics
//! 1.10): every `pollingInterval` KEDA asks the scaler whether the trigger is active (its value
//! strictly above the activation threshold); an active trigger brings a Deployment at zero to
//! `max(minReplicaCount, 1)`, and with `minReplicaCount: 0` an inactive one takes it to zero
//! once `cooldownPeriod` has passed since the trigger was last active. Between one and the
//! maximum, the HPA KEDA creates scales.
//!
//! # How the engine calls this
//!
//! At each poll: read the trigger's value, call [`poll`] with the ScaledObject's
//! [`KedaMemory`] (kept per ScaledObject), and write `spec.replicas` when it returns a change.

use crate::sim::{SimDuration, SimTime};

/// A ScaledObject's settings that KEDA's own loop reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KedaSettings {
    /// `minReplicaCount` (0).
    pub min_replica_count: u32,
    /// `cooldownPeriod` (300 s).
    pub cooldown_period: SimDuration,
    /// `initialCooldownPeriod` (0 s), counted from the ScaledObject's creation.
    pub initial_cooldown_period: SimDuration,
    /// The activation threshold (`activationQueueLength`, 0).
    pub activation_threshold: u64,
}

/// What KEDA remembers of one ScaledObject (`status.lastActiveTime`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KedaMemory {
    /// The last poll at which the trigger was active.
    pub last_active: Option<SimTime>,
}

/// What one poll decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KedaAction {
    /// Nothing to do (the HPA scales, or the Deployment stays at zero).
    None,
    /// `KEDAScaleTargetActivated`: from zero to this many pods.
    Activate(u32),
    /// `KEDAScaleTargetDeactivated`: to zero, the cooldown having passed.
    Deactivate,
    /// Inactive, but the cooldown (or the initial cooldown) has not passed: stays up.
    CoolingDown,
    /// Below `minReplicaCount` (above zero): up to it.
    ToMinimum(u32),
}

/// One poll of KEDA's scale loop: `value` is the trigger's metric, `current` the Deployment's
/// `spec.replicas`, `created` when the ScaledObject was created.
pub fn poll(
    settings: &KedaSettings,
    memory: &mut KedaMemory,
    value: u64,
    current: u32,
    created: SimTime,
    now: SimTime,
) -> KedaAction {
    let active = value > settings.activation_threshold;
    if active {
        memory.last_active = Some(now);
        if current == 0 {
            return KedaAction::Activate(settings.min_replica_count.max(1));
        }
        return KedaAction::None;
    }
    if current > 0 && settings.min_replica_count == 0 {
        let initial = created + settings.initial_cooldown_period > now;
        let cooling = memory.last_active.is_some_and(|t| t + settings.cooldown_period > now);
        return if initial || cooling {
            KedaAction::CoolingDown
        } else {
            KedaAction::Deactivate
        };
    }
    if current < settings.min_replica_count {
        return KedaAction::ToMinimum(settings.min_replica_count);
    }
    KedaAction::None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(min: u32, activation: u64) -> KedaSettings {
        KedaSettings {
            min_replica_count: min,
            cooldown_period: SimDuration::from_secs(300),
            initial_cooldown_period: SimDuration::ZERO,
            activation_threshold: activation,
        }
    }

    /// One poll at `now_s` after a last activity at `last_active_s`: (action, remembered time).
    #[track_caller]
    fn check(
        s: KedaSettings,
        last_active_s: Option<u64>,
        value: u64,
        current: u32,
        now_s: u64,
        expected: KedaAction,
    ) -> Option<u64> {
        let mut memory = KedaMemory {
            last_active: last_active_s.map(|t| SimTime(t * 1000)),
        };
        let got = poll(&s, &mut memory, value, current, SimTime::ZERO, SimTime(now_s * 1000));
        assert_eq!(got, expected);
        memory.last_active.map(|t| t.0 / 1000)
    }

    #[test]
    fn activation_from_zero_is_strictly_above_the_threshold_k8s_semantics_1_10() {
        // 0 -> 1 on any message with the default activationQueueLength 0.
        assert_eq!(check(settings(0, 0), None, 1, 0, 30, KedaAction::Activate(1)), Some(30));
        // At the threshold the trigger is not active: stays at zero, no activity recorded.
        assert_eq!(check(settings(0, 5), None, 5, 0, 30, KedaAction::None), None);
        assert_eq!(check(settings(0, 5), None, 6, 0, 30, KedaAction::Activate(1)), Some(30));
        // From zero KEDA goes to minReplicaCount when it is above one.
        check(settings(3, 0), None, 10, 0, 30, KedaAction::Activate(3));
        // Active above zero: the HPA scales; KEDA only remembers the activity.
        assert_eq!(check(settings(0, 0), Some(0), 40, 4, 60, KedaAction::None), Some(60));
    }

    #[test]
    fn scale_to_zero_waits_for_the_cooldown_after_the_last_activity() {
        // Last active at 100 s, cooldown 300 s: at 390 s it cools down, at 400 s it goes to 0
        // (the cooldown must have passed: last active + 300 s is not after now).
        check(settings(0, 0), Some(100), 0, 2, 390, KedaAction::CoolingDown);
        check(settings(0, 0), Some(100), 0, 2, 400, KedaAction::Deactivate);
        // Never active since creation: straight to zero (initialCooldownPeriod 0)...
        check(settings(0, 0), None, 0, 2, 30, KedaAction::Deactivate);
        // ... unless the initial cooldown holds it.
        let mut s = settings(0, 0);
        s.initial_cooldown_period = SimDuration::from_secs(120);
        check(s, None, 0, 2, 90, KedaAction::CoolingDown);
        check(s, None, 0, 2, 120, KedaAction::Deactivate);
        // With minReplicaCount above zero KEDA never scales to zero, but lifts a Deployment
        // below it.
        check(settings(2, 0), Some(0), 0, 2, 900, KedaAction::None);
        check(settings(2, 0), Some(0), 0, 1, 900, KedaAction::ToMinimum(2));
        // Already at zero and inactive: nothing.
        check(settings(0, 0), Some(0), 0, 0, 900, KedaAction::None);
    }
}
