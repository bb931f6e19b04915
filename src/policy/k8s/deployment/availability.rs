//! When a Ready pod counts as available (k8s-semantics 2.4, `IsPodAvailable`): Ready for more
//! than `minReadySeconds`.

use crate::sim::{SimDuration, SimTime};

/// Whether a pod Ready since `ready_since` (`None`: not Ready) is available at `now`:
/// `minReadySeconds` 0, or `ready_since + minReadySeconds < now` (strictly).
pub fn is_available(ready_since: Option<SimTime>, min_ready_seconds: u32, now: SimTime) -> bool {
    match ready_since {
        None => false,
        Some(_) if min_ready_seconds == 0 => true,
        Some(since) => since.plus(SimDuration::from_secs(u64::from(min_ready_seconds))) < now,
    }
}

/// The first instant a pod Ready at `ready_at` is available: at once with `minReadySeconds` 0,
/// else one millisecond after `ready_at + minReadySeconds` (the comparison is strict). The
/// engine recounts the ReplicaSet's available pods then.
pub fn available_at(ready_at: SimTime, min_ready_seconds: u32) -> SimTime {
    if min_ready_seconds == 0 {
        ready_at
    } else {
        ready_at.plus(SimDuration::from_millis(u64::from(min_ready_seconds) * 1000 + 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(ready_since_s: Option<u64>, min_ready_seconds: u32, now_ms: u64, expected: bool) {
        let since = ready_since_s.map(|s| SimTime(s * 1000));
        assert_eq!(is_available(since, min_ready_seconds, SimTime(now_ms)), expected);
        if let Some(since) = since {
            // available_at is the first instant is_available holds.
            let first = available_at(since, min_ready_seconds);
            assert!(is_available(Some(since), min_ready_seconds, first));
            assert!(first == since || !is_available(Some(since), min_ready_seconds, SimTime(first.0 - 1)));
        }
    }

    #[test]
    fn ready_pods_become_available_strictly_after_min_ready_seconds() {
        // k8s-semantics W24: Ready at 100 s, minReadySeconds 10 → available only after 110 s.
        check(Some(100), 10, 109_999, false);
        check(Some(100), 10, 110_000, false);
        check(Some(100), 10, 110_001, true);
        check(Some(100), 0, 100_000, true);
        check(None, 0, 1_000_000, false);
        check(Some(0), 1, 1_001, true);
        check(Some(0), 1, 1_000, false);
        assert_eq!(available_at(SimTime(100_000), 10), SimTime(110_001));
        assert_eq!(available_at(SimTime(100_000), 0), SimTime(100_000));
    }
}
