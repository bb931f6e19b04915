//! When a started container's pod becomes Ready, stops being Ready, or is killed by its probes,
//! and how long a crash-looping container waits (k8s-semantics 3.1, timing model 9 item 11:
//! probes run at `start + initialDelaySeconds + k × periodSeconds`, their run time ignored).

use crate::model::k8s::Probe;
use crate::sim::{SimDuration, SimTime};

/// The times at which one probe runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProbeSchedule {
    /// The first probe: the probe's start plus `initialDelaySeconds`.
    pub first: SimTime,
    /// `periodSeconds` (at least 1 s).
    pub period: SimDuration,
}

impl ProbeSchedule {
    /// The schedule of `probe` starting at `from` (container start, or startup success).
    pub fn new(from: SimTime, probe: &Probe) -> ProbeSchedule {
        ProbeSchedule {
            first: from.plus(SimDuration::from_secs(u64::from(probe.initial_delay_s))),
            period: SimDuration::from_secs(u64::from(probe.period_s.max(1))),
        }
    }

    /// The `k`-th probe (0 = the first).
    pub fn nth(&self, k: u32) -> SimTime {
        self.first.plus(SimDuration(self.period.0.saturating_mul(u64::from(k))))
    }

    /// The first probe at or after `t`.
    pub fn first_at_or_after(&self, t: SimTime) -> SimTime {
        if t <= self.first {
            return self.first;
        }
        let periods = t.since(self.first).0.div_ceil(self.period.0);
        self.first.plus(SimDuration(periods.saturating_mul(self.period.0)))
    }
}

/// A container that has just started, with the probes of its pod.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ContainerStart {
    /// When the container started.
    pub started: SimTime,
    /// How long after starting the app answers its probes (`None`: never, a bad image).
    pub app_answers_after: Option<SimDuration>,
    /// `startupProbe`.
    pub startup: Option<Probe>,
    /// `readinessProbe`.
    pub readiness: Option<Probe>,
    /// `livenessProbe`.
    pub liveness: Option<Probe>,
}

/// How a started container's pod comes up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StartOutcome {
    /// The pod becomes Ready at `at`.
    Ready {
        /// When.
        at: SimTime,
    },
    /// A startup probe (or, without one, the liveness probe) reaches `failureThreshold`
    /// before the app answers: the kubelet kills the container at `at` and restarts it after
    /// `restart_backoff`.
    Killed {
        /// When.
        at: SimTime,
        /// Whether the startup probe (else the liveness probe) killed it.
        by_startup_probe: bool,
    },
    /// A readiness probe never passes and no probe kills the container: the pod stays
    /// running and NotReady.
    NeverReady,
}

/// How the pod of `c` comes up (k8s-semantics W25). Without a readiness probe the pod is Ready
/// as soon as its containers run (and the startup probe, if any, has passed), whether or not
/// the app answers: Kubernetes cannot tell.
pub fn ready_at(c: &ContainerStart) -> StartOutcome {
    let app = c.app_answers_after.map(|d| c.started.plus(d));
    // Readiness and liveness start once the startup probe passes.
    let mut probes_from = c.started;
    let killer = c.startup.map(|p| (p, true)).or(c.liveness.map(|p| (p, false)));
    if let Some((probe, by_startup_probe)) = killer {
        let schedule = ProbeSchedule::new(c.started, &probe);
        let last_chance = schedule.nth(probe.failure_threshold.max(1) - 1);
        match app.map(|a| schedule.first_at_or_after(a)) {
            Some(pass) if pass <= last_chance => {
                if by_startup_probe {
                    probes_from = pass;
                }
            }
            _ => {
                return StartOutcome::Killed {
                    at: last_chance,
                    by_startup_probe,
                };
            }
        }
    }
    let Some(readiness) = c.readiness else {
        return StartOutcome::Ready { at: probes_from };
    };
    let Some(app) = app else {
        return StartOutcome::NeverReady;
    };
    let schedule = ProbeSchedule::new(probes_from, &readiness);
    let first_pass = schedule.first_at_or_after(app);
    let passes_needed = readiness.success_threshold.max(1) - 1;
    StartOutcome::Ready {
        at: first_pass.plus(SimDuration(schedule.period.0.saturating_mul(u64::from(passes_needed)))),
    }
}

/// When a Ready pod whose app stops answering at `app_stops` turns NotReady (or, for a liveness
/// schedule, is killed): at the `failureThreshold`-th consecutive failed probe (k8s-semantics W25).
pub fn not_ready_at(schedule: &ProbeSchedule, failure_threshold: u32, app_stops: SimTime) -> SimTime {
    let first_failure = schedule.first_at_or_after(app_stops);
    let more = u64::from(failure_threshold.max(1) - 1);
    first_failure.plus(SimDuration(schedule.period.0.saturating_mul(more)))
}

/// A container that ran this long without a problem has its restart count for the back-off
/// reset (10 min).
pub const BACKOFF_RESET: SimDuration = SimDuration::from_mins(10);

/// The wait before restarting a container that has been restarted `restarts` times since the
/// last reset: 10 s doubling, capped at 300 s.
pub fn restart_backoff(restarts: u32) -> SimDuration {
    let secs = 10u64.checked_shl(restarts.min(16)).unwrap_or(u64::MAX).min(300);
    SimDuration::from_secs(secs)
}

#[cfg(test)]
#[path = "probes_tests.rs"]
mod tests;
