//! What the HPA controller remembers of one HPA between ticks: its recent recommendations and
//! scale events (k8s-semantics 1.2: kept in controller memory, lost on a restart).

use crate::sim::{SimDuration, SimTime};

/// One unstabilized proposal and when it was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Recommendation {
    /// The replica count the metrics asked for.
    pub replicas: u32,
    /// The tick.
    pub at: SimTime,
}

/// One change the HPA made to `spec.replicas`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScaleEvent {
    /// How many replicas were added or removed.
    pub change: u32,
    /// The tick.
    pub at: SimTime,
}

/// One HPA's memory. `Default` is a controller that has never seen the HPA (or has just
/// restarted); the first tick seeds it with the current replica count (k8s-semantics 1.9).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HpaHistory {
    /// Whether the controller has seen this HPA since it started.
    pub seen: bool,
    /// Recent recommendations (stabilization windows).
    pub recommendations: Vec<Recommendation>,
    /// Recent scale-ups (behavior policies).
    pub scale_up_events: Vec<ScaleEvent>,
    /// Recent scale-downs (behavior policies).
    pub scale_down_events: Vec<ScaleEvent>,
}

impl HpaHistory {
    /// The first time the controller sees the HPA it records `{cur, now}`, so a scale-down in
    /// the next stabilization window is held at `cur` (Kubernetes' `recordInitialRecommendation`).
    pub fn record_initial(&mut self, current_replicas: u32, now: SimTime) {
        if !self.seen {
            self.seen = true;
            self.recommendations.push(Recommendation {
                replicas: current_replicas,
                at: now,
            });
        }
    }

    /// Records a proposal after dropping those no window will read again: `expired` says which
    /// (Kubernetes reuses one such slot; dropping them all reads the same and keeps the list
    /// bounded by the window over the sync period).
    pub fn record_recommendation(&mut self, replicas: u32, now: SimTime, expired: impl Fn(SimTime) -> bool) {
        self.recommendations.retain(|r| !expired(r.at));
        self.recommendations.push(Recommendation { replicas, at: now });
    }

    /// Records a change of `spec.replicas` from `from` to `to` (only the behavior path reads
    /// them), dropping events of that direction older than its longest policy period.
    pub fn record_scale(&mut self, from: u32, to: u32, now: SimTime, longest_period: SimDuration) {
        let (events, change) = if to > from {
            (&mut self.scale_up_events, to - from)
        } else {
            (&mut self.scale_down_events, from - to)
        };
        let cutoff = SimTime(now.as_millis().saturating_sub(longest_period.as_millis()));
        events.retain(|e| e.at >= cutoff);
        events.push(ScaleEvent { change, at: now });
    }

    /// Replicas added and removed strictly within the `period` before `now` (an event exactly
    /// `period` old no longer counts, k8s-semantics 1.7.3).
    pub fn changes_within(&self, period: SimDuration, now: SimTime) -> (u64, u64) {
        let within = |events: &[ScaleEvent]| -> u64 {
            events
                .iter()
                .filter(|e| e.at.as_millis() + period.as_millis() > now.as_millis())
                .map(|e| u64::from(e.change))
                .sum()
        };
        (within(&self.scale_up_events), within(&self.scale_down_events))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn s(secs: u64) -> SimTime {
        SimTime(secs * 1000)
    }

    #[test]
    fn the_initial_recommendation_is_recorded_once() {
        let mut h = HpaHistory::default();
        h.record_initial(5, s(0));
        h.record_initial(7, s(15));
        assert_eq!(h.recommendations, vec![Recommendation { replicas: 5, at: s(0) }]);
    }

    #[test]
    fn events_count_strictly_inside_the_period() {
        let mut h = HpaHistory::default();
        let minute = SimDuration::from_secs(60);
        h.record_scale(10, 14, s(0), minute);
        h.record_scale(14, 12, s(30), minute);
        assert_eq!(h.changes_within(minute, s(59)), (4, 2));
        assert_eq!(h.changes_within(minute, s(60)), (0, 2)); // 0 > 60 - 60 is false
        assert_eq!(h.changes_within(minute, s(90)), (0, 0));
        // A new scale-up drops the events its longest period can no longer read.
        h.record_scale(12, 20, s(61), minute);
        assert_eq!(h.scale_up_events, vec![ScaleEvent { change: 8, at: s(61) }]);
        assert_eq!(h.scale_down_events.len(), 1);
    }

    #[test]
    fn expired_recommendations_are_dropped_before_recording() {
        let mut h = HpaHistory::default();
        h.record_initial(5, s(0));
        h.record_recommendation(3, s(15), |at| at < s(0));
        h.record_recommendation(2, s(400), |at| at < s(100));
        assert_eq!(
            h.recommendations,
            vec![Recommendation {
                replicas: 2,
                at: s(400)
            }]
        );
    }
}
