//! Which healthy target a new request goes to: round robin (with the slow-start ramp) or least
//! outstanding requests (ties to the first after the last chosen). See the module
//! documentation for the rules.

use super::target::Target;
use super::{Routing, TargetState};

/// The routing state that lasts across requests: the healthy targets in registration order and
/// the position of the last one chosen.
#[derive(Debug, Clone, Default)]
pub(super) struct Router {
    /// Indices into the model's targets of the healthy ones, in registration order.
    pub eligible: Vec<u32>,
    /// Requests held by each of `eligible` (in service plus queued), kept in step by
    /// [`Router::sync`], so least outstanding requests scans one dense slice.
    pub load: Vec<u32>,
    /// How many of `eligible` hold exactly k requests, at index k.
    at_load: Vec<u32>,
    /// The fewest requests any of `eligible` holds (0 when none is eligible).
    fewest: u32,
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
            Routing::LeastOutstandingRequests => self.least_outstanding(),
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
    fn least_outstanding(&self) -> usize {
        let n = self.load.len();
        let first = if self.last + 1 >= n { 0 } else { self.last + 1 };
        let fewest = self.fewest;
        let after = self.load[first..].iter().position(|&l| l == fewest).map(|p| first + p);
        after
            .or_else(|| self.load.iter().position(|&l| l == fewest))
            .unwrap_or(0)
    }

    /// Rebuilds `eligible` and `load` from the targets' states, and each target's position.
    pub fn rebuild(&mut self, targets: &mut [Target]) {
        self.eligible.clear();
        self.load.clear();
        for (index, target) in targets.iter_mut().enumerate() {
            target.position = None;
            if target.state == TargetState::Healthy {
                target.position = Some(self.eligible.len());
                self.eligible.push(index as u32);
                self.load.push(held(target));
            }
        }
        self.at_load.clear();
        for k in 0..self.load.len() {
            self.count(self.load[k], 1);
        }
        self.fewest = self.load.iter().copied().min().unwrap_or(0);
        let n = self.eligible.len();
        if self.last >= n {
            self.last = n.saturating_sub(1);
        }
    }

    /// Records what `target` holds now, if it is eligible.
    pub fn sync(&mut self, target: &Target) {
        let Some(p) = target.position.filter(|&p| p < self.load.len()) else {
            return;
        };
        let (old, new) = (self.load[p], held(target));
        if old == new {
            return;
        }
        self.load[p] = new;
        self.count(old, -1);
        self.count(new, 1);
        if new < self.fewest {
            self.fewest = new;
        } else if old == self.fewest && self.at_load.get(old as usize) == Some(&0) {
            // The last target at the minimum left it, upward: the new minimum is above.
            let above = self.at_load.iter().skip(old as usize + 1).position(|&c| c > 0);
            self.fewest = above.map_or(new, |k| old + 1 + k as u32);
        }
    }

    /// Adds `delta` (1 or -1) to the number of targets holding `load` requests.
    fn count(&mut self, load: u32, delta: i32) {
        let k = load as usize;
        if k >= self.at_load.len() {
            self.at_load.resize(k + 1, 0);
        }
        self.at_load[k] = self.at_load[k].saturating_add_signed(delta);
    }
}

/// What a target holds, saturating at `u32::MAX`.
fn held(target: &Target) -> u32 {
    u32::try_from(target.outstanding()).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::super::test_support::exponential;
    use super::super::{Routing, TargetId, TargetSpec, TargetState};
    use super::{Router, Target};

    fn targets(n: u64) -> Vec<Target> {
        let spec = TargetSpec {
            concurrency: 1,
            service: exponential(1.0),
        };
        (0..n)
            .map(|i| Target::new(TargetId(i), spec.clone(), TargetState::Healthy, 0))
            .collect()
    }

    #[test]
    fn least_outstanding_keeps_its_minimum_through_random_changes_and_breaks_ties_in_turn() {
        let mut ts = targets(7);
        let mut router = Router::default();
        router.rebuild(&mut ts);
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for step in 0..20_000 {
            let i = rng.random_range(0..ts.len());
            // Loads move by one (a request in or out) and sometimes jump (timeouts in bulk).
            ts[i].busy = match rng.random_range(0..10) {
                0 => rng.random_range(0..40),
                1..=4 => ts[i].busy.saturating_sub(1),
                _ => ts[i].busy + 1,
            };
            router.sync(&ts[i]);
            let fewest = ts.iter().map(|t| t.busy).min().unwrap_or(0);
            let first = (router.last + 1) % ts.len();
            let want = (0..ts.len())
                .map(|k| (first + k) % ts.len())
                .find(|&p| ts[p].busy == fewest);
            let got = router.choose(Routing::LeastOutstandingRequests, &mut ts, 0, 0);
            assert_eq!(got, want, "step {step}: loads {:?}", router.load);
        }
    }

    #[test]
    fn round_robin_takes_healthy_targets_in_turn() {
        let mut ts = targets(4);
        ts[2].state = TargetState::Draining;
        let mut router = Router::default();
        router.rebuild(&mut ts);
        let picks: Vec<_> = (0..6)
            .filter_map(|_| router.choose(Routing::RoundRobin, &mut ts, 0, 0))
            .collect();
        assert_eq!(picks, [1, 3, 0, 1, 3, 0]);
    }
}
