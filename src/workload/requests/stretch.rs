//! The event loop of one stretch: three sources of events merged in time order, with no
//! allocation per request. Completions come from a binary heap of the requests in service (at
//! most the slots of all targets), queue timeouts from a FIFO (every request has the same
//! timeout, so deadlines come in order of arrival), arrivals from the arrival stream.

use std::cmp::Ordering;
use std::collections::binary_heap::PeekMut;

use rand_chacha::ChaCha8Rng;

use super::arrivals::{ArrivalStream, Arrivals};
use super::model::RequestModel;
use super::report::StretchReport;
use super::target::{Queued, Target};
use super::{NS_PER_MS, RequestError, ms_of_ns, ns_of};
use crate::sim::time::SimTime;

/// A request in service; ordered so that the heap's top is the earliest end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct InService {
    /// When its slot frees: the answer, or the timeout if that comes first.
    pub end_ns: u64,
    pub arrival_ns: u64,
    pub target: u32,
    /// The timeout came before the answer.
    pub timed_out: bool,
}

impl Ord for InService {
    fn cmp(&self, other: &Self) -> Ordering {
        // Reversed: `BinaryHeap` is a max-heap and the earliest end must come out first.
        (other.end_ns, other.target, other.arrival_ns, other.timed_out).cmp(&(
            self.end_ns,
            self.target,
            self.arrival_ns,
            self.timed_out,
        ))
    }
}

impl PartialOrd for InService {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// When a queued request times out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Deadline {
    pub at_ns: u64,
    pub target: u32,
    pub seq: u64,
}

/// The random streams of one stretch.
struct Draws<'r> {
    service: &'r mut ChaCha8Rng,
    timeout_ns: u64,
}

impl RequestModel {
    /// Simulates every request from [`Self::now`] to `until` and moves the clock there.
    /// Arrival times come from `arrival_rng`, service times from `service_rng`; events at
    /// `until` itself belong to the next stretch.
    pub fn run(
        &mut self,
        until: SimTime,
        arrivals: Arrivals<'_>,
        arrival_rng: &mut ChaCha8Rng,
        service_rng: &mut ChaCha8Rng,
    ) -> Result<StretchReport, RequestError> {
        if until < self.now {
            let (now_ms, until_ms) = (self.now.as_millis(), until.as_millis());
            return Err(RequestError::StretchBackwards { now_ms, until_ms });
        }
        let mut stream = ArrivalStream::new(arrivals, self.now, until)?;
        let (start_ns, until_ns) = (ns_of(self.now), ns_of(until));
        let failed = std::mem::take(&mut self.failed_between);
        let mut report = StretchReport::begin(self.now, self.in_system() + failed, failed);
        for target in &mut self.targets {
            target.begin_stretch(start_ns);
        }
        let timeout_ns = self.config.timeout_ms.saturating_mul(NS_PER_MS);
        let mut draws = Draws {
            service: service_rng,
            timeout_ns,
        };
        let last_ns = until_ns.saturating_sub(1);
        let mut next_arrival = stream.next_ns(arrival_rng).map_or(u64::MAX, |t| t.min(last_ns));
        loop {
            let completion = self.in_service.peek().map_or(u64::MAX, |r| r.end_ns);
            let deadline = self.next_deadline();
            let now_ns = completion.min(deadline).min(next_arrival);
            if now_ns >= until_ns {
                break;
            }
            if completion == now_ns {
                self.complete(now_ns, &mut draws, &mut report);
            } else if deadline == now_ns {
                self.expire(&mut report);
            } else {
                self.arrive(now_ns, &mut draws, &mut report);
                next_arrival = stream.next_ns(arrival_rng).map_or(u64::MAX, |t| t.min(last_ns));
            }
        }
        self.finish(until, &mut report);
        Ok(report)
    }

    /// The earliest deadline of a request still queued, dropping those of requests that left
    /// their queue.
    fn next_deadline(&mut self) -> u64 {
        while let Some(d) = self.deadlines.front() {
            let queued = self.targets.get(d.target as usize).and_then(|t| t.queue.front());
            if queued.is_some_and(|q| q.seq == d.seq) {
                return d.at_ns;
            }
            self.deadlines.pop_front();
        }
        u64::MAX
    }

