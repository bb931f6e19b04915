//! Percentiles of a percentage series (utilization, reservation) in constant memory: values are
//! counted at a resolution of 0.1 percentage point, so a run of any length keeps at most one
//! counter per distinct tenth.

use std::collections::BTreeMap;

/// Counts of values by tenth of a percent.
#[derive(Clone, Debug, Default)]
pub struct PercentHistogram {
    counts: BTreeMap<i64, u64>,
    total: u64,
}

impl PercentHistogram {
    /// Counts `value` (a percentage) once, rounded to 0.1. A value that is not a number is not
    /// counted.
    pub fn add(&mut self, value: f64) {
        if value.is_finite() {
            *self.counts.entry((value * 10.0).round() as i64).or_insert(0) += 1;
            self.total += 1;
        }
    }

    /// The `p`-th percentile (0 < p <= 100) by nearest rank: the smallest counted value with at
    /// least `p` % of the values at or below it. `None` when nothing was counted.
    pub fn percentile(&self, p: f64) -> Option<f64> {
        if self.total == 0 {
            return None;
        }
        let rank = ((p / 100.0 * self.total as f64).ceil() as u64).clamp(1, self.total);
        let mut seen = 0;
        for (&tenths, &n) in &self.counts {
            seen += n;
            if seen >= rank {
                return Some(tenths as f64 / 10.0);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles_at_a_tenth_of_a_percent() {
        let mut h = PercentHistogram::default();
        assert_eq!(h.percentile(50.0), None);
        // 1..=100: p50 is 50, p90 is 90, p99 is 99 (nearest rank).
        for v in 1..=100 {
            h.add(f64::from(v));
        }
        assert_eq!(h.percentile(50.0), Some(50.0));
        assert_eq!(h.percentile(90.0), Some(90.0));
        assert_eq!(h.percentile(99.0), Some(99.0));
        assert_eq!(h.percentile(100.0), Some(100.0));
        let mut h = PercentHistogram::default();
        for v in [12.34, 12.36, 70.0, f64::NAN] {
            h.add(v);
        }
        assert_eq!(h.percentile(1.0), Some(12.3));
        assert_eq!(h.percentile(50.0), Some(12.4));
        assert_eq!(h.percentile(99.0), Some(70.0));
    }
}
