//! The model between stretches: its settings, clock and targets, and the changes the engine
//! makes to the target set.

use std::collections::{BinaryHeap, VecDeque};

use super::routing::Router;
use super::stretch::{Deadline, InService};
use super::target::Target;
use super::{MAX_CONCURRENCY, NS_PER_MS, RequestConfig, RequestError, TargetId, TargetSpec, TargetState, ns_of};
use crate::sim::time::SimTime;

/// Every request of one service across its targets, stretch after stretch.
#[derive(Debug, Clone)]
pub struct RequestModel {
    pub(super) config: RequestConfig,
    pub(super) now: SimTime,
    /// In registration order.
    pub(super) targets: Vec<Target>,
    pub(super) router: Router,
    /// Requests in service, earliest end first.
    pub(super) in_service: BinaryHeap<InService>,
    /// Queued requests' timeouts, in order of arrival (which is the order of their deadlines).
    pub(super) deadlines: VecDeque<Deadline>,
    pub(super) next_seq: u64,
    /// Requests dropped by removed targets since the last stretch (reported as failed in the
    /// next one).
    pub(super) failed_between: u64,
}

impl RequestModel {
    /// A model without targets whose clock starts at `start`.
    pub fn new(config: RequestConfig, start: SimTime) -> Result<RequestModel, RequestError> {
        config.validate()?;
        Ok(RequestModel {
            config,
            now: start,
            targets: Vec::new(),
            router: Router::default(),
            in_service: BinaryHeap::new(),
            deadlines: VecDeque::new(),
            next_seq: 0,
            failed_between: 0,
        })
    }

    /// The model's clock: the end of the last stretch, where target changes take effect.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// The load balancer's settings.
    pub fn config(&self) -> RequestConfig {
        self.config
    }

    /// Requests held by all targets (in service and queued).
    pub fn in_system(&self) -> u64 {
        self.targets.iter().map(Target::outstanding).sum()
    }

    /// The registered targets' ids and states, in registration order.
    pub fn targets(&self) -> impl Iterator<Item = (TargetId, TargetState)> + '_ {
        self.targets.iter().map(|t| (t.id, t.state))
    }

    /// Registers a target holding nothing, in `state`, at [`Self::now`].
    pub fn add_target(&mut self, id: TargetId, spec: TargetSpec, state: TargetState) -> Result<(), RequestError> {
        if self.index_of(id).is_ok() {
            return Err(RequestError::DuplicateTarget(id.0));
        }
        if !(1..=MAX_CONCURRENCY).contains(&spec.concurrency) {
            let (what, bound) = ("concurrency", "from 1 to 1048576");
            let value = f64::from(spec.concurrency);
            return Err(RequestError::OutOfRange { what, bound, value });
        }
        spec.service.validate()?;
        let now_ns = ns_of(self.now);
        self.targets.push(Target::new(id, spec, TargetState::Unhealthy, now_ns));
        self.set_state(id, state)
    }

    /// Changes a target's state at [`Self::now`]. Becoming healthy starts its slow start when
    /// the rules of Latency A4 say so (see the module documentation).
    pub fn set_state(&mut self, id: TargetId, state: TargetState) -> Result<(), RequestError> {
        let index = self.index_of(id)?;
        let now_ns = ns_of(self.now);
        let was_healthy = self.targets[index].state == TargetState::Healthy;
        if state == TargetState::Healthy && !was_healthy {
            let slow_start = self.config.slow_start_ms > 0 && self.has_full_weight_peer(index, now_ns);
            let target = &mut self.targets[index];
            target.healthy_since_ns = now_ns;
            target.slow_start_from_ns = slow_start.then_some(now_ns);
            target.credit = 0.0;
        } else if state != TargetState::Healthy {
            self.targets[index].slow_start_from_ns = None;
        }
        self.targets[index].state = state;
        self.rebuild_eligible();
        Ok(())
    }

    /// Removes a target; the requests it held fail. Returns how many.
    pub fn remove_target(&mut self, id: TargetId) -> Result<u64, RequestError> {
        let index = self.index_of(id)?;
        let removed = self.targets.remove(index);
        let dropped = removed.outstanding();
        self.failed_between = self.failed_between.saturating_add(dropped);
        let at = index as u32;
        let renumber = |t: u32| if t > at { t - 1 } else { t };
        let kept: Vec<InService> = std::mem::take(&mut self.in_service)
            .into_vec()
            .into_iter()
            .filter(|r| r.target != at)
            .map(|r| InService {
                target: renumber(r.target),
                ..r
            })
            .collect();
        self.in_service = BinaryHeap::from(kept);
        self.deadlines.retain(|d| d.target != at);
        for d in &mut self.deadlines {
            d.target = renumber(d.target);
        }
        self.rebuild_eligible();
        Ok(dropped)
    }

    /// Whether a healthy target other than `index`, healthy since before `now_ns`, is at full
    /// weight (targets that become healthy together into an empty group skip slow start).
    fn has_full_weight_peer(&mut self, index: usize, now_ns: u64) -> bool {
        let duration_ns = self.config.slow_start_ms.saturating_mul(NS_PER_MS);
        self.targets.iter_mut().enumerate().any(|(i, t)| {
            i != index
                && t.state == TargetState::Healthy
                && t.healthy_since_ns < now_ns
                && t.slow_start_weight(now_ns, duration_ns).is_none()
        })
    }

    fn index_of(&self, id: TargetId) -> Result<usize, RequestError> {
        self.targets
            .iter()
            .position(|t| t.id == id)
            .ok_or(RequestError::UnknownTarget(id.0))
    }

    fn rebuild_eligible(&mut self) {
        self.router.rebuild(&mut self.targets);
    }
}
