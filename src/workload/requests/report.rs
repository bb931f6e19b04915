//! What one stretch did: request counts, response- and wait-time sketches, and each target's
//! busy fraction and requests held at the end.

use super::target::Target;
use super::{TargetId, TargetState};
use crate::sim::time::SimTime;
use crate::workload::latency::QuantileSketch;

/// The outcome of one stretch. Requests are conserved:
/// `in_system_at_start + arrived = served + timed_out + failed + in_system_at_end`.
#[derive(Debug, Clone, PartialEq)]
pub struct StretchReport {
    /// The stretch's start (the model's clock before it).
    pub start: SimTime,
    /// The stretch's end.
    pub end: SimTime,
    /// Requests held by the targets at the start.
    pub in_system_at_start: u64,
    /// Requests that arrived.
    pub arrived: u64,
    /// Requests answered within the timeout.
    pub served: u64,
    /// Requests that reached the timeout, queued or in service (504).
    pub timed_out: u64,
    /// Requests that found no healthy target, or whose target was removed before the stretch
    /// (5XX).
    pub failed: u64,
    /// Requests held by the targets at the end.
    pub in_system_at_end: u64,
    /// Response times (arrival to answer) of the requests served, ms.
    pub response_ms: QuantileSketch,
    /// Sum of those response times, ms.
    pub response_ms_sum: f64,
    /// Waits in queue of the requests that started service, ms.
    pub wait_ms: QuantileSketch,
    /// Sum of those waits, ms.
    pub wait_ms_sum: f64,
    /// Every target registered at the end, in registration order.
    pub targets: Vec<TargetReport>,
}

/// One target over one stretch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TargetReport {
    /// Which target.
    pub id: TargetId,
    /// Its state during the stretch (states change only between stretches).
    pub state: TargetState,
    /// Its slots (`concurrency`).
    pub concurrency: u32,
    /// Requests routed to it.
    pub routed: u64,
    /// Requests it answered within the timeout.
    pub served: u64,
    /// Busy slot-time over `concurrency` times the stretch's length, in [0, 1] (for CPU
    /// utilization); 0 for an empty stretch.
    pub busy_fraction: f64,
    /// Requests in service at the end.
    pub in_service: u32,
    /// Requests queued at the end.
    pub queued: u64,
}

impl StretchReport {
    /// An empty report for a stretch starting at `start` with `in_system` requests held.
    pub(super) fn begin(start: SimTime, in_system: u64, failed: u64) -> StretchReport {
        StretchReport {
            start,
            end: start,
            in_system_at_start: in_system,
            arrived: 0,
            served: 0,
            timed_out: 0,
            failed,
            in_system_at_end: 0,
            response_ms: QuantileSketch::default(),
            response_ms_sum: 0.0,
            wait_ms: QuantileSketch::default(),
            wait_ms_sum: 0.0,
            targets: Vec::new(),
        }
    }

    /// Mean response time of the requests served, ms (None when none was).
    pub fn mean_response_ms(&self) -> Option<f64> {
        (self.served > 0).then(|| self.response_ms_sum / self.served as f64)
    }

    /// Mean wait of the requests that started service, ms (None when none did).
    pub fn mean_wait_ms(&self) -> Option<f64> {
        let started = self.wait_ms.count();
        (started > 0).then(|| self.wait_ms_sum / started as f64)
    }

    /// Records one served request's response time.
    pub(super) fn record_response(&mut self, response_ms: f64) {
        self.served += 1;
        self.response_ms_sum += response_ms;
        // Response times are finite and non-negative by construction, which is all the
        // sketch refuses.
        let _ = self.response_ms.insert(response_ms);
    }

    /// Records one wait in queue.
    pub(super) fn record_wait(&mut self, wait_ms: f64) {
        self.wait_ms_sum += wait_ms;
        let _ = self.wait_ms.insert(wait_ms);
    }

    /// The target's line at the end of a stretch of `length_ns`.
    pub(super) fn target_line(target: &Target, length_ns: u64) -> TargetReport {
        let capacity = length_ns as f64 * f64::from(target.spec.concurrency);
        let busy_fraction = if capacity > 0.0 {
            (target.busy_slot_ns as f64 / capacity).clamp(0.0, 1.0)
        } else {
            0.0
        };
        TargetReport {
            id: target.id,
            state: target.state,
            concurrency: target.spec.concurrency,
            routed: target.routed,
            served: target.served,
            busy_fraction,
            in_service: target.busy,
            queued: target.queue.len() as u64,
        }
    }
}
