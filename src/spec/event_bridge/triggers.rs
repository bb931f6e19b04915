//! The RunTask requests that schedules and rules make during a run, in time order.
//!
//! Each schedule and each rule is a source of invocations; a lazy merge releases them in order of
//! `(at_ms, source, sequence)`, so memory holds one pending invocation per source (plus those a
//! flexible window has put out of order) however many events a run has. Ties at one millisecond
//! go to the schedule or rule written first, then to the earlier firing, then to target order.

use super::{EventBridgeSpec, EventRuleSpec, RunTaskTarget, ScheduleTrigger};
use crate::policy::schedule::flexible_offset_ms;
use crate::sim::RngStreams;
use crate::workload::Arrivals;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// What started a RunTask request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum TriggerKind {
    /// An EventBridge Scheduler schedule fired.
    Schedule,
    /// An event matched an event rule.
    Rule,
}

/// One RunTask request made by a schedule or a rule.
#[derive(Clone, Debug, PartialEq)]
pub struct TriggeredRunTask<'s> {
    /// When the request is made, ms from the run start (the firing plus its flexible-window delay).
    pub at_ms: u64,
    /// Schedule or rule.
    pub trigger_kind: TriggerKind,
    /// The schedule's or rule's `Name`.
    pub trigger_name: &'s str,
    /// The rule target's `Id` (None for a schedule).
    pub target_id: Option<&'s str>,
    /// When the schedule was due or the event arrived, ms from the run start.
    pub firing_ms: u64,
    /// The task definition, count, capacity, placement, group and retry policy of the request.
    pub target: &'s RunTaskTarget,
}

/// What turns triggers into times: the seed of the random streams, the wall-clock anchor and the
/// load step that arrival rates are re-read at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TriggerClock {
    /// The scenario seed.
    pub seed: u64,
    /// Wall-clock time of the run start, UTC epoch ms (cron and `at` are wall-clock times).
    pub start_epoch_ms: i64,
    /// `behavior.loadStep`, ms.
    pub load_step_ms: u64,
}

/// The name of the random stream of a schedule's flexible window.
fn window_stream(name: &str) -> String {
    format!("eventbridge-schedule/{name}")
}

/// The name of the random stream of a rule's arrivals.
fn arrival_stream(name: &str) -> String {
    format!("eventbridge-rule/{name}")
}

/// A schedule's firings in `[0, horizon_ms]` (ms from the run start) as `(due, invoked)` pairs,
/// `invoked` delayed within the flexible window by the schedule's own random stream. A disabled
/// schedule fires nothing; an invocation delayed past the horizon is left out. In order of `due`.
pub fn schedule_firings(
    schedule: &ScheduleTrigger,
    clock: TriggerClock,
    horizon_ms: u64,
) -> impl Iterator<Item = (u64, u64)> + '_ {
    let origin = clock.start_epoch_ms;
    let end = origin.saturating_add(i64::try_from(horizon_ms).unwrap_or(i64::MAX));
    let mut rng = RngStreams::new(clock.seed).stream(&window_stream(&schedule.name));
    let mut after = origin.saturating_sub(1);
    std::iter::from_fn(move || {
        if !schedule.enabled {
            return None;
        }
        let next = schedule.expression.next_after(after, origin).filter(|t| *t <= end)?;
        after = next;
        let due = u64::try_from(next - origin).expect("firings start at the origin");
        Some((
            due,
            due + flexible_offset_ms(schedule.flexible_window_minutes, &mut rng),
        ))
    })
    .filter(move |(_, invoked)| *invoked <= horizon_ms)
}

/// The arrival times (ms from the run start, up to `horizon_ms`) of the synthetic events a rule
/// receives, from `load.<rule>` and the rule's own random stream. A disabled rule sees none.
pub fn rule_events(rule: &EventRuleSpec, clock: TriggerClock, horizon_ms: u64) -> impl Iterator<Item = u64> + '_ {
    let rng = RngStreams::new(clock.seed).stream(&arrival_stream(&rule.name));
    let arrivals = Arrivals::new(
        &rule.arrivals,
        clock.start_epoch_ms,
        clock.load_step_ms,
        horizon_ms,
        rng,
    );
    arrivals.take_while(move |_| rule.enabled)
}

/// One source of invocations: a schedule or a rule.
enum Source<'s> {
    Schedule(&'s ScheduleTrigger, Box<dyn Iterator<Item = (u64, u64)> + 's>),
    Rule(&'s EventRuleSpec, Box<dyn Iterator<Item = u64> + 's>),
}

