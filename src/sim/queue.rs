//! The event queue: a min-heap ordered by (time, insertion sequence), so ties keep the order scheduled.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::SimTime;

/// A priority queue of events ordered by time; events at the same time pop in insertion order.
///
/// This ordering guarantee is what makes runs reproducible: two events scheduled for the same
/// millisecond are always handled in the order they were scheduled.
pub struct EventQueue<E> {
    heap: BinaryHeap<Entry<E>>,
    next_seq: u64,
}

struct Entry<E> {
    time: SimTime,
    seq: u64,
    event: E,
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.time == other.time && self.seq == other.seq
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Entry<E> {
    /// Reversed so that `BinaryHeap` (a max-heap) pops the earliest (time, seq) first.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.time, other.seq).cmp(&(self.time, self.seq))
    }
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> EventQueue<E> {
    /// An empty queue.
    pub fn new() -> Self {
        EventQueue {
            heap: BinaryHeap::new(),
            next_seq: 0,
        }
    }

    /// Schedules `event` at `time`.
    pub fn push(&mut self, time: SimTime, event: E) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Entry { time, seq, event });
    }

    /// Removes and returns the earliest event.
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        self.heap.pop().map(|e| (e.time, e.event))
    }

    /// The time of the earliest event, if any.
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.peek().map(|e| e.time)
    }

    /// Number of events waiting.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// True when nothing is scheduled.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(pushes: &[(u64, &'static str)], expected: &[&str]) {
        let mut q = EventQueue::new();
        for (t, e) in pushes {
            q.push(SimTime(*t), *e);
        }
        let mut got = Vec::new();
        while let Some((_, e)) = q.pop() {
            got.push(e);
        }
        assert_eq!(got, expected);
    }

    #[test]
    fn orders_by_time_then_insertion() {
        check(&[(5, "c"), (1, "a"), (3, "b")], &["a", "b", "c"]);
        check(&[(2, "x1"), (2, "x2"), (1, "w"), (2, "x3")], &["w", "x1", "x2", "x3"]);
        check(&[(0, "a"), (0, "b"), (0, "c"), (0, "d")], &["a", "b", "c", "d"]);
        check(&[], &[]);
    }

    #[test]
    fn interleaved_push_and_pop_keep_fifo_ties() {
        let mut q = EventQueue::new();
        q.push(SimTime(10), 1);
        q.push(SimTime(10), 2);
        assert_eq!(q.pop(), Some((SimTime(10), 1)));
        q.push(SimTime(10), 3);
        q.push(SimTime(5), 0);
        assert_eq!(q.peek_time(), Some(SimTime(5)));
        let rest: Vec<_> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(rest, vec![0, 2, 3]);
    }
}
