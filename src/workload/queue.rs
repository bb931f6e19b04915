//! A FIFO message queue drained by workers: exact depth, throughput and age of the oldest message.
//!
//! Messages are a fluid: within a load step they arrive at a constant rate, and healthy workers
//! take them from the front of the queue. While messages wait, the workers process at full
//! capacity; when the queue is empty they process what arrives, up to their capacity. The caller
//! splits time at every change of arrival rate or worker count, so each `advance` covers a piece
//! of constant rates and its result is exact.
//!
//! The queue keeps one batch per load step whose messages still wait (its start, its arrival rate
//! and what is left of it), so the age of the oldest message is exact too, and memory grows with
//! the backlog, never with simulated time: a drained batch is dropped.

use std::collections::VecDeque;

use super::serving::Served;

const MS_PER_S: f64 = 1_000.0;
/// A batch with fewer messages left than this is drained (float rounding, not a message).
const EMPTY_BATCH: f64 = 1e-9;

/// The messages that arrived in one load step and still wait.
#[derive(Clone, Debug, PartialEq)]
struct ArrivalBatch {
    /// Start of the load step, ms: the first message of the batch arrived then.
    started_ms: u64,
    /// Arrival rate during the step, messages/s.
    rate_per_s: f64,
    /// Messages that arrived in the batch so far.
    arrived: f64,
    /// Messages of the batch not yet processed.
    remaining: f64,
}

impl ArrivalBatch {
    /// When the oldest message still waiting arrived: messages arrive evenly from the start, so
    /// after `arrived - remaining` were taken the oldest left arrived that many messages later.
    fn oldest_arrival_ms(&self) -> f64 {
        let taken = self.arrived - self.remaining;
        self.started_ms as f64 + taken / self.rate_per_s * MS_PER_S
    }
}

/// A FIFO queue of messages, consumed by one service's healthy tasks.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MessageQueue {
    /// Batches with messages left, oldest first.
    batches: VecDeque<ArrivalBatch>,
    /// Messages waiting (the sum of the batches' `remaining`).
    visible: f64,
}

/// What the workers did over one piece of time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Drained {
    /// Messages processed.
    pub processed: f64,
    /// Mean processing rate over the piece, messages/s.
    pub processed_per_s: f64,
}

impl Drained {
    /// The piece as the interval accumulator sees it: messages processed are served, none are
    /// unserved (they wait instead), and each healthy task's share is its processing rate over its
    /// capacity. CPU is linear in the share, so the mean rate gives the exact mean CPU.
    pub fn as_served(&self, capacity_per_s: f64) -> Served {
        Served {
            served_rps: self.processed_per_s,
            unserved_rps: 0.0,
            load_share: if capacity_per_s > 0.0 {
                (self.processed_per_s / capacity_per_s).min(1.0)
            } else {
                0.0
            },
        }
    }
}

impl MessageQueue {
    /// An empty queue.
    pub fn new() -> Self {
        Self::default()
    }

    /// Messages waiting (`ApproximateNumberOfMessagesVisible`).
    pub fn visible(&self) -> f64 {
        self.visible
    }

    /// Age of the oldest waiting message at `now_ms`, in seconds (`ApproximateAgeOfOldestMessage`);
    /// 0 when the queue is empty.
    pub fn oldest_message_age_s(&self, now_ms: u64) -> f64 {
        self.batches
            .front()
            .map_or(0.0, |b| ((now_ms as f64 - b.oldest_arrival_ms()) / MS_PER_S).max(0.0))
    }

    /// Load steps whose messages still wait: the memory the queue holds.
    pub fn batch_count(&self) -> usize {
        self.batches.len()
    }

    /// Runs `duration_ms` of constant rates: messages arrive at `arrival_per_s` into the batch of
    /// the load step that started at `step_started_ms`, and workers able to process
    /// `capacity_per_s` take them from the front.
    pub fn advance(
        &mut self,
        step_started_ms: u64,
        duration_ms: u64,
        arrival_per_s: f64,
        capacity_per_s: f64,
    ) -> Drained {
        let seconds = duration_ms as f64 / MS_PER_S;
        let arrival_per_s = arrival_per_s.max(0.0);
        let arrived = arrival_per_s * seconds;
        // Full capacity while messages wait; what arrives (up to capacity) once the queue is empty.
        let processed = (capacity_per_s.max(0.0) * seconds).min(self.visible + arrived);
        self.arrive(step_started_ms, arrival_per_s, arrived);
        self.take(processed);
        Drained {
            processed,
            processed_per_s: if seconds > 0.0 { processed / seconds } else { 0.0 },
        }
    }

    fn arrive(&mut self, step_started_ms: u64, rate_per_s: f64, messages: f64) {
        if messages <= 0.0 {
            return;
        }
        self.visible += messages;
        match self.batches.back_mut() {
            Some(b) if b.started_ms == step_started_ms => {
                b.arrived += messages;
                b.remaining += messages;
            }
            _ => self.batches.push_back(ArrivalBatch {
                started_ms: step_started_ms,
                rate_per_s,
                arrived: messages,
                remaining: messages,
            }),
        }
    }

    fn take(&mut self, mut messages: f64) {
        self.visible -= messages;
        while messages > 0.0 {
            let Some(front) = self.batches.front_mut() else { break };
            if front.remaining <= messages + EMPTY_BATCH {
                messages -= front.remaining;
                self.batches.pop_front();
            } else {
                front.remaining -= messages;
                messages = 0.0;
            }
        }
        // Keep "empty" exact: no float residue in the depth or in a forgotten batch.
        if self.batches.is_empty() || self.visible <= EMPTY_BATCH {
            self.batches.clear();
            self.visible = 0.0;
        }
    }

