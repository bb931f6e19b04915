//! How far one tick may move `spec.replicas`: the legacy cap `max(2 x cur, 4)`, and the
//! behavior policies over the recent scale events (k8s-semantics 1.7.1, 1.7.3).

use super::history::HpaHistory;
use crate::model::k8s::{HpaScalingPolicy, ScalingPolicyKind, ScalingRules, SelectPolicy};
use crate::sim::{SimDuration, SimTime};

/// The legacy path's scale-up cap (behavior unset): `int(max(2.0 x cur, 4.0))`.
pub fn legacy_scale_up_limit(current_replicas: u32) -> u32 {
    current_replicas.saturating_mul(2).max(4)
}

/// The replica count at the start of `policy`'s period: `cur - added + removed` within it.
fn period_start(current_replicas: u32, policy: &HpaScalingPolicy, history: &HpaHistory, now: SimTime) -> i64 {
    let period = SimDuration::from_secs(u64::from(policy.period_s));
    let (added, removed) = history.changes_within(period, now);
    i64::from(current_replicas) - added as i64 + removed as i64
}

/// The highest count `scaleUp` allows now: per policy `start + value` (Pods) or
/// `ceil(start x (1 + value/100))` (Percent); `Max` takes the largest, `Min` the smallest,
/// `Disabled` allows none (`cur`). May be below `cur` while recent scale-ups fill the period.
pub fn scale_up_limit(current_replicas: u32, rules: &ScalingRules, history: &HpaHistory, now: SimTime) -> i64 {
    let proposals = rules.policies.iter().map(|policy| {
        let start = period_start(current_replicas, policy, history, now);
        match policy.kind {
            ScalingPolicyKind::Pods => start + i64::from(policy.value),
            ScalingPolicyKind::Percent => (start as f64 * (1.0 + f64::from(policy.value) / 100.0)).ceil() as i64,
        }
    });
    match rules.select_policy {
        SelectPolicy::Disabled => i64::from(current_replicas),
        SelectPolicy::Max => proposals.max().unwrap_or(i64::from(i32::MIN)),
        SelectPolicy::Min => proposals.min().unwrap_or(i64::from(i32::MAX)),
    }
}

/// The lowest count `scaleDown` allows now: per policy `start - value` (Pods) or
/// `trunc(start x (1 - value/100))` (Percent); `Max` (largest change) takes the smallest,
/// `Min` the largest, `Disabled` allows none (`cur`).
pub fn scale_down_limit(current_replicas: u32, rules: &ScalingRules, history: &HpaHistory, now: SimTime) -> i64 {
    let proposals = rules.policies.iter().map(|policy| {
        let start = period_start(current_replicas, policy, history, now);
        match policy.kind {
            ScalingPolicyKind::Pods => start - i64::from(policy.value),
            ScalingPolicyKind::Percent => (start as f64 * (1.0 - f64::from(policy.value) / 100.0)) as i64,
        }
    });
    match rules.select_policy {
        SelectPolicy::Disabled => i64::from(current_replicas),
        SelectPolicy::Max => proposals.min().unwrap_or(i64::from(i32::MAX)),
        SelectPolicy::Min => proposals.max().unwrap_or(i64::from(i32::MIN)),
    }
}

