//! A node group's back-off after failed provisioning: nodes not registered within
//! `max-node-provision-time`, or an Auto Scaling group that cannot launch (k8s-semantics 5.3).

use crate::sim::{SimDuration, SimTime};

/// `--initial-node-group-backoff-duration` (5 min).
pub const INITIAL_BACKOFF: SimDuration = SimDuration::from_mins(5);
/// `--max-node-group-backoff-duration` (30 min).
pub const MAX_BACKOFF: SimDuration = SimDuration::from_mins(30);
/// `--node-group-backoff-reset-timeout` (3 h): a failure this long after the last one starts the
/// count again.
pub const BACKOFF_RESET_TIMEOUT: SimDuration = SimDuration::from_mins(180);

/// How long the group is skipped after its `consecutive_failures`-th failure in a row: 5 min,
/// doubling with each further failure, at most 30 min; zero without failures. The doubling is
/// the reference's inference.
pub fn backoff_duration(consecutive_failures: u32) -> SimDuration {
    if consecutive_failures == 0 {
        return SimDuration::ZERO;
    }
    let doublings = (consecutive_failures - 1).min(16);
    let ms = INITIAL_BACKOFF.as_millis() << doublings;
    SimDuration::from_millis(ms.min(MAX_BACKOFF.as_millis()))
}

/// Whether nodes asked for at `requested_at` and still not registered have failed by `now`.
pub fn provisioning_timed_out(requested_at: SimTime, now: SimTime, max_node_provision_time: SimDuration) -> bool {
    now >= requested_at + max_node_provision_time
}

/// A node group's failures, as Cluster Autoscaler remembers them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GroupBackoff {
    /// Failures in a row (none more than the reset timeout after the one before).
    pub consecutive_failures: u32,
    /// When the last one happened.
    pub last_failure: Option<SimTime>,
}

impl GroupBackoff {
    /// The state after a failure at `now`.
    pub fn after_failure(self, now: SimTime) -> GroupBackoff {
        let continues = self
            .last_failure
            .is_some_and(|last| now.since(last) < BACKOFF_RESET_TIMEOUT);
        GroupBackoff {
            consecutive_failures: if continues { self.consecutive_failures + 1 } else { 1 },
            last_failure: Some(now),
        }
    }

    /// The end of the current back-off, if there has been a failure.
    pub fn backed_off_until(&self) -> Option<SimTime> {
        self.last_failure
            .map(|last| last + backoff_duration(self.consecutive_failures))
    }

    /// Whether scale-up skips the group at `now`.
    pub fn is_backed_off(&self, now: SimTime) -> bool {
        self.backed_off_until().is_some_and(|until| now < until)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(failures: u32, minutes: u64) {
        assert_eq!(
            backoff_duration(failures),
            SimDuration::from_mins(minutes),
            "{failures} failures"
        );
    }

    #[test]
    fn backoff_doubles_from_five_minutes_to_thirty() {
        check(0, 0);
        check(1, 5);
        check(2, 10);
        check(3, 20);
        check(4, 30);
        check(5, 30);
        check(u32::MAX, 30);
    }

    #[test]
    fn provisioning_times_out_at_fifteen_minutes() {
        let fifteen = SimDuration::from_mins(15);
        let asked = SimTime(60_000);
        assert!(!provisioning_timed_out(asked, SimTime(60_000 + 899_999), fifteen));
        assert!(provisioning_timed_out(asked, SimTime(60_000 + 900_000), fifteen));
    }

    #[test]
    fn failures_count_up_and_reset_after_three_hours() {
        let minute = |m: u64| SimTime(m * 60_000);
        let none = GroupBackoff::default();
        assert!(!none.is_backed_off(minute(0)));
        let first = none.after_failure(minute(10));
        assert_eq!(first.backed_off_until(), Some(minute(15)));
        assert!(first.is_backed_off(minute(14)));
        assert!(!first.is_backed_off(minute(15)));
        let second = first.after_failure(minute(20));
        assert_eq!(
            (second.consecutive_failures, second.backed_off_until()),
            (2, Some(minute(30)))
        );
        // Three hours after the last failure the count starts again.
        let later = second.after_failure(minute(20 + 180));
        assert_eq!(
            (later.consecutive_failures, later.backed_off_until()),
            (1, Some(minute(205)))
        );
        let just_before = second.after_failure(minute(20 + 179));
        assert_eq!(just_before.consecutive_failures, 3);
    }
}
