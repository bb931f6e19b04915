//! Several target tracking policies on one scalable target (reference 2.6, and 7 for Auto Scaling
//! groups): any policy may scale out; scale-in happens only when every policy that may scale in
//! wants to; in both directions the largest capacity asked for wins (cases 10 and 11).

use crate::metrics::AlarmState;

/// Where one policy stands at an evaluation of its alarms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyAsk {
    /// Its high alarm is in ALARM: it asks for this capacity.
    ScaleOut(u32),
    /// Its low alarm is in ALARM: it asks for this capacity.
    ScaleIn(u32),
    /// Neither alarm is in ALARM: it is not ready to scale in, so no policy scales in.
    NotReady,
    /// It has no low alarm (`DisableScaleIn`) and its high alarm is not in ALARM: it takes no
    /// part in a scale-in.
    ScaleInDisabled,
}

impl PolicyAsk {
    /// What a policy asks for, from its alarms' states (`low` is `None` when scale-in is
    /// disabled) and the capacities it would set in either direction. The high alarm wins if,
    /// with missing data, both are in ALARM.
    pub fn from_alarms(high: AlarmState, low: Option<AlarmState>, out_capacity: u32, in_capacity: u32) -> Self {
        match (high, low) {
            (AlarmState::Alarm, _) => PolicyAsk::ScaleOut(out_capacity),
            (_, None) => PolicyAsk::ScaleInDisabled,
            (_, Some(AlarmState::Alarm)) => PolicyAsk::ScaleIn(in_capacity),
            (_, Some(_)) => PolicyAsk::NotReady,
        }
    }
}

/// What the scalable target does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Agreement {
    /// Scale out to `capacity`, the largest any policy asks for; `policy` is the index of the
    /// first policy asking for it.
    ScaleOut {
        /// The capacity.
        capacity: u32,
        /// Index of the policy.
        policy: usize,
    },
    /// Scale in to `capacity`, the largest of what the policies ask for; `policy` as above.
    ScaleIn {
        /// The capacity.
        capacity: u32,
        /// Index of the policy.
        policy: usize,
    },
    /// No change: nobody asks for more, and some policy is not ready to scale in (or none may).
    NoChange,
}

/// Combines the policies of one scalable target (reference 2.6).
pub fn agree(asks: &[PolicyAsk]) -> Agreement {
    let largest = |pick: fn(&PolicyAsk) -> Option<u32>| {
        asks.iter()
            .enumerate()
            .filter_map(|(i, a)| pick(a).map(|c| (i, c)))
            // The first of equal capacities: `max_by_key` would keep the last.
            .fold(None, |best: Option<(usize, u32)>, (i, c)| match best {
                Some((_, b)) if b >= c => best,
                _ => Some((i, c)),
            })
    };
    let out = largest(|a| match a {
        PolicyAsk::ScaleOut(c) => Some(*c),
        _ => None,
    });
    if let Some((policy, capacity)) = out {
        return Agreement::ScaleOut { capacity, policy };
    }
    if asks.contains(&PolicyAsk::NotReady) {
        return Agreement::NoChange;
    }
    match largest(|a| match a {
        PolicyAsk::ScaleIn(c) => Some(*c),
        _ => None,
    }) {
        Some((policy, capacity)) => Agreement::ScaleIn { capacity, policy },
        None => Agreement::NoChange,
    }
}

#[cfg(test)]
mod tests {
    use super::PolicyAsk::{NotReady, ScaleIn, ScaleInDisabled, ScaleOut};
    use super::*;

    #[track_caller]
    fn check(asks: &[PolicyAsk], expected: Agreement) {
        assert_eq!(agree(asks), expected);
    }

    fn out(capacity: u32, policy: usize) -> Agreement {
        Agreement::ScaleOut { capacity, policy }
    }

    fn scale_in(capacity: u32, policy: usize) -> Agreement {
        Agreement::ScaleIn { capacity, policy }
    }

    #[test]
    fn case_10_two_policies() {
        // CPU wants out to 8, memory in to 5: any policy scales out.
        check(&[ScaleOut(8), ScaleIn(5)], out(8, 0));
        // Both in, CPU to 4 and memory to 5: the largest.
        check(&[ScaleIn(4), ScaleIn(5)], scale_in(5, 1));
        // CPU in to 4, memory not ready: no scale-in.
        check(&[ScaleIn(4), NotReady], Agreement::NoChange);
    }

    #[test]
    fn case_11_largest_scale_out_wins() {
        // Current 10; policy A +3 (13), policy B +200 % (30).
        check(&[ScaleOut(13), ScaleOut(30)], out(30, 1));
        check(&[ScaleOut(30), ScaleOut(13)], out(30, 0));
        // Equal capacities: the first policy is named.
        check(&[ScaleOut(7), ScaleOut(7)], out(7, 0));
        check(&[ScaleIn(7), ScaleIn(7)], scale_in(7, 0));
    }

    #[test]
    fn policies_without_scale_in_take_no_part() {
        // Reference 2.6: all policies *with scale-in enabled* must agree.
        check(&[ScaleInDisabled, ScaleIn(3)], scale_in(3, 1));
        check(&[ScaleInDisabled, NotReady], Agreement::NoChange);
        check(&[ScaleInDisabled], Agreement::NoChange);
        check(&[ScaleInDisabled, ScaleOut(9)], out(9, 1));
        check(&[], Agreement::NoChange);
    }

    #[test]
    fn asks_from_alarm_states() {
        use AlarmState::{Alarm, InsufficientData, Ok};
        assert_eq!(PolicyAsk::from_alarms(Alarm, Some(Ok), 6, 2), ScaleOut(6));
        assert_eq!(PolicyAsk::from_alarms(Alarm, Some(Alarm), 6, 2), ScaleOut(6));
        assert_eq!(PolicyAsk::from_alarms(Ok, Some(Alarm), 6, 2), ScaleIn(2));
        assert_eq!(PolicyAsk::from_alarms(Ok, Some(Ok), 6, 2), NotReady);
        // INSUFFICIENT_DATA never scales in (reference 2.3).
        assert_eq!(
            PolicyAsk::from_alarms(InsufficientData, Some(InsufficientData), 6, 2),
            NotReady
        );
        assert_eq!(PolicyAsk::from_alarms(Ok, None, 6, 2), ScaleInDisabled);
        assert_eq!(PolicyAsk::from_alarms(Alarm, None, 6, 2), ScaleOut(6));
    }
}