/// Every RunTask request of a run, in time order. Build with [`TriggeredRunTasks::new`].
pub struct TriggeredRunTasks<'s> {
    sources: Vec<(Source<'s>, Option<u64>)>,
    /// Requests drawn from sources but not yet released: `(at, source, sequence)`.
    pending: BinaryHeap<Reverse<(u64, usize, u64, usize)>>,
    /// The requests behind the keys in `pending`, by their last key element.
    slots: Vec<Option<TriggeredRunTask<'s>>>,
    free: Vec<usize>,
    sequence: u64,
}

impl<'s> TriggeredRunTasks<'s> {
    /// The requests of `event_bridge` within `[0, horizon_ms]` (ms from the run start).
    pub fn new(event_bridge: &'s EventBridgeSpec, clock: TriggerClock, horizon_ms: u64) -> Self {
        let schedules = event_bridge.schedules.iter().map(|s| {
            let firings: Box<dyn Iterator<Item = (u64, u64)> + 's> = Box::new(schedule_firings(s, clock, horizon_ms));
            Source::Schedule(s, firings)
        });
        let rules = event_bridge.rules.iter().map(|r| {
            let events: Box<dyn Iterator<Item = u64> + 's> = Box::new(rule_events(r, clock, horizon_ms));
            Source::Rule(r, events)
        });
        // Before its first draw a source may produce a request at time 0.
        let sources = schedules.chain(rules).map(|s| (s, Some(0))).collect();
        TriggeredRunTasks {
            sources,
            pending: BinaryHeap::new(),
            slots: Vec::new(),
            free: Vec::new(),
            sequence: 0,
        }
    }

    /// Draws the next firing or event of source `index` into `pending`; records the earliest time
    /// its later requests can have (None when it is exhausted).
    fn advance(&mut self, index: usize) {
        let (source, bound) = &mut self.sources[index];
        let drawn: Vec<TriggeredRunTask<'s>> = match source {
            Source::Schedule(schedule, firings) => match firings.next() {
                Some((due, invoked)) => {
                    *bound = Some(due);
                    vec![TriggeredRunTask {
                        at_ms: invoked,
                        trigger_kind: super::TriggerKind::Schedule,
                        trigger_name: &schedule.name,
                        target_id: None,
                        firing_ms: due,
                        target: &schedule.target,
                    }]
                }
                None => {
                    *bound = None;
                    Vec::new()
                }
            },
            Source::Rule(rule, events) => match events.next() {
                Some(at) => {
                    *bound = Some(at);
                    rule.targets
                        .iter()
                        .map(|t| TriggeredRunTask {
                            at_ms: at,
                            trigger_kind: super::TriggerKind::Rule,
                            trigger_name: &rule.name,
                            target_id: Some(&t.id),
                            firing_ms: at,
                            target: &t.run_task,
                        })
                        .collect()
                }
                None => {
                    *bound = None;
                    Vec::new()
                }
            },
        };
        for request in drawn {
            let at_ms = request.at_ms;
            let slot = match self.free.pop() {
                Some(slot) => {
                    self.slots[slot] = Some(request);
                    slot
                }
                None => {
                    self.slots.push(Some(request));
                    self.slots.len() - 1
                }
            };
            self.pending.push(Reverse((at_ms, index, self.sequence, slot)));
            self.sequence += 1;
        }
    }
}

impl<'s> Iterator for TriggeredRunTasks<'s> {
    type Item = TriggeredRunTask<'s>;

    fn next(&mut self) -> Option<TriggeredRunTask<'s>> {
        loop {
            // The source whose next request could come earliest: a request is only released once
            // no source can still produce one that sorts before it.
            let lowest = self
                .sources
                .iter()
                .enumerate()
                .filter_map(|(i, (_, bound))| bound.map(|b| (b, i)))
                .min();
            match (self.pending.peek(), lowest) {
                (Some(Reverse((at, source, ..))), Some(bound)) if (*at, *source) < bound => {}
                (None, None) => return None,
                (_, Some((_, index))) => {
                    self.advance(index);
                    continue;
                }
                (Some(_), None) => {}
            }
            let Reverse((.., slot)) = self.pending.pop().expect("peeked");
            self.free.push(slot);
            return self.slots[slot].take();
        }
    }
}

#[cfg(test)]
mod tests;