/// The longest `periodSeconds` of a direction's policies: how long its events matter.
pub fn longest_period(rules: &ScalingRules) -> SimDuration {
    let longest = rules.policies.iter().map(|p| p.period_s).max().unwrap_or(0);
    SimDuration::from_secs(u64::from(longest))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(select_policy: SelectPolicy, policies: &[(ScalingPolicyKind, u32, u32)]) -> ScalingRules {
        ScalingRules {
            stabilization_window_s: Some(0),
            select_policy,
            policies: policies
                .iter()
                .map(|&(kind, value, period_s)| HpaScalingPolicy { kind, value, period_s })
                .collect(),
            tolerance: None,
        }
    }

    use ScalingPolicyKind::{Percent, Pods};
    use SelectPolicy::{Disabled, Max, Min};

    #[track_caller]
    fn check_up(cur: u32, r: &ScalingRules, history: &HpaHistory, now_s: u64, expected: i64) {
        assert_eq!(scale_up_limit(cur, r, history, SimTime(now_s * 1000)), expected);
    }

    #[track_caller]
    fn check_down(cur: u32, r: &ScalingRules, history: &HpaHistory, now_s: u64, expected: i64) {
        assert_eq!(scale_down_limit(cur, r, history, SimTime(now_s * 1000)), expected);
    }

    #[test]
    fn select_policy_in_both_directions_k8s_semantics_w11_w12() {
        let none = HpaHistory::default();
        // W12: Pods 2 + Percent 50, Min: up from 1 -> min(3, ceil(1.5)) = 2; down from 5 ->
        // max(3, trunc(2.5)) = 3.
        let w12 = rules(Min, &[(Pods, 2, 60), (Percent, 50, 60)]);
        check_up(1, &w12, &none, 0, 2);
        check_down(5, &w12, &none, 0, 3);
        let w12_max = rules(Max, &[(Pods, 2, 60), (Percent, 50, 60)]);
        check_up(1, &w12_max, &none, 0, 3);
        check_down(5, &w12_max, &none, 0, 2);
        // W11: Percent 10 + Pods 5, Min, from 400: max(360, 395) = 395.
        let w11 = rules(Min, &[(Percent, 10, 60), (Pods, 5, 60)]);
        check_down(400, &w11, &none, 0, 395);
        check_down(400, &rules(Max, &[(Percent, 10, 60), (Pods, 5, 60)]), &none, 0, 360);
        // Disabled allows nothing in its direction.
        check_up(7, &rules(Disabled, &[(Pods, 4, 15)]), &none, 0, 7);
        check_down(7, &rules(Disabled, &[(Pods, 4, 15)]), &none, 0, 7);
        // The defaults (k8s-semantics 1.8): up max(start + 4, 2 x start), down to 0.
        check_up(1, &ScalingRules::default_scale_up(), &none, 0, 5);
        check_up(10, &ScalingRules::default_scale_up(), &none, 0, 20);
        check_down(10, &ScalingRules::default_scale_down(), &none, 0, 0);
    }

    #[test]
    fn periods_are_strict_and_both_directions_shift_the_start() {
        // k8s-semantics W10's first minute: 80 -> 72 at t = 0.
        let w10 = rules(Max, &[(Pods, 4, 60), (Percent, 10, 60)]);
        let mut h = HpaHistory::default();
        check_down(80, &w10, &h, 0, 72); // min(76, trunc(72.0))
        h.record_scale(80, 72, SimTime(0), SimDuration::from_secs(60));
        check_down(72, &w10, &h, 15, 72); // start 72 + 8 = 80 again: nothing more this minute
        check_down(72, &w10, &h, 59, 72);
        check_down(72, &w10, &h, 60, 64); // the event at 0 is exactly 60 s old: out
        // A recent scale-down raises the scale-up allowance: start = 72 + 8 = 80.
        check_up(72, &rules(Max, &[(Pods, 4, 60)]), &h, 30, 84);
        // A recent scale-up lowers it below cur: no more until the period frees.
        let mut up = HpaHistory::default();
        up.record_scale(4, 8, SimTime(0), SimDuration::from_secs(60));
        check_up(8, &rules(Max, &[(Pods, 4, 60)]), &up, 59, 8);
        check_up(8, &rules(Max, &[(Pods, 4, 60)]), &up, 60, 12);
        check_up(8, &rules(Max, &[(Percent, 100, 60)]), &up, 30, 8);
    }

    #[test]
    fn legacy_cap_and_empty_policies() {
        assert_eq!(legacy_scale_up_limit(1), 4);
        assert_eq!(legacy_scale_up_limit(2), 4);
        assert_eq!(legacy_scale_up_limit(3), 6);
        assert_eq!(legacy_scale_up_limit(u32::MAX), u32::MAX);
        let none = HpaHistory::default();
        check_up(3, &rules(Max, &[]), &none, 0, i64::from(i32::MIN));
        check_down(3, &rules(Max, &[]), &none, 0, i64::from(i32::MAX));
        assert_eq!(
            longest_period(&rules(Max, &[(Pods, 1, 15), (Pods, 1, 90)])),
            SimDuration::from_secs(90)
        );
    }
}
