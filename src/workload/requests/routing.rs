//! Which healthy target a new request goes to: round robin (with the slow-start ramp) or least
//! outstanding requests (ties to the first after the last chosen). See the module
//! documentation for the rules.

use super::Routing;
use super::target::Target;

/// The routing state that lasts across requests: the healthy targets in registration order and
/// the position of the last one chosen.
#[derive(Debug, Clone, Default)]
pub(super) struct Router {
    /// Indices into the model's targets of the healthy ones, in registration order.
    pub eligible: Vec<u32>,
    /// Position in `eligible` of the target chosen last.
    pub last: usize,
}

impl Router {
    /// The index of the target a request arriving at `now_ns` goes to, or None when no target
    /// is healthy.
    pub fn choose(
        &mut self,
        routing: Routing,
        targets: &mut [Target],
        now_ns: u64,
        slow_start_ns: u64,
    ) -> Option<usize> {
        if self.eligible.is_empty() {
            return None;
        }
        let position = match routing {
            Routing::RoundRobin => self.round_robin(targets, now_ns, slow_start_ns),
            Routing::LeastOutstandingRequests => self.least_outstanding(targets),
        };
        self.last = position;
        self.eligible.get(position).map(|&i| i as usize)
    }

    /// The next target in turn that takes the request (a target in slow start only when its
    /// credit reaches 1); after a full cycle without a taker, the next in turn.
    fn round_robin(&self, targets: &mut [Target], now_ns: u64, slow_start_ns: u64) -> usize {
        let n = self.eligible.len();
        let mut position = self.last;
        for _ in 0..n {
            position = if position + 1 >= n { 0 } else { position + 1 };
            let Some(target) = targets.get_mut(self.eligible[position] as usize) else {
                continue;
            };
            match target.slow_start_weight(now_ns, slow_start_ns) {
                None => return position,
                Some(weight) => {
                    target.credit += weight;
                    if target.credit >= 1.0 {
                        target.credit -= 1.0;
                        return position;
                    }
                }
            }
        }
        if self.last + 1 >= n { 0 } else { self.last + 1 }
    }

    /// The position of the target holding the fewest requests; among equals, the first at or
    /// after the one following the last chosen.
    fn least_outstanding(&self, targets: &[Target]) -> usize {
        let n = self.eligible.len();
        let first = if self.last + 1 >= n { 0 } else { self.last + 1 };
        let held = |position: usize| {
            let index = self.eligible[position] as usize;
            targets.get(index).map_or(u64::MAX, Target::outstanding)
        };
        let (mut best, mut best_held) = (first, held(first));
        for position in (first + 1..n).chain(0..first) {
            if best_held == 0 {
                break;
            }
            let h = held(position);
            if h < best_held {
                (best, best_held) = (position, h);
            }
        }
        best
    }
}
