//! Node expiry (k8s-semantics 6.7): a NodeClaim older than `expireAfter` is drained at once,
//! without a replacement first and without a budget; with `terminationGracePeriod` the drain
//! may wait for blocked pods (PDBs, `do-not-disrupt`) that long, then the node is forced down.

use crate::sim::{SimDuration, SimTime};

/// `expireAfter`'s default: 720 h.
pub const DEFAULT_EXPIRE_AFTER: SimDuration = SimDuration::from_secs(720 * 3600);

/// When a node's life ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Expiry {
    /// The drain starts (launch + `expireAfter`).
    pub drain_at: SimTime,
    /// The node is terminated even if pods still block the drain (drain start +
    /// `terminationGracePeriod`); `None`: blocked pods hold it until they leave.
    pub force_terminate_at: Option<SimTime>,
}

/// The expiry of a node launched at `launched_at`; `None` when `expire_after` is `Never`.
pub fn expiry(
    launched_at: SimTime,
    expire_after: Option<SimDuration>,
    termination_grace_period: Option<SimDuration>,
) -> Option<Expiry> {
    let drain_at = launched_at.plus(expire_after?);
    Some(Expiry {
        drain_at,
        force_terminate_at: termination_grace_period.map(|grace| drain_at.plus(grace)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hours(h: u64) -> SimDuration {
        SimDuration::from_secs(h * 3600)
    }

    #[track_caller]
    fn check(launched_h: u64, expire_after: Option<u64>, grace: Option<u64>, expected: Option<(u64, Option<u64>)>) {
        let got = expiry(
            SimTime::ZERO + hours(launched_h),
            expire_after.map(hours),
            grace.map(hours),
        );
        let expected = expected.map(|(drain, force)| Expiry {
            drain_at: SimTime::ZERO + hours(drain),
            force_terminate_at: force.map(|f| SimTime::ZERO + hours(f)),
        });
        assert_eq!(got, expected);
    }

    #[test]
    fn nodes_drain_at_expire_after_and_are_forced_after_the_grace_period() {
        // k8s-semantics W37: expireAfter 720h, terminationGracePeriod 1h -> drain at 720 h,
        // force-terminated by 721 h.
        check(0, Some(720), Some(1), Some((720, Some(721))));
        check(5, Some(720), None, Some((725, None)));
        check(0, None, Some(1), None);
        check(0, Some(0), None, Some((0, None)));
        assert_eq!(DEFAULT_EXPIRE_AFTER, hours(720));
    }
}