    /// The earliest request in service ends: answered or timed out; its slot takes the next
    /// queued request that has not timed out, if any.
    fn complete(&mut self, now_ns: u64, draws: &mut Draws<'_>, report: &mut StretchReport) {
        let Some(mut top) = self.in_service.peek_mut() else {
            return;
        };
        let done = *top;
        let Some(target) = self.targets.get_mut(done.target as usize) else {
            PeekMut::pop(top);
            return;
        };
        target.integrate(now_ns);
        if done.timed_out {
            report.timed_out += 1;
        } else {
            target.served += 1;
            report.record_response(ms_of_ns(now_ns - done.arrival_ns));
        }
        match next_live(target, now_ns, draws.timeout_ns, report) {
            Some(queued) => *top = start(target, done.target, queued.arrival_ns, now_ns, draws, report),
            None => {
                target.busy = target.busy.saturating_sub(1);
                PeekMut::pop(top);
            }
        }
        self.router.sync(target);
    }

    /// The request at the front of the deadlines (still queued, see `next_deadline`) times out.
    fn expire(&mut self, report: &mut StretchReport) {
        let Some(d) = self.deadlines.pop_front() else {
            return;
        };
        if let Some(target) = self.targets.get_mut(d.target as usize) {
            if target.queue.pop_front().is_some() {
                report.timed_out += 1;
            }
            self.router.sync(target);
        }
    }

    /// A request arrives: routed to a healthy target, it starts at once if a slot is free,
    /// else it queues; with no healthy target it fails.
    fn arrive(&mut self, now_ns: u64, draws: &mut Draws<'_>, report: &mut StretchReport) {
        report.arrived += 1;
        let (routing, slow_start_ns) = (self.config.routing, self.config.slow_start_ms.saturating_mul(NS_PER_MS));
        let Some(index) = self.router.choose(routing, &mut self.targets, now_ns, slow_start_ns) else {
            report.failed += 1;
            return;
        };
        let Some(target) = self.targets.get_mut(index) else {
            report.failed += 1;
            return;
        };
        target.routed += 1;
        if target.busy < target.spec.concurrency {
            target.integrate(now_ns);
            target.busy += 1;
            let entry = start(target, index as u32, now_ns, now_ns, draws, report);
            self.in_service.push(entry);
        } else {
            let seq = self.next_seq;
            self.next_seq += 1;
            target.queue.push_back(Queued {
                arrival_ns: now_ns,
                seq,
            });
            let at_ns = now_ns.saturating_add(draws.timeout_ns);
            self.deadlines.push_back(Deadline {
                at_ns,
                target: index as u32,
                seq,
            });
        }
        // The target holds one more: least outstanding requests must see it at the next arrival.
        self.router.sync(target);
    }

    /// Closes the stretch at `until`: busy time up to the end, what each target holds.
    fn finish(&mut self, until: SimTime, report: &mut StretchReport) {
        let until_ns = ns_of(until);
        let length_ns = until_ns.saturating_sub(ns_of(report.start));
        for target in &mut self.targets {
            target.integrate(until_ns);
        }
        report.end = until;
        report.in_system_at_end = self.in_system();
        report.targets = self
            .targets
            .iter()
            .map(|t| StretchReport::target_line(t, length_ns))
            .collect();
        self.now = until;
    }
}

/// The next queued request of `target` that has not reached its timeout at `now_ns`; those
/// that have are counted as timed out on the way.
fn next_live(target: &mut Target, now_ns: u64, timeout_ns: u64, report: &mut StretchReport) -> Option<Queued> {
    while let Some(queued) = target.queue.pop_front() {
        if queued.arrival_ns.saturating_add(timeout_ns) > now_ns {
            return Some(queued);
        }
        report.timed_out += 1;
    }
    None
}

/// A request that arrived at `arrival_ns` starts service on `target` at `now_ns` (the caller
/// has counted the slot): its wait is recorded and its service time drawn.
fn start(
    target: &Target,
    index: u32,
    arrival_ns: u64,
    now_ns: u64,
    draws: &mut Draws<'_>,
    report: &mut StretchReport,
) -> InService {
    report.record_wait(ms_of_ns(now_ns - arrival_ns));
    // Adding a half and truncating rounds the non-negative draw to the nearest ns (NaN to 0).
    let service_ns = (target.spec.service.sample_ms(draws.service) * NS_PER_MS as f64 + 0.5) as u64;
    let answer_ns = now_ns.saturating_add(service_ns);
    let deadline_ns = arrival_ns.saturating_add(draws.timeout_ns);
    InService {
        end_ns: answer_ns.min(deadline_ns),
        arrival_ns,
        target: index,
        timed_out: answer_ns > deadline_ns,
    }
}
