//! One target's state: its slots, its FIFO queue, its slow-start ramp and what it did during
//! the current stretch.

use std::collections::VecDeque;

use super::{TargetId, TargetSpec, TargetState};

/// A request waiting in a target's queue.
#[derive(Debug, Clone, Copy)]
pub(super) struct Queued {
    pub arrival_ns: u64,
    /// Unique per request: tells a queue timeout whether its request is still at the front.
    pub seq: u64,
}

/// A target and what it holds.
#[derive(Debug, Clone)]
pub(super) struct Target {
    pub id: TargetId,
    pub spec: TargetSpec,
    pub state: TargetState,
    /// When its slow start began, while it lasts.
    pub slow_start_from_ns: Option<u64>,
    /// When it last became healthy (for the "registered together" rule of slow start).
    pub healthy_since_ns: u64,
    /// Its position among the targets that receive requests, while healthy.
    pub position: Option<usize>,
    /// Round-robin credit while in slow start (see the module documentation).
    pub credit: f64,
    /// Slots serving a request.
    pub busy: u32,
    pub queue: VecDeque<Queued>,
    /// Busy slot-nanoseconds since the start of the stretch, up to `last_change_ns`.
    pub busy_slot_ns: u64,
    pub last_change_ns: u64,
    /// Requests routed to it during the stretch.
    pub routed: u64,
    /// Requests it answered during the stretch.
    pub served: u64,
}

impl Target {
    /// A target holding nothing, as of `now_ns`.
    pub fn new(id: TargetId, spec: TargetSpec, state: TargetState, now_ns: u64) -> Target {
        Target {
            id,
            spec,
            state,
            slow_start_from_ns: None,
            healthy_since_ns: now_ns,
            position: None,
            credit: 0.0,
            busy: 0,
            queue: VecDeque::new(),
            busy_slot_ns: 0,
            last_change_ns: now_ns,
            routed: 0,
            served: 0,
        }
    }

    /// Requests it holds: in service and queued (ALB's outstanding requests).
    pub fn outstanding(&self) -> u64 {
        u64::from(self.busy) + self.queue.len() as u64
    }

    /// Adds the busy slot-time up to `now_ns`; call before `busy` changes.
    pub fn integrate(&mut self, now_ns: u64) {
        let elapsed = now_ns.saturating_sub(self.last_change_ns);
        self.busy_slot_ns = self.busy_slot_ns.saturating_add(u64::from(self.busy) * elapsed);
        self.last_change_ns = now_ns;
    }

    /// Starts a stretch at `now_ns`: the per-stretch tallies restart from zero.
    pub fn begin_stretch(&mut self, now_ns: u64) {
        self.busy_slot_ns = 0;
        self.last_change_ns = now_ns;
        self.routed = 0;
        self.served = 0;
    }

    /// Its slow-start weight at `now_ns` (in [0, 1)), or None once at full weight; ends the
    /// slow start when the duration has passed.
    pub fn slow_start_weight(&mut self, now_ns: u64, duration_ns: u64) -> Option<f64> {
        let from = self.slow_start_from_ns?;
        let elapsed = now_ns.saturating_sub(from);
        if duration_ns == 0 || elapsed >= duration_ns {
            self.slow_start_from_ns = None;
            return None;
        }
        Some(elapsed as f64 / duration_ns as f64)
    }
}
