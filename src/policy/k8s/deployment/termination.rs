//! When a deleted pod's containers get TERM and KILL (k8s-semantics 3.2, the kubelet's
//! `killContainer`): `preStop` runs first within the grace period, and the containers always
//! get at least 2 s after TERM.

use crate::sim::{SimDuration, SimTime};

/// The kubelet's minimal shutdown window after TERM (`minimumGracePeriodInSeconds`).
const MINIMUM_GRACE: SimDuration = SimDuration::from_secs(2);

/// The timeline of one pod's termination.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Termination {
    /// TERM is sent: when `preStop` ends, or when the grace period cuts it short.
    pub term_at: SimTime,
    /// KILL is sent to containers still running.
    pub kill_at: SimTime,
    /// The containers are gone (and the pod's resources freed): the app's exit after TERM or
    /// KILL, whichever comes first.
    pub stopped_at: SimTime,
}

/// The termination of a pod deleted at `deleted`, with `terminationGracePeriodSeconds`
/// `grace_s`, a `preStop` hook that takes `pre_stop_s` (0: none) and an app that exits
/// `shutdown` after TERM (k8s-semantics W26).
pub fn termination(deleted: SimTime, grace_s: u32, pre_stop_s: u32, shutdown: SimDuration) -> Termination {
    let grace = SimDuration::from_secs(u64::from(grace_s));
    // The hook runs only with a grace period, and at most for the whole of it.
    let pre_stop = if grace_s > 0 {
        SimDuration::from_secs(u64::from(pre_stop_s.min(grace_s)))
    } else {
        SimDuration::ZERO
    };
    let term_at = deleted.plus(pre_stop);
    let left = SimDuration(grace.0 - pre_stop.0).max(MINIMUM_GRACE);
    let kill_at = term_at.plus(left);
    Termination {
        term_at,
        kill_at,
        stopped_at: term_at.plus(shutdown).min(kill_at),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(grace_s: u32, pre_stop_s: u32, shutdown_s: u64, expected: (u64, u64, u64)) {
        let t = termination(SimTime(0), grace_s, pre_stop_s, SimDuration::from_secs(shutdown_s));
        assert_eq!(
            (t.term_at.0 / 1000, t.kill_at.0 / 1000, t.stopped_at.0 / 1000),
            expected,
            "(TERM, KILL, stopped) in seconds"
        );
    }

    #[test]
    fn pre_stop_runs_within_the_grace_period_then_term_then_kill() {
        // k8s-semantics W26: grace 30 s, preStop 40 s → cut at 30 s, 2 s more, killed at 32 s.
        check(30, 40, 3600, (30, 32, 32));
        check(30, 30, 3600, (30, 32, 32));
        check(30, 29, 3600, (29, 31, 31));
        check(30, 10, 3600, (10, 30, 30));
        check(30, 10, 5, (10, 30, 15));
        // No hook: TERM at once, KILL at the end of the grace period.
        check(30, 0, 3600, (0, 30, 30));
        check(30, 0, 0, (0, 30, 0));
        // The kubelet gives at least 2 s; a zero grace period skips the hook.
        check(1, 0, 3600, (0, 2, 2));
        check(0, 40, 3600, (0, 2, 2));
    }

    #[test]
    fn termination_is_measured_from_the_deletion() {
        let t = termination(SimTime(5_000), 30, 0, SimDuration::from_millis(1_500));
        assert_eq!(
            (t.term_at, t.kill_at, t.stopped_at),
            (SimTime(5_000), SimTime(35_000), SimTime(6_500))
        );
    }
}
