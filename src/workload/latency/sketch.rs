//! A streaming quantile sketch with a relative-error guarantee, in the manner of DDSketch:
//! logarithmic buckets, so memory depends on the range of values and a bucket cap, never on how
//! many values went in.
//!
//! Bucket i holds the values in (γ^(i-1), γ^i] with γ = (1+α)/(1-α), and answers with
//! 2γ^i/(γ+1), which is within a relative α of every value in the bucket. So the q-quantile
//! returned is within α (relative) of the exact q-quantile `sorted[floor(q (n-1))]`, unless the
//! bucket cap forced the lowest buckets together ([`QuantileSketch::collapsed`]): the lowest
//! values are then over-estimated, and the high quantiles latency cares about keep the bound.
//! Values below the smallest normal f64 (zeros) are counted apart and reported as 0.

use super::LatencyError;
use super::bucket_index::BucketIndex;

/// Relative accuracy of [`QuantileSketch::default`]: 1 %.
pub const DEFAULT_RELATIVE_ACCURACY: f64 = 0.01;
/// Bucket cap of [`QuantileSketch::default`]: 2 048 buckets (16 KiB) span values over a ratio
/// of about 10^17 at 1 %.
pub const DEFAULT_MAX_BUCKETS: usize = 2_048;
/// Largest bucket cap accepted (8 MiB of counts).
const MOST_BUCKETS: usize = 1 << 20;
/// Finest relative accuracy accepted: below it ln γ loses its digits and bucket indices of
/// extreme values would leave `i64`.
const FINEST_ACCURACY: f64 = 1e-6;

/// Quantiles of a stream of non-negative values within a stated relative accuracy.
#[derive(Debug, Clone, PartialEq)]
pub struct QuantileSketch {
    relative_accuracy: f64,
    /// ln γ.
    ln_gamma: f64,
    /// Values to bucket indices, mostly without `ln`.
    index: BucketIndex,
    max_buckets: usize,
    zero_count: u64,
    /// Counts of the buckets `first_index ..`, at most `max_buckets` of them.
    counts: Vec<u64>,
    first_index: i64,
    count: u64,
    collapsed: bool,
}

impl Default for QuantileSketch {
    /// 1 % relative accuracy, 2 048 buckets.
    fn default() -> QuantileSketch {
        QuantileSketch::build(DEFAULT_RELATIVE_ACCURACY, DEFAULT_MAX_BUCKETS)
    }
}

impl QuantileSketch {
    /// An empty sketch answering within `relative_accuracy` (in [1e-6, 1)) with at most
    /// `max_buckets` (1 to 2^20) buckets.
    pub fn new(relative_accuracy: f64, max_buckets: usize) -> Result<QuantileSketch, LatencyError> {
        if !(FINEST_ACCURACY..1.0).contains(&relative_accuracy) {
            let bound = "in [1e-6, 1)";
            return Err(LatencyError::OutOfRange {
                what: "sketch relative accuracy",
                bound,
                value: relative_accuracy,
            });
        }
        if !(1..=MOST_BUCKETS).contains(&max_buckets) {
            let bound = "from 1 to 1048576";
            return Err(LatencyError::OutOfRange {
                what: "sketch bucket cap",
                bound,
                value: max_buckets as f64,
            });
        }
        Ok(QuantileSketch::build(relative_accuracy, max_buckets))
    }

    fn build(relative_accuracy: f64, max_buckets: usize) -> QuantileSketch {
        let gamma = (1.0 + relative_accuracy) / (1.0 - relative_accuracy);
        QuantileSketch {
            relative_accuracy,
            ln_gamma: gamma.ln(),
            index: BucketIndex::new(gamma.ln()),
            max_buckets,
            zero_count: 0,
            counts: Vec::new(),
            first_index: 0,
            count: 0,
            collapsed: false,
        }
    }

    /// The relative accuracy α of the quantiles.
    pub fn relative_accuracy(&self) -> f64 {
        self.relative_accuracy
    }

    /// How many values went in.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Whether the bucket cap merged the lowest buckets (low quantiles may then be too high).
    pub fn collapsed(&self) -> bool {
        self.collapsed
    }

    /// Adds one value; negative, NaN and infinite values are refused.
    pub fn insert(&mut self, value: f64) -> Result<(), LatencyError> {
        if !(value.is_finite() && value >= 0.0) {
            return Err(LatencyError::OutOfRange {
                what: "sketch value",
                bound: "at least 0",
                value,
            });
        }
        self.count = self.count.saturating_add(1);
        if value < f64::MIN_POSITIVE {
            self.zero_count = self.zero_count.saturating_add(1);
        } else {
            let index = self.index.of(value);
            self.add(index, 1);
        }
        Ok(())
    }

