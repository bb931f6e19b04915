//! Karpenter's provisioning batch window (k8s-semantics 6.2 step 1): the first provisionable pod
//! opens it; each further pod restarts an idle timer; it closes after `BATCH_IDLE_DURATION`
//! (1 s) without a new pod or `BATCH_MAX_DURATION` (10 s) after it opened, whichever is first.

use crate::sim::{SimDuration, SimTime};

/// `BATCH_IDLE_DURATION`'s default.
pub const DEFAULT_BATCH_IDLE: SimDuration = SimDuration::from_secs(1);
/// `BATCH_MAX_DURATION`'s default.
pub const DEFAULT_BATCH_MAX: SimDuration = SimDuration::from_secs(10);

/// The batch window as a small state machine the engine drives: `on_pod` when a pod becomes
/// provisionable, `close_if_due` when the time `on_pod` returned arrives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BatchWindow {
    idle: SimDuration,
    max: SimDuration,
    /// When the open window opened and when its last pod came; `None` while closed.
    open: Option<(SimTime, SimTime)>,
}

impl Default for BatchWindow {
    fn default() -> Self {
        BatchWindow::new(DEFAULT_BATCH_IDLE, DEFAULT_BATCH_MAX)
    }
}

impl BatchWindow {
    /// A closed window with these durations (`BATCH_IDLE_DURATION`, `BATCH_MAX_DURATION`).
    pub fn new(idle: SimDuration, max: SimDuration) -> BatchWindow {
        BatchWindow { idle, max, open: None }
    }

    /// A pod became provisionable at `now`: opens the window or restarts its idle timer.
    /// Returns when the window now closes (schedule a check then; earlier checks are stale).
    /// A pod at the very instant the window is due still joins it: its event came first.
    pub fn on_pod(&mut self, now: SimTime) -> SimTime {
        let opened = match self.open {
            Some((opened, _)) => opened,
            None => now,
        };
        self.open = Some((opened, now));
        self.closes_at().unwrap_or(now)
    }

    /// When the open window closes: `min(last pod + idle, opened + max)`; `None` while closed.
    pub fn closes_at(&self) -> Option<SimTime> {
        self.open
            .map(|(opened, last)| (last + self.idle).min(opened + self.max))
    }

    /// Whether the window is open.
    pub fn is_open(&self) -> bool {
        self.open.is_some()
    }

    /// If the window is open and due at `now`, closes it and returns true: provision the
    /// pending pods now. Otherwise (closed, or a stale check) returns false.
    pub fn close_if_due(&mut self, now: SimTime) -> bool {
        match self.closes_at() {
            Some(at) if at <= now => {
                self.open = None;
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(ms: u64) -> SimTime {
        SimTime(ms)
    }

    /// Drives a default window with pods at `arrivals_ms` and returns when it closes.
    #[track_caller]
    fn check(arrivals_ms: &[u64], closes_ms: u64) {
        let mut window = BatchWindow::default();
        for &t in arrivals_ms {
            // Every pod arrives while the window is still open (or before it opens).
            let open_until = window.closes_at();
            assert!(
                open_until.is_none_or(|at| at.0 >= t),
                "closed at {open_until:?} before {t} ms"
            );
            window.on_pod(ms(t));
        }
        assert_eq!(window.closes_at(), Some(ms(closes_ms)), "{arrivals_ms:?}");
        assert!(!window.close_if_due(ms(closes_ms - 1)), "not due before");
        assert!(window.close_if_due(ms(closes_ms)));
        assert!(!window.is_open());
        assert!(!window.close_if_due(ms(closes_ms)), "closes once");
    }

    #[test]
    fn windows_close_after_one_idle_second_or_ten_seconds() {
        // k8s-semantics W35: pods at 0, 0.5, 1.2 s then none -> closes at 2.2 s.
        check(&[0, 500, 1200], 2200);
        // k8s-semantics W35: a pod every 0.5 s from 0 -> closes at 10 s (the maximum).
        let every_half_second: Vec<u64> = (0..20).map(|i| i * 500).collect();
        check(&every_half_second, 10_000);
        check(&[0], 1000);
        // k8s-semantics W42: the HPA's 4 new pods turn Pending together at 15 s -> the batch
        // closes 1 s later.
        check(&[15_000, 15_000, 15_000, 15_000], 16_000);
        check(&[3000], 4000);
        // A pod exactly 1 s after the last one still joins (its event came before the close).
        check(&[0, 1000, 2000], 3000);
        // A pod every 0.9 s: the idle timer never fires; the 10 s maximum does.
        check(
            &[0, 900, 1800, 2700, 3600, 4500, 5400, 6300, 7200, 8100, 9000, 9900],
            10_000,
        );
    }

    #[test]
    fn a_new_window_opens_after_a_close_and_stale_checks_are_ignored() {
        let mut window = BatchWindow::default();
        assert_eq!(window.closes_at(), None);
        assert!(!window.close_if_due(ms(5000)), "nothing open");
        assert_eq!(window.on_pod(ms(0)), ms(1000));
        assert_eq!(window.on_pod(ms(600)), ms(1600));
        assert!(!window.close_if_due(ms(1000)), "the check scheduled for 1 s is stale");
        assert!(window.close_if_due(ms(1600)));
        assert_eq!(window.on_pod(ms(20_000)), ms(21_000));
        let mut custom = BatchWindow::new(SimDuration::from_secs(2), SimDuration::from_secs(3));
        custom.on_pod(ms(0));
        assert_eq!(custom.on_pod(ms(1500)), ms(3000), "the 3 s maximum beats 1.5 + 2 s");
    }
}