    /// Panics if the depth and the batches disagree (checked after every event in tests).
    pub fn check_invariants(&self) {
        let sum: f64 = self.batches.iter().map(|b| b.remaining).sum();
        assert!(self.visible >= 0.0, "negative queue depth {}", self.visible);
        assert!(
            (sum - self.visible).abs() <= 1e-6 * self.visible.max(1.0),
            "queue depth {} but batches hold {sum}",
            self.visible
        );
        assert!(
            self.batches
                .iter()
                .all(|b| b.remaining > 0.0 && b.remaining <= b.arrived + EMPTY_BATCH),
            "a batch is empty or holds more than arrived: {:?}",
            self.batches
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One piece of constant rates: (step_started_ms, duration_ms, arrival_per_s, capacity_per_s).
    type Piece = (u64, u64, f64, f64);

    /// Runs `pieces` from an empty queue and checks (processed per piece, depth, age at `now_ms`).
    #[track_caller]
    fn check(pieces: &[Piece], processed: &[f64], depth: f64, now_ms: u64, age_s: f64) {
        let mut queue = MessageQueue::new();
        let mut got = Vec::new();
        for &(start, duration, arrival, capacity) in pieces {
            got.push(queue.advance(start, duration, arrival, capacity).processed);
            queue.check_invariants();
        }
        assert_eq!(got, processed, "processed per piece");
        assert_eq!(queue.visible(), depth, "depth");
        assert_eq!(queue.oldest_message_age_s(now_ms), age_s, "age of the oldest message");
    }

    #[test]
    fn depth_after_sub_intervals() {
        // Arrivals below capacity never wait.
        check(&[(0, 60_000, 5.0, 10.0)], &[300.0], 0.0, 60_000, 0.0);
        // 10/s in, 4/s out for 30 s then 20 s: 180 and 120 wait. The 200 taken came first, in
        // 20 s, so the oldest left arrived at 20 s.
        check(
            &[(0, 30_000, 10.0, 4.0), (0, 20_000, 10.0, 4.0)],
            &[120.0, 80.0],
            300.0,
            50_000,
            30.0,
        );
        // No worker: everything waits.
        check(&[(0, 60_000, 2.0, 0.0)], &[0.0], 120.0, 60_000, 60.0);
        // Nothing arrives, nothing to do.
        check(&[(0, 60_000, 0.0, 10.0)], &[0.0], 0.0, 60_000, 0.0);
    }

    #[test]
    fn draining_to_empty_mid_interval() {
        // 600 wait after a minute (20 in, 10 out); then 5 in, 40 out drains them in 600/35 s and
        // processes the arrivals from then on: 600 + 5 x 60 = 900 in the second minute.
        check(
            &[(0, 60_000, 20.0, 10.0), (60_000, 60_000, 5.0, 40.0)],
            &[600.0, 900.0],
            0.0,
            120_000,
            0.0,
        );
        // Capacity exactly equal to the backlog plus arrivals: empty, not a float residue.
        check(
            &[(0, 10_000, 3.0, 0.0), (10_000, 10_000, 0.0, 3.0)],
            &[0.0, 30.0],
            0.0,
            20_000,
            0.0,
        );
    }

    #[test]
    fn the_oldest_message_ages_in_fifo_order() {
        // Step 0 brings 600 (10/s), step 60 s brings 1,200 (20/s), no worker: at 120 s the oldest
        // came at 0.
        let two_steps = [(0, 60_000, 10.0, 0.0), (60_000, 60_000, 20.0, 0.0)];
        check(&two_steps, &[0.0, 0.0], 1_800.0, 120_000, 120.0);
        // Workers then take 300 of the first batch: the oldest left arrived at 30 s (10/s).
        let mut pieces = two_steps.to_vec();
        pieces.push((120_000, 30_000, 0.0, 10.0));
        check(&pieces, &[0.0, 0.0, 300.0], 1_500.0, 150_000, 120.0);
        // 600 taken empties the first batch; 300 more come from the second, whose messages came
        // at 20/s from 60 s: the oldest left arrived at 75 s.
        let mut pieces = two_steps.to_vec();
        pieces.push((120_000, 30_000, 0.0, 30.0));
        check(&pieces, &[0.0, 0.0, 900.0], 900.0, 150_000, 75.0);
    }

    #[test]
    fn memory_is_bounded_by_the_backlog_not_by_time() {
        let mut queue = MessageQueue::new();
        // A day of one-second steps where workers keep up: never more than one batch.
        for step in 0..86_400u64 {
            queue.advance(step * 1_000, 1_000, 7.0, 10.0);
            assert!(queue.batch_count() <= 1);
        }
        assert_eq!(queue.visible(), 0.0);
        // 100 steps with no worker keep 100 batches; once drained, none is left.
        for step in 0..100u64 {
            queue.advance(step * 60_000, 60_000, 1.0, 0.0);
        }
        assert_eq!(queue.batch_count(), 100);
        let drained = queue.advance(6_000_000, 60_000, 0.0, 1_000.0);
        assert_eq!(drained.processed, 6_000.0);
        assert_eq!(drained.processed_per_s, 100.0);
        assert_eq!(queue.batch_count(), 0);
        assert_eq!(queue.oldest_message_age_s(6_060_000), 0.0);
    }

    #[test]
    fn processing_shares_become_the_served_rate() {
        let drained = Drained {
            processed: 600.0,
            processed_per_s: 10.0,
        };
        let served = drained.as_served(40.0);
        assert_eq!(
            (served.served_rps, served.unserved_rps, served.load_share),
            (10.0, 0.0, 0.25)
        );
        assert_eq!(drained.as_served(0.0).load_share, 0.0);
    }
}