    /// Adds `count` values distributed as `survival` (P(X > t), non-increasing in t) without
    /// drawing them: each bucket between those of `low` and `high` (both above 0) receives
    /// `count` times the probability mass it holds, rounded to whole counts; the mass below
    /// `low` goes to `low`'s bucket and the mass above `high` to `high`'s. So quantiles q with
    /// `P(X < low) < q < P(X <= high)` keep the relative-accuracy bound (no rank error beyond the
    /// rounding of counts). Costs one `survival` call per bucket spanned.
    pub fn add_distribution(&mut self, count: f64, low: f64, high: f64, survival: impl Fn(f64) -> f64) {
        if !(count.is_finite() && count > 0.0 && low >= f64::MIN_POSITIVE && high.is_finite()) {
            return;
        }
        let high = high.max(low);
        let first = self.index.exact(low);
        let last = self.index.exact(high);
        // Buckets are (γ^(i-1), γ^i]: bucket `first` also takes everything at or below its lower end.
        let mut above = 1.0;
        let gamma = self.ln_gamma.exp();
        let mut upper = (first as f64 * self.ln_gamma).exp();
        for index in first..=last {
            let tail = if index == last {
                0.0
            } else {
                survival(upper).clamp(0.0, above)
            };
            upper *= gamma;
            let n = (count * (above - tail)).round();
            if n >= 1.0 {
                self.add(index, n as u64);
                self.count = self.count.saturating_add(n as u64);
            }
            above = tail;
        }
    }

    /// Adds every value `other` holds; both must have the same relative accuracy.
    pub fn merge(&mut self, other: &QuantileSketch) -> Result<(), LatencyError> {
        if self.relative_accuracy.to_bits() != other.relative_accuracy.to_bits() {
            let (ours, theirs) = (self.relative_accuracy, other.relative_accuracy);
            return Err(LatencyError::SketchMismatch { ours, theirs });
        }
        self.count = self.count.saturating_add(other.count);
        self.zero_count = self.zero_count.saturating_add(other.zero_count);
        self.collapsed |= other.collapsed;
        // Highest first: the top of the range is fixed before lower buckets may need clamping.
        for (offset, &n) in other.counts.iter().enumerate().rev() {
            if n > 0 {
                self.add(other.first_index + offset as i64, n);
            }
        }
        Ok(())
    }

    /// The q-quantile (q in [0, 1]) within the relative accuracy; None when empty or q is not
    /// a probability.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if self.count == 0 || !(0.0..=1.0).contains(&q) {
            return None;
        }
        let rank = q * (self.count - 1) as f64;
        let mut below = self.zero_count;
        if below as f64 > rank {
            return Some(0.0);
        }
        let gamma = self.ln_gamma.exp();
        for (offset, &n) in self.counts.iter().enumerate() {
            below = below.saturating_add(n);
            if below as f64 > rank {
                let index = self.first_index + offset as i64;
                return Some(((index as f64 * self.ln_gamma).exp() * 2.0 / (gamma + 1.0)).min(f64::MAX));
            }
        }
        None // unreachable while the counts add up to `count`
    }

    /// Adds `n` to bucket `index`, widening the range and merging the lowest buckets as the cap
    /// requires.
    fn add(&mut self, index: i64, n: u64) {
        if self.counts.is_empty() {
            self.first_index = index;
            self.counts.push(0);
        }
        let last = self.first_index + self.counts.len() as i64 - 1;
        let cap = self.max_buckets as i64;
        let index = if index < self.first_index {
            let lowest = index.max(last - cap + 1);
            self.collapsed |= lowest > index;
            let extra = (self.first_index - lowest) as usize;
            self.counts.splice(0..0, std::iter::repeat_n(0, extra));
            self.first_index = lowest;
            lowest
        } else if index > last {
            self.collapse_below(index - cap + 1);
            self.counts.resize((index - self.first_index + 1) as usize, 0);
            index
        } else {
            index
        };
        let slot = &mut self.counts[(index - self.first_index) as usize];
        *slot = slot.saturating_add(n);
    }

    /// Moves the counts of every bucket below `new_first` into bucket `new_first`.
    fn collapse_below(&mut self, new_first: i64) {
        if new_first <= self.first_index {
            return;
        }
        let dropped = ((new_first - self.first_index) as usize).min(self.counts.len());
        let moved: u64 = self.counts.drain(..dropped).fold(0, u64::saturating_add);
        if self.counts.is_empty() {
            self.counts.push(0);
        }
        self.first_index = new_first;
        self.counts[0] = self.counts[0].saturating_add(moved);
        self.collapsed |= moved > 0;
    }
}

#[cfg(test)]
#[path = "sketch_tests.rs"]
mod tests;
